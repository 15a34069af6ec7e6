// The planning dashboard in the browser, on the demo: the city official logs in and opens /dash/planning at
// desktop (1280×900) and phone (390×844) sizes. The charts are visible, the phone page does not scroll
// sideways, and a county official sees its own county. Screenshots go to test-artifacts/.
import assert from 'node:assert/strict';
import test, { after, before } from 'node:test';
import { Server, show } from '../http/harness.mjs';
import { launch, screenshot, watchErrors } from './browser.mjs';

let srv;
let browser;

before(async () => {
  srv = await Server.start({ name: 'browser-planning', demo: true });
  srv.tokens.city ||= await srv.createToken('city');
  // Whether or not the demo loaded planning data, record this month's snapshot so every chart has data.
  const res = await srv.post('/api/v1/planning/snapshots', {}, { as: 'city' });
  assert.equal(res.status, 201, show(res));
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

async function checkCharts(page) {
  const charts = page.locator('svg.pchart-svg');
  assert.ok((await charts.count()) >= 3, 'the dashboard should draw at least three charts');
  await assert.doesNotReject(charts.first().waitFor({ state: 'visible' }));
  for (const id of ['bars-per1000-fig', 'trend-places-fig']) {
    const box = await page.locator(`#${id} svg`).boundingBox();
    assert.ok(box && box.width > 200 && box.height > 80, `${id} is not visible: ${JSON.stringify(box)}`);
  }
  // Each chart is followed by its table of numbers.
  assert.equal(await page.locator('figure.pchart table.chart-data').count(), await charts.count());
}

test('the city dashboard on a desktop and on a phone', async () => {
  const page = await browser.context.newPage();
  const errors = watchErrors(page);
  await login(page, 'city');
  const res = await page.goto(`${srv.base}/dash/planning`);
  assert.equal(res.status(), 200);
  await checkCharts(page);
  // A bar for every district with a residents figure (the census, or the demo's rows when it loads them).
  const api = await srv.get('/api/v1/planning', { as: 'city' });
  assert.equal(api.status, 200, show(api));
  const known = api.json.rows.filter((r) => r.per_1000 !== null).length;
  assert.ok(known >= 7, `districts with residents: ${known}`);
  assert.equal(await page.locator('#bars-per1000-fig rect.bar').count(), known, 'bars for the districts');
  assert.equal(await page.locator('#map-per1000-fig g.tile').count(), 10, 'a tile per district');
  await screenshot(page, 'planning-city-desktop');

  await page.setViewportSize({ width: 390, height: 844 });
  await page.reload();
  await checkCharts(page);
  const overflow = await page.evaluate(() => ({
    scroll: document.documentElement.scrollWidth,
    inner: window.innerWidth,
  }));
  assert.ok(overflow.scroll <= overflow.inner, `horizontal overflow on a phone: ${JSON.stringify(overflow)}`);
  const barsBox = await page.locator('#bars-per1000-fig svg').boundingBox();
  assert.ok(barsBox.width <= 390, `the chart is wider than the phone: ${barsBox.width}`);
  await screenshot(page, 'planning-city-phone');
  assert.deepEqual(errors, []);
  await page.close();
});

test('a county official sees its county', async () => {
  const page = await browser.context.newPage();
  await page.setViewportSize({ width: 390, height: 844 });
  await login(page, 'county_zhangwan');
  await page.goto(`${srv.base}/dash/planning`);
  await assert.doesNotReject(page.getByRole('heading', { level: 1, name: /张湾区/ }).waitFor());
  assert.equal(await page.locator('#bars-per1000-fig rect.bar').count(), 1);
  await screenshot(page, 'planning-county-phone');
  await page.close();
});
