// The joint meeting in the browser, on the demo: 市人社局's officer (unit_hr) logs in, opens /units/tasks and
// submits a progress report on task 二(一)1; the office (the city official) opens /dash/plan and returns it,
// then unit_hr submits it again and the office accepts it. Screenshots go to test-artifacts/.
import assert from 'node:assert/strict';
import test, { after, before } from 'node:test';
import { Server, show } from '../http/harness.mjs';
import { launch, screenshot, watchErrors } from './browser.mjs';

let srv;
let browser;

before(async () => {
  srv = await Server.start({ name: 'browser-joint', demo: true });
  for (const who of ['unit_hr', 'city']) srv.tokens[who] ||= await srv.createToken(who);
  browser = await launch({ viewport: { width: 1280, height: 900 } });
});
after(async () => {
  if (browser) await browser.close();
  if (srv) await srv.cleanup();
});

async function login(page, username) {
  await browser.context.clearCookies();
  await page.goto(`${srv.base}/login`);
  await page.locator('[name="username"]').fill(username);
  await page.locator('[name="password"]').fill(`${username}-demo-2026`);
  const form = page.locator('form').filter({ has: page.locator('[name="password"]') });
  await Promise.all([
    page.waitForURL((u) => !u.pathname.startsWith('/login')),
    form.locator('[type="submit"], button').first().click(),
  ]);
}

/** Click a submit button in scope and wait for the POST's redirect and the page after it. */
async function submit(page, scope, button, urlPart) {
  const posted = page.waitForResponse((r) => r.request().method() === 'POST' && r.url().includes(urlPart));
  await scope.getByRole('button', { name: button, exact: true }).click();
  const answer = await posted;
  assert.equal(answer.status(), 303, `${button} was answered ${answer.status()}: ${await answer.text().catch(() => '')}`);
  await page.waitForLoadState('load');
}

async function hrReport(taskId) {
  const res = await srv.get(`/api/v1/task-reports?unit=human_resources&task=${taskId}`, { as: 'unit_hr' });
  assert.equal(res.status, 200, show(res));
  return res.json.items[0];
}

test('a unit reports progress on 二(一)1 and the office returns and then accepts it', async () => {
  const tasks = await srv.get('/api/v1/plan/tasks', { as: 'unit_hr' });
  const task = tasks.json.items.find((t) => t.number === '二(一)1');
  assert.ok(task, show(tasks));
  const page = await browser.context.newPage();
  const errors = watchErrors(page);

  await login(page, 'unit_hr');
  await page.goto(`${srv.base}/units/tasks`);
  const section = page.locator(`#task-${task.id}`);
  await section.locator('[name="progress"]').selectOption('in_progress');
  await section.getByLabel('进展情况').fill('已会同市总工会、市妇联起草育儿假配套制度，完成 3 家用人单位弹性工作时间试点。');
  await screenshot(page, 'joint-1-unit-report-form');
  await submit(page, section, '提交', `/units/tasks/${task.id}/report`);
  await screenshot(page, 'joint-2-unit-report-submitted');
  let rep = await hrReport(task.id);
  assert.equal(rep.status, 'submitted');

  // The office returns it with a reason.
  await login(page, 'city');
  await page.goto(`${srv.base}/dash/plan`);
  let review = page.locator(`#review-${rep.id}`);
  await review.scrollIntoViewIfNeeded();
  await screenshot(page, 'joint-3-office-dashboard');
  await review.getByLabel('退回理由（退回时必填）').fill('请补充试点单位名单。');
  await submit(page, review, '退回', `/dash/plan/reports/${rep.id}/review`);
  rep = await hrReport(task.id);
  assert.equal(rep.status, 'returned');

  // The unit sees the reason and submits again; the office accepts.
  await login(page, 'unit_hr');
  await page.goto(`${srv.base}/units/tasks`);
  const again = page.locator(`#task-${task.id}`);
  assert.ok((await again.textContent()).includes('请补充试点单位名单。'));
  await again.getByLabel('进展情况').fill('试点单位：东风公司、市中心医院、十堰职业技术学院。');
  await submit(page, again, '提交', `/units/tasks/${task.id}/report`);
  await login(page, 'city');
  await page.goto(`${srv.base}/dash/plan`);
  review = page.locator(`#review-${rep.id}`);
  await submit(page, review, '通过', `/dash/plan/reports/${rep.id}/review`);
  await screenshot(page, 'joint-4-office-accepted');
  rep = await hrReport(task.id);
  assert.equal(rep.status, 'accepted');
  assert.deepEqual(errors, []);
});
