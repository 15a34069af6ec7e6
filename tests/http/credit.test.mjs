// Credit records of institutions (机构信用记录): recorded by admin, city and county officials (their own
// district), listed for officials with filters, revoked with a reason (信用修复), exported for the credit
// platforms without a single personal number, and shown on the portal while in force.
import assert from 'node:assert/strict';
import test, { after, before } from 'node:test';
import { Server, errorFields, expectError, expectStatus, show, tidyErrors } from './harness.mjs';
import { cstDay, fileInstitution, register } from './fixtures.mjs';

let srv;
const ctx = {};
const today = cstDay(0);

before(async () => {
  srv = await Server.start({ name: 'credit' });
  ctx.zw = await fileInstitution(srv, { reg: { name: '张湾区信用测试托育园' } });
  ctx.mj = await register(srv, { district_code: '420302', name: '茅箭区"信用",测试托育园' });
});
after(async () => srv && srv.cleanup());

const body = (over = {}) => ({
  kind: 'serious_violation',
  source: 'inspection:12',
  summary: '食品留样记录缺失，逾期未整改，予以警告。',
  authority: '十堰市张湾区卫生健康局',
  decision_number: '张卫罚〔2026〕1号',
  decided_on: cstDay(10),
  ...over,
});
const add = (instId, b, as) => srv.post(`/api/v1/institutions/${instId}/credit-records`, b, { as });

test('county, city and admin record; the default publicity period follows the kind', async () => {
  const res = await add(ctx.zw.institutionId, body(), 'county_zhangwan');
  expectStatus(res, 201);
  const r = res.json;
  assert.equal(r.kind, 'serious_violation');
  assert.equal(r.status, 'active');
  assert.equal(r.in_force, true);
  assert.equal(r.publicity_from, r.decided_on);
  const from = new Date(`${r.publicity_from}T00:00:00Z`);
  const until = new Date(Date.UTC(from.getUTCFullYear() + 3, from.getUTCMonth(), from.getUTCDate()) - 86400e3);
  assert.equal(r.publicity_until, until.toISOString().slice(0, 10), 'a serious violation is published 3 years');
  ctx.serious = r;
  const other = await add(ctx.zw.institutionId, body({ kind: 'other', decision_number: '张卫责〔2026〕2号' }), 'city');
  expectStatus(other, 201);
  const oneYear = new Date(Date.UTC(from.getUTCFullYear() + 1, from.getUTCMonth(), from.getUTCDate()) - 86400e3);
  assert.equal(other.json.publicity_until, oneYear.toISOString().slice(0, 10));
  ctx.other = other.json;
  const mj = await add(ctx.mj.institution_id, body({ kind: 'operating_unfiled', authority: '十堰市茅箭区卫生健康局' }), 'admin');
  expectStatus(mj, 201);
  ctx.mjRec = mj.json;
  // A period given explicitly, starting later.
  const later = await add(ctx.zw.institutionId, body({ kind: 'abuse', publicity_from: cstDay(-5), publicity_until: cstDay(-100) }), 'city');
  expectStatus(later, 201);
  assert.equal(later.json.in_force, false, 'not in force before its publicity starts');
  ctx.future = later.json;
});

test('others cannot record: 404 outside the district, 403 for roles that never may', async () => {
  expectError(await add(ctx.mj.institution_id, body(), 'county_zhangwan'), 404, 'not_found');
  expectError(await add(999999, body(), 'city'), 404, 'not_found');
  for (const as of ['auditor', 'inspector', 'registrar', ctx.zw.operator])
    expectError(await add(ctx.zw.institutionId, body(), as), 403, 'forbidden');
});

test('a bad record is refused with 422 naming every bad field, numbers of persons included', async () => {
  const res = await add(
    ctx.zw.institutionId,
    {
      kind: 'gossip',
      source: '',
      summary: '联系人电话 13800138000',
      authority: 'x'.repeat(101),
      decision_number: '   ',
      decided_on: cstDay(-3),
      publicity_until: '2020-02-30',
      extra: 1,
    },
    'city'
  );
  expectError(res, 422, 'validation_failed');
  for (const f of ['kind', 'source', 'summary', 'authority', 'decision_number', 'decided_on', 'publicity_until', 'extra'])
    assert.ok(errorFields(res).includes(f), `${f} not reported: ${show(res)}`);
  const order = await add(ctx.zw.institutionId, body({ decided_on: cstDay(10), publicity_from: cstDay(20), publicity_until: cstDay(0) }), 'city');
  assert.ok(errorFields(order).includes('publicity_from'), show(order));
  const id = await add(ctx.zw.institutionId, body({ summary: '负责人身份证 420303198501011235' }), 'city');
  assert.deepEqual(errorFields(id), ['summary']);
  const missing = await add(ctx.zw.institutionId, {}, 'city');
  for (const f of ['kind', 'source', 'summary', 'authority', 'decision_number', 'decided_on'])
    assert.ok(errorFields(missing).includes(f), `${f} not reported: ${show(missing)}`);
});

test('officials list their territory with filters; a bad filter is 422', async () => {
  const own = await srv.get('/api/v1/institution-credit-records', { as: 'county_zhangwan' });
  expectStatus(own, 200);
  assert.ok(own.json.items.length >= 3);
  assert.ok(own.json.items.every((r) => r.district_code === '420303'), 'a county official sees another district');
  const asked = await srv.get('/api/v1/institution-credit-records?district=420302', { as: 'county_zhangwan' });
  assert.ok(asked.json.items.every((r) => r.district_code === '420303'), 'the district filter escaped the territory');
  const all = await srv.get('/api/v1/institution-credit-records', { as: 'auditor' });
  assert.ok(all.json.items.some((r) => r.district_code === '420302'));
  const inForce = await srv.get('/api/v1/institution-credit-records?in_force=1&district=420303', { as: 'city' });
  assert.ok(inForce.json.items.every((r) => r.in_force));
  assert.ok(!inForce.json.items.some((r) => r.id === ctx.future.id));
  const notInForce = await srv.get('/api/v1/institution-credit-records?in_force=0', { as: 'city' });
  assert.ok(notInForce.json.items.some((r) => r.id === ctx.future.id));
  const kind = await srv.get('/api/v1/institution-credit-records?kind=operating_unfiled', { as: 'city' });
  assert.deepEqual(kind.json.items.map((r) => r.id), [ctx.mjRec.id]);
  const bad = await srv.get('/api/v1/institution-credit-records?in_force=maybe&kind=x&district=1&page=0', { as: 'city' });
  expectError(bad, 422, 'validation_failed');
  for (const f of ['in_force', 'kind', 'district', 'page']) assert.ok(errorFields(bad).includes(f), show(bad));
  for (const as of ['inspector', 'registrar', ctx.zw.operator])
    expectError(await srv.get('/api/v1/institution-credit-records', { as }), 403, 'forbidden');
});

test('revocation (信用修复): once, with a reason, within the territory; the portal then drops it', async () => {
  const url = `/api/v1/institution-credit-records/${ctx.other.id}/revoke`;
  expectError(await srv.post(url, { reason: '整改完成' }, { as: 'county_maojian' }), 404, 'not_found');
  expectError(await srv.post(url, { reason: '整改完成' }, { as: 'auditor' }), 403, 'forbidden');
  const bad = await srv.post(url, { reason: '', extra: 1 }, { as: 'county_zhangwan' });
  expectError(bad, 422, 'validation_failed');
  assert.ok(errorFields(bad).includes('reason') && errorFields(bad).includes('extra'), show(bad));
  let pub = await srv.get(`/api/v1/public/institutions/${ctx.zw.institutionId}/credit-records`);
  assert.ok(pub.json.items.some((r) => r.id === ctx.other.id), 'not on the portal while in force');
  const ok = await srv.post(url, { reason: '已完成整改并作出信用承诺。' }, { as: 'county_zhangwan' });
  expectStatus(ok, 200);
  assert.equal(ok.json.status, 'revoked');
  assert.equal(ok.json.in_force, false);
  assert.equal(ok.json.revoked_reason, '已完成整改并作出信用承诺。');
  expectError(await srv.post(url, { reason: '再次' }, { as: 'city' }), 409, 'invalid_state');
  expectError(await srv.post('/api/v1/institution-credit-records/999999/revoke', { reason: 'x' }, { as: 'city' }), 404, 'not_found');
  pub = await srv.get(`/api/v1/public/institutions/${ctx.zw.institutionId}/credit-records`);
  expectStatus(pub, 200);
  const ids = pub.json.items.map((r) => r.id);
  assert.ok(ids.includes(ctx.serious.id));
  assert.ok(!ids.includes(ctx.other.id), 'a revoked record is still public');
  assert.ok(!ids.includes(ctx.future.id), 'a record before its period is public');
  for (const r of pub.json.items) {
    assert.equal(r.source, undefined, 'the source is internal');
    assert.equal(r.revoked_reason, undefined);
  }
  // Operating unfiled is itself public, so an unfiled institution's records are shown too.
  const mj = await srv.get(`/api/v1/public/institutions/${ctx.mj.institution_id}/credit-records`);
  assert.deepEqual(mj.json.items.map((r) => r.id), [ctx.mjRec.id]);
  expectError(await srv.get('/api/v1/public/institutions/999999/credit-records'), 404, 'not_found');
});

/** RFC 4180 parser: rows of cells. */
function parseCsv(text) {
  const rows = [];
  let row = [];
  let cell = '';
  let q = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (q) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') q = false;
      else cell += c;
    } else if (c === '"') q = true;
    else if (c === ',') {
      row.push(cell);
      cell = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      i++;
    } else cell += c;
  }
  assert.equal(cell, '', 'the CSV does not end with CRLF');
  return rows;
}

test('the export for the credit platforms: UTF-8 CSV with BOM and RFC 4180 quoting, or JSON; no personal numbers', async () => {
  // node:http, not fetch: fetch's text() drops a BOM.
  const res = await srv.rawRequest('GET', '/api/v1/institution-credit-records/export?format=csv', { as: 'city' });
  assert.equal(res.status, 200, show(res));
  assert.match(res.headers['content-type'], /^text\/csv; charset=utf-8/);
  assert.match(res.headers['content-disposition'] || '', /attachment/);
  assert.equal(res.text.charCodeAt(0), 0xfeff, 'no BOM');
  const rows = parseCsv(res.text.slice(1));
  const head = rows[0];
  for (const col of ['institution_name', 'uscc', 'kind', 'decision_number', 'authority', 'decided_on', 'publicity_from', 'publicity_until'])
    assert.ok(head.includes(col), `no column ${col}`);
  assert.ok(rows.slice(1).every((r) => r.length === head.length), 'a row with a different number of cells');
  const byName = rows.slice(1).map((r) => Object.fromEntries(head.map((h, i) => [h, r[i]])));
  const mj = byName.find((r) => r.decision_number === ctx.mjRec.decision_number && r.kind === 'operating_unfiled');
  assert.ok(mj, 'the 茅箭区 record is missing');
  assert.equal(mj.institution_name, '茅箭区"信用",测试托育园', 'quoting broke the name');
  assert.equal(mj.uscc, ctx.mj.body.uscc);
  assert.ok(!/\d{11,}/.test(res.text.replace(/[0-9A-Z]{18}/g, '')), 'an ID or phone number in the export');
  const county = await srv.get('/api/v1/institution-credit-records/export', { as: 'county_zhangwan' });
  expectStatus(county, 200);
  assert.ok(!county.text.includes('茅箭区"'), 'the county export holds another district');
  const json = await srv.get('/api/v1/institution-credit-records/export?format=json&in_force=1', { as: 'auditor' });
  expectStatus(json, 200);
  assert.ok(json.json.items.length >= 2);
  assert.ok(json.json.items.every((r) => r.in_force && r.uscc && r.authority && r.decision_number));
  expectError(await srv.get('/api/v1/institution-credit-records/export?format=xml', { as: 'city' }), 422, 'validation_failed');
  expectError(await srv.get('/api/v1/institution-credit-records/export', { as: ctx.zw.operator }), 403, 'forbidden');
  expectError(await srv.get('/api/v1/institution-credit-records/export'), 401, 'unauthenticated');
});

test('the /dash/credit page lists, records and revokes through its forms', async () => {
  const s = await srv.login('county_zhangwan');
  const page = await srv.get('/dash/credit', { cookie: s.cookie });
  expectStatus(page, 200);
  assert.deepEqual(tidyErrors(page.text), []);
  assert.ok(page.text.includes('张湾区信用测试托育园'));
  assert.ok(!page.text.includes('茅箭区&quot;信用'), 'another district on a county page');
  const post = await srv.req('POST', '/dash/credit', {
    cookie: s.cookie,
    body: new URLSearchParams({ csrf: s.csrf, action: 'add', institution_id: String(ctx.zw.institutionId), kind: 'fraud', source: '群众投诉',
      summary: '虚报托位数骗取补贴。', authority: '十堰市张湾区卫生健康局', decision_number: '张卫罚〔2026〕9号', decided_on: today }),
  });
  expectStatus(post, 201);
  assert.deepEqual(tidyErrors(post.text), []);
  assert.ok(post.text.includes('张卫罚〔2026〕9号'));
  const bad = await srv.req('POST', '/dash/credit', {
    cookie: s.cookie,
    body: new URLSearchParams({ csrf: s.csrf, action: 'add', institution_id: String(ctx.zw.institutionId), kind: 'fraud' }),
  });
  expectStatus(bad, 422);
  assert.deepEqual(tidyErrors(bad.text), []);
  const elsewhere = await srv.req('POST', '/dash/credit', {
    cookie: s.cookie,
    body: new URLSearchParams({ csrf: s.csrf, action: 'add', institution_id: String(ctx.mj.institution_id), kind: 'fraud', source: 'x',
      summary: 'x', authority: 'x', decision_number: 'x', decided_on: today }),
  });
  expectStatus(elsewhere, 404);
  const revoke = await srv.req('POST', '/dash/credit', {
    cookie: s.cookie,
    body: new URLSearchParams({ csrf: s.csrf, action: 'revoke', id: String(ctx.serious.id), reason: '信用修复' }),
  });
  expectStatus(revoke, 200);
  const list = await srv.get(`/api/v1/institution-credit-records?institution_id=${ctx.zw.institutionId}`, { as: 'city' });
  assert.equal(list.json.items.find((r) => r.id === ctx.serious.id).status, 'revoked');
  const auditor = await srv.get('/dash/credit', { as: 'auditor' });
  expectStatus(auditor, 200);
  assert.ok(!auditor.text.includes('name="summary"'), 'the auditor gets a form');
  expectStatus(await srv.req('POST', '/dash/credit', { as: 'auditor', body: new URLSearchParams({ action: 'add' }) }), 403);
});
