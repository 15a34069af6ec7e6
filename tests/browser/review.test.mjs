// A county official logs in, opens the review queue, opens a filing and approves it through the form.
import assert from 'node:assert/strict';
import test, { after, before } from 'node:test';
import { Server } from '../http/harness.mjs';
import { approvableFiling, launch, screenshot, watchErrors } from './browser.mjs';

let srv;
let browser;
let filing;
before(async () => {
  srv = await Server.start({ name: 'browser-review', demo: true });
  filing = await approvableFiling(srv);
  browser = await launch({ viewport: { width: 1280, height: 900 } });
});
after(async () => {
  if (browser) await browser.close();
  if (srv) await srv.cleanup();
});

test('the demo accounts are printed by tuoyu demo', () => {
  for (const name of ['admin', 'city', 'county_zhangwan', 'county_maojian', 'registrar', 'inspector', 'operator', 'auditor']) {
    assert.match(srv.demoOutput, new RegExp(`\\b${name}\\b`), `demo output does not list ${name}`);
  }
  assert.ok(srv.demoOutput.includes('county_zhangwan-demo-2026'), 'demo output does not give the passwords');
});

test('a county official logs in, opens the queue and approves a filing with the decision form', async () => {
  const page = await browser.context.newPage();
  const errors = watchErrors(page);
  await page.goto(`${srv.base}/login`);
  await page.locator('[name="username"]').fill('county_zhangwan');
  await page.locator('[name="password"]').fill('county_zhangwan-demo-2026');
  await screenshot(page, 'review-1-login');
  const loginForm = page.locator('form').filter({ has: page.locator('[name="password"]') });
  await Promise.all([page.waitForURL(/\/dash/), loginForm.locator('[type="submit"], button').first().click()]);

  await page.goto(`${srv.base}/dash/filings`);
  await screenshot(page, 'review-2-queue');
  const link = page.locator(`a[href="/dash/filings/${filing.filingId}"]`).first();
  assert.ok(await link.isVisible(), 'the filing is not in the review queue');
  assert.ok((await page.locator('body').innerText()).includes(filing.name), 'the queue does not name the institution');
  await Promise.all([page.waitForURL(new RegExp(`/dash/filings/${filing.filingId}$`)), link.click()]);
  await screenshot(page, 'review-3-filing');

  const decision = page.locator('[name="decision"]');
  const tag = await decision.first().evaluate((e) => e.tagName.toLowerCase());
  if (tag === 'select') await decision.selectOption('approve');
  else await page.locator('[name="decision"][value="approve"]').check();
  const posted = page.waitForResponse((r) => r.request().method() === 'POST' && r.url().includes('/decision'));
  await page.getByRole('button', { name: '提交决定' }).click();
  const answer = await posted;
  assert.ok(answer.status() < 400, `the decision form was answered ${answer.status()}`);
  await page.waitForLoadState('load');
  await screenshot(page, 'review-4-decided');

  const f = await srv.get(`/api/v1/filings/${filing.filingId}`, { as: 'county_zhangwan' });
  assert.equal(f.json.status, 'approved', 'the form did not approve the filing');
  const inst = await srv.get(`/api/v1/institutions/${filing.institutionId}`, { as: 'county_zhangwan' });
  assert.equal(inst.json.state, 'filed');
  const body = await page.locator('body').innerText();
  assert.ok(!/csrf_token_invalid|表单已过期/.test(body), 'the form was refused as stale');
  assert.deepEqual(errors, [], 'the browser reported errors');
});

test('the server stops on SIGTERM with exit code 0', async () => {
  await srv.stop();
});
