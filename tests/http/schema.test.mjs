// The schema version is checked at start: a server refuses a database migrated by a newer tuoyu, refuses an
// older one until `tuoyu init` migrates it, and init brings an older database up to date keeping its data.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import test, { after } from 'node:test';
import { fileURLToPath } from 'node:url';
import { cli, cliOk, freshDb, sql } from './harness.mjs';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'schema-'));
after(() => fs.rmSync(dir, { recursive: true, force: true }));

// What migrations 2 and later added, removed again: the database as tuoyu with only migration 1 left it. Read
// from the migration files themselves, so a new migration needs no change here: indexes first, then tables in
// reverse order of creation, then the columns added to tables of migration 1.
const SQL_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../sql/sqlite');
function downgradeTo1() {
  const files = fs.readdirSync(SQL_DIR).filter((f) => /^\d{3}_.*\.sql$/.test(f) && parseInt(f, 10) >= 2).sort();
  const text = files.map((f) => fs.readFileSync(path.join(SQL_DIR, f), 'utf8').replace(/--[^\n]*/g, '')).join('\n');
  const indexes = [...text.matchAll(/CREATE\s+(?:UNIQUE\s+)?INDEX\s+(\w+)/gi)].map((m) => `DROP INDEX IF EXISTS ${m[1]}`);
  const tables = [...text.matchAll(/CREATE\s+TABLE\s+(\w+)/gi)].map((m) => m[1]);
  const columns = [...text.matchAll(/ALTER\s+TABLE\s+(\w+)\s+ADD\s+COLUMN\s+(\w+)/gi)]
    .filter((m) => !tables.includes(m[1]))
    .map((m) => `ALTER TABLE ${m[1]} DROP COLUMN ${m[2]}`);
  return [...indexes, ...tables.reverse().map((t) => `DROP TABLE ${t}`), ...columns, 'UPDATE schema_version SET version = 1'].join('; ');
}
const LATEST = String(Math.max(...fs.readdirSync(SQL_DIR).filter((f) => /^\d{3}_/.test(f)).map((f) => parseInt(f, 10))));

const serveFails = async (db, pattern) => {
  const r = await cli(['serve', '--db', db, '--listen', '127.0.0.1:1']);
  assert.equal(r.code, 1, `serve answered ${r.code}: ${r.stderr}`);
  assert.match(r.stderr, pattern);
};

test('a database migrated by a newer tuoyu is refused by serve and by init, and left as it is', async () => {
  const db = freshDb(dir, 'newer');
  await cliOk(['init', '--db', db]);
  sql(db, 'UPDATE schema_version SET version = 999');
  await serveFails(db, /newer than this program/);
  const init = await cli(['init', '--db', db]);
  assert.equal(init.code, 1, init.stderr);
  assert.match(init.stderr, /newer than this program/);
  assert.equal(sql(db, 'SELECT version FROM schema_version'), '999');
});

test('an older database is refused by serve until tuoyu init migrates it, keeping its rows', async () => {
  const db = freshDb(dir, 'older');
  await cliOk(['init', '--db', db]);
  await cliOk(['demo', '--db', db]);
  const before = sql(db, 'SELECT COUNT(*) FROM institutions');
  sql(db, downgradeTo1());
  await serveFails(db, /older than this program.*tuoyu init/);
  await cliOk(['init', '--db', db]);
  assert.equal(sql(db, 'SELECT version FROM schema_version'), LATEST);
  assert.equal(sql(db, 'SELECT COUNT(*) FROM institutions'), before);
  assert.equal(sql(db, 'SELECT COUNT(*) FROM staff'), '0');
  assert.equal(sql(db, "SELECT COUNT(*) FROM institutions WHERE provider_kind = 'institution'"), before);
  const verify = await cli(['audit', 'verify', '--db', db]);
  assert.equal(verify.code, 0, verify.stdout + verify.stderr);
});
