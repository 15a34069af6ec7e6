// The county assessment (督导考核): the scoreboard of a constructed data set equals numbers computed by hand;
// weights per year (checked field by field); freezing a year makes later changes invisible for it and cannot
// be done twice; years compare; only officials read it (a county official only its own row), only the city and
// admins write; the page is valid HTML. The clock is pinned to 2026-06-15 so every deadline falls in 2026.
import assert from 'node:assert/strict';
import test, { after, before } from 'node:test';
import { Server, expectStatus, show, sql, tidyErrors } from './harness.mjs';
import { fileInstitution, register } from './fixtures.mjs';

const CAPTCHA = '1357';
process.env.TUOYU_CAPTCHA_FIXED = CAPTCHA; // test only: every challenge's answer
const NOW = Date.UTC(2026, 5, 15, 2, 0, 0) / 1000; // 2026-06-15 10:00 CST
const YEAR = 2026;
const ZW = '420303';

let srv;
let a; // filed, inclusive, 44 places, two inspections
let b; // filed, not inclusive, 44 places

const r2 = (x) => Math.round(x * 100 + 1e-9) / 100;
const close = (got, want, what) => assert.ok(Math.abs(got - want) < 0.011, `${what}: got ${got}, want ${want}`);

/** A completed inspection of institution id with one finding; resolves the finding's id. */
async function finding(id, description) {
  const plan = await srv.post(`/api/v1/institutions/${id}/inspections`, { kind: 'routine' }, { as: 'inspector' });
  expectStatus(plan, 201);
  const insp = (await srv.get(`/api/v1/inspections/${plan.json.id}`, { as: 'inspector' })).json;
  const tmpl = (await srv.get(`/api/v1/checklist-templates/${insp.template_id}`, { as: 'inspector' })).json;
  const [first, ...rest] = tmpl.items;
  const res = await srv.post(
    `/api/v1/inspections/${plan.json.id}/results`,
    {
      inspected_on: '2026-06-15',
      items: [{ code: first.code, result: 'fail' }, ...rest.map((i) => ({ code: i.code, result: 'pass' }))],
      findings: [{ item_code: first.code, severity: 'high', clause: first.clause, description }],
    },
    { as: 'inspector' },
  );
  expectStatus(res, [200, 201]);
  return (await srv.get(`/api/v1/inspections/${plan.json.id}`, { as: 'inspector' })).json.findings[0].id;
}

async function order(findingId, deadline) {
  const res = await srv.post(`/api/v1/findings/${findingId}/rectification`, { deadline_on: deadline, requirement: '限期整改' }, { as: 'inspector' });
  expectStatus(res, 201);
  return res.json.id;
}

async function complain(id, text) {
  const token = (await srv.get('/api/v1/public/captcha')).json.token;
  const res = await srv.post('/api/v1/public/complaints', {
    institution_id: id, category: 'hygiene', text, contact_name: '王女士', contact_phone: '13800001111',
    anonymous_public: true, captcha_token: token, captcha_answer: CAPTCHA,
  });
  expectStatus(res, 201);
  return Number(sql(srv.db, `SELECT id FROM complaints WHERE number = '${res.json.number}'`));
}

const board = async (as = 'city', q = `year=${YEAR}`) => {
  const res = await srv.get(`/api/v1/assessment?${q}`, { as });
  assert.equal(res.status, 200, show(res));
  return res.json;
};
const row = (bd, code) => bd.districts.find((d) => d.district_code === code);

before(async () => {
  process.env.TUOYU_FAKE_NOW = String(NOW);
  srv = await Server.start({ name: 'assessment' });
  await srv.addUser('unit_zw', 'unit_officer', { unit: 'county_zhangwan' });
  expectStatus(await srv.req('PATCH', `/api/v1/districts/${ZW}`, { json: { population: 20000 }, as: 'admin' }), 200);
  a = await fileInstitution(srv, { filing: { inclusive: true } });
  b = await fileInstitution(srv, { filing: { inclusive: false } });
  await register(srv); // registered, not filed
  // Two findings at A: one order accepted in time, one still open (both due in 2026).
  const o1 = await order(await finding(a.institutionId, '消毒记录不全'), '2026-06-25');
  await order(await finding(a.institutionId, '晨检记录缺失'), '2026-06-20');
  expectStatus(await srv.post(`/api/v1/rectifications/${o1}/answer`, { text: '已补齐消毒记录。' }, { as: a.operator }), 200);
  expectStatus(await srv.post(`/api/v1/rectifications/${o1}/verify`, { decision: 'accept', text: '复查通过' }, { as: 'inspector' }), 200);
  // Two complaints, one answered today (in time), one not answered.
  const c1 = await complain(a.institutionId, '午睡室通风不好，孩子午睡后常常出汗。');
  await complain(a.institutionId, '接送时门口非常拥堵，存在安全隐患。');
  expectStatus(await srv.post(`/api/v1/complaints/${c1}/answer`, { text: '已核查并责令改进。' }, { as: 'county_zhangwan' }), 200);
});
after(async () => {
  delete process.env.TUOYU_FAKE_NOW;
  if (srv) await srv.cleanup();
});

/** Hand computation of 张湾区 with weights w (demonstration excluded when it has no data). */
function expectedZhangwan(w, demoHasData) {
  const s = {
    places_per_1000: Math.min(1, (88 * 1000) / 20000 / 4.5) * 100, // 4.4 per 1,000 → 97.78
    inclusive_share: Math.min(1, 44 / 88 / 0.5) * 100, // 0.5 against 0.5 → 100
    filed_share: (2 / 3) * 100, // 2 filed of 3 → 66.67
    inspection_coverage: 50, // A inspected, B not
    rectification_on_time: 50, // 1 of 2 orders due
    complaints_on_time: 50, // 1 of 2 complaints due
  };
  if (demoHasData) s.demonstration = 0;
  let num = 0;
  let den = 0;
  for (const [k, v] of Object.entries(s)) {
    num += w[k] * v;
    den += w[k];
  }
  return { scores: s, total: den ? r2(num / den) : null };
}

test('the scoreboard of the constructed data equals the numbers computed by hand', async () => {
  const bd = await board();
  assert.equal(bd.year, YEAR);
  assert.equal(bd.frozen, false);
  assert.equal(bd.districts.length, 10);
  const zw = row(bd, ZW);
  const i = zw.indicators;
  assert.deepEqual([i.places_per_1000.numerator, i.places_per_1000.denominator], [88, 20000]);
  close(i.places_per_1000.value, 4.4, 'places per 1,000');
  assert.equal(i.places_per_1000.target, 4.5);
  assert.deepEqual([i.inclusive_share.numerator, i.inclusive_share.denominator], [44, 88]);
  assert.deepEqual([i.filed_share.numerator, i.filed_share.denominator], [2, 3]);
  assert.deepEqual([i.inspection_coverage.numerator, i.inspection_coverage.denominator], [1, 2]);
  assert.deepEqual([i.rectification_on_time.numerator, i.rectification_on_time.denominator], [1, 2]);
  assert.deepEqual([i.complaints_on_time.numerator, i.complaints_on_time.denominator], [1, 2]);
  // No task reports or resolutions of the county: no data, left out of the total.
  assert.equal(i.task_progress.no_data, true);
  assert.equal(i.task_progress.score, null);
  const demoHasData = !i.demonstration.no_data;
  if (demoHasData) assert.deepEqual([i.demonstration.numerator, i.demonstration.score], [0, 0]);
  const want = expectedZhangwan(bd.weights, demoHasData);
  for (const [k, v] of Object.entries(want.scores)) close(i[k].score, v, k);
  close(zw.total, want.total, 'total');
  assert.equal(zw.rank, 1);
  // Weights are the defaults and sum to 100.
  assert.equal(Object.values(bd.weights).reduce((x, y) => x + y, 0), 100);
  assert.equal(bd.weights.places_per_1000, 20);
  // 茅箭区 has residents but no places: 0 per 1,000 is data (score 0); shares without institutions are no data.
  const mj = row(bd, '420302');
  assert.equal(mj.indicators.places_per_1000.score, 0);
  assert.equal(mj.indicators.filed_share.no_data, true);
  assert.equal(mj.total, 0);
  assert.equal(mj.rank, 2);
  // 丹江口市 has no population: places per 1,000 is no data, and with nothing else no total and no rank.
  const djk = row(bd, '420381');
  assert.equal(djk.population, null);
  assert.equal(djk.indicators.places_per_1000.no_data, true);
  // With the demonstration count (0 everywhere) it has one indicator with data: total 0, ranked with the rest.
  assert.equal(djk.total, demoHasData ? 0 : null);
  assert.equal(djk.rank, demoHasData ? 2 : null);
  assert.equal(i.task_progress.records, '/api/v1/task-reports?unit=county_zhangwan');
});

test('every number links to a list that answers and shows the records counted', async () => {
  const bd = await board();
  const i = row(bd, ZW).indicators;
  assert.equal(i.places_per_1000.records, `/api/v1/institutions?district=${ZW}&state=filed`);
  assert.equal(i.demonstration.records, `/api/v1/demonstrations?district=${ZW}&status=designated`);
  for (const [k, cell] of Object.entries(i)) assert.ok(cell.records, `${k} has no link to its records`);
  for (const [k, cell] of Object.entries(i)) {
    if (!cell.records) continue;
    const res = await srv.get(cell.records, { as: 'city' });
    assert.equal(res.status, 200, `${k}: ${cell.records} ${show(res)}`);
  }
  assert.equal((await srv.get(i.places_per_1000.records, { as: 'city' })).json.total, 2);
  assert.equal((await srv.get(i.filed_share.records, { as: 'city' })).json.total, 3);
  const insp = (await srv.get(i.inspection_coverage.records, { as: 'city' })).json;
  assert.equal(insp.total, 2, 'two completed inspections in 2026 (both at A)');
  assert.equal((await srv.get(i.rectification_on_time.records, { as: 'city' })).json.total, 2);
  assert.equal((await srv.get(i.complaints_on_time.records, { as: 'city' })).json.total, 2);
});

test('only officials read the scoreboard; a county official sees its own row; bad input is 422', async () => {
  for (const as of ['unit_zw', a.operator, 'inspector', 'registrar']) {
    const res = await srv.get(`/api/v1/assessment?year=${YEAR}`, { as });
    assert.equal(res.status, 403, `${as}: ${show(res)}`);
  }
  const own = await board('county_maojian');
  assert.deepEqual(own.districts.map((d) => d.district_code), ['420302']);
  assert.equal(own.districts[0].rank, 2, 'the rank among all districts');
  const other = await srv.get(`/api/v1/assessment?year=${YEAR}&district=${ZW}`, { as: 'county_maojian' });
  assert.equal(other.status, 404, show(other));
  assert.equal((await board('auditor')).districts.length, 10);
  assert.deepEqual((await board('city', `year=${YEAR}&district=${ZW}`)).districts.map((d) => d.district_code), [ZW]);
  for (const q of ['year=abc', 'year=1999', 'year=2101', `year=${YEAR}&district=999999`]) {
    const res = await srv.get(`/api/v1/assessment?${q}`, { as: 'city' });
    assert.equal(res.status, 422, `${q}: ${show(res)}`);
  }
});

test('weights: every bad field named, roles checked, a new weighting recomputes the total', async () => {
  const weights = {
    places_per_1000: 50, inclusive_share: 0, filed_share: 50, inspection_coverage: 0,
    rectification_on_time: 0, complaints_on_time: 0, demonstration: 0, task_progress: 0,
  };
  for (const as of ['county_zhangwan', 'auditor', 'unit_zw', a.operator]) {
    const res = await srv.post('/api/v1/assessment/weights', { year: YEAR, weights }, { as });
    assert.equal(res.status, 403, `${as}: ${show(res)}`);
  }
  const bad = await srv.post(
    '/api/v1/assessment/weights',
    { year: 1900, weights: { ...weights, places_per_1000: -1, filed_share: 1.5, bogus: 3 }, targets: { places_per_1000: 0 }, extra: 1 },
    { as: 'city' },
  );
  assert.equal(bad.status, 422, show(bad));
  const fields = bad.json.error.fields.map((f) => f.field);
  for (const f of ['year', 'weights.places_per_1000', 'weights.filed_share', 'weights.bogus', 'targets.places_per_1000', 'extra'])
    assert.ok(fields.includes(f), `${f} in ${JSON.stringify(fields)}`);
  const sum = await srv.post('/api/v1/assessment/weights', { year: YEAR, weights: { ...weights, filed_share: 49 } }, { as: 'city' });
  assert.equal(sum.status, 422, show(sum));
  assert.deepEqual(sum.json.error.fields.map((f) => f.field), ['weights']);
  const { task_progress: _omitted, ...missing } = weights;
  const miss = await srv.post('/api/v1/assessment/weights', { year: YEAR, weights: missing }, { as: 'city' });
  assert.equal(miss.status, 422, show(miss));
  assert.ok(miss.json.error.fields.some((f) => f.field === 'weights.task_progress'), show(miss));
  const noWeights = await srv.post('/api/v1/assessment/weights', { year: YEAR }, { as: 'city' });
  assert.equal(noWeights.status, 422, show(noWeights));

  const ok = await srv.post('/api/v1/assessment/weights', { year: YEAR, weights, targets: { places_per_1000: 4.4 } }, { as: 'city' });
  assert.equal(ok.status, 200, show(ok));
  const bd = await board();
  assert.equal(bd.configured, true);
  assert.equal(bd.weights.places_per_1000, 50);
  const zw = row(bd, ZW);
  // 4.4 per 1,000 meets the target 4.4: (50·100 + 50·66.67) / 100.
  close(zw.indicators.places_per_1000.score, 100, 'places against 4.4');
  close(zw.total, r2((50 * 100 + 50 * (200 / 3)) / 100), 'total with the new weights');
  // Back to the defaults for the rest of the file (admin may do it too).
  const defaults = {
    places_per_1000: 20, inclusive_share: 15, filed_share: 15, inspection_coverage: 15,
    rectification_on_time: 10, complaints_on_time: 10, demonstration: 5, task_progress: 10,
  };
  expectStatus(await srv.post('/api/v1/assessment/weights', { year: YEAR, weights: defaults, targets: { places_per_1000: 4.5 } }, { as: 'admin' }), 200);
  const audit = sql(srv.db, "SELECT COUNT(*) FROM audit_log WHERE action = 'assessment.settings'");
  assert.equal(Number(audit), 2);
});

test('freezing keeps the year as it was; a second freeze is 409; roles and bad years refused', async () => {
  for (const as of ['county_zhangwan', 'auditor', 'unit_zw', a.operator]) {
    const res = await srv.post(`/api/v1/assessment/${YEAR}/freeze`, {}, { as });
    assert.equal(res.status, 403, `${as}: ${show(res)}`);
  }
  const future = await srv.post('/api/v1/assessment/2027/freeze', {}, { as: 'city' });
  assert.equal(future.status, 422, show(future));
  assert.equal(future.json.error.fields[0].field, 'year');
  const before = await board();
  const fr = await srv.post(`/api/v1/assessment/${YEAR}/freeze`, {}, { as: 'city' });
  assert.equal(fr.status, 201, show(fr));
  assert.equal(fr.json.frozen, true);
  assert.equal(fr.json.frozen_by, 'city');
  assert.equal(fr.json.frozen_at, NOW);
  // Later changes: the population doubles and the open order is answered; the frozen year does not move.
  expectStatus(await srv.req('PATCH', `/api/v1/districts/${ZW}`, { json: { population: 40000 }, as: 'admin' }), 200);
  const c2 = Number(sql(srv.db, "SELECT id FROM complaints WHERE status <> 'answered'"));
  expectStatus(await srv.post(`/api/v1/complaints/${c2}/answer`, { text: '已协调。' }, { as: 'county_zhangwan' }), 200);
  const after = await board();
  assert.equal(after.frozen, true);
  assert.deepEqual(row(after, ZW).indicators, row(before, ZW).indicators);
  assert.equal(row(after, ZW).total, row(before, ZW).total);
  // The live numbers did change (the previous year is still live: the registry's indicators show it).
  const live = row(await board('city', `year=${YEAR - 1}`), ZW);
  assert.equal(live.indicators.places_per_1000.denominator, 40000);
  const again = await srv.post(`/api/v1/assessment/${YEAR}/freeze`, {}, { as: 'admin' });
  assert.equal(again.status, 409, show(again));
  assert.equal(again.json.error.code, 'invalid_state');
  const w = await srv.post('/api/v1/assessment/weights', { year: YEAR, weights: before.weights }, { as: 'city' });
  assert.equal(w.status, 409, show(w));
  assert.equal(Number(sql(srv.db, "SELECT COUNT(*) FROM audit_log WHERE action = 'assessment.freeze'")), 1);
});

test('compare puts a frozen year beside a live one per district', async () => {
  const res = await srv.get(`/api/v1/assessment/compare?years=${YEAR - 1},${YEAR}`, { as: 'city' });
  assert.equal(res.status, 200, show(res));
  assert.deepEqual(res.json.years.map((y) => [y.year, y.frozen]), [[YEAR - 1, false], [YEAR, true]]);
  const zw = res.json.districts.find((d) => d.district_code === ZW);
  const frozen = row(await board(), ZW);
  assert.equal(zw.years[1].total, frozen.total);
  assert.equal(zw.years[1].scores.filed_share, frozen.indicators.filed_share.score);
  // 2025: nothing inspected, due or answered in that year — inspection coverage 0 of 2.
  assert.equal(zw.years[0].scores.inspection_coverage, 0);
  assert.equal(zw.years[0].scores.rectification_on_time, null);
  assert.equal(typeof zw.change, 'number');
  const own = await srv.get(`/api/v1/assessment/compare?years=${YEAR - 1},${YEAR}`, { as: 'county_maojian' });
  assert.deepEqual(own.json.districts.map((d) => d.district_code), ['420302']);
  for (const q of ['', 'years=2026', 'years=2026,2026', 'years=2025,x', 'years=2025,', 'years=1,2,3', 'years=2020,2021,2022,2023,2024,2025']) {
    const bad = await srv.get(`/api/v1/assessment/compare?${q}`, { as: 'city' });
    assert.equal(bad.status, 422, `${q}: ${show(bad)}`);
    assert.equal(bad.json.error.fields[0].field, 'years');
  }
  assert.equal((await srv.get(`/api/v1/assessment/compare?years=${YEAR - 1},${YEAR}`, { as: 'unit_zw' })).status, 403);
});

test('the page shows the table, the chart and the freeze state, and is valid HTML', async () => {
  const res = await srv.get(`/dash/assessment?year=${YEAR}`, { as: 'city' });
  assert.equal(res.status, 200, show(res));
  assert.match(res.text, /张湾区/);
  assert.match(res.text, /<svg class="chart"/);
  assert.match(res.text, /已冻结/);
  assert.match(res.text, new RegExp(`href="/dash/institutions\\?state=filed&amp;district=${ZW}"`));
  assert.match(res.text, /无数据/);
  assert.doesNotMatch(res.text, /action="\/dash\/assessment\/freeze"/, 'no freeze button for a frozen year');
  assert.deepEqual(tidyErrors(res.text), []);
  const live = await srv.get(`/dash/assessment?year=${YEAR - 1}`, { as: 'city' });
  assert.equal(live.status, 200, show(live));
  assert.match(live.text, /action="\/dash\/assessment\/freeze"/);
  assert.deepEqual(tidyErrors(live.text), []);
  const county = await srv.get(`/dash/assessment?year=${YEAR - 1}`, { as: 'county_maojian' });
  assert.equal(county.status, 200, show(county));
  assert.doesNotMatch(county.text, /张湾区<\/th>/);
  assert.doesNotMatch(county.text, /action="\/dash\/assessment\/freeze"/);
  assert.deepEqual(tidyErrors(county.text), []);
  for (const as of ['unit_zw', a.operator]) assert.equal((await srv.get('/dash/assessment', { as })).status, 403);
  assert.equal((await srv.get('/dash/assessment?year=abc', { as: 'city' })).status, 422);
});
