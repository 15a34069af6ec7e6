// The ban register (禁入名单): officials record bans and check numbers; an operator's hire of a banned
// person is refused with a generic message while the attempt stays on record for the county of the
// institution; clear ID numbers never come back out of any route; every read and check is audited.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import test, { after, before } from 'node:test';
import { Server, cli, errorFields, expectError, expectStatus, show, tidyErrors } from './harness.mjs';
import { isPg, sql as harnessSql } from './harness.mjs';
import { addOperator, cstDay, idNumber, register, withBadIdCheckChar } from './fixtures.mjs';

/** A valid ID number from a sequence number (and a birth date). */
const idOf = (seq, birth = '1985-01-01') => idNumber(birth, seq);
const masked = (id) => `${id.slice(0, 4)}**********${id.slice(14)}`;
const sql = (db, q) => harnessSql(db, q);

let serial = 300;
const banBody = (over = {}) => ({
  name: '孙某',
  id_number: idOf(++serial),
  kind: 'lifetime',
  reason: '在托育机构工作期间虐待婴幼儿',
  authority: '十堰市张湾区卫生健康局',
  decision_number: `张卫禁〔2026〕${serial}号`,
  decided_on: '2026-01-15',
  ...over,
});
const staffBody = (id_number, over = {}) => ({
  name: '孙某',
  id_number,
  role: 'caregiver',
  hired_on: '2026-03-01',
  ...over,
});

let srv;
const ctx = {};
before(async () => {
  srv = await Server.start({ name: 'bans' });
  const a = await register(srv, { district_code: '420303', name: '张湾区禁入测试托育园' });
  const b = await register(srv, { district_code: '420302', name: '茅箭区禁入测试托育园' });
  ctx.inst = a.institution_id;
  ctx.other = b.institution_id;
  ctx.op = await addOperator(srv, ctx.inst);
  ctx.op2 = await addOperator(srv, ctx.other);
});
after(async () => srv && srv.cleanup());

/** Every text a role can read from the register's routes, for leak checks. */
async function everythingReadable() {
  const out = [];
  for (const who of ['admin', 'city', 'county_zhangwan', 'county_maojian', 'auditor']) {
    for (const p of ['/api/v1/bans', '/api/v1/ban-matches', '/api/v1/person-credit-records']) {
      out.push((await srv.get(p, { as: who })).text);
    }
  }
  const s = await srv.login('city');
  out.push((await srv.get('/dash/bans', { cookie: s.cookie })).text);
  return out.join('\n');
}

test('a county official records a ban: 201 with the masked number and the official\'s district, no clear number', async () => {
  const body = banBody();
  const res = await srv.post('/api/v1/bans', body, { as: 'county_zhangwan' });
  expectStatus(res, 201);
  assert.equal(res.json.id_number_masked, masked(body.id_number));
  assert.equal(res.json.kind, 'lifetime');
  assert.equal(res.json.district_code, '420303');
  assert.equal(res.json.ends_on, null);
  assert.equal(res.json.active, true);
  assert.ok(!res.text.includes(body.id_number), show(res));
  assert.ok(!('id_number' in res.json), 'a clear id_number key');
  const city = await srv.post('/api/v1/bans', banBody({ authority: '十堰市卫生健康委员会' }), { as: 'city' });
  expectStatus(city, 201);
  assert.equal(city.json.district_code, null);
  // Sealed at rest: neither the digits nor their plain SHA-256.
  const hex = isPg(srv.db) ? "upper(encode(id_enc, 'hex'))" : 'hex(id_enc)';
  const row = sql(srv.db, `SELECT ${hex} || ' ' || id_hash FROM bans WHERE id = ${res.json.id}`);
  assert.ok(!row.includes(Buffer.from(body.id_number).toString('hex').toUpperCase()), 'stored in clear');
  assert.ok(!row.includes(crypto.createHash('sha256').update(body.id_number).digest('hex')), 'an unkeyed hash');
});

test('a ban with bad fields is one 422 listing each of them', async () => {
  const res = await srv.post(
    '/api/v1/bans',
    { name: '', id_number: withBadIdCheckChar(idOf(1)), kind: 'term', reason: '  ', decided_on: '2999-01-01', note: 'x' },
    { as: 'county_zhangwan' }
  );
  expectError(res, 422, 'validation_failed');
  const fields = errorFields(res);
  for (const f of ['name', 'id_number', 'ends_on', 'reason', 'authority', 'decision_number', 'decided_on', 'note']) {
    assert.ok(fields.includes(f), `${f} missing: ${show(res)}`);
  }
  const life = await srv.post('/api/v1/bans', banBody({ ends_on: '2030-01-01' }), { as: 'city' });
  assert.deepEqual(errorFields(life), ['ends_on'], show(life));
  const backwards = await srv.post('/api/v1/bans', banBody({ kind: 'term', ends_on: '2025-01-01' }), { as: 'city' });
  assert.deepEqual(errorFields(backwards), ['ends_on'], show(backwards));
  const kind = await srv.post('/api/v1/bans', banBody({ kind: 'forever' }), { as: 'city' });
  assert.deepEqual(errorFields(kind), ['kind'], show(kind));
});

test('recording a ban: admin, city and county officials only', async () => {
  expectStatus(await srv.post('/api/v1/bans', banBody(), { as: 'admin' }), 201);
  for (const who of ['auditor', 'registrar', 'inspector', ctx.op]) {
    expectError(await srv.post('/api/v1/bans', banBody(), { as: who }), 403, 'forbidden');
  }
  expectError(await srv.post('/api/v1/bans', banBody()), 401);
});

test('the register lists masked numbers to officials and auditors, audited as a read of persons', async () => {
  const before = Number(sql(srv.db, "SELECT count(*) FROM audit_log WHERE action = 'bans.list'"));
  for (const who of ['admin', 'city', 'county_zhangwan', 'county_maojian', 'auditor']) {
    const res = await srv.get('/api/v1/bans', { as: who });
    expectStatus(res, 200);
    assert.ok(res.json.items.length >= 3, show(res));
    for (const b of res.json.items) {
      assert.match(b.id_number_masked, /^\d{4}\*{10}[\dX]{4}$/);
      assert.ok(!('id_number' in b), 'a clear id_number key');
    }
  }
  assert.equal(Number(sql(srv.db, "SELECT count(*) FROM audit_log WHERE action = 'bans.list'")), before + 5);
  for (const who of ['registrar', 'inspector', ctx.op]) expectError(await srv.get('/api/v1/bans', { as: who }), 403, 'forbidden');
  // Paging: newest first, next_before continues.
  const p1 = await srv.get('/api/v1/bans?limit=2', { as: 'city' });
  assert.equal(p1.json.items.length, 2);
  assert.ok(p1.json.items[0].id > p1.json.items[1].id);
  const p2 = await srv.get(`/api/v1/bans?limit=2&before=${p1.json.next_before}`, { as: 'city' });
  assert.ok(p2.json.items.every((b) => b.id < p1.json.items[1].id + 1 && b.id < p1.json.next_before + 1));
  expectError(await srv.get('/api/v1/bans?limit=0', { as: 'city' }), 422, 'validation_failed');
  expectError(await srv.get('/api/v1/bans?before=abc', { as: 'city' }), 422, 'validation_failed');
});

test('a banned person\'s hire is refused with the generic message, nobody is added, and the check stays on record', async () => {
  const ban = banBody({ name: '周某' });
  expectStatus(await srv.post('/api/v1/bans', ban, { as: 'county_zhangwan' }), 201);
  const staffBefore = sql(srv.db, `SELECT count(*) FROM staff WHERE institution_id = ${ctx.inst}`);
  const checksBefore = Number(sql(srv.db, "SELECT count(*) FROM ban_checks WHERE purpose = 'hire' AND result = 'match'"));
  const auditBefore = Number(sql(srv.db, "SELECT count(*) FROM audit_log WHERE action = 'ban.check'"));

  const res = await srv.post(`/api/v1/institutions/${ctx.inst}/staff`, staffBody(ban.id_number, { name: '周某' }), { as: ctx.op });
  const e = expectError(res, 422, 'hire_refused');
  assert.match(e.message, /卫生健康局/, 'the message does not say whom to contact');
  assert.equal(e.fields, undefined, `the refusal names fields: ${show(res)}`);
  for (const leak of [ban.decision_number, ban.authority, ban.reason, ban.id_number]) {
    assert.ok(!res.text.includes(leak), `the operator learns ${leak}`);
  }
  assert.equal(sql(srv.db, `SELECT count(*) FROM staff WHERE institution_id = ${ctx.inst}`), staffBefore, 'somebody was added');
  assert.equal(Number(sql(srv.db, "SELECT count(*) FROM ban_checks WHERE purpose = 'hire' AND result = 'match'")), checksBefore + 1);
  assert.equal(Number(sql(srv.db, "SELECT count(*) FROM audit_log WHERE action = 'ban.check'")), auditBefore + 1);
  const list = await srv.get(`/api/v1/institutions/${ctx.inst}/staff?include_left=1`, { as: ctx.op });
  assert.ok(!list.json.items.some((s) => s.name === '周某'), 'the refused person is in the staff list');

  // The county of the institution sees the attempt; another district's official does not.
  const mine = await srv.get('/api/v1/ban-matches', { as: 'county_zhangwan' });
  expectStatus(mine, 200);
  const m = mine.json.items.find((x) => x.institution_id === ctx.inst && x.name === '周某');
  assert.ok(m, `the attempt is not listed: ${show(mine)}`);
  assert.equal(m.institution_name, '张湾区禁入测试托育园');
  assert.equal(m.id_number_masked, masked(ban.id_number));
  assert.equal(m.purpose, 'hire');
  assert.ok(m.ban_id > 0 && m.checked_at > 0);
  assert.ok(!mine.text.includes(ban.id_number));
  const theirs = await srv.get('/api/v1/ban-matches', { as: 'county_maojian' });
  expectStatus(theirs, 200);
  assert.ok(!theirs.json.items.some((x) => x.institution_id === ctx.inst), `another district sees it: ${show(theirs)}`);
  for (const who of ['city', 'admin', 'auditor']) {
    const all = await srv.get('/api/v1/ban-matches', { as: who });
    assert.ok(all.json.items.some((x) => x.id === m.id), `${who} does not see the attempt`);
  }
  for (const who of ['registrar', 'inspector', ctx.op]) expectError(await srv.get('/api/v1/ban-matches', { as: who }), 403, 'forbidden');
  assert.ok(Number(sql(srv.db, "SELECT count(*) FROM audit_log WHERE action = 'ban_matches.list'")) >= 5);
});

test('the register is city-wide: a ban recorded in 张湾 refuses a hire in 茅箭, shown to 茅箭 only', async () => {
  const ban = banBody({ name: '吴某' });
  expectStatus(await srv.post('/api/v1/bans', ban, { as: 'county_zhangwan' }), 201);
  const res = await srv.post(`/api/v1/institutions/${ctx.other}/staff`, staffBody(ban.id_number, { name: '吴某' }), { as: ctx.op2 });
  expectError(res, 422, 'hire_refused');
  const maojian = await srv.get('/api/v1/ban-matches', { as: 'county_maojian' });
  assert.ok(maojian.json.items.some((x) => x.institution_id === ctx.other && x.name === '吴某'), show(maojian));
  const zhangwan = await srv.get('/api/v1/ban-matches', { as: 'county_zhangwan' });
  assert.ok(!zhangwan.json.items.some((x) => x.institution_id === ctx.other), show(zhangwan));
  // A lower-case x in a banned number does not slip through.
  const x = [...Array(300).keys()].map((i) => idOf(600 + i, '1979-09-09')).find((n) => n.endsWith('X'));
  expectStatus(await srv.post('/api/v1/bans', banBody({ id_number: x }), { as: 'city' }), 201);
  expectError(await srv.post(`/api/v1/institutions/${ctx.inst}/staff`, staffBody(x.toLowerCase()), { as: ctx.op }), 422, 'hire_refused');
});

test('a term ban matches through its last day and not after: ended yesterday → the hire goes through', async () => {
  const ended = banBody({ kind: 'term', ends_on: cstDay(1), decided_on: '2024-01-01' });
  const running = banBody({ kind: 'term', ends_on: cstDay(0), decided_on: '2024-01-01' });
  expectStatus(await srv.post('/api/v1/bans', ended, { as: 'county_zhangwan' }), 201);
  expectStatus(await srv.post('/api/v1/bans', running, { as: 'county_zhangwan' }), 201);
  const c1 = await srv.post('/api/v1/bans/check', { id_number: ended.id_number }, { as: 'county_zhangwan' });
  expectStatus(c1, 200);
  assert.equal(c1.json.match, false, show(c1));
  assert.equal(c1.json.ban, null);
  const c2 = await srv.post('/api/v1/bans/check', { id_number: running.id_number }, { as: 'county_zhangwan' });
  assert.equal(c2.json.match, true, show(c2));
  assert.equal(c2.json.ban.ends_on, cstDay(0));
  expectStatus(await srv.post(`/api/v1/institutions/${ctx.inst}/staff`, staffBody(ended.id_number), { as: ctx.op }), 201);
  expectError(await srv.post(`/api/v1/institutions/${ctx.inst}/staff`, staffBody(running.id_number), { as: ctx.op }), 422, 'hire_refused');
  const list = await srv.get('/api/v1/bans?limit=200', { as: 'city' });
  assert.equal(list.json.items.find((b) => b.decision_number === ended.decision_number).active, false);
});

test('an official\'s check answers match with the decision, or no match; recorded as "official" and audited', async () => {
  const ban = banBody({ name: '郑某', authority: '十堰市卫生健康委员会', decision_number: '十卫禁〔2026〕8号' });
  expectStatus(await srv.post('/api/v1/bans', ban, { as: 'city' }), 201);
  const before = Number(sql(srv.db, "SELECT count(*) FROM ban_checks WHERE purpose = 'official'"));
  const hit = await srv.post('/api/v1/bans/check', { id_number: ban.id_number, name: '郑某' }, { as: 'county_maojian' });
  expectStatus(hit, 200);
  assert.equal(hit.json.match, true);
  assert.equal(hit.json.ban.authority, '十堰市卫生健康委员会');
  assert.equal(hit.json.ban.decision_number, '十卫禁〔2026〕8号');
  assert.equal(hit.json.ban.decided_on, '2026-01-15');
  assert.equal(hit.json.ban.kind, 'lifetime');
  assert.equal(hit.json.ban.id_number_masked, masked(ban.id_number));
  assert.ok(!hit.text.includes(ban.id_number));
  const miss = await srv.post('/api/v1/bans/check', { id_number: idOf(999, '2000-02-29') }, { as: 'admin' });
  assert.deepEqual(miss.json, { match: false, ban: null });
  assert.equal(Number(sql(srv.db, "SELECT count(*) FROM ban_checks WHERE purpose = 'official'")), before + 2);
  assert.equal(sql(srv.db, "SELECT result FROM ban_checks WHERE purpose = 'official' ORDER BY id DESC LIMIT 1"), 'clear');
  // Official checks carry no institution, so they are not refused hires.
  const m = await srv.get('/api/v1/ban-matches?limit=200', { as: 'city' });
  assert.ok(m.json.items.every((x) => x.purpose !== 'official'), show(m));
  const bad = await srv.post('/api/v1/bans/check', { id_number: withBadIdCheckChar(ban.id_number), extra: 1 }, { as: 'city' });
  assert.deepEqual(errorFields(bad).sort(), ['extra', 'id_number']);
  for (const who of ['auditor', 'registrar', ctx.op]) {
    expectError(await srv.post('/api/v1/bans/check', { id_number: ban.id_number }, { as: who }), 403, 'forbidden');
  }
});

test('the page: an official checks a number through the form with its csrf token and sees 命中', async () => {
  const ban = banBody({ name: '冯某', decision_number: '张卫禁〔2026〕99号' });
  expectStatus(await srv.post('/api/v1/bans', ban, { as: 'county_zhangwan' }), 201);
  const s = await srv.login('county_zhangwan');
  const page = await srv.get('/dash/bans', { cookie: s.cookie });
  expectStatus(page, 200);
  assert.match(page.text, /<form[^>]*action="\/dash\/bans"/);
  assert.ok(page.text.includes(`name="csrf" value="${s.csrf}"`), 'the form has no csrf token');
  assert.ok(page.text.includes(masked(ban.id_number)), 'the register table lacks the ban');
  assert.ok(!page.text.includes(ban.id_number), 'a clear number on the page');
  assert.ok(page.text.includes('张湾区禁入测试托育园'), 'the refused hire of the district is not shown');

  const hit = await srv.req('POST', '/dash/bans', {
    cookie: s.cookie,
    body: new URLSearchParams({ csrf: s.csrf, action: 'check', id_number: ban.id_number }),
  });
  expectStatus(hit, 200);
  assert.ok(hit.text.includes('命中'), 'no 命中');
  assert.ok(!hit.text.includes('未命中'), '未命中 for a banned number');
  assert.ok(hit.text.includes('十堰市张湾区卫生健康局') && hit.text.includes('张卫禁〔2026〕99号'), 'no authority or decision number');
  assert.ok(!hit.text.includes(ban.id_number), 'the clear number was echoed back');
  const miss = await srv.req('POST', '/dash/bans', {
    cookie: s.cookie,
    body: new URLSearchParams({ csrf: s.csrf, action: 'check', id_number: idOf(998, '2001-01-01') }),
  });
  expectStatus(miss, 200);
  assert.ok(miss.text.includes('未命中'), 'no 未命中');
  const nocsrf = await srv.req('POST', '/dash/bans', {
    cookie: s.cookie,
    body: new URLSearchParams({ action: 'check', id_number: ban.id_number }),
  });
  assert.equal(nocsrf.status, 403, show(nocsrf));
  const bad = await srv.req('POST', '/dash/bans', {
    cookie: s.cookie,
    body: new URLSearchParams({ csrf: s.csrf, action: 'check', id_number: withBadIdCheckChar(ban.id_number) }),
  });
  assert.equal(bad.status, 422, show(bad));
  assert.match(bad.text, /id_number/);
  assert.ok(!bad.text.includes(withBadIdCheckChar(ban.id_number)), 'the typed number was echoed back');
});

test('the page records a ban through its form; bad fields re-render with 422; others cannot open it', async () => {
  const s = await srv.login('county_maojian');
  const body = banBody({ name: '陈某', authority: '十堰市茅箭区卫生健康局', kind: 'term', ends_on: '2031-12-31' });
  const ok = await srv.req('POST', '/dash/bans', {
    cookie: s.cookie,
    body: new URLSearchParams({ csrf: s.csrf, action: 'add', ...body }),
  });
  expectStatus(ok, 201);
  assert.ok(ok.text.includes(masked(body.id_number)) && !ok.text.includes(body.id_number), 'masking on the page');
  assert.equal(sql(srv.db, `SELECT district_code || ' ' || kind FROM bans WHERE decision_number = '${body.decision_number}'`), '420302 term');
  // The 茅箭 official does not see 张湾's refused hires.
  assert.ok(!ok.text.includes('张湾区禁入测试托育园'), '茅箭 sees 张湾\'s refused hire');
  const bad = await srv.req('POST', '/dash/bans', {
    cookie: s.cookie,
    body: new URLSearchParams({ csrf: s.csrf, action: 'add', name: '陈某', id_number: '123', kind: 'term', reason: '理由', authority: 'x', decision_number: 'y', decided_on: '2026-01-01' }),
  });
  assert.equal(bad.status, 422, show(bad));
  assert.match(bad.text, /ends_on/);
  assert.match(bad.text, /id_number/);
  assert.ok(bad.text.includes('value="理由"') || bad.text.includes('>理由</textarea>'), 'the form lost the typed values');
  const unknown = await srv.req('POST', '/dash/bans', { cookie: s.cookie, body: new URLSearchParams({ csrf: s.csrf, action: 'unmask' }) });
  assert.equal(unknown.status, 422, show(unknown));
  // Valid HTML5 for the pages officials work with.
  assert.deepEqual(tidyErrors(ok.text), [], 'tidy');
  for (const who of ['auditor', 'registrar']) {
    const t = await srv.login(who);
    const res = await srv.get('/dash/bans', { cookie: t.cookie });
    assert.equal(res.status, 403, `${who}: ${show(res)}`);
  }
  const op = await srv.get('/dash/bans', { as: ctx.op });
  assert.equal(op.status, 403);
});

test('credit records: recorded and listed masked by officials; audited; bad fields 422', async () => {
  const id = idOf(777, '1976-06-06');
  const res = await srv.post(
    '/api/v1/person-credit-records',
    { name: '褚某', id_number: id, kind: '行政处罚', description: '无证从事托育服务', source: '十堰市市场监督管理局', decided_on: '2025-12-01' },
    { as: 'county_zhangwan' }
  );
  expectStatus(res, 201);
  assert.equal(res.json.id_number_masked, masked(id));
  assert.ok(!res.text.includes(id));
  for (const who of ['admin', 'city', 'county_maojian', 'auditor']) {
    const l = await srv.get('/api/v1/person-credit-records', { as: who });
    expectStatus(l, 200);
    assert.ok(l.json.items.some((c) => c.id === res.json.id), `${who} does not see the record`);
    assert.ok(!l.text.includes(id));
  }
  assert.ok(Number(sql(srv.db, "SELECT count(*) FROM audit_log WHERE action = 'credit.list'")) >= 4);
  assert.equal(sql(srv.db, `SELECT count(*) FROM audit_log WHERE action = 'credit.add' AND entity_id = ${res.json.id}`), '1');
  const bad = await srv.post('/api/v1/person-credit-records', { name: '褚某', id_number: withBadIdCheckChar(id), kind: '', decided_on: 'soon' }, { as: 'city' });
  assert.deepEqual(errorFields(bad).sort(), ['decided_on', 'description', 'id_number', 'kind', 'source'], show(bad));
  for (const who of ['auditor', 'registrar', ctx.op]) {
    expectError(await srv.post('/api/v1/person-credit-records', {}, { as: who }), 403, 'forbidden');
  }
  for (const who of ['registrar', 'inspector', ctx.op]) expectError(await srv.get('/api/v1/person-credit-records', { as: who }), 403, 'forbidden');
});

test('no route gives a clear ID number back, and there is no way to unmask', async () => {
  const ids = sql(srv.db, 'SELECT id_masked FROM bans').split('\n');
  assert.ok(ids.length >= 5);
  const all = await everythingReadable();
  // Every number used in this file: none appears anywhere an official can read.
  for (let s = 300; s <= serial; s++) assert.ok(!all.includes(idOf(s)), `clear number ${s} readable`);
  for (const p of ['/api/v1/bans/1', '/api/v1/bans/1/unmask', '/api/v1/bans/unmask']) {
    const r = await srv.get(p, { as: 'admin' });
    assert.ok([404, 405].includes(r.status), `${p}: ${show(r)}`);
  }
  const dump = sql(srv.db, "SELECT coalesce(before,'') || coalesce(after,'') FROM audit_log");
  for (let s = 300; s <= serial; s++) assert.ok(!dump.includes(idOf(s)), `clear number ${s} in the audit log`);
  const v = await cli(['audit', 'verify', '--db', srv.db]);
  assert.equal(v.code, 0, `audit verify: ${v.stdout} ${v.stderr}`);
});

test('the server stops cleanly', async () => {
  await srv.stop();
});
