// Open data: the register of filed (and closed) institutions as CSV and JSON, public, with a schema page that
// documents every field — and not a trace of personal data, even when the institutions have staff and
// children with ID numbers and phones on record.
import assert from 'node:assert/strict';
import test, { after, before } from 'node:test';
import { Server, expectStatus, show, tidyErrors } from './harness.mjs';
import { fileInstitution, idNumber, register } from './fixtures.mjs';

let srv;
const ctx = {};

before(async () => {
  srv = await Server.start({ name: 'opendata' });
  ctx.a = await fileInstitution(srv, { reg: { name: '张湾区开放数据测试托育园' }, filing: { inclusive: true } });
  ctx.b = await fileInstitution(srv, {
    county: 'county_maojian',
    reg: { district_code: '420302', name: '茅箭区"开放,数据"测试托育园', address: '十堰市茅箭区\n人民路 1 号' },
    filing: { service_types: ['full_day', 'hourly'] },
  });
  ctx.unfiled = await register(srv, { name: '未备案开放数据测试托育园' });
  // Personal data on record, which must never appear.
  ctx.id = idNumber('1990-05-06', 7);
  ctx.phone = '13912345678';
  const res = await srv.post(
    `/api/v1/institutions/${ctx.a.institutionId}/staff`,
    { name: '孙保育员', id_number: ctx.id, role: 'caregiver', hired_on: '2025-01-02', phone: ctx.phone },
    { as: ctx.a.operator }
  );
  expectStatus(res, 201);
});
after(async () => srv && srv.cleanup());

const FIELDS = ['id', 'name', 'uscc', 'district_code', 'district_name', 'address', 'service_types', 'inclusive', 'places', 'filing_number', 'filed_on', 'state'];

function noPersonalData(text) {
  assert.ok(!text.includes(ctx.id), 'an ID number in the open data');
  assert.ok(!text.includes(ctx.phone), 'a phone number in the open data');
  assert.ok(!text.includes('孙保育员'), 'a person’s name in the open data');
  assert.ok(!/\b1[3-9]\d{9}\b/.test(text), 'something like a mobile number');
}

test('JSON: filed institutions only, every field, anonymous, no personal data', async () => {
  const res = await srv.get('/open-data/institutions.json');
  expectStatus(res, 200);
  assert.match(res.headers.get('content-type'), /^application\/json/);
  const doc = res.json;
  assert.equal(doc.count, doc.items.length);
  const ids = doc.items.map((i) => i.id);
  assert.ok(ids.includes(ctx.a.institutionId) && ids.includes(ctx.b.institutionId));
  assert.ok(!ids.includes(ctx.unfiled.institution_id), 'an unfiled institution is in the open data');
  assert.deepEqual([...ids].sort((x, y) => x - y), ids, 'not ordered by id');
  for (const item of doc.items) assert.deepEqual(Object.keys(item).sort(), [...FIELDS].sort(), show(res));
  const a = doc.items.find((i) => i.id === ctx.a.institutionId);
  assert.equal(a.inclusive, true);
  assert.equal(a.state, 'filed');
  assert.equal(a.filing_number, ctx.a.filingNumber);
  assert.match(a.filed_on, /^\d{4}-\d{2}-\d{2}$/);
  assert.equal(a.places, 44);
  const b = doc.items.find((i) => i.id === ctx.b.institutionId);
  assert.deepEqual(b.service_types, ['full_day', 'hourly']);
  assert.equal(b.district_name, '茅箭区');
  assert.match(doc.licence, /不含任何个人信息/);
  assert.match(doc.last_updated, /^\d{4}-\d{2}-\d{2}$/);
  noPersonalData(res.text);
});

test('CSV: UTF-8 with BOM, header of every field, RFC 4180 quoting of commas, quotes and line breaks', async () => {
  const res = await srv.rawRequest('GET', '/open-data/institutions.csv');
  assert.equal(res.status, 200, show(res));
  assert.match(res.headers['content-type'], /^text\/csv; charset=utf-8/);
  assert.equal(res.text.charCodeAt(0), 0xfeff, 'no BOM');
  const text = res.text.slice(1);
  const rows = [];
  let row = [], cell = '', q = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (q) {
      if (c === '"' && text[i + 1] === '"') (cell += '"'), i++;
      else if (c === '"') q = false;
      else cell += c;
    } else if (c === '"') q = true;
    else if (c === ',') row.push(cell), (cell = '');
    else if (c === '\r' && text[i + 1] === '\n') row.push(cell), rows.push(row), (row = []), (cell = ''), i++;
    else cell += c;
  }
  assert.deepEqual(rows[0], FIELDS);
  const json = (await srv.get('/open-data/institutions.json')).json;
  assert.equal(rows.length - 1, json.count, 'CSV and JSON disagree on the count');
  const b = rows.find((r) => r[0] === String(ctx.b.institutionId));
  assert.equal(b[1], '茅箭区"开放,数据"测试托育园');
  assert.equal(b[5], '十堰市茅箭区\n人民路 1 号');
  assert.equal(b[6], 'full_day;hourly');
  assert.equal(b[7], 'false');
  noPersonalData(res.text);
});

test('the schema page documents every field of the JSON, the licence and the last update', async () => {
  const res = await srv.get('/open-data');
  expectStatus(res, 200);
  assert.match(res.headers.get('content-type'), /^text\/html/);
  const json = (await srv.get('/open-data/institutions.json')).json;
  const keys = new Set([...Object.keys(json), ...json.items.flatMap((i) => Object.keys(i))]);
  for (const k of keys) assert.ok(res.text.includes(`<code>${k}</code>`), `the schema page does not document ${k}`);
  assert.ok(res.text.includes('许可'));
  assert.ok(res.text.includes(json.last_updated), 'no last-updated date');
  assert.ok(res.text.includes('href="/open-data/institutions.csv"') && res.text.includes('href="/open-data/institutions.json"'));
  assert.deepEqual(tidyErrors(res.text), []);
});

test('a closed institution stays in the register with its state', async () => {
  const { sql } = await import('./harness.mjs');
  sql(srv.db, `UPDATE institutions SET state = 'closed' WHERE id = ${ctx.b.institutionId}`);
  const json = (await srv.get('/open-data/institutions.json')).json;
  assert.equal(json.items.find((i) => i.id === ctx.b.institutionId).state, 'closed');
});

test('yearly statistics per district: one row per district and year since 2021, this year counting today', async () => {
  const year = new Date(Date.now() + 8 * 3600 * 1000).getUTCFullYear();
  const res = await srv.get('/open-data/statistics.json');
  expectStatus(res, 200);
  noPersonalData(res.text);
  const years = year - 2021 + 1;
  assert.equal(res.json.count, years * 10);
  assert.equal(res.json.items.length, years * 10);
  const zw = res.json.items.find((x) => x.year === year && x.district_code === '420303');
  const mj = res.json.items.find((x) => x.year === year && x.district_code === '420302');
  // The register itself says what this year's row must hold.
  const reg = (await srv.get('/open-data/institutions.json')).json.items;
  const sum = (d, f) => reg.filter((x) => x.district_code === d && x.state === 'filed').reduce((s, x) => s + f(x), 0);
  assert.equal(zw.filed_institutions, sum('420303', () => 1));
  assert.equal(zw.places, sum('420303', (x) => x.places));
  assert.equal(zw.inclusive_places, sum('420303', (x) => (x.inclusive ? x.places : 0)));
  assert.equal(zw.new_filings, zw.filed_institutions);
  assert.equal(mj.filed_institutions, sum('420302', () => 1));
  assert.equal(zw.residents, 431859);
  assert.ok(Math.abs(zw.places_per_1000 - (zw.places * 1000) / 431859) < 1e-9);
  // Before anything was filed, the rows are zeros; unknown populations are null.
  const old = res.json.items.find((x) => x.year === 2021 && x.district_code === '420303');
  assert.equal(old.filed_institutions, 0, JSON.stringify(old));
  const djk = res.json.items.find((x) => x.year === year && x.district_code === '420381');
  assert.equal(djk.residents, null);
  assert.equal(djk.places_per_1000, null);

  const csv = await srv.rawRequest('GET', '/open-data/statistics.csv');
  assert.equal(csv.status, 200);
  assert.ok(csv.text.startsWith('\ufeffyear,district_code,district_name,residents,'));
  const lines = csv.text.trim().split('\r\n');
  assert.equal(lines.length, years * 10 + 1);
  const row = lines.find((l) => l.startsWith(`${year},420303,`)).split(',');
  assert.equal(Number(row[4]), zw.filed_institutions);
  assert.equal(Number(row[5]), zw.places);
  const page = await srv.get('/open-data');
  assert.match(page.text, /statistics\.csv/);
  assert.match(page.text, /families_reached/);
});
