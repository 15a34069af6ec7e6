// The life cycle after filing: annual review (prefill equals the data, return and resubmit, overdue with a
// controlled clock), information changes (approval applies and every version is kept; a registration push to
// a filed institution opens a change), deregistration (the portal drops and marks it closed; writes refused),
// and per route the roles allowed, 403, 404 outside the territory and 422 naming each bad field.
import assert from 'node:assert/strict';
import test, { after, before } from 'node:test';
import { Server, errorFields, expectError, show, sql, tidyErrors } from './harness.mjs';
import { fileInstitution, idNumber } from './fixtures.mjs';

// 10:00 China time on a day, as TUOYU_FAKE_NOW (epoch seconds).
const at = (y, m, d) => String(Math.floor(Date.UTC(y, m - 1, d, 2) / 1000));
const startOf = (y) => Math.floor(Date.UTC(y, 0, 1, -8) / 1000);

let srv;
let A, B, M; // A, B filed in 张湾区 in 2025; M filed in 茅箭区
const saved = process.env.TUOYU_FAKE_NOW;

async function relaunch(now) {
  await srv.stop();
  process.env.TUOYU_FAKE_NOW = now;
  await srv.launch();
}

let seq = 300 + (process.pid % 300);
async function addStaff(inst, as, role) {
  const n = ++seq;
  const res = await srv.post(
    `/api/v1/institutions/${inst}/staff`,
    { name: `员工${n}`, id_number: idNumber('1990-05-01', n), role, hired_on: '2025-03-01' },
    { as }
  );
  assert.equal(res.status, 201, show(res));
  return res.json.id;
}
async function enrol(inst, as, classId) {
  const n = ++seq;
  const res = await srv.post(
    `/api/v1/institutions/${inst}/children`,
    {
      name: `幼儿${n}`,
      id_number: idNumber('2024-01-01', n),
      birth_on: '2024-01-01',
      sex: n % 2 ? 'male' : 'female',
      start_on: '2025-06-02',
      class_id: classId,
      guardians: [{ name: `家长${n}`, relation: '母亲', phone: `139${String(10000000 + n).slice(-8)}` }],
      admission_check: { checked_on: '2025-05-28', examiner: '张湾区妇幼保健院', result: 'pass' },
    },
    { as }
  );
  assert.equal(res.status, 201, show(res));
}

before(async () => {
  process.env.TUOYU_FAKE_NOW = at(2025, 6, 2);
  srv = await Server.start({ name: 'lifecycle' });
  A = await fileInstitution(srv);
  B = await fileInstitution(srv);
  M = await fileInstitution(srv, { county: 'county_maojian', reg: { district_code: '420302' } });
  const c1 = await addStaff(A.institutionId, A.operator, 'caregiver');
  const c2 = await addStaff(A.institutionId, A.operator, 'caregiver');
  await addStaff(A.institutionId, A.operator, 'health');
  const cls = await srv.post(
    `/api/v1/institutions/${A.institutionId}/classes`,
    { name: '托小一班', type: 'toddler', capacity: 15, caregiver_ids: [c1, c2] },
    { as: A.operator }
  );
  assert.equal(cls.status, 201, show(cls));
  await enrol(A.institutionId, A.operator, cls.json.id);
  await enrol(A.institutionId, A.operator, cls.json.id);
  // February of the next year: the 2025 review is open and not yet due (31 March).
  await relaunch(at(2026, 2, 15));
});
after(async () => {
  if (saved === undefined) delete process.env.TUOYU_FAKE_NOW;
  else process.env.TUOYU_FAKE_NOW = saved;
  if (srv) await srv.cleanup();
});

const prefill = (id, year, as) => srv.get(`/api/v1/institutions/${id}/annual-reviews/${year}/prefill`, { as });
const submit = (id, body, as) => srv.post(`/api/v1/institutions/${id}/annual-reviews`, body, { as });
const review = { year: 2025, narrative: '全年运行平稳，落实晨午检。', drills: 3, training_hours: 40 };
let reviewId;

test('the annual review prefill equals the institution data as of the year end', async () => {
  for (const as of [A.operator, 'county_zhangwan', 'city', 'auditor', 'admin']) {
    const res = await prefill(A.institutionId, 2025, as);
    assert.equal(res.status, 200, `${as}: ${show(res)}`);
    const p = res.json;
    assert.equal(p.year, 2025);
    assert.equal(p.as_of, '2025-12-31');
    assert.equal(p.due_on, '2026-03-31');
    assert.equal(p.places, 44, 'places of the approved dossier');
    assert.equal(p.enrolled, 2);
    assert.equal(p.classes, 1);
    assert.equal(p.staff, 3);
    assert.equal(p.caregivers, 2);
    assert.equal(p.children_per_caregiver, 1);
    const opened = Number(
      sql(
        srv.db,
        `SELECT COUNT(*) FROM compliance_findings WHERE institution_id = ${A.institutionId} AND first_seen BETWEEN ${startOf(2025)} AND ${startOf(2026) - 1}`
      )
    );
    assert.equal(p.compliance.opened, opened);
    assert.equal(p.inspections.completed, 0);
    assert.equal(p.incidents.total, 0);
    assert.equal(p.review, null);
  }
  // Before the enrolment began there was nobody.
  const early = await prefill(A.institutionId, 2024, A.operator);
  assert.equal(early.status, 200, show(early));
  assert.equal(early.json.enrolled, 0);
});

test('the prefill: 403 for registrar and inspector, 404 outside the territory, 422 for a year out of range', async () => {
  for (const as of ['registrar', 'inspector']) expectError(await prefill(A.institutionId, 2025, as), 403, 'forbidden');
  expectError(await prefill(A.institutionId, 2025, 'county_maojian'), 404, 'not_found');
  expectError(await prefill(A.institutionId, 2025, M.operator), 404, 'not_found');
  for (const y of [1999, 2027]) {
    const res = await prefill(A.institutionId, y, A.operator);
    expectError(res, 422, 'validation_failed');
    assert.deepEqual(errorFields(res), ['year']);
  }
});

test('submitting a review: 422 names every bad field; only the own operator; once until decided', async () => {
  const bad = await submit(A.institutionId, { year: 1990, narrative: '', drills: -1, training_hours: 'x', colour: 1 }, A.operator);
  expectError(bad, 422, 'validation_failed');
  for (const f of ['year', 'narrative', 'drills', 'training_hours', 'colour']) assert.ok(errorFields(bad).includes(f), `${f}: ${show(bad)}`);
  const early = await submit(A.institutionId, { ...review, year: 2024 }, A.operator);
  expectError(early, 422, 'validation_failed');
  assert.deepEqual(errorFields(early), ['year'], 'a year before the filing');
  expectError(await submit(A.institutionId, review, 'county_zhangwan'), 403, 'forbidden');
  expectError(await submit(A.institutionId, review, M.operator), 404, 'not_found');

  const ok = await submit(A.institutionId, review, A.operator);
  assert.equal(ok.status, 201, show(ok));
  assert.equal(ok.json.status, 'submitted');
  assert.equal(ok.json.data.enrolled, 2, 'the snapshot keeps the prefill');
  assert.equal(ok.json.data.drills, 3);
  reviewId = ok.json.id;
  expectError(await submit(A.institutionId, review, A.operator), 409, 'invalid_state');
});

test('the county returns with a reason, the operator resubmits, the county accepts; refused moves are 409', async () => {
  const decide = (body, as) => srv.post(`/api/v1/annual-reviews/${reviewId}/decision`, body, { as });
  expectError(await decide({ decision: 'accept' }, A.operator), 403, 'forbidden');
  expectError(await decide({ decision: 'accept' }, 'city'), 403, 'forbidden');
  expectError(await decide({ decision: 'accept' }, 'county_maojian'), 404, 'not_found');
  const noReason = await decide({ decision: 'return', reason: '  ' }, 'county_zhangwan');
  expectError(noReason, 422, 'validation_failed');
  assert.deepEqual(errorFields(noReason), ['reason']);
  const badDecision = await decide({ decision: 'maybe' }, 'county_zhangwan');
  expectError(badDecision, 422, 'validation_failed');
  assert.deepEqual(errorFields(badDecision), ['decision']);

  const ret = await decide({ decision: 'return', reason: '演练记录不完整' }, 'county_zhangwan');
  assert.equal(ret.status, 200, show(ret));
  assert.equal(ret.json.status, 'returned');
  assert.equal(ret.json.reason, '演练记录不完整');
  expectError(await decide({ decision: 'accept' }, 'county_zhangwan'), 409, 'invalid_state');

  const again = await submit(A.institutionId, { ...review, drills: 4 }, A.operator);
  assert.equal(again.status, 200, show(again));
  assert.equal(again.json.status, 'submitted');
  assert.equal(again.json.submissions, 2);
  assert.equal(again.json.id, reviewId);
  const acc = await decide({ decision: 'accept' }, 'county_zhangwan');
  assert.equal(acc.status, 200, show(acc));
  assert.equal(acc.json.status, 'accepted');
  expectError(await decide({ decision: 'return', reason: 'x' }, 'county_zhangwan'), 409, 'invalid_state');
  expectError(await submit(A.institutionId, review, A.operator), 409, 'invalid_state');

  const one = await srv.get(`/api/v1/annual-reviews/${reviewId}`, { as: 'auditor' });
  assert.equal(one.status, 200, show(one));
  assert.equal(one.json.drills, 4);
  expectError(await srv.get(`/api/v1/annual-reviews/${reviewId}`, { as: 'county_maojian' }), 404, 'not_found');
  expectError(await srv.get(`/api/v1/annual-reviews/${reviewId}`, { as: M.operator }), 404, 'not_found');
  expectError(await srv.get(`/api/v1/annual-reviews/${reviewId}`, { as: 'inspector' }), 403, 'forbidden');

  const mine = await srv.get('/api/v1/annual-reviews?year=2025&status=accepted', { as: 'county_zhangwan' });
  assert.ok(mine.json.items.some((x) => x.id === reviewId), show(mine));
  const theirs = await srv.get('/api/v1/annual-reviews?year=2025', { as: 'county_maojian' });
  assert.ok(!theirs.json.items.some((x) => x.id === reviewId), 'another county sees the review');
  const bad = await srv.get('/api/v1/annual-reviews?year=abc&status=bogus&overdue=maybe', { as: 'city' });
  expectError(bad, 422, 'validation_failed');
  assert.deepEqual(errorFields(bad).sort(), ['overdue', 'status', 'year']);
});

test('overdue reviews appear only after the due day, for filed institutions without a submitted review', async () => {
  const ids = async (as) => {
    const res = await srv.get('/api/v1/annual-reviews?overdue=1&year=2025', { as });
    assert.equal(res.status, 200, show(res));
    return res.json.items.map((x) => x.institution_id);
  };
  assert.deepEqual(await ids('county_zhangwan'), [], 'nothing is overdue before 31 March');
  await relaunch(at(2026, 4, 1));
  const zw = await ids('county_zhangwan');
  assert.ok(zw.includes(B.institutionId), `B is not overdue: ${zw}`);
  assert.ok(!zw.includes(A.institutionId), 'A submitted and was accepted');
  assert.ok(!zw.includes(M.institutionId), 'another district is listed');
  assert.ok((await ids('city')).includes(M.institutionId));
  // A late submission takes B off the list.
  const late = await submit(B.institutionId, review, B.operator);
  assert.equal(late.status, 201, show(late));
  assert.ok(!(await ids('county_zhangwan')).includes(B.institutionId));
});

let changeId;
test('an information change: 422 per field, pending until approved, then applied with both versions kept', async () => {
  const url = `/api/v1/institutions/${A.institutionId}/changes`;
  const bad = await srv.post(
    url,
    { changes: { places: 0, min_age_months: 50, service_types: ['bogus'], colour: 'red', lat: 32.6, inclusive: 'yes' }, reason: '' },
    { as: A.operator }
  );
  expectError(bad, 422, 'validation_failed');
  for (const f of ['changes.places', 'changes.min_age_months', 'changes.service_types', 'changes.colour', 'changes.lon', 'changes.inclusive', 'reason'])
    assert.ok(errorFields(bad).some((x) => x === f || x.startsWith(`${f}[`)), `${f}: ${show(bad)}`);
  const range = await srv.post(url, { changes: { min_age_months: 30, max_age_months: 20 }, reason: '调整' }, { as: A.operator });
  expectError(range, 422, 'validation_failed');
  const empty = await srv.post(url, { changes: {}, reason: '没有变更' }, { as: A.operator });
  expectError(empty, 422, 'validation_failed');
  assert.deepEqual(errorFields(empty), ['changes']);
  expectError(await srv.post(url, { changes: { places: 50 }, reason: '扩建' }, { as: 'county_zhangwan' }), 403, 'forbidden');
  expectError(await srv.post(url, { changes: { places: 50 }, reason: '扩建' }, { as: M.operator }), 404, 'not_found');

  const before = await srv.get(`/api/v1/institutions/${A.institutionId}`, { as: 'admin' });
  const newName = `${before.json.name}（新）`;
  const req = await srv.post(url, { changes: { name: newName, places: 50, service_types: ['full_day', 'hourly'] }, reason: '扩建并更名' }, { as: A.operator });
  assert.equal(req.status, 201, show(req));
  assert.equal(req.json.status, 'pending');
  assert.equal(req.json.previous.name, before.json.name);
  changeId = req.json.id;
  const still = await srv.get(`/api/v1/institutions/${A.institutionId}`, { as: 'admin' });
  assert.equal(still.json.name, before.json.name, 'applied before approval');

  const decide = (id, body, as) => srv.post(`/api/v1/changes/${id}/decision`, body, { as });
  expectError(await decide(changeId, { decision: 'approve' }, A.operator), 403, 'forbidden');
  expectError(await decide(changeId, { decision: 'approve' }, 'county_maojian'), 404, 'not_found');
  expectError(await srv.get(`/api/v1/changes/${changeId}`, { as: 'county_maojian' }), 404, 'not_found');
  const listed = await srv.get('/api/v1/changes?status=pending', { as: 'county_zhangwan' });
  assert.ok(listed.json.items.some((c) => c.id === changeId), show(listed));
  const ok = await decide(changeId, { decision: 'approve' }, 'county_zhangwan');
  assert.equal(ok.status, 200, show(ok));
  assert.equal(ok.json.status, 'approved');
  assert.equal(ok.json.applied_version, before.json.version + 1);
  expectError(await decide(changeId, { decision: 'reject', reason: '晚了' }, 'county_zhangwan'), 409, 'invalid_state');

  const now = await srv.get(`/api/v1/institutions/${A.institutionId}`, { as: 'admin' });
  assert.equal(now.json.name, newName);
  assert.equal(now.json.places, 50);
  assert.deepEqual(now.json.service_types, ['full_day', 'hourly']);
  const versions = await srv.get(`/api/v1/institutions/${A.institutionId}/versions`, { as: A.operator });
  assert.equal(versions.status, 200, show(versions));
  const old = versions.json.items.find((v) => v.version === before.json.version);
  const cur = versions.json.items.find((v) => v.version === before.json.version + 1);
  assert.ok(old && cur, show(versions));
  assert.equal(old.snapshot.name, before.json.name);
  assert.equal(cur.snapshot.name, newName);
  assert.equal(cur.change_id, changeId);
  const one = await srv.get(`/api/v1/institutions/${A.institutionId}/versions/${before.json.version}`, { as: 'county_zhangwan' });
  assert.equal(one.status, 200, show(one));
  assert.equal(one.json.snapshot.places, 44);
  expectError(await srv.get(`/api/v1/institutions/${A.institutionId}/versions/999`, { as: 'admin' }), 404, 'not_found');
  expectError(await srv.get(`/api/v1/institutions/${A.institutionId}/versions`, { as: 'county_maojian' }), 404, 'not_found');

  const second = await srv.post(url, { changes: { fee_min_yuan: 1800 }, reason: '降价' }, { as: A.operator });
  assert.equal(second.status, 201, show(second));
  const noReason = await decide(second.json.id, { decision: 'reject' }, 'county_zhangwan');
  expectError(noReason, 422, 'validation_failed');
  assert.deepEqual(errorFields(noReason), ['reason']);
  const rej = await decide(second.json.id, { decision: 'reject', reason: '未附物价备案' }, 'county_zhangwan');
  assert.equal(rej.json.status, 'rejected', show(rej));
});

test('a registration push that renames a filed institution opens a change and keeps the filed name', async () => {
  const body = { ...B.reg.body, name: `${B.reg.body.name}（更名）`, authority: '十堰市行政审批局' };
  const push = await srv.post('/api/v1/registrations', body, { as: 'registrar' });
  assert.equal(push.status, 200, show(push));
  const inst = await srv.get(`/api/v1/institutions/${B.institutionId}`, { as: 'admin' });
  assert.equal(inst.json.name, B.reg.body.name, 'the filed name changed without approval');
  assert.equal(inst.json.authority, '十堰市行政审批局', 'the rest of the push applies');
  const open = await srv.get(`/api/v1/changes?status=pending&institution_id=${B.institutionId}`, { as: 'county_zhangwan' });
  assert.equal(open.json.items.length, 1, show(open));
  const ch = open.json.items[0];
  assert.equal(ch.source, 'registration');
  assert.deepEqual(ch.changes, { name: body.name });
  assert.equal(ch.previous.name, B.reg.body.name);
  // A replay opens nothing more.
  assert.equal((await srv.post('/api/v1/registrations', body, { as: 'registrar' })).status, 200);
  const again = await srv.get(`/api/v1/changes?status=pending&institution_id=${B.institutionId}`, { as: 'county_zhangwan' });
  assert.equal(again.json.items.length, 1);
  const ok = await srv.post(`/api/v1/changes/${ch.id}/decision`, { decision: 'approve' }, { as: 'county_zhangwan' });
  assert.equal(ok.status, 200, show(ok));
  const after = await srv.get(`/api/v1/institutions/${B.institutionId}`, { as: 'admin' });
  assert.equal(after.json.name, body.name);
});

test('deregistration: requested, approved, out of the public search, the public page says closed, writes refused', async () => {
  const url = `/api/v1/institutions/${B.institutionId}/deregistration`;
  const bad = await srv.post(url, { planned_on: '2020-01-01', reason: '', children_enrolled: -1, decision_number: 'X号' }, { as: B.operator });
  expectError(bad, 422, 'validation_failed');
  for (const f of ['planned_on', 'reason', 'placement_plan', 'children_enrolled'])
    assert.ok(errorFields(bad).includes(f), `${f}: ${show(bad)}`);
  const past = await srv.post(url, { planned_on: '2026-03-01', reason: '停止办托', placement_plan: '转入邻近机构' }, { as: B.operator });
  expectError(past, 422, 'validation_failed');
  assert.deepEqual(errorFields(past), ['planned_on']);
  expectError(await srv.post(url, { planned_on: '2026-04-10', reason: '停止办托', placement_plan: '转入' }, { as: M.operator }), 404, 'not_found');
  expectError(await srv.post(url, { planned_on: '2026-04-10', reason: '停止办托', placement_plan: '转入' }, { as: 'city' }), 403, 'forbidden');

  const req = await srv.post(url, { planned_on: '2026-04-01', reason: '举办者停止办托', placement_plan: '在托婴幼儿转入邻近备案机构' }, { as: B.operator });
  assert.equal(req.status, 201, show(req));
  assert.equal(req.json.status, 'requested');
  assert.equal(req.json.children_enrolled, 0, 'prefilled from the enrolment');
  expectError(await srv.post(url, { planned_on: '2026-04-02', reason: '再次申请', placement_plan: '同上' }, { as: B.operator }), 409, 'invalid_state');
  const search = async () => (await srv.get('/api/v1/public/institutions?district=420303')).json.items.map((i) => i.id);
  assert.ok((await search()).includes(B.institutionId), 'a requested deregistration is not a closure');

  const decide = (body, as) => srv.post(`/api/v1/deregistrations/${req.json.id}/decision`, body, { as });
  expectError(await decide({ decision: 'approve' }, B.operator), 403, 'forbidden');
  expectError(await decide({ decision: 'approve' }, 'county_maojian'), 404, 'not_found');
  const ok = await decide({ decision: 'approve', decision_number: '张卫托注〔2026〕3号' }, 'county_zhangwan');
  assert.equal(ok.status, 200, show(ok));
  assert.equal(ok.json.status, 'approved');
  expectError(await decide({ decision: 'reject', reason: 'x' }, 'county_zhangwan'), 409, 'invalid_state');

  assert.ok(!(await search()).includes(B.institutionId), 'a closed institution is still in the search');
  const pub = await srv.get(`/api/v1/public/institutions/${B.institutionId}`);
  assert.equal(pub.status, 200, show(pub));
  assert.equal(pub.json.state, 'closed');
  assert.equal(pub.json.closed_on, '2026-04-01');
  const inst = await srv.get(`/api/v1/institutions/${B.institutionId}`, { as: B.operator });
  assert.equal(inst.status, 200, 'the operator can still read');
  assert.equal(inst.json.state, 'closed');
  const staff = await srv.post(
    `/api/v1/institutions/${B.institutionId}/staff`,
    { name: '新员工', id_number: idNumber('1991-01-01', ++seq), role: 'caregiver', hired_on: '2026-03-01' },
    { as: B.operator }
  );
  expectError(staff, 409, 'invalid_state');
  expectError(await srv.post(`/api/v1/institutions/${B.institutionId}/changes`, { changes: { places: 10 }, reason: '调整托位' }, { as: B.operator }), 409, 'invalid_state');
  expectError(await submit(B.institutionId, { ...review, year: 2026 }, B.operator), 409, 'invalid_state');
  const list = await srv.get('/api/v1/deregistrations?status=approved', { as: 'county_zhangwan' });
  assert.ok(list.json.items.some((d) => d.institution_id === B.institutionId), show(list));
  expectError(await srv.get(`/api/v1/deregistrations/${req.json.id}`, { as: 'county_maojian' }), 404, 'not_found');
});

test('the county imposes a deregistration with a decision number; other counties and operators cannot', async () => {
  const url = `/api/v1/institutions/${M.institutionId}/deregistration`;
  const body = { planned_on: '2026-03-20', reason: '存在重大安全隐患且拒不整改', placement_plan: '由区卫健局协调转入邻近机构' };
  expectError(await srv.post(url, body, { as: 'county_zhangwan' }), 404, 'not_found');
  const noNumber = await srv.post(url, body, { as: 'county_maojian' });
  expectError(noNumber, 422, 'validation_failed');
  assert.deepEqual(errorFields(noNumber), ['decision_number']);
  const ok = await srv.post(url, { ...body, decision_number: '茅卫托注〔2026〕7号' }, { as: 'county_maojian' });
  assert.equal(ok.status, 201, show(ok));
  assert.equal(ok.json.kind, 'imposed');
  assert.equal(ok.json.status, 'approved');
  assert.equal(ok.json.effective, true);
  const pub = await srv.get(`/api/v1/public/institutions/${M.institutionId}`);
  assert.equal(pub.json.state, 'closed');
  expectError(await srv.post(url, { ...body, decision_number: '再次' }, { as: 'county_maojian' }), 409, 'invalid_state');
});

test('the pages are valid HTML5; the operator requests a change by form and the county decides by form', async () => {
  const op = await srv.login(A.operator);
  assert.ok(op.cookie, show(op.res));
  const page = await srv.get('/operator/lifecycle', { cookie: op.cookie });
  assert.equal(page.status, 200, show(page));
  assert.deepEqual(tidyErrors(page.text), []);
  assert.ok(page.text.includes('年审') && page.text.includes('信息变更') && page.text.includes('注销'));
  const form = (path, cookie, fields) =>
    srv.req('POST', path, {
      cookie,
      body: new URLSearchParams(fields).toString(),
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    });
  const bad = await form('/operator/lifecycle/change', op.cookie, { csrf: op.csrf, places: '0', reason: '' });
  assert.equal(bad.status, 422, show(bad));
  assert.ok(bad.text.includes('changes.places'));
  assert.deepEqual(tidyErrors(bad.text), []);
  const ok = await form('/operator/lifecycle/change', op.cookie, { csrf: op.csrf, places: '48', reason: '调整班级' });
  assert.equal(ok.status, 303, show(ok));

  const county = await srv.login('county_zhangwan');
  const dash = await srv.get('/dash/lifecycle', { cookie: county.cookie });
  assert.equal(dash.status, 200, show(dash));
  assert.deepEqual(tidyErrors(dash.text), []);
  const pending = await srv.get(`/api/v1/changes?status=pending&institution_id=${A.institutionId}`, { as: 'county_zhangwan' });
  const id = pending.json.items[0].id;
  const dec = await form(`/dash/lifecycle/changes/${id}`, county.cookie, { csrf: county.csrf, decision: 'approve', reason: '' });
  assert.equal(dec.status, 303, show(dec));
  assert.equal((await srv.get(`/api/v1/institutions/${A.institutionId}`, { as: 'admin' })).json.places, 48);
  const auditor = await srv.login('auditor');
  const ro = await srv.get('/dash/lifecycle', { cookie: auditor.cookie });
  assert.equal(ro.status, 200);
  assert.ok(!ro.text.includes('name="decision"'), 'the auditor gets decision forms');
  assert.equal((await srv.get('/dash/lifecycle', { as: A.operator })).status, 403);
});
