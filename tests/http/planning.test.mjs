// Planning (规划与统计): residents and births per district and year, places needed for the target per 1,000
// residents and the gap, a second target, the trends and the projection; the dashboards with SVG charts.
// A constructed district (武当山旅游经济特区, no census figure) gets 123,457 residents through the API and two
// filed institutions of 44 places each (one 普惠): every derived number is compared with a hand computation.
// The SVG on /dash/planning is valid XML and its bars carry the API's numbers at proportional heights.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import test, { after, before, describe } from 'node:test';
import { Server, expectError, expectStatus, show, sql, tidyErrors } from './harness.mjs';
import { cstDay, fileInstitution, idNumber } from './fixtures.mjs';

let srv;
let a; // filed 武当山 institution, 44 places, not 普惠
let b; // filed 武当山 institution, 44 places, 普惠
const YEAR = Number(cstDay(0).slice(0, 4));
const WD = '420392';

const put = (code, year, body, as = 'city') => srv.req('PUT', `/api/v1/planning/population/${code}/${year}`, { as, json: body });
const planning = async (query = '', as = 'city') => {
  const res = await srv.get(`/api/v1/planning${query}`, { as });
  expectStatus(res, 200);
  return res.json;
};
const form = (as, path, fields) =>
  srv.req('POST', path, {
    as,
    body: new URLSearchParams(fields).toString(),
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
  });

before(async () => {
  srv = await Server.start({
    name: 'planning',
    users: { county_wudang: ['county_official', WD] },
  });
  a = await fileInstitution(srv, { county: 'county_wudang', reg: { district_code: WD } });
  b = await fileInstitution(srv, { county: 'county_wudang', reg: { district_code: WD }, filing: { inclusive: true } });
  // Three children enrolled today in the first institution (no class needed).
  for (let i = 0; i < 3; i++) {
    const birth = `${YEAR - 2}-0${i + 3}-15`;
    const res = await srv.post(
      `/api/v1/institutions/${a.institutionId}/children`,
      {
        name: `幼儿${i}`,
        id_number: idNumber(birth, 700 + i, WD.slice(0, 6)),
        birth_on: birth,
        sex: i % 2 ? 'male' : 'female',
        start_on: cstDay(0),
        guardians: [{ name: `家长${i}`, relation: '母亲', phone: `1391234567${i}` }],
        admission_check: { checked_on: cstDay(3), examiner: '武当山特区卫生院', result: 'pass' },
      },
      { as: a.operator }
    );
    expectStatus(res, 201);
  }
});

after(async () => {
  await srv?.cleanup();
});

describe('places needed and the gap', () => {
  test('a constructed district: 123,457 residents, 88 places → 556 needed, gap 468', async () => {
    // Before any entry: no census figure for the zone, so nothing is needed yet.
    let p = await planning(`?year=${YEAR}&district=${WD}`);
    assert.equal(p.rows.length, 1);
    assert.equal(p.rows[0].residents, 0);
    assert.equal(p.rows[0].needed, 0);
    assert.equal(p.rows[0].places, 88);

    const res = await put(WD, YEAR, { residents: 123457, births: 1000, source: '特区统计公报' });
    expectStatus(res, 200);
    assert.equal(res.json.version, 1);
    assert.equal(res.json.residents, 123457);

    p = await planning(`?year=${YEAR}&district=${WD}`);
    const r = p.rows[0];
    assert.equal(p.target, 4.5);
    assert.equal(r.residents, 123457);
    assert.equal(r.residents_year, YEAR);
    assert.equal(r.births, 1000);
    assert.equal(r.source, '特区统计公报');
    assert.equal(r.needed, 556); // ceil(123457 × 4.5 / 1000) = ceil(555.5565)
    assert.equal(r.filed_institutions, 2);
    assert.equal(r.places, 88);
    assert.equal(r.gap, 468);
    assert.equal(r.per_1000, 0.713); // 88 / 123.457 = 0.71280
    assert.equal(r.inclusive_places, 44);
    assert.equal(r.inclusive_share, 0.5);
    assert.equal(r.enrolled, 3);
    assert.equal(r.vacancies, 85);
    assert.deepEqual(p.total, { ...r, version: r.version }); // one district: the total is that district
  });

  test('the second target, set by the city: 6 per 1,000 by 2030 → 741 needed, gap 653', async () => {
    expectError(await srv.req('PUT', '/api/v1/planning/settings', { as: 'county_wudang', json: { target: 4.5, target_year: 2025, target2: 6, target2_year: 2030 } }), 403, 'forbidden');
    let res = await srv.req('PUT', '/api/v1/planning/settings', { as: 'city', json: { target: 0, target_year: 1900, target2: 'x', target2_year: 2030 } });
    let e = expectError(res, 422, 'validation_failed');
    assert.deepEqual(e.fields.map((f) => f.field).sort(), ['target', 'target2', 'target_year']);
    res = await srv.req('PUT', '/api/v1/planning/settings', { as: 'city', json: { target: 4.5, target_year: 2025, target2: 6, target2_year: 2030 } });
    expectStatus(res, 200);
    assert.equal(res.json.target2, 6);
    const p = await planning(`?year=${YEAR}&district=${WD}`);
    assert.equal(p.target2, 6);
    assert.equal(p.target2_year, 2030);
    assert.equal(p.rows[0].needed2, 741); // ceil(123457 × 6 / 1000) = ceil(740.742)
    assert.equal(p.rows[0].gap2, 653);
    assert.equal(p.rows[0].needed, 556);
  });

  test('a year without a row takes the latest earlier one, else the 2020 census', async () => {
    let p = await planning(`?year=${YEAR + 1}&district=${WD}`);
    assert.equal(p.rows[0].residents, 123457);
    assert.equal(p.rows[0].residents_year, YEAR);
    assert.equal(p.rows[0].births, null);
    p = await planning('?year=2019');
    const zw = p.rows.find((x) => x.district_code === '420303');
    assert.equal(zw.residents, 431859);
    assert.equal(zw.residents_year, null);
    assert.equal(zw.needed, 1944); // ceil(431859 × 4.5 / 1000) = ceil(1943.3655)
    assert.equal(p.rows.length, 10);
    // The city: residents summed over the districts, needed from the sum.
    const sum = p.rows.reduce((s, x) => s + x.residents, 0);
    assert.equal(p.total.residents, sum);
    assert.equal(p.total.needed, Math.ceil((sum * 4500) / 1e6 - 1e-9));
    assert.equal(p.total.places, 88);
  });

  test('entries: versions, territory, roles and every bad field', async () => {
    // Stale version → 409; the right one → 200 and version 2.
    expectError(await put(WD, YEAR, { residents: 123457, births: 1000, version: 5 }), 409, 'version_conflict');
    let res = await put(WD, YEAR, { residents: 123457, births: 1000, source: '特区统计公报', version: 1 }, 'county_wudang');
    expectStatus(res, 200);
    assert.equal(res.json.version, 2);
    // A county official writes only its own district; an auditor never; unknown districts are 404.
    expectError(await put('420303', YEAR, { residents: 430000 }, 'county_maojian'), 403, 'forbidden');
    expectError(await put(WD, YEAR, { residents: 1 }, 'auditor'), 403, 'forbidden');
    expectError(await put('429999', YEAR, { residents: 1000 }), 404, 'not_found');
    // Bad input: every field named.
    let e = expectError(await put(WD, 1999, { residents: 0, births: -5, source: 12 }), 422, 'validation_failed');
    assert.deepEqual(e.fields.map((f) => f.field).sort(), ['births', 'residents', 'source', 'year']);
    e = expectError(await put(WD, YEAR, { births: 3 }), 422, 'validation_failed');
    assert.deepEqual(e.fields.map((f) => f.field), ['residents']);
    e = expectError(await put(WD, YEAR, { residents: 1000, births: 101 }), 422, 'validation_failed');
    assert.deepEqual(e.fields.map((f) => f.field), ['births']);
    expectError(await srv.req('PUT', `/api/v1/planning/population/${WD}/${YEAR}`, { as: 'city', body: '{', headers: { 'Content-Type': 'application/json' } }), 400, 'malformed_json');
    // Reads: a county official sees its own district only; operators and registrars not at all.
    const own = await planning('', 'county_maojian');
    assert.equal(own.rows.length, 1);
    assert.equal(own.rows[0].district_code, '420302');
    expectError(await srv.get(`/api/v1/planning?district=${WD}`, { as: 'county_maojian' }), 404, 'not_found');
    expectError(await srv.get('/api/v1/planning', { as: a.operator }), 403, 'forbidden');
    expectError(await srv.get('/api/v1/planning', { as: 'registrar' }), 403, 'forbidden');
    e = expectError(await srv.get('/api/v1/planning?year=abc&district=nope', { as: 'city' }), 422, 'validation_failed');
    assert.deepEqual(e.fields.map((f) => f.field).sort(), ['district', 'year']);
    // Every write is in the audit log.
    const n = Number(sql(srv.db, "SELECT COUNT(*) FROM audit_log WHERE action = 'planning.population'"));
    assert.ok(n >= 2, `audit entries: ${n}`);
    assert.ok(Number(sql(srv.db, "SELECT COUNT(*) FROM audit_log WHERE action = 'planning.settings'")) >= 1);
  });
});

describe('trends and projection', () => {
  test('a snapshot of this month, and the live month in the trends', async () => {
    expectError(await srv.post('/api/v1/planning/snapshots', {}, { as: 'county_wudang' }), 403, 'forbidden');
    let res = await srv.post('/api/v1/planning/snapshots', {}, { as: 'city' });
    expectStatus(res, 201);
    assert.equal(res.json.month, cstDay(0).slice(0, 7));
    res = await srv.post('/api/v1/planning/snapshots', {}, { as: 'admin' }); // an upsert: again is fine
    expectStatus(res, 201);
    res = await srv.get(`/api/v1/planning/trends?district=${WD}&months=3`, { as: 'county_wudang' });
    expectStatus(res, 200);
    const last = res.json.months.at(-1);
    assert.equal(last.month, cstDay(0).slice(0, 7));
    assert.equal(last.live, true);
    assert.equal(last.places, 88);
    assert.equal(last.filed_institutions, 2);
    assert.equal(last.inclusive_share, 0.5);
    assert.equal(last.enrolled, 3);
    assert.equal(last.vacancies, 85);
    expectError(await srv.get('/api/v1/planning/trends?months=0', { as: 'city' }), 422, 'validation_failed');
  });

  test('children under three from births: the sum of three years, then a linear trend', async () => {
    for (const [y, births] of [[YEAR - 3, 1300], [YEAR - 2, 1200], [YEAR - 1, 1100], [YEAR, 1000]]) {
      expectStatus(await put(WD, y, { residents: 123457, births }), 200);
    }
    const res = await srv.get(`/api/v1/planning/projection?district=${WD}`, { as: 'city' });
    expectStatus(res, 200);
    const ys = Object.fromEntries(res.json.years.map((x) => [x.year, x]));
    assert.equal(ys[YEAR].under_three, 1000 + 1100 + 1200);
    assert.equal(ys[YEAR].projected, false);
    assert.equal(ys[YEAR + 1].births, 900); // (1000 − 1300) / 3 = −100 a year
    assert.equal(ys[YEAR + 1].projected, true);
    assert.equal(ys[YEAR + 2].under_three, 800 + 900 + 1000);
    assert.equal(ys[YEAR - 3].under_three, null);
  });
});

/** Each <svg>…</svg> of a page. */
const svgsOf = (html) => html.match(/<svg[\s\S]*?<\/svg>/g) || [];
const attr = (el, name) => {
  const m = el.match(new RegExp(`\\s${name}="([^"]*)"`));
  return m ? m[1] : undefined;
};
const SHORT = { 420391: '经开区', 420392: '武当山' };

describe('pages', () => {
  test('the city dashboard: valid HTML, valid SVG, bars matching the API', async () => {
    const res = await srv.get(`/dash/planning?year=${YEAR}`, { as: 'city' });
    assert.equal(res.status, 200, show(res));
    assert.deepEqual(tidyErrors(res.text), []);
    const svgs = svgsOf(res.text);
    assert.ok(svgs.length >= 5, `expected the charts, found ${svgs.length}`);
    for (const svg of svgs) {
      const x = spawnSync('xmllint', ['--noout', '-'], { input: svg, encoding: 'utf8' });
      assert.equal(x.status, 0, `invalid SVG: ${x.stderr}\n${svg.slice(0, 300)}`);
      assert.match(svg, /role="img"/);
      assert.match(svg, /viewBox="0 0 \d+ \d+"/);
      assert.match(svg, /<title>[^<]+<\/title>/);
    }
    // The bars of places per 1,000: one per district with residents, each height value × 220 / data-max.
    const bars = svgs.find((s) => s.includes('各区县每千人托位数与目标'));
    assert.ok(bars);
    const max = Number(attr(bars, 'data-max'));
    const api = await planning(`?year=${YEAR}`);
    const rects = bars.match(/<rect class="bar[^>]*>/g);
    const withResidents = api.rows.filter((r) => r.per_1000 !== null);
    assert.equal(rects.length, withResidents.length);
    for (const row of withResidents) {
      const label = SHORT[row.district_code] || row.district_name;
      const rect = rects.find((r) => attr(r, 'data-label') === label);
      assert.ok(rect, `no bar for ${label}`);
      const milli = Math.round(row.per_1000 * 1000);
      const expected = (Math.floor((milli + 5) / 10) / 100).toFixed(2);
      assert.equal(attr(rect, 'data-value'), expected, label);
      const h = Number(attr(rect, 'height'));
      assert.ok(Math.abs(h - (Number(expected) * 220) / max) < 0.01, `${label}: height ${h} for ${expected} of ${max}`);
    }
    // The target line at 4.50, and the table after the chart with the same numbers.
    const target = bars.match(/<g class="target"><line[^>]*>/)[0];
    assert.equal(attr(target, 'data-value'), '4.50');
    assert.ok(Math.abs(Number(attr(target, 'y1')) - (28 + 220 - (4.5 * 220) / max)) < 0.01);
    const wd = withResidents.find((r) => r.district_code === WD);
    assert.match(res.text, new RegExp(`<th scope="row">武当山</th><td class="num">${(Math.floor((Math.round(wd.per_1000 * 1000) + 5) / 10) / 100).toFixed(2)}</td>`));
    // The tile map: a tile per district.
    const map = svgs.find((s) => s.includes('分布图'));
    assert.equal((map.match(/<g class="tile"/g) || []).length, 10);
    // The planning table shows the hand-computed gap.
    assert.match(res.text, /<td class="num gap">468<\/td>/);
  });

  test('a county official sees its county; the population form validates and saves', async () => {
    let res = await srv.get('/dash/planning', { as: 'county_wudang' });
    assert.equal(res.status, 200, show(res));
    assert.match(res.text, /<h1>托育服务规划与统计 · 武当山旅游经济特区<\/h1>/);
    assert.equal((res.text.match(/<rect class="bar/g) || []).length, 1);
    res = await srv.get('/dash/planning/population', { as: 'county_wudang' });
    assert.equal(res.status, 200);
    assert.deepEqual(tidyErrors(res.text), []);
    res = await form('county_wudang', '/dash/planning/population', { district: WD, year: String(YEAR), residents: 'abc', births: '-1', version: '0' });
    assert.equal(res.status, 422);
    assert.match(res.text, /常住人口应为正整数/);
    assert.match(res.text, /出生人数应为非负整数/);
    assert.deepEqual(tidyErrors(res.text), []);
    res = await form('county_maojian', '/dash/planning/population', { district: WD, year: String(YEAR), residents: '5000', births: '', version: '0' });
    assert.equal(res.status, 403); // another district: refused, the form shown again
    res = await form('county_wudang', '/dash/planning/population', { district: WD, year: String(YEAR + 1), residents: '124000', births: '', source: '' });
    assert.equal(res.status, 303, show(res));
    const p = await planning(`?year=${YEAR + 1}&district=${WD}`);
    assert.equal(p.rows[0].residents, 124000);
    assert.equal(p.rows[0].needed, 558); // ceil(124000 × 4.5 / 1000) = 558
  });

  test('institution dashboards: officials within their territory, the operator its own', async () => {
    let res = await srv.get(`/dash/institutions/${a.institutionId}/dashboard`, { as: 'county_wudang' });
    assert.equal(res.status, 200, show(res));
    assert.deepEqual(tidyErrors(res.text), []);
    for (const svg of svgsOf(res.text)) assert.equal(spawnSync('xmllint', ['--noout', '-'], { input: svg }).status, 0);
    assert.match(res.text, /核定托位<\/span> <strong>44<\/strong>/);
    assert.match(res.text, /在托婴幼儿<\/span> <strong>3<\/strong>/);
    assert.equal((await srv.get(`/dash/institutions/${a.institutionId}/dashboard`, { as: 'county_maojian' })).status, 404);
    assert.equal((await srv.get(`/dash/institutions/${a.institutionId}/dashboard`, { as: 'city' })).status, 200);
    res = await srv.get('/operator/dashboard', { as: b.operator });
    assert.equal(res.status, 200);
    assert.match(res.text, /普惠/);
    assert.match(res.text, /在托婴幼儿<\/span> <strong>0<\/strong>/);
  });
});

describe('roles', () => {
  test('every planning route: allowed roles, others 403, no credentials 401', async () => {
    const settings = { target: 4.5, target_year: 2025, target2: 6, target2_year: 2030 };
    const rows = [
      ['GET', '/api/v1/planning', undefined, ['admin', 'city', 'county_zhangwan', 'auditor'], 200],
      ['GET', '/api/v1/planning/trends', undefined, ['admin', 'city', 'county_zhangwan', 'auditor'], 200],
      ['GET', '/api/v1/planning/projection', undefined, ['admin', 'city', 'county_zhangwan', 'auditor'], 200],
      ['POST', '/api/v1/planning/snapshots', {}, ['admin', 'city'], 201],
      ['PUT', '/api/v1/planning/settings', settings, ['admin', 'city'], 200],
      ['PUT', `/api/v1/planning/population/420303/${YEAR}`, { residents: 431000 }, ['admin', 'city', 'county_zhangwan'], 200],
    ];
    const everyone = ['admin', 'city', 'county_zhangwan', 'registrar', 'inspector', 'auditor', a.operator];
    for (const [method, path, json, allowed, status] of rows) {
      const anon = await srv.req(method, path, { json });
      assert.equal(anon.status, 401, `${method} ${path} anonymous: ${show(anon)}`);
      for (const who of everyone) {
        const res = await srv.req(method, path, { as: who, json });
        const want = allowed.includes(who) ? status : 403;
        assert.equal(res.status, want, `${method} ${path} as ${who}: ${show(res)}`);
      }
    }
    for (const [path, allowed] of [
      ['/dash/planning', ['admin', 'city', 'county_zhangwan', 'county_wudang', 'auditor']],
      ['/dash/planning/population', ['admin', 'city', 'county_zhangwan', 'county_wudang']],
      ['/operator/dashboard', [a.operator]],
      [`/dash/institutions/${a.institutionId}/dashboard`, ['admin', 'city', 'auditor', 'county_wudang']],
    ]) {
      for (const who of [...everyone, 'county_wudang']) {
        const res = await srv.get(path, { as: who });
        const want = allowed.includes(who) ? 200 : who === 'county_zhangwan' && path.includes('/institutions/') ? 404 : 403;
        assert.equal(res.status, want, `${path} as ${who}: ${res.status}`);
      }
    }
  });
});

describe('page forms of the city', () => {
  test('targets and the snapshot through the dashboard forms', async () => {
    let res = await form('city', '/dash/planning/settings', { target: '4,5', target_year: '2025', target2: '0', target2_year: '2020' });
    assert.equal(res.status, 422);
    assert.deepEqual(tidyErrors(res.text), []);
    assert.match(res.text, /目标应为 0.001 至 100 之间的数/);
    assert.match(res.text, /第二目标应为/);
    res = await form('city', '/dash/planning/settings', { target: '4.5', target_year: '2025', target2: '5.25', target2_year: '2030' });
    assert.equal(res.status, 303, show(res));
    const p = await planning(`?year=${YEAR}&district=${WD}`);
    assert.equal(p.target2, 5.25);
    assert.equal(p.rows[0].needed2, Math.ceil((p.rows[0].residents * 5250) / 1e6));
    res = await form('county_wudang', '/dash/planning/settings', { target: '4.5', target_year: '2025', target2: '6', target2_year: '2030' });
    assert.equal(res.status, 403);
    res = await form('city', '/dash/planning/snapshot', {});
    assert.equal(res.status, 303);
    res = await srv.get('/dash/planning', { as: 'city' });
    assert.match(res.text, /第二目标由本市设定/);
  });
});
