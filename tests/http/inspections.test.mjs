// Inspections (监督检查): checklist templates per department, versioned (old inspections keep their version);
// planning by an inspector of the institution's district and department; recording results against the
// checklist (a failed item needs a finding or a reason); the workflow planned → completed | cancelled and
// nothing after; territory (404 outside it); roles (403); 422 naming each bad field; operators see only their
// own completed inspections; the pages an inspector uses.
import assert from 'node:assert/strict';
import test, { after, before } from 'node:test';
import { Server, errorFields, expectError, expectStatus, show, sql, tidyErrors } from './harness.mjs';
import { cstDay, fileInstitution } from './fixtures.mjs';

let srv;
let A; // a filed 张湾区 institution (420303) with its operator
let B; // a filed 茅箭区 institution (420302)
let C; // another filed 张湾区 institution, for the operator isolation test
before(async () => {
  srv = await Server.start({
    name: 'inspections',
    users: {
      inspector2: ['inspector', '420303', 'health'],
      inspector_fire: ['inspector', '420303', 'fire'],
      inspector_maojian: ['inspector', '420302', 'health'],
    },
  });
  A = await fileInstitution(srv);
  B = await fileInstitution(srv, { county: 'county_maojian', reg: { district_code: '420302' } });
  C = await fileInstitution(srv);
});
after(async () => srv && srv.cleanup());

const userId = (name) => Number(sql(srv.db, `SELECT id FROM users WHERE username = '${name}'`));

async function plan(inst, as = 'inspector', body = { kind: 'routine' }) {
  const res = await srv.post(`/api/v1/institutions/${inst.institutionId}/inspections`, body, { as });
  expectStatus(res, 201);
  return res.json;
}

async function template(id, as = 'inspector') {
  const res = await srv.get(`/api/v1/checklist-templates/${id}`, { as });
  expectStatus(res, 200);
  return res.json;
}

/** Results passing every item of the inspection's template except those in fails (each with a finding). */
async function results(insp, { fails = [], severity = 'medium', as = 'inspector' } = {}) {
  const t = await template(insp.template_id, as);
  return {
    inspected_on: cstDay(0),
    summary: '现场检查',
    items: t.items.map((i) => ({ code: i.code, result: fails.includes(i.code) ? 'fail' : 'pass' })),
    findings: fails.map((code) => ({ item_code: code, severity, clause: '托育机构管理规范（试行）', description: `${code} 未落实` })),
  };
}

test('every department has an active default checklist of 6–12 items citing its rule', async () => {
  const res = await srv.get('/api/v1/checklist-templates?active=1', { as: 'inspector' });
  expectStatus(res, 200);
  const deps = res.json.items.map((t) => t.department).sort();
  assert.deepEqual(deps, ['education', 'emergency', 'fire', 'health', 'housing', 'market', 'police']);
  for (const t of res.json.items) {
    assert.equal(t.active, true);
    assert.ok(t.items.length >= 6 && t.items.length <= 12, `${t.department}: ${t.items.length} items`);
    for (const i of t.items) assert.ok(i.code && i.text && i.clause, JSON.stringify(i));
  }
  const fire = await srv.get('/api/v1/checklist-templates?department=fire', { as: 'county_zhangwan' });
  assert.ok(fire.json.items.every((t) => t.department === 'fire') && fire.json.items.length >= 1);
  expectError(await srv.get('/api/v1/checklist-templates?department=tax', { as: 'city' }), 422, 'validation_failed');
  expectError(await srv.get('/api/v1/checklist-templates', { as: A.operator }), 403, 'forbidden');
  expectError(await srv.get('/api/v1/checklist-templates', { as: 'registrar' }), 403, 'forbidden');
  expectError(await srv.get('/api/v1/checklist-templates/999999', { as: 'city' }), 404, 'not_found');
});

test('a new template version deactivates the old one; inspections keep the version they were planned on', async () => {
  const before = await plan(A);
  const v1 = await template(before.template_id);
  const items = [
    { code: 'N1', text: '新增检查项一', clause: '托育机构管理规范（试行）' },
    { code: 'N2', text: '新增检查项二', clause: '托育机构设置标准（试行）' },
  ];
  const created = await srv.post('/api/v1/checklist-templates', { department: 'health', title: '卫生检查表（修订）', items }, { as: 'city' });
  expectStatus(created, 201);
  assert.equal(created.json.version, v1.version + 1);
  assert.equal(created.json.active, true);
  const old = await template(v1.id);
  assert.equal(old.active, false);
  const after = await plan(A);
  assert.equal(after.template_id, created.json.id);
  // The inspection planned before is recorded against version 1's items; N1 is not one of them.
  const bad = await srv.post(`/api/v1/inspections/${before.id}/results`, { inspected_on: cstDay(0), items: [{ code: 'N1', result: 'pass' }] }, { as: 'inspector' });
  expectError(bad, 422, 'validation_failed');
  assert.ok(errorFields(bad).includes('items[0].code'), show(bad));
  const ok = await srv.post(`/api/v1/inspections/${before.id}/results`, await results(before), { as: 'inspector' });
  expectStatus(ok, 200);
  assert.equal(ok.json.template_version, v1.version);
  assert.equal(ok.json.items.length, v1.items.length);
  const ok2 = await srv.post(`/api/v1/inspections/${after.id}/results`, await results(after), { as: 'inspector' });
  expectStatus(ok2, 200);
  assert.equal(ok2.json.template_version, created.json.version);
  assert.deepEqual(ok2.json.items.map((i) => i.code), ['N1', 'N2']);
  // Back to a full list for the other tests.
  const restore = await srv.post('/api/v1/checklist-templates', { department: 'health', title: v1.title, items: v1.items }, { as: 'admin' });
  expectStatus(restore, 201);
  const audit = sql(srv.db, `SELECT COUNT(*) FROM audit_log WHERE action = 'checklist.version'`);
  assert.ok(Number(audit) >= 2, 'template versions are audited');
});

test('templates: only admins (any department) and the city (health only) write them; 422 names every bad field', async () => {
  const body = { department: 'fire', title: '消防检查表', items: [{ code: 'X1', text: '通道', clause: '消防法' }] };
  expectError(await srv.post('/api/v1/checklist-templates', body, { as: 'city' }), 403, 'forbidden');
  for (const who of ['county_zhangwan', 'inspector', 'auditor', A.operator])
    expectError(await srv.post('/api/v1/checklist-templates', body, { as: who }), 403, 'forbidden');
  const bad = await srv.post(
    '/api/v1/checklist-templates',
    {
      department: 'tax',
      title: '',
      items: [
        { code: 'A1', text: '一', clause: '条' },
        { code: 'A1', text: '二', clause: '条' },
        { code: 'bad code', text: '', clause: '条' },
        { code: 'A4', text: '四' },
      ],
      extra: 1,
    },
    { as: 'admin' },
  );
  expectError(bad, 422, 'validation_failed');
  const f = errorFields(bad);
  for (const name of ['department', 'title', 'items[1].code', 'items[2].code', 'items[2].text', 'items[3].clause', 'extra'])
    assert.ok(f.includes(name), `${name} missing from ${f}`);
  const empty = await srv.post('/api/v1/checklist-templates', { department: 'fire', title: '空', items: [] }, { as: 'admin' });
  expectError(empty, 422, 'validation_failed');
  assert.ok(errorFields(empty).includes('items'));
});

test('planning: the caller is an inspector, the department is theirs, inspectors must fit; 422 per bad field', async () => {
  const p = await plan(A, 'inspector', { kind: 'campaign', planned_on: cstDay(-3), inspectors: [userId('inspector2')] });
  assert.equal(p.status, 'planned');
  assert.equal(p.department, 'health');
  assert.equal(p.kind, 'campaign');
  assert.equal(p.planned_on, cstDay(-3));
  assert.deepEqual(p.inspectors.map((i) => i.username).sort(), ['inspector', 'inspector2']);
  const fire = await plan(A, 'inspector_fire');
  assert.equal(fire.department, 'fire');
  assert.deepEqual(fire.inspectors.map((i) => i.username), ['inspector_fire']);
  const fireTemplate = await template(fire.template_id, 'inspector_fire');
  assert.equal(fireTemplate.department, 'fire');
  const byCounty = await plan(A, 'county_zhangwan');
  assert.equal(byCounty.department, 'health');
  assert.deepEqual(byCounty.inspectors, []);

  const bad = await srv.post(
    `/api/v1/institutions/${A.institutionId}/inspections`,
    { kind: 'surprise', planned_on: '2025-02-30', inspectors: [userId('inspector_fire'), userId('inspector_maojian'), 'x'], template_id: 0 },
    { as: 'inspector' },
  );
  expectError(bad, 422, 'validation_failed');
  for (const name of ['kind', 'planned_on', 'inspectors[2]', 'template_id']) assert.ok(errorFields(bad).includes(name), `${name}: ${show(bad)}`);
  const unfit = await srv.post(
    `/api/v1/institutions/${A.institutionId}/inspections`,
    { kind: 'routine', inspectors: [userId('inspector_fire'), userId('inspector_maojian'), userId('county_zhangwan')], template_id: fire.template_id },
    { as: 'inspector' },
  );
  expectError(unfit, 422, 'validation_failed');
  for (const name of ['inspectors[0]', 'inspectors[1]', 'inspectors[2]', 'template_id'])
    assert.ok(errorFields(unfit).includes(name), `${name}: ${show(unfit)}`);
  expectError(await srv.post(`/api/v1/institutions/${A.institutionId}/inspections`, [], { as: 'inspector' }), 400, 'malformed_json');
  const malformed = await srv.req('POST', `/api/v1/institutions/${A.institutionId}/inspections`, { as: 'inspector', body: '{', headers: { 'Content-Type': 'application/json' } });
  expectError(malformed, 400, 'malformed_json');
});

test('planning: roles (403) and territory (404)', async () => {
  for (const who of ['city', 'admin', 'auditor', 'registrar', A.operator])
    expectError(await srv.post(`/api/v1/institutions/${A.institutionId}/inspections`, { kind: 'routine' }, { as: who }), 403, 'forbidden');
  expectError(await srv.post(`/api/v1/institutions/${B.institutionId}/inspections`, { kind: 'routine' }, { as: 'inspector' }), 404, 'not_found');
  expectError(await srv.post(`/api/v1/institutions/${B.institutionId}/inspections`, { kind: 'routine' }, { as: 'county_zhangwan' }), 404, 'not_found');
  expectError(await srv.post(`/api/v1/institutions/${A.institutionId}/inspections`, { kind: 'routine' }, { as: 'inspector_maojian' }), 404, 'not_found');
  expectError(await srv.post('/api/v1/institutions/999999/inspections', { kind: 'routine' }, { as: 'inspector' }), 404, 'not_found');
  const other = await plan(B, 'inspector_maojian');
  assert.equal(other.district_code, '420302');
});

test('results: a failed item without a finding is refused naming it, unless its note says why; outcome pass|findings', async () => {
  const p = await plan(A);
  const t = await template(p.template_id);
  const code = t.items[1].code;
  const body = await results(p);
  body.items[1].result = 'fail';
  const refused = await srv.post(`/api/v1/inspections/${p.id}/results`, body, { as: 'inspector' });
  expectError(refused, 422, 'validation_failed');
  assert.ok(errorFields(refused).includes('items[1].result'), show(refused));
  assert.ok(refused.text.includes(code), 'the message names the item');
  body.items[1].note = '已当场整改，复核合格';
  const noted = await srv.post(`/api/v1/inspections/${p.id}/results`, body, { as: 'inspector' });
  expectStatus(noted, 200);
  assert.equal(noted.json.status, 'completed');
  assert.equal(noted.json.result, 'pass');
  assert.equal(noted.json.findings.length, 0);
  assert.equal(noted.json.inspected_on, cstDay(0));

  const q = await plan(A);
  const withFindings = await srv.post(`/api/v1/inspections/${q.id}/results`, await results(q, { fails: [t.items[0].code], severity: 'critical' }), { as: 'inspector' });
  expectStatus(withFindings, 200);
  assert.equal(withFindings.json.result, 'findings');
  assert.equal(withFindings.json.findings[0].severity, 'critical');
  assert.equal(withFindings.json.findings[0].found_on, cstDay(0));
  assert.equal(withFindings.json.items.find((i) => i.code === t.items[0].code).result, 'fail');
  const audit = sql(srv.db, `SELECT COUNT(*) FROM audit_log WHERE action = 'inspection.complete' AND entity_id = ${q.id}`);
  assert.equal(Number(audit), 1);
});

test('results: 422 names every bad field (dates, enums, lengths, unknown and missing items)', async () => {
  const p = await plan(A);
  const t = await template(p.template_id);
  const bad = await srv.post(
    `/api/v1/inspections/${p.id}/results`,
    {
      inspected_on: cstDay(-5),
      items: [{ code: t.items[0].code, result: 'maybe' }, { result: 'pass' }],
      findings: [{ severity: 'huge', clause: '', description: 'x'.repeat(2001) }, { item_code: 'ZZ', severity: 'low', clause: '条', description: '描述' }],
      surplus: true,
    },
    { as: 'inspector' },
  );
  expectError(bad, 422, 'validation_failed');
  const f = errorFields(bad);
  for (const name of ['inspected_on', 'items[0].result', 'items[1].code', 'findings[0].severity', 'findings[0].clause', 'findings[0].description', 'surplus'])
    assert.ok(f.includes(name), `${name} missing: ${f}`);
  const missing = await srv.post(`/api/v1/inspections/${p.id}/results`, { inspected_on: cstDay(0), items: [{ code: t.items[0].code, result: 'pass' }], findings: [{ item_code: 'ZZ', severity: 'low', clause: '条', description: '描述' }] }, { as: 'inspector' });
  expectError(missing, 422, 'validation_failed');
  assert.ok(errorFields(missing).includes('items'), show(missing));
  assert.ok(errorFields(missing).includes('findings[0].item_code'), show(missing));
  const still = await srv.get(`/api/v1/inspections/${p.id}`, { as: 'inspector' });
  assert.equal(still.json.status, 'planned', 'a refused record leaves nothing behind');
  assert.equal(still.json.items.length, 0);
});

test('transitions: who may complete and cancel, and completed/cancelled are final (409)', async () => {
  // Completing: an inspector of the department (assigned or not), the county for health; not another department.
  const p1 = await plan(A, 'inspector');
  expectError(await srv.post(`/api/v1/inspections/${p1.id}/results`, await results(p1), { as: 'inspector_fire' }), 409, 'invalid_state');
  expectStatus(await srv.post(`/api/v1/inspections/${p1.id}/results`, await results(p1), { as: 'inspector2' }), 200);
  expectError(await srv.post(`/api/v1/inspections/${p1.id}/results`, await results(p1), { as: 'inspector' }), 409, 'invalid_state');
  expectError(await srv.post(`/api/v1/inspections/${p1.id}/cancel`, {}, { as: 'county_zhangwan' }), 409, 'invalid_state');

  const p2 = await plan(A, 'inspector');
  expectStatus(await srv.post(`/api/v1/inspections/${p2.id}/results`, await results(p2), { as: 'county_zhangwan' }), 200);
  const f = await plan(A, 'inspector_fire');
  expectError(await srv.post(`/api/v1/inspections/${f.id}/results`, await results(f, { as: 'inspector_fire' }), { as: 'county_zhangwan' }), 409, 'invalid_state');

  // Cancelling: the county, or an inspector assigned to it; not an unassigned one.
  const p3 = await plan(A, 'inspector');
  expectError(await srv.post(`/api/v1/inspections/${p3.id}/cancel`, {}, { as: 'inspector2' }), 409, 'invalid_state');
  const c3 = await srv.post(`/api/v1/inspections/${p3.id}/cancel`, { reason: '机构停业装修' }, { as: 'inspector' });
  expectStatus(c3, 200);
  assert.equal(c3.json.status, 'cancelled');
  expectError(await srv.post(`/api/v1/inspections/${p3.id}/results`, await results(p3), { as: 'inspector' }), 409, 'invalid_state');
  expectError(await srv.post(`/api/v1/inspections/${p3.id}/cancel`, {}, { as: 'inspector' }), 409, 'invalid_state');
  expectStatus(await srv.post(`/api/v1/inspections/${f.id}/cancel`, {}, { as: 'county_zhangwan' }), 200);
  const p4 = await plan(A, 'inspector');
  expectStatus(await srv.req('POST', `/api/v1/inspections/${p4.id}/cancel`, { as: 'inspector' }), 200);

  // Roles and territory of the moves.
  const p5 = await plan(A, 'inspector');
  for (const who of ['city', 'admin', 'auditor', A.operator]) {
    expectError(await srv.post(`/api/v1/inspections/${p5.id}/results`, await results(p5), { as: who }), 403, 'forbidden');
    expectError(await srv.post(`/api/v1/inspections/${p5.id}/cancel`, {}, { as: who }), 403, 'forbidden');
  }
  expectError(await srv.post(`/api/v1/inspections/${p5.id}/results`, await results(p5), { as: 'inspector_maojian' }), 404, 'not_found');
  expectError(await srv.post(`/api/v1/inspections/${p5.id}/cancel`, {}, { as: 'county_maojian' }), 404, 'not_found');
  expectError(await srv.post('/api/v1/inspections/999999/cancel', {}, { as: 'county_zhangwan' }), 404, 'not_found');
  const bad = await srv.post(`/api/v1/inspections/${p5.id}/cancel`, { reason: 5, why: 1 }, { as: 'inspector' });
  expectError(bad, 422, 'validation_failed');
  assert.deepEqual(errorFields(bad).sort(), ['reason', 'why']);
});

test('lists: territory, filters, pagination and 422 for bad filters', async () => {
  const county = await srv.get('/api/v1/inspections?per_page=200', { as: 'county_zhangwan' });
  expectStatus(county, 200);
  assert.ok(county.json.total > 0);
  assert.ok(county.json.items.every((i) => i.district_code === '420303'));
  const maojian = await srv.get('/api/v1/inspections', { as: 'inspector_maojian' });
  assert.ok(maojian.json.items.length > 0 && maojian.json.items.every((i) => i.district_code === '420302'));
  expectError(await srv.get('/api/v1/inspections?district=420302', { as: 'inspector' }), 404, 'not_found');
  const city = await srv.get('/api/v1/inspections?district=420302', { as: 'city' });
  assert.ok(city.json.items.length > 0 && city.json.items.every((i) => i.district_code === '420302'));
  const auditor = await srv.get('/api/v1/inspections', { as: 'auditor' });
  assert.equal(auditor.json.total, county.json.total + city.json.total);

  const fire = await srv.get('/api/v1/inspections?department=fire&status=cancelled', { as: 'county_zhangwan' });
  assert.ok(fire.json.items.length >= 1 && fire.json.items.every((i) => i.department === 'fire' && i.status === 'cancelled'));
  const campaign = await srv.get(`/api/v1/inspections?kind=campaign&institution=${A.institutionId}`, { as: 'inspector' });
  assert.ok(campaign.json.items.length >= 1 && campaign.json.items.every((i) => i.kind === 'campaign'));
  const window = await srv.get(`/api/v1/inspections?from=${cstDay(-3)}&to=${cstDay(-3)}`, { as: 'inspector' });
  assert.ok(window.json.items.length >= 1 && window.json.items.every((i) => i.planned_on === cstDay(-3) && !i.inspected_on));
  const page1 = await srv.get('/api/v1/inspections?per_page=2&page=1', { as: 'county_zhangwan' });
  const page2 = await srv.get('/api/v1/inspections?per_page=2&page=2', { as: 'county_zhangwan' });
  assert.equal(page1.json.items.length, 2);
  assert.notDeepEqual(page1.json.items.map((i) => i.id), page2.json.items.map((i) => i.id));
  const mine = await srv.get('/api/v1/inspections?mine=1&per_page=200', { as: 'inspector2' });
  assert.ok(mine.json.total >= 1 && mine.json.total < county.json.total, show(mine));
  for (const i of mine.json.items) {
    const full = await srv.get(`/api/v1/inspections/${i.id}`, { as: 'inspector2' });
    assert.ok(full.json.inspectors.some((u) => u.username === 'inspector2'), `not assigned: ${i.id}`);
  }
  const bad = await srv.get('/api/v1/inspections?status=done&kind=x&department=tax&from=2025-13-01&to=x&page=0&per_page=500&institution=abc&mine=2', { as: 'city' });
  expectError(bad, 422, 'validation_failed');
  for (const name of ['status', 'kind', 'department', 'from', 'to', 'page', 'per_page', 'institution', 'mine'])
    assert.ok(errorFields(bad).includes(name), `${name}: ${show(bad)}`);
  for (const who of [A.operator, 'registrar']) expectError(await srv.get('/api/v1/inspections', { as: who }), 403, 'forbidden');

  const one = county.json.items[0];
  expectStatus(await srv.get(`/api/v1/inspections/${one.id}`, { as: 'auditor' }), 200);
  expectError(await srv.get(`/api/v1/inspections/${one.id}`, { as: 'inspector_maojian' }), 404, 'not_found');
  expectError(await srv.get(`/api/v1/inspections/${one.id}`, { as: 'county_maojian' }), 404, 'not_found');
  expectError(await srv.get('/api/v1/inspections/999999', { as: 'city' }), 404, 'not_found');
});

test('findings: filters by severity, institution and open; territory; roles', async () => {
  const all = await srv.get('/api/v1/findings', { as: 'county_zhangwan' });
  expectStatus(all, 200);
  assert.ok(all.json.items.length >= 1);
  assert.ok(all.json.items.every((f) => f.district_code === '420303'));
  const crit = await srv.get(`/api/v1/findings?severity=critical&institution=${A.institutionId}&open=1`, { as: 'inspector' });
  assert.ok(crit.json.items.length >= 1 && crit.json.items.every((f) => f.severity === 'critical' && f.institution_id === A.institutionId));
  const closed = await srv.get('/api/v1/findings?open=0', { as: 'city' });
  assert.equal(closed.json.items.length, 0, 'no finding has an accepted rectification yet');
  const none = await srv.get('/api/v1/findings', { as: 'inspector_maojian' });
  assert.ok(none.json.items.every((f) => f.district_code === '420302'));
  expectError(await srv.get('/api/v1/findings?district=420302', { as: 'county_zhangwan' }), 404, 'not_found');
  const bad = await srv.get('/api/v1/findings?severity=severe&open=yes&institution=0', { as: 'city' });
  expectError(bad, 422, 'validation_failed');
  assert.deepEqual(errorFields(bad).sort(), ['institution', 'open', 'severity']);
  for (const who of [A.operator, 'registrar']) expectError(await srv.get('/api/v1/findings', { as: who }), 403, 'forbidden');
});

test("an operator sees only its own institution's completed inspections and their findings", async () => {
  const planned = await plan(C);
  const done = await plan(C);
  expectStatus(await srv.post(`/api/v1/inspections/${done.id}/results`, await results(done, { fails: [(await template(done.template_id)).items[2].code], severity: 'high' }), { as: 'inspector' }), 200);
  const C_op = C.operator;
  const list = await srv.get(`/api/v1/institutions/${C.institutionId}/inspections`, { as: C_op });
  expectStatus(list, 200);
  assert.deepEqual(list.json.items.map((i) => i.id), [done.id]);
  assert.equal(list.json.items[0].status, 'completed');
  const plannedOnly = await srv.get(`/api/v1/institutions/${C.institutionId}/inspections?status=planned`, { as: C_op });
  assert.equal(plannedOnly.json.items.length, 0);
  const one = await srv.get(`/api/v1/inspections/${done.id}`, { as: C_op });
  expectStatus(one, 200);
  assert.equal(one.json.findings.length, 1);
  assert.equal(one.json.findings[0].severity, 'high');
  expectError(await srv.get(`/api/v1/inspections/${planned.id}`, { as: C_op }), 404, 'not_found');
  expectError(await srv.get(`/api/v1/institutions/${A.institutionId}/inspections`, { as: C_op }), 404, 'not_found');
  const aDone = (await srv.get(`/api/v1/institutions/${A.institutionId}/inspections?status=completed`, { as: A.operator })).json.items[0];
  expectError(await srv.get(`/api/v1/inspections/${aDone.id}`, { as: C_op }), 404, 'not_found');
  // Officials and inspectors see every status of the institution in their territory.
  const county = await srv.get(`/api/v1/institutions/${C.institutionId}/inspections`, { as: 'county_zhangwan' });
  assert.deepEqual(county.json.items.map((i) => i.id).sort(), [planned.id, done.id].sort());
  expectError(await srv.get(`/api/v1/institutions/${C.institutionId}/inspections`, { as: 'inspector_maojian' }), 404, 'not_found');
  expectError(await srv.get(`/api/v1/institutions/${C.institutionId}/inspections`, { as: 'registrar' }), 403, 'forbidden');
});

test('inspection_plan_in_tx is audited and the API answers carry no personal data', async () => {
  const p = await plan(A);
  const n = sql(srv.db, `SELECT COUNT(*) FROM audit_log WHERE action = 'inspection.plan' AND entity_id = ${p.id}`);
  assert.equal(Number(n), 1);
  const one = await srv.get(`/api/v1/inspections/${p.id}`, { as: 'city' });
  assert.ok(!/password|token|phone|id_number/i.test(one.text), one.text);
});

test('pages: the inspector plans an inspection and records a finding through forms', async () => {
  const s = await srv.login('inspector');
  assert.ok(s.cookie, show(s.res));
  const home = await srv.get('/inspector', { cookie: s.cookie });
  expectStatus(home, 200);
  assert.deepEqual(tidyErrors(home.text), [], 'the inspector page is not clean HTML5');
  assert.ok(home.text.includes('计划一次检查') && home.text.includes('待检查'));
  const form = (fields) => ({ cookie: s.cookie, body: new URLSearchParams({ csrf: s.csrf, ...fields }), headers: { 'Content-Type': 'application/x-www-form-urlencoded' } });
  const badPlan = await srv.req('POST', '/inspector/inspections', form({ institution_id: String(B.institutionId), kind: 'routine' }));
  assert.equal(badPlan.status, 422, show(badPlan));
  const planned = await srv.req('POST', '/inspector/inspections', form({ institution_id: String(A.institutionId), kind: 'routine', planned_on: cstDay(0), inspector: String(userId('inspector2')) }));
  assert.equal(planned.status, 303, show(planned));
  const id = Number(planned.headers.get('location').split('/').pop());
  const page = await srv.get(`/dash/inspections/${id}`, { cookie: s.cookie });
  expectStatus(page, 200);
  assert.deepEqual(tidyErrors(page.text), [], 'the inspection page is not clean HTML5');
  for (const name of ['finding_severity', 'finding_clause', 'finding_description', 'finding_item_code', 'inspected_on'])
    assert.ok(page.text.includes(`name="${name}"`) && page.text.includes(`for="${name}"`), name);
  assert.ok(page.text.includes('提交检查结果'));
  const insp = (await srv.get(`/api/v1/inspections/${id}`, { as: 'inspector' })).json;
  const t = await template(insp.template_id);
  for (const i of t.items) assert.ok(page.text.includes(`name="item_${i.code}"`), i.code);
  const fields = Object.fromEntries(t.items.map((i) => [`item_${i.code}`, 'pass']));
  fields[`item_${t.items[0].code}`] = 'fail';
  // A failed item without a finding: 422, the form comes back with what was typed.
  const refused = await srv.req('POST', `/dash/inspections/${id}/results`, form({ ...fields, inspected_on: cstDay(0), summary: '晨检' }));
  assert.equal(refused.status, 422, show(refused));
  assert.ok(refused.text.includes(t.items[0].code) && refused.text.includes('>晨检</textarea>'));
  const partial = await srv.req('POST', `/dash/inspections/${id}/results`, form({ ...fields, inspected_on: cstDay(0), finding_severity: 'high' }));
  assert.equal(partial.status, 422, show(partial));
  assert.ok(partial.text.includes('finding_clause') && partial.text.includes('finding_description'));
  const ok = await srv.req(
    'POST',
    `/dash/inspections/${id}/results`,
    form({ ...fields, inspected_on: cstDay(0), summary: '晨检记录缺失', finding_item_code: t.items[0].code, finding_severity: 'high', finding_clause: t.items[0].clause, finding_description: '近一周晨检记录缺失' }),
  );
  assert.equal(ok.status, 303, show(ok));
  const shown = await srv.get(`/dash/inspections/${id}`, { cookie: s.cookie });
  assert.ok(shown.text.includes('近一周晨检记录缺失') && shown.text.includes('较重'));
  assert.ok(!shown.text.includes('提交检查结果'), 'no form on a completed inspection');
  assert.deepEqual(tidyErrors(shown.text), []);
  const again = await srv.req('POST', `/dash/inspections/${id}/results`, form({ ...fields, inspected_on: cstDay(0), finding_severity: 'high', finding_clause: '条', finding_description: '描述' }));
  assert.equal(again.status, 409, show(again));
  const nocsrf = await srv.req('POST', `/dash/inspections/${id}/cancel`, { cookie: s.cookie, body: new URLSearchParams({ reason: 'x' }), headers: { 'Content-Type': 'application/x-www-form-urlencoded' } });
  assert.equal(nocsrf.status, 403);

  const list = await srv.get('/dash/inspections?status=completed&mine=1', { cookie: s.cookie });
  expectStatus(list, 200);
  assert.deepEqual(tidyErrors(list.text), []);
  assert.ok(list.text.includes(`/dash/inspections/${id}`));
  const badList = await srv.get('/dash/inspections?status=done', { cookie: s.cookie });
  assert.equal(badList.status, 422);

  const county = await srv.login('county_zhangwan');
  const cl = await srv.get('/dash/inspections', { cookie: county.cookie });
  expectStatus(cl, 200);
  assert.deepEqual(tidyErrors(cl.text), []);
  const maojian = await srv.login('county_maojian');
  assert.equal((await srv.get(`/dash/inspections/${id}`, { cookie: maojian.cookie })).status, 404);
  const op = await srv.login(A.operator);
  assert.equal((await srv.get('/dash/inspections', { cookie: op.cookie })).status, 403);
  assert.equal((await srv.get('/inspector', { cookie: county.cookie })).status, 403);
});
