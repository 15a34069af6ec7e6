// The schema version is checked at start: a server refuses a database migrated by a newer tuoyu, refuses an
// older one until `tuoyu init` migrates it, and init brings an older database up to date keeping its data.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import test, { after } from 'node:test';
import { cli, cliOk, freshDb, sql } from './harness.mjs';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'schema-'));
after(() => fs.rmSync(dir, { recursive: true, force: true }));

// What migration 2 added, removed again: the database as tuoyu with only migration 1 left it.
const DOWNGRADE_TO_1 = [
  'DROP TABLE compliance_findings', 'DROP TABLE health_checks', 'DROP TABLE guardians', 'DROP TABLE children',
  'DROP TABLE class_caregivers', 'DROP TABLE classes', 'DROP TABLE ban_checks', 'DROP TABLE person_credit_records',
  'DROP TABLE bans', 'DROP TABLE staff_certificates', 'DROP TABLE staff',
  'ALTER TABLE institutions DROP COLUMN provider_kind', 'UPDATE schema_version SET version = 1',
].join('; ');

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
  sql(db, DOWNGRADE_TO_1);
  await serveFails(db, /older than this program.*tuoyu init/);
  await cliOk(['init', '--db', db]);
  assert.equal(sql(db, 'SELECT version FROM schema_version'), '2');
  assert.equal(sql(db, 'SELECT COUNT(*) FROM institutions'), before);
  assert.equal(sql(db, 'SELECT COUNT(*) FROM staff'), '0');
  assert.equal(sql(db, "SELECT COUNT(*) FROM institutions WHERE provider_kind = 'institution'"), before);
  const verify = await cli(['audit', 'verify', '--db', db]);
  assert.equal(verify.code, 0, verify.stdout + verify.stderr);
});
