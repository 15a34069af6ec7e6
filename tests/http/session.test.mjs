// Browser sessions: login sets a hardened cookie, the cookie needs the CSRF token for writes, logout ends it,
// wrong passwords are refused alike for known and unknown users, and repeated failures are throttled.
import assert from 'node:assert/strict';
import test, { after, before } from 'node:test';
import { Server, expectError, passwordOf, setCookie, show } from './harness.mjs';

let srv;
before(async () => {
  srv = await Server.start({ name: 'session', users: { victim: ['auditor'] } });
});
after(async () => srv && srv.cleanup());

test('login sets an HttpOnly SameSite=Strict tuoyu_session cookie and returns the user and a csrf token', async () => {
  const res = await srv.post('/api/v1/session', { username: 'county_zhangwan', password: passwordOf('county_zhangwan') });
  assert.equal(res.status, 200, show(res));
  const c = setCookie(res, 'tuoyu_session');
  assert.ok(c, `no tuoyu_session cookie in ${JSON.stringify(res.setCookies)}`);
  assert.ok(c.value.length >= 32, 'session token is short');
  assert.ok(c.attrs.includes('httponly'), `cookie not HttpOnly: ${c.raw}`);
  assert.ok(c.attrs.includes('samesite=strict'), `cookie not SameSite=Strict: ${c.raw}`);
  const u = res.json.user;
  assert.equal(u.username, 'county_zhangwan');
  assert.equal(u.role, 'county_official');
  assert.equal(u.district, '420303');
  assert.ok(u.id != null);
  assert.ok('institution_id' in u);
  assert.equal(typeof res.json.csrf, 'string');
  assert.ok(res.json.csrf.length >= 16, 'csrf token is short');
  assert.ok(!res.text.includes(c.value), 'the body repeats the session token');
  assert.ok(!JSON.stringify(res.json).includes('password'), 'the body mentions the password');
});

test('the session cookie identifies the user on GET /api/v1/session', async () => {
  const s = await srv.login('city');
  const res = await srv.get('/api/v1/session', { cookie: s.cookie });
  assert.equal(res.status, 200, show(res));
  assert.deepEqual(res.json.user, s.user);
});

test('a JSON write with the session cookie needs the right X-CSRF-Token (else 403 csrf_token_invalid)', async () => {
  const s = await srv.login('admin');
  const write = (headers) =>
    srv.req('PATCH', '/api/v1/districts/420325', { cookie: s.cookie, json: { population: 314159 }, headers });
  expectError(await write({}), 403, 'csrf_token_invalid');
  expectError(await write({ 'X-CSRF-Token': 'not-the-token' }), 403, 'csrf_token_invalid');
  expectError(await write({ 'X-CSRF-Token': '' }), 403, 'csrf_token_invalid');
  const other = await srv.login('admin');
  expectError(await write({ 'X-CSRF-Token': other.csrf }), 403, 'csrf_token_invalid');
  const districts = await srv.get('/api/v1/public/districts');
  assert.notEqual(districts.json.items.find((d) => d.code === '420325').population, 314159, 'a refused write happened');
  const ok = await write({ 'X-CSRF-Token': s.csrf });
  assert.equal(ok.status, 200, show(ok));
  assert.equal(ok.json.population, 314159);
});

test('a bearer token needs no CSRF token', async () => {
  const res = await srv.req('PATCH', '/api/v1/districts/420325', { as: 'admin', json: { population: 271828 } });
  assert.equal(res.status, 200, show(res));
});

test('logout (DELETE /api/v1/session) answers 204 and the cookie stops working', async () => {
  const s = await srv.login('auditor');
  assert.equal((await srv.get('/api/v1/session', { cookie: s.cookie })).status, 200);
  const out = await srv.req('DELETE', '/api/v1/session', { cookie: s.cookie, headers: { 'X-CSRF-Token': s.csrf } });
  assert.equal(out.status, 204, show(out));
  expectError(await srv.get('/api/v1/session', { cookie: s.cookie }), 401, 'unauthenticated');
  expectError(await srv.get('/api/v1/institutions', { cookie: s.cookie }), 401, 'unauthenticated');
});

test('logging out one session leaves the others of the same user alone', async () => {
  const a = await srv.login('city');
  const b = await srv.login('city');
  assert.notEqual(a.cookie, b.cookie, 'two logins share one session');
  await srv.req('DELETE', '/api/v1/session', { cookie: a.cookie, headers: { 'X-CSRF-Token': a.csrf } });
  assert.equal((await srv.get('/api/v1/session', { cookie: b.cookie })).status, 200);
});

test('a wrong password and an unknown user are both 401 login_failed, with no cookie', async () => {
  for (const body of [
    { username: 'registrar', password: 'registrar-wrong-password' },
    { username: 'nobody-here', password: 'whatever-password' },
  ]) {
    const res = await srv.post('/api/v1/session', body);
    expectError(res, 401, 'login_failed');
    assert.equal(setCookie(res, 'tuoyu_session'), null, 'a failed login set a session cookie');
  }
});

test('a login body that is not JSON or lacks fields is refused (400/422), not 500', async () => {
  for (const body of ['{', '{"username":"admin"}', '{"username":1,"password":2}', '[]', '{"username":"admin","password":""}']) {
    const res = await srv.req('POST', '/api/v1/session', { body, headers: { 'Content-Type': 'application/json' } });
    assert.ok([400, 401, 422].includes(res.status), `${body}: ${show(res)}`);
    assert.equal(setCookie(res, 'tuoyu_session'), null);
  }
});

// Last: throttling is per account and per address, and every request here comes from 127.0.0.1.
test('repeated wrong passwords are throttled with 429, and then even the right one waits', async () => {
  let throttled = null;
  const statuses = [];
  for (let i = 0; i < 25 && !throttled; i++) {
    const res = await srv.post('/api/v1/session', { username: 'victim', password: `guess-number-${i}` });
    statuses.push(res.status);
    if (res.status === 429) throttled = res;
    else expectError(res, 401, 'login_failed');
  }
  assert.ok(throttled, `no 429 after ${statuses.length} wrong passwords: ${statuses.join(',')}`);
  expectError(throttled, 429, 'too_many_requests');
  assert.ok(statuses.length >= 3, 'throttled after fewer than three failures');
  const right = await srv.post('/api/v1/session', { username: 'victim', password: passwordOf('victim') });
  expectError(right, 429, 'too_many_requests');
  // Tokens are not throttled by failed logins.
  assert.equal((await srv.get('/api/v1/session', { as: 'victim' })).status, 200);
});

test('the server stops on SIGTERM with exit code 0', async () => {
  await srv.stop();
});
