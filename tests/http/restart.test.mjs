// PostgreSQL goes away under a running server (scripts/pg-cluster.sh restart: a fast restart drops every
// connection) and comes back: the server reconnects by itself, answers at once (one 503 allowed for the very
// first request), takes new writes, and every write acknowledged before or during the restart is still there.
// While it is down, requests that need it are 503: never a 422 that tells a client its data is wrong.
// The cluster restarted is this file's own (privateCluster): PG mode's shared cluster serves the other test
// files at the same time, and a restart of it would fail them.
import assert from 'node:assert/strict';
import test, { after, before } from 'node:test';
import { PG, Server, cli, expectError, privateCluster, show } from './harness.mjs';
import { register, registration } from './fixtures.mjs';

const SKIP = PG ? false : 'a database server restart exists only for PostgreSQL (SQLite is a file inside the process)';

let cluster;
let srv;
before(async () => {
  if (SKIP) return;
  cluster = await privateCluster('pgrestart');
  srv = await Server.start({ name: 'pgrestart', cluster: cluster.url });
});
after(async () => {
  if (srv) await srv.cleanup();
  if (cluster) await cluster.stop();
});

/** GET a path; when the first answer is 503, ask once more. Resolves the final answer. */
async function getWithOneRetry(path, opts) {
  const res = await srv.get(path, opts);
  if (res.status !== 503) return res;
  await new Promise((r) => setTimeout(r, 200));
  return srv.get(path, opts);
}

test('a PostgreSQL restart under a running server loses nothing and the server answers right after it', { skip: SKIP }, async () => {
  const acknowledged = [];
  const r = await register(srv);
  acknowledged.push({ id: r.institution_id, uscc: r.body.uscc });

  await cluster.restart();

  const health = await getWithOneRetry('/healthz');
  assert.equal(health.status, 200, `GET /healthz after the restart (one 503 retried): ${show(health)}`);
  // From here on no more 503s: every worker thread's connection must be back, not only the first one's.
  for (let i = 0; i < 8; i++) {
    const inst = await srv.get(`/api/v1/institutions/${r.institution_id}`, { as: 'admin' });
    assert.equal(inst.status, 200, `GET the institution after the restart (try ${i + 1}): ${show(inst)}`);
    assert.equal(inst.json.uscc, r.body.uscc);
  }
  const after1 = await register(srv);
  acknowledged.push({ id: after1.institution_id, uscc: after1.body.uscc });

  for (const a of acknowledged) {
    const inst = await srv.get(`/api/v1/institutions/${a.id}`, { as: 'admin' });
    assert.equal(inst.status, 200, `institution ${a.id} lost: ${show(inst)}`);
    assert.equal(inst.json.uscc, a.uscc);
  }
});

test('while PostgreSQL is down, requests that need it answer 503 (not 422 or 500), and work again once it is up', { skip: SKIP }, async () => {
  const known = await register(srv);
  const body = registration();
  await cluster.down();
  const user = { username: 'pgdown_county', role: 'county_official', district: '420303', institution_id: null, password: 'pgdown-Pw-2026-test' };
  const requests = [
    ['POST /api/v1/registrations', () => srv.post('/api/v1/registrations', body, { as: 'registrar' })],
    ['GET /api/v1/institutions/{id}', () => srv.get(`/api/v1/institutions/${known.institution_id}`, { as: 'admin' })],
    ['GET /api/v1/public/institutions?district=420303', () => srv.get('/api/v1/public/institutions?district=420303')],
    ['POST /api/v1/users', () => srv.post('/api/v1/users', user, { as: 'admin' })],
  ];
  try {
    // Twice each: the first request to meet the lost connection and the ones after it take other paths.
    // A lookup that fails is not a "no": the district exists, the database is just not there.
    const wrong = [];
    for (let round = 1; round <= 2; round++) {
      for (const [what, send] of requests) {
        const res = await send();
        if (res.status === 503) expectError(res, 503);
        else wrong.push(`${what} (round ${round}): ${show(res)}`);
      }
    }
    assert.deepEqual(wrong, [], 'answers other than 503 while PostgreSQL was down');
  } finally {
    await cluster.up();
  }
  const health = await getWithOneRetry('/healthz');
  assert.equal(health.status, 200, `GET /healthz once PostgreSQL is back (one 503 retried): ${show(health)}`);
  const res = await srv.post('/api/v1/registrations', body, { as: 'registrar' });
  assert.equal(res.status, 201, `the push refused while PostgreSQL was down, sent again: ${show(res)}`);
});

test('writes racing a PostgreSQL restart: each answer is 201, 200 (replay) or 503, every acknowledged one survives, the server stops cleanly', { skip: SKIP }, async () => {
  const acknowledged = [];
  const refused = [];
  let stopped = false;
  const worker = async () => {
    while (!stopped) {
      const body = registration();
      const res = await srv.post('/api/v1/registrations', body, { as: 'registrar' });
      // 200 is an acknowledgement too: the connection died after COMMIT, the server ran the transaction again
      // and found the push already there (an idempotent replay of its own first try).
      if (res.status === 201 || res.status === 200) acknowledged.push({ id: res.json.institution_id, uscc: body.uscc });
      else refused.push({ res, body });
    }
  };
  const workers = [worker(), worker(), worker()];
  await new Promise((r) => setTimeout(r, 300));
  await cluster.restart();
  await new Promise((r) => setTimeout(r, 500));
  stopped = true;
  await Promise.all(workers);

  assert.ok(acknowledged.length > 0, 'no write was acknowledged');
  for (const { res } of refused) assert.equal(res.status, 503, `a write during the restart: ${show(res)}`);
  // A refused push can be sent again: it is then a new registration (201), or a replay (200) if the refusal
  // came after its commit — never an error.
  for (const { body } of refused) {
    const again = await srv.post('/api/v1/registrations', body, { as: 'registrar' });
    assert.ok([200, 201].includes(again.status), `a refused push sent again: ${show(again)}`);
  }
  for (const a of acknowledged) {
    const inst = await srv.get(`/api/v1/institutions/${a.id}`, { as: 'admin' });
    assert.equal(inst.status, 200, `institution ${a.id} answered 201 during the restart but lost: ${show(inst)}`);
    assert.equal(inst.json.uscc, a.uscc);
  }
  const verify = await cli(['audit', 'verify', '--db', srv.db]);
  assert.equal(verify.code, 0, `audit chain after the restart: ${verify.stdout} ${verify.stderr}`);
  await srv.stop(); // and after all that it still stops cleanly: exit 0 on SIGTERM
});
