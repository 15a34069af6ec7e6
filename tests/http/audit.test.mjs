// The audit log is a hash chain: after a day's work `tuoyu audit verify` passes; edit, delete or cut one
// entry with the engine's own shell (sqlite3 or psql) and it fails, naming the first bad entry. Secrets never
// enter it.
import assert from 'node:assert/strict';
import test, { after, before } from 'node:test';
import { Server, absentDb, cli, copyDb as copyOf, dbExists, passwordOf, show, sql } from './harness.mjs';
import { fileInstitution, register } from './fixtures.mjs';

let srv;
before(async () => {
  srv = await Server.start({ name: 'audit' });
});
after(async () => srv && srv.cleanup());

/** A copy of the stopped server's database to tamper with. */
const copyDb = (name) => copyOf(srv.db, srv.dir, name);

test('a day of work is audited: registrations, filings, decisions, accounts and district changes', async () => {
  const before = Number(sql(srv.db, 'SELECT count(*) FROM audit_log'));
  const r = await register(srv);
  await srv.post('/api/v1/registrations', { ...r.body, name: `${r.body.name}改` }, { as: 'registrar' });
  await fileInstitution(srv);
  const u = await srv.post(
    '/api/v1/users',
    { username: 'audited_user', role: 'auditor', district: null, institution_id: null, password: 'secret-Pw-audited-1' },
    { as: 'admin' }
  );
  assert.equal(u.status, 201, show(u));
  const p = await srv.req('PATCH', '/api/v1/districts/420381', { as: 'admin', json: { population: 432000 } });
  assert.equal(p.status, 200, show(p));
  const s = await srv.login('city');
  assert.equal(s.res.status, 200);
  const rows = Number(sql(srv.db, 'SELECT count(*) FROM audit_log'));
  // register, update, register, submit, 7 attachments, approve, user, district: well over ten entries.
  assert.ok(rows - before >= 10, `only ${rows - before} audit entries for a day of work`);
  const actions = sql(srv.db, 'SELECT DISTINCT entity || \':\' || action FROM audit_log').split('\n');
  assert.ok(actions.length >= 5, `too few kinds of audited actions: ${actions}`);
});

test('no password, password hash or token ever appears in the audit log', async () => {
  const dump = sql(srv.db, "SELECT coalesce(before,'') || ' ' || coalesce(after,'') || ' ' || actor FROM audit_log");
  for (const secret of ['secret-Pw-audited-1', passwordOf('admin'), passwordOf('city'), srv.tokens.admin, srv.tokens.registrar]) {
    assert.ok(!dump.includes(secret), `audit log contains a secret (${secret.slice(0, 6)}…)`);
  }
  assert.ok(!/\$argon2id\$/.test(dump), 'audit log contains a password hash');
});

test('audit verify exits 0 on the intact chain while the server runs', async () => {
  const r = await cli(['audit', 'verify', '--db', srv.db]);
  assert.equal(r.code, 0, `verify: ${r.stdout} ${r.stderr}`);
});

test('after a stop, one edited after column makes audit verify exit 1 naming that entry', async () => {
  await srv.stop();
  const intact = await cli(['audit', 'verify', '--db', srv.db]);
  assert.equal(intact.code, 0, `verify before tampering: ${intact.stdout} ${intact.stderr}`);

  const db = copyDb('edited');
  const seq = Number(sql(db, 'SELECT seq FROM audit_log WHERE after IS NOT NULL ORDER BY seq LIMIT 1 OFFSET 3'));
  assert.ok(seq > 1, 'not enough audit entries to tamper with');
  sql(db, `UPDATE audit_log SET after = replace(after, '}', ',"tampered":true}') WHERE seq = ${seq}`);
  const r = await cli(['audit', 'verify', '--db', db]);
  assert.equal(r.code, 1, `verify of an edited log: ${r.code} ${r.stdout} ${r.stderr}`);
  assert.match(r.stdout + r.stderr, new RegExp(`\\b${seq}\\b`), `verify does not name entry ${seq}`);
});

test('a deleted entry in the middle and a cut-off tail both make audit verify exit 1', async () => {
  const middle = copyDb('deleted');
  const n = Number(sql(middle, 'SELECT max(seq) FROM audit_log'));
  const victim = Math.floor(n / 2);
  sql(middle, `DELETE FROM audit_log WHERE seq = ${victim}`);
  let r = await cli(['audit', 'verify', '--db', middle]);
  assert.equal(r.code, 1, `verify after deleting entry ${victim}: ${r.code} ${r.stdout} ${r.stderr}`);
  assert.match(r.stdout + r.stderr, new RegExp(`\\b${victim}\\b`), `verify does not name entry ${victim}`);

  const tail = copyDb('cut');
  sql(tail, `DELETE FROM audit_log WHERE seq = ${n}`);
  r = await cli(['audit', 'verify', '--db', tail]);
  assert.equal(r.code, 1, `verify after cutting the last entry: ${r.code} ${r.stdout} ${r.stderr}`);

  // Rewriting an entry and its own hash is still caught by the next entry's link.
  const rehash = copyDb('rehashed');
  sql(rehash, `UPDATE audit_log SET actor = 'someone-else', hash = '${'f'.repeat(64)}' WHERE seq = ${victim}`);
  r = await cli(['audit', 'verify', '--db', rehash]);
  assert.equal(r.code, 1, `verify after rewriting entry ${victim}: ${r.code}`);
});

test('audit verify of a database that does not exist fails without creating it', async () => {
  const missing = absentDb(srv.dir, 'no_such');
  const r = await cli(['audit', 'verify', '--db', missing]);
  assert.notEqual(r.code, 0);
  assert.ok(!dbExists(missing), 'verify created a database');
});
