// Officials' dashboards over a province (issue 9): the drill-down province → prefecture → county (?area=) on
// /dash, /api/v1/dashboard, /dash/planning and the county scoreboard sums its rows exactly as the registry
// holds them (hand sums from the institutions table); ?area= is validated (2, 4 or 6 digits, else 422 naming
// it; an area without districts is 404) and never widens a county official's territory. Data: `tuoyu gen
// --scale province --institutions 300`, spread over 湖北's 104 county-level divisions.
import assert from 'node:assert/strict';
import test, { after, before } from 'node:test';
import { Server, cliOk, errorFields, expectError, expectStatus, show, sql, tidyErrors } from './harness.mjs';

let srv;
/** Registry rows: [district_code, state, places, inclusive]. */
let insts;

/** Hand sums of the registry per key (a function of the district code). */
function sums(key) {
  const m = new Map();
  for (const [code, state, places, inclusive] of insts) {
    const k = key(code);
    if (!m.has(k)) m.set(k, { registered: 0, filed: 0, places: 0, inclusive_filed: 0 });
    const s = m.get(k);
    if (state === 'registered') s.registered++;
    if (state === 'filed') {
      s.filed++;
      s.places += places;
      if (inclusive) s.inclusive_filed++;
    }
  }
  return m;
}

before(async () => {
  srv = new Server('scale');
  await srv.init({});
  const r = await cliOk(['gen', '--db', srv.db, '--scale', 'province', '--seed', '11', '--institutions', '300'], {
    timeoutMs: 180000,
  });
  assert.match(r.stdout, /institutions\s+300/);
  await srv.launch();
  // The daily job evaluates every institution's compliance once at start: wait for it, so that the open
  // violations stand still while requests compare.
  for (let i = 0; i < 240 && !/daily compliance/.test(srv.logTail(1 << 20)); i++)
    await new Promise((r) => setTimeout(r, 250));
  // A county official outside 十堰 (the generated 武汉 江岸区), made once the division exists.
  await srv.addUser('county_jiangan', 'county_official', { district: '420102' });
  insts = sql(srv.db, 'SELECT district_code, state, places, inclusive FROM institutions ORDER BY id')
    .split('\n')
    .filter(Boolean)
    .map((l) => {
      const [code, state, places, inclusive] = l.split('|');
      return [code, state, Number(places), Number(inclusive)];
    });
  assert.equal(insts.length, 300);
});

after(async () => {
  await srv?.stop();
});

test('the dashboard API drills down province → prefecture → county with exact sums', async () => {
  // One province in the data: the top level is its prefectures.
  const top = expectStatus(await srv.get('/api/v1/dashboard', { as: 'admin' }), 200).json;
  assert.equal(top.area, '42');
  assert.equal(top.level, 4);
  const byPref = sums((c) => c.slice(0, 4));
  assert.equal(top.by_area.length, byPref.size, 'one row per prefecture with institutions or districts');
  for (const g of top.by_area) {
    assert.match(g.code, /^42\d\d$/);
    const want = byPref.get(g.code) || { registered: 0, filed: 0, places: 0, inclusive_filed: 0 };
    for (const k of ['registered', 'filed', 'places', 'inclusive_filed'])
      assert.equal(g[k], want[k], `${g.code} ${k}`);
  }
  // The rows of every level add up to the same totals.
  const total = insts.filter((i) => i[1] === 'filed').reduce((s, i) => s + i[2], 0);
  assert.equal(top.by_area.reduce((s, g) => s + g.places, 0), total);
  assert.equal(top.places, total);
  assert.ok(top.by_area.find((g) => g.code === '4203' && g.name === '十堰市' && g.districts === 10));
  assert.ok(top.by_area.find((g) => g.code === '4201' && g.name === '武汉市' && g.districts === 13));

  const same = expectStatus(await srv.get('/api/v1/dashboard?area=42', { as: 'admin' }), 200).json;
  assert.deepEqual(same.by_area, top.by_area);

  // A prefecture: its counties, each equal to its registry rows and to its by_district row.
  const sy = expectStatus(await srv.get('/api/v1/dashboard?area=4203', { as: 'city' }), 200).json;
  assert.equal(sy.level, 6);
  assert.equal(sy.by_area.length, 10);
  const byDistrict = sums((c) => c);
  for (const g of sy.by_area) {
    assert.match(g.code, /^4203\d\d$/);
    const want = byDistrict.get(g.code) || { registered: 0, filed: 0, places: 0, inclusive_filed: 0 };
    for (const k of ['registered', 'filed', 'places', 'inclusive_filed']) assert.equal(g[k], want[k], `${g.code} ${k}`);
    const d = sy.by_district.find((x) => x.district_code === g.code);
    assert.equal(d.places, g.places);
  }
  assert.equal(sy.by_district.length, 10, 'by_district keeps to the area');
  assert.equal(sy.places, byPref.get('4203')?.places || 0);

  // One county.
  const one = expectStatus(await srv.get('/api/v1/dashboard?area=420102', { as: 'admin' }), 200).json;
  assert.deepEqual(one.by_area.map((g) => g.code), ['420102']);
  assert.equal(one.by_area[0].name, '江岸区');
});

test('?area= is validated and an area without districts is not found', async () => {
  for (const bad of ['4', '4x', '420', '42030', '4203021', '42 ', '四二', '-42'])
    for (const path of ['/api/v1/dashboard', '/api/v1/assessment']) {
      const res = await srv.get(`${path}?area=${encodeURIComponent(bad)}`, { as: 'admin' });
      expectError(res, 422, 'validation_failed');
      assert.deepEqual(errorFields(res), ['area'], `${path}?area=${bad}: ${show(res)}`);
    }
  for (const path of ['/dash', '/dash/planning', '/dash/assessment', '/dash/demand']) {
    const page = await srv.get(`${path}?area=4x`, { as: 'admin' });
    assert.equal(page.status, 422, `${path}: ${show(page)}`);
    assert.match(page.text, /area/);
  }
  expectError(await srv.get('/api/v1/dashboard?area=11', { as: 'admin' }), 404, 'not_found');
  expectError(await srv.get('/api/v1/dashboard?area=429999', { as: 'admin' }), 404, 'not_found');
  assert.equal((await srv.get('/dash/planning?area=31', { as: 'admin' })).status, 404);
});

test("a county official sees only their county whatever the area asked for", async () => {
  const own = expectStatus(await srv.get('/api/v1/dashboard', { as: 'county_jiangan' }), 200).json;
  assert.deepEqual(own.by_area.map((g) => g.code), ['420102']);
  assert.deepEqual(own.by_district.map((g) => g.district_code), ['420102']);
  for (const area of ['42', '4201', '420102']) {
    const r = expectStatus(await srv.get(`/api/v1/dashboard?area=${area}`, { as: 'county_jiangan' }), 200).json;
    assert.deepEqual(r.by_area.map((g) => g.code), ['420102'], `area=${area}`);
  }
  for (const area of ['4203', '420103', '43']) {
    for (const path of ['/api/v1/dashboard', '/dash', '/dash/planning', '/dash/assessment', '/api/v1/assessment',
      '/dash/demand']) {
      const r = await srv.get(`${path}?area=${area}`, { as: 'county_jiangan' });
      assert.equal(r.status, 404, `${path}?area=${area}: ${show(r)}`);
    }
  }
  const page = expectStatus(await srv.get('/dash?area=4201', { as: 'county_jiangan' }), 200);
  assert.doesNotMatch(page.text, /area=4203/);
  const board = expectStatus(await srv.get('/api/v1/assessment?area=42', { as: 'county_jiangan' }), 200).json;
  assert.deepEqual(board.districts.map((d) => d.district_code), ['420102']);
});

test('the pages show one level at a time with links one level down, and equal sums', async () => {
  const byPref = sums((c) => c.slice(0, 4));
  const dash = expectStatus(await srv.get('/dash', { as: 'admin' }), 200);
  assert.deepEqual(tidyErrors(dash.text), []);
  // 十堰's row: registered, filed, places as summed from the registry.
  const sy = byPref.get('4203');
  const m = dash.text.match(
    /<a href="\/dash\?area=4203">十堰市<\/a><\/th><td class="num">(\d+)<\/td><td class="num">(\d+)<\/td><td class="num">(\d+)<\/td><td class="num">(\d+)<\/td>/,
  );
  assert.ok(m, 'the 十堰 row links to its counties');
  assert.deepEqual(m.slice(1).map(Number), [sy.registered, sy.filed, sy.places, sy.inclusive_filed]);
  assert.doesNotMatch(dash.text, /420302/, 'no county rows at the prefecture level');

  const counties = expectStatus(await srv.get('/dash?area=4203', { as: 'admin' }), 200);
  assert.deepEqual(tidyErrors(counties.text), []);
  assert.match(counties.text, /<nav class="breadcrumb"[^>]*><a href="\/dash">全国<\/a> › <a href="\/dash\?area=42">湖北省<\/a> › <span aria-current="page">十堰市<\/span><\/nav>/);
  assert.match(counties.text, /district=420302/);
  assert.doesNotMatch(counties.text, /district=420102/);

  // Planning: the prefecture's filed places are the sum of its counties'.
  const plan = expectStatus(await srv.get('/dash/planning?area=42', { as: 'city' }), 200);
  assert.deepEqual(tidyErrors(plan.text), []);
  const row = plan.text.match(/<a href="\/dash\/planning\?area=4201&amp;year=\d+">武汉市<\/a><\/th>(.*?)<\/tr>/);
  assert.ok(row, 'the 武汉 row links to its counties');
  const cells = [...row[1].matchAll(/<td class="num[^"]*">([^<]*)/g)].map((c) => c[1]);
  assert.equal(Number(cells[3]), byPref.get('4201')?.places || 0, `places cell of ${row[0]}`);
  const plan2 = expectStatus(await srv.get('/dash/planning?area=4201', { as: 'city' }), 200);
  assert.match(plan2.text, /district=420102/);

  // Demand: the prefectures' rows link down; the counties of one prefecture are its districts.
  const dem = expectStatus(await srv.get('/dash/demand', { as: 'admin' }), 200);
  assert.deepEqual(tidyErrors(dem.text), []);
  assert.match(dem.text, /<a href="\/dash\/demand\?area=4203">十堰市<\/a>/);
  const dem2 = expectStatus(await srv.get('/dash/demand?area=4203', { as: 'admin' }), 200);
  assert.match(dem2.text, /<td>茅箭区<\/td>/);
  assert.doesNotMatch(dem2.text, /<td>江岸区<\/td>/);

  // The scoreboard: the prefectures with their counties, then one prefecture's counties with their national rank.
  const asm = expectStatus(await srv.get('/dash/assessment', { as: 'admin' }), 200);
  assert.deepEqual(tidyErrors(asm.text), []);
  assert.match(asm.text, /area=4203">十堰市<\/a><\/th><td class="num">10<\/td>/);
  const api = expectStatus(await srv.get('/api/v1/assessment?area=4203', { as: 'admin' }), 200).json;
  assert.equal(api.districts.length, 10);
  assert.ok(api.districts.every((d) => d.district_code.startsWith('4203')));
  const all = expectStatus(await srv.get('/api/v1/assessment', { as: 'admin' }), 200).json;
  assert.equal(all.districts.length, Number(sql(srv.db, 'SELECT COUNT(*) FROM districts')));
  for (const d of api.districts) {
    const same = all.districts.find((x) => x.district_code === d.district_code);
    assert.equal(d.rank, same.rank, 'ranks stay those among all counties');
  }
});

test('open statistics list every district once per year', async () => {
  const stats = expectStatus(await srv.get('/open-data/statistics.json'), 200).json;
  const rows = stats.items;
  assert.equal(stats.count, rows.length);
  const year = Math.max(...rows.map((r) => r.year));
  const last = rows.filter((r) => r.year === year);
  assert.equal(last.length, Number(sql(srv.db, 'SELECT COUNT(*) FROM districts')));
  // Residents as planning reads them, per district (no district is dropped or doubled by the grouping).
  assert.equal(new Set(last.map((r) => r.district_code)).size, last.length);
});
