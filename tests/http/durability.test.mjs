// Crashes and stops: what was answered 2xx survives kill -9, and SIGTERM lets a request in flight finish.
import assert from 'node:assert/strict';
import http from 'node:http';
import test, { after, before } from 'node:test';
import { Server, cli, show } from './harness.mjs';
import { FILES, addOperator, attachAll, decide, register, registration, submit } from './fixtures.mjs';

let srv;
before(async () => {
  srv = await Server.start({ name: 'durability' });
});
after(async () => srv && srv.cleanup());

test('a registration answered 201 survives kill -9 and a restart', async () => {
  const body = registration({ name: '十堰市断电也不丢托育有限公司' });
  const res = await srv.post('/api/v1/registrations', body, { as: 'registrar' });
  assert.equal(res.status, 201, show(res));
  await srv.kill9();
  await srv.launch();
  const inst = await srv.get(`/api/v1/institutions/${res.json.institution_id}`, { as: 'admin' });
  assert.equal(inst.status, 200, show(inst));
  assert.equal(inst.json.name, body.name);
  assert.equal(inst.json.uscc, body.uscc);
  const replay = await srv.post('/api/v1/registrations', body, { as: 'registrar' });
  assert.equal(replay.status, 200, show(replay));
  assert.equal(replay.json.institution_id, res.json.institution_id);
});

test('an approval answered 200 survives kill -9: filing approved, institution filed, public', async () => {
  const r = await register(srv);
  const op = await addOperator(srv, r.institution_id);
  const f = await submit(srv, r.institution_id, op);
  await attachAll(srv, f.id, op);
  const res = await decide(srv, f.id, 'county_zhangwan', 'approve');
  assert.equal(res.status, 200, show(res));
  await srv.kill9();
  await srv.launch();
  const filing = await srv.get(`/api/v1/filings/${f.id}`, { as: 'city' });
  assert.equal(filing.json.status, 'approved');
  assert.equal(filing.json.attachments.length, 7);
  const inst = await srv.get(`/api/v1/institutions/${r.institution_id}`, { as: 'city' });
  assert.equal(inst.json.state, 'filed');
  assert.equal(inst.json.filing_number, res.json.filing_number);
  assert.equal((await srv.get(`/api/v1/public/institutions/${r.institution_id}`)).status, 200);
});

test('a burst of writes cut by kill -9 leaves every answered write and an intact audit chain', async () => {
  const answered = [];
  let crashed = false;
  // Four clients write as fast as they can; the server is killed once ten writes have been answered.
  const worker = async () => {
    while (!crashed) {
      const body = registration();
      try {
        const res = await srv.post('/api/v1/registrations', body, { as: 'registrar' });
        if (res.status === 201) answered.push({ id: res.json.institution_id, uscc: body.uscc });
      } catch {
        return; // the connection died with the server
      }
      if (answered.length >= 10 && !crashed) {
        crashed = true;
        srv.proc.kill('SIGKILL');
      }
    }
  };
  await Promise.all([worker(), worker(), worker(), worker()]);
  await srv.exitPromise;
  assert.ok(answered.length >= 10);
  const verify = await cli(['audit', 'verify', '--db', srv.db]);
  assert.equal(verify.code, 0, `audit chain after a crash: ${verify.stdout} ${verify.stderr}`);
  await srv.launch();
  for (const a of answered) {
    const inst = await srv.get(`/api/v1/institutions/${a.id}`, { as: 'admin' });
    assert.equal(inst.status, 200, `institution ${a.id} answered 201 but lost`);
    assert.equal(inst.json.uscc, a.uscc);
  }
});

test('SIGTERM while an upload is in flight: the upload completes with 201, then the server exits 0', async () => {
  const r = await register(srv);
  const op = await addOperator(srv, r.institution_id);
  const f = await submit(srv, r.institution_id, op);
  const file = Buffer.concat([FILES.pdf.data, Buffer.alloc(2 * 1024 * 1024, 0x20)]);
  const answer = new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port: srv.port,
        method: 'POST',
        path: `/api/v1/filings/${f.id}/attachments?kind=filing_form`,
        headers: { Authorization: `Bearer ${srv.tokens[op]}`, 'Content-Type': 'application/pdf', 'Content-Length': file.length },
      },
      (res) => {
        let text = '';
        res.on('data', (d) => (text += d));
        res.on('end', () => resolve({ status: res.statusCode, text }));
      }
    );
    req.on('error', reject);
    req.write(file.subarray(0, 1024 * 1024));
    setTimeout(() => {
      srv.proc.kill('SIGTERM');
      setTimeout(() => req.end(file.subarray(1024 * 1024)), 300);
    }, 300);
  });
  const res = await answer;
  assert.equal(res.status, 201, `upload during shutdown: ${res.status} ${res.text}`);
  const ex = await srv.exitPromise;
  assert.deepEqual(ex, { code: 0, signal: null }, `exit after SIGTERM: ${JSON.stringify(ex)}\n${srv.logTail()}`);
  // And the upload is really there.
  await srv.launch();
  const got = await srv.get(`/api/v1/filings/${f.id}`, { as: op });
  assert.equal(got.json.attachments.length, 1);
  assert.equal(got.json.attachments[0].size, file.length);
});

test('the server stops on SIGTERM with exit code 0', async () => {
  await srv.stop();
});
