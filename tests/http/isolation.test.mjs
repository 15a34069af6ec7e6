// Territory: a county official sees only the own district, an operator only the own institution. Outside
// it, things do not exist (404), whatever the route.
import assert from 'node:assert/strict';
import test, { after, before } from 'node:test';
import { Server, expectError, show } from './harness.mjs';
import { FILES, addOperator, attach, attachAll, decide, dossier, register, submit } from './fixtures.mjs';

let srv;
const maojian = {}; // an institution in 茅箭区 with a complete, clean submitted filing
const zhangwan = {}; // an institution in 张湾区 with its own operator
before(async () => {
  srv = await Server.start({ name: 'isolation' });
  const m = await register(srv, { district_code: '420302', address: '十堰市茅箭区人民北路1号' });
  maojian.id = m.institution_id;
  maojian.operator = await addOperator(srv, maojian.id);
  maojian.filing = (await submit(srv, maojian.id, maojian.operator)).id;
  await attachAll(srv, maojian.filing, maojian.operator);
  const z = await register(srv, { district_code: '420303' });
  zhangwan.id = z.institution_id;
  zhangwan.operator = await addOperator(srv, zhangwan.id);
  zhangwan.filing = (await submit(srv, zhangwan.id, zhangwan.operator)).id;
});
after(async () => srv && srv.cleanup());

test('a 张湾区 county official cannot see a 茅箭区 institution or its filings (404)', async () => {
  for (const path of [
    `/api/v1/institutions/${maojian.id}`,
    `/api/v1/institutions/${maojian.id}/filings`,
    `/api/v1/filings/${maojian.filing}`,
  ]) {
    expectError(await srv.get(path, { as: 'county_zhangwan' }), 404, 'not_found');
  }
  const page = await srv.get(`/dash/institutions/${maojian.id}`, { cookie: (await srv.login('county_zhangwan')).cookie });
  assert.equal(page.status, 404, 'the dashboard page shows another district');
});

test('a 张湾区 county official cannot decide a 茅箭区 filing (404), and it stays submitted', async () => {
  expectError(await decide(srv, maojian.filing, 'county_zhangwan', 'approve'), 404, 'not_found');
  expectError(await decide(srv, maojian.filing, 'county_zhangwan', 'return', '越权退回'), 404, 'not_found');
  const f = await srv.get(`/api/v1/filings/${maojian.filing}`, { as: 'county_maojian' });
  assert.equal(f.status, 200, show(f));
  assert.equal(f.json.status, 'submitted');
});

test('a county official neither lists nor queues another district', async () => {
  const list = await srv.get('/api/v1/institutions', { as: 'county_zhangwan' });
  assert.ok(!list.json.items.some((i) => String(i.id) === String(maojian.id)));
  const queue = await srv.get('/api/v1/filings?status=submitted', { as: 'county_zhangwan' });
  const ids = queue.json.items.map((x) => String(x.id));
  assert.ok(ids.includes(String(zhangwan.filing)), 'own district missing from the queue');
  assert.ok(!ids.includes(String(maojian.filing)), 'another district in the queue');
  const dash = await srv.get('/api/v1/dashboard', { as: 'county_zhangwan' });
  assert.equal(dash.status, 200);
  for (const d of dash.json.by_district) {
    const code = d.code ?? d.district_code ?? d.district;
    if (code !== undefined) assert.equal(String(code), '420303', `dashboard shows district ${code}`);
  }
});

test('the inspector of 张湾区 is no official: no institution lists, no filings', async () => {
  for (const path of ['/api/v1/institutions', `/api/v1/institutions/${zhangwan.id}`, `/api/v1/filings/${zhangwan.filing}`]) {
    expectError(await srv.get(path, { as: 'inspector' }), 403, 'forbidden');
  }
});

test('an operator cannot file, read or attach for another institution (404)', async () => {
  const res = await srv.post(`/api/v1/institutions/${maojian.id}/filings`, dossier(), { as: zhangwan.operator });
  expectError(res, 404, 'not_found');
  for (const path of [
    `/api/v1/institutions/${maojian.id}/filings`,
    `/api/v1/filings/${maojian.filing}`,
  ]) {
    expectError(await srv.get(path, { as: zhangwan.operator }), 404, 'not_found');
  }
  const inst = await srv.get(`/api/v1/institutions/${maojian.id}`, { as: zhangwan.operator });
  assert.ok([403, 404].includes(inst.status), show(inst));
  expectError(await attach(srv, maojian.filing, 'commitment', zhangwan.operator, FILES.pdf), 404, 'not_found');
  const versions = await srv.get(`/api/v1/institutions/${maojian.id}/filings`, { as: maojian.operator });
  assert.equal(versions.json.items.length, 1, 'a filing was made for the wrong institution');
});

test('an operator cannot decide the own filing', async () => {
  expectError(await decide(srv, zhangwan.filing, zhangwan.operator, 'approve'), 403, 'forbidden');
});

test('the right county official can decide: 茅箭区 approves its own', async () => {
  const res = await decide(srv, maojian.filing, 'county_maojian', 'approve');
  assert.equal(res.status, 200, show(res));
  assert.equal(res.json.status, 'approved');
});

test('the server stops on SIGTERM with exit code 0', async () => {
  await srv.stop();
});
