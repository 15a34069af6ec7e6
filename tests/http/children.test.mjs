// Classes, children, their health checks and the checks-due list: who may do what, the checks an enrolment
// must pass (all bad fields in one 422), capacity and ages, versions, the ratio finding that follows the
// caregivers, and that no clear ID number or phone ever leaves the server or enters the audit log.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import test, { after, before } from 'node:test';
import { Server, errorFields, expectError, show, tidyErrors } from './harness.mjs';
import { isPg, sql as harnessSql } from './harness.mjs';
import { addOperator, register } from './fixtures.mjs';

// ---- dates (China time) and resident ID numbers (GB 11643) ----
const DAY = 86400e3;
const cstNow = () => new Date(Date.now() + 8 * 3600e3); // its UTC fields are the CST calendar
const iso = (d) => d.toISOString().slice(0, 10);
const today = () => iso(cstNow());
const daysAgo = (n) => iso(new Date(cstNow().getTime() - n * DAY));
/** The first day of the month `months` months ago: a child born then is exactly `months` months old today. */
function bornMonthsAgo(months) {
  const t = cstNow();
  return iso(new Date(Date.UTC(t.getUTCFullYear(), t.getUTCMonth() - months, 1)));
}
const W = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
function idCheck(first17) {
  let s = 0;
  for (let i = 0; i < 17; i++) s += Number(first17[i]) * W[i];
  return '10X98765432'[s % 11];
}
let seq = 100 + (process.pid % 500);
function idNumber(birth, n = ++seq) {
  const first17 = `420303${birth.replaceAll('-', '')}${String(n % 1000).padStart(3, '0')}`;
  return first17 + idCheck(first17);
}
function badCheckChar(id) {
  const c = '10X98765432';
  return id.slice(0, 17) + c[(c.indexOf(id[17]) + 1) % 11];
}

// Every clear ID number and phone sent to the server: none may come back, in any answer, or enter the audit.
const secrets = new Set();
function child({ birth_on = bornMonthsAgo(18), ...over } = {}) {
  const n = ++seq;
  const body = {
    name: `幼儿${n}`,
    id_number: idNumber(birth_on, n),
    birth_on,
    sex: n % 2 ? 'male' : 'female',
    start_on: today(),
    guardians: [{ name: `家长${n}`, relation: '母亲', phone: `139${String(10000000 + n).slice(-8)}` }],
    admission_check: { checked_on: daysAgo(3), examiner: '张湾区妇幼保健院', result: 'pass' },
    ...over,
  };
  secrets.add(body.id_number);
  for (const g of body.guardians || []) if (g.phone) secrets.add(g.phone);
  return body;
}
function noSecrets(res, what = '') {
  for (const s of secrets) assert.ok(!res.text.includes(s), `${what} answer carries a clear number ${s}: ${show(res)}`);
}
const sql = (q) => harnessSql(srv.db, q);

let srv;
const A = {}; // 张湾区 institution: operator, caregivers, classes, children
const B = {}; // 茅箭区 institution with its own operator
const ROLES = ['admin', 'city', 'county_zhangwan', 'county_maojian', 'registrar', 'inspector', 'auditor'];

async function addStaff(inst, as, role = 'caregiver') {
  const n = ++seq;
  const id = idNumber('1990-05-0' + ((n % 9) + 1), n);
  secrets.add(id);
  const res = await srv.post(
    `/api/v1/institutions/${inst}/staff`,
    { name: `保育员${n}`, id_number: id, role, hired_on: daysAgo(30), phone: `137${String(20000000 + n).slice(-8)}` },
    { as }
  );
  assert.equal(res.status, 201, `adding a staff member: ${show(res)}`);
  secrets.add(`137${String(20000000 + n).slice(-8)}`);
  return res.json.id;
}
async function addClass(body, as = A.op, inst = A.id) {
  const res = await srv.post(`/api/v1/institutions/${inst}/classes`, body, { as });
  assert.equal(res.status, 201, `opening a class: ${show(res)}`);
  return res.json;
}
async function enrol(body, as = A.op, inst = A.id) {
  const res = await srv.post(`/api/v1/institutions/${inst}/children`, body, { as });
  assert.equal(res.status, 201, `enrolling: ${show(res)}`);
  noSecrets(res, 'enrolment');
  return res.json;
}

before(async () => {
  srv = await Server.start({ name: 'children' });
  const a = await register(srv, { district_code: '420303' });
  A.id = a.institution_id;
  A.op = await addOperator(srv, A.id);
  const b = await register(srv, { district_code: '420302', address: '十堰市茅箭区人民北路9号' });
  B.id = b.institution_id;
  B.op = await addOperator(srv, B.id);
  A.cg1 = await addStaff(A.id, A.op);
  A.cg2 = await addStaff(A.id, A.op);
  B.cg = await addStaff(B.id, B.op);
  A.toddlers = await addClass({ name: '托小一班', type: 'toddler', capacity: 15, caregiver_ids: [A.cg1] });
  A.child = await enrol(child({ class_id: A.toddlers.id }));
});
after(async () => srv && srv.cleanup());

test('every route answers each role as the route table says: officials read, operators write their own', async () => {
  const readers = { admin: 200, city: 200, county_zhangwan: 200, county_maojian: 404, registrar: 403, inspector: 403, auditor: 200 };
  const writers = Object.fromEntries(ROLES.map((r) => [r, 403]));
  const routes = [
    ['GET', `/api/v1/institutions/${A.id}/classes`, undefined, readers, 200],
    ['POST', `/api/v1/institutions/${A.id}/classes`, {}, writers, 422],
    ['PATCH', `/api/v1/classes/${A.toddlers.id}`, {}, writers, 422],
    ['GET', `/api/v1/institutions/${A.id}/children`, undefined, readers, 200],
    ['POST', `/api/v1/institutions/${A.id}/children`, {}, writers, 422],
    ['GET', `/api/v1/children/${A.child.id}`, undefined, readers, 200],
    ['PATCH', `/api/v1/children/${A.child.id}`, {}, writers, 422],
    ['POST', `/api/v1/children/${A.child.id}/health-checks`, {}, writers, 422],
    ['GET', `/api/v1/institutions/${A.id}/checks-due`, undefined, readers, 200],
  ];
  for (const [method, path, json, officials, own] of routes) {
    const expect = { ...officials, [A.op]: own, [B.op]: 404 };
    for (const [who, status] of Object.entries(expect)) {
      const res = await srv.req(method, path, { as: who, json });
      assert.equal(res.status, status, `${method} ${path} as ${who}: ${show(res)}`);
      noSecrets(res, `${method} ${path} as ${who}`);
    }
    const anon = await srv.req(method, path, { json });
    assert.equal(anon.status, 401, `${method} ${path} without a token: ${show(anon)}`);
  }
});

test('an operator never reaches another institution: lists, records, changes and checks are all 404', async () => {
  const other = await enrol(child(), B.op, B.id);
  for (const [method, path, json] of [
    ['GET', `/api/v1/institutions/${B.id}/children`],
    ['GET', `/api/v1/institutions/${B.id}/classes`],
    ['GET', `/api/v1/institutions/${B.id}/checks-due`],
    ['GET', `/api/v1/children/${other.id}`],
    ['PATCH', `/api/v1/children/${other.id}`, { version: other.version, end_on: today() }],
    ['POST', `/api/v1/children/${other.id}/health-checks`, { kind: 'yearly', checked_on: today(), examiner: '某医院', result: 'pass' }],
    ['POST', `/api/v1/institutions/${B.id}/children`, child()],
    ['POST', `/api/v1/institutions/${B.id}/classes`, { name: '越权班', type: 'older', capacity: 5 }],
  ]) {
    expectError(await srv.req(method, path, { as: A.op, json }), 404, 'not_found');
  }
  // A class of B is not a class A may place children in, and B's caregiver is not A's.
  const bClass = await addClass({ name: '茅箭托大班', type: 'older', capacity: 10 }, B.op, B.id);
  expectError(await srv.req('PATCH', `/api/v1/classes/${bClass.id}`, { as: A.op, json: { version: 1, capacity: 9 } }), 404, 'not_found');
  const res = await srv.post(`/api/v1/institutions/${A.id}/children`, child({ class_id: bClass.id }), { as: A.op });
  expectError(res, 422, 'validation_failed');
  assert.deepEqual(errorFields(res), ['class_id']);
  const cg = await srv.post(`/api/v1/institutions/${A.id}/classes`, { name: '借人班', type: 'older', capacity: 10, caregiver_ids: [B.cg] }, { as: A.op });
  expectError(cg, 422, 'validation_failed');
  assert.deepEqual(errorFields(cg), ['caregiver_ids[0]']);
  // Nothing of B changed.
  const still = await srv.get(`/api/v1/children/${other.id}`, { as: B.op });
  assert.equal(still.json.version, other.version);
  assert.equal(still.json.end_on, null);
});

test('a county official of another district gets 404 for every read, the own district 200', async () => {
  for (const path of [
    `/api/v1/institutions/${A.id}/children`,
    `/api/v1/institutions/${A.id}/classes`,
    `/api/v1/institutions/${A.id}/checks-due`,
    `/api/v1/children/${A.child.id}`,
  ]) {
    expectError(await srv.get(path, { as: 'county_maojian' }), 404, 'not_found');
    assert.equal((await srv.get(path, { as: 'county_zhangwan' })).status, 200, path);
  }
  const page = await srv.get(`/dash/institutions/${A.id}/people`, { as: 'county_maojian' });
  assert.equal(page.status, 404, show(page));
});

test('enrolment answers with masked numbers only; list and record carry age, class, checks and masked phones', async () => {
  const body = child({ class_id: A.toddlers.id });
  const c = await enrol(body);
  assert.match(c.id_number_masked, /^4203\*{10}\d{3}[\dX]$/);
  assert.equal(c.id_number_masked.slice(-4), body.id_number.slice(-4));
  assert.equal(c.age_months, 18);
  assert.equal(c.class_id, A.toddlers.id);
  assert.equal(c.guardians.length, 1);
  assert.match(c.guardians[0].phone_masked, /^139\*{4}\d{4}$/);
  assert.ok(!('id_number' in c) && !('phone' in c.guardians[0]), 'a clear field name in the answer');
  assert.equal(c.health_checks[0].kind, 'admission');

  const list = await srv.get(`/api/v1/institutions/${A.id}/children`, { as: 'county_zhangwan' });
  assert.equal(list.status, 200, show(list));
  noSecrets(list, 'list');
  const row = list.json.items.find((x) => x.id === c.id);
  assert.ok(row, 'the new child is not listed');
  assert.equal(row.class_name, '托小一班');
  assert.equal(row.last_check_on, body.admission_check.checked_on);
  assert.equal(row.age_months, 18);
  const byClass = await srv.get(`/api/v1/institutions/${A.id}/children?class_id=${A.toddlers.id}`, { as: A.op });
  assert.ok(byClass.json.items.every((x) => x.class_id === A.toddlers.id));
  expectError(await srv.get(`/api/v1/institutions/${A.id}/children?class_id=abc`, { as: A.op }), 422, 'validation_failed');

  const one = await srv.get(`/api/v1/children/${c.id}`, { as: 'city' });
  assert.equal(one.status, 200, show(one));
  noSecrets(one, 'record');
  assert.match(one.json.guardians[0].phone_masked, /\*{4}/);

  // At rest: neither the clear number nor the phone is stored anywhere in the database's text.
  assert.equal(sql(`SELECT count(*) FROM children WHERE id_masked LIKE '%${body.id_number}%' OR name LIKE '%${body.id_number}%'`), '0');
  assert.equal(sql(`SELECT count(*) FROM guardians WHERE phone_masked = '${body.guardians[0].phone}'`), '0');
  const has = isPg(srv.db) ? `strpos(encode(id_enc, 'escape'), '${body.id_number}')` : `instr(CAST(id_enc AS TEXT), '${body.id_number}')`;
  assert.equal(sql(`SELECT count(*) FROM children WHERE id = ${c.id} AND ${has} > 0`), '0');
});

test('officials\' reads of children are audited, the operator\'s are not; the audit holds no clear numbers', async () => {
  const count = (action, actor) => Number(sql(`SELECT count(*) FROM audit_log WHERE action = '${action}' AND actor = '${actor}'`));
  const before = { list: count('children.list', 'auditor'), read: count('child.read', 'auditor'), due: count('checks_due.read', 'auditor') };
  assert.equal((await srv.get(`/api/v1/institutions/${A.id}/children`, { as: 'auditor' })).status, 200);
  assert.equal((await srv.get(`/api/v1/children/${A.child.id}`, { as: 'auditor' })).status, 200);
  assert.equal((await srv.get(`/api/v1/institutions/${A.id}/checks-due`, { as: 'auditor' })).status, 200);
  assert.equal(count('children.list', 'auditor'), before.list + 1);
  assert.equal(count('child.read', 'auditor'), before.read + 1);
  assert.equal(count('checks_due.read', 'auditor'), before.due + 1);
  const opBefore = Number(sql(`SELECT count(*) FROM audit_log WHERE actor = '${A.op}' AND action LIKE '%read%' OR action = 'children.list' AND actor = '${A.op}'`));
  await srv.get(`/api/v1/children/${A.child.id}`, { as: A.op });
  await srv.get(`/api/v1/institutions/${A.id}/children`, { as: A.op });
  assert.equal(Number(sql(`SELECT count(*) FROM audit_log WHERE actor = '${A.op}' AND action LIKE '%read%' OR action = 'children.list' AND actor = '${A.op}'`)), opBefore);
  assert.ok(Number(sql(`SELECT count(*) FROM audit_log WHERE action = 'child.add'`)) >= 2, 'enrolments are not audited');
  const audit = sql('SELECT coalesce(before, \'\') || coalesce(after, \'\') FROM audit_log');
  for (const s of secrets) assert.ok(!audit.includes(s), `the audit log holds a clear number ${s}`);
});

test('a bad enrolment lists every bad field at once: check character, birth date, guardian phone, failed check', async () => {
  const good = child();
  const bad = {
    ...good,
    id_number: badCheckChar(good.id_number),
    birth_on: daysAgo(100), // disagrees with digits 7–14
    guardians: [{ name: '外婆', relation: '外祖母' }],
    admission_check: { ...good.admission_check, result: 'fail' },
  };
  const res = await srv.post(`/api/v1/institutions/${A.id}/children`, bad, { as: A.op });
  expectError(res, 422, 'validation_failed');
  const fields = errorFields(res);
  for (const f of ['id_number', 'birth_on', 'guardians[0].phone', 'admission_check.result'])
    assert.ok(fields.includes(f), `${f} missing from ${JSON.stringify(fields)}`);
  assert.equal(new Set(fields).size, fields.length, `a field reported twice: ${JSON.stringify(fields)}`);

  // With a valid number, the disagreeing birth date alone is named, with the date the number holds.
  const res2 = await srv.post(`/api/v1/institutions/${A.id}/children`, { ...good, birth_on: daysAgo(100) }, { as: A.op });
  expectError(res2, 422, 'validation_failed');
  assert.deepEqual(errorFields(res2), ['birth_on']);
  assert.ok(res2.json.error.fields[0].message.includes(good.birth_on), show(res2));

  // No admission check at all, an unknown field, a bad sex, an admission after the start, too many guardians.
  const { admission_check: _, ...noCheck } = child();
  const res3 = await srv.post(`/api/v1/institutions/${A.id}/children`, { ...noCheck, sex: 'x', extra: 1 }, { as: A.op });
  expectError(res3, 422, 'validation_failed');
  for (const f of ['admission_check', 'sex', 'extra']) assert.ok(errorFields(res3).includes(f), JSON.stringify(errorFields(res3)));
  const late = child({ admission_check: { checked_on: today(), examiner: '某医院', result: 'pass' }, start_on: daysAgo(1) });
  const res4 = await srv.post(`/api/v1/institutions/${A.id}/children`, late, { as: A.op });
  assert.deepEqual(errorFields(res4), ['admission_check.checked_on'], show(res4));
  const g = child().guardians[0];
  const res5 = await srv.post(`/api/v1/institutions/${A.id}/children`, child({ guardians: [g, g, g, g, g] }), { as: A.op });
  assert.deepEqual(errorFields(res5), ['guardians'], show(res5));
  const res6 = await srv.post(`/api/v1/institutions/${A.id}/children`, child({ guardians: [{ ...g, phone: '139-1234' }] }), { as: A.op });
  assert.deepEqual(errorFields(res6), ['guardians[0].phone'], show(res6));
  for (const r of [res, res2, res3, res4, res5, res6]) noSecrets(r, '422');
  // Malformed JSON is a 400, never a 500.
  const raw = await srv.req('POST', `/api/v1/institutions/${A.id}/children`, { as: A.op, body: '{"name":', headers: { 'Content-Type': 'application/json' } });
  assert.equal(raw.status, 400, show(raw));
});

test('a child whose age does not fit the class type is refused on class_id with the reason', async () => {
  const old = child({ birth_on: bornMonthsAgo(30), class_id: A.toddlers.id });
  const res = await srv.post(`/api/v1/institutions/${A.id}/children`, old, { as: A.op });
  expectError(res, 422, 'validation_failed');
  assert.deepEqual(errorFields(res), ['class_id']);
  assert.match(res.json.error.fields[0].message, /30 个月/);
  // Too young for any class: 3 months into an infant class (6–12 months).
  const infants = await addClass({ name: '乳儿一班', type: 'infant', capacity: 3 });
  const baby = await srv.post(`/api/v1/institutions/${A.id}/children`, child({ birth_on: bornMonthsAgo(3), class_id: infants.id }), { as: A.op });
  assert.deepEqual(errorFields(baby), ['class_id'], show(baby));
});

test('a full class refuses the next child; the same child cannot be enrolled twice', async () => {
  const small = await addClass({ name: '乳儿小班', type: 'infant', capacity: 1, caregiver_ids: [A.cg2] });
  const first = child({ birth_on: bornMonthsAgo(8), class_id: small.id });
  await enrol(first);
  const res = await srv.post(`/api/v1/institutions/${A.id}/children`, child({ birth_on: bornMonthsAgo(9), class_id: small.id }), { as: A.op });
  expectError(res, 422, 'validation_failed');
  assert.deepEqual(errorFields(res), ['class_id']);
  assert.match(res.json.error.fields[0].message, /已满/);
  const cls = (await srv.get(`/api/v1/institutions/${A.id}/classes`, { as: A.op })).json.items.find((k) => k.id === small.id);
  assert.equal(cls.enrolled, 1);
  assert.equal(cls.vacancies, 0);

  const again = await srv.post(`/api/v1/institutions/${A.id}/children`, { ...first, class_id: undefined }, { as: A.op });
  expectError(again, 422, 'validation_failed');
  assert.deepEqual(errorFields(again), ['id_number']);
});

test('classes: national caps per type, caregivers of this institution only, versions, closing only when empty', async () => {
  for (const [type, cap] of [['infant', 10], ['toddler', 15], ['older', 20], ['mixed', 18]]) {
    const over = await srv.post(`/api/v1/institutions/${A.id}/classes`, { name: `${type}超额`, type, capacity: cap + 1 }, { as: A.op });
    expectError(over, 422, 'validation_failed');
    assert.deepEqual(errorFields(over), ['capacity'], show(over));
    const at = await srv.post(`/api/v1/institutions/${A.id}/classes`, { name: `${type}满额`, type, capacity: cap }, { as: A.op });
    assert.equal(at.status, 201, show(at));
  }
  const bad = await srv.post(`/api/v1/institutions/${A.id}/classes`, { name: '', type: 'teens', capacity: 0, caregiver_ids: [A.cg1, A.cg1, 999999] }, { as: A.op });
  expectError(bad, 422, 'validation_failed');
  for (const f of ['name', 'type', 'capacity', 'caregiver_ids[1]', 'caregiver_ids[2]']) assert.ok(errorFields(bad).includes(f), JSON.stringify(errorFields(bad)));

  const k = await addClass({ name: '托大一班', type: 'older', capacity: 12, caregiver_ids: [A.cg1] });
  assert.equal(k.version, 1);
  assert.deepEqual(k.caregiver_ids, [A.cg1]);
  const p = await srv.req('PATCH', `/api/v1/classes/${k.id}`, { as: A.op, json: { version: 1, name: '托大二班', capacity: 14, caregiver_ids: [A.cg2] } });
  assert.equal(p.status, 200, show(p));
  assert.equal(p.json.version, 2);
  assert.equal(p.json.name, '托大二班');
  assert.deepEqual(p.json.caregiver_ids, [A.cg2]);
  expectError(await srv.req('PATCH', `/api/v1/classes/${k.id}`, { as: A.op, json: { version: 1, capacity: 10 } }), 409, 'version_conflict');
  const overPatch = await srv.req('PATCH', `/api/v1/classes/${k.id}`, { as: A.op, json: { version: 2, capacity: 21 } });
  assert.deepEqual(errorFields(overPatch), ['capacity'], show(overPatch));
  expectError(await srv.req('PATCH', `/api/v1/classes/${k.id}`, { as: A.op, json: { capacity: 10 } }), 422, 'validation_failed');

  // Closing: refused while a child is placed, allowed once the class is empty; a closed class leaves the list.
  const kid = await enrol(child({ birth_on: bornMonthsAgo(28), class_id: k.id }));
  expectError(await srv.req('PATCH', `/api/v1/classes/${k.id}`, { as: A.op, json: { version: 2, closed_on: today() } }), 409, 'invalid_state');
  const moved = await srv.req('PATCH', `/api/v1/children/${kid.id}`, { as: A.op, json: { version: kid.version, class_id: null } });
  assert.equal(moved.status, 200, show(moved));
  assert.equal(moved.json.class_id, null);
  const closed = await srv.req('PATCH', `/api/v1/classes/${k.id}`, { as: A.op, json: { version: 2, closed_on: today() } });
  assert.equal(closed.status, 200, show(closed));
  assert.equal(closed.json.closed_on, today());
  const list = await srv.get(`/api/v1/institutions/${A.id}/classes`, { as: A.op });
  assert.ok(!list.json.items.some((x) => x.id === k.id), 'a closed class is still listed');
  const all = await srv.get(`/api/v1/institutions/${A.id}/classes?include_closed=1`, { as: A.op });
  assert.ok(all.json.items.some((x) => x.id === k.id));
  // A closed class takes no children.
  const into = await srv.post(`/api/v1/institutions/${A.id}/children`, child({ birth_on: bornMonthsAgo(28), class_id: k.id }), { as: A.op });
  assert.deepEqual(errorFields(into), ['class_id'], show(into));
});

test('a home-based point holds at most 5 children per class', async () => {
  const h = await register(srv, { district_code: '420303' });
  const op = await addOperator(srv, h.institution_id);
  sql(`UPDATE institutions SET provider_kind = 'home_based' WHERE id = ${h.institution_id}`);
  const six = await srv.post(`/api/v1/institutions/${h.institution_id}/classes`, { name: '家庭班', type: 'mixed', capacity: 6 }, { as: op });
  assert.deepEqual(errorFields(six), ['capacity'], show(six));
  assert.match(six.json.error.fields[0].message, /5/);
  await addClass({ name: '家庭班', type: 'mixed', capacity: 5 }, op, h.institution_id);
});

test('moving a child: stale versions are 409, the new class must fit the age, a child who left is history', async () => {
  const older = await addClass({ name: '托大三班', type: 'older', capacity: 20, caregiver_ids: [A.cg1] });
  const c = await enrol(child({ birth_on: bornMonthsAgo(23), class_id: A.toddlers.id }));
  const wrong = await srv.req('PATCH', `/api/v1/children/${c.id}`, { as: A.op, json: { version: c.version, class_id: older.id } });
  expectError(wrong, 422, 'validation_failed');
  assert.deepEqual(errorFields(wrong), ['class_id']);
  // Started in the toddler class at about 20 months; 24 months old today, so the older class fits now.
  const c2 = await enrol(child({ birth_on: bornMonthsAgo(24), class_id: A.toddlers.id, start_on: daysAgo(120), admission_check: { checked_on: daysAgo(121), examiner: '某医院', result: 'pass' } }));
  const up = await srv.req('PATCH', `/api/v1/children/${c2.id}`, { as: A.op, json: { version: c2.version, class_id: older.id } });
  assert.equal(up.status, 200, show(up));
  assert.equal(up.json.class_id, older.id);
  assert.equal(up.json.version, c2.version + 1);
  expectError(await srv.req('PATCH', `/api/v1/children/${c2.id}`, { as: A.op, json: { version: c2.version, absent_since: today() } }), 409, 'version_conflict');
  const away = await srv.req('PATCH', `/api/v1/children/${c2.id}`, { as: A.op, json: { version: up.json.version, absent_since: today() } });
  assert.equal(away.status, 200, show(away));
  assert.equal(away.json.absent_since, today());
  const back = await srv.req('PATCH', `/api/v1/children/${c2.id}`, { as: A.op, json: { version: away.json.version, absent_since: null } });
  assert.equal(back.json.absent_since, null, show(back));
  const early = await srv.req('PATCH', `/api/v1/children/${c2.id}`, { as: A.op, json: { version: back.json.version, end_on: daysAgo(200) } });
  assert.deepEqual(errorFields(early), ['end_on'], show(early));
  const left = await srv.req('PATCH', `/api/v1/children/${c2.id}`, { as: A.op, json: { version: back.json.version, end_on: today() } });
  assert.equal(left.status, 200, show(left));
  const list = await srv.get(`/api/v1/institutions/${A.id}/children`, { as: A.op });
  assert.ok(!list.json.items.some((x) => x.id === c2.id), 'a child who left is still listed');
  const withLeft = await srv.get(`/api/v1/institutions/${A.id}/children?include_left=1`, { as: A.op });
  assert.ok(withLeft.json.items.some((x) => x.id === c2.id));
  expectError(await srv.req('PATCH', `/api/v1/children/${c2.id}`, { as: A.op, json: { version: left.json.version, class_id: A.toddlers.id } }), 409, 'invalid_state');
});

test('checks-due lists a child whose yearly check is overdue, and a recorded check takes it off', async () => {
  // Enrolled 395 days ago after a check 400 days ago: the yearly check fell due 35 days ago.
  const body = child({
    birth_on: bornMonthsAgo(30),
    start_on: daysAgo(395),
    admission_check: { checked_on: daysAgo(400), examiner: '张湾区妇幼保健院', result: 'pass' },
  });
  const c = await enrol(body);
  // Certificates: one expiring in 10 days, one expired 5 days ago.
  for (const [staff, kind, expires] of [[A.cg2, 'health_certificate', daysAgo(-10)], [A.cg1, 'caregiver_qualification', daysAgo(5)]]) {
    const cert = await srv.post(`/api/v1/staff/${staff}/certificates`, { kind, issued_on: daysAgo(400), expires_on: expires }, { as: A.op });
    assert.equal(cert.status, 201, show(cert));
  }
  const due = await srv.get(`/api/v1/institutions/${A.id}/checks-due`, { as: A.op });
  assert.equal(due.status, 200, show(due));
  const expiring = due.json.items.find((x) => x.subject === 'staff' && x.id === A.cg2 && x.kind === 'health_certificate');
  assert.deepEqual(expiring && [expiring.due_on, expiring.overdue], [daysAgo(-10), false], show(due));
  const expired = due.json.items.find((x) => x.subject === 'staff' && x.id === A.cg1 && x.kind === 'caregiver_qualification');
  assert.deepEqual(expired && [expired.due_on, expired.overdue], [daysAgo(5), true], show(due));
  const dues = due.json.items.map((x) => x.due_on);
  assert.deepEqual(dues, [...dues].sort(), 'items are not in due order');
  noSecrets(due, 'checks-due');
  const item = due.json.items.find((x) => x.subject === 'child' && x.id === c.id);
  assert.ok(item, `the overdue child is not listed: ${show(due)}`);
  assert.equal(item.kind, 'yearly');
  assert.equal(item.overdue, true);
  assert.equal(item.due_on, daysAgo(35));
  assert.equal(item.name, body.name);
  assert.ok(!due.json.items.some((x) => x.subject === 'child' && x.id === A.child.id), 'a child checked 3 days ago is due');
  // Staff without any health check are listed too (pre-employment check missing).
  assert.ok(due.json.items.some((x) => x.subject === 'staff' && x.id === A.cg1 && x.kind === 'pre_employment'), show(due));
  const within = await srv.get(`/api/v1/institutions/${A.id}/checks-due?within_days=366`, { as: 'county_zhangwan' });
  assert.ok(within.json.items.some((x) => x.subject === 'child' && x.id === A.child.id && x.overdue === false), show(within));
  expectError(await srv.get(`/api/v1/institutions/${A.id}/checks-due?within_days=-1`, { as: A.op }), 422, 'validation_failed');

  const bad = await srv.post(`/api/v1/children/${c.id}/health-checks`, { kind: 'admission', checked_on: daysAgo(-3), examiner: '', result: 'ok' }, { as: A.op });
  expectError(bad, 422, 'validation_failed');
  for (const f of ['kind', 'examiner', 'result']) assert.ok(errorFields(bad).includes(f), JSON.stringify(errorFields(bad)));
  const future = await srv.post(`/api/v1/children/${c.id}/health-checks`, { kind: 'yearly', checked_on: daysAgo(-3), examiner: '某医院', result: 'pass' }, { as: A.op });
  assert.deepEqual(errorFields(future), ['checked_on'], show(future));
  const ok = await srv.post(`/api/v1/children/${c.id}/health-checks`, { kind: 'yearly', checked_on: today(), examiner: '张湾区妇幼保健院', result: 'pass' }, { as: A.op });
  assert.equal(ok.status, 201, show(ok));
  const after = await srv.get(`/api/v1/institutions/${A.id}/checks-due`, { as: A.op });
  assert.ok(!after.json.items.some((x) => x.subject === 'child' && x.id === c.id), 'the child is still due after its check');
  const rec = await srv.get(`/api/v1/children/${c.id}`, { as: A.op });
  assert.equal(rec.json.last_check_on, today());
});

test('a class over the caregiver ratio opens a class_ratio finding; assigning a caregiver resolves it', async () => {
  const k = await addClass({ name: '托小二班', type: 'toddler', capacity: 10, caregiver_ids: [A.cg1] });
  for (let i = 0; i < 6; i++) await enrol(child({ birth_on: bornMonthsAgo(14 + i), class_id: k.id }));
  const subject = `class:${k.id}`;
  const f = await srv.get(`/api/v1/institutions/${A.id}/findings`, { as: 'county_zhangwan' });
  assert.equal(f.status, 200, show(f));
  const finding = f.json.items.find((x) => x.rule === 'class_ratio' && x.subject === subject);
  assert.ok(finding, `no class_ratio finding for ${subject}: ${show(f)}`);
  const mine = await srv.get(`/api/v1/institutions/${A.id}/findings`, { as: A.op });
  assert.ok(mine.json.items.some((x) => x.rule === 'class_ratio'), 'the operator does not see the finding');
  noSecrets(mine, 'findings');

  const cls = (await srv.get(`/api/v1/institutions/${A.id}/classes`, { as: A.op })).json.items.find((x) => x.id === k.id);
  const p = await srv.req('PATCH', `/api/v1/classes/${k.id}`, { as: A.op, json: { version: cls.version, caregiver_ids: [A.cg1, A.cg2] } });
  assert.equal(p.status, 200, show(p));
  assert.equal(p.json.caregivers, 2);
  const f2 = await srv.get(`/api/v1/institutions/${A.id}/findings`, { as: 'county_zhangwan' });
  assert.ok(!f2.json.items.some((x) => x.rule === 'class_ratio' && x.subject === subject), `still open: ${show(f2)}`);
});

test('the people pages: the operator adds through forms (422 re-renders), officials read them, audited', async () => {
  const s = await srv.login(A.op);
  assert.ok(s.cookie, show(s.res));
  const page = await srv.get('/operator/people', { cookie: s.cookie });
  assert.equal(page.status, 200, show(page));
  assert.deepEqual(tidyErrors(page.text), [], 'the page is not clean HTML5');
  noSecrets(page, 'operator page');
  for (const n of ['托小一班', '在托幼儿', '合规检查发现']) assert.ok(page.text.includes(n), `the page lacks ${n}`);
  for (const f of ['form-add_class', 'form-add_staff', 'form-add_child']) assert.ok(page.text.includes(`id="${f}"`), f);
  assert.ok(!/<script/i.test(page.text), 'the page has scripts');

  const post = (fields) =>
    srv.req('POST', '/operator/people', {
      cookie: s.cookie,
      body: new URLSearchParams({ csrf: s.csrf, ...fields }).toString(),
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    });
  const ok = await post({ action: 'add_class', name: '表单班', type: 'older', capacity: '8', caregiver_ids: String(A.cg1) });
  assert.equal(ok.status, 303, show(ok));
  assert.equal(ok.headers.get('location'), '/operator/people');
  const over = await post({ action: 'add_class', name: '超额班', type: 'infant', capacity: '11' });
  assert.equal(over.status, 422, show(over));
  assert.ok(over.text.includes('aria-invalid="true"'), 'the bad field is not marked');
  assert.ok(over.text.includes('value="超额班"'), 'what was typed is lost');
  assert.deepEqual(tidyErrors(over.text), []);

  const body = child();
  const kid = await post({
    action: 'add_child', name: body.name, id_number: badCheckChar(body.id_number), birth_on: body.birth_on, sex: 'male',
    class_id: '', start_on: body.start_on, guardian_name: '爸爸', guardian_relation: '父亲', guardian_phone: '',
    check_on: body.admission_check.checked_on, check_examiner: '某医院', check_result: 'fail',
  });
  assert.equal(kid.status, 422, show(kid));
  for (const f of ['id_number', 'guardians[0].phone', 'admission_check.result']) assert.ok(kid.text.includes(f), `${f} not reported`);
  const kidOk = await post({
    action: 'add_child', name: body.name, id_number: body.id_number, birth_on: body.birth_on, sex: 'male',
    class_id: String(A.toddlers.id), start_on: body.start_on, guardian_name: '爸爸', guardian_relation: '父亲',
    guardian_phone: body.guardians[0].phone, check_on: body.admission_check.checked_on, check_examiner: '某医院', check_result: 'pass',
  });
  assert.equal(kidOk.status, 303, show(kidOk));
  const staff = await post({ action: 'add_staff', name: '新保育员', id_number: '123', role: 'caregiver', hired_on: 'yesterday' });
  assert.equal(staff.status, 422, show(staff));
  assert.ok(staff.text.includes('id_number') && staff.text.includes('hired_on'), 'staff form errors not shown');
  const noCsrf = await srv.req('POST', '/operator/people', {
    cookie: s.cookie,
    body: new URLSearchParams({ action: 'add_class', name: '无令牌', type: 'older', capacity: '5' }).toString(),
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
  });
  assert.equal(noCsrf.status, 403, show(noCsrf));

  const after = await srv.get('/operator/people', { cookie: s.cookie });
  assert.ok(after.text.includes('表单班') && after.text.includes(body.name), 'the form additions are not shown');
  noSecrets(after, 'operator page');

  const reads = () => Number(sql(`SELECT count(*) FROM audit_log WHERE action = 'people.read' AND actor = 'county_zhangwan'`));
  const n = reads();
  const dash = await srv.get(`/dash/institutions/${A.id}/people`, { as: 'county_zhangwan' });
  assert.equal(dash.status, 200, show(dash));
  assert.deepEqual(tidyErrors(dash.text), []);
  noSecrets(dash, 'official page');
  assert.ok(dash.text.includes(body.name) && !dash.text.includes('<form class="panel"'), 'the official page is not read-only');
  assert.equal(reads(), n + 1, 'the official read is not audited');
  assert.equal((await srv.get(`/dash/institutions/${A.id}/people`, { as: A.op })).status, 403);
  assert.equal((await srv.get('/operator/people', { as: 'city' })).status, 403);
});

test('the server stops on SIGTERM with exit code 0', async () => {
  await srv.stop();
});
