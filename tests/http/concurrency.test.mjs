// Writers at the same time: pushes of one new USCC race to create it exactly once, and two officials editing
// the same record do not overwrite each other — the second, holding the old version, gets 409.
import assert from 'node:assert/strict';
import test, { after, before } from 'node:test';
import { Server, cli, expectError, errorFields, show } from './harness.mjs';
import { register, registration } from './fixtures.mjs';

let srv;
before(async () => {
  srv = await Server.start({ name: 'concurrency' });
});
after(async () => srv && srv.cleanup());

const RACERS = 20;

/** The registry's size as the city sees it. */
async function institutionCount() {
  const res = await srv.get('/api/v1/institutions', { as: 'city' });
  assert.equal(res.status, 200, show(res));
  return res.json.total;
}

test(`${RACERS} simultaneous pushes of one new USCC make exactly one institution: one 201, the rest 200`, async () => {
  const before = await institutionCount();
  const first = registration();
  const bodies = Array.from({ length: RACERS }, (_, i) => ({ ...first, name: `${first.name}第${i + 1}版` }));
  const answers = await Promise.all(bodies.map((b) => srv.post('/api/v1/registrations', b, { as: 'registrar' })));
  for (const res of answers) assert.ok([200, 201].includes(res.status), `a racing push: ${show(res)}`);
  assert.equal(answers.filter((r) => r.status === 201).length, 1, `201s: ${answers.map((r) => r.status)}`);
  const ids = new Set(answers.map((r) => r.json.institution_id));
  assert.equal(ids.size, 1, `the racing pushes name ${ids.size} institutions: ${[...ids]}`);
  assert.equal(await institutionCount(), before + 1, 'the registry grew by more or less than one institution');

  const inst = await srv.get(`/api/v1/institutions/${[...ids][0]}`, { as: 'admin' });
  assert.equal(inst.status, 200, show(inst));
  assert.equal(inst.json.uscc, first.uscc);
  assert.ok(bodies.some((b) => b.name === inst.json.name), `a name no push sent: ${inst.json.name}`);
});

test(`${RACERS} simultaneous pushes of different new USCCs all answer 201 with ${RACERS} different ids`, async () => {
  const before = await institutionCount();
  const bodies = Array.from({ length: RACERS }, () => registration());
  const answers = await Promise.all(bodies.map((b) => srv.post('/api/v1/registrations', b, { as: 'registrar' })));
  for (const res of answers) assert.equal(res.status, 201, show(res));
  assert.equal(new Set(answers.map((r) => r.json.institution_id)).size, RACERS);
  assert.equal(await institutionCount(), before + RACERS);
});

test('the audit chain stays intact after racing writers', async () => {
  const r = await cli(['audit', 'verify', '--db', srv.db]);
  assert.equal(r.code, 0, `verify: ${r.stdout} ${r.stderr}`);
});

// ---- PATCH /api/v1/institutions/{id}: optimistic locking by version ----

const patchInstitution = (id, as, json) => srv.req('PATCH', `/api/v1/institutions/${id}`, { as, json });

/** The location edits in an institution's history, oldest first. */
async function locationEdits(id) {
  const res = await srv.get(`/api/v1/institutions/${id}`, { as: 'admin' });
  assert.equal(res.status, 200, show(res));
  return res.json.history.filter((h) => h.changes && h.changes.location).map((h) => h.changes.location);
}

async function versionOf(id) {
  const res = await srv.get(`/api/v1/institutions/${id}`, { as: 'admin' });
  assert.equal(res.status, 200, show(res));
  assert.equal(typeof res.json.version, 'number', `institution without a version: ${show(res)}`);
  return res.json.version;
}

test('PATCH an institution with the current version: 200, the institution with version + 1', async () => {
  const { institution_id: id } = await register(srv);
  const n = await versionOf(id);
  const res = await patchInstitution(id, 'admin', { version: n, location: { lat: 32.6, lon: 110.8 } });
  assert.equal(res.status, 200, show(res));
  assert.equal(res.json.id, id, show(res));
  assert.equal(res.json.version, n + 1, show(res));
  assert.deepEqual(res.json.location, { lat: 32.6, lon: 110.8 }, show(res));
  assert.equal(await versionOf(id), n + 1);
});

test('two officials edit the same institution: the second, with the old version, gets 409 and changes nothing', async () => {
  const { institution_id: id } = await register(srv);
  const n = await versionOf(id);
  // Both opened the record at version n.
  const first = await patchInstitution(id, 'city', { version: n, location: { lat: 32.6, lon: 110.8 } });
  assert.equal(first.status, 200, show(first));
  assert.equal(first.json.version, n + 1);
  const second = await patchInstitution(id, 'county_zhangwan', { version: n, location: { lat: 32.7, lon: 110.9 } });
  expectError(second, 409, 'version_conflict');
  // The same request replayed by the first official is stale too.
  expectError(await patchInstitution(id, 'city', { version: n, location: { lat: 32.6, lon: 110.8 } }), 409, 'version_conflict');
  assert.equal(await versionOf(id), n + 1, 'a refused edit changed the version');
  assert.deepEqual(await locationEdits(id), [{ lat: 32.6, lon: 110.8 }], 'the history holds a refused edit');
  // With the new version the second official's edit goes through.
  const retry = await patchInstitution(id, 'county_zhangwan', { version: n + 1, location: { lat: 32.7, lon: 110.9 } });
  assert.equal(retry.status, 200, show(retry));
  assert.equal(retry.json.version, n + 2);
  assert.deepEqual(retry.json.location, { lat: 32.7, lon: 110.9 }, show(retry));
});

test('ten simultaneous edits with the same version: exactly one 200, nine 409 version_conflict', async () => {
  const { institution_id: id } = await register(srv);
  const n = await versionOf(id);
  const answers = await Promise.all(
    Array.from({ length: 10 }, (_, i) =>
      patchInstitution(id, i % 2 ? 'city' : 'admin', { version: n, location: { lat: 32.5 + i / 100, lon: 110.8 } })
    )
  );
  const ok = answers.filter((r) => r.status === 200);
  assert.equal(ok.length, 1, `answers: ${answers.map(show).join('\n')}`);
  for (const r of answers.filter((x) => x.status !== 200)) expectError(r, 409, 'version_conflict');
  assert.equal(await versionOf(id), n + 1, 'lost update: more than one edit was applied');
  const edits = await locationEdits(id);
  assert.equal(edits.length, 1, `lost update: ${edits.length} location edits in the history`);
  assert.deepEqual(edits[0], ok[0].json.location, 'the history holds another edit than the one answered 200');
});

test('PATCH an institution: missing version or an unknown field is 422; a stale one 409', async () => {
  const { institution_id: id } = await register(srv);
  const n = await versionOf(id);
  let res = await patchInstitution(id, 'admin', { location: { lat: 32.6, lon: 110.8 } });
  expectError(res, 422, 'validation_failed');
  assert.ok(errorFields(res).includes('version'), `422 does not name version: ${show(res)}`);
  res = await patchInstitution(id, 'admin', { version: n, location: { lat: 32.6, lon: 110.8 }, bogus: 1 });
  expectError(res, 422, 'validation_failed');
  res = await patchInstitution(id, 'admin', { version: String(n), location: { lat: 32.6, lon: 110.8 } });
  expectError(res, 422, 'validation_failed');
  expectError(await patchInstitution(id, 'admin', { version: n + 5, location: { lat: 32.6, lon: 110.8 } }), 409, 'version_conflict');
  assert.equal(await versionOf(id), n, 'a refused edit changed the version');
});

test('PATCH an institution: who may — admin, city, its county; others 403, another county 404', async () => {
  const { institution_id: id } = await register(srv, { district_code: '420303' });
  const body = async () => ({ version: await versionOf(id), location: { lat: 32.6, lon: 110.8 } });
  for (const who of ['admin', 'city', 'county_zhangwan']) {
    const res = await patchInstitution(id, who, await body());
    assert.equal(res.status, 200, `${who}: ${show(res)}`);
  }
  for (const who of ['auditor', 'registrar', 'inspector']) expectError(await patchInstitution(id, who, await body()), 403, 'forbidden');
  expectError(await patchInstitution(id, 'county_maojian', await body()), 404, 'not_found');
  expectError(await srv.req('PATCH', `/api/v1/institutions/${id}`, { json: await body() }), 401, 'unauthenticated');
  expectError(await patchInstitution(987654321, 'admin', { version: 1, location: { lat: 32.6, lon: 110.8 } }), 404, 'not_found');
});

test('PATCH a district with a stale version is 409 version_conflict and keeps the newer population', async () => {
  const patch = (json) => srv.req('PATCH', '/api/v1/districts/420325', { as: 'admin', json });
  const a = await patch({ population: 400001 });
  assert.equal(a.status, 200, show(a));
  const v = a.json.version;
  assert.equal(typeof v, 'number', `district answer without a version: ${show(a)}`);
  const b = await patch({ population: 400002, version: v });
  assert.equal(b.status, 200, show(b));
  assert.equal(b.json.version, v + 1);
  expectError(await patch({ population: 400003, version: v }), 409, 'version_conflict');
  const list = await srv.get('/api/v1/public/districts');
  assert.equal(list.json.items.find((d) => d.code === '420325').population, 400002, 'the stale edit was stored');
});

test('the server stops on SIGTERM with exit code 0', async () => {
  await srv.stop();
});
