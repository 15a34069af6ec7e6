// Who may call what: for every route of the contract, the allowed roles succeed, every other role gets 403,
// no credentials get 401, and officials or operators outside their territory get 404.
//
// Territory: institution A (张湾区 420303) has a submitted filing fA by operator_a; institution B (茅箭区 420302)
// is filed, operated by operator_b. county_zhangwan is A's county, county_maojian is not.
import assert from 'node:assert/strict';
import test, { after, before } from 'node:test';
import { Server, show } from './harness.mjs';
import { FILES, addOperator, dossier, fileInstitution, register, registration, submit } from './fixtures.mjs';

let srv;
const ctx = {};
const ROLES = [
  'admin',
  'city',
  'county_zhangwan',
  'county_maojian',
  'registrar',
  'inspector',
  'operator_a',
  'operator_b',
  'auditor',
];

before(async () => {
  srv = await Server.start({ name: 'access' });
  const a = await register(srv, { district_code: '420303' });
  ctx.a = a.institution_id;
  await srv.addUser('operator_a', 'operator', { institution: ctx.a });
  const b = await fileInstitution(srv, { county: 'county_maojian', reg: { district_code: '420302' } });
  ctx.b = b.institutionId;
  await srv.addUser('operator_b', 'operator', { institution: ctx.b });
  ctx.fA = (await submit(srv, ctx.a, 'operator_a', dossier())).id;
  // Fresh tokens for DELETE /api/v1/session, which may end the token's session.
  ctx.throwaway = {};
  for (const r of ROLES) ctx.throwaway[r] = await srv.createToken(r);
});
after(async () => srv && srv.cleanup());

const OFFICIALS = ['admin', 'city', 'county_zhangwan', 'auditor'];

/**
 * One row per route. allow: role → expected status(es) for an allowed caller; every role not named gets 403,
 * and a request without credentials gets `anon` (401 unless public). Each request is built by `req(role)` so
 * writes can be fresh for each caller. Rows that change state come last.
 */
function routes() {
  const pdf = { body: FILES.pdf.data, headers: { 'Content-Type': FILES.pdf.type } };
  let userSerial = 0;
  return [
    { name: 'GET /healthz', method: 'GET', path: '/healthz', allow: all(200), anon: 200 },
    { name: 'GET /metrics (from loopback)', method: 'GET', path: '/metrics', allow: all(200), anon: 200 },
    { name: 'GET /api/v1/session', method: 'GET', path: '/api/v1/session', allow: all(200) },
    { name: 'GET /api/v1/public/districts', method: 'GET', path: '/api/v1/public/districts', allow: all(200), anon: 200 },
    {
      name: 'GET /api/v1/public/institutions',
      method: 'GET',
      path: '/api/v1/public/institutions',
      allow: all(200),
      anon: 200,
    },
    {
      name: 'GET /api/v1/public/institutions/{filed}',
      method: 'GET',
      path: () => `/api/v1/public/institutions/${ctx.b}`,
      allow: all(200),
      anon: 200,
    },
    {
      name: 'GET /api/v1/public/institutions/{unfiled} is 404 for everyone',
      method: 'GET',
      path: () => `/api/v1/public/institutions/${ctx.a}`,
      allow: all(404),
      anon: 404,
    },
    {
      name: 'GET /api/v1/institutions',
      method: 'GET',
      path: '/api/v1/institutions',
      allow: { ...of(OFFICIALS, 200), county_maojian: 200 },
    },
    {
      name: 'GET /api/v1/institutions/unfiled',
      method: 'GET',
      path: '/api/v1/institutions/unfiled',
      allow: { ...of(OFFICIALS, 200), county_maojian: 200 },
    },
    {
      name: 'GET /api/v1/institutions/{id}',
      method: 'GET',
      path: () => `/api/v1/institutions/${ctx.a}`,
      allow: { ...of(OFFICIALS, 200), operator_a: 200, county_maojian: 404, operator_b: [403, 404] },
    },
    {
      name: 'GET /api/v1/institutions/{id}/filings',
      method: 'GET',
      path: () => `/api/v1/institutions/${ctx.a}/filings`,
      allow: { ...of(OFFICIALS, 200), operator_a: 200, county_maojian: 404, operator_b: 404 },
    },
    {
      name: 'GET /api/v1/filings?status=submitted',
      method: 'GET',
      path: '/api/v1/filings?status=submitted',
      allow: { ...of(OFFICIALS, 200), county_maojian: 200 },
    },
    {
      name: 'GET /api/v1/filings/{id}',
      method: 'GET',
      path: () => `/api/v1/filings/${ctx.fA}`,
      allow: { ...of(OFFICIALS, 200), operator_a: 200, county_maojian: 404, operator_b: 404 },
    },
    {
      name: 'GET /api/v1/dashboard',
      method: 'GET',
      path: '/api/v1/dashboard',
      allow: { ...of(OFFICIALS, 200), county_maojian: 200 },
    },
    {
      name: 'PATCH /api/v1/districts/{code}',
      method: 'PATCH',
      path: '/api/v1/districts/420303',
      opts: () => ({ json: { population: 400000 } }),
      allow: { admin: 200 },
    },
    {
      name: 'POST /api/v1/registrations',
      method: 'POST',
      path: '/api/v1/registrations',
      opts: () => ({ json: registration() }),
      allow: { registrar: 201 },
    },
    {
      name: 'POST /api/v1/users',
      method: 'POST',
      path: '/api/v1/users',
      opts: () => ({
        json: {
          username: `made_by_api_${++userSerial}`,
          role: 'auditor',
          district: null,
          institution_id: null,
          password: 'a-long-enough-password',
        },
      }),
      allow: { admin: 201 },
    },
    {
      name: 'POST /api/v1/filings/{id}/attachments',
      method: 'POST',
      path: () => `/api/v1/filings/${ctx.fA}/attachments?kind=filing_form`,
      opts: () => pdf,
      allow: { operator_a: 201, operator_b: 404 },
    },
    {
      // fA has one attachment of seven, so an allowed approval is refused with a documented 422.
      name: 'POST /api/v1/filings/{id}/decision',
      method: 'POST',
      path: () => `/api/v1/filings/${ctx.fA}/decision`,
      opts: () => ({ json: { decision: 'approve' } }),
      allow: { county_zhangwan: 422, county_maojian: 404 },
    },
    {
      // Last: a new submission supersedes fA.
      name: 'POST /api/v1/institutions/{id}/filings',
      method: 'POST',
      path: () => `/api/v1/institutions/${ctx.a}/filings`,
      opts: () => ({ json: dossier() }),
      allow: { operator_a: 201, operator_b: 404 },
    },
  ];
}
function all(status) {
  return of(ROLES, status);
}
function of(roles, status) {
  return Object.fromEntries(roles.map((r) => [r, status]));
}

test('every route: allowed roles succeed, other roles 403, no credentials 401, other territory 404', async (t) => {
  for (const route of routes()) {
    await t.test(route.name, async () => {
      const path = typeof route.path === 'function' ? route.path() : route.path;
      const opts = route.opts || (() => ({}));
      const anon = await srv.req(route.method, path, opts());
      assert.equal(anon.status, route.anon ?? 401, `${route.name} without credentials: ${show(anon)}`);
      // Forbidden roles first, so an allowed write cannot change what they would see.
      const order = [...ROLES.filter((r) => !(r in route.allow)), ...ROLES.filter((r) => r in route.allow)];
      for (const role of order) {
        const res = await srv.req(route.method, path, { ...opts(), as: role });
        const want = route.allow[role] ?? 403;
        const ok = Array.isArray(want) ? want.includes(res.status) : res.status === want;
        assert.ok(ok, `${route.name} as ${role}: expected ${JSON.stringify(want)}, got ${show(res)}`);
        if (res.status === 403) assert.equal(res.json?.error?.code, 'forbidden', `${route.name} as ${role}`);
        if (res.status === 404) assert.equal(res.json?.error?.code, 'not_found', `${route.name} as ${role}`);
      }
    });
  }
});

test('DELETE /api/v1/session: any user 204, no credentials 401', async () => {
  const anon = await srv.req('DELETE', '/api/v1/session');
  assert.equal(anon.status, 401, show(anon));
  for (const role of ROLES) {
    const res = await srv.req('DELETE', '/api/v1/session', { token: ctx.throwaway[role] });
    assert.equal(res.status, 204, `as ${role}: ${show(res)}`);
  }
});

test('GET /api/v1/session tells each account who it is', async () => {
  const expect = {
    admin: ['admin', null, null],
    city: ['city_official', null, null],
    county_zhangwan: ['county_official', '420303', null],
    county_maojian: ['county_official', '420302', null],
    registrar: ['registrar', null, null],
    inspector: ['inspector', '420303', null],
    operator_a: ['operator', null, ctx.a],
    auditor: ['auditor', null, null],
  };
  for (const [name, [role, district, inst]] of Object.entries(expect)) {
    const res = await srv.get('/api/v1/session', { as: name });
    assert.equal(res.status, 200, show(res));
    const u = res.json.user;
    assert.equal(u.username, name);
    assert.equal(u.role, role);
    assert.equal(u.district ?? null, district, `${name}.district`);
    assert.equal(u.institution_id == null ? null : String(u.institution_id), inst == null ? null : String(inst), `${name}.institution_id`);
    assert.ok(u.id != null, `${name}.id missing`);
  }
});

test('a user created through the API can be given a token and use it', async () => {
  const res = await srv.post(
    '/api/v1/users',
    { username: 'api_county', role: 'county_official', district: '420302', institution_id: null, password: 'another-long-password' },
    { as: 'admin' }
  );
  assert.equal(res.status, 201, show(res));
  assert.ok(res.json.id != null, show(res));
  srv.tokens.api_county = await srv.createToken('api_county');
  const me = await srv.get('/api/v1/session', { as: 'api_county' });
  assert.equal(me.json.user.district, '420302');
  // A second account of the same name is refused; the first keeps working.
  const again = await srv.post(
    '/api/v1/users',
    { username: 'api_county', role: 'auditor', district: null, institution_id: null, password: 'another-long-password' },
    { as: 'admin' }
  );
  assert.ok([409, 422].includes(again.status), `duplicate username: ${show(again)}`);
});

test('POST /api/v1/users refuses short passwords and role/territory mismatches', async () => {
  const bad = [
    [{ username: 'u1', role: 'auditor', district: null, institution_id: null, password: 'short' }, 'password'],
    [{ username: 'u2', role: 'county_official', district: null, institution_id: null, password: 'long-enough-pw' }, 'district'],
    [{ username: 'u3', role: 'operator', district: null, institution_id: null, password: 'long-enough-pw' }, 'institution_id'],
    [{ username: 'u4', role: 'king', district: null, institution_id: null, password: 'long-enough-pw' }, 'role'],
    [{ username: 'u5', role: 'county_official', district: '110101', institution_id: null, password: 'long-enough-pw' }, 'district'],
  ];
  for (const [body, field] of bad) {
    const res = await srv.post('/api/v1/users', body, { as: 'admin' });
    assert.equal(res.status, 422, `${JSON.stringify(body)}: ${show(res)}`);
    const fields = res.json.error.fields.map((f) => f.field);
    assert.ok(fields.includes(field), `${JSON.stringify(body)} should name ${field}: ${show(res)}`);
  }
});

test('an operator cannot be created for an institution that does not exist', async () => {
  const res = await srv.post(
    '/api/v1/users',
    { username: 'ghost_op', role: 'operator', district: null, institution_id: 987654, password: 'long-enough-pw' },
    { as: 'admin' }
  );
  assert.ok([404, 422].includes(res.status), show(res));
});

test('officials lists are cut to their district for county officials', async () => {
  const other = await register(srv, { district_code: '420302' });
  await addOperator(srv, other.institution_id);
  for (const [who, own] of [
    ['county_zhangwan', '420303'],
    ['county_maojian', '420302'],
  ]) {
    const res = await srv.get('/api/v1/institutions', { as: who });
    assert.equal(res.status, 200);
    assert.ok(res.json.items.length > 0, `${who} sees nothing`);
    for (const i of res.json.items) assert.equal(i.district_code, own, `${who} sees ${i.district_code}`);
    // Asking for another district explicitly does not widen the view.
    const wide = await srv.get(`/api/v1/institutions?district=${own === '420303' ? '420302' : '420303'}`, { as: who });
    assert.ok([200, 403, 404].includes(wide.status), show(wide));
    if (wide.status === 200) assert.equal(wide.json.items.length, 0, `${who} sees another district by filter`);
  }
  const city = await srv.get('/api/v1/institutions', { as: 'city' });
  const districts = new Set(city.json.items.map((i) => i.district_code));
  assert.ok(districts.has('420302') && districts.has('420303'), 'city official does not see the whole city');
  assert.equal(city.json.total, city.json.items.length);
});

test('the server stops on SIGTERM with exit code 0', async () => {
  await srv.stop();
});
