// The 十堰 demo: deterministic, its accounts as documented, and big enough to page through the portal.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import test, { after, before } from 'node:test';
import { Server, cliOk, freshDb, show } from './harness.mjs';

let srv;
before(async () => {
  srv = await Server.start({ name: 'demo', demo: true });
});
after(async () => srv && srv.cleanup());

const ACCOUNTS = {
  admin: ['admin', null],
  city: ['city_official', null],
  county_zhangwan: ['county_official', '420303'],
  county_maojian: ['county_official', '420302'],
  registrar: ['registrar', null],
  inspector: ['inspector', '420303'],
  operator: ['operator', null],
  auditor: ['auditor', null],
};

test('every demo account exists with its role and district', async () => {
  for (const [name, [role, district]] of Object.entries(ACCOUNTS)) {
    srv.tokens[name] = await srv.createToken(name);
    const res = await srv.get('/api/v1/session', { as: name });
    assert.equal(res.status, 200, `${name}: ${show(res)}`);
    assert.equal(res.json.user.role, role, name);
    assert.equal(res.json.user.district ?? null, district, `${name}.district`);
  }
});

test('a demo password is the username + "-demo-2026"', async () => {
  const s = await srv.login('county_maojian', 'county_maojian-demo-2026');
  assert.equal(s.res.status, 200, show(s.res));
});

test('the demo operator runs a registered 张湾区 institution with a submitted filing', async () => {
  const me = await srv.get('/api/v1/session', { as: 'operator' });
  const id = me.json.user.institution_id;
  assert.ok(id != null, 'the demo operator has no institution');
  const inst = await srv.get(`/api/v1/institutions/${id}`, { as: 'operator' });
  assert.equal(inst.json.district_code, '420303');
  assert.equal(inst.json.state, 'registered');
  const filings = await srv.get(`/api/v1/institutions/${id}/filings`, { as: 'operator' });
  assert.ok(filings.json.items.some((f) => f.status === 'submitted'), JSON.stringify(filings.json.items));
  const queue = await srv.get('/api/v1/filings?status=submitted', { as: 'county_zhangwan' });
  assert.ok(queue.json.items.length > 0, 'the 张湾区 review queue of the demo is empty');
});

test('the public list pages by 20 without overlap', async () => {
  const first = await srv.get('/api/v1/public/institutions');
  assert.equal(first.status, 200);
  assert.ok(first.json.total > 20, `the demo has only ${first.json.total} filed institutions; paging untested`);
  assert.equal(first.json.items.length, 20);
  const ids = new Set();
  const pages = Math.ceil(first.json.total / 20);
  for (let page = 1; page <= pages; page++) {
    const res = await srv.get(`/api/v1/public/institutions?page=${page}`);
    assert.equal(res.status, 200, show(res));
    assert.equal(res.json.total, first.json.total);
    assert.equal(res.json.items.length, page < pages ? 20 : first.json.total - 20 * (pages - 1), `page ${page}`);
    for (const x of res.json.items) {
      assert.ok(!ids.has(x.id), `institution ${x.id} on two pages`);
      ids.add(x.id);
    }
  }
  assert.equal(ids.size, first.json.total);
  const beyond = await srv.get(`/api/v1/public/institutions?page=${pages + 1}`);
  assert.ok(beyond.status === 200 ? beyond.json.items.length === 0 : [400, 404, 422].includes(beyond.status), show(beyond));
});

test('the demo is deterministic: two databases made by it list the same institutions', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'demo-again-'));
  try {
    const db = freshDb(dir, 'again');
    await cliOk(['init', '--db', db]);
    const out = await cliOk(['demo', '--db', db]);
    assert.equal(out.stdout, srv.demoOutput, 'tuoyu demo printed something else the second time');
    const other = new Server('demo-again', { db });
    try {
      await other.launch();
      const strip = (items) => items.map(({ id, name, filing_number, district_code, fee_min_yuan }) => ({ id, name, filing_number, district_code, fee_min_yuan }));
      const a = await srv.get('/api/v1/public/institutions?page=1');
      const b = await other.get('/api/v1/public/institutions?page=1');
      assert.deepEqual(strip(b.json.items), strip(a.json.items));
      assert.equal(b.json.total, a.json.total);
    } finally {
      await other.cleanup();
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('the server stops on SIGTERM with exit code 0', async () => {
  await srv.stop();
});
