// `tuoyu copy --from SRC --to DST` moves a whole database to another engine: SQLite → PostgreSQL and back
// (in PG mode), SQLite → SQLite otherwise. The copy verifies itself, keeps the audit chain, serves the same
// public registry, takes new writes, and refuses a target that holds data without touching it.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import test, { after, before } from 'node:test';
import { ENGINE, Server, cli, cliOk, freshDb, show, sql } from './harness.mjs';
import { registration } from './fixtures.mjs';

let dir;
let source; // the SQLite demo database
let copy; // its copy on the other engine (PostgreSQL in PG mode)
let sourceTokens = {};
let sourceTotal;
let sourcePage;
const servers = [];

before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'copy-'));
  source = freshDb(dir, 'source', { engine: 'sqlite' });
  await cliOk(['init', '--db', source]);
  await cliOk(['demo', '--db', source]);
  const srv = await serve(source, 'copy-source');
  const first = await srv.get('/api/v1/public/institutions?page=1');
  assert.equal(first.status, 200, show(first));
  sourceTotal = first.json.total;
  sourcePage = strip(first.json.items);
  assert.ok(sourceTotal > 20, `the demo has too few filed institutions to compare: ${sourceTotal}`);
  sourceTokens = { admin: await srv.createToken('admin') };
  await srv.stop();
});
after(async () => {
  for (const s of servers) await s.cleanup();
  if (dir && !process.env.TUOYU_KEEP_TMP) fs.rmSync(dir, { recursive: true, force: true });
});

const strip = (items) => items.map(({ id, name, filing_number, district_code, fee_min_yuan }) => ({ id, name, filing_number, district_code, fee_min_yuan }));

async function serve(db, name, tokens) {
  const s = await Server.open(db, { name, tokens });
  servers.push(s);
  return s;
}

/** Copy and expect success: exit 0 and a last stdout line "copy verified: …". */
async function copyOk(from, to) {
  const r = await cli(['copy', '--from', from, '--to', to], { timeoutMs: 300000 });
  assert.equal(r.code, 0, `tuoyu copy --from ${from} --to ${to} exited ${r.code ?? r.signal}\n${r.stdout}\n${r.stderr}`);
  const lines = r.stdout.trim().split('\n');
  assert.match(lines[lines.length - 1], /^copy verified:/, `last line of copy: ${r.stdout}`);
}

/** The copy behaves as the source did: intact audit chain, the same public registry, and it takes writes. */
async function expectSameRegistry(db, name) {
  const verify = await cli(['audit', 'verify', '--db', db]);
  assert.equal(verify.code, 0, `audit verify of the copy: ${verify.stdout} ${verify.stderr}`);
  const srv = await serve(db, name, sourceTokens);
  const first = await srv.get('/api/v1/public/institutions?page=1');
  assert.equal(first.status, 200, show(first));
  assert.equal(first.json.total, sourceTotal, 'the copy lists another number of filed institutions');
  assert.deepEqual(strip(first.json.items), sourcePage, 'the copy lists other institutions on page 1');
  // The copy's tokens, accounts and id sequences came along: the source's admin token works, and a new
  // registration gets a new id instead of colliding with a copied one.
  const me = await srv.get('/api/v1/session', { as: 'admin' });
  assert.equal(me.status, 200, `the source's admin token in the copy: ${show(me)}`);
  srv.tokens.registrar = await srv.createToken('registrar');
  const reg = await srv.post('/api/v1/registrations', registration(), { as: 'registrar' });
  assert.equal(reg.status, 201, `a new registration in the copy: ${show(reg)}`);
  await srv.stop();
  const after = await cli(['audit', 'verify', '--db', db]);
  assert.equal(after.code, 0, `audit verify of the copy after a write: ${after.stdout} ${after.stderr}`);
}

test(`copy a SQLite demo database to a fresh ${ENGINE} database: verified, same registry, intact audit chain`, async () => {
  copy = freshDb(dir, 'copy');
  await copyOk(source, copy);
  await expectSameRegistry(copy, 'copy-target');
});

test('copy to a target that holds data exits 1 and changes nothing in it', async () => {
  assert.ok(copy, 'the first copy did not run');
  const state = () => sql(copy, 'SELECT (SELECT count(*) FROM institutions), (SELECT max(seq) FROM audit_log), (SELECT count(*) FROM users)');
  const before = state();
  const r = await cli(['copy', '--from', source, '--to', copy]);
  assert.equal(r.code, 1, `copy onto a non-empty target: exit ${r.code}\n${r.stdout}\n${r.stderr}`);
  assert.equal(state(), before, 'the refused copy changed the target');
  const verify = await cli(['audit', 'verify', '--db', copy]);
  assert.equal(verify.code, 0, `audit verify after the refused copy: ${verify.stdout} ${verify.stderr}`);
});

test(`copy back from ${ENGINE} to a new SQLite file: verified, same registry`, async () => {
  assert.ok(copy, 'the first copy did not run');
  const back = freshDb(dir, 'back', { engine: 'sqlite' });
  await copyOk(copy, back);
  await expectSameRegistry(back, 'copy-back');
});

test('copy from a database that does not exist fails and creates nothing', async () => {
  const missing = path.join(dir, 'missing.db');
  const target = freshDb(dir, 'never');
  const r = await cli(['copy', '--from', missing, '--to', target]);
  assert.notEqual(r.code, 0, `copy from nothing: ${r.stdout} ${r.stderr}`);
  assert.ok(!fs.existsSync(missing), 'copy created its source');
});
