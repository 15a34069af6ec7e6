// Incidents and complaints: the public complaint form and its CAPTCHA, spam limits, routing to the county,
// masked contacts, the status lookup, both workflows per role, the reporting deadline's late flag under a
// pinned clock, overdue complaints, and the public yearly counts.
//
// The CAPTCHA is answered through TUOYU_CAPTCHA_FIXED (test only: every challenge's answer is those digits;
// the server refuses it unless it listens on loopback). Every request comes from 127.0.0.1, so the tests
// that are not about spam clear the rate table before filing.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { cli, errorFields, expectError, expectStatus, freePort, Server, show, sql, tidyErrors } from './harness.mjs';
import { fileInstitution } from './fixtures.mjs';

const ANSWER = '4321';
process.env.TUOYU_CAPTCHA_FIXED = ANSWER;
delete process.env.TUOYU_FAKE_NOW;

let srv;
let zw; // a filed institution in 张湾区 (420303) with its operator
let mj; // a filed institution in 茅箭区 (420302)

before(async () => {
  srv = await Server.start({ name: 'cases' });
  zw = await fileInstitution(srv);
  mj = await fileInstitution(srv, { county: 'county_maojian', reg: { district_code: '420302' } });
});
after(async () => {
  await srv.stop();
  await srv.cleanup();
});

const PHONE = '13812345678';
let textSerial = 0;
const freshText = () => `孩子在机构午睡时没有老师看护，已经发生过两次摔下床的情况。编号${++textSerial}`;

async function captcha(s = srv) {
  const r = await s.get('/api/v1/public/captcha');
  expectStatus(r, 200);
  return r.json.token;
}

function complaint(over = {}) {
  return {
    institution_id: zw.institutionId,
    category: 'safety',
    text: freshText(),
    contact_name: '张女士',
    contact_phone: PHONE,
    anonymous_public: true,
    ...over,
  };
}

/** File a complaint with a fresh, correctly answered CAPTCHA. clear: forget the rate limit first. */
async function file(body = complaint(), { s = srv, clear = true } = {}) {
  if (clear) sql(s.db, 'DELETE FROM complaint_rate');
  return s.post('/api/v1/public/complaints', { ...body, captcha_token: await captcha(s), captcha_answer: ANSWER });
}

async function fileOk(body, opts) {
  const r = await file(body, opts);
  expectStatus(r, 201);
  const id = Number(sql((opts && opts.s ? opts.s : srv).db, `SELECT id FROM complaints WHERE number = '${r.json.number}'`));
  return { ...r.json, id };
}

const hidden = (html, name) => {
  const m = html.match(new RegExp(`<input type="hidden" name="${name}" value="([^"]*)"`));
  return m && m[1];
};

// ---- CAPTCHA ----

test('the CAPTCHA is an SVG drawn by the server with a token that does not show the answer', async () => {
  const r = await srv.get('/api/v1/public/captcha');
  expectStatus(r, 200);
  assert.match(r.json.svg, /^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
  assert.ok(!/<script|javascript:|href=/i.test(r.json.svg), 'the SVG carries active content');
  assert.ok(r.json.token.length > 40 && !r.json.token.includes(ANSWER), 'the token shows the answer');
  assert.ok(r.json.expires_at > Date.now() / 1000 + 500);
});

test('a bad CAPTCHA is refused with 422 naming captcha: wrong, reused, tampered, missing', async () => {
  sql(srv.db, 'DELETE FROM complaint_rate');
  const body = complaint();
  const wrong = await srv.post('/api/v1/public/complaints', { ...body, captcha_token: await captcha(), captcha_answer: '1' });
  expectError(wrong, 422, 'validation_failed');
  assert.deepEqual(errorFields(wrong), ['captcha']);

  const token = await captcha();
  expectStatus(await srv.post('/api/v1/public/complaints', { ...body, captcha_token: token, captcha_answer: ANSWER }), 201);
  const reused = await srv.post('/api/v1/public/complaints', { ...complaint(), captcha_token: token, captcha_answer: ANSWER });
  expectError(reused, 422, 'validation_failed');
  assert.deepEqual(errorFields(reused), ['captcha']);

  const t2 = await captcha();
  const flipped = t2.slice(0, 20) + (t2[20] === 'A' ? 'B' : 'A') + t2.slice(21);
  const tampered = await srv.post('/api/v1/public/complaints', { ...complaint(), captcha_token: flipped, captcha_answer: ANSWER });
  assert.deepEqual(errorFields(tampered), ['captcha']);

  const missing = await srv.post('/api/v1/public/complaints', { ...complaint(), captcha_answer: ANSWER });
  assert.deepEqual(errorFields(missing), ['captcha_token']);

  // A wrong guess spends the token: the right answer afterwards is a replay.
  const t3 = await captcha();
  await srv.post('/api/v1/public/complaints', { ...complaint(), captcha_token: t3, captcha_answer: '99' });
  const again = await srv.post('/api/v1/public/complaints', { ...complaint(), captcha_token: t3, captcha_answer: ANSWER });
  assert.deepEqual(errorFields(again), ['captcha']);
});

test('a fixed CAPTCHA answer is refused with a non-loopback listen address', async () => {
  const r = await cli(['serve', '--db', srv.db, '--listen', `0.0.0.0:${await freePort()}`], {
    env: { TUOYU_CAPTCHA_FIXED: ANSWER },
    timeoutMs: 10000,
  });
  assert.notEqual(r.code, 0, 'the server started with a fixed CAPTCHA on a public address');
  assert.match(r.stderr, /TUOYU_CAPTCHA_FIXED/);
});

// ---- Filing a complaint ----

test('every bad field of a complaint is named in one 422', async () => {
  const r = await srv.post('/api/v1/public/complaints', {});
  expectError(r, 422, 'validation_failed');
  const f = errorFields(r);
  for (const k of ['category', 'text', 'contact_name', 'contact_phone', 'captcha_token', 'institution_id']) assert.ok(f.includes(k), `${k} not named: ${f}`);
  const bad = await file(complaint({ category: 'noise', text: '太短', contact_phone: 'abc', institution_id: 99999999, extra: 1 }));
  const g = errorFields(bad);
  for (const k of ['category', 'text', 'contact_phone', 'institution_id', 'extra']) assert.ok(g.includes(k), `${k} not named: ${g}`);
  // An unknown place may be reported as unfiled operation with its district, not otherwise.
  const noInst = await file(complaint({ institution_id: null }));
  assert.deepEqual(errorFields(noInst), ['institution_id']);
  const noDistrict = await file(complaint({ institution_id: null, category: 'unfiled_operation' }));
  assert.deepEqual(errorFields(noDistrict), ['district']);
  const place = await file(complaint({ institution_id: null, category: 'unfiled_operation', district: '420302' }));
  expectStatus(place, 201);
});

test('complaint spam: the 6th complaint from one address within an hour is refused with 429', async () => {
  sql(srv.db, 'DELETE FROM complaint_rate');
  for (let i = 0; i < 5; i++) expectStatus(await file(complaint(), { clear: false }), 201);
  const sixth = await file(complaint(), { clear: false });
  expectError(sixth, 429, 'too_many_requests');
  assert.equal(Number(sql(srv.db, 'SELECT COUNT(*) FROM complaint_rate')), 5);
  // The address is kept only as a keyed hash.
  assert.ok(!sql(srv.db, 'SELECT ip_hash FROM complaint_rate').includes('127.0.0.1'));
  // A day's limit of 20: with 20 rows in the last day (none in the last hour) the next one is refused.
  sql(srv.db, 'DELETE FROM complaint_rate');
  const r1 = await file(complaint(), { clear: false });
  expectStatus(r1, 201);
  const hash = sql(srv.db, 'SELECT ip_hash FROM complaint_rate LIMIT 1');
  const now = Math.floor(Date.now() / 1000);
  const rows = Array.from({ length: 19 }, (_, i) => `('${hash}', ${now - 7200 - i * 60})`).join(',');
  sql(srv.db, `INSERT INTO complaint_rate (ip_hash, at) VALUES ${rows}`);
  expectError(await file(complaint(), { clear: false }), 429, 'too_many_requests');
  sql(srv.db, 'DELETE FROM complaint_rate');
});

test('the same text about the same institution within a day is refused', async () => {
  const body = complaint();
  expectStatus(await file(body), 201);
  const dup = await file({ ...body, contact_name: '李先生' });
  expectError(dup, 422, 'validation_failed');
  assert.deepEqual(errorFields(dup), ['text']);
  // The same words about another institution are another complaint.
  expectStatus(await file({ ...body, institution_id: mj.institutionId }), 201);
});

// ---- Routing, visibility, contacts ----

test('a complaint goes to the county of the institution; other counties get 404', async () => {
  const c = await fileOk(complaint());
  const own = await srv.get(`/api/v1/complaints/${c.id}`, { as: 'county_zhangwan' });
  expectStatus(own, 200);
  assert.equal(own.json.district_code, '420303');
  expectError(await srv.get(`/api/v1/complaints/${c.id}`, { as: 'county_maojian' }), 404, 'not_found');
  const mjList = await srv.get('/api/v1/complaints', { as: 'county_maojian' });
  expectStatus(mjList, 200);
  assert.ok(!mjList.json.items.some((x) => x.id === c.id), 'county_maojian lists a 张湾 complaint');
  assert.ok(mjList.json.items.every((x) => x.district_code === '420302'));
  // Asking for another district does not widen a county's view.
  const asked = await srv.get('/api/v1/complaints?district=420303', { as: 'county_maojian' });
  assert.ok(asked.json.items.every((x) => x.district_code === '420302'));
  for (const who of ['city', 'admin', 'auditor']) expectStatus(await srv.get(`/api/v1/complaints/${c.id}`, { as: who }), 200);
  for (const who of ['inspector', zw.operator, 'registrar']) expectError(await srv.get(`/api/v1/complaints/${c.id}`, { as: who }), 403, 'forbidden');
  expectError(await srv.get('/api/v1/complaints', { as: 'inspector' }), 403, 'forbidden');
  expectError(await srv.get('/api/v1/complaints'), 401, 'unauthenticated');
  expectError(await srv.get('/api/v1/complaints?status=lost&overdue=2&page=0', { as: 'city' }), 422, 'validation_failed');
});

test('officials see the contact masked, the read is audited, the phone is stored only sealed', async () => {
  const c = await fileOk(complaint());
  const r = await srv.get(`/api/v1/complaints/${c.id}`, { as: 'county_zhangwan' });
  expectStatus(r, 200);
  assert.equal(r.json.contact.phone_masked, '138****5678');
  assert.equal(r.json.contact.name, '张女士');
  assert.ok(!r.text.includes(PHONE), 'the clear phone number left the server');
  const list = await srv.get('/api/v1/complaints', { as: 'city' });
  assert.ok(!list.text.includes('138****5678') && !list.text.includes('张女士'), 'the list carries contacts');
  const reads = sql(srv.db, `SELECT COUNT(*) FROM audit_log WHERE action = 'complaint.read' AND entity_id = ${c.id}`);
  assert.equal(Number(reads), 1);
  const stored = sql(srv.db, `SELECT COUNT(*) FROM complaints WHERE text LIKE '%${PHONE}%' OR contact_phone_masked = '${PHONE}'`);
  assert.equal(Number(stored), 0);
  assert.equal(sql(srv.db, `SELECT COUNT(*) FROM audit_log WHERE after LIKE '%${PHONE}%' OR after LIKE '%张女士%'`), '0');
});

test('the complainant looks up the status with number and code, and sees the answer but no contact', async () => {
  const c = await fileOk(complaint());
  assert.match(c.number, /^TS-\d{4}-\d{6}$/);
  assert.match(c.code, /^[A-Z2-9]{8}$/);
  const url = (code) => `/api/v1/public/complaints/status?number=${encodeURIComponent(c.number)}&code=${code}`;
  const r = await srv.get(url(c.code.toLowerCase()));
  expectStatus(r, 200);
  assert.equal(r.json.status, 'received');
  assert.ok(!r.text.includes('张女士') && !r.text.includes('5678'), 'the lookup shows the contact');
  expectError(await srv.get(url('AAAAAAAA')), 404, 'not_found');
  expectError(await srv.get('/api/v1/public/complaints/status?number=TS-2020-999999&code=AAAAAAAA'), 404, 'not_found');
  const missing = await srv.get('/api/v1/public/complaints/status');
  assert.deepEqual(errorFields(missing).sort(), ['code', 'number']);
  expectStatus(await srv.post(`/api/v1/complaints/${c.id}/answer`, { text: '已核查并责令整改。' }, { as: 'county_zhangwan' }), 200);
  const answered = await srv.get(url(c.code));
  assert.equal(answered.json.status, 'answered');
  assert.equal(answered.json.answer, '已核查并责令整改。');
  const page = await srv.get(`/complaints/status?number=${encodeURIComponent(c.number)}&code=${c.code}`);
  expectStatus(page, 200);
  assert.deepEqual(tidyErrors(page.text), []);
  assert.ok(page.text.includes('已核查并责令整改。'));
  expectStatus(await srv.get(`/complaints/status?number=${encodeURIComponent(c.number)}&code=WRONG234`), 404);
});

// ---- The complaint workflow ----

test('complaint workflow: the county accepts and answers; other moves are refused per role', async () => {
  const c = await fileOk(complaint());
  const path = (s) => `/api/v1/complaints/${c.id}/${s}`;
  expectError(await srv.post(path('accept'), {}, { as: 'city' }), 403, 'forbidden');
  expectError(await srv.post(path('accept'), {}, { as: 'auditor' }), 403, 'forbidden');
  expectError(await srv.post(path('accept'), {}, { as: 'county_maojian' }), 404, 'not_found');
  const acc = await srv.post(path('accept'), {}, { as: 'county_zhangwan' });
  expectStatus(acc, 200);
  assert.equal(acc.json.status, 'handling');
  expectError(await srv.post(path('accept'), {}, { as: 'county_zhangwan' }), 409, 'invalid_state');
  const empty = await srv.post(path('answer'), { text: '' }, { as: 'county_zhangwan' });
  assert.deepEqual(errorFields(empty), ['text']);
  expectError(await srv.post(path('answer'), { text: '已处理' }, { as: 'city' }), 403, 'forbidden');
  const ans = await srv.post(path('answer'), { text: '经核查属实，已责令整改。' }, { as: 'county_zhangwan' });
  expectStatus(ans, 200);
  assert.equal(ans.json.status, 'answered');
  expectError(await srv.post(path('answer'), { text: '再答复一次' }, { as: 'county_zhangwan' }), 409, 'invalid_state');
  expectError(await srv.post(path('accept'), {}, { as: 'county_zhangwan' }), 409, 'invalid_state');
  const insp = await srv.post(path('inspection'), { planned_on: '2099-01-01' }, { as: 'county_zhangwan' });
  expectError(insp, 409, 'invalid_state');
  // Answered straight from received.
  const d = await fileOk(complaint());
  const direct = await srv.post(`/api/v1/complaints/${d.id}/answer`, { text: '已电话答复。' }, { as: 'county_zhangwan' });
  assert.equal(direct.json.status, 'answered');
  const audit = sql(srv.db, `SELECT action FROM audit_log WHERE entity = 'complaint' AND entity_id = ${c.id} ORDER BY seq`);
  assert.deepEqual(audit.split('\n').filter((a) => a !== 'complaint.read'), ['complaint.file', 'complaint.accept', 'complaint.answer']);
});

test('the county triggers an inspection from a complaint, once', async () => {
  const c = await fileOk(complaint());
  const path = `/api/v1/complaints/${c.id}/inspection`;
  const bad = await srv.post(path, { department: 'nowhere', planned_on: 'soon' }, { as: 'county_zhangwan' });
  expectError(bad, 422, 'validation_failed');
  assert.ok(errorFields(bad).includes('planned_on'), show(bad));
  const badDep = await srv.post(path, { department: 'nowhere', planned_on: '2099-01-01' }, { as: 'county_zhangwan' });
  assert.deepEqual(errorFields(badDep), ['department']);
  expectError(await srv.post(path, { planned_on: '2099-01-01' }, { as: 'county_maojian' }), 404, 'not_found');
  const r = await srv.post(path, { department: 'market', planned_on: '2099-01-01' }, { as: 'county_zhangwan' });
  expectStatus(r, 201);
  assert.equal(r.json.status, 'handling');
  assert.ok(r.json.inspection_id > 0, show(r));
  const row = sql(srv.db, `SELECT kind, department_code, complaint_id, institution_id FROM inspections WHERE id = ${r.json.inspection_id}`);
  assert.equal(row, `complaint|market|${c.id}|${zw.institutionId}`);
  expectError(await srv.post(path, { planned_on: '2099-01-01' }, { as: 'county_zhangwan' }), 409, 'invalid_state');
});

// ---- Incidents ----

function incident(over = {}) {
  return {
    type: 'injury',
    severity: 'minor',
    occurred_at: Math.floor(Date.now() / 1000) - 3600,
    children_affected: 1,
    description: '户外活动时一名幼儿膝盖擦伤。',
    actions_taken: '清洗消毒并通知家长。',
    ...over,
  };
}

async function report(body = incident(), inst = zw) {
  const r = await srv.post(`/api/v1/institutions/${inst.institutionId}/incidents`, body, { as: inst.operator });
  expectStatus(r, 201);
  return r.json;
}

test('an operator reports incidents of its own institution only; every bad field named', async () => {
  const i = await report();
  assert.equal(i.status, 'reported');
  assert.equal(i.deadline_hours, 24);
  assert.equal(i.late, false);
  expectError(await srv.post(`/api/v1/institutions/${mj.institutionId}/incidents`, incident(), { as: zw.operator }), 404, 'not_found');
  expectError(await srv.post(`/api/v1/institutions/${zw.institutionId}/incidents`, incident(), { as: 'county_zhangwan' }), 403, 'forbidden');
  const empty = await srv.post(`/api/v1/institutions/${zw.institutionId}/incidents`, {}, { as: zw.operator });
  expectError(empty, 422, 'validation_failed');
  for (const k of ['type', 'severity', 'occurred_at', 'children_affected', 'description', 'actions_taken']) assert.ok(errorFields(empty).includes(k), `${k}: ${show(empty)}`);
  const future = await srv.post(`/api/v1/institutions/${zw.institutionId}/incidents`, incident({ occurred_at: Math.floor(Date.now() / 1000) + 86400 }), { as: zw.operator });
  assert.deepEqual(errorFields(future), ['occurred_at']);
  const both = await srv.post(`/api/v1/institutions/${zw.institutionId}/incidents`, incident({ occurred_on: '2026-01-01', occurred_time: '25:00' }), { as: zw.operator });
  assert.ok(errorFields(both).includes('occurred_at'), show(both));
  // The operator reads its own, not another's; officials their territory.
  expectStatus(await srv.get(`/api/v1/incidents/${i.id}`, { as: zw.operator }), 200);
  expectError(await srv.get(`/api/v1/incidents/${i.id}`, { as: mj.operator }), 404, 'not_found');
  expectError(await srv.get(`/api/v1/incidents/${i.id}`, { as: 'county_maojian' }), 404, 'not_found');
  for (const who of ['county_zhangwan', 'city', 'auditor', 'admin']) expectStatus(await srv.get(`/api/v1/incidents/${i.id}`, { as: who }), 200);
  expectError(await srv.get(`/api/v1/incidents/${i.id}`, { as: 'inspector' }), 403, 'forbidden');
  const list = await srv.get('/api/v1/incidents', { as: 'county_maojian' });
  assert.ok(!list.json.items.some((x) => x.id === i.id));
  expectError(await srv.get('/api/v1/incidents?type=flood&late=3&from=yesterday', { as: 'city' }), 422, 'validation_failed');
});

test('incident workflow: county or city follow up and close; abuse needs substantiated; closed is final', async () => {
  const i = await report(incident({ type: 'suspected_abuse', severity: 'minor', occurred_at: Math.floor(Date.now() / 1000) - 600 }));
  assert.equal(i.deadline_hours, 2);
  const p = (s) => `/api/v1/incidents/${i.id}/${s}`;
  expectError(await srv.post(p('notes'), { text: '已电话核实。' }, { as: 'auditor' }), 403, 'forbidden');
  expectError(await srv.post(p('notes'), { text: '已电话核实。' }, { as: zw.operator }), 403, 'forbidden');
  expectError(await srv.post(p('notes'), { text: '已电话核实。' }, { as: 'county_maojian' }), 404, 'not_found');
  assert.deepEqual(errorFields(await srv.post(p('notes'), { text: '' }, { as: 'county_zhangwan' })), ['text']);
  const n = await srv.post(p('notes'), { text: '已电话核实。' }, { as: 'county_zhangwan' });
  expectStatus(n, 200);
  assert.equal(n.json.status, 'following');
  expectStatus(await srv.post(p('notes'), { text: '市卫健委督办。' }, { as: 'city' }), 200);
  const noSub = await srv.post(p('close'), { conclusion: '调查完毕。' }, { as: 'county_zhangwan' });
  assert.deepEqual(errorFields(noSub), ['substantiated']);
  const closed = await srv.post(p('close'), { conclusion: '经调查查实。', substantiated: true }, { as: 'county_zhangwan' });
  expectStatus(closed, 200);
  assert.equal(closed.json.status, 'closed');
  assert.equal(closed.json.substantiated, true);
  assert.equal(closed.json.notes.length, 3);
  expectError(await srv.post(p('close'), { conclusion: '再次结案。', substantiated: true }, { as: 'county_zhangwan' }), 409, 'invalid_state');
  expectError(await srv.post(p('notes'), { text: '补充。' }, { as: 'city' }), 409, 'invalid_state');
  // Straight from reported to closed; substantiated refused for other types.
  const j = await report();
  const sub = await srv.post(`/api/v1/incidents/${j.id}/close`, { conclusion: '处置完毕。', substantiated: false }, { as: 'city' });
  assert.deepEqual(errorFields(sub), ['substantiated']);
  const ok = await srv.post(`/api/v1/incidents/${j.id}/close`, { conclusion: '处置完毕。' }, { as: 'city' });
  assert.equal(ok.json.status, 'closed');
});

test('public yearly stats count serious injuries, deaths and only closed substantiated abuse', async () => {
  const year = new Date(Date.now() + 8 * 3600e3).getUTCFullYear();
  const get = async () => {
    const r = await srv.get(`/api/v1/public/incident-stats?year=${year}`);
    expectStatus(r, 200);
    return Object.fromEntries(r.json.districts.map((d) => [d.district_code, d]));
  };
  const before = await get();
  const t = Math.floor(Date.now() / 1000) - 1200;
  await report(incident({ severity: 'serious', occurred_at: t }));
  await report(incident({ type: 'illness_outbreak', severity: 'death', occurred_at: t }));
  const open = await report(incident({ type: 'suspected_abuse', occurred_at: t }));
  const unsub = await report(incident({ type: 'suspected_abuse', occurred_at: t }));
  const subst = await report(incident({ type: 'suspected_abuse', occurred_at: t }));
  await report(incident({ severity: 'serious', occurred_at: t }), mj);
  expectStatus(await srv.post(`/api/v1/incidents/${unsub.id}/close`, { conclusion: '未查实。', substantiated: false }, { as: 'county_zhangwan' }), 200);
  expectStatus(await srv.post(`/api/v1/incidents/${subst.id}/close`, { conclusion: '查实。', substantiated: true }, { as: 'county_zhangwan' }), 200);
  assert.ok(open.id);
  const after = await get();
  const d = (code, k) => after[code][k] - before[code][k];
  assert.equal(d('420303', 'serious_injuries'), 1);
  assert.equal(d('420303', 'deaths'), 1);
  assert.equal(d('420303', 'substantiated_abuse'), 1);
  assert.equal(d('420303', 'total_incidents'), 5);
  assert.equal(d('420302', 'serious_injuries'), 1);
  assert.equal(Object.keys(after).length, 10);
  const keys = new Set(Object.values(after).flatMap((x) => Object.keys(x)));
  assert.deepEqual([...keys].sort(), ['deaths', 'district_code', 'district_name', 'serious_injuries', 'substantiated_abuse', 'total_incidents']);
  const r = await srv.get(`/api/v1/public/incident-stats?year=${year}`);
  assert.ok(!r.text.includes('幼儿') && !r.text.includes('托育服务有限公司'), 'the stats carry more than counts');
  assert.deepEqual(errorFields(await srv.get('/api/v1/public/incident-stats?year=1999')), ['year']);
  assert.deepEqual(errorFields(await srv.get(`/api/v1/public/incident-stats?year=${year + 1}`)), ['year']);
  const page = await srv.get(`/stats/incidents?year=${year}`);
  expectStatus(page, 200);
  assert.deepEqual(tidyErrors(page.text), []);
  assert.ok(page.text.includes('张湾区'));
});

// ---- Pages ----

test('the public complaint form: valid HTML, prefilled institution, CAPTCHA image, files through the form', async () => {
  const page = await srv.get(`/complaints/new?institution=${zw.institutionId}`);
  expectStatus(page, 200);
  assert.deepEqual(tidyErrors(page.text), []);
  assert.match(page.text, /<img [^>]*alt="验证码[^"]*"[^>]*src="data:image\/svg\+xml;base64,/);
  assert.ok(page.text.includes('公开时隐去本人信息'));
  assert.ok(page.text.includes('name="viewport"'));
  const token = hidden(page.text, 'captcha_token');
  assert.ok(token, 'no captcha token in the form');
  const search = await srv.get(`/complaints/new?q=${encodeURIComponent('小星星')}`);
  assert.deepEqual(tidyErrors(search.text), []);
  assert.ok(search.text.includes(`/complaints/new?institution=${zw.institutionId}`));

  sql(srv.db, 'DELETE FROM complaint_rate');
  const form = {
    institution_id: String(zw.institutionId),
    district: '',
    category: 'hygiene',
    text: freshText(),
    contact_name: '王女士',
    contact_phone: '139 0000 1111',
    anonymous_public: '1',
    captcha_token: token,
    captcha_answer: ANSWER,
  };
  const ok = await srv.req('POST', '/complaints/new', { body: new URLSearchParams(form) });
  assert.equal(ok.status, 201, show(ok));
  assert.deepEqual(tidyErrors(ok.text), []);
  assert.match(ok.text, /TS-\d{4}-\d{6}/);
  // The same token again: the form comes back with the error and a fresh CAPTCHA, typed values kept.
  const again = await srv.req('POST', '/complaints/new', { body: new URLSearchParams({ ...form, text: freshText() }) });
  assert.equal(again.status, 422, show(again));
  assert.deepEqual(tidyErrors(again.text), []);
  assert.ok(again.text.includes('验证码已使用过'));
  assert.notEqual(hidden(again.text, 'captcha_token'), token);
  assert.ok(again.text.includes('王女士'));
  expectStatus(await srv.get('/complaints/status'), 200);
});

test('officials\' and operator\'s pages are valid and work through their forms', async () => {
  const c = await fileOk(complaint());
  const s = await srv.login('county_zhangwan');
  for (const p of ['/dash/complaints', '/dash/complaints?overdue=1', `/dash/complaints/${c.id}`, '/dash/incidents']) {
    const r = await srv.get(p, { cookie: s.cookie });
    assert.equal(r.status, 200, `${p}: ${show(r)}`);
    assert.deepEqual(tidyErrors(r.text), [], p);
  }
  const detail = await srv.get(`/dash/complaints/${c.id}`, { cookie: s.cookie });
  assert.ok(detail.text.includes('138****5678') && !detail.text.includes(PHONE));
  const noCsrf = await srv.req('POST', `/dash/complaints/${c.id}`, { cookie: s.cookie, body: new URLSearchParams({ action: 'accept' }) });
  assert.equal(noCsrf.status, 403);
  const acc = await srv.req('POST', `/dash/complaints/${c.id}`, { cookie: s.cookie, body: new URLSearchParams({ action: 'accept', csrf: s.csrf }) });
  assert.equal(acc.status, 303, show(acc));
  const m = await srv.login('county_maojian');
  expectStatus(await srv.get(`/dash/complaints/${c.id}`, { cookie: m.cookie }), 404);

  const i = await report();
  const ip = await srv.get(`/dash/incidents/${i.id}`, { cookie: s.cookie });
  assert.equal(ip.status, 200);
  assert.deepEqual(tidyErrors(ip.text), []);
  const bad = await srv.req('POST', `/dash/incidents/${i.id}`, { cookie: s.cookie, body: new URLSearchParams({ action: 'close', conclusion: '', csrf: s.csrf }) });
  assert.equal(bad.status, 422);
  assert.deepEqual(tidyErrors(bad.text), []);
  const close = await srv.req('POST', `/dash/incidents/${i.id}`, { cookie: s.cookie, body: new URLSearchParams({ action: 'close', conclusion: '处置完毕。', csrf: s.csrf }) });
  assert.equal(close.status, 303, show(close));

  const o = await srv.login(zw.operator);
  const op = await srv.get('/operator/incidents', { cookie: o.cookie });
  assert.equal(op.status, 200, show(op));
  assert.deepEqual(tidyErrors(op.text), []);
  assert.ok(op.text.includes('不要写幼儿和员工的姓名'));
  const day = new Date(Date.now() + 8 * 3600e3 - 3600e3).toISOString();
  const rep = await srv.req('POST', '/operator/incidents', {
    cookie: o.cookie,
    body: new URLSearchParams({ type: 'fire', severity: 'minor', occurred_on: day.slice(0, 10), occurred_time: day.slice(11, 16), children_affected: '0', description: '厨房油锅起火，已扑灭。', actions_taken: '疏散并检查燃气。', csrf: o.csrf }),
  });
  assert.equal(rep.status, 201, show(rep));
  assert.deepEqual(tidyErrors(rep.text), []);
  const badRep = await srv.req('POST', '/operator/incidents', { cookie: o.cookie, body: new URLSearchParams({ type: 'fire', csrf: o.csrf }) });
  assert.equal(badRep.status, 422);
  assert.deepEqual(tidyErrors(badRep.text), []);
});

// ---- Time: the late flag and overdue complaints under a pinned clock ----

test('late reports are flagged and unanswered complaints become overdue (TUOYU_FAKE_NOW)', async () => {
  // Monday 2026-03-02 10:00 CST.
  const T0 = Date.UTC(2026, 2, 2, 2, 0, 0) / 1000;
  process.env.TUOYU_FAKE_NOW = String(T0);
  const s2 = await Server.start({ name: 'cases-clock' });
  try {
    const inst = await fileInstitution(s2);
    const rep = async (body) => {
      const r = await s2.post(`/api/v1/institutions/${inst.institutionId}/incidents`, { ...incident(), ...body }, { as: inst.operator });
      expectStatus(r, 201);
      return r.json;
    };
    assert.equal((await rep({ type: 'fire', occurred_at: T0 - 2 * 3600 })).late, false);
    assert.equal((await rep({ type: 'fire', occurred_at: T0 - 2 * 3600 - 60 })).late, true);
    assert.equal((await rep({ severity: 'serious', occurred_at: T0 - 3 * 3600 })).late, true);
    assert.equal((await rep({ occurred_at: T0 - 23 * 3600 })).late, false);
    const byDay = await rep({ occurred_at: undefined, occurred_on: '2026-03-01', occurred_time: '09:00' });
    assert.equal(byDay.occurred_at, T0 - 25 * 3600);
    assert.equal(byDay.late, true);
    const late = await s2.get('/api/v1/incidents?late=1', { as: 'county_zhangwan' });
    assert.equal(late.json.total, 3);

    const c = await fileOk(complaint({ institution_id: inst.institutionId }), { s: s2 });
    assert.equal(c.due_on, '2026-03-23');
    const answered = await fileOk(complaint({ institution_id: inst.institutionId }), { s: s2 });
    expectStatus(await s2.post(`/api/v1/complaints/${answered.id}/answer`, { text: '已答复。' }, { as: 'county_zhangwan' }), 200);
    const none = await s2.get('/api/v1/complaints?overdue=1', { as: 'county_zhangwan' });
    assert.equal(none.json.total, 0);

    await s2.stop();
    process.env.TUOYU_FAKE_NOW = String(T0 + 22 * 86400); // 2026-03-24: one day past the due day
    await s2.launch();
    const over = await s2.get('/api/v1/complaints?overdue=1', { as: 'county_zhangwan' });
    expectStatus(over, 200);
    assert.deepEqual(over.json.items.map((x) => x.id), [c.id]);
    assert.equal(over.json.items[0].overdue, true);
    const one = await s2.get(`/api/v1/complaints/${c.id}`, { as: 'city' });
    assert.equal(one.json.overdue, true);
    const page = await s2.get(`/complaints/status?number=${encodeURIComponent(c.number)}&code=${c.code}`);
    assert.ok(page.text.includes('逾期'));
  } finally {
    delete process.env.TUOYU_FAKE_NOW;
    await s2.stop();
    await s2.cleanup();
  }
});
