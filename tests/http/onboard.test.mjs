// Onboarding of existing institutions (issue 8): a GBK CSV of 5,000 institutions with 20 bad rows reports
// exactly those rows and fields and imports nothing until fixed; the fixed file imports all 5,000 in one
// transaction, and the same file again changes nothing (no audit entries, no versions). Also: UTF-8 with a
// BOM and English headers, JSON Lines, a changed row updates with history, earlier filings end filed,
// county officials only their district, wrong roles 403, the page, and the command line.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import test, { after, before, describe } from 'node:test';
import { ENGINE, Server, cli, cliOk, expectError, expectStatus, sql } from './harness.mjs';
import { register, registration, uscc, withBadCheckChar } from './fixtures.mjs';

let srv;

const HEADER_ZH = ['统一社会信用代码', '机构名称', '法人类型', '区县代码', '地址', '经营范围', '登记日期', '登记机关',
  '服务类型', '普惠', '托位数', '最小月龄', '最大月龄', '机构类别', '备案编号', '备案日期'];
const KEYS = ['uscc', 'name', 'legal_form', 'district_code', 'address', 'business_scope', 'registered_on', 'authority',
  'service_types', 'inclusive', 'places', 'min_age_months', 'max_age_months', 'provider_kind', 'filing_number',
  'filed_on'];
const CODES = ['420302', '420303', '420304', '420322', '420323', '420324', '420325', '420381', '420391', '420392'];
const RUN = String(process.pid % 100000).padStart(5, '0');

/** A valid row i (deterministic): every 5th was filed elsewhere; row 7's address holds a line break. */
function goodRow(i) {
  const district = CODES[i % CODES.length];
  const r = {
    uscc: uscc('enterprise', district, 10000000 + i), // each test run has its own database
    name: `十堰市第${i}号托育服务有限公司${RUN}`,
    legal_form: i % 2 ? '企业' : 'enterprise',
    district_code: district,
    address: i === 7 ? '十堰市张湾区\n北京路7号' : `十堰市人民路${i}号`,
    business_scope: '3岁以下婴幼儿照护服务',
    registered_on: i % 3 ? '2023-05-06' : '2022/7/8',
    authority: '十堰市市场监督管理局',
    service_types: i % 4 ? '全日托、半日托' : 'full_day',
    inclusive: i % 2 ? '是' : '否',
    places: String(20 + (i % 60)),
    min_age_months: '6',
    max_age_months: '36',
    provider_kind: i % 10 === 9 ? '家庭托育点' : '托育机构',
    filing_number: '',
    filed_on: '',
  };
  if (i % 5 === 0) {
    r.filing_number = `EXT-${RUN}-${district}-${i}`;
    r.filed_on = '2025-06-01';
  }
  return r;
}

const N = 5000;
/** Rows broken on purpose: index → [change, fields expected in the report]. */
const BAD = {
  11: [(r) => ({ ...r, uscc: withBadCheckChar(r.uscc) }), ['uscc']],
  23: [(r) => ({ ...r, district_code: '420399' }), ['district_code']],
  101: [(r) => ({ ...r, places: '-5' }), ['places']],
  222: [(r) => ({ ...r, registered_on: '2024-02-30' }), ['registered_on']],
  333: [(r) => ({ ...r, uscc: goodRow(3).uscc }), ['uscc']], // the same code as row index 3
  444: [(r) => ({ ...r, filing_number: 'X-1', filed_on: '' }), ['filed_on']],
  555: [(r) => ({ ...r, filing_number: '', filed_on: '2025-01-01' }), ['filing_number']],
  666: [(r) => ({ ...r, legal_form: '合伙企业' }), ['legal_form']],
  777: [(r) => ({ ...r, legal_form: 'social_org' }), ['legal_form']], // 91… is an enterprise's code
  888: [(r) => ({ ...r, name: '' }), ['name']],
  999: [(r) => ({ ...r, business_scope: '餐饮服务' }), ['business_scope']],
  1111: [(r) => ({ ...r, service_types: '夜托' }), ['service_types']],
  1222: [(r) => ({ ...r, inclusive: 'maybe' }), ['inclusive']],
  1333: [(r) => ({ ...r, min_age_months: '30', max_age_months: '12' }), ['max_age_months']],
  1444: [(r) => ({ ...r, min_age_months: '40' }), ['min_age_months']],
  1555: [(r) => ({ ...r, provider_kind: 'school' }), ['provider_kind']],
  1666: [(r) => ({ ...r, registered_on: '2099-01-01' }), ['registered_on']],
  1777: [(r) => ({ ...r, filing_number: goodRow(5).filing_number, filed_on: '2025-06-01' }), ['filing_number']],
  1888: [(r) => ({ ...r, uscc: 'ABC' }), ['uscc']],
  1999: [(r) => ({ ...r, filed_on: '2025-13-01', filing_number: 'Y-2', places: 'abc' }), ['filed_on', 'places']],
};

const quote = (v) => (/[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);

/** CSV text of rows (CRLF line ends) and the line where each row starts (header = line 1). */
function csvOf(rows, header = HEADER_ZH) {
  let text = header.join(',') + '\r\n';
  let line = 2;
  const lines = [];
  for (const r of rows) {
    lines.push(line);
    const cells = KEYS.map((k) => quote(r[k] ?? ''));
    text += cells.join(',') + '\r\n';
    line += 1 + cells.join(',').split('\n').length - 1;
  }
  return { text, lines };
}

const gbk = (text) => execFileSync('iconv', ['-f', 'UTF-8', '-t', 'GBK'], { input: Buffer.from(text, 'utf8') });

function upload(body, { as = 'city', type = 'text/csv', dry = false, query = '' } = {}) {
  const q = [dry ? 'dry_run=1' : '', query].filter(Boolean).join('&');
  return srv.req('POST', `/api/v1/imports/institutions${q ? '?' + q : ''}`, {
    as,
    body,
    headers: { 'Content-Type': type },
    timeoutMs: 120000,
  });
}

const count = (table, where = '') => Number(sql(srv.db, `SELECT COUNT(*) FROM ${table} ${where}`));

before(async () => {
  srv = await Server.start({ name: 'onboard' });
});

after(async () => {
  await srv?.stop();
});

describe('a GBK CSV of 5,000 institutions', () => {
  const good = Array.from({ length: N }, (_, i) => goodRow(i));
  const broken = good.map((r, i) => (BAD[i] ? BAD[i][0](r) : r));
  const bad = csvOf(broken);
  const fixed = csvOf(good);
  const badBytes = gbk(bad.text);
  const fixedBytes = gbk(fixed.text);

  test('the file really is GBK and holds a quoted line break', () => {
    assert.throws(() => new TextDecoder('utf-8', { fatal: true }).decode(badBytes));
    assert.ok(fixed.text.includes('"十堰市张湾区\n北京路7号"'));
  });

  test('a dry run reports exactly the 20 bad rows and their fields; a commit is refused and stores nothing', async (t) => {
    const before = count('institutions');
    let res = await upload(badBytes, { dry: true });
    expectStatus(res, 200);
    const rep = res.json;
    assert.equal(rep.format, 'csv');
    assert.equal(rep.encoding, 'gbk');
    assert.equal(rep.rows, N);
    assert.equal(rep.invalid, 20);
    assert.equal(rep.valid, N - 20);
    assert.equal(rep.dry_run, true);
    assert.equal(rep.committed, false);
    const expected = [];
    for (const [i, [, fields]] of Object.entries(BAD)) for (const f of fields) expected.push(`${bad.lines[i]}:${f}`);
    const got = rep.errors.map((e) => `${e.row}:${e.field}`);
    t.diagnostic(`errors: ${JSON.stringify(rep.errors.slice(0, 3))} …`);
    assert.deepEqual([...got].sort(), [...expected].sort(), JSON.stringify(rep.errors, null, 1));
    assert.equal(rep.error_count, expected.length);
    // Row 7 (line 9, with the quoted line break) is valid and shifts every later line by one.
    assert.equal(bad.lines[7], 9);
    assert.equal(bad.lines[8], 11);
    assert.ok(rep.errors.every((e) => typeof e.message === 'string' && e.message.length > 0));
    assert.equal(count('institutions'), before);

    res = await upload(badBytes);
    expectStatus(res, 422);
    assert.equal(res.json.error.code, 'validation_failed');
    assert.equal(res.json.invalid, 20);
    assert.equal(res.json.committed, false);
    assert.equal(count('institutions'), before);
    assert.equal(count('import_batches'), 0);
  });

  test('the fixed file imports all 5,000 in one commit; the same file again changes nothing', async (t) => {
    const before = count('institutions');
    let t0 = Date.now();
    let res = await upload(fixedBytes, { dry: true });
    expectStatus(res, 200);
    assert.equal(res.json.invalid, 0);
    assert.equal(res.json.created, N);
    t.diagnostic(`${ENGINE}: dry run of ${N} rows took ${Date.now() - t0} ms`);
    assert.equal(count('institutions'), before);

    t0 = Date.now();
    res = await upload(fixedBytes);
    const ms = Date.now() - t0;
    t.diagnostic(`${ENGINE}: commit of ${N} rows took ${ms} ms`);
    expectStatus(res, 201);
    assert.equal(res.json.created, N);
    assert.equal(res.json.updated, 0);
    assert.equal(res.json.committed, true);
    assert.ok(res.json.batch_id > 0);
    assert.equal(count('institutions'), before + N);
    assert.equal(count('import_batches'), 1);
    assert.ok(ms < 30000, `commit took ${ms} ms`);

    // Filed elsewhere: filed with the file's number and day, and an approved filing version marked imported.
    const f = goodRow(5);
    const [state, number, filedOn, status, dossier] = sql(srv.db,
      `SELECT i.state, i.filing_number, i.filed_on, f.status, f.dossier FROM institutions i ` +
      `JOIN filings f ON f.id = i.current_filing_id WHERE i.uscc = '${f.uscc}'`).split('|');
    assert.equal(state, 'filed');
    assert.equal(number, f.filing_number);
    assert.equal(Number(filedOn), Date.parse('2025-06-01T00:00:00Z') / 86400000);
    assert.equal(status, 'approved');
    assert.equal(JSON.parse(dossier).source, 'import');
    assert.equal(count('filings', `WHERE reason = '外部已备案，批量导入'`), N / 5);
    // The line break inside the quoted address survived the GBK round trip.
    assert.equal(sql(srv.db, `SELECT address FROM institutions WHERE uscc = '${goodRow(7).uscc}'`), '十堰市张湾区\n北京路7号');
    // A registration record, as a push makes it: a later push of the same code updates, it does not collide.
    assert.equal(count('registrations', `WHERE uscc = '${goodRow(1).uscc}'`), 1);

    const audit = count('audit_log');
    const history = count('institution_history');
    const versions = sql(srv.db, 'SELECT SUM(version) FROM institutions');
    t0 = Date.now();
    res = await upload(fixedBytes);
    t.diagnostic(`${ENGINE}: re-import of ${N} unchanged rows took ${Date.now() - t0} ms`);
    expectStatus(res, 200);
    assert.equal(res.json.created, 0);
    assert.equal(res.json.updated, 0);
    assert.equal(res.json.unchanged, N);
    assert.equal(res.json.batch_id, null);
    assert.equal(count('audit_log'), audit);
    assert.equal(count('institution_history'), history);
    assert.equal(sql(srv.db, 'SELECT SUM(version) FROM institutions'), versions);
    assert.equal(count('import_batches'), 1);

    // A changed row updates that institution only, with history, audit and a new version.
    const changed = good.map((r, i) => (i === 42 ? { ...r, address: '十堰市朝阳路88号', places: '99' } : r));
    const v0 = Number(sql(srv.db, `SELECT version FROM institutions WHERE uscc = '${good[42].uscc}'`));
    res = await upload(gbk(csvOf(changed).text));
    expectStatus(res, 201);
    assert.equal(res.json.updated, 1);
    assert.equal(res.json.unchanged, N - 1);
    const [addr, places, v1] = sql(srv.db,
      `SELECT address, places, version FROM institutions WHERE uscc = '${good[42].uscc}'`).split('|');
    assert.equal(addr, '十堰市朝阳路88号');
    assert.equal(Number(places), 99);
    assert.equal(Number(v1), v0 + 1);
    assert.equal(count('institution_history', `WHERE action = 'import_updated'`), 1);
    assert.equal(count('audit_log', `WHERE action = 'institution.import_update'`), 1);
    assert.equal(count('audit_log', `WHERE action = 'import.institutions'`), 2);

    // A filing number another institution holds is refused, and so is a different number for a filed one.
    const clash = [{ ...good[10], filing_number: good[15].filing_number }];
    res = await upload(csvOf(clash).text, { dry: true });
    expectStatus(res, 200);
    assert.deepEqual(res.json.errors.map((e) => e.field), ['filing_number']);

    const res2 = await srv.get('/api/v1/imports/institutions', { as: 'city' });
    expectStatus(res2, 200);
    assert.equal(res2.json.items.length, 2);
    assert.equal(res2.json.items[1].created, N);
  });
});

describe('other encodings and formats', () => {
  const rows = [0, 1, 2].map((i) => {
    const r = goodRow(9000 + i);
    return { ...r, name: `BOM${r.name}` };
  });

  test('UTF-8 with a BOM and English headers', async () => {
    const { text } = csvOf(rows, KEYS);
    const body = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text, 'utf8')]);
    let res = await upload(body, { dry: true });
    expectStatus(res, 200);
    assert.equal(res.json.encoding, 'utf-8');
    assert.equal(res.json.invalid, 0, JSON.stringify(res.json.errors));
    res = await upload(body);
    expectStatus(res, 201);
    assert.equal(res.json.created, 3);
  });

  test('JSON Lines: numbers, booleans and arrays; bad lines reported by line', async () => {
    const objs = [3, 4, 5].map((i) => {
      const r = goodRow(9000 + i);
      return {
        ...r,
        places: Number(r.places),
        min_age_months: 12,
        max_age_months: 36,
        inclusive: true,
        service_types: ['full_day', 'hourly'],
        filing_number: undefined,
        filed_on: undefined,
        legal_form: 'enterprise',
        provider_kind: 'institution',
      };
    });
    const lines = objs.map((o) => JSON.stringify(o));
    const badText = [lines[0], '', '{"uscc": 1', JSON.stringify({ ...objs[1], colour: 'red' }), lines[2]].join('\n');
    let res = await upload(badText, { type: 'application/x-ndjson', dry: true });
    expectStatus(res, 200);
    assert.equal(res.json.format, 'jsonl');
    assert.deepEqual(res.json.errors.map((e) => `${e.row}:${e.field}`), ['3:row', '4:colour']);
    res = await upload(lines.join('\n') + '\n', { type: 'application/jsonl' });
    expectStatus(res, 201);
    assert.equal(res.json.created, 3);
    const [inclusive, types] = sql(srv.db,
      `SELECT inclusive, service_types FROM institutions WHERE uscc = '${objs[0].uscc}'`).split('|');
    assert.equal(Number(inclusive), 1);
    assert.equal(Number(types), 1 | 4);
    res = await upload(lines.join('\n'), { type: 'application/x-ndjson' });
    expectStatus(res, 200);
    assert.equal(res.json.unchanged, 3);
  });

  test('header problems stop the file: unknown and missing columns', async () => {
    const res = await upload('uscc,name,colour\r\nA,B,C\r\n', { dry: true });
    expectStatus(res, 200);
    const fields = res.json.errors.map((e) => e.field);
    assert.ok(fields.includes('colour'));
    assert.ok(fields.includes('district_code'));
    assert.ok(res.json.errors.every((e) => e.row === 1));
  });
});

describe('institutions known from registration pushes', () => {
  test('an imported institution takes later pushes as updates, and a pushed one takes an earlier filing', async () => {
    // Imported first, pushed later: the push finds the registration record and updates the address.
    const r = goodRow(9400);
    let res = await upload(csvOf([{ ...r, filing_number: '', filed_on: '' }]).text);
    expectStatus(res, 201);
    const id = Number(sql(srv.db, `SELECT id FROM institutions WHERE uscc = '${r.uscc}'`));
    const push = {
      uscc: r.uscc,
      name: r.name,
      legal_form: 'enterprise',
      district_code: r.district_code,
      address: '十堰市新地址1号',
      business_scope: r.business_scope,
      registered_on: '2022-07-08',
      authority: r.authority,
    };
    res = await srv.post('/api/v1/registrations', push, { as: 'registrar' });
    expectStatus(res, 200);
    assert.equal(res.json.institution_id, id);
    assert.equal(sql(srv.db, `SELECT address FROM institutions WHERE id = ${id}`), '十堰市新地址1号');

    // Pushed first, then the city's list says it was filed elsewhere: filed, counted as an update.
    const reg = registration({ district_code: '420304' });
    const pushed = await register(srv, reg);
    const row = {
      ...reg,
      legal_form: reg.legal_form,
      service_types: '全日托',
      inclusive: '否',
      places: '30',
      min_age_months: '12',
      max_age_months: '36',
      provider_kind: '',
      filing_number: `TY-420304-2024-${RUN.slice(1)}`,
      filed_on: '2024-09-01',
    };
    res = await upload(csvOf([row]).text);
    expectStatus(res, 201);
    assert.equal(res.json.updated, 1);
    const [state, number, places] = sql(srv.db,
      `SELECT state, filing_number, places FROM institutions WHERE id = ${pushed.institution_id}`).split('|');
    assert.equal(state, 'filed');
    assert.equal(number, row.filing_number);
    assert.equal(Number(places), 30);
    // Our own number pattern moves the district's sequence past it: later approvals cannot collide.
    assert.ok(Number(sql(srv.db, `SELECT last FROM filing_number_seq WHERE district_code = '420304' AND year = 2024`)) >=
      Number(RUN.slice(1)));
    // Importing it again changes nothing; another number for the filed institution is refused.
    res = await upload(csvOf([row]).text);
    expectStatus(res, 200);
    assert.equal(res.json.unchanged, 1);
    res = await upload(csvOf([{ ...row, filing_number: 'OTHER-1' }]).text, { dry: true });
    assert.deepEqual(res.json.errors.map((e) => e.field), ['filing_number']);
  });
});

describe('roles and territory', () => {
  test('registrars, inspectors and auditors get 403', async () => {
    const { text } = csvOf([goodRow(9100)]);
    for (const as of ['registrar', 'inspector', 'auditor']) expectError(await upload(text, { as }), 403, 'forbidden');
  });

  test('a county official imports only rows of its district', async () => {
    const own = { ...goodRow(9101), district_code: '420303' };
    const other = { ...goodRow(9102), district_code: '420302' };
    const { text, lines } = csvOf([own, other]);
    let res = await upload(text, { as: 'county_zhangwan', dry: true });
    expectStatus(res, 200);
    assert.deepEqual(res.json.errors.map((e) => `${e.row}:${e.field}`), [`${lines[1]}:district_code`]);
    res = await upload(csvOf([own]).text, { as: 'county_zhangwan' });
    expectStatus(res, 201);
    // An institution of another district cannot be changed by naming it with this district.
    const theirs = { ...goodRow(0), district_code: '420303' }; // row 0 is in 420302
    res = await upload(csvOf([theirs]).text, { as: 'county_zhangwan', dry: true });
    assert.ok(res.json.errors.some((e) => e.field === 'uscc'));
  });

  test('an Excel file is 415', async () => {
    expectError(await upload(Buffer.from('PK\x03\x04rest'), { dry: true }), 415, 'unsupported_media_type');
  });
});

describe('the page and the command line', () => {
  test('the page uploads a file with the dry-run box and shows the report', async () => {
    const { cookie, csrf } = await srv.login('city');
    let res = await srv.get('/dash/imports/institutions', { cookie });
    expectStatus(res, 200);
    assert.match(res.text, /批量导入/);
    const r = { ...goodRow(9200), places: '-1' };
    const form = new FormData();
    form.append('csrf', csrf);
    form.append('dry_run', '1');
    form.append('file', new Blob([gbk(csvOf([r]).text)]), 'list.csv');
    res = await srv.req('POST', '/dash/imports/institutions', { cookie, body: form });
    expectStatus(res, 200);
    assert.match(res.text, /托位数不能为负数/);
    assert.match(res.text, /试导入结果/);
  });

  test('tuoyu import institutions: report, non-zero exit on bad rows, commit', async () => {
    const f = path.join(srv.dir, 'cli.csv');
    const good1 = goodRow(9300);
    fs.writeFileSync(f, gbk(csvOf([good1, { ...goodRow(9301), registered_on: 'yesterday' }]).text));
    let r = await cli(['import', 'institutions', '--db', srv.db, '--file', f, '--dry-run']);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stdout, /row 3 registered_on/);
    fs.writeFileSync(f, gbk(csvOf([good1]).text));
    r = await cliOk(['import', 'institutions', '--db', srv.db, '--file', f]);
    assert.match(r.stdout, /created 1/);
    r = await cliOk(['import', 'institutions', '--db', srv.db, '--file', f, '--format', 'csv']);
    assert.match(r.stdout, /unchanged 1/);
    r = await cli(['import', 'institutions', '--db', srv.db]);
    assert.equal(r.code, 2);
  });
});
