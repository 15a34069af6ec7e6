// An operator logs in and, through the forms of /operator/people alone, opens a class, hires a caregiver and
// enrols a child into the class before anyone cares for it: the ratio finding appears, and goes away once the
// caregiver is assigned to the class.
import assert from 'node:assert/strict';
import test, { after, before } from 'node:test';
import { Server, passwordOf } from '../http/harness.mjs';
import { addOperator, register } from '../http/fixtures.mjs';
import { launch, screenshot, watchErrors } from './browser.mjs';

const cstNow = () => new Date(Date.now() + 8 * 3600e3);
const iso = (d) => d.toISOString().slice(0, 10);
const daysAgo = (n) => iso(new Date(cstNow().getTime() - n * 86400e3));
function bornMonthsAgo(months) {
  const t = cstNow();
  return iso(new Date(Date.UTC(t.getUTCFullYear(), t.getUTCMonth() - months, 1)));
}
function idNumber(birth, n) {
  const W = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const first17 = `420303${birth.replaceAll('-', '')}${String(n).padStart(3, '0')}`;
  let s = 0;
  for (let i = 0; i < 17; i++) s += Number(first17[i]) * W[i];
  return first17 + '10X98765432'[s % 11];
}

let srv;
let browser;
let operator;
let institutionId;
before(async () => {
  srv = await Server.start({ name: 'browser-people' });
  const r = await register(srv, { district_code: '420303' });
  institutionId = r.institution_id;
  operator = await addOperator(srv, institutionId);
  browser = await launch({ viewport: { width: 1280, height: 900 } });
});
after(async () => {
  if (browser) await browser.close();
  if (srv) await srv.cleanup();
});

/** Submit a form of the people page and wait for the page that follows the redirect. */
async function submit(page, form, button) {
  const posted = page.waitForResponse((r) => r.request().method() === 'POST' && r.url().endsWith('/operator/people'));
  await form.getByRole('button', { name: button }).click();
  const answer = await posted;
  assert.equal(answer.status(), 303, `the ${button} form was answered ${answer.status()}: ${await answer.text().catch(() => '')}`);
  await page.waitForLoadState('load');
}

test('an operator adds a class, a caregiver and a child; the ratio finding appears and clears', async () => {
  const page = await browser.context.newPage();
  const errors = watchErrors(page);
  await page.goto(`${srv.base}/login`);
  await page.locator('[name="username"]').fill(operator);
  await page.locator('[name="password"]').fill(passwordOf(operator));
  const loginForm = page.locator('form').filter({ has: page.locator('[name="password"]') });
  await Promise.all([page.waitForURL(/\/operator/), loginForm.locator('[type="submit"], button').first().click()]);

  await page.goto(`${srv.base}/operator/people`);
  assert.equal(await page.locator('h1').innerText(), '班级、人员和幼儿');
  await screenshot(page, 'people-1-empty');

  // A toddler class with nobody to care for it yet.
  const classForm = page.locator('#form-add_class');
  await classForm.getByLabel('班级名称').fill('托小一班');
  await classForm.getByLabel('班级类型').selectOption('toddler');
  await classForm.getByLabel('容量（人）').fill('10');
  await submit(page, classForm, '添加班级');
  assert.ok(await page.locator('#classes-h + .scroll').getByText('托小一班').isVisible(), 'the class is not listed');

  // A caregiver (the ban register is checked on the way in).
  const staffForm = page.locator('#form-add_staff');
  await staffForm.getByLabel('姓名').fill('李保育');
  await staffForm.getByLabel('身份证号码（18 位）').fill(idNumber('1992-03-14', 21));
  await staffForm.getByLabel('岗位').selectOption('caregiver');
  await staffForm.getByLabel('入职日期').fill(daysAgo(20));
  await staffForm.getByLabel('联系电话').fill('13712345678');
  await staffForm.getByLabel('学历').selectOption('junior_college');
  await staffForm.getByLabel('相关工作年限（年）').fill('4');
  await submit(page, staffForm, '添加工作人员');
  const staffTable = page.locator('#staff-h + .scroll');
  assert.ok(await staffTable.getByText('李保育').isVisible(), 'the caregiver is not listed');
  assert.ok(!(await staffTable.innerText()).includes('13712345678'), 'the phone is shown in clear');

  // A child of 18 months into the class that has no caregiver.
  const birth = bornMonthsAgo(18);
  const childId = idNumber(birth, 31);
  const childForm = page.locator('#form-add_child');
  await childForm.getByLabel('姓名', { exact: true }).fill('王小宝');
  await childForm.getByLabel('身份证号码（18 位）').fill(childId);
  await childForm.getByLabel('出生日期').fill(birth);
  await childForm.getByLabel('性别').selectOption('male');
  const classSelect = childForm.getByLabel('班级', { exact: true });
  const option = await classSelect.locator('option', { hasText: '托小一班' }).getAttribute('value');
  await classSelect.selectOption(option);
  await childForm.getByLabel('入托日期').fill(daysAgo(0));
  await childForm.getByLabel('监护人姓名').fill('王爸爸');
  await childForm.getByLabel('与幼儿关系').fill('父亲');
  await childForm.getByLabel('监护人电话').fill('13912345678');
  await childForm.getByLabel('体检日期').fill(daysAgo(2));
  await childForm.getByLabel('体检机构或医生').fill('张湾区妇幼保健院');
  await childForm.getByLabel('体检结果').selectOption('pass');
  await screenshot(page, 'people-2-child-form');
  await submit(page, childForm, '登记入托');

  const children = await page.locator('#children-h + .scroll').innerText();
  assert.ok(children.includes('王小宝') && children.includes('18'), 'the child (18 months) is not listed');
  assert.ok(!children.includes(childId), 'the ID number is shown in clear');
  assert.ok(children.includes(childId.slice(-4)), 'the masked ID number is not shown');
  const ratio = page.locator('li.finding[data-rule="class_ratio"]');
  assert.equal(await ratio.count(), 1, 'no ratio finding for a class of one child and no caregiver');
  assert.match(await ratio.innerText(), /未配备保育人员/);
  await ratio.scrollIntoViewIfNeeded();
  await screenshot(page, 'people-3-ratio-finding');

  // Assign the caregiver: the finding resolves.
  const cgForm = page.locator('#form-set_caregivers');
  const cgClass = cgForm.getByLabel('班级', { exact: true });
  await cgClass.selectOption(await cgClass.locator('option', { hasText: '托小一班' }).getAttribute('value'));
  await cgForm.getByLabel('李保育').check();
  await submit(page, cgForm, '保存保育人员');
  assert.equal(await page.locator('li.finding[data-rule="class_ratio"]').count(), 0, 'the ratio finding did not clear');
  const classes = await page.locator('#classes-h + .scroll').innerText();
  assert.ok(classes.includes('李保育'), 'the caregiver is not shown with the class');
  await screenshot(page, 'people-4-ratio-cleared');

  // The API agrees with the page.
  srv.tokens[operator] ||= await srv.createToken(operator);
  const f = await srv.get(`/api/v1/institutions/${institutionId}/findings`, { as: operator });
  assert.ok(!f.json.items.some((x) => x.rule === 'class_ratio'), 'the API still reports a ratio finding');
  assert.deepEqual(errors, [], 'the browser reported errors');
});

test('a refused form keeps what was typed and marks the bad fields', async () => {
  const page = await browser.context.newPage();
  await page.goto(`${srv.base}/operator/people`);
  const classForm = page.locator('#form-add_class');
  await classForm.getByLabel('班级名称').fill('乳儿大班');
  await classForm.getByLabel('班级类型').selectOption('infant');
  await classForm.getByLabel('容量（人）').fill('12');
  const posted = page.waitForResponse((r) => r.request().method() === 'POST');
  await classForm.getByRole('button', { name: '添加班级' }).click();
  assert.equal((await posted).status(), 422);
  await page.waitForLoadState('load');
  const capacity = page.locator('#form-add_class').getByLabel('容量（人）');
  assert.equal(await capacity.getAttribute('aria-invalid'), 'true');
  assert.equal(await capacity.inputValue(), '12');
  assert.equal(await page.locator('#form-add_class').getByLabel('班级名称').inputValue(), '乳儿大班');
  await screenshot(page, 'people-5-refused');
});

test('the server stops on SIGTERM with exit code 0', async () => {
  await srv.stop();
});
