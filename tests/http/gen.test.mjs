// tuoyu gen: synthetic data at city scale into a fresh database — counts in the expected ranges, valid USCCs and
// ID numbers, sealed personal data the server can open, the same seed giving the same data and another seed other
// data, an intact audit chain with its one "gen" entry, and a server that serves the generated database.
import assert from 'node:assert/strict';
import test, { after, before, describe } from 'node:test';
import fs from 'node:fs';
import path from 'node:path';
import { Server, cliOk, freshDb, sql } from './harness.mjs';
import { usccCheckChar } from './fixtures.mjs';

const TABLES = [
  'institutions', 'registrations', 'filings', 'classes', 'staff', 'class_caregivers', 'staff_certificates', 'ban_checks',
  'children', 'guardians', 'health_checks', 'inspections', 'inspection_findings', 'rectification_orders',
  'rectification_events', 'complaints',
];

/** Row counts of the generated tables, as numbers. */
function counts(db) {
  const q = TABLES.map((t) => `(SELECT COUNT(*) FROM ${t})`).join(' || \',\' || ');
  return Object.fromEntries(sql(db, `SELECT ${q}`).split(',').map((n, i) => [TABLES[i], Number(n)]));
}

/** The logical content that must not depend on anything but the seed: sealed bytes and keyed hashes depend on
 * the database's key file (and nonces) and are left out. */
function fingerprint(db) {
  return [
    sql(db, 'SELECT id, uscc, name, address, state, places, registered_on FROM institutions ORDER BY id LIMIT 25'),
    sql(db, 'SELECT id, institution_id, name, id_masked, birth_on, sex, class_id FROM children ORDER BY id LIMIT 25'),
    sql(db, 'SELECT id, name, id_masked, role, hired_on, left_on FROM staff ORDER BY id DESC LIMIT 10'),
    sql(db, 'SELECT id, department_code, inspected_on, result FROM inspections ORDER BY id DESC LIMIT 10'),
  ].join('\n');
}

async function gen(db, seed) {
  const t0 = Date.now();
  const r = await cliOk(['gen', '--db', db, '--scale', 'city', '--seed', String(seed)], { timeoutMs: 120000 });
  return { ...r, ms: Date.now() - t0 };
}

describe('tuoyu gen --scale city', () => {
  let srv;
  let first;

  before(async () => {
    srv = new Server('gen');
    await srv.init({});
    first = await gen(srv.db, 7);
    await srv.launch();
  });

  after(async () => {
    // The server's daily job evaluates every institution once at start and cannot be interrupted (stop waits
    // for it): on 1,000 generated institutions that takes a while, so wait for it before stopping.
    for (let i = 0; i < 240 && srv?.proc && !/daily compliance/.test(srv.logTail(1 << 20)); i++)
      await new Promise((r) => setTimeout(r, 500));
    await srv?.stop();
  });

  test('counts are in the expected ranges and the gen run is one audit entry', async () => {
    assert.match(first.stdout, /generated city scale \(seed 7\)/);
    const c = counts(srv.db);
    const per = (t) => c[t] / c.institutions;
    assert.equal(c.institutions, 1000);
    assert.equal(c.registrations, 1000);
    assert.ok(per('children') > 25 && per('children') < 40, `children per institution ${per('children')}`);
    assert.ok(per('staff') > 6 && per('staff') < 14, `staff per institution ${per('staff')}`);
    assert.ok(per('health_checks') > 60 && per('health_checks') < 100, `checks ${per('health_checks')}`);
    assert.ok(per('inspections') > 3 && per('inspections') < 5, `inspections ${per('inspections')}`);
    assert.ok(c.inspection_findings > 500 && c.complaints > 200, JSON.stringify(c));
    const places = Number(sql(srv.db, 'SELECT SUM(places) FROM institutions')) / 1000;
    assert.ok(places > 45 && places < 62, `places per institution ${places}`);
    const states = sql(srv.db, 'SELECT state, COUNT(*) FROM institutions GROUP BY state ORDER BY state');
    const byState = Object.fromEntries(states.split('\n').map((l) => l.split('|')).map(([s, n]) => [s, Number(n)]));
    assert.ok(byState.filed > 700 && byState.registered > 80 && byState.closed > 10, states);
    // Every institution in one of 十堰's districts; filing numbers unique and continued by filing_number_seq.
    assert.equal(sql(srv.db, "SELECT COUNT(*) FROM institutions WHERE district_code NOT LIKE '4203%'"), '0');
    assert.equal(sql(srv.db, 'SELECT COUNT(*) FROM districts'), '10');
    const maxSeq = Number(sql(srv.db, 'SELECT MAX(last) FROM filing_number_seq'));
    assert.ok(maxSeq > 0);
    // No audit row per generated record: one "gen" entry with the counts.
    const entries = sql(srv.db, "SELECT after FROM audit_log WHERE action = 'gen'").split('\n');
    assert.equal(entries.length, 1);
    assert.equal(JSON.parse(entries[0]).rows.children, c.children);
    const v = await cliOk(['audit', 'verify', '--db', srv.db]);
    assert.match(v.stdout, /audit chain intact/);
  });

  test('every USCC and ID number is valid and agrees with its row', () => {
    const usccs = sql(srv.db, 'SELECT uscc, legal_form, district_code FROM institutions').split('\n');
    const prefix = { enterprise: '91', social_org: '52', public_institution: '12' };
    for (const line of usccs) {
      const [code, form, district] = line.split('|');
      assert.match(code, /^[0-9A-HJ-NP-RTUWXY]{18}$/);
      assert.equal(code[17], usccCheckChar(code.slice(0, 17)), code);
      assert.equal(code.slice(0, 2), prefix[form], code);
      assert.equal(code.slice(2, 8), district, code);
    }
    assert.equal(new Set(usccs.map((l) => l.split('|')[0])).size, usccs.length);
    for (const p of sql(srv.db, 'SELECT phone_masked FROM guardians ORDER BY id LIMIT 100').split('\n'))
      assert.match(p, /^1[3-9]\d\*{4}\d{4}$/);
    // The masked ID shows the region and the last four: the birth date sits between and agrees with birth_on.
    const kids = sql(srv.db, 'SELECT id_masked, birth_on, sex, start_on FROM children ORDER BY id LIMIT 200').split('\n');
    const today = Math.floor((Date.now() / 1000 + 8 * 3600) / 86400);
    for (const line of kids) {
      const [masked, birth, sex, start] = line.split('|');
      assert.match(masked, /^4203\*{10}\d{3}[\dX]$/);
      const age = today - Number(birth);
      assert.ok(age >= 150 && age <= 3 * 366 + 31, `child aged ${age} days`);
      assert.ok(Number(start) >= Number(birth) + 150 && Number(start) < today);
      assert.equal(Number(masked[16]) % 2 === 1 ? 'male' : 'female', sex);
    }
  });

  test('sealed personal data opens on the server; a child reads masked through the API', async () => {
    const cid = sql(srv.db, "SELECT c.id FROM children c JOIN institutions i ON i.id = c.institution_id WHERE i.state = 'filed' ORDER BY c.id LIMIT 1");
    const res = await srv.get(`/api/v1/children/${cid}`, { as: 'city' });
    assert.equal(res.status, 200, res.text);
    const child = res.json.child || res.json;
    assert.match(child.name, /^[\u4e00-\u9fa5]{2,4}$/);
    assert.match(child.id_number_masked, /^4203\*{10}\d{3}[\dX]$/);
    assert.equal(JSON.stringify(res.json).match(/4203\d{14}[\dX]/), null, 'no clear ID number in the answer');
    // A complaint's contact name is sealed too: the official sees it opened (not "cannot decrypt").
    const pid = sql(srv.db, 'SELECT id FROM complaints ORDER BY id LIMIT 1');
    const cr = await srv.get(`/api/v1/complaints/${pid}`, { as: 'city' });
    assert.equal(cr.status, 200, cr.text);
    const text = JSON.stringify(cr.json);
    assert.ok(!text.includes('无法解密'), text);
    assert.match(text, /"name":"[\u4e00-\u9fa5]{2,4}"/);
  });

  test('the dashboard answers on the generated data', async () => {
    const res = await srv.get('/api/v1/dashboard', { as: 'city' });
    assert.equal(res.status, 200, res.text);
    const zw = await srv.get('/api/v1/dashboard', { as: 'county_zhangwan' });
    assert.equal(zw.status, 200, zw.text);
    const page = await srv.get('/api/v1/institutions?limit=20', { as: 'city' });
    assert.equal(page.status, 200, page.text);
  });

  test('the same seed gives the same data; another seed other data; a loaded database is refused', async () => {
    const dir = fs.mkdtempSync(path.join(srv.dir, 'again-'));
    const again = freshDb(dir, 'gen_again');
    await cliOk(['init', '--db', again]);
    await gen(again, 7);
    assert.deepEqual(counts(again), counts(srv.db));
    assert.equal(fingerprint(again), fingerprint(srv.db));
    const other = freshDb(dir, 'gen_other');
    await cliOk(['init', '--db', other]);
    await gen(other, 8);
    assert.notEqual(fingerprint(other), fingerprint(srv.db));
    assert.notDeepEqual(counts(other), counts(srv.db));
    const { cli } = await import('./harness.mjs');
    const r = await cli(['gen', '--db', again, '--scale', 'city', '--seed', '7']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /without institutions/);
    const u = await cli(['gen', '--db', again, '--scale', 'planet', '--seed', '7']);
    assert.equal(u.code, 2);
  });
});
