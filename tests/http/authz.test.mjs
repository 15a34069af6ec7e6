// The authorization matrix (issue 9): every route of the compiled route table — read from `tuoyu routes`, so a
// new route is in the matrix the day it is added, with the roles the table gives it — called as every role and
// anonymously, and the answer checked against the table:
//   - a role the route allows is let through: any status but 401/403 (a 404 for an id that does not exist, a
//     422 for the empty body, a 409 … all count: the router said yes and the handler ran); the few routes whose
//     handler refuses an allowed role by design are listed in HANDLER_FORBIDS with the reason;
//   - a role it does not allow gets 403 (the router answers before the handler runs, and before the CSRF check);
//   - no credentials: 401 for the API, the redirect to /login for pages; public routes let everyone through;
//   - /metrics (ROUTE_LOOPBACK_OR_ADMIN) answers anyone on loopback — the tests connect from 127.0.0.1, so it
//     counts as open here; from another address only an admin gets it (router.c, not testable from loopback);
//   - nothing answers 5xx, whatever the role, with the empty or minimal body of every write.
// On top, the territory checked inside the handlers. Institution A is filed in 张湾区 (420303), operated by
// `operator`, and has one of each cheap resource (filing, class, staff member, incident, completed inspection
// with a finding, rectification order with evidence, pending change, kept version, subsidy, demonstration
// application, requested deregistration). Outsiders — county_maojian (茅箭区), inspector_maojian (茅箭区) and
// operator_b (another institution's operator) — call every route whose path names A or one of these (SCOPED,
// checked against the table by prefix) and must get 403 or 404, while A's own people with the same roles read
// each of them with 200. And no answer an outsider gets from a non-public route may contain A's name or USCC.
//
// Requests: JSON routes with a bearer token and `{}` as the body of writes; pages with a cookie session and,
// for forms, the CSRF field only. Per route the denied callers go first, so an allowed write cannot change what
// they see. POST /logout (ends its cookie session: a second session per account) and DELETE /api/v1/session
// run last. The counts and the time go to the test's diagnostics.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import test, { after, before } from 'node:test';
import { ENGINE, Server, cliOk, show } from './harness.mjs';
import { FILES, cstDay, fileInstitution, idNumber, institutionWithOperator } from './fixtures.mjs';

/** The eight roles, by the account that plays each; null = no credentials. */
const ROLE_ACCOUNTS = {
  anonymous: null,
  admin: 'admin',
  city_official: 'city',
  county_official: 'county_zhangwan',
  registrar: 'registrar',
  inspector: 'inspector',
  operator: 'operator', // A's operator
  auditor: 'auditor',
  unit_officer: 'unit', // an officer of the joint meeting's office (health_commission): the widest unit rights
};
/** Outsiders to institution A: their role's expectation everywhere, and denied on SCOPED routes. */
const OUTSIDERS = { county_maojian: 'county_official', operator_b: 'operator', inspector_maojian: 'inspector' };

/**
 * Every route whose path names institution A or one of its resources. The outsiders must get 403 or 404 on
 * each. The test fails when a route under these prefixes is not listed here (or a listed one is gone).
 */
const SCOPE_PREFIXES = [
  '/api/v1/institutions/{id}',
  '/dash/institutions/{id}',
  '/api/v1/filings/{id}',
  '/dash/filings/{id}',
  '/api/v1/classes/{id}',
  '/api/v1/incidents/{id}',
  '/dash/incidents/{id}',
  '/api/v1/inspections/{id}',
  '/dash/inspections/{id}',
  '/api/v1/changes/{id}',
  '/dash/lifecycle/changes/{id}',
  '/api/v1/staff/{id}',
  '/api/v1/subsidies/{id}',
  '/api/v1/demonstrations/{id}',
  '/api/v1/deregistrations/{id}',
  '/dash/lifecycle/deregistrations/{id}',
  '/dash/support/{code}/{id}',
  '/api/v1/findings/{id}',
  '/api/v1/rectifications/{id}',
  '/dash/rectifications/{id}',
  '/operator/rectifications/{id}',
];
const SCOPED = [
  'GET /api/v1/institutions/{id}',
  'PATCH /api/v1/institutions/{id}',
  'POST /api/v1/institutions/{id}/filings',
  'GET /api/v1/institutions/{id}/filings',
  'GET /api/v1/filings/{id}',
  'POST /api/v1/filings/{id}/attachments',
  'POST /api/v1/filings/{id}/decision',
  'GET /api/v1/filings/{id}/receipt.pdf',
  'GET /api/v1/institutions/{id}/staff',
  'POST /api/v1/institutions/{id}/staff',
  'GET /api/v1/institutions/{id}/classes',
  'POST /api/v1/institutions/{id}/classes',
  'GET /api/v1/institutions/{id}/children',
  'POST /api/v1/institutions/{id}/children',
  'GET /api/v1/institutions/{id}/checks-due',
  'POST /api/v1/institutions/{id}/imports/staff',
  'POST /api/v1/institutions/{id}/imports/children',
  'GET /api/v1/institutions/{id}/findings',
  'POST /api/v1/institutions/{id}/inspections',
  'GET /api/v1/institutions/{id}/inspections',
  'GET /api/v1/institutions/{id}/rectifications',
  'POST /api/v1/institutions/{id}/incidents',
  'POST /api/v1/institutions/{id}/credit-records',
  'POST /api/v1/institutions/{id}/fees',
  'GET /api/v1/institutions/{id}/fees',
  'GET /api/v1/institutions/{id}/annual-reviews/{id}/prefill',
  'POST /api/v1/institutions/{id}/annual-reviews',
  'POST /api/v1/institutions/{id}/changes',
  'GET /api/v1/institutions/{id}/versions',
  'GET /api/v1/institutions/{id}/versions/{id}',
  'POST /api/v1/institutions/{id}/deregistration',
  'POST /api/v1/institutions/{id}/quality-assessments',
  'GET /api/v1/institutions/{id}/quality',
  'GET /api/v1/institutions/{id}/policy',
  'PATCH /api/v1/institutions/{id}/policy',
  'POST /api/v1/institutions/{id}/policy/confirm',
  'GET /dash/institutions/{id}',
  'GET /dash/institutions/{id}/people',
  'GET /dash/institutions/{id}/dashboard',
  'GET /dash/filings/{id}',
  'POST /dash/filings/{id}/decision',
  'PATCH /api/v1/classes/{id}',
  'GET /api/v1/incidents/{id}',
  'POST /api/v1/incidents/{id}/notes',
  'POST /api/v1/incidents/{id}/close',
  'GET /dash/incidents/{id}',
  'POST /dash/incidents/{id}',
  'GET /api/v1/inspections/{id}',
  'POST /api/v1/inspections/{id}/results',
  'POST /api/v1/inspections/{id}/cancel',
  'GET /dash/inspections/{id}',
  'POST /dash/inspections/{id}/results',
  'POST /dash/inspections/{id}/cancel',
  'GET /api/v1/changes/{id}',
  'POST /api/v1/changes/{id}/decision',
  'POST /dash/lifecycle/changes/{id}',
  'GET /api/v1/staff/{id}',
  'PATCH /api/v1/staff/{id}',
  'POST /api/v1/staff/{id}/certificates',
  'POST /api/v1/staff/{id}/health-checks',
  'GET /api/v1/subsidies/{id}',
  'POST /api/v1/subsidies/{id}/decision',
  'POST /api/v1/subsidies/{id}/payment',
  'GET /api/v1/demonstrations/{id}',
  'POST /api/v1/demonstrations/{id}/decision',
  'GET /api/v1/deregistrations/{id}',
  'POST /api/v1/deregistrations/{id}/decision',
  'POST /dash/lifecycle/deregistrations/{id}',
  'POST /dash/support/{code}/{id}',
  'POST /api/v1/findings/{id}/rectification',
  'GET /api/v1/rectifications/{id}',
  'POST /api/v1/rectifications/{id}/evidence',
  'GET /api/v1/rectifications/{id}/evidence/{id}',
  'POST /api/v1/rectifications/{id}/answer',
  'POST /api/v1/rectifications/{id}/verify',
  'GET /dash/rectifications/{id}',
  'POST /dash/rectifications/{id}/verify',
  'POST /operator/rectifications/{id}/answer',
];

/**
 * Calls whose allowed answer is a 403 from the handler, by design (the router lets the role in; a rule inside
 * refuses this caller or this request). Key: 'METHOD pattern as account', or 'METHOD pattern' for every caller;
 * value: the reason. Kept short and explicit: anything else that answers an allowed role 403 fails the test.
 */
const HANDLER_FORBIDS = {
  'POST /login':
    'public, but the form carries its own login token (tuoyu_csrf cookie + field, from GET /login): 403 without it',
  'GET /api/v1/changes as registrar':
    'registrars read the change feed (?since=SEQ), not the information-change requests; without ?since: 403',
};

/** Reads of A's resources by A's own people that are not 200, by design ('METHOD pattern as account' →
 * reason). None today. */
const INSIDER_MISSES = {};

const NONE = '999999999'; // an id that exists nowhere
let srv;
const fx = {}; // the fixture: ids and names
const cookies = {}; // account → { cookie, csrf } (a cookie session per account)
const logoutCookies = {}; // account → a second session, for POST /logout
let table;

before(async () => {
  srv = await Server.start({ name: 'authz' });
  table = JSON.parse((await cliOk(['routes'])).stdout);
  const a = await fileInstitution(srv, { county: 'county_zhangwan', reg: { district_code: '420303' } });
  fx.inst = a.institutionId;
  fx.filing = a.filingId;
  fx.name = a.reg.body.name;
  fx.uscc = a.reg.body.uscc;
  await srv.addUser('operator', 'operator', { institution: fx.inst });
  const b = await institutionWithOperator(srv, { district_code: '420303' });
  await srv.addUser('operator_b', 'operator', { institution: b.institutionId });
  await srv.addUser('inspector_maojian', 'inspector', { district: '420302' });
  await srv.addUser('unit', 'unit_officer', { unit: 'health_commission' });
  // A's other resources, so that the routes about them are called with real ids.
  const create = async (url, body, as = 'operator') => {
    const res = await srv.post(url, body, { as });
    assert.equal(res.status, 201, `${url}: ${show(res)}`);
    return res.json.id;
  };
  const inst = `/api/v1/institutions/${fx.inst}`;
  const year = (fx.year = Number(cstDay(0).slice(0, 4)));
  fx.class = await create(`${inst}/classes`, { name: '托大一班', type: 'older', capacity: 10 });
  fx.incident = await create(`${inst}/incidents`, {
    type: 'injury',
    severity: 'minor',
    occurred_at: Math.floor(Date.now() / 1000) - 3600,
    children_affected: 1,
    description: '户外活动时一名幼儿膝盖擦伤。',
    actions_taken: '清洗消毒并通知家长。',
  });
  // A completed inspection with one finding, and the rectification order of that finding.
  fx.inspection = await create(`${inst}/inspections`, { kind: 'routine' }, 'inspector');
  const insp = (await srv.get(`/api/v1/inspections/${fx.inspection}`, { as: 'inspector' })).json;
  const tmpl = (await srv.get(`/api/v1/checklist-templates/${insp.template_id}`, { as: 'inspector' })).json;
  const [first, ...rest] = tmpl.items;
  const results = await srv.post(
    `/api/v1/inspections/${fx.inspection}/results`,
    {
      inspected_on: cstDay(0),
      items: [{ code: first.code, result: 'fail' }, ...rest.map((i) => ({ code: i.code, result: 'pass' }))],
      findings: [{ item_code: first.code, severity: 'critical', clause: first.clause, description: '消防通道被堵塞' }],
    },
    { as: 'inspector' }
  );
  assert.ok([200, 201].includes(results.status), show(results));
  fx.finding = (await srv.get(`/api/v1/inspections/${fx.inspection}`, { as: 'inspector' })).json.findings[0].id;
  fx.rect = await create(
    `/api/v1/findings/${fx.finding}/rectification`,
    { deadline_on: cstDay(-10), requirement: '限期整改' },
    'inspector'
  );
  const evidence = await srv.req('POST', `/api/v1/rectifications/${fx.rect}/evidence?filename=photo.pdf`, {
    as: 'operator',
    body: FILES.pdf.data,
    headers: { 'Content-Type': FILES.pdf.type },
  });
  assert.equal(evidence.status, 201, show(evidence));
  fx.evidence = evidence.json.id;
  // An approved change keeps A's versions; a second one stays pending for the decision routes.
  const applied = await create(`${inst}/changes`, { changes: { places: 40 }, reason: '调整托位' });
  const ok = await srv.post(`/api/v1/changes/${applied}/decision`, { decision: 'approve' }, { as: 'county_zhangwan' });
  assert.equal(ok.status, 200, show(ok));
  fx.version = ok.json.applied_version;
  fx.change = await create(`${inst}/changes`, { changes: { places: 42 }, reason: '调整托位' });
  fx.staff = await create(`${inst}/staff`, {
    name: '李保育',
    id_number: idNumber('1990-05-01', 7),
    role: 'caregiver',
    hired_on: '2025-03-01',
    phone: '13812345678',
    education: 'junior_college',
    experience_years: 4,
  });
  fx.subsidy = await create('/api/v1/subsidies', {
    institution_id: fx.inst,
    year,
    type: 'operating',
    amount_fen: 3600000,
    places: 30,
    basis: '普惠托位运营补贴',
  });
  const statement = '普惠性托育机构，保育质量评估良好。';
  fx.demonstration = await create('/api/v1/demonstrations', { year, statement });
  // Last: a requested deregistration (not decided: A stays open).
  fx.dereg = await create(`${inst}/deregistration`, {
    planned_on: cstDay(-30),
    reason: '举办者停止办托',
    placement_plan: '在托婴幼儿转入邻近备案机构',
  });
  for (const account of [...Object.values(ROLE_ACCOUNTS).filter(Boolean), ...Object.keys(OUTSIDERS)]) {
    for (const jar of [cookies, logoutCookies]) {
      const s = await srv.login(account);
      assert.ok(s.cookie && s.csrf, `login ${account}: ${show(s.res)}`);
      jar[account] = { cookie: s.cookie, csrf: s.csrf };
    }
  }
});
after(async () => srv && srv.cleanup());

/** A response in one line, for the list of failures. */
const brief = (res) => {
  const title = /<title>([^<]*)<\/title>/.exec(res.text)?.[1];
  return `${res.status} ${title ? `page «${title}»` : res.text.slice(0, 200)}`;
};
const key = (r) => `${r.method} ${r.pattern}`;
const has = (r, flag) => r.flags.includes(flag);

/**
 * The path to call for a pattern: A's ids where the route is about A or one of its resources, a code the
 * handler answers where there is a {code}, and elsewhere ids that exist nowhere (the router decides before the
 * handler looks the id up). The first matching rule wins; leftovers: {code} → nosuchcode, {id} → NONE.
 */
function concrete(pattern) {
  const rules = [
    ['/api/v1/institutions/{id}/annual-reviews/{id}', `/api/v1/institutions/${fx.inst}/annual-reviews/${fx.year}`],
    ['/api/v1/institutions/{id}/versions/{id}', `/api/v1/institutions/${fx.inst}/versions/${fx.version}`],
    ['/api/v1/institutions/{id}', `/api/v1/institutions/${fx.inst}`],
    ['/api/v1/public/institutions/{id}', `/api/v1/public/institutions/${fx.inst}`],
    ['/dash/institutions/{id}', `/dash/institutions/${fx.inst}`],
    ['/institutions/{id}', `/institutions/${fx.inst}`],
    ['/api/v1/filings/{id}', `/api/v1/filings/${fx.filing}`],
    ['/dash/filings/{id}', `/dash/filings/${fx.filing}`],
    ['/api/v1/classes/{id}', `/api/v1/classes/${fx.class}`],
    ['/api/v1/staff/{id}', `/api/v1/staff/${fx.staff}`],
    ['/api/v1/subsidies/{id}', `/api/v1/subsidies/${fx.subsidy}`],
    ['/api/v1/demonstrations/{id}', `/api/v1/demonstrations/${fx.demonstration}`],
    ['/api/v1/deregistrations/{id}', `/api/v1/deregistrations/${fx.dereg}`],
    ['/dash/lifecycle/deregistrations/{id}', `/dash/lifecycle/deregistrations/${fx.dereg}`],
    ['/api/v1/incidents/{id}', `/api/v1/incidents/${fx.incident}`],
    ['/dash/incidents/{id}', `/dash/incidents/${fx.incident}`],
    ['/api/v1/inspections/{id}', `/api/v1/inspections/${fx.inspection}`],
    ['/dash/inspections/{id}', `/dash/inspections/${fx.inspection}`],
    ['/api/v1/findings/{id}', `/api/v1/findings/${fx.finding}`],
    ['/api/v1/rectifications/{id}/evidence/{id}', `/api/v1/rectifications/${fx.rect}/evidence/${fx.evidence}`],
    ['/api/v1/rectifications/{id}', `/api/v1/rectifications/${fx.rect}`],
    ['/dash/rectifications/{id}', `/dash/rectifications/${fx.rect}`],
    ['/operator/rectifications/{id}', `/operator/rectifications/${fx.rect}`],
    ['/api/v1/changes/{id}', `/api/v1/changes/${fx.change}`],
    ['/dash/lifecycle/changes/{id}', `/dash/lifecycle/changes/${fx.change}`],
    ['/api/v1/districts/{code}', '/api/v1/districts/420303'],
    ['/api/v1/planning/population/{code}/{id}', `/api/v1/planning/population/420303/${fx.year}`],
    // Form routes with a {code}: one of the codes they answer, so the handler does its work.
    ['/dash/support/{code}/{id}', `/dash/support/subsidy-decision/${fx.subsidy}`],
    ['/operator/support/{code}', '/operator/support/subsidy'],
    ['/dash/facilities/{code}', '/dash/facilities/community'],
    ['/dash/guidance/{code}/{id}', `/dash/guidance/expert-active/${NONE}`],
    ['/dash/guidance/{code}', '/dash/guidance/expert'],
  ];
  const rule = rules.find(([prefix]) => pattern === prefix || pattern.startsWith(`${prefix}/`));
  const p = (rule ? rule[1] + pattern.slice(rule[0].length) : pattern)
    .replace(/\{code\}/g, 'nosuchcode')
    .replace(/\{id\}/g, NONE);
  assert.ok(!/[{}]/.test(p), `no concrete path for ${pattern}`);
  return p;
}

/** One call of a route as an account (null: anonymous). */
function call(route, account) {
  const target = concrete(route.pattern);
  const write = route.method !== 'GET';
  const html = has(route, 'html');
  const opts = { redirect: 'manual' };
  if (html && account) {
    const s = (route.pattern === '/logout' ? logoutCookies : cookies)[account];
    opts.cookie = s.cookie;
    if (write && has(route, 'form')) {
      opts.body = new URLSearchParams({ csrf: s.csrf }).toString();
      opts.headers = { 'Content-Type': 'application/x-www-form-urlencoded' };
    }
  } else {
    if (account) opts.as = account;
    if (write && html) {
      opts.body = '';
      opts.headers = { 'Content-Type': 'application/x-www-form-urlencoded' };
    } else if (write && route.method !== 'DELETE') {
      opts.json = {};
    }
  }
  return srv.req(route.method, target, opts);
}

/** Whether the router let the caller in: not 401/403, and for a page not the redirect to /login. */
function letThrough(res) {
  if (res.status === 401 || res.status === 403) return false;
  return !toLogin(res);
}
/** Whether a response is the redirect to the login page. */
function toLogin(res) {
  return res.status >= 300 && res.status < 400 && /\/login$/.test(res.headers.get('location') || '');
}
/** The answer to a caller without credentials on a protected route. */
function unauthenticated(route, res) {
  return has(route, 'html') ? toLogin(res) : res.status === 401;
}

test('every route has its expectation, and SCOPED lists exactly the routes about one institution', () => {
  assert.ok(table.length > 300, `only ${table.length} routes in tuoyu routes`);
  const keys = table.map(key);
  assert.equal(new Set(keys).size, keys.length, 'a route appears twice in the table');
  const roleNames = Object.keys(ROLE_ACCOUNTS).filter((r) => r !== 'anonymous');
  for (const r of table) {
    for (const role of r.roles) assert.ok(roleNames.includes(role), `${key(r)}: role ${role} has no account here`);
    assert.ok(has(r, 'public') || has(r, 'loopback_or_admin') || r.roles.length > 0, `${key(r)}: nobody may call it`);
  }
  const underPrefixes = keys.filter((k) => SCOPE_PREFIXES.some((p) => k.split(' ')[1].startsWith(p)));
  assert.deepEqual([...SCOPED].sort(), underPrefixes.sort(), 'SCOPED is not the list of routes under SCOPE_PREFIXES');
});

test('every route as every role: allowed roles pass the router, others 403, anonymous 401, nothing 5xx', async (t) => {
  const t0 = Date.now();
  const failures = [];
  let calls = 0;
  let cases = 0;
  let insiderReads = 0;
  const answers = {}; // status → how many allowed calls got it
  let territoryCalls = 0; // outsiders' calls that the router let in and the handler had to refuse
  const last = (r) => r.pattern === '/logout' || key(r) === 'DELETE /api/v1/session';
  const ordered = [...table.filter((r) => !last(r)), ...table.filter(last)];
  for (const route of ordered) {
    const k = key(route);
    const open = has(route, 'public') || has(route, 'loopback_or_admin'); // /metrics: the tests are loopback
    const scoped = SCOPED.includes(k);
    // [account, role, allowed?]
    const callers = Object.entries(ROLE_ACCOUNTS).map(([role, account]) => [
      account,
      role,
      open || (account !== null && route.roles.includes(role)),
    ]);
    for (const [account, role] of Object.entries(OUTSIDERS))
      callers.push([account, role, open || (route.roles.includes(role) && !scoped), 'outsider']);
    callers.sort((x, y) => Number(x[2]) - Number(y[2])); // denied first
    for (const [account, role, allowed, outsider] of callers) {
      if (!outsider) cases++;
      const res = await call(route, account);
      calls++;
      const who = `${k} as ${account ?? 'anonymous'} (${role})`;
      if (res.status >= 500) {
        failures.push(`${who}: ${brief(res)}`);
        continue;
      }
      if (allowed) {
        answers[res.status] = (answers[res.status] || 0) + 1;
        if (!letThrough(res) && !HANDLER_FORBIDS[`${k} as ${account}`] && !HANDLER_FORBIDS[k])
          failures.push(`${who} should be let through: ${brief(res)}`);
        // A's own people read A's resources: the ids resolve, so the outsiders' 403/404 is about territory.
        if (scoped && route.method === 'GET' && res.status !== 200 && !INSIDER_MISSES[`${k} as ${account}`])
          failures.push(`${who} should read A: ${brief(res)}`);
        if (scoped && route.method === 'GET') insiderReads++;
      } else if (account === null) {
        if (!unauthenticated(route, res)) failures.push(`${who} should be 401 / the login page: ${brief(res)}`);
      } else if (outsider && route.roles.includes(role)) {
        // the router lets the role in; the handler must refuse the territory
        territoryCalls++;
        if (![403, 404].includes(res.status)) failures.push(`${who} is outside A's territory: ${brief(res)}`);
      } else if (res.status !== 403 || (res.json && res.json.error?.code !== 'forbidden')) {
        failures.push(`${who} should be 403 forbidden: ${brief(res)}`);
      }
      // No answer to an outsider outside the public routes names institution A.
      if (outsider && !has(route, 'public') && (res.text.includes(fx.name) || res.text.includes(fx.uscc)))
        failures.push(`${who} sees institution A: ${brief(res)}`);
    }
  }
  const secs = ((Date.now() - t0) / 1000).toFixed(1);
  // The needle of the leak check is one A's own county does find.
  const own = await srv.get(`/dash/institutions/${fx.inst}`, { cookie: cookies.county_zhangwan.cookie });
  assert.ok(own.text.includes(fx.name), `A's name is not on A's own page: ${brief(own)}`);
  const roles = Object.keys(ROLE_ACCOUNTS).length;
  t.diagnostic(
    `${ENGINE}: ${table.length} routes × ${roles} roles (8 + anonymous) = ${cases} cases; ` +
      `${calls} calls with the ${Object.keys(OUTSIDERS).length} outsiders; ${SCOPED.length} scoped routes: ${insiderReads} reads of A by its own ` +
      `people, ${territoryCalls} calls refused by the handlers for territory; ${secs} s`
  );
  t.diagnostic(`answers to allowed calls: ${Object.entries(answers).map(([st, n]) => `${st}×${n}`).join(' ')}`);
  assert.equal(cases, table.length * roles, 'a route × role case was left out');
  assert.equal(failures.length, 0, `${failures.length} of ${calls} calls broke the matrix:\n${failures.join('\n')}`);
});

test('a cookie-session form without the CSRF field is refused after the role check', async () => {
  // The router checks the role first (403 for a wrong role, CSRF or not), then the CSRF token of an allowed one.
  const s = cookies.county_zhangwan;
  const opts = { cookie: s.cookie, body: '', headers: { 'Content-Type': 'application/x-www-form-urlencoded' } };
  const allowed = await srv.req('POST', `/dash/filings/${fx.filing}/decision`, opts);
  assert.equal(allowed.status, 403, show(allowed));
  assert.match(allowed.text, /CSRF|csrf|令牌|过期|刷新/, show(allowed));
  const wrong = await srv.req('POST', '/dash/users', opts);
  assert.equal(wrong.status, 403, show(wrong));
});

/** The XML text of every part of the workbook at url fetched as account (the harness reads bodies as text,
 * which would mangle the ZIP), through unzip(1). */
async function workbookText(url, account) {
  const res = await fetch(srv.base + url, { headers: { Authorization: `Bearer ${srv.tokens[account]}` } });
  const file = path.join(srv.dir, `book-${account}.xlsx`);
  fs.writeFileSync(file, Buffer.from(await res.arrayBuffer()));
  return execFileSync('unzip', ['-p', file], { encoding: 'utf8', maxBuffer: 1 << 26 });
}

test('every GET of the API as XLSX (?format=xlsx, the export hook) as every role and outsider', async (t) => {
  // The export hook runs the same handler under the same router checks; its own failure modes are the 5xx.
  // A route that is not a list answers 400 (field format) before any data is read: no leak, not a refusal.
  const noExport = (res) => res.status === 400 && res.json?.error?.fields?.[0]?.field === 'format';
  const failures = [];
  let calls = 0;
  let workbooks = 0;
  let outsiderBooks = 0;
  for (const route of table) {
    if (route.method !== 'GET' || has(route, 'html')) continue;
    const k = key(route);
    const open = has(route, 'public') || has(route, 'loopback_or_admin');
    const scoped = SCOPED.includes(k);
    const target = concrete(route.pattern);
    const url = `${target}${target.includes('?') ? '&' : '?'}format=xlsx`;
    const callers = [
      ...Object.entries(ROLE_ACCOUNTS).map(([role, account]) => [account, open || route.roles.includes(role)]),
      ...Object.entries(OUTSIDERS).map(([account, role]) => [account, open || (route.roles.includes(role) && !scoped)]),
    ];
    for (const [account, allowed] of callers) {
      const res = await srv.req('GET', url, account ? { as: account } : {});
      calls++;
      // An outsider's workbook of a non-public list: its sheets must not name A either.
      if (account in OUTSIDERS && !has(route, 'public') && /spreadsheetml/.test(res.headers.get('content-type') || '')) {
        const text = await workbookText(url, account);
        if (text.includes(fx.name) || text.includes(fx.uscc)) failures.push(`${k}?format=xlsx as ${account} sees A`);
        outsiderBooks++;
      }
      const who = `${k}?format=xlsx as ${account ?? 'anonymous'}`;
      if (res.status >= 500) failures.push(`${who}: ${brief(res)}`);
      else if (allowed && !letThrough(res) && !HANDLER_FORBIDS[`${k} as ${account}`])
        failures.push(`${who} should be let through: ${brief(res)}`);
      else if (!allowed && ![401, 403, 404].includes(res.status) && !noExport(res))
        failures.push(`${who} should be refused: ${brief(res)}`);
      if (res.status === 200 && /spreadsheetml/.test(res.headers.get('content-type') || '')) workbooks++;
    }
  }
  // The needle is one A's own county finds in its workbook of the register.
  const own = await workbookText('/api/v1/institutions?format=xlsx', 'county_zhangwan');
  assert.ok(own.includes(fx.name), "A's name is not in its county's workbook of the register");
  t.diagnostic(`${calls} XLSX calls, ${workbooks} workbooks (${outsiderBooks} of outsiders, read for A's name)`);
  assert.equal(failures.length, 0, `${failures.length} of ${calls} XLSX calls failed:\n${failures.join('\n')}`);
});
