// Backups of a live database. SQLite: `tuoyu backup --db live.db --out b.db` while the server takes writes
// gives a file that stands alone, passes `tuoyu audit verify` and holds every write acknowledged before it
// started. PostgreSQL: `tuoyu backup` refuses (exit 2: use pg_dump), and a pg_dump -Fc taken while the server
// takes writes restores with pg_restore into a database that passes `tuoyu audit verify`.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import test, { after, before } from 'node:test';
import { PG, Server, cli, cliOk, freshDb, pgArgs, pgName, show } from './harness.mjs';
import { registration } from './fixtures.mjs';

const ONLY_SQLITE = PG ? 'tuoyu backup copies SQLite files; on PostgreSQL pg_dump does (tested below)' : false;
const ONLY_PG = PG ? false : 'needs PostgreSQL (TUOYU_TEST_PG)';

let dir;
const servers = [];
before(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'backup-'));
});
after(async () => {
  for (const s of servers) await s.cleanup();
  if (dir && !process.env.TUOYU_KEEP_TMP) fs.rmSync(dir, { recursive: true, force: true });
});

async function start(opts) {
  const s = await Server.start(opts);
  servers.push(s);
  return s;
}
async function open(db, name, tokens) {
  const s = await Server.open(db, { name, tokens });
  servers.push(s);
  return s;
}

/** Push `n` registrations one after another; resolves [{ id, uscc }] of the acknowledged (201) ones. */
async function pushSome(srv, n) {
  const out = [];
  for (let i = 0; i < n; i++) {
    const body = registration();
    const res = await srv.post('/api/v1/registrations', body, { as: 'registrar' });
    assert.equal(res.status, 201, show(res));
    out.push({ id: res.json.institution_id, uscc: body.uscc });
  }
  return out;
}

/**
 * Two clients pushing registrations until stop() is called. stop() resolves every answer's status; a
 * database backup must not make the live server refuse or fail a write.
 */
function writers(srv) {
  let stopped = false;
  const statuses = [];
  const one = async () => {
    while (!stopped) {
      const res = await srv.post('/api/v1/registrations', registration(), { as: 'registrar' });
      statuses.push(res.status === 201 ? 201 : show(res));
    }
  };
  const running = [one(), one()];
  return async () => {
    stopped = true;
    await Promise.all(running);
    return statuses;
  };
}

/** Every acknowledged institution is in the database served by srv, with its USCC. */
async function expectInstitutions(srv, acknowledged) {
  for (const a of acknowledged) {
    const inst = await srv.get(`/api/v1/institutions/${a.id}`, { as: 'admin' });
    assert.equal(inst.status, 200, `institution ${a.id}, acknowledged before the backup, is missing: ${show(inst)}`);
    assert.equal(inst.json.uscc, a.uscc);
  }
}

test('tuoyu backup of a live SQLite database taking writes: exit 0, a standalone file, verified, complete', { skip: ONLY_SQLITE }, async () => {
  const live = await start({ name: 'backup-live', engine: 'sqlite' });
  const acknowledged = await pushSome(live, 15);
  const stop = writers(live);
  await new Promise((r) => setTimeout(r, 200)); // the writers are busy when the backup starts
  const out = path.join(dir, 'b.db');
  const r = await cli(['backup', '--db', live.db, '--out', out]);
  const statuses = await stop();
  assert.equal(r.code, 0, `tuoyu backup exited ${r.code ?? r.signal}\n${r.stdout}\n${r.stderr}`);
  assert.ok(statuses.length > 0, 'no write ran alongside the backup');
  assert.deepEqual(statuses.filter((s) => s !== 201), [], 'writes failed while the backup ran');

  // The backup is one file: moved alone (no -wal, no -shm) it is still whole.
  const alone = path.join(fs.mkdtempSync(path.join(dir, 'alone-')), 'b.db');
  fs.copyFileSync(out, alone);
  const verify = await cli(['audit', 'verify', '--db', alone]);
  assert.equal(verify.code, 0, `audit verify of the backup: ${verify.stdout} ${verify.stderr}`);
  const restored = await open(alone, 'backup-restored', live.tokens);
  await expectInstitutions(restored, acknowledged);
  await restored.stop();
  await live.stop();
});

test('tuoyu backup of a SQLite database to a path it cannot write exits non-zero', { skip: ONLY_SQLITE }, async () => {
  const db = freshDb(dir, 'small', { engine: 'sqlite' });
  await cliOk(['init', '--db', db]);
  const r = await cli(['backup', '--db', db, '--out', path.join(dir, 'no-such-dir', 'b.db')]);
  assert.notEqual(r.code, 0, `backup into a missing directory: ${r.stdout} ${r.stderr}`);
});

test('tuoyu backup of a PostgreSQL database exits 2, names pg_dump and writes nothing', { skip: ONLY_PG }, async () => {
  const db = freshDb(dir, 'pgbackup');
  await cliOk(['init', '--db', db]);
  const out = path.join(dir, 'pg-backup.db');
  const r = await cli(['backup', '--db', db, '--out', out]);
  assert.equal(r.code, 2, `tuoyu backup --db ${db}: exit ${r.code}\n${r.stdout}\n${r.stderr}`);
  assert.match(r.stderr, /pg_dump/, `the refusal does not point to pg_dump: ${r.stderr}`);
  assert.ok(!fs.existsSync(out), 'the refused backup wrote a file');
});

test('pg_dump -Fc of a demo database taking writes, restored with pg_restore, passes audit verify', { skip: ONLY_PG }, async () => {
  const db = freshDb(dir, 'dumped');
  await cliOk(['init', '--db', db]);
  await cliOk(['demo', '--db', db]);
  const live = await open(db, 'dump-live');
  live.tokens.registrar = await live.createToken('registrar');
  live.tokens.admin = await live.createToken('admin');
  const acknowledged = await pushSome(live, 10);
  const stop = writers(live);
  const dump = path.join(dir, 'demo.dump');
  try {
    execFileSync('pg_dump', [...pgArgs(db), '-Fc', '-f', dump, pgName(db)], { stdio: ['ignore', 'ignore', 'pipe'] });
  } finally {
    const statuses = await stop();
    assert.deepEqual(statuses.filter((s) => s !== 201), [], 'writes failed while pg_dump ran');
  }
  const restoredDb = freshDb(dir, 'restored');
  execFileSync('pg_restore', [...pgArgs(db), '--exit-on-error', '--no-owner', '-d', pgName(restoredDb), dump], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const verify = await cli(['audit', 'verify', '--db', restoredDb]);
  assert.equal(verify.code, 0, `audit verify of the restored dump: ${verify.stdout} ${verify.stderr}`);
  const restored = await open(restoredDb, 'dump-restored', live.tokens);
  await expectInstitutions(restored, acknowledged);
  const a = await live.get('/api/v1/public/institutions?page=1');
  const b = await restored.get('/api/v1/public/institutions?page=1');
  assert.equal(b.json.total, a.json.total, 'the restored database lists another number of filed institutions');
  // The restored sequences are past the restored rows: a new registration is a new institution.
  const reg = await restored.post('/api/v1/registrations', registration(), { as: 'registrar' });
  assert.equal(reg.status, 201, `a new registration in the restored database: ${show(reg)}`);
  await restored.stop();
  await live.stop();
});
