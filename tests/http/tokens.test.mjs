// Registration authorities' API tokens (issue 8): each registrar account belongs to one authority, pushes only
// as it and reads only its institutions in the change feed; tokens rotate with a grace period, revoke at once,
// every bearer request is logged (no token, no query string) and rate-limited per token (not cookie sessions).
import assert from 'node:assert/strict';
import test, { after, before } from 'node:test';
import { Server, cli, cliOk, errorFields, expectError, expectStatus, show, sql } from './harness.mjs';
import { register, registration } from './fixtures.mjs';

const MARKET = '十堰市市场监督管理局';
const CIVIL = '十堰市民政局';
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

let srv;
let opInst;
before(async () => {
  srv = await Server.start({ name: 'tokens' });
  await srv.addUser('reg_market', 'registrar', { authority: 'market' });
  await srv.addUser('reg_civil', 'registrar', { authority: 'civil' });
  opInst = (await register(srv)).institution_id;
  await srv.addUser('op', 'operator', { institution: opInst });
});
after(async () => srv && srv.cleanup());

const push = (as, overrides) => srv.post('/api/v1/registrations', registration(overrides), { as });
const setting = (key, value) => {
  sql(srv.db, `DELETE FROM settings WHERE key = '${key}'`);
  if (value !== undefined) sql(srv.db, `INSERT INTO settings (key, value) VALUES ('${key}', '${value}')`);
};
/** The id of the only active token of an account, as that account sees it. */
async function ownTokenId(as) {
  const res = await srv.get('/api/v1/tokens', { as });
  expectStatus(res, 200);
  const active = res.json.items.filter((t) => t.state === 'active');
  assert.equal(active.length, 1, show(res));
  return active[0].id;
}

test('each registrar pushes only as its own authority, and its feed holds only its institutions', async () => {
  const m1 = await push('reg_market', { authority: MARKET });
  expectStatus(m1, 201);
  const m2 = await push('reg_market', { authority: 'market' }); // the code is accepted and stored as the name
  expectStatus(m2, 201);
  const inst = await srv.get(`/api/v1/institutions/${m2.json.institution_id}`, { as: 'admin' });
  assert.equal(inst.json.authority, MARKET);
  let res = await push('reg_market', { authority: CIVIL });
  expectError(res, 422, 'validation_failed');
  assert.deepEqual(errorFields(res), ['authority']);

  const c1 = await push('reg_civil', { authority: CIVIL, legal_form: 'social_org' });
  expectStatus(c1, 201);
  res = await push('reg_civil', { authority: MARKET });
  expectError(res, 422, 'validation_failed');
  assert.ok(errorFields(res).includes('authority'), show(res));
  // Other bad fields are reported along with the authority.
  res = await push('reg_civil', { authority: MARKET, name: '' });
  assert.deepEqual(errorFields(res).sort(), ['authority', 'name']);

  const feed = async (as) => {
    const r = await srv.get('/api/v1/changes?since=0&limit=1000', { as });
    expectStatus(r, 200);
    return r.json.items;
  };
  const market = await feed('reg_market');
  const civil = await feed('reg_civil');
  assert.ok(market.length >= 2 && civil.length >= 1, `${market.length} ${civil.length}`);
  const ids = (items) => new Set(items.map((e) => e.institution.id ?? e.institution_id));
  assert.ok(market.every((e) => e.authority === MARKET), JSON.stringify(market.map((e) => e.authority)));
  assert.ok(civil.every((e) => e.authority === CIVIL), JSON.stringify(civil.map((e) => e.authority)));
  assert.ok(ids(market).has(m1.json.institution_id) && !ids(market).has(c1.json.institution_id));
  assert.ok(ids(civil).has(c1.json.institution_id) && !ids(civil).has(m1.json.institution_id));
  // An account of every authority (the harness's `--authority all`) reads both.
  const all = ids(await feed('registrar'));
  assert.ok(all.has(m1.json.institution_id) && all.has(c1.json.institution_id));
});

test('rotation: the new token works, the old one during the grace period only; revocation is immediate', async () => {
  setting('rotate_grace_seconds', '2');
  const oldToken = srv.tokens.reg_market;
  const id = await ownTokenId('reg_market');
  // Only the token itself (or an admin) rotates it; other registrars and operators cannot.
  expectError(await srv.post(`/api/v1/tokens/${id}/rotate`, {}, { as: 'reg_civil' }), 403, 'forbidden');
  expectError(await srv.post(`/api/v1/tokens/${id}/rotate`, {}, { as: 'op' }), 403, 'forbidden');
  expectError(await srv.post('/api/v1/tokens/999999/rotate', {}, { as: 'admin' }), 404, 'not_found');

  const rot = await srv.post(`/api/v1/tokens/${id}/rotate`, {}, { as: 'reg_market' });
  expectStatus(rot, 201);
  assert.equal(rot.json.old_token_id, id);
  assert.ok(rot.json.token && rot.json.token !== oldToken);
  const newToken = rot.json.token;
  expectStatus(await srv.get('/api/v1/session', { token: newToken }), 200);
  expectStatus(await srv.get('/api/v1/session', { token: oldToken }), 200);
  const list = await srv.get('/api/v1/tokens', { token: newToken });
  const old = list.json.items.find((t) => t.id === id);
  assert.equal(old.state, 'grace', show(list));
  assert.equal(old.revoked_at, rot.json.old_valid_until);
  assert.ok(!list.text.includes(newToken) && !list.text.includes(oldToken), 'a token in clear in the list');

  await sleep(3200);
  expectError(await srv.get('/api/v1/session', { token: oldToken }), 401, 'unauthenticated');
  expectStatus(await srv.get('/api/v1/session', { token: newToken }), 200);
  setting('rotate_grace_seconds');

  // Revocation by the admin: refused at once; a second revocation is a conflict.
  expectError(await srv.req('DELETE', `/api/v1/tokens/${rot.json.id}`, { as: 'op' }), 403, 'forbidden');
  const del = await srv.req('DELETE', `/api/v1/tokens/${rot.json.id}`, { as: 'admin' });
  assert.equal(del.status, 204, show(del));
  expectError(await srv.get('/api/v1/session', { token: newToken }), 401, 'unauthenticated');
  expectError(await srv.req('DELETE', `/api/v1/tokens/${rot.json.id}`, { as: 'admin' }), 409, 'invalid_state');
  expectError(await srv.post(`/api/v1/tokens/${rot.json.id}/rotate`, {}, { as: 'admin' }), 409, 'invalid_state');
  // The audit log holds both, without the token.
  const audit = sql(srv.db, "SELECT action, after FROM audit_log WHERE action IN ('token.rotate', 'token.revoke')");
  assert.match(audit, /token\.rotate/);
  assert.match(audit, /token\.revoke/);
  assert.ok(!audit.includes(newToken));
});

test('admins create named, expiring tokens; bad input names every field; others see only their own tokens', async () => {
  let res = await srv.post('/api/v1/tokens', { username: '', name: 5, expires_in_days: 0 }, { as: 'admin' });
  expectError(res, 422, 'validation_failed');
  assert.deepEqual(errorFields(res).sort(), ['expires_in_days', 'name', 'username']);
  res = await srv.post('/api/v1/tokens', { username: 'nobody' }, { as: 'admin' });
  expectError(res, 422, 'validation_failed');
  assert.deepEqual(errorFields(res), ['username']);
  expectError(await srv.post('/api/v1/tokens', { username: 'reg_civil' }, { as: 'reg_civil' }), 403, 'forbidden');

  res = await srv.post('/api/v1/tokens', { username: 'reg_civil', name: '民政局对接系统', expires_in_days: 30 }, { as: 'admin' });
  expectStatus(res, 201);
  assert.ok(res.json.expires_at > Date.now() / 1000 + 29 * 86400);
  expectStatus(await srv.get('/api/v1/session', { token: res.json.token }), 200);

  const mine = await srv.get('/api/v1/tokens', { as: 'reg_civil' });
  expectStatus(mine, 200);
  assert.equal(mine.json.items.length, 2);
  assert.ok(mine.json.items.every((t) => t.username === 'reg_civil' && t.authority === 'civil'), show(mine));
  assert.ok(mine.json.items.some((t) => t.name === '民政局对接系统'));
  const all = await srv.get('/api/v1/tokens', { as: 'admin' });
  assert.ok(all.json.items.some((t) => t.username === 'reg_market') && all.json.items.some((t) => t.username === 'admin'));
  // An expired token is refused.
  sql(srv.db, `UPDATE api_tokens SET expires_at = 1 WHERE id = ${res.json.id}`);
  expectError(await srv.get('/api/v1/session', { token: res.json.token }), 401, 'unauthenticated');
});

test('the request log holds each bearer request with its status, without the token or the query string', async () => {
  const made = await srv.post('/api/v1/tokens', { username: 'reg_civil', name: 'log' }, { as: 'admin' });
  expectStatus(made, 201);
  const { id, token } = made.json;
  expectStatus(await srv.get('/api/v1/session?secret=abc123', { token }), 200);
  expectError(await srv.get('/api/v1/institutions/999999', { token }), 403);
  expectError(await srv.get('/api/v1/nowhere', { token }), 404); // no route: answered before authentication, not logged
  await sleep(500); // the row is written just after the response is sent
  let res = await srv.get(`/api/v1/tokens/${id}/requests`, { as: 'admin' });
  expectStatus(res, 200);
  const items = res.json.items;
  assert.equal(items.length, 2, show(res));
  // Rows are written after each response, by the thread that answered: compare them in path order.
  assert.deepEqual(items.map((q) => [q.method, q.path, q.status]).sort(), [
    ['GET', '/api/v1/institutions/999999', 403],
    ['GET', '/api/v1/session', 200],
  ]);
  assert.ok(items.every((q) => q.duration_ms >= 0 && q.at > 0 && q.client_ip === '127.0.0.1'), show(res));
  assert.ok(!res.text.includes(token) && !res.text.includes('secret'), 'the token or the query is in the log');
  const raw = sql(srv.db, `SELECT * FROM token_requests WHERE token_id = ${id}`);
  assert.ok(!raw.includes(token) && !raw.includes('?'), raw);
  // Its own user reads it too (with another of its tokens); other registrars cannot; limit is checked.
  expectStatus(await srv.get(`/api/v1/tokens/${id}/requests?limit=2`, { as: 'reg_civil' }), 200);
  expectError(await srv.get(`/api/v1/tokens/${id}/requests`, { as: 'registrar' }), 403, 'forbidden');
  res = await srv.get(`/api/v1/tokens/${id}/requests?limit=abc`, { as: 'admin' });
  expectError(res, 422, 'validation_failed');
  assert.deepEqual(errorFields(res), ['limit']);
  // Cookie sessions are not logged per token.
  await sleep(500); // the rows of the requests above are written just after their responses
  const before = sql(srv.db, 'SELECT COUNT(*) FROM token_requests');
  const s = await srv.login('city');
  expectStatus(await srv.get('/api/v1/session', { cookie: s.cookie }), 200);
  await sleep(500);
  assert.equal(sql(srv.db, 'SELECT COUNT(*) FROM token_requests'), before);
});

test('the page /dash/tokens lists tokens with their daily requests and rotates and revokes with CSRF', async () => {
  const made = await srv.post('/api/v1/tokens', { username: 'auditor', name: 'page-test' }, { as: 'admin' });
  expectStatus(made, 201);
  const s = await srv.login('admin');
  const page = await srv.get('/dash/tokens', { cookie: s.cookie });
  expectStatus(page, 200);
  assert.ok(page.text.includes('接口令牌') && page.text.includes('page-test'), 'the token is not listed');
  assert.ok(page.text.includes(`name="csrf" value="${s.csrf}"`), 'no csrf token in the forms');
  assert.ok(!page.text.includes(made.json.token), 'a token in clear on the page');
  const city = await srv.login('city');
  assert.equal((await srv.get('/dash/tokens', { cookie: city.cookie })).status, 403);

  const nocsrf = await srv.req('POST', '/dash/tokens', {
    cookie: s.cookie,
    body: new URLSearchParams({ op: 'revoke', id: String(made.json.id) }),
  });
  assert.equal(nocsrf.status, 403, show(nocsrf));
  const rot = await srv.req('POST', '/dash/tokens', {
    cookie: s.cookie,
    body: new URLSearchParams({ csrf: s.csrf, op: 'rotate', id: String(made.json.id) }),
  });
  assert.equal(rot.status, 201, show(rot));
  assert.ok(rot.text.includes('仅显示一次'));
  const rev = await srv.req('POST', '/dash/tokens', {
    cookie: s.cookie,
    body: new URLSearchParams({ csrf: s.csrf, op: 'revoke', id: String(made.json.id) }),
  });
  assert.equal(rev.status, 200, show(rev));
  expectError(await srv.get('/api/v1/session', { token: made.json.token }), 401, 'unauthenticated');
  const again = await srv.req('POST', '/dash/tokens', {
    cookie: s.cookie,
    body: new URLSearchParams({ csrf: s.csrf, op: 'revoke', id: String(made.json.id) }),
  });
  assert.equal(again.status, 422, show(again));
});

test('the command line: registrars need an authority; token list and token rotate', async () => {
  const pw = srv.passwordFile('reg_x');
  let r = await cli(['user', 'add', '--db', srv.db, '--username', 'reg_x', '--role', 'registrar', '--password-file', pw]);
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /--authority/);
  r = await cli(['user', 'add', '--db', srv.db, '--username', 'reg_x', '--role', 'registrar', '--authority', 'police', '--password-file', pw]);
  assert.notEqual(r.code, 0);
  r = await cli(['user', 'add', '--db', srv.db, '--username', 'aud_x', '--role', 'auditor', '--authority', 'market', '--password-file', pw]);
  assert.notEqual(r.code, 0);
  await srv.addUser('reg_approval', 'registrar', { authority: 'approval' });
  expectStatus(await push('reg_approval', { authority: '十堰市行政审批局' }), 201);

  r = await cliOk(['token', 'list', '--db', srv.db]);
  assert.match(r.stdout, /^id\tuser\trole\tauthority/);
  assert.match(r.stdout, /\treg_approval\tregistrar\tapproval\t/);
  const id = await ownTokenId('reg_approval');
  r = await cliOk(['token', 'rotate', '--db', srv.db, '--id', String(id)]);
  const lines = r.stdout.trim().split('\n');
  const token = lines[lines.length - 1];
  expectStatus(await srv.get('/api/v1/session', { token }), 200);
  expectStatus(await srv.get('/api/v1/session', { as: 'reg_approval' }), 200); // grace: 24 h by default
  r = await cli(['token', 'rotate', '--db', srv.db, '--id', '999999']);
  assert.notEqual(r.code, 0);
});

test('rate limit per token: the 6th request in a minute is 429 with Retry-After; others are not affected', async () => {
  const made = await srv.post('/api/v1/tokens', { username: 'auditor', name: 'rate' }, { as: 'admin' });
  expectStatus(made, 201);
  setting('token_rate_per_minute', '5');
  try {
    for (let i = 0; i < 5; i++) expectStatus(await srv.get('/api/v1/session', { token: made.json.token }), 200);
    const res = await srv.get('/api/v1/session', { token: made.json.token });
    expectError(res, 429, 'too_many_requests');
    const ra = Number(res.headers.get('retry-after'));
    assert.ok(ra >= 1 && ra <= 60, `Retry-After ${res.headers.get('retry-after')}`);
    // Another token of the same account, and a cookie session, go on.
    expectStatus(await srv.get('/api/v1/session', { as: 'auditor' }), 200);
    const s = await srv.login('auditor');
    for (let i = 0; i < 8; i++) expectStatus(await srv.get('/api/v1/session', { cookie: s.cookie }), 200);
    await sleep(500);
    const log = await srv.get(`/api/v1/tokens/${made.json.id}/requests`, { as: 'auditor' });
    expectStatus(log, 200);
    // The log is written after each response is sent, by whichever server thread answered: rows of requests a
    // few milliseconds apart may land in either order, so the statuses are compared as a set of counts.
    assert.deepEqual(log.json.items.map((q) => q.status).sort(), [200, 200, 200, 200, 200, 429]);
  } finally {
    setting('token_rate_per_minute');
  }
});
