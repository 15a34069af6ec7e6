// Hostile clients at the socket: a connection that stops half-way through its request (slow loris) is cut after
// the idle timeout; one that drips its request a byte at a time, never idle, is cut at the request deadline while
// slow but complete uploads, keep-alive connections that keep asking and long downloads are not; one address
// cannot hold more connections than --per-ip-limit; a request whose headers are larger than a connection's
// memory is refused without a 2xx; the server stays healthy through all of it.
// (Login brute force is in session.test.mjs; oversize bodies in the upload tests.)
import assert from 'node:assert/strict';
import net from 'node:net';
import test, { after, before, describe } from 'node:test';
import { Server, expectStatus, passwordOf, show } from './harness.mjs';
import { cstDay, fileInstitution } from './fixtures.mjs';

const TIMEOUT_S = 2;
const PER_IP = 6;
const DEADLINE_S = 2;

let srv;
before(async () => {
  srv = await Server.start({
    name: 'abuse',
    serveArgs: ['--timeout', String(TIMEOUT_S), '--per-ip-limit', String(PER_IP)],
  });
});
after(async () => srv && srv.cleanup());
after(async () => dl && dl.cleanup());

/** A raw TCP connection to a server (default: srv); resolves once connected. Collects what the server sends:
 * s.received as text, s.chunks as Buffers. */
function connect(server = srv) {
  return new Promise((resolve, reject) => {
    const s = net.connect(server.port, '127.0.0.1');
    s.received = '';
    s.chunks = [];
    s.closedAt = null;
    s.on('data', (d) => {
      s.chunks.push(d);
      s.received += d.toString('latin1');
    });
    s.on('close', () => (s.closedAt = Date.now()));
    s.on('error', () => {});
    s.once('connect', () => resolve(s));
    s.once('error', reject);
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** GET /healthz on a new connection of its own: with a 2 s idle timeout, a connection kept alive in a pool by an
 * earlier request may have been cut by the server, which is the point of this file. Resolves the status. */
async function healthz(server = srv) {
  const s = await connect(server);
  s.write('GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n');
  await waitClosed(s, 5000);
  return Number((s.received.match(/^HTTP\/1\.[01] (\d{3})/) || [])[1] || 0);
}

async function waitClosed(s, ms) {
  const t0 = Date.now();
  while (s.closedAt === null && Date.now() - t0 < ms) await sleep(50);
  return s.closedAt !== null;
}

test('a request that stops half-way is cut after the idle timeout, and the server keeps answering', async () => {
  const s = await connect();
  const t0 = Date.now();
  s.write('GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: '); // and then nothing
  assert.ok(await waitClosed(s, (TIMEOUT_S + 4) * 1000), 'the half-sent request was never cut');
  const held = s.closedAt - t0;
  assert.ok(held >= (TIMEOUT_S - 1) * 1000, `cut too early (${held} ms)`);
  assert.ok(!/^HTTP\/1\.1 2/.test(s.received), 'a half request was answered 2xx');
  assert.equal(await healthz(), 200);
});

test('one address holds at most --per-ip-limit connections; idle ones are cut and room comes back', async () => {
  const idle = [];
  for (let i = 0; i < PER_IP; i++) idle.push(await connect());
  // One more from the same address is refused at once (closed without an answer).
  const extra = await connect();
  assert.ok(await waitClosed(extra, 1500), 'a connection over the per-address limit was kept');
  assert.equal(extra.received, '');
  // The idle ones time out, after which a normal request gets through again.
  for (const s of idle) assert.ok(await waitClosed(s, (TIMEOUT_S + 4) * 1000), 'an idle connection was never cut');
  assert.equal(await healthz(), 200);
});

test('headers larger than a connection may hold are refused without 2xx; the server stays up', async () => {
  const s = await connect();
  const big = 'a'.repeat(256 * 1024);
  s.write(`GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: ${big}\r\n\r\n`);
  assert.ok(await waitClosed(s, (TIMEOUT_S + 4) * 1000), 'the oversize request left the connection open');
  const status = (s.received.match(/^HTTP\/1\.[01] (\d{3})/) || [])[1];
  assert.ok(!status || Number(status) >= 400, `oversize headers answered ${status}`);
  assert.equal(await healthz(), 200);
});

test('a bad --timeout or --request-deadline is refused on the command line', async () => {
  const { cli } = await import('./harness.mjs');
  for (const opt of ['--timeout', '--request-deadline']) {
    for (const bad of ['0', '-1', 'x', '100000']) {
      const r = await cli(['serve', '--db', srv.db, '--listen', '127.0.0.1:1', opt, bad]);
      assert.equal(r.code, 2, `${opt} ${bad}: ${r.stderr}`);
    }
  }
});

test('the server stops on SIGTERM with exit code 0', async () => {
  const { code } = await srv.stop();
  assert.equal(code, 0);
});

// ---- the request deadline ----
// A server of its own with --request-deadline 2 and the default idle timeout (30 s): whatever cuts its
// connections within seconds is the deadline. Its data is made before the deadline is set (the setup's requests
// go over pooled keep-alive connections that the deadline would cut between two of them).
let dl;
let bigPath; // GET path of a 9 MB rectification evidence file on dl
const BIG = 9 << 20; // more than loopback's socket buffers hold (about 4 MB), so the server is still sending

/** A 9 MB PDF (to the server: a file that starts with %PDF-) uploaded as a rectification's evidence. */
async function bigEvidence(server) {
  const inst = await fileInstitution(server);
  const as = 'inspector';
  const plan = await server.post(`/api/v1/institutions/${inst.institutionId}/inspections`, { kind: 'routine' }, { as });
  expectStatus(plan, 201);
  const inspection = (await server.get(`/api/v1/inspections/${plan.json.id}`, { as })).json;
  const [first, ...rest] = (await server.get(`/api/v1/checklist-templates/${inspection.template_id}`, { as })).json.items;
  expectStatus(
    await server.post(
      `/api/v1/inspections/${plan.json.id}/results`,
      {
        inspected_on: cstDay(0),
        items: [{ code: first.code, result: 'fail' }, ...rest.map((i) => ({ code: i.code, result: 'pass' }))],
        findings: [{ item_code: first.code, severity: 'high', clause: first.clause, description: '晨检记录缺失' }],
      },
      { as }
    ),
    [200, 201]
  );
  const findingId = (await server.get(`/api/v1/inspections/${plan.json.id}`, { as })).json.findings[0].id;
  const order = await server.post(
    `/api/v1/findings/${findingId}/rectification`,
    { deadline_on: cstDay(-20), requirement: '补齐晨检记录。' },
    { as }
  );
  expectStatus(order, 201);
  const pdf = Buffer.alloc(BIG, 0x20);
  pdf.write('%PDF-1.4\n', 0, 'latin1');
  pdf.write('\n%%EOF\n', BIG - 7, 'latin1');
  const up = await server.req('POST', `/api/v1/rectifications/${order.json.id}/evidence?filename=big.pdf`, {
    as: inst.operator,
    body: pdf,
    headers: { 'Content-Type': 'application/pdf' },
  });
  expectStatus(up, 201);
  return `/api/v1/rectifications/${order.json.id}/evidence/${up.json.id}`;
}

/** The status codes of the HTTP responses in what a raw connection received. */
const statuses = (s) => [...s.received.matchAll(/HTTP\/1\.1 (\d{3}) /g)].map((m) => Number(m[1]));

describe('the request deadline', () => {
  before(async () => {
    dl = await Server.start({ name: 'deadline' });
    bigPath = await bigEvidence(dl);
    await dl.stop();
    dl.serveArgs = ['--request-deadline', String(DEADLINE_S)];
    await dl.launch();
  });

  test('a client dripping its headers, never idle, is cut at the deadline; others are answered meanwhile', async () => {
    const s = await connect(dl);
    const t0 = Date.now();
    s.write('GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Drip: ');
    let dripped = 0;
    const drip = setInterval(() => {
      if (s.closedAt === null && !s.destroyed) {
        s.write('a');
        dripped++;
      }
    }, 300);
    try {
      assert.equal(await healthz(dl), 200, 'a normal request was not answered while a client dripped');
      assert.ok(await waitClosed(s, (DEADLINE_S + 6) * 1000), 'the dripping connection was never cut');
    } finally {
      clearInterval(drip);
    }
    const held = s.closedAt - t0;
    assert.ok(held >= DEADLINE_S * 1000 - 100, `cut before the deadline (${held} ms)`);
    assert.ok(held <= DEADLINE_S * 1000 + 1500, `cut ${held} ms after connecting, long after the deadline`);
    assert.ok(dripped >= 5, `only ${dripped} bytes dripped: the client was idle, not slow`);
    assert.deepEqual(statuses(s), [], 'an incomplete request was answered');
    assert.equal(await healthz(dl), 200);
  });

  test('a slow upload that completes within the deadline is answered', async () => {
    const s = await connect(dl);
    const body = Buffer.from(JSON.stringify({ username: 'city', password: passwordOf('city') }));
    s.write(
      'POST /api/v1/session HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nContent-Type: application/json\r\n' +
        `Content-Length: ${body.length}\r\n\r\n`
    );
    // Five pieces 300 ms apart: 1.5 s in all, within the 2 s deadline.
    const piece = Math.ceil(body.length / 5);
    for (let i = 0; i < 5; i++) {
      await sleep(300);
      s.write(body.subarray(i * piece, (i + 1) * piece));
    }
    assert.ok(await waitClosed(s, 5000), 'the upload was never answered');
    assert.deepEqual(statuses(s), [200], s.received.slice(0, 300));
  });

  test('a keep-alive connection gets a new deadline after each answer, then is cut when it asks nothing', async () => {
    const s = await connect(dl);
    const t0 = Date.now();
    // Three requests 1.5 s apart: the connection lives past the deadline, each request well within its own.
    for (let i = 1; i <= 3; i++) {
      if (i > 1) await sleep(1500);
      s.write('GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
      const t = Date.now();
      while (statuses(s).length < i && s.closedAt === null && Date.now() - t < 5000) await sleep(20);
      assert.deepEqual(statuses(s), Array(i).fill(200), `request ${i} on a kept-alive connection`);
    }
    const lastAnswer = Date.now();
    assert.ok(lastAnswer - t0 > DEADLINE_S * 1000, 'the connection did not outlive one deadline');
    assert.ok(await waitClosed(s, (DEADLINE_S + 6) * 1000), 'an idle kept-alive connection was never cut');
    const idle = s.closedAt - lastAnswer;
    assert.ok(idle >= DEADLINE_S * 1000 - 200 && idle <= DEADLINE_S * 1000 + 1500, `cut ${idle} ms after the last answer`);
  });

  test('a download longer than the deadline is not cut', async () => {
    const s = await connect(dl);
    const t0 = Date.now();
    s.write(`GET ${bigPath} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${dl.tokens.city}\r\nConnection: close\r\n\r\n`);
    // Read nothing for longer than the deadline: the server, with 9 MB to send and about 4 MB of socket buffers,
    // is still answering when the deadline passes.
    s.pause();
    await sleep(DEADLINE_S * 1000 + 1500);
    s.resume();
    assert.ok(await waitClosed(s, 30000), 'the download never finished');
    assert.ok(Date.now() - t0 > DEADLINE_S * 1000);
    const all = Buffer.concat(s.chunks);
    const headEnd = all.indexOf('\r\n\r\n');
    const head = all.subarray(0, headEnd).toString('latin1');
    assert.match(head, /^HTTP\/1\.1 200 /, head);
    assert.equal(Number(/content-length: (\d+)/i.exec(head)[1]), BIG);
    assert.equal(all.length - headEnd - 4, BIG, 'the download was cut short');
  });

  test('the deadline server stops on SIGTERM with exit code 0', async () => {
    assert.equal((await dl.stop()).code, 0);
  });
});
