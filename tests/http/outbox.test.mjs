// The change feed and the outbox against a real receiver on loopback that fails, times out, is killed and comes
// back: every filing decision arrives exactly once in effect (deduplicated by its Idempotency-Key), in order per
// institution, signed with the receiver's secret; dead letters are kept and replayed; the pull feed
// (GET /api/v1/changes?since=) gives the same events in the same order.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import http from 'node:http';
import test, { after, before } from 'node:test';
import { Server, expectError, expectStatus, freePort, show, sql } from './harness.mjs';
import { addOperator, attachAll, decide, dossier, register, submit } from './fixtures.mjs';

// 1,000 decisions in the normal build; a fifth of that under the sanitizers, which are ~5x slower.
const SANITIZED = /sanitize/.test(process.env.MESON_OPTS || '') || /asan/.test(process.env.TUOYU_BIN || '');
const INSTITUTIONS = 20;
const DECISIONS = SANITIZED ? 200 : 1000;

/** A receiver on loopback. mode: 'ok' | 'fail' (500) | 'slow' (answers after 2 s). Records every request. */
class Receiver {
  constructor(port) {
    this.port = port;
    this.mode = 'ok';
    this.requests = []; // every request as received: { key, seq, institution, action, status, signature, body }
    this.accepted = new Map(); // key → event, the first time it was answered 2xx
    this.sockets = new Set();
    this.failed = 0; // requests answered 500
    this.slowed = 0; // requests answered after the sender's timeout
  }
  async start() {
    this.server = http.createServer((req, res) => {
      const chunks = [];
      req.on('data', (c) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        const ev = JSON.parse(body);
        const entry = {
          key: req.headers['idempotency-key'],
          seq: ev.seq,
          institution: ev.institution_id,
          action: ev.action,
          signature: req.headers['x-tuoyu-signature'],
          body,
        };
        this.requests.push(entry);
        if (this.mode === 'fail') {
          this.failed++;
          res.writeHead(500).end('down for maintenance');
        } else if (this.mode === 'slow') {
          this.slowed++;
          setTimeout(() => {
            if (!this.accepted.has(entry.key)) this.accepted.set(entry.key, entry); // processed, answer too late
            res.writeHead(200).end('{}');
          }, 2000);
        } else {
          if (!this.accepted.has(entry.key)) this.accepted.set(entry.key, entry);
          res.writeHead(200, { 'Content-Type': 'application/json' }).end('{"ok":true}');
        }
      });
    });
    this.server.on('connection', (s) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
    await new Promise((resolve) => this.server.listen(this.port, '127.0.0.1', resolve));
  }
  /** Kill: stop listening and cut every open connection, as a crashed process would. */
  async kill() {
    for (const s of this.sockets) s.destroy();
    await new Promise((resolve) => this.server.close(resolve));
  }
  get url() {
    return `http://127.0.0.1:${this.port}/events`;
  }
}

async function waitFor(what, fn, ms = 120000) {
  const t0 = Date.now();
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() - t0 > ms) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function setting(srv, key, value) {
  sql(
    srv.db,
    `INSERT INTO settings (key, value) VALUES ('${key}', '${value}') ` +
      `ON CONFLICT (key) DO UPDATE SET value = excluded.value`,
  );
}

let srv;
let receiver;
before(async () => {
  srv = await Server.start({ name: 'outbox' });
  // Fast retries for the test: 50 ms doubling to 400 ms, a 500 ms request timeout, nothing dead yet.
  setting(srv, 'outbox_retry_base_ms', 50);
  setting(srv, 'outbox_retry_max_ms', 400);
  setting(srv, 'outbox_timeout_ms', 500);
  setting(srv, 'outbox_max_attempts', 100000);
  receiver = new Receiver(await freePort());
  await receiver.start();
});
after(async () => {
  if (receiver) await receiver.kill().catch(() => {});
  if (srv) await srv.cleanup();
});

test('receivers: validation names every bad field, names are unique, only admins manage them', async () => {
  let res = await srv.post('/api/v1/outbox/receivers', { name: '', url: 'ftp://x', actions: 'Filing-Approved' }, { as: 'admin' });
  expectError(res, 422, 'validation_failed');
  assert.deepEqual(res.json.error.fields.map((f) => f.field).sort(), ['actions', 'name', 'url']);
  res = await srv.post('/api/v1/outbox/receivers', { name: 'x', url: receiver.url }, { as: 'city' });
  expectError(res, 403, 'forbidden');
  res = await srv.get('/api/v1/changes?since=0', { as: 'inspector' });
  expectError(res, 403, 'forbidden');
  // Without since the path is still the information change list of the life cycle; registrars read the feed only.
  res = await srv.get('/api/v1/changes', { as: 'registrar' });
  expectError(res, 403, 'forbidden');
  res = await srv.get('/api/v1/changes?since=0', { as: 'registrar' });
  expectStatus(res, 200);
  res = await srv.get('/api/v1/changes', { as: 'city' });
  expectStatus(res, 200);
  assert.ok('total' in res.json && !('next_since' in res.json));
  res = await srv.get('/api/v1/changes?since=-1&limit=5000', { as: 'city' });
  expectError(res, 422, 'validation_failed');
  assert.deepEqual(res.json.error.fields.map((f) => f.field).sort(), ['limit', 'since']);
});

test(`${DECISIONS} filing decisions reach a receiver that fails, times out and is killed: each once, in order`, async (t) => {
  let res = await srv.post(
    '/api/v1/outbox/receivers',
    { name: '省托育机构备案系统', url: receiver.url, actions: 'filing_approved, filing_returned' },
    { as: 'admin' },
  );
  expectStatus(res, 201);
  const { id: receiverId, secret } = res.json;
  assert.match(secret, /^[0-9a-f]{64}$/);
  // The secret is shown once: the list does not hold it.
  res = await srv.get('/api/v1/outbox/receivers', { as: 'admin' });
  assert.ok(!JSON.stringify(res.json).includes(secret));

  // Institutions with an operator each, all seven attachments on their first filing.
  const insts = [];
  for (let i = 0; i < INSTITUTIONS; i++) {
    const r = await register(srv, {});
    const op = await addOperator(srv, r.institution_id);
    insts.push({ id: r.institution_id, op });
  }
  const perInst = DECISIONS / INSTITUTIONS;
  const t0 = Date.now();
  let made = 0;
  // Round-robin over the institutions: submit, then return (and the last round approves).
  for (let round = 0; round < perInst; round++) {
    // Each failure mode lasts until tuoyu has felt it: 500s, answers after its timeout, refused connections.
    if (round === Math.floor(perInst * 0.2)) receiver.mode = 'fail';
    if (round === Math.floor(perInst * 0.35)) {
      await waitFor('500s answered', () => receiver.failed >= 3);
      receiver.mode = 'slow';
    }
    if (round === Math.floor(perInst * 0.45)) {
      await waitFor('timeouts', () => receiver.slowed >= 2);
      receiver.mode = 'ok';
      await receiver.kill();
    }
    if (round === Math.floor(perInst * 0.6)) {
      await waitFor('a refused connection recorded', async () => {
        const d = await srv.get(`/api/v1/outbox/deliveries?receiver=${receiverId}&status=pending&limit=1000`, {
          as: 'admin',
        });
        return d.json.items.some((x) => x.attempts > 0 && x.last_status === null && x.last_error);
      });
      await receiver.start();
    }
    const last = round === perInst - 1;
    await Promise.all(
      insts.map(async (inst) => {
        const f = await submit(srv, inst.id, inst.op, dossier());
        if (last) await attachAll(srv, f.id, inst.op);
        const d = await decide(srv, f.id, 'county_zhangwan', last ? 'approve' : 'return', last ? undefined : '材料不全，请补正');
        expectStatus(d, 200);
        made++;
      }),
    );
  }
  t.diagnostic(`${made} decisions made in ${Date.now() - t0} ms`);
  assert.equal(made, DECISIONS);

  // Everything arrives once the receiver is back.
  await waitFor('every decision delivered', async () => {
    const r = await srv.get(`/api/v1/outbox/receivers`, { as: 'admin' });
    const x = r.json.items.find((i) => i.id === receiverId);
    return x.deliveries.delivered === DECISIONS && x.deliveries.pending === 0 ? x : null;
  });
  t.diagnostic(`all delivered ${Date.now() - t0} ms after the first decision; ${receiver.requests.length} requests`);

  // Exactly once in effect: one accepted event per decision, no other keys.
  assert.equal(receiver.accepted.size, DECISIONS);
  const decisions = [...receiver.accepted.values()];
  assert.ok(decisions.every((e) => e.action === 'filing_returned' || e.action === 'filing_approved'));
  assert.equal(decisions.filter((e) => e.action === 'filing_approved').length, INSTITUTIONS);
  // Retries happened (the receiver failed and timed out), and every retry carried the same key.
  assert.ok(receiver.requests.length > DECISIONS, 'no retries were needed: the failure modes did not bite');
  for (const req of receiver.requests) assert.equal(req.key, `tuoyu-${req.seq}`);

  // In order per institution: the first accepted receipt of each event, in arrival order, has rising seq;
  // and an event was never sent before the one before it (same institution) had been accepted.
  const seen = new Map();
  for (const e of decisions) {
    const prev = seen.get(e.institution) || 0;
    assert.ok(e.seq > prev, `institution ${e.institution}: event ${e.seq} accepted after ${prev}`);
    seen.set(e.institution, e.seq);
  }
  const acceptedAt = new Map();
  receiver.requests.forEach((req, i) => {
    if (!acceptedAt.has(req.key) && receiver.accepted.get(req.key)?.body === req.body) acceptedAt.set(req.key, i);
  });
  const lastPerInst = new Map();
  for (const e of [...decisions].sort((a, b) => a.seq - b.seq)) {
    const prev = lastPerInst.get(e.institution);
    if (prev) {
      const firstTry = receiver.requests.findIndex((q) => q.key === e.key);
      assert.ok(firstTry > acceptedAt.get(prev.key) - 1, `event ${e.seq} sent before ${prev.seq} was accepted`);
    }
    lastPerInst.set(e.institution, e);
  }
  assert.equal(seen.size, INSTITUTIONS);

  // Signed: HMAC-SHA256 of the body with the receiver's secret.
  for (const e of decisions.slice(0, 20)) {
    const mac = crypto.createHmac('sha256', secret).update(e.body).digest('hex');
    assert.equal(e.signature, `sha256=${mac}`);
  }

  // The pull feed has the same decisions, in the same order per institution, and pages by cursor.
  const feed = [];
  let since = 0;
  for (;;) {
    const r = await srv.get(`/api/v1/changes?since=${since}&limit=500`, { as: 'city' });
    expectStatus(r, 200);
    feed.push(...r.json.items);
    since = r.json.next_since;
    if (!r.json.more) break;
  }
  const feedDecisions = feed.filter((e) => e.action === 'filing_returned' || e.action === 'filing_approved');
  assert.equal(feedDecisions.length, DECISIONS);
  assert.deepEqual(
    feedDecisions.map((e) => e.seq).sort((a, b) => a - b),
    decisions.map((e) => e.seq).sort((a, b) => a - b),
  );
  for (let i = 1; i < feed.length; i++) assert.ok(feed[i].seq > feed[i - 1].seq);
  const one = feedDecisions[feedDecisions.length - 1];
  assert.equal(typeof one.institution.uscc, 'string');
  assert.equal(one.district_code, '420303');
  // Nothing new after the end.
  const tail = await srv.get(`/api/v1/changes?since=${since}`, { as: 'auditor' });
  assert.deepEqual(tail.json.items, []);
  assert.equal(tail.json.next_since, since);
  // A county official reads only its own district's events.
  const other = await srv.get('/api/v1/changes?since=0&limit=1000', { as: 'county_maojian' });
  expectStatus(other, 200);
  assert.ok(other.json.items.every((e) => e.district_code === '420302'));
});

test('a receiver that never answers 2xx ends in the dead letters; a replay delivers them, in order', async () => {
  const sink = new Receiver(await freePort());
  await sink.start();
  sink.mode = 'fail';
  setting(srv, 'outbox_max_attempts', 3);
  let res = await srv.post('/api/v1/outbox/receivers', { name: '登记机关', url: sink.url, actions: '*' }, { as: 'admin' });
  expectStatus(res, 201);
  const id = res.json.id;
  const r = await register(srv, {});
  const op = await addOperator(srv, r.institution_id);
  const f1 = await submit(srv, r.institution_id, op, dossier());
  expectStatus(await decide(srv, f1.id, 'county_zhangwan', 'return', '请补充消防材料'), 200);
  // registered? no: the receiver starts after the feed's end, so only what follows its creation is queued.
  await waitFor('the first event dead', async () => {
    const d = await srv.get(`/api/v1/outbox/deliveries?receiver=${id}&status=dead`, { as: 'admin' });
    return d.json.items.length >= 1;
  });
  let d = await srv.get(`/api/v1/outbox/deliveries?receiver=${id}`, { as: 'admin' });
  const dead = d.json.items.filter((x) => x.status === 'dead');
  const waiting = d.json.items.filter((x) => x.status === 'pending');
  // Only the head of the institution's queue is tried: the later events wait behind the dead one.
  assert.equal(dead.length, 1, JSON.stringify(d.json));
  assert.equal(dead[0].attempts, 3);
  assert.equal(dead[0].last_status, 500);
  assert.ok(waiting.every((x) => x.seq > dead[0].seq && x.attempts === 0));
  const page = await srv.get('/dash/outbox', { as: 'admin' });
  assert.equal(page.status, 200);
  assert.match(page.text, /重发死信/);

  sink.mode = 'ok';
  res = await srv.post(`/api/v1/outbox/receivers/${id}/replay`, {}, { as: 'admin' });
  expectStatus(res, 200);
  assert.equal(res.json.replayed, 1);
  await waitFor('all delivered after the replay', async () => {
    const x = await srv.get(`/api/v1/outbox/deliveries?receiver=${id}`, { as: 'admin' });
    return x.json.items.length > 0 && x.json.items.every((i) => i.status === 'delivered');
  });
  const seqs = [...sink.accepted.values()].map((e) => e.seq);
  assert.deepEqual(seqs, [...seqs].sort((a, b) => a - b));
  res = await srv.post(`/api/v1/outbox/receivers/${id}/replay`, {}, { as: 'admin' });
  expectError(res, 404, 'not_found');

  // Rotating the secret: the next events are signed with the new one.
  res = await srv.get('/api/v1/outbox/receivers', { as: 'admin' });
  const version = res.json.items.find((x) => x.id === id).version;
  res = await srv.req('PATCH', `/api/v1/outbox/receivers/${id}`, { json: { version, rotate_secret: true }, as: 'admin' });
  expectStatus(res, 200);
  const secret = res.json.secret;
  const before = sink.accepted.size;
  const f2 = await submit(srv, r.institution_id, op, dossier());
  await waitFor('the new event', async () => sink.accepted.size > before);
  const e = [...sink.accepted.values()].find((x) => x.seq > Math.max(...seqs));
  assert.equal(e.signature, `sha256=${crypto.createHmac('sha256', secret).update(e.body).digest('hex')}`);
  res = await srv.req('PATCH', `/api/v1/outbox/receivers/${id}`, { json: { version, active: false }, as: 'admin' });
  expectError(res, 409, 'version_conflict');
  assert.ok(f2.id);
  await sink.kill();
  setting(srv, 'outbox_max_attempts', 100000);
});
