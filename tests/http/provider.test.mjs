// Officials correct an institution's provider kind (a 家庭托育点 has its own caps) with the version they saw,
// and the dashboard counts open compliance violations per district.
import assert from 'node:assert/strict';
import test, { after, before } from 'node:test';
import { Server, expectError, show } from './harness.mjs';
import { institutionWithOperator } from './fixtures.mjs';

let srv;
let inst;
before(async () => {
  srv = await Server.start({ name: 'provider' });
  inst = await institutionWithOperator(srv); // a 张湾区 institution, no people yet
});
after(async () => srv && srv.cleanup());

test('a county official makes an institution a home-based point; its classes then cap at 5', async () => {
  const get = await srv.get(`/api/v1/institutions/${inst.institutionId}`, { as: 'county_zhangwan' });
  assert.equal(get.json.provider_kind, 'institution', show(get));
  const v = get.json.version;
  const res = await srv.req('PATCH', `/api/v1/institutions/${inst.institutionId}`, {
    json: { version: v, provider_kind: 'home_based' }, as: 'county_zhangwan',
  });
  assert.equal(res.status, 200, show(res));
  assert.equal(res.json.provider_kind, 'home_based');
  assert.equal(res.json.version, v + 1);
  const stale = await srv.req('PATCH', `/api/v1/institutions/${inst.institutionId}`, {
    json: { version: v, provider_kind: 'institution' }, as: 'city',
  });
  expectError(stale, 409, 'version_conflict');
  const bad = await srv.req('PATCH', `/api/v1/institutions/${inst.institutionId}`, {
    json: { version: v + 1, provider_kind: 'kindergarten' }, as: 'city',
  });
  expectError(bad, 422, 'validation_failed');
  const empty = await srv.req('PATCH', `/api/v1/institutions/${inst.institutionId}`, { json: { version: v + 1 }, as: 'city' });
  expectError(empty, 422, 'validation_failed');
  const other = await srv.req('PATCH', `/api/v1/institutions/${inst.institutionId}`, {
    json: { version: v + 1, provider_kind: 'institution' }, as: 'county_maojian',
  });
  expectError(other, 404, 'not_found');
  const big = await srv.post(`/api/v1/institutions/${inst.institutionId}/classes`,
    { name: '家庭托育', type: 'mixed', capacity: 6, caregiver_ids: [] }, { as: inst.operator });
  expectError(big, 422, 'validation_failed');
  const ok = await srv.post(`/api/v1/institutions/${inst.institutionId}/classes`,
    { name: '家庭托育', type: 'mixed', capacity: 5, caregiver_ids: [] }, { as: inst.operator });
  assert.equal(ok.status, 201, show(ok));
});

test('the dashboard counts open violations per district', async () => {
  // With no staff at all the institution has open violations (no health worker, no director, …).
  const run = await srv.post('/api/v1/compliance/run', {}, { as: 'admin' });
  assert.equal(run.status, 200, show(run));
  const dash = await srv.get('/api/v1/dashboard', { as: 'county_zhangwan' });
  assert.equal(dash.status, 200, show(dash));
  const row = dash.json.by_district.find((d) => d.district_code === '420303');
  assert.ok(row && row.open_violations >= 1, JSON.stringify(dash.json.by_district));
  const findings = await srv.get(`/api/v1/institutions/${inst.institutionId}/findings`, { as: 'county_zhangwan' });
  assert.equal(findings.status, 200, show(findings));
  assert.equal(findings.json.counts.violation, findings.json.items.filter((f) => f.severity === 'violation').length);
  assert.ok(findings.json.counts.violation >= 1);
});

test("the operator's home page shows the compliance counts, and links to the details", async () => {
  const session = await srv.login(inst.operator);
  assert.equal(session.res.status, 200, show(session.res));
  const page = await srv.get('/operator', { cookie: session.cookie });
  assert.equal(page.status, 200, show(page));
  assert.match(page.text, /合规情况/);
  assert.match(page.text, /违规 <strong>[1-9]\d*<\/strong> 项/);
  assert.match(page.text, /href="\/operator\/people"/);
});
