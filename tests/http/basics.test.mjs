// The plumbing every request goes through: health, metrics, security headers, unknown paths, wrong methods,
// missing or bad credentials, and a clean stop.
import assert from 'node:assert/strict';
import test, { after, before } from 'node:test';
import { Server, expectError, show } from './harness.mjs';

let srv;
before(async () => {
  srv = await Server.start({ name: 'basics' });
});
after(async () => srv && srv.cleanup());

test('healthz answers 200 {"status":"ok"} without credentials', async () => {
  const res = await srv.get('/healthz');
  assert.equal(res.status, 200, show(res));
  assert.match(res.headers.get('content-type') || '', /application\/json/);
  assert.deepEqual(res.json, { status: 'ok' });
});

/** Sum of every sample of one metric in a Prometheus text exposition. */
function metricSum(text, name) {
  let sum = 0;
  let seen = false;
  for (const line of text.split('\n')) {
    if (line.startsWith('#')) continue;
    const m = line.match(/^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})?\s+(\S+)/);
    if (m && m[1] === name) {
      seen = true;
      sum += Number(m[3]);
    }
  }
  return seen ? sum : null;
}

test('metrics from loopback is Prometheus text whose request counter grows', async () => {
  const first = await srv.get('/metrics');
  assert.equal(first.status, 200, show(first));
  assert.match(first.headers.get('content-type') || '', /^text\/plain/);
  assert.match(first.text, /^# TYPE tuoyu_http_requests_total counter$/m);
  const before = metricSum(first.text, 'tuoyu_http_requests_total');
  assert.ok(before !== null && Number.isFinite(before), 'no tuoyu_http_requests_total sample');
  for (let i = 0; i < 5; i++) await srv.get('/healthz');
  const second = await srv.get('/metrics');
  const afterCount = metricSum(second.text, 'tuoyu_http_requests_total');
  assert.ok(afterCount >= before + 5, `counter went from ${before} to ${afterCount} after 5 requests`);
});

/** Asserts the security headers the contract asks of every response. */
function assertSecurityHeaders(res, what) {
  const csp = res.headers.get('content-security-policy');
  assert.ok(csp, `${what}: no Content-Security-Policy`);
  assert.match(csp, /frame-ancestors 'none'/, `${what}: CSP ${csp}`);
  const directives = Object.fromEntries(
    csp
      .split(';')
      .map((d) => d.trim().split(/\s+/))
      .filter((d) => d[0])
      .map(([k, ...v]) => [k.toLowerCase(), v])
  );
  const scriptSrc = directives['script-src'] || directives['default-src'];
  assert.ok(scriptSrc, `${what}: CSP restricts no scripts (neither script-src nor default-src): ${csp}`);
  assert.ok(!scriptSrc.includes("'unsafe-inline'"), `${what}: scripts allow 'unsafe-inline': ${csp}`);
  assert.ok(!scriptSrc.includes("'unsafe-eval'"), `${what}: scripts allow 'unsafe-eval': ${csp}`);
  assert.equal(res.headers.get('x-content-type-options'), 'nosniff', `${what}: X-Content-Type-Options`);
  const rp = res.headers.get('referrer-policy');
  assert.ok(rp && rp !== 'unsafe-url', `${what}: Referrer-Policy ${rp}`);
}

test('every kind of response carries CSP, nosniff and Referrer-Policy', async () => {
  const cases = [
    ['GET', '/healthz', 200],
    ['GET', '/metrics', 200],
    ['GET', '/', 200],
    ['GET', '/login', 200],
    ['GET', '/static/tuoyu.css', 200],
    ['GET', '/api/v1/public/districts', 200],
    ['GET', '/api/v1/public/institutions', 200],
    ['GET', '/api/v1/no-such-thing', 404],
    ['GET', '/no-such-page', 404],
    ['PUT', '/healthz', 405],
    ['GET', '/api/v1/institutions', 401],
    ['POST', '/api/v1/registrations', 400, { body: '{', headers: { 'Content-Type': 'application/json' }, as: 'registrar' }],
  ];
  for (const [method, path, status, opts] of cases) {
    const res = await srv.req(method, path, opts);
    assert.equal(res.status, status, `${method} ${path}: ${show(res)}`);
    assertSecurityHeaders(res, `${method} ${path} (${res.status})`);
  }
});

test('static stylesheet is served as text/css', async () => {
  const res = await srv.get('/static/tuoyu.css');
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type') || '', /^text\/css/);
  assert.ok(res.text.length > 0, 'empty stylesheet');
});

test('an unknown API path is 404 not_found in the JSON error shape', async () => {
  for (const path of ['/api/v1/nothing-here', '/api/v2/institutions', '/api/v1/institutions/12/nope']) {
    expectError(await srv.get(path, { as: 'admin' }), 404, 'not_found');
  }
});

test('ids that are not numbers or do not exist are 404, not 400 or 500', async () => {
  for (const path of [
    '/api/v1/institutions/abc',
    '/api/v1/institutions/999999',
    '/api/v1/institutions/-1',
    '/api/v1/institutions/1%27%20OR%201=1',
    '/api/v1/filings/999999',
    '/api/v1/filings/99999999999999999999999',
    '/api/v1/public/institutions/999999',
  ]) {
    const res = await srv.get(path, { as: 'admin' });
    expectError(res, 404, 'not_found');
  }
});

test('a wrong method on a known path is 405 method_not_allowed', async () => {
  const cases = [
    ['PUT', '/healthz'],
    ['POST', '/healthz'],
    ['DELETE', '/api/v1/public/districts'],
    ['POST', '/api/v1/public/institutions'],
    ['GET', '/api/v1/registrations'],
    ['DELETE', '/api/v1/institutions'],
    ['PUT', '/api/v1/session'],
  ];
  for (const [method, path] of cases) {
    const res = await srv.req(method, path, { as: 'admin' });
    // API paths answer in the JSON error shape; others may answer with an HTML page.
    if (path.startsWith('/api/')) expectError(res, 405, 'method_not_allowed');
    else assert.equal(res.status, 405, `${method} ${path}: ${show(res)}`);
  }
});

test('missing, malformed and unknown credentials are 401 unauthenticated', async () => {
  const cases = [
    {},
    { headers: { Authorization: 'Bearer ' } },
    { headers: { Authorization: 'Bearer not-a-real-token-0123456789abcdef' } },
    { headers: { Authorization: `Basic ${Buffer.from('admin:x').toString('base64')}` } },
    { headers: { Authorization: `Bearer ${srv.tokens.admin}x` } },
    { headers: { Cookie: 'tuoyu_session=forged0123456789abcdef0123456789abcdef0123' } },
  ];
  for (const opts of cases) {
    const res = await srv.get('/api/v1/institutions', opts);
    expectError(res, 401, 'unauthenticated');
  }
});

test('command line: bad arguments print one line on stderr and exit 2', async () => {
  const { cli } = await import('./harness.mjs');
  const cases = [
    [],
    ['frobnicate'],
    ['serve'],
    ['init'],
    ['user', 'add', '--db', srv.db, '--username', 'x'],
    ['token', 'create', '--db', srv.db],
    ['serve', '--db', srv.db, '--listen', 'not-an-address'],
    ['audit'],
  ];
  for (const args of cases) {
    const r = await cli(args);
    assert.equal(r.code, 2, `tuoyu ${args.join(' ')} exited ${r.code}: ${r.stderr}`);
    const lines = r.stderr.trim().split('\n');
    assert.equal(lines.length, 1, `tuoyu ${args.join(' ')}: stderr is not one line: ${r.stderr}`);
    assert.ok(lines[0].length > 0, `tuoyu ${args.join(' ')}: nothing on stderr`);
  }
});

test('command line: user add refuses a password under 10 characters and an operator without institution', async () => {
  const { cli } = await import('./harness.mjs');
  const short = srv.passwordFile('shorty', '123456789');
  let r = await cli(['user', 'add', '--db', srv.db, '--username', 'shorty', '--role', 'auditor', '--password-file', short]);
  assert.notEqual(r.code, 0, 'a 9-character password was accepted');
  const ok = srv.passwordFile('opx');
  r = await cli(['user', 'add', '--db', srv.db, '--username', 'opx', '--role', 'operator', '--password-file', ok]);
  assert.notEqual(r.code, 0, 'an operator without --institution was accepted');
  r = await cli(['user', 'add', '--db', srv.db, '--username', 'cx', '--role', 'county_official', '--password-file', ok]);
  assert.notEqual(r.code, 0, 'a county official without --district was accepted');
  r = await cli(['user', 'add', '--db', srv.db, '--username', 'cy', '--role', 'county_official', '--district', '110101', '--password-file', ok]);
  assert.notEqual(r.code, 0, 'a county official of a district outside 十堰 was accepted');
  r = await cli(['user', 'add', '--db', srv.db, '--username', 'cz', '--role', 'emperor', '--password-file', ok]);
  assert.notEqual(r.code, 0, 'an unknown role was accepted');
});

test('the public district list names the ten districts of 十堰', async () => {
  const res = await srv.get('/api/v1/public/districts');
  assert.equal(res.status, 200, show(res));
  const byCode = Object.fromEntries(res.json.items.map((d) => [d.code, d]));
  const { DISTRICTS } = await import('./fixtures.mjs');
  for (const [code, name] of Object.entries(DISTRICTS)) {
    assert.ok(byCode[code], `district ${code} missing`);
    assert.equal(byCode[code].name, name);
    assert.ok('population' in byCode[code], `district ${code} has no population`);
  }
  assert.equal(res.json.items.length, 10, 'more or fewer than the ten districts');
});

test('admin sets a district population; a negative or non-integer one is 422', async () => {
  let res = await srv.req('PATCH', '/api/v1/districts/420303', { as: 'admin', json: { population: 412345 } });
  assert.equal(res.status, 200, show(res));
  assert.equal(res.json.population, 412345);
  const list = await srv.get('/api/v1/public/districts');
  assert.equal(list.json.items.find((d) => d.code === '420303').population, 412345);
  for (const population of [-1, 1.5, '412345', null]) {
    res = await srv.req('PATCH', '/api/v1/districts/420303', { as: 'admin', json: { population } });
    expectError(res, 422, 'validation_failed');
  }
  res = await srv.req('PATCH', '/api/v1/districts/110101', { as: 'admin', json: { population: 1 } });
  expectError(res, 404, 'not_found');
});

test('the server stops on SIGTERM with exit code 0', async () => {
  await srv.stop();
});
