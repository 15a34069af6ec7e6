// Supervision in the browser, on the demo: the inspector logs in, opens a planned inspection, records a
// finding with the results form and orders it rectified with the order form; the operator logs in and answers
// at /operator/rectifications; the inspector accepts the answer. Screenshots go to test-artifacts/.
import assert from 'node:assert/strict';
import test, { after, before } from 'node:test';
import { Server, expectStatus, show } from '../http/harness.mjs';
import { FILES } from '../http/fixtures.mjs';
import { launch, screenshot, watchErrors } from './browser.mjs';

let srv;
let browser;
let institutionId;
let inspectionId;

/** 'YYYY-MM-DD' n days from today in China time. */
const inDays = (n) => new Date(Date.now() + 8 * 3600e3 + n * 86400e3).toISOString().slice(0, 10);

before(async () => {
  srv = await Server.start({ name: 'browser-supervision', demo: true });
  for (const who of ['inspector', 'operator']) srv.tokens[who] ||= await srv.createToken(who);
  const me = await srv.get('/api/v1/session', { as: 'operator' });
  assert.equal(me.status, 200, show(me));
  institutionId = me.json.user.institution_id;
  // A planned inspection of the demo operator's institution (张湾区, the inspector's district and department).
  const plan = await srv.post(`/api/v1/institutions/${institutionId}/inspections`, { kind: 'routine', planned_on: inDays(0) }, { as: 'inspector' });
  expectStatus(plan, 201);
  inspectionId = plan.json.id;
  browser = await launch({ viewport: { width: 1280, height: 900 } });
});
after(async () => {
  if (browser) await browser.close();
  if (srv) await srv.cleanup();
});

async function login(page, username, home) {
  await browser.context.clearCookies();
  await page.goto(`${srv.base}/login`);
  await page.locator('[name="username"]').fill(username);
  await page.locator('[name="password"]').fill(`${username}-demo-2026`);
  const form = page.locator('form').filter({ has: page.locator('[name="password"]') });
  await Promise.all([page.waitForURL(home), form.locator('[type="submit"], button').first().click()]);
}

/** Click a submit button and wait for the POST's answer (a redirect) and the page after it. */
async function submit(page, scope, button, urlPart) {
  const posted = page.waitForResponse((r) => r.request().method() === 'POST' && r.url().includes(urlPart));
  await scope.getByRole('button', { name: button }).click();
  const answer = await posted;
  assert.equal(answer.status(), 303, `${button} was answered ${answer.status()}: ${await answer.text().catch(() => '')}`);
  await page.waitForLoadState('load');
}

test('an inspector records a finding and orders rectification; the operator answers; the inspector accepts', async () => {
  const page = await browser.context.newPage();
  const errors = watchErrors(page);

  // The inspector: home page with the planned inspection, then the inspection and its results form.
  await login(page, 'inspector', /\/inspector/);
  await screenshot(page, 'supervision-1-inspector');
  const link = page.locator(`a[href="/dash/inspections/${inspectionId}"]`).first();
  if (await link.count()) await Promise.all([page.waitForURL(new RegExp(`/dash/inspections/${inspectionId}$`)), link.click()]);
  else await page.goto(`${srv.base}/dash/inspections/${inspectionId}`);
  const selects = page.locator('select[name^="item_"]');
  const nitems = await selects.count();
  assert.ok(nitems > 0, 'the results form has no checklist items');
  const firstName = await selects.first().getAttribute('name');
  const code = firstName.slice('item_'.length);
  await selects.first().selectOption('fail');
  await page.locator('[name="finding_item_code"]').selectOption(code);
  await page.locator('[name="finding_severity"]').selectOption('high');
  await page.locator('[name="finding_clause"]').fill('《托育机构管理规范（试行）》第十八条 晨午检');
  await page.locator('[name="finding_description"]').fill('抽查一周晨检记录，缺少 3 天记录。');
  await screenshot(page, 'supervision-2-results-form');
  await submit(page, page, '提交检查结果', `/dash/inspections/${inspectionId}/results`);
  await screenshot(page, 'supervision-3-inspection-completed');

  const done = await srv.get(`/api/v1/inspections/${inspectionId}`, { as: 'inspector' });
  assert.equal(done.json.status, 'completed', show(done));
  assert.equal(done.json.findings.length, 1, show(done));
  const findingId = done.json.findings[0].id;

  // The order form of the finding.
  await page.goto(`${srv.base}/dash/rectifications/new?finding=${findingId}`);
  await page.locator('[name="deadline_on"]').fill(inDays(20));
  await page.locator('[name="requirement"]').fill('完善晨检制度，补齐记录，并组织保育人员培训。');
  await screenshot(page, 'supervision-4-order-form');
  await submit(page, page, '下达整改通知', '/dash/rectifications/new');
  const orderId = Number(new URL(page.url()).pathname.split('/').pop());
  assert.ok(orderId > 0, `not on the order's page: ${page.url()}`);
  await screenshot(page, 'supervision-5-order');
  let o = await srv.get(`/api/v1/rectifications/${orderId}`, { as: 'inspector' });
  assert.equal(o.json.status, 'open', show(o));
  assert.equal(o.json.finding.id, findingId);
  assert.equal(o.json.deadline_on, inDays(20));

  // The operator answers with the form of its rectification page.
  await login(page, 'operator', /\/operator/);
  await page.goto(`${srv.base}/operator/rectifications`);
  const section = page.locator(`#order-${orderId}`);
  assert.ok(await section.isVisible(), 'the order is not on the operator page');
  assert.ok((await section.innerText()).includes('抽查一周晨检记录'), 'the finding is not shown to the operator');
  await section.getByLabel('整改情况说明').fill('已补齐晨检记录，修订晨午检制度，并于本周组织全员培训。');
  // A photo attached from the phone: the form posts it as multipart/form-data with the answer.
  await section
    .getByLabel('整改佐证材料（PDF、JPG、PNG）')
    .setInputFiles({ name: '晨检记录照片.png', mimeType: 'image/png', buffer: FILES.png.data });
  await screenshot(page, 'supervision-6-operator-answer');
  await submit(page, section, '提交整改答复', `/operator/rectifications/${orderId}/answer`);
  await screenshot(page, 'supervision-7-operator-answered');
  o = await srv.get(`/api/v1/rectifications/${orderId}`, { as: 'operator' });
  assert.equal(o.json.status, 'answered', show(o));
  assert.deepEqual(o.json.evidence.map((e) => [e.filename, e.media_type, e.size]), [['晨检记录照片.png', 'image/png', FILES.png.data.length]]);
  assert.ok(o.json.evidence[0].event_id, 'the photo was not handed in with the answer');
  assert.ok((await page.locator('body').innerText()).includes('整改答复已提交'));

  // The inspector accepts it.
  await login(page, 'inspector', /\/inspector/);
  await page.goto(`${srv.base}/dash/rectifications/${orderId}`);
  const photo = page.getByRole('link', { name: '晨检记录照片.png' });
  assert.ok(await photo.isVisible(), 'the inspector does not see the photo');
  assert.equal(await photo.getAttribute('href'), `/api/v1/rectifications/${orderId}/evidence/${o.json.evidence[0].id}`);
  await page.locator('[name="text"]').fill('现场复查，整改到位。');
  await submit(page, page, '验收通过', `/dash/rectifications/${orderId}/verify`);
  await screenshot(page, 'supervision-8-accepted');
  o = await srv.get(`/api/v1/rectifications/${orderId}`, { as: 'inspector' });
  assert.equal(o.json.status, 'accepted', show(o));
  assert.deepEqual(o.json.events.map((e) => e.event), ['order', 'answer', 'accept']);

  const body = await page.locator('body').innerText();
  assert.ok(!/csrf_token_invalid|表单已过期/.test(body), 'a form was refused as stale');
  assert.deepEqual(errors, [], 'the browser reported errors');
});

test('the dashboard lists overdue orders by escalation level', async () => {
  const page = await browser.context.newPage();
  await login(page, 'city', /\/dash/);
  await page.goto(`${srv.base}/dash/rectifications?overdue=1`);
  await screenshot(page, 'supervision-9-overdue');
  assert.equal(await page.locator('h1').innerText(), '整改督办');
});

test('the server stops on SIGTERM with exit code 0', async () => {
  await srv.stop();
});
