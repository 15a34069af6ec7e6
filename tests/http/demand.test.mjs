// Parents' measured demand: a parent applies on the portal to three institutions of one district (CAPTCHA,
// limits), each operator answers its own choice (offer, waitlist with a position, decline), the parent sees
// where they stand with the receipt number and lookup code and accepts the offer; the city's and the county's
// summary counts follow each step exactly. Unmet needs for a community; 422s naming every bad field; other
// institutions' operators and other counties refused; guardian data in clear only for the operator (audited),
// masked for officials, absent from public answers. The pages render as valid HTML5.
//
// The CAPTCHA is answered through TUOYU_CAPTCHA_FIXED (test only; see cases.test.mjs). Every request comes
// from 127.0.0.1, so applications clear the per-address table first.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { errorFields, expectError, expectStatus, Server, show, sql, tidyErrors } from './harness.mjs';
import { cstDay, fileInstitution } from './fixtures.mjs';

const ANSWER = '4321';
process.env.TUOYU_CAPTCHA_FIXED = ANSWER;
delete process.env.TUOYU_FAKE_NOW;

let srv;
let a1, a2, a3; // filed institutions in 张湾区 (420303) with their operators
let mj; // a filed institution in 茅箭区 (420302)

before(async () => {
  srv = await Server.start({ name: 'demand' });
  a1 = await fileInstitution(srv);
  a2 = await fileInstitution(srv);
  a3 = await fileInstitution(srv);
  mj = await fileInstitution(srv, { county: 'county_maojian', reg: { district_code: '420302' } });
});
after(async () => {
  await srv?.stop();
  await srv?.cleanup();
});

/** The month k months from this month (China time) as YYYY-MM. */
function month(k) {
  const [y, m] = cstDay(0).split('-').map(Number);
  const i = y * 12 + (m - 1) + k;
  return `${Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, '0')}`;
}

let phoneSerial = 0;
const freshPhone = () => `139${String(10000000 + (process.pid % 1000) * 1000 + ++phoneSerial).slice(-8)}`;

async function captcha() {
  const r = await srv.get('/api/v1/public/captcha');
  expectStatus(r, 200);
  return r.json.token;
}

function application(over = {}) {
  return {
    institution_ids: [a1.institutionId, a2.institutionId, a3.institutionId],
    birth_month: month(-18),
    start_month: month(2),
    service_type: 'full_day',
    guardian_name: '李秀英',
    guardian_phone: freshPhone(),
    ...over,
  };
}

/** Apply through the public API with a fresh, right CAPTCHA (the per-address limit forgotten first). */
async function apply(body = application(), { clear = true } = {}) {
  if (clear) sql(srv.db, 'DELETE FROM demand_rate');
  return srv.post('/api/v1/public/demand/applications', {
    ...body,
    captcha_token: await captcha(),
    captcha_answer: ANSWER,
  });
}

const status = (ref, code) =>
  srv.get(`/api/v1/public/demand/applications/status?ref=${encodeURIComponent(ref)}&code=${encodeURIComponent(code)}`);
const answer = (choiceId, as, body) => srv.post(`/api/v1/demand/choices/${choiceId}/answer`, body, { as });
const respond = (body) => srv.post('/api/v1/public/demand/applications/respond', body);
async function summary(as = 'city', district = '420303') {
  const r = await srv.get(`/api/v1/demand/summary?district=${district}`, { as });
  expectStatus(r, 200);
  return r.json;
}
const counts = (s) => {
  const d = s.districts[0];
  return {
    applications: d.applications,
    pending: d.pending,
    offered: d.offered,
    waitlisted: d.waitlisted,
    declined: d.declined,
    accepted: d.accepted,
    withdrawn: d.withdrawn,
    unmet: d.unmet,
  };
};

let main; // { ref, code, choices } of the scenario's application

test("a parent's application offered, waitlisted and declined with the counts following", async () => {
  const before0 = counts(await summary());
  assert.deepEqual(before0, {
    applications: 0, pending: 0, offered: 0, waitlisted: 0, declined: 0, accepted: 0, withdrawn: 0, unmet: 0,
  });

  const phone = freshPhone();
  const r = await apply(application({ guardian_phone: phone }));
  expectStatus(r, 201);
  assert.match(r.json.ref, /^SQ-\d{4}-\d{6}$/);
  assert.match(r.json.code, /^[A-Z2-9]{8}$/);
  assert.equal(r.json.district_code, '420303');
  // The lookup code is stored only as a keyed hash.
  assert.equal(sql(srv.db, `SELECT COUNT(*) FROM demand_applications WHERE lookup_hash = '${r.json.code}'`), '0');
  assert.equal(sql(srv.db, `SELECT COUNT(*) FROM demand_applications WHERE guardian_phone_hash LIKE '%${phone}%'`), '0');

  let st = await status(r.json.ref, r.json.code);
  expectStatus(st, 200);
  assert.deepEqual(st.json.choices.map((c) => [c.rank, c.institution_id, c.status]), [
    [1, a1.institutionId, 'pending'],
    [2, a2.institutionId, 'pending'],
    [3, a3.institutionId, 'pending'],
  ]);
  assert.equal(st.json.age_band, '1-2');
  assert.ok(!st.text.includes(phone) && !st.text.includes('李秀英'), 'the public lookup carries the guardian');
  main = { ...r.json, choices: st.json.choices };
  assert.deepEqual(counts(await summary()), { ...before0, applications: 1, pending: 3, unmet: 1 });

  // The operator sees its own choice with the guardian in clear (it must call the parent); audited.
  const auditBefore = Number(sql(srv.db, "SELECT COUNT(*) FROM audit_log WHERE action = 'demand.guardians.read'"));
  const list = await srv.get('/api/v1/demand/choices', { as: a1.operator });
  expectStatus(list, 200);
  assert.equal(list.json.items.length, 1);
  const mine = list.json.items[0];
  assert.equal(mine.institution_id, a1.institutionId);
  assert.deepEqual(mine.guardian, { name: '李秀英', phone });
  assert.equal(mine.next_waitlist_position, 1);
  assert.equal(
    Number(sql(srv.db, "SELECT COUNT(*) FROM audit_log WHERE action = 'demand.guardians.read'")),
    auditBefore + 1
  );

  // 1 offers, 2 waitlists (position 1), 3 declines with a note.
  let a = await answer(main.choices[0].id, a1.operator, { decision: 'offer', note: '请于下月 1 日前来办理入托' });
  expectStatus(a, 200);
  assert.equal(a.json.status, 'offered');
  assert.ok(!a.text.includes(phone));
  a = await answer(main.choices[1].id, a2.operator, { decision: 'waitlist' });
  expectStatus(a, 200);
  assert.equal(a.json.status, 'waitlisted');
  assert.equal(a.json.waitlist_position, 1);
  a = await answer(main.choices[2].id, a3.operator, { decision: 'decline', note: '该月龄班级已满' });
  expectStatus(a, 200);
  assert.equal(a.json.status, 'declined');

  // Wrong states: offering again, waitlisting a declined choice → 409 invalid_state.
  expectError(await answer(main.choices[0].id, a1.operator, { decision: 'offer' }), 409, 'invalid_state');
  expectError(await answer(main.choices[2].id, a3.operator, { decision: 'waitlist' }), 409, 'invalid_state');

  st = await status(main.ref, main.code);
  expectStatus(st, 200);
  assert.deepEqual(st.json.choices.map((c) => [c.status, c.waitlist_position]), [
    ['offered', null],
    ['waitlisted', 1],
    ['declined', null],
  ]);
  assert.equal(st.json.choices[2].note, '该月龄班级已满');
  const answered = counts(await summary());
  assert.deepEqual(answered, { ...before0, applications: 1, offered: 1, waitlisted: 1, declined: 1, unmet: 0 });
  // The county sees the same figures for its district.
  assert.deepEqual(counts(await summary('county_zhangwan', '420303')), answered);
  const s = await summary();
  assert.deepEqual(
    s.waitlists.map((w) => [w.institution_id, w.waitlist]),
    [[a2.institutionId, 1]]
  );
  assert.ok(s.vacancies.some((v) => v.institution_id === a1.institutionId && v.vacancies > 0), JSON.stringify(s));
  assert.equal(s.districts[0].age_bands.find((b) => b.band === '1-2').applications, 1);

  // A declined choice needs no call: its operator now sees the guardian masked.
  const l3 = await srv.get('/api/v1/demand/choices', { as: a3.operator });
  assert.deepEqual(l3.json.items[0].guardian, { name_masked: '李*', phone_masked: `${phone.slice(0, 3)}****${phone.slice(-4)}` });

  // The parent accepts the offer: the other open choice is withdrawn with it.
  const acc = await respond({ ref: main.ref, code: main.code, choice_id: main.choices[0].id, action: 'accept' });
  expectStatus(acc, 200);
  assert.deepEqual(acc.json.choices.map((c) => c.status), ['accepted', 'withdrawn', 'declined']);
  assert.deepEqual(counts(await summary()), {
    ...before0, applications: 1, accepted: 1, withdrawn: 1, declined: 1, unmet: 0,
  });
  expectError(
    await respond({ ref: main.ref, code: main.code, choice_id: main.choices[0].id, action: 'accept' }),
    409,
    'invalid_state'
  );
  // The waitlist position is freed: the next waitlisted child at institution 2 starts again at 1.
  expectError(await answer(main.choices[1].id, a2.operator, { decision: 'offer' }), 409, 'invalid_state');
});

test('the status lookup: a wrong lookup code or receipt number is 404, missing ones 422', async () => {
  assert.ok(main, 'the scenario ran first');
  const wrongCode = main.code === 'AAAAAAAA' ? 'BBBBBBBB' : 'AAAAAAAA';
  expectError(await status(main.ref, wrongCode), 404, 'not_found');
  expectError(await status('SQ-2000-999999', main.code), 404, 'not_found');
  // The code is case- and blank-insensitive as typed on a phone.
  expectStatus(await status(main.ref, ` ${main.code.toLowerCase()} `), 200);
  const e = expectError(await srv.get('/api/v1/public/demand/applications/status'), 422, 'validation_failed');
  assert.deepEqual(e.fields.map((f) => f.field), ['ref', 'code']);
  // Responding with a wrong code: 404, nothing changes.
  expectError(
    await respond({ ref: main.ref, code: wrongCode, choice_id: main.choices[1].id, action: 'withdraw' }),
    404,
    'not_found'
  );
  // A choice of another application: 404.
  const other = await apply();
  expectStatus(other, 201);
  expectError(
    await respond({ ref: other.json.ref, code: other.json.code, choice_id: main.choices[1].id, action: 'withdraw' }),
    404,
    'not_found'
  );
  // Withdrawing every choice withdraws the application.
  const st = await status(other.json.ref, other.json.code);
  for (const c of st.json.choices)
    expectStatus(await respond({ ref: other.json.ref, code: other.json.code, choice_id: c.id, action: 'withdraw' }), 200);
  const done = await status(other.json.ref, other.json.code);
  assert.ok(done.json.withdrawn_at > 0, show(done));
  assert.deepEqual(done.json.choices.map((c) => c.status), ['withdrawn', 'withdrawn', 'withdrawn']);
});

test('422 names each bad field: four choices, duplicates, another district, months, phone, CAPTCHA', async () => {
  const four = await apply(application({
    institution_ids: [a1.institutionId, a2.institutionId, a3.institutionId, mj.institutionId],
  }));
  expectError(four, 422, 'validation_failed');
  assert.deepEqual(errorFields(four), ['institution_ids']);

  const dup = await apply(application({ institution_ids: [a1.institutionId, a1.institutionId] }));
  expectError(dup, 422, 'validation_failed');
  assert.deepEqual(errorFields(dup), ['institution_ids[1]']);

  const none = await apply(application({ institution_ids: [] }));
  assert.deepEqual(errorFields(none), ['institution_ids']);

  const cross = await apply(application({ institution_ids: [a1.institutionId, mj.institutionId] }));
  expectError(cross, 422, 'validation_failed');
  assert.deepEqual(errorFields(cross), ['institution_ids[1]']);

  const unknown = await apply(application({ institution_ids: [a1.institutionId, 99999999] }));
  assert.deepEqual(errorFields(unknown), ['institution_ids[1]']);

  // Every bad field in one answer.
  const all = await srv.post('/api/v1/public/demand/applications', {
    institution_ids: [a1.institutionId, 'x'],
    birth_month: '2025-13',
    start_month: month(-1),
    service_type: 'overnight',
    guardian_name: '',
    guardian_phone: '12ab',
    captcha_token: await captcha(),
    captcha_answer: '1',
    extra: 1,
  });
  expectError(all, 422, 'validation_failed');
  assert.deepEqual(new Set(errorFields(all)), new Set([
    'institution_ids[1]', 'birth_month', 'start_month', 'service_type', 'guardian_name', 'guardian_phone',
    'captcha', 'extra',
  ]));

  // Months: three years old at the start, more than 12 months ahead, not born yet.
  let r = await apply(application({ birth_month: month(-34), start_month: month(2) }));
  assert.deepEqual(errorFields(r), ['start_month']);
  r = await apply(application({ start_month: month(13) }));
  assert.deepEqual(errorFields(r), ['start_month']);
  r = await apply(application({ birth_month: month(1) }));
  assert.deepEqual(errorFields(r), ['birth_month']);
  // Malformed JSON: 400, never 500.
  const bad = await srv.req('POST', '/api/v1/public/demand/applications', {
    body: '{"institution_ids": [',
    headers: { 'Content-Type': 'application/json' },
  });
  assert.equal(bad.status, 400, show(bad));
});

test('limits: the same child twice, too many open applications per phone, per address', async () => {
  const phone = freshPhone();
  expectStatus(await apply(application({ guardian_phone: phone, birth_month: month(-10) })), 201);
  let r = await apply(application({ guardian_phone: phone, birth_month: month(-10) }));
  expectError(r, 422, 'validation_failed');
  assert.deepEqual(errorFields(r), ['guardian_phone']);
  expectStatus(await apply(application({ guardian_phone: phone, birth_month: month(-11) })), 201);
  expectStatus(await apply(application({ guardian_phone: phone, birth_month: month(-12) })), 201);
  r = await apply(application({ guardian_phone: phone, birth_month: month(-13) }));
  assert.deepEqual(errorFields(r), ['guardian_phone']);

  sql(srv.db, 'DELETE FROM demand_rate');
  let last;
  for (let i = 0; i < 11; i++) {
    last = await apply(application(), { clear: false });
    if (last.status !== 201) break;
  }
  expectError(last, 429, 'too_many_requests');
  sql(srv.db, 'DELETE FROM demand_rate');
});

test("other institutions' operators and other counties cannot answer or see; officials see guardians masked", async () => {
  const r = await apply();
  expectStatus(r, 201);
  const st = await status(r.json.ref, r.json.code);
  const c1 = st.json.choices[0].id;
  // Institution 2's operator cannot answer institution 1's choice; the 茅箭区 operator neither.
  expectError(await answer(c1, a2.operator, { decision: 'offer' }), 404, 'not_found');
  expectError(await answer(c1, mj.operator, { decision: 'decline' }), 404, 'not_found');
  // Officials do not answer.
  expectError(await answer(c1, 'county_zhangwan', { decision: 'offer' }), 403, 'forbidden');
  expectError(await answer(c1, 'city', { decision: 'offer' }), 403, 'forbidden');
  // A bad decision: 422 naming it; a parent's move is not an institution's decision.
  let e = expectError(await answer(c1, a1.operator, { decision: 'accept', note: 'x'.repeat(501) }), 422);
  assert.deepEqual(e.fields.map((f) => f.field).sort(), ['decision', 'note']);
  // A stale version: 409 version_conflict.
  expectError(await answer(c1, a1.operator, { decision: 'offer', version: 99 }), 409, 'version_conflict');
  expectStatus(await answer(c1, a1.operator, { decision: 'waitlist', version: st.json.choices[0].version }), 200);

  // The other operator's list does not carry this choice.
  const other = await srv.get('/api/v1/demand/choices', { as: mj.operator });
  expectStatus(other, 200);
  assert.equal(other.json.items.length, 0);

  // Officials: the guardian masked, never the phone in clear.
  const phone = sql(srv.db, `SELECT guardian_phone_masked FROM demand_applications WHERE ref = '${r.json.ref}'`);
  assert.match(phone, /^\d{3}\*{4}\d{4}$/);
  for (const as of ['county_zhangwan', 'city']) {
    const list = await srv.get('/api/v1/demand/choices?district=420303', { as });
    expectStatus(list, 200);
    assert.ok(list.json.items.length >= 3);
    for (const it of list.json.items) {
      assert.deepEqual(Object.keys(it.guardian).sort(), ['name_masked', 'phone_masked']);
      assert.match(it.guardian.phone_masked, /^\d{3}\*{4}\d{4}$/);
      assert.match(it.guardian.name_masked, /^.\*$/u);
    }
    assert.ok(!/1\d{10}/.test(list.text), 'a clear phone number in the officials\' list');
    assert.ok(!list.text.includes('李秀英'));
  }
  // Waitlist places: two more children waitlisted at institution 2 get the next positions; when the first
  // withdraws, the second's place in line moves up while its position number stays.
  const w = [];
  for (let i = 0; i < 2; i++) {
    const x = await apply(application({ institution_ids: [a2.institutionId] }));
    expectStatus(x, 201);
    const xs = await status(x.json.ref, x.json.code);
    const ans = await answer(xs.json.choices[0].id, a2.operator, { decision: 'waitlist' });
    expectStatus(ans, 200);
    w.push({ ...x.json, choice: xs.json.choices[0].id, position: ans.json.waitlist_position });
  }
  assert.equal(w[1].position, w[0].position + 1);
  expectStatus(await respond({ ref: w[0].ref, code: w[0].code, choice_id: w[0].choice, action: 'withdraw' }), 200);
  const second = (await status(w[1].ref, w[1].code)).json.choices[0];
  assert.equal(second.waitlist_position, w[1].position);
  assert.equal(second.waitlist_place, w[1].position - 1);

  // Another county sees nothing of 张湾区.
  expectError(await srv.get('/api/v1/demand/choices?district=420303', { as: 'county_maojian' }), 404, 'not_found');
  expectError(await srv.get('/api/v1/demand/summary?district=420303', { as: 'county_maojian' }), 404, 'not_found');
  const own = await srv.get('/api/v1/demand/choices', { as: 'county_maojian' });
  expectStatus(own, 200);
  assert.equal(own.json.items.length, 0);
  // Operators do not read the summary; the public neither.
  expectError(await srv.get('/api/v1/demand/summary', { as: a1.operator }), 403, 'forbidden');
  expectError(await srv.get('/api/v1/demand/summary'), 401);
  // An unknown district: 422.
  e = expectError(await srv.get('/api/v1/demand/summary?district=999999', { as: 'city' }), 422);
  assert.deepEqual(e.fields.map((f) => f.field), ['district']);
  // The whole city: every district and a total.
  const city = await srv.get('/api/v1/demand/summary', { as: 'city' });
  expectStatus(city, 200);
  assert.equal(city.json.districts.length, 10);
  assert.equal(city.json.total.applications, city.json.districts.reduce((n, d) => n + d.applications, 0));
});

test('an unmet need for a community counts in the district and the community', async () => {
  const now = Math.floor(Date.now() / 1000);
  sql(srv.db, `INSERT INTO communities (district_code, code, name, street, kind, urban, created_at, updated_at)
    VALUES ('420303', '420303001001', '车城路社区', '车城路街道', 'community', 1, ${now}, ${now})`);
  const cid = Number(sql(srv.db, "SELECT id FROM communities WHERE code = '420303001001'"));
  const cs = await srv.get('/api/v1/public/demand/communities?district=420303');
  expectStatus(cs, 200);
  assert.ok(cs.json.items.some((c) => c.id === cid && c.name === '车城路社区'));

  const before1 = (await summary()).districts[0];
  sql(srv.db, 'DELETE FROM demand_rate');
  const body = {
    community_id: cid,
    birth_month: month(-6),
    start_month: month(3),
    service_type: 'half_day',
    guardian_name: '王芳',
    guardian_phone: freshPhone(),
  };
  const r = await srv.post('/api/v1/public/demand/needs', { ...body, captcha_token: await captcha(), captcha_answer: ANSWER });
  expectStatus(r, 201);
  assert.match(r.json.ref, /^XQ-\d{4}-\d{6}$/);
  const s = await summary();
  assert.equal(s.districts[0].unmet_needs, before1.unmet_needs + 1);
  assert.equal(s.districts[0].unmet, before1.unmet + 1);
  const c = s.communities.find((x) => x.community_id === cid);
  assert.equal(c.open_needs, 1);
  assert.equal(c.age_bands['0-1'], 1);
  assert.ok(!JSON.stringify(s).includes('王芳'));

  const bad = await srv.post('/api/v1/public/demand/needs', {
    ...body,
    community_id: 99999999,
    captcha_token: await captcha(),
    captcha_answer: ANSWER,
  });
  expectError(bad, 422, 'validation_failed');
  assert.deepEqual(errorFields(bad), ['community_id']);
  const missing = await srv.post('/api/v1/public/demand/needs', { captcha_token: await captcha(), captcha_answer: ANSWER });
  assert.deepEqual(new Set(errorFields(missing)), new Set([
    'community_id', 'birth_month', 'start_month', 'service_type', 'guardian_name', 'guardian_phone',
  ]));
});

test('the pages: apply from an institution page, receipt, status, operator answers, dashboard', async () => {
  const inst = await srv.get(`/institutions/${a1.institutionId}`);
  expectStatus(inst, 200);
  assert.ok(inst.text.includes(`/apply?institution=${a1.institutionId}`), 'no 申请托位 link');

  const form = await srv.get(`/apply?institution=${a1.institutionId}`);
  expectStatus(form, 200);
  assert.deepEqual(tidyErrors(form.text), []);
  assert.match(form.text, new RegExp(`<option value="${a1.institutionId}" selected>`));
  assert.ok(form.text.includes(`<option value="${a2.institutionId}"`));
  assert.ok(!form.text.includes(`<option value="${mj.institutionId}"`), 'another district offered');
  expectStatus(await srv.get('/apply'), 200);

  const token = form.text.match(/name="captcha_token" value="([^"]*)"/)[1];
  sql(srv.db, 'DELETE FROM demand_rate');
  const fields = {
    district: '420303',
    choice1: String(a1.institutionId),
    choice2: String(a3.institutionId),
    choice3: '',
    birth_month: month(-20),
    start_month: month(1),
    service_type: 'full_day',
    guardian_name: '赵敏',
    guardian_phone: freshPhone(),
    captcha_token: token,
    captcha_answer: ANSWER,
  };
  const ok = await srv.req('POST', '/apply', { body: new URLSearchParams(fields) });
  assert.equal(ok.status, 201, show(ok));
  assert.deepEqual(tidyErrors(ok.text), []);
  const ref = ok.text.match(/SQ-\d{4}-\d{6}/)[0];
  const code = ok.text.match(/查询码<\/dt><dd><strong>([A-Z2-9]{8})</)[1];
  // The same token again: the form comes back with the error, values kept.
  const again = await srv.req('POST', '/apply', { body: new URLSearchParams({ ...fields, choice2: String(a1.institutionId) }) });
  assert.equal(again.status, 422, show(again));
  assert.deepEqual(tidyErrors(again.text), []);
  assert.ok(again.text.includes('第 2 志愿机构'));
  assert.ok(again.text.includes('赵敏'));

  const st = await srv.get(`/apply/status?ref=${ref}&code=${code}`);
  expectStatus(st, 200);
  assert.deepEqual(tidyErrors(st.text), []);
  assert.ok(st.text.includes('待答复'));
  assert.ok(!st.text.includes('赵敏'));
  expectStatus(await srv.get(`/apply/status?ref=${ref}&code=WRONG234`), 404);

  const op = await srv.get('/operator/applications', { as: a1.operator });
  expectStatus(op, 200);
  assert.deepEqual(tidyErrors(op.text), []);
  assert.ok(op.text.includes('赵敏') && op.text.includes(fields.guardian_phone));
  assert.ok(op.text.includes('列入候补（第'));

  const choiceId = Number(sql(srv.db, `SELECT c.id FROM demand_choices c JOIN demand_applications a ON a.id = c.application_id
    WHERE a.ref = '${ref}' AND c.rank = 1`));
  // The operator answers through the page's form (cookie session and CSRF token).
  const o = await srv.login(a1.operator);
  const noCsrf = await srv.req('POST', `/operator/applications/${choiceId}`, {
    cookie: o.cookie,
    body: new URLSearchParams({ decision: 'offer', version: '1' }),
  });
  assert.equal(noCsrf.status, 403, show(noCsrf));
  const badForm = await srv.req('POST', `/operator/applications/${choiceId}`, {
    cookie: o.cookie,
    body: new URLSearchParams({ decision: 'accept', version: '1', csrf: o.csrf }),
  });
  assert.equal(badForm.status, 422, show(badForm));
  assert.deepEqual(tidyErrors(badForm.text), []);
  const offered = await srv.req('POST', `/operator/applications/${choiceId}`, {
    cookie: o.cookie,
    body: new URLSearchParams({ decision: 'offer', version: '1', note: '周一上午来园', csrf: o.csrf }),
  });
  assert.equal(offered.status, 200, show(offered));
  assert.deepEqual(tidyErrors(offered.text), []);
  assert.ok(offered.text.includes('已答复“已录取”'));
  const twice = await srv.req('POST', `/operator/applications/${choiceId}`, {
    cookie: o.cookie,
    body: new URLSearchParams({ decision: 'offer', version: '2', csrf: o.csrf }),
  });
  assert.equal(twice.status, 409, show(twice));
  const st2 = await srv.get(`/apply/status?ref=${ref}&code=${code}`);
  assert.ok(st2.text.includes('接受录取'));
  const acc = await srv.req('POST', '/apply/status', {
    body: new URLSearchParams({ ref, code, choice_id: String(choiceId), action: 'accept' }),
  });
  assert.equal(acc.status, 200, show(acc));
  assert.deepEqual(tidyErrors(acc.text), []);
  assert.ok(acc.text.includes('已接受'));

  for (const as of ['city', 'county_zhangwan']) {
    const dash = await srv.get('/dash/demand', { as });
    expectStatus(dash, 200);
    assert.deepEqual(tidyErrors(dash.text), []);
    assert.ok(dash.text.includes('张湾区'));
    assert.ok(!dash.text.includes('赵敏'));
  }
  const needs = await srv.get('/needs/new?district=420303');
  expectStatus(needs, 200);
  assert.deepEqual(tidyErrors(needs.text), []);
  assert.ok(needs.text.includes('车城路社区'));
  expectStatus(await srv.get('/operator/applications', { as: 'city' }), 403);
});

test('who may call what: each role on the demand routes (403 for the others, 401 without credentials)', async () => {
  const roles = ['admin', 'city', 'county_zhangwan', 'county_maojian', 'registrar', 'inspector', 'auditor', a1.operator];
  const officials = new Set(['admin', 'city', 'county_zhangwan', 'county_maojian', 'auditor']);
  const rows = [
    ['GET', '/api/v1/demand/summary', (r) => (officials.has(r) ? 200 : 403)],
    ['GET', '/api/v1/demand/choices', (r) => (officials.has(r) || r === a1.operator ? 200 : 403)],
    ['GET', '/dash/demand', (r) => (officials.has(r) ? 200 : 403)],
    ['GET', '/operator/applications', (r) => (r === a1.operator ? 200 : 403)],
    // An unknown choice: the operator gets 404, every other role 403.
    ['POST', '/api/v1/demand/choices/99999999/answer', (r) => (r === a1.operator ? 404 : 403)],
  ];
  for (const [method, path, want] of rows) {
    const anon = await srv.req(method, path, method === 'POST' ? { json: { decision: 'offer' } } : {});
    assert.equal(anon.status, path.startsWith('/api/') ? 401 : 303, `${path} anonymous: ${show(anon)}`);
    for (const role of roles) {
      const res = await srv.req(method, path, { as: role, ...(method === 'POST' ? { json: { decision: 'offer' } } : {}) });
      assert.equal(res.status, want(role), `${method} ${path} as ${role}: ${show(res)}`);
    }
  }
  // The public routes need no account.
  for (const path of ['/apply', '/apply/status', '/needs/new', '/api/v1/public/demand/communities',
    '/api/v1/public/demand/institutions?district=420303'])
    expectStatus(await srv.get(path), 200);
  const insts = await srv.get('/api/v1/public/demand/institutions?district=420303');
  assert.ok(insts.json.items.some((i) => i.id === a1.institutionId));
  assert.ok(!insts.json.items.some((i) => i.id === mj.institutionId));
  expectError(await srv.get('/api/v1/public/demand/institutions'), 422, 'validation_failed');
});
