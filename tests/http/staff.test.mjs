// Staff of an institution: an operator adds, changes and documents its own staff; officials read them
// (audited) within their territory; ID numbers and phones never leave the server in clear; anything outside
// one's reach is 404 (or 403 for a role the route does not admit at all).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import test, { after, before } from 'node:test';
import { Server, cli, errorFields, expectError, expectStatus, show } from './harness.mjs';
import { isPg, sql as harnessSql } from './harness.mjs';
import { addOperator, allKeys, idNumber, register, withBadIdCheckChar } from './fixtures.mjs';

/** A valid ID number from a sequence number (and a birth date); the server never gives it back. */
const idOf = (seq, birth = '1990-01-01') => idNumber(birth, seq);
const masked = (id) => `${id.slice(0, 4)}**********${id.slice(14)}`;
const sql = (db, q) => harnessSql(db, q);

let srv;
const ctx = {};
let serial = 100;
const staffBody = (over = {}) => ({
  name: '李保育',
  id_number: idOf(++serial),
  role: 'caregiver',
  hired_on: '2025-03-01',
  phone: '13812345678',
  education: 'junior_college',
  experience_years: 4,
  ...over,
});

before(async () => {
  srv = await Server.start({ name: 'staff' });
  const a = await register(srv, { district_code: '420303', name: '张湾区员工测试托育园' });
  const b = await register(srv, { district_code: '420302', name: '茅箭区员工测试托育园' });
  ctx.inst = a.institution_id;
  ctx.other = b.institution_id;
  ctx.op = await addOperator(srv, ctx.inst);
  ctx.op2 = await addOperator(srv, ctx.other);
  const id = idOf(1, '1988-03-05');
  const res = await srv.post(`/api/v1/institutions/${ctx.inst}/staff`, staffBody({ id_number: id, name: '王园长', role: 'director' }), {
    as: ctx.op,
  });
  expectStatus(res, 201);
  ctx.staff = res.json;
  ctx.staffId = id;
  const r2 = await srv.post(`/api/v1/institutions/${ctx.other}/staff`, staffBody({ name: '茅箭员工' }), { as: ctx.op2 });
  expectStatus(r2, 201);
  ctx.otherStaff = r2.json;
});
after(async () => srv && srv.cleanup());

test('an operator adds a staff member and gets masked ID number and phone back, never the clear values', async () => {
  const body = staffBody({ name: '赵保健', role: 'health', full_time: false });
  const res = await srv.post(`/api/v1/institutions/${ctx.inst}/staff`, body, { as: ctx.op });
  expectStatus(res, 201);
  const s = res.json;
  assert.equal(s.id_number_masked, masked(body.id_number));
  assert.equal(s.phone_masked, '138****5678');
  assert.equal(s.role, 'health');
  assert.equal(s.hired_on, '2025-03-01');
  assert.equal(s.full_time, false);
  assert.equal(s.version, 1);
  assert.equal(s.employed, true);
  assert.deepEqual(s.certificates, []);
  assert.equal(s.last_health_check, null);
  assert.ok(!res.text.includes(body.id_number), 'the clear ID number is in the answer');
  assert.ok(!res.text.includes(body.phone), 'the clear phone is in the answer');
  const keys = allKeys(res.json);
  assert.ok(!keys.has('id_number') && !keys.has('phone'), `clear-value keys in ${[...keys]}`);
  // At rest: sealed, not in clear, and not a plain hash either.
  const hex = (c) => (isPg(srv.db) ? `upper(encode(${c}, 'hex'))` : `hex(${c})`);
  const row = sql(srv.db, `SELECT ${hex('id_enc')} || ' ' || id_masked || ' ' || ${hex('phone_enc')} FROM staff WHERE id = ${s.id}`);
  assert.ok(!row.includes(Buffer.from(body.id_number).toString('hex').toUpperCase()), 'ID number stored in clear');
  assert.ok(!row.includes(Buffer.from(body.phone).toString('hex').toUpperCase()), 'phone stored in clear');
});

test('a wrong check character is a 422 naming id_number, with every other bad field in the same answer', async () => {
  const res = await srv.post(
    `/api/v1/institutions/${ctx.inst}/staff`,
    staffBody({ id_number: withBadIdCheckChar(idOf(7)), name: '长'.repeat(51), phone: 'call-me', experience_years: 61, hired_on: '2025-02-30', extra: 1 }),
    { as: ctx.op }
  );
  expectError(res, 422, 'validation_failed');
  const fields = errorFields(res);
  for (const f of ['id_number', 'name', 'phone', 'experience_years', 'hired_on', 'extra']) {
    assert.ok(fields.includes(f), `field ${f} not reported: ${show(res)}`);
  }
  assert.equal(new Set(fields).size, fields.length, `a field is reported twice: ${fields}`);
});

test('missing fields, an unknown role and a non-object body are 422/400, never 500', async () => {
  const res = await srv.post(`/api/v1/institutions/${ctx.inst}/staff`, { role: 'chef' }, { as: ctx.op });
  expectError(res, 422, 'validation_failed');
  const fields = errorFields(res);
  for (const f of ['name', 'id_number', 'role', 'hired_on']) assert.ok(fields.includes(f), `${f}: ${show(res)}`);
  const arr = await srv.req('POST', `/api/v1/institutions/${ctx.inst}/staff`, { as: ctx.op, body: '[1]', headers: { 'Content-Type': 'application/json' } });
  assert.equal(arr.status, 400, show(arr));
  const blank = await srv.post(`/api/v1/institutions/${ctx.inst}/staff`, staffBody({ name: '   ' }), { as: ctx.op });
  assert.deepEqual(errorFields(blank), ['name'], show(blank));
});

test('the same person cannot be added twice to one institution while employed (409 on id_number)', async () => {
  const res = await srv.post(`/api/v1/institutions/${ctx.inst}/staff`, staffBody({ id_number: ctx.staffId }), { as: ctx.op });
  expectError(res, 409);
  assert.deepEqual(errorFields(res), ['id_number'], show(res));
  // A lower-case x is the same number.
  const x = [...Array(200).keys()].map((i) => idOf(500 + i)).find((n) => n.endsWith('X'));
  expectStatus(await srv.post(`/api/v1/institutions/${ctx.inst}/staff`, staffBody({ id_number: x }), { as: ctx.op }), 201);
  const again = await srv.post(`/api/v1/institutions/${ctx.inst}/staff`, staffBody({ id_number: x.toLowerCase() }), { as: ctx.op });
  expectError(again, 409);
});

test('only the institution\'s own operator may add staff: other operators 404, other roles 403', async () => {
  const path = `/api/v1/institutions/${ctx.inst}/staff`;
  expectError(await srv.post(path, staffBody(), { as: ctx.op2 }), 404, 'not_found');
  expectError(await srv.post(`/api/v1/institutions/999999/staff`, staffBody(), { as: ctx.op }), 404, 'not_found');
  for (const who of ['admin', 'city', 'county_zhangwan', 'auditor', 'registrar', 'inspector']) {
    expectError(await srv.post(path, staffBody(), { as: who }), 403, 'forbidden');
  }
  expectError(await srv.post(path, staffBody()), 401);
});

test('the staff list: own operator and officials of the territory see it; others get 404 or 403', async () => {
  const path = `/api/v1/institutions/${ctx.inst}/staff`;
  for (const who of [ctx.op, 'county_zhangwan', 'city', 'auditor', 'admin']) {
    const res = await srv.get(path, { as: who });
    expectStatus(res, 200);
    assert.ok(res.json.items.some((s) => s.id === ctx.staff.id), `${who} does not see the director`);
    assert.ok(!res.text.includes(ctx.staffId), `${who} got a clear ID number`);
    assert.ok(res.json.items.every((s) => /^\d{4}\*{10}[\dX]{4}$/.test(s.id_number_masked)), show(res));
  }
  expectError(await srv.get(path, { as: ctx.op2 }), 404, 'not_found');
  expectError(await srv.get(path, { as: 'county_maojian' }), 404, 'not_found');
  expectError(await srv.get('/api/v1/institutions/999999/staff', { as: 'city' }), 404, 'not_found');
  for (const who of ['registrar', 'inspector']) expectError(await srv.get(path, { as: who }), 403, 'forbidden');
  expectError(await srv.get(`${path}?include_left=yes`, { as: ctx.op }), 422, 'validation_failed');
});

test('one staff member: visible to its operator and the territory\'s officials; 404 elsewhere', async () => {
  const path = `/api/v1/staff/${ctx.staff.id}`;
  for (const who of [ctx.op, 'county_zhangwan', 'city', 'auditor', 'admin']) {
    const res = await srv.get(path, { as: who });
    expectStatus(res, 200);
    assert.equal(res.json.id_number_masked, masked(ctx.staffId));
    assert.ok(Array.isArray(res.json.health_checks), show(res));
  }
  expectError(await srv.get(path, { as: ctx.op2 }), 404, 'not_found');
  expectError(await srv.get(path, { as: 'county_maojian' }), 404, 'not_found');
  expectError(await srv.get(`/api/v1/staff/${ctx.otherStaff.id}`, { as: 'county_zhangwan' }), 404, 'not_found');
  expectError(await srv.get('/api/v1/staff/999999', { as: 'city' }), 404, 'not_found');
  expectError(await srv.get(path, { as: 'registrar' }), 403, 'forbidden');
});

test('an official\'s read of a staff record is audited (staff.read), an operator\'s is not, and the chain verifies', async () => {
  const count = (action, who) =>
    Number(sql(srv.db, `SELECT count(*) FROM audit_log WHERE action = '${action}' AND entity_id = ${ctx.staff.id} AND actor = '${who}'`));
  const before = count('staff.read', 'county_zhangwan');
  expectStatus(await srv.get(`/api/v1/staff/${ctx.staff.id}`, { as: 'county_zhangwan' }), 200);
  assert.equal(count('staff.read', 'county_zhangwan'), before + 1);
  const opBefore = count('staff.read', ctx.op);
  expectStatus(await srv.get(`/api/v1/staff/${ctx.staff.id}`, { as: ctx.op }), 200);
  assert.equal(count('staff.read', ctx.op), opBefore, 'an operator\'s own read was audited');
  // A refused read leaves nothing behind.
  const maojian = count('staff.read', 'county_maojian');
  await srv.get(`/api/v1/staff/${ctx.staff.id}`, { as: 'county_maojian' });
  assert.equal(count('staff.read', 'county_maojian'), maojian);
  // Lists too.
  const lists = Number(sql(srv.db, `SELECT count(*) FROM audit_log WHERE action = 'staff.list' AND entity_id = ${ctx.inst}`));
  expectStatus(await srv.get(`/api/v1/institutions/${ctx.inst}/staff`, { as: 'auditor' }), 200);
  assert.equal(Number(sql(srv.db, `SELECT count(*) FROM audit_log WHERE action = 'staff.list' AND entity_id = ${ctx.inst}`)), lists + 1);
  // No clear ID number or phone anywhere in the audit log.
  const dump = sql(srv.db, "SELECT coalesce(before,'') || coalesce(after,'') FROM audit_log");
  assert.ok(!dump.includes(ctx.staffId), 'a clear ID number in the audit log');
  assert.ok(!dump.includes('13812345678'), 'a clear phone in the audit log');
  const v = await cli(['audit', 'verify', '--db', srv.db]);
  assert.equal(v.code, 0, `audit verify: ${v.stdout} ${v.stderr}`);
});

test('PATCH changes a staff member by version; a stale version is 409 and changes nothing', async () => {
  const body = staffBody({ name: '钱师傅', role: 'cook' });
  const add = await srv.post(`/api/v1/institutions/${ctx.inst}/staff`, body, { as: ctx.op });
  expectStatus(add, 201);
  const path = `/api/v1/staff/${add.json.id}`;
  const ok = await srv.req('PATCH', path, { as: ctx.op, json: { version: 1, phone: '027-8765-4321', experience_years: 9, full_time: false } });
  expectStatus(ok, 200);
  assert.equal(ok.json.version, 2);
  assert.equal(ok.json.experience_years, 9);
  assert.equal(ok.json.full_time, false);
  assert.ok(!ok.text.includes('027-8765-4321'), show(ok));
  const stale = await srv.req('PATCH', path, { as: ctx.op, json: { version: 1, role: 'other' } });
  expectError(stale, 409);
  const now = await srv.get(path, { as: ctx.op });
  assert.equal(now.json.role, 'cook');
  assert.equal(now.json.version, 2);
  expectError(await srv.req('PATCH', path, { as: ctx.op, json: { role: 'other' } }), 422, 'validation_failed');
  const early = await srv.req('PATCH', path, { as: ctx.op, json: { version: 2, left_on: '2025-01-01' } });
  expectError(early, 422, 'validation_failed');
  assert.deepEqual(errorFields(early), ['left_on']);
  const bad = await srv.req('PATCH', path, { as: ctx.op, json: { version: 2, role: 'boss', phone: 'x', experience_years: -1 } });
  assert.deepEqual(errorFields(bad).sort(), ['experience_years', 'phone', 'role'], show(bad));
  expectError(await srv.req('PATCH', path, { as: ctx.op2, json: { version: 2, role: 'other' } }), 404, 'not_found');
  for (const who of ['county_zhangwan', 'city', 'auditor']) {
    expectError(await srv.req('PATCH', path, { as: who, json: { version: 2, role: 'other' } }), 403, 'forbidden');
  }
  // Leaving: out of the default list, back with include_left=1, and the person may be added again.
  const left = await srv.req('PATCH', path, { as: ctx.op, json: { version: 2, left_on: '2025-06-30', phone: null } });
  expectStatus(left, 200);
  assert.equal(left.json.left_on, '2025-06-30');
  assert.equal(left.json.employed, false);
  assert.equal(left.json.phone_masked, null);
  const list = await srv.get(`/api/v1/institutions/${ctx.inst}/staff`, { as: ctx.op });
  assert.ok(!list.json.items.some((s) => s.id === add.json.id), 'a departed staff member in the default list');
  const all = await srv.get(`/api/v1/institutions/${ctx.inst}/staff?include_left=1`, { as: ctx.op });
  assert.ok(all.json.items.some((s) => s.id === add.json.id), 'include_left=1 does not show the departed');
  const rehire = await srv.post(`/api/v1/institutions/${ctx.inst}/staff`, { ...staffBody(), id_number: body.id_number }, { as: ctx.op });
  expectStatus(rehire, 201);
});

test('certificates: recorded with their expiry and shown in the list; expiry before issue is 422', async () => {
  const path = `/api/v1/staff/${ctx.staff.id}/certificates`;
  const ok = await srv.post(path, { kind: 'health_certificate', number: 'JK-2025-001', issued_on: '2025-03-01', expires_on: '2026-02-28' }, { as: ctx.op });
  expectStatus(ok, 201);
  assert.equal(ok.json.kind, 'health_certificate');
  assert.equal(ok.json.expires_on, '2026-02-28');
  const forever = await srv.post(path, { kind: 'director_training', issued_on: '2024-05-01' }, { as: ctx.op });
  expectStatus(forever, 201);
  assert.equal(forever.json.expires_on, null);
  const bad = await srv.post(path, { kind: 'health_certificate', issued_on: '2025-03-01', expires_on: '2025-02-28' }, { as: ctx.op });
  expectError(bad, 422, 'validation_failed');
  assert.deepEqual(errorFields(bad), ['expires_on']);
  const bad2 = await srv.post(path, { kind: 'diploma', issued_on: '2999-01-01', number: '' }, { as: ctx.op });
  assert.deepEqual(errorFields(bad2).sort(), ['issued_on', 'kind', 'number'], show(bad2));
  const list = await srv.get(`/api/v1/institutions/${ctx.inst}/staff`, { as: 'county_zhangwan' });
  const me = list.json.items.find((s) => s.id === ctx.staff.id);
  assert.equal(me.certificates.length, 2, show(list));
  assert.ok(me.certificates.some((c) => c.kind === 'health_certificate' && c.expires_on === '2026-02-28'));
  expectError(await srv.post(path, { kind: 'health_certificate', issued_on: '2025-03-01' }, { as: ctx.op2 }), 404, 'not_found');
  expectError(await srv.post(path, { kind: 'health_certificate', issued_on: '2025-03-01' }, { as: 'county_zhangwan' }), 403, 'forbidden');
  expectError(await srv.post('/api/v1/staff/999999/certificates', { kind: 'health_certificate', issued_on: '2025-03-01' }, { as: ctx.op }), 404);
});

test('health checks: recorded with subject staff; the latest shows as last_health_check', async () => {
  const path = `/api/v1/staff/${ctx.staff.id}/health-checks`;
  expectStatus(await srv.post(path, { kind: 'pre_employment', checked_on: '2025-02-20', examiner: '十堰市张湾区妇幼保健院', result: 'pass' }, { as: ctx.op }), 201);
  const y = await srv.post(path, { kind: 'yearly', checked_on: '2026-02-20', examiner: '十堰市人民医院', result: 'fail' }, { as: ctx.op });
  expectStatus(y, 201);
  assert.equal(y.json.result, 'fail');
  const bad = await srv.post(path, { kind: 'admission', checked_on: 'tomorrow', examiner: '', result: 'ok' }, { as: ctx.op });
  assert.deepEqual(errorFields(bad).sort(), ['checked_on', 'examiner', 'kind', 'result'], show(bad));
  const one = await srv.get(`/api/v1/staff/${ctx.staff.id}`, { as: ctx.op });
  assert.equal(one.json.last_health_check.checked_on, '2026-02-20');
  assert.equal(one.json.health_checks.length, 2);
  assert.equal(sql(srv.db, `SELECT count(*) FROM health_checks WHERE subject = 'staff' AND subject_id = ${ctx.staff.id} AND institution_id = ${ctx.inst}`), '2');
  expectError(await srv.post(path, { kind: 'yearly', checked_on: '2025-02-20', examiner: 'x', result: 'pass' }, { as: ctx.op2 }), 404, 'not_found');
  expectError(await srv.post(path, { kind: 'yearly', checked_on: '2025-02-20', examiner: 'x', result: 'pass' }, { as: 'city' }), 403, 'forbidden');
});

test('every staff write is audited with masked values only', async () => {
  const actions = sql(srv.db, "SELECT DISTINCT action FROM audit_log WHERE entity = 'staff'").split('\n');
  for (const a of ['staff.add', 'staff.update', 'staff.certificate_add', 'staff.health_check_add', 'staff.read']) {
    assert.ok(actions.includes(a), `no ${a} in ${actions}`);
  }
  const after = sql(srv.db, `SELECT after FROM audit_log WHERE action = 'staff.add' AND entity_id = ${ctx.staff.id}`);
  assert.ok(after.includes(masked(ctx.staffId)) && !after.includes(ctx.staffId), after);
});

test('the server stops cleanly', async () => {
  await srv.stop();
});
