// Hostile clients at the socket: a connection that stops half-way through its request (slow loris) is cut after
// the idle timeout; one address cannot hold more connections than --per-ip-limit; a request whose headers are
// larger than a connection's memory is refused without a 2xx; the server stays healthy through all of it.
// (Login brute force is in session.test.mjs; oversize bodies in the upload tests.)
import assert from 'node:assert/strict';
import net from 'node:net';
import test, { after, before } from 'node:test';
import { Server } from './harness.mjs';

const TIMEOUT_S = 2;
const PER_IP = 6;

let srv;
before(async () => {
  srv = await Server.start({
    name: 'abuse',
    serveArgs: ['--timeout', String(TIMEOUT_S), '--per-ip-limit', String(PER_IP)],
  });
});
after(async () => srv && srv.cleanup());

/** A raw TCP connection to the server; resolves once connected. Collects what the server sends. */
function connect() {
  return new Promise((resolve, reject) => {
    const s = net.connect(srv.port, '127.0.0.1');
    s.received = '';
    s.closedAt = null;
    s.on('data', (d) => (s.received += d.toString('latin1')));
    s.on('close', () => (s.closedAt = Date.now()));
    s.on('error', () => {});
    s.once('connect', () => resolve(s));
    s.once('error', reject);
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** GET /healthz on a new connection of its own: with a 2 s idle timeout, a connection kept alive in a pool by an
 * earlier request may have been cut by the server, which is the point of this file. Resolves the status. */
async function healthz() {
  const s = await connect();
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

test('a bad --timeout is refused on the command line', async () => {
  const { cli } = await import('./harness.mjs');
  for (const bad of ['0', '-1', 'x', '100000']) {
    const r = await cli(['serve', '--db', srv.db, '--listen', '127.0.0.1:1', '--timeout', bad]);
    assert.equal(r.code, 2, `--timeout ${bad}: ${r.stderr}`);
  }
});

test('the server stops on SIGTERM with exit code 0', async () => {
  const { code } = await srv.stop();
  assert.equal(code, 0);
});
