// A full disk during writes. The server's directory — its SQLite database, WAL, key file and log — sits on a
// small tmpfs; clients keep writing while a filler file takes the last free byte. Every write must answer 2xx
// or a clean 503 storage_full (never a 500, a hang or a crash), reads keep answering 200, the database stays
// intact (PRAGMA integrity_check), `tuoyu backup` onto the full disk fails cleanly (exit 1, a message, no
// partial file), and once the filler is deleted writes succeed again, every acknowledged write is there and
// the audit chain verifies.
//
// Mounting needs root (CI runs as root); without it, or when mount fails, the test is skipped with the reason.
// SQLite only: filling PostgreSQL's disk is out of scope here (its data directory belongs to the cluster, not
// to the server); its disk_full error (SQLSTATE 53100) maps to the same 503 storage_full in src/db/db_pg.c.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import test, { after } from 'node:test';
import { PG, Server, cli, show, sql } from './harness.mjs';
import { FILES, addOperator, cstDay, idNumber, register, registration, submit } from './fixtures.mjs';

const SIZE = '12m';
let mnt = null;
let skip = null;
if (PG) skip = 'full disk tested on SQLite only (PostgreSQL: disk_full 53100 maps to the same 503 storage_full)';
else if (typeof process.getuid === 'function' && process.getuid() !== 0) skip = 'mounting a tmpfs needs root';
else {
  mnt = fs.mkdtempSync(path.join(os.tmpdir(), 'diskfull-mnt-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${SIZE},mode=0700`, 'tmpfs', mnt], { stdio: ['ignore', 'ignore', 'pipe'] });
  } catch (e) {
    skip = `cannot mount a tmpfs: ${String(e.stderr || e.message).trim()}`;
    fs.rmSync(mnt, { recursive: true, force: true });
    mnt = null;
  }
}

let srv;
let fd = null; // the filler file, open while the disk is kept full
after(async () => {
  if (fd !== null) fs.closeSync(fd); // an open file keeps the tmpfs busy
  if (srv) await srv.cleanup();
  if (mnt) {
    try {
      execFileSync('umount', [mnt], { stdio: ['ignore', 'ignore', 'pipe'] });
    } catch {
      execFileSync('umount', ['-l', mnt]); // busy still (a child being reaped): detach it now, freed when idle
    }
    fs.rmSync(mnt, { recursive: true, force: true });
  }
});

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
let serial = 0;

/** Take every free byte of the tmpfs into a filler file: big chunks, then smaller ones until none fits. */
function fill(fd) {
  let wrote = 0;
  for (const size of [1 << 20, 64 << 10, 4 << 10, 512, 1]) {
    const chunk = Buffer.alloc(size, 0x61);
    for (;;) {
      try {
        fs.writeSync(fd, chunk);
        wrote += size;
      } catch (e) {
        if (e.code !== 'ENOSPC') throw e;
        break;
      }
    }
  }
  return wrote;
}

const TITLE = 'a full disk during writes: 2xx or 503 storage_full, reads go on, no corruption, recovery when space returns';
test(TITLE, { skip: skip || false }, async (t) => {
  srv = await Server.start({ name: 'diskfull', dir: mnt, engine: 'sqlite' });
  const inst = await register(srv);
  const operator = await addOperator(srv, inst.institution_id);
  const filing = await submit(srv, inst.institution_id, operator);

  // Writes of three kinds; each answer is sorted into acknowledged (with what to check), storage_full, or bad.
  const acked = [];
  const bad = [];
  let full = 0;
  const writes = [
    async () => {
      const body = registration();
      const res = await srv.post('/api/v1/registrations', body, { as: 'registrar', timeoutMs: 15000 });
      return [res, () => [`/api/v1/institutions/${res.json.institution_id}`, 'admin', (j) => j.uscc === body.uscc]];
    },
    async () => {
      const body = {
        name: '李保育',
        id_number: idNumber(new Date(Date.UTC(1975, 0, 1) + ++serial * 86400e3).toISOString().slice(0, 10), serial),
        role: 'caregiver',
        hired_on: cstDay(serial % 300),
      };
      const res = await srv.post(`/api/v1/institutions/${inst.institution_id}/staff`, body, { as: operator, timeoutMs: 15000 });
      return [res, () => [`/api/v1/staff/${res.json.id}`, operator, (j) => j.hired_on === body.hired_on]];
    },
    async () => {
      // An upload: a larger write, a blob in the database.
      const data = Buffer.concat([FILES.pdf.data, Buffer.alloc(8000 + (++serial % 8000), 0x20)]);
      const res = await srv.req('POST', `/api/v1/filings/${filing.id}/attachments?kind=filing_form`, {
        as: operator,
        body: data,
        headers: { 'Content-Type': FILES.pdf.type },
        timeoutMs: 15000,
      });
      const there = (j) => j.attachments.some((a) => a.id === res.json.id && a.size === data.length);
      return [res, () => [`/api/v1/filings/${filing.id}`, operator, there]];
    },
  ];
  let turn = 0;
  const writeOnce = async () => {
    let res;
    let check;
    try {
      [res, check] = await writes[turn++ % writes.length]();
    } catch (e) {
      bad.push(`no answer: ${e.message}`); // a hang (timeout) or the server gone
      return;
    }
    if (res.status >= 200 && res.status < 300) acked.push(check());
    else if (res.status === 503 && res.json && res.json.error && res.json.error.code === 'storage_full') full++;
    else bad.push(show(res));
  };

  // Reads on the side: an institution by id and the health check must keep answering 200 throughout.
  let reading = true;
  let reads = 0;
  const reader = (async () => {
    while (reading) {
      for (const [p, as] of [[`/api/v1/institutions/${inst.institution_id}`, 'admin'], ['/healthz']]) {
        const r = await srv.get(p, { as, timeoutMs: 15000 });
        if (r.status !== 200) bad.push(`read ${p}: ${show(r)}`);
        reads++;
      }
      await sleep(20);
    }
  })();

  // Three clients write while the filler takes the disk; they go on until the server has refused enough writes
  // with storage_full (or 20 s pass). The filler is topped up as SQLite frees or grows files.
  const filler = path.join(mnt, 'filler');
  fd = fs.openSync(filler, 'w');
  let filled = 0;
  let writing = true;
  const clients = Array.from({ length: 3 }, async () => {
    while (writing) await writeOnce();
  });
  await sleep(100);
  const deadline = Date.now() + 20000;
  while (full < 20 && Date.now() < deadline && !srv.exited) {
    filled += fill(fd);
    await sleep(50);
  }
  writing = false;
  await Promise.all(clients);
  const ackedWhileFull = acked.length;
  assert.equal(srv.exited, null, `the server died on a full disk: ${JSON.stringify(srv.exited)}\n${srv.logTail()}`);
  assert.deepEqual(bad, [], 'answers other than 2xx or 503 storage_full on a full disk');
  assert.ok(full >= 1, `no write was refused with storage_full (acknowledged ${acked.length}, filler ${filled} bytes)`);

  // Still full: reads answer, the database is intact, a backup onto this disk fails cleanly.
  for (let i = 0; i < 5; i++) expectOk(await srv.get(`/api/v1/institutions/${inst.institution_id}`, { as: 'admin' }));
  assert.equal(sql(srv.db, 'PRAGMA integrity_check'), 'ok');
  const out = path.join(mnt, 'backup.db');
  const backup = await cli(['backup', '--db', srv.db, '--out', out]);
  assert.equal(backup.code, 1, `backup onto a full disk: ${backup.code} ${backup.stdout} ${backup.stderr}`);
  assert.match(backup.stderr, /storage_full|no space/i);
  assert.ok(!fs.existsSync(out), 'a failed backup left a partial file');

  // Space returns: writes succeed on every connection, and nothing acknowledged is missing.
  fs.closeSync(fd);
  fd = null;
  fs.rmSync(filler);
  reading = false;
  await reader;
  assert.deepEqual(bad, [], 'reads on a full disk');
  const push = () => srv.post('/api/v1/registrations', registration(), { as: 'registrar' });
  const again = await Promise.all(Array.from({ length: 12 }, push));
  for (const r of again) assert.equal(r.status, 201, `a write after space returned: ${show(r)}`);
  for (const [p, as, ok] of acked) {
    const r = await srv.get(p, { as });
    assert.equal(r.status, 200, `acknowledged write lost: ${p} ${show(r)}`);
    assert.ok(ok(r.json), `acknowledged write changed: ${p} ${show(r)}`);
  }
  await srv.stop();
  assert.equal(sql(srv.db, 'PRAGMA integrity_check'), 'ok');
  const verify = await cli(['audit', 'verify', '--db', srv.db]);
  assert.equal(verify.code, 0, `audit chain after a full disk: ${verify.stdout} ${verify.stderr}`);
  t.diagnostic(
    `tmpfs ${SIZE}: ${ackedWhileFull} writes acknowledged while filling (filler ${(filled / 1048576).toFixed(1)} MiB), ` +
      `${full} refused 503 storage_full, ${reads} reads answered 200, 0 other answers; 12/12 writes 201 after space returned`
  );
});

function expectOk(res) {
  assert.equal(res.status, 200, show(res));
}
