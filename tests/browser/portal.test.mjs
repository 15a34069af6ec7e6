// A parent on a phone finds a filed institution near home: district and age on the portal, then its page.
import assert from 'node:assert/strict';
import test, { after, before } from 'node:test';
import { Server } from '../http/harness.mjs';
import { approvableFiling, launch, screenshot, setField, watchErrors } from './browser.mjs';

let srv;
let browser;
let target; // a filed institution from the public API
before(async () => {
  srv = await Server.start({ name: 'browser-portal', demo: true });
  let pub = await srv.get('/api/v1/public/institutions');
  if (pub.json.total === 0) {
    // The demo filed nothing: file the demo operator's institution so the portal has something to show.
    const f = await approvableFiling(srv);
    const res = await srv.post(`/api/v1/filings/${f.filingId}/decision`, { decision: 'approve' }, { as: 'county_zhangwan' });
    assert.equal(res.status, 200, res.text);
    pub = await srv.get('/api/v1/public/institutions');
  }
  target = pub.json.items[0];
  browser = await launch({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true });
});
after(async () => {
  if (browser) await browser.close();
  if (srv) await srv.cleanup();
});

test('a parent on a phone searches by district and age and opens a filed institution', async () => {
  const page = await browser.context.newPage();
  const errors = watchErrors(page);
  await page.goto(`${srv.base}/`);
  await screenshot(page, 'portal-1-home-phone');
  // Nothing wider than the phone.
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= 390, `the portal is ${width}px wide on a 390px phone`);

  const age = Math.round((target.min_age_months + target.max_age_months) / 2);
  await setField(page, 'district', target.district_code);
  await setField(page, 'age_months', age);
  const form = page.locator('form').filter({ has: page.locator('[name="district"]') });
  await Promise.all([page.waitForURL(/district=/), form.locator('[type="submit"], button').first().click()]);
  const url = new URL(page.url());
  assert.equal(url.searchParams.get('district'), target.district_code);
  await screenshot(page, 'portal-2-results-phone');

  const link = page.getByRole('link', { name: target.name }).first();
  assert.ok(await link.isVisible(), `${target.name} is not among the results`);
  await Promise.all([page.waitForURL(new RegExp(`/institutions/${target.id}$`)), link.click()]);
  await page.getByText(target.name).first().waitFor();
  const text = await page.locator('body').innerText();
  assert.ok(text.includes(target.filing_number), 'the institution page does not show its filing number');
  assert.ok(text.includes(target.address), 'the institution page does not show its address');
  await screenshot(page, 'portal-3-institution-phone');
  assert.deepEqual(errors, [], 'the browser reported errors');
});

test('the portal search is usable by keyboard alone', async () => {
  const page = await browser.context.newPage();
  await page.goto(`${srv.base}/`);
  const reached = new Set();
  for (let i = 0; i < 30; i++) {
    await page.keyboard.press('Tab');
    const seen = await page.evaluate(() => [document.activeElement?.name, document.activeElement?.type]);
    for (const s of seen) if (s) reached.add(s);
  }
  for (const name of ['district', 'age_months', 'submit']) {
    assert.ok(reached.has(name), `Tab never reaches ${name} (reached ${[...reached]})`);
  }
});

test('the server stops on SIGTERM with exit code 0', async () => {
  await srv.stop();
});
