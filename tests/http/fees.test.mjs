// Fees (收费): an operator publishes its schedule (every change a new row, history kept), counties set
// guideline caps for inclusive and non-profit institutions, and a current fee above the cap that applies is a
// live compliance finding that opens with the fee or cap that causes it and resolves when it is lowered.
import assert from 'node:assert/strict';
import test, { after, before } from 'node:test';
import { Server, errorFields, expectError, expectStatus, show, tidyErrors } from './harness.mjs';
import { addOperator, cstDay, fileInstitution, register } from './fixtures.mjs';

let srv;
const ctx = {};
const today = cstDay(0);

before(async () => {
  srv = await Server.start({ name: 'fees' });
  // An inclusive for-profit one, a non-inclusive for-profit one (no cap applies), one in 茅箭区.
  ctx.inc = await fileInstitution(srv, { reg: { name: '张湾区普惠收费测试托育园' }, filing: { inclusive: true } });
  ctx.plain = await fileInstitution(srv, { reg: { name: '张湾区营利收费测试托育园' } });
  ctx.mj = await fileInstitution(srv, {
    county: 'county_maojian',
    reg: { district_code: '420302', name: '茅箭区收费测试托育园' },
  });
  ctx.unfiled = await register(srv, { name: '未备案收费测试托育园' });
  ctx.unfiledOp = await addOperator(srv, ctx.unfiled.institution_id);
});
after(async () => srv && srv.cleanup());

const setFees = (inst, items, as) => srv.post(`/api/v1/institutions/${inst.institutionId}/fees`, { items }, { as: as || inst.operator });
const findings = async (inst, as = 'county_zhangwan') => {
  const res = await srv.get(`/api/v1/institutions/${inst.institutionId}/findings`, { as });
  expectStatus(res, 200);
  return res.json.items.filter((f) => f.rule === 'fee_above_cap');
};
const capBody = (over = {}) => ({
  district_code: '420303',
  service_type: 'full_day',
  applies_to: 'inclusive',
  cap_fen: 200000,
  effective_from: today,
  basis: '张发改价〔2026〕1号',
  ...over,
});

test('an operator publishes its fees; officials of the district read them; others get 404 or 403', async () => {
  const res = await setFees(ctx.plain, [{ service_type: 'full_day', monthly_fen: 280000, effective_from: today }]);
  expectStatus(res, 201);
  assert.equal(res.json.current.length, 1);
  assert.equal(res.json.current[0].service_type, 'full_day');
  assert.equal(res.json.current[0].monthly_fen, 280000);
  assert.equal(res.json.current[0].effective_from, today);
  assert.equal(res.json.current[0].cap_fen, null, 'no cap applies to a for-profit, non-inclusive institution');
  assert.equal(res.json.last_changed_on, today);

  const url = `/api/v1/institutions/${ctx.plain.institutionId}/fees`;
  for (const as of ['admin', 'city', 'county_zhangwan', 'auditor', ctx.plain.operator]) expectStatus(await srv.get(url, { as }), 200);
  expectError(await srv.get(url, { as: 'county_maojian' }), 404, 'not_found');
  expectError(await srv.get(url, { as: ctx.inc.operator }), 404, 'not_found');
  expectError(await srv.get(url, { as: 'inspector' }), 403, 'forbidden');
  expectError(await srv.get(url, { as: 'registrar' }), 403, 'forbidden');
  expectError(await srv.get('/api/v1/institutions/999999/fees', { as: 'city' }), 404, 'not_found');
  // Writing: only the operator of that institution.
  const item = [{ service_type: 'full_day', monthly_fen: 1, effective_from: today }];
  expectError(await setFees(ctx.plain, item, ctx.inc.operator), 404, 'not_found');
  for (const as of ['city', 'county_zhangwan', 'admin', 'auditor']) expectError(await setFees(ctx.plain, item, as), 403, 'forbidden');
});

test('a bad schedule is refused with 422 naming every bad field', async () => {
  const yesterday = cstDay(1);
  const res = await setFees(ctx.plain, [
    { service_type: 'overnight', monthly_fen: -1, effective_from: '2026-02-30' },
    { service_type: 'full_day', monthly_fen: 'a lot', effective_from: yesterday },
    { service_type: 'full_day', monthly_fen: 100, effective_from: today, extra: 1 },
    { service_type: 'half_day', monthly_fen: 100, effective_from: today },
  ]);
  expectError(res, 422, 'validation_failed');
  const f = errorFields(res);
  for (const field of [
    'items[0].service_type',
    'items[0].monthly_fen',
    'items[0].effective_from',
    'items[1].monthly_fen',
    'items[1].effective_from', // backdated
    'items[2].extra',
    'items[2].service_type', // twice
    'items[3].service_type', // not a filed service type
  ])
    assert.ok(f.includes(field), `${field} not reported: ${show(res)}`);
  const none = await srv.post(`/api/v1/institutions/${ctx.plain.institutionId}/fees`, { items: [] }, { as: ctx.plain.operator });
  expectError(none, 422, 'validation_failed');
  assert.ok(errorFields(none).includes('items'), show(none));
  const far = await setFees(ctx.plain, [{ service_type: 'full_day', monthly_fen: 100, effective_from: cstDay(-400) }]);
  assert.ok(errorFields(far).includes('items[0].effective_from'), show(far));
  const notJson = await srv.req('POST', `/api/v1/institutions/${ctx.plain.institutionId}/fees`, {
    as: ctx.plain.operator,
    body: '{"items":',
    headers: { 'Content-Type': 'application/json' },
  });
  assert.equal(notJson.status, 400, show(notJson));
});

test('every change is a new row: the history keeps the old fee and the current one is the latest', async () => {
  const inst = ctx.mj;
  expectStatus(await setFees(inst, [{ service_type: 'full_day', monthly_fen: 210000, effective_from: today }]), 201);
  expectStatus(await setFees(inst, [{ service_type: 'full_day', monthly_fen: 220000, effective_from: today }]), 201);
  const later = cstDay(-30);
  expectStatus(await setFees(inst, [{ service_type: 'full_day', monthly_fen: 230000, effective_from: later }]), 201);
  const res = await srv.get(`/api/v1/institutions/${inst.institutionId}/fees?history=1`, { as: inst.operator });
  expectStatus(res, 200);
  assert.deepEqual(res.json.current.map((c) => c.monthly_fen), [220000]);
  assert.deepEqual(res.json.upcoming.map((c) => [c.monthly_fen, c.effective_from]), [[230000, later]]);
  assert.deepEqual(res.json.history.map((c) => c.monthly_fen), [230000, 220000, 210000]);
  const plain = await srv.get(`/api/v1/institutions/${inst.institutionId}/fees`, { as: 'county_maojian' });
  assert.equal(plain.json.history, undefined, 'history only when asked');
  const bad = await srv.get(`/api/v1/institutions/${inst.institutionId}/fees?history=yes`, { as: 'county_maojian' });
  expectError(bad, 422, 'validation_failed');
  assert.deepEqual(errorFields(bad), ['history']);
  // The public sees the current schedule and its date, no caps and no history.
  const pub = await srv.get(`/api/v1/public/institutions/${inst.institutionId}/fees`);
  expectStatus(pub, 200);
  assert.deepEqual(pub.json.current.map((c) => [c.service_type, c.monthly_fen, c.unit]), [['full_day', 220000, 'month']]);
  assert.equal(pub.json.last_changed_on, today);
  assert.equal(pub.json.history, undefined);
  assert.equal(pub.json.current[0].cap_fen, undefined);
  expectError(await srv.get(`/api/v1/public/institutions/${ctx.unfiled.institution_id}/fees`), 404, 'not_found');
  expectError(await srv.get('/api/v1/public/institutions/999999/fees'), 404, 'not_found');
});

test('caps: counties set their own district, the city any; officials read; 422 names every bad field', async () => {
  expectStatus(await srv.post('/api/v1/fee-caps', capBody({ service_type: 'hourly', cap_fen: 4000 }), { as: 'county_zhangwan' }), 201);
  expectError(await srv.post('/api/v1/fee-caps', capBody({ district_code: '420302' }), { as: 'county_zhangwan' }), 404, 'not_found');
  const city = await srv.post('/api/v1/fee-caps', capBody({ district_code: '420302', applies_to: 'non_profit', cap_fen: 230000 }), { as: 'city' });
  expectStatus(city, 201);
  assert.equal(city.json.district_code, '420302');
  assert.equal(city.json.current, true);
  for (const as of ['admin', 'auditor', 'inspector', 'registrar', ctx.inc.operator])
    expectError(await srv.post('/api/v1/fee-caps', capBody(), { as }), 403, 'forbidden');
  const bad = await srv.post(
    '/api/v1/fee-caps',
    { district_code: '999999', service_type: 'nightly', applies_to: 'everyone', cap_fen: 0, effective_from: '2026-13-01', extra: true },
    { as: 'city' }
  );
  expectError(bad, 422, 'validation_failed');
  for (const field of ['district_code', 'service_type', 'applies_to', 'cap_fen', 'effective_from', 'basis', 'extra'])
    assert.ok(errorFields(bad).includes(field), `${field} not reported: ${show(bad)}`);

  const own = await srv.get('/api/v1/fee-caps', { as: 'county_zhangwan' });
  expectStatus(own, 200);
  assert.ok(own.json.items.length > 0);
  assert.ok(own.json.items.every((c) => c.district_code === '420303'), 'a county official sees another district');
  const all = await srv.get('/api/v1/fee-caps', { as: 'auditor' });
  assert.ok(all.json.items.some((c) => c.district_code === '420302'));
  expectError(await srv.get('/api/v1/fee-caps', { as: ctx.inc.operator }), 403, 'forbidden');
  expectError(await srv.get('/api/v1/fee-caps?district=123', { as: 'city' }), 422, 'validation_failed');
});

test('a fee above the cap is a finding; lowering the fee or raising the cap resolves it', async () => {
  const inst = ctx.inc;
  expectStatus(await srv.post('/api/v1/fee-caps', capBody({ cap_fen: 200000 }), { as: 'county_zhangwan' }), 201);
  expectStatus(await setFees(inst, [{ service_type: 'full_day', monthly_fen: 230000, effective_from: today }]), 201);
  let f = await findings(inst);
  assert.equal(f.length, 1, 'no fee_above_cap finding');
  assert.equal(f[0].severity, 'violation');
  assert.match(f[0].clause, /指导价/);
  assert.match(f[0].message, /2300\.00/);
  assert.match(f[0].message, /2000\.00/);
  assert.equal((await findings(inst, inst.operator)).length, 1, 'the operator does not see it');
  const view = await srv.get(`/api/v1/institutions/${inst.institutionId}/fees`, { as: inst.operator });
  assert.equal(view.json.current[0].above_cap, true);
  assert.equal(view.json.current[0].cap_fen, 200000);
  assert.equal(view.json.current[0].cap_applies_to, 'inclusive');

  // Lowered to the cap itself: at the cap is allowed.
  expectStatus(await setFees(inst, [{ service_type: 'full_day', monthly_fen: 200000, effective_from: today }]), 201);
  assert.equal((await findings(inst)).length, 0, 'the finding did not resolve when the fee was lowered');

  // Above again, then the county lowers the cap below it… and raises it above it.
  expectStatus(await setFees(inst, [{ service_type: 'full_day', monthly_fen: 210000, effective_from: today }]), 201);
  assert.equal((await findings(inst)).length, 1);
  expectStatus(await srv.post('/api/v1/fee-caps', capBody({ cap_fen: 250000 }), { as: 'county_zhangwan' }), 201);
  assert.equal((await findings(inst)).length, 0, 'raising the cap did not resolve the finding');
  expectStatus(await srv.post('/api/v1/fee-caps', capBody({ cap_fen: 150000 }), { as: 'city' }), 201);
  assert.equal((await findings(inst)).length, 1, 'lowering the cap did not open a finding');

  // A for-profit, non-inclusive institution far above every cap has no such finding.
  expectStatus(await setFees(ctx.plain, [{ service_type: 'full_day', monthly_fen: 900000, effective_from: today }]), 201);
  assert.equal((await findings(ctx.plain)).length, 0);
});

test('the operator page shows the schedule and publishes a change through its form', async () => {
  const s = await srv.login(ctx.mj.operator);
  const page = await srv.get('/operator/fees', { cookie: s.cookie });
  expectStatus(page, 200);
  assert.deepEqual(tidyErrors(page.text), []);
  assert.ok(page.text.includes('2,200.00') || page.text.includes('2200.00'), 'the current fee is not shown');
  const post = await srv.req('POST', '/operator/fees', {
    cookie: s.cookie,
    body: new URLSearchParams({ csrf: s.csrf, yuan_full_day: '2150.5', effective_from: today }),
  });
  expectStatus(post, 201);
  assert.deepEqual(tidyErrors(post.text), []);
  const view = await srv.get(`/api/v1/institutions/${ctx.mj.institutionId}/fees`, { as: ctx.mj.operator });
  assert.equal(view.json.current[0].monthly_fen, 215050);
  const bad = await srv.req('POST', '/operator/fees', {
    cookie: s.cookie,
    body: new URLSearchParams({ csrf: s.csrf, yuan_full_day: '12,00', effective_from: today }),
  });
  expectStatus(bad, 422);
  assert.match(bad.text, /yuan_full_day/);
  const nocsrf = await srv.req('POST', '/operator/fees', { cookie: s.cookie, body: new URLSearchParams({ yuan_full_day: '1' }) });
  assert.equal(nocsrf.status, 403, show(nocsrf));
  expectStatus(await srv.get('/operator/fees', { as: 'city' }), 403);
});

test('the caps page lists the caps of the territory and sets one through its form', async () => {
  const s = await srv.login('county_zhangwan');
  const page = await srv.get('/dash/fee-caps', { cookie: s.cookie });
  expectStatus(page, 200);
  assert.deepEqual(tidyErrors(page.text), []);
  assert.ok(page.text.includes('张发改价〔2026〕1号'));
  assert.ok(!page.text.includes('茅箭区</td>'), 'another district on a county page');
  const post = await srv.req('POST', '/dash/fee-caps', {
    cookie: s.cookie,
    body: new URLSearchParams({
      csrf: s.csrf,
      district_code: '420303',
      service_type: 'half_day',
      applies_to: 'inclusive',
      cap_yuan: '1200',
      effective_from: today,
      basis: '张发改价〔2026〕2号',
    }),
  });
  expectStatus(post, 201);
  assert.deepEqual(tidyErrors(post.text), []);
  assert.ok(post.text.includes('张发改价〔2026〕2号'));
  const other = await srv.req('POST', '/dash/fee-caps', {
    cookie: s.cookie,
    body: new URLSearchParams({ csrf: s.csrf, district_code: '420302', service_type: 'half_day', applies_to: 'inclusive', cap_yuan: '1', effective_from: today, basis: 'x' }),
  });
  expectStatus(other, 404);
  const hist = await srv.get('/dash/fee-caps?history=1', { as: 'auditor' });
  expectStatus(hist, 200);
  assert.deepEqual(tidyErrors(hist.text), []);
  assert.ok(!hist.text.includes('name="cap_yuan"'), 'the auditor gets a form');
});
