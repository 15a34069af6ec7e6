// The HTML pages: valid HTML5 (tidy), the login form with its CSRF token, the dashboard behind a session,
// the decision form, and forms refused without their token.
import assert from 'node:assert/strict';
import test, { after, before } from 'node:test';
import { Server, passwordOf, setCookie, show, tidyErrors } from './harness.mjs';
import { addOperator, attachAll, dossier, fileInstitution, register, submit } from './fixtures.mjs';

let srv;
const ctx = {};
before(async () => {
  srv = await Server.start({ name: 'pages' });
  ctx.filed = await fileInstitution(srv, { reg: { name: '张湾区页面测试托育园' } });
  const r = await register(srv, { district_code: '420303', name: '张湾区待审托育' });
  ctx.pending = r.institution_id;
  ctx.operator = await addOperator(srv, r.institution_id);
  ctx.filing = (await submit(srv, r.institution_id, ctx.operator, dossier())).id;
  await attachAll(srv, ctx.filing, ctx.operator);
});
after(async () => srv && srv.cleanup());

/** Cookie header value from a response's Set-Cookie headers, merged into an earlier one. */
function cookies(res, prior = '') {
  const jar = new Map(prior.split(';').map((c) => c.trim()).filter(Boolean).map((c) => c.split(/=(.*)/s).slice(0, 2)));
  for (const raw of res.setCookies) {
    const [pair] = raw.split(';');
    const [k, v] = pair.trim().split(/=(.*)/s);
    jar.set(k, v);
  }
  return [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
}

/** The value of a hidden input by name, or null. */
function hidden(html, name) {
  for (const m of html.matchAll(/<input\b[^>]*>/gi)) {
    const tag = m[0];
    if (new RegExp(`\\bname=["']?${name}["'\\s/>]`).test(tag)) {
      const v = tag.match(/\bvalue=(?:"([^"]*)"|'([^']*)'|([^\s>]+))/);
      return v ? (v[1] ?? v[2] ?? v[3]) : '';
    }
  }
  return null;
}

/** Log in through the HTML form; resolves the cookie header of the session and the page's csrf. */
async function formLogin(username, password = passwordOf(username)) {
  const page = await srv.get('/login');
  assert.equal(page.status, 200, show(page));
  const csrf = hidden(page.text, 'csrf');
  assert.ok(csrf, 'the login form has no hidden csrf field');
  const jar = cookies(page);
  const res = await srv.req('POST', '/login', {
    cookie: jar || undefined,
    body: new URLSearchParams({ username, password, csrf }),
  });
  return { res, cookie: cookies(res, jar), session: setCookie(res, 'tuoyu_session') };
}

test('the login page has labelled username and password fields and a hidden csrf token', async () => {
  const page = await srv.get('/login');
  assert.equal(page.status, 200);
  assert.match(page.headers.get('content-type') || '', /^text\/html/);
  assert.match(page.text, /<input\b[^>]*\bname=["']?username\b/);
  assert.match(page.text, /<input\b[^>]*\btype=["']?password\b[^>]*>|<input\b[^>]*\bname=["']?password\b[^>]*\btype=["']?password/);
  assert.ok(hidden(page.text, 'csrf'), 'no csrf');
  assert.match(page.text, /<label\b/, 'no labels on the login form');
  assert.match(page.text, /<html\b[^>]*\blang=["']?zh/, 'the page does not declare Chinese');
});

test('form login redirects with a session cookie; the dashboard then opens', async () => {
  const { res, cookie, session } = await formLogin('city');
  assert.ok([302, 303].includes(res.status), `POST /login: ${show(res)}`);
  assert.ok(session, 'POST /login set no tuoyu_session cookie');
  assert.ok(session.attrs.includes('httponly') && session.attrs.includes('samesite=strict'), session.raw);
  const dash = await srv.get('/dash', { cookie });
  assert.equal(dash.status, 200, show(dash));
  assert.match(dash.headers.get('content-type') || '', /^text\/html/);
});

test('form login without the csrf field or with a wrong password sets no session', async () => {
  const page = await srv.get('/login');
  const jar = cookies(page);
  const nocsrf = await srv.req('POST', '/login', {
    cookie: jar || undefined,
    body: new URLSearchParams({ username: 'city', password: passwordOf('city') }),
  });
  assert.equal(nocsrf.status, 403, `login without csrf: ${show(nocsrf)}`);
  assert.equal(setCookie(nocsrf, 'tuoyu_session'), null);
  const wrong = await formLogin('city', 'not-the-password-at-all');
  assert.equal(wrong.session, null, 'a wrong password got a session');
  assert.ok(![302, 303].includes(wrong.res.status) || !/\/dash/.test(wrong.res.headers.get('location') || ''));
});

test('the dashboard pages need a session: without one they do not show', async () => {
  for (const path of ['/dash', '/dash/institutions', `/dash/institutions/${ctx.pending}`, '/dash/filings', `/dash/filings/${ctx.filing}`, '/operator']) {
    const res = await srv.get(path);
    const toLogin = [302, 303].includes(res.status) && /\/login/.test(res.headers.get('location') || '');
    assert.ok(toLogin || res.status === 401, `${path} without a session: ${res.status}`);
    assert.ok(!res.text.includes('张湾区待审托育'), `${path} leaks data without a session`);
  }
});

test('every page is valid HTML5: tidy finds no error and no warning', async () => {
  const official = (await formLogin('county_zhangwan')).cookie;
  const operator = (await formLogin(ctx.operator)).cookie;
  const pages = [
    ['/', null],
    ['/?district=420303&age_months=18', null],
    [`/institutions/${ctx.filed.institutionId}`, null],
    ['/login', null],
    ['/dash', official],
    ['/dash/institutions', official],
    [`/dash/institutions/${ctx.pending}`, official],
    ['/dash/filings', official],
    [`/dash/filings/${ctx.filing}`, official],
    ['/operator', operator],
  ];
  const bad = [];
  for (const [path, cookie] of pages) {
    const res = await srv.get(path, { cookie: cookie || undefined });
    assert.equal(res.status, 200, `${path}: ${show(res)}`);
    assert.match(res.text.slice(0, 100), /^<!DOCTYPE html>/i, `${path} is not HTML5`);
    const problems = tidyErrors(res.text);
    if (problems.length) bad.push(`${path}:\n${problems.join('\n')}`);
  }
  assert.deepEqual(bad, [], 'tidy found errors');
});

test('the review queue and the filing page show the pending filing and its decision form', async () => {
  const { cookie } = await formLogin('county_zhangwan');
  const queue = await srv.get('/dash/filings', { cookie });
  assert.ok(queue.text.includes('张湾区待审托育'), 'the queue does not show the pending filing');
  assert.match(queue.text, new RegExp(`href=["']?/dash/filings/${ctx.filing}["'\\s>]`), 'no link to the filing');
  const page = await srv.get(`/dash/filings/${ctx.filing}`, { cookie });
  assert.match(page.text, /\bname=["']?decision\b/, 'no decision field');
  assert.match(page.text, /<textarea\b[^>]*\bname=["']?reason\b/, 'no reason textarea');
  assert.ok(page.text.includes('提交决定'), 'no 提交决定 button');
  assert.ok(hidden(page.text, 'csrf'), 'the decision form has no csrf token');
});

test('a decision form posted without its csrf token is refused (403) and changes nothing', async () => {
  const { cookie } = await formLogin('county_zhangwan');
  const res = await srv.req('POST', `/dash/filings/${ctx.filing}/decision`, {
    cookie,
    body: new URLSearchParams({ decision: 'return', reason: '跨站请求' }),
  });
  assert.equal(res.status, 403, show(res));
  const f = await srv.get(`/api/v1/filings/${ctx.filing}`, { as: 'county_zhangwan' });
  assert.equal(f.json.status, 'submitted');
});

test('a decision posted through the form with its csrf token is taken', async () => {
  const { cookie } = await formLogin('county_zhangwan');
  const page = await srv.get(`/dash/filings/${ctx.filing}`, { cookie });
  const csrf = hidden(page.text, 'csrf');
  const res = await srv.req('POST', `/dash/filings/${ctx.filing}/decision`, {
    cookie,
    body: new URLSearchParams({ csrf, decision: 'return', reason: '请补充消防验收意见书原件扫描件' }),
  });
  assert.ok([200, 302, 303].includes(res.status), show(res));
  const f = await srv.get(`/api/v1/filings/${ctx.filing}`, { as: 'county_zhangwan' });
  assert.equal(f.json.status, 'returned');
});

test('the operator page shows the own institution, its filing form and the findings', async () => {
  const { cookie } = await formLogin(ctx.operator);
  const page = await srv.get('/operator', { cookie });
  assert.equal(page.status, 200, show(page));
  assert.ok(page.text.includes('张湾区待审托育'), 'the operator page does not name the institution');
  assert.match(page.text, /<form\b/, 'no filing form');
  assert.ok(!page.text.includes('张湾区页面测试托育园'), 'the operator page shows another institution');
});

test('logout through the form ends the session', async () => {
  const { cookie } = await formLogin('auditor');
  const dash = await srv.get('/dash', { cookie });
  assert.equal(dash.status, 200);
  const csrf = hidden(dash.text, 'csrf');
  assert.ok(csrf, 'the dashboard has no logout form with a csrf token');
  const out = await srv.req('POST', '/logout', { cookie, body: new URLSearchParams({ csrf }) });
  assert.ok([200, 302, 303].includes(out.status), show(out));
  const again = await srv.get('/dash', { cookie });
  assert.notEqual(again.status, 200, 'the session survived logout');
});

test('the server stops on SIGTERM with exit code 0', async () => {
  await srv.stop();
});
