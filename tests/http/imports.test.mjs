// Bulk imports of staff and children from CSV as Excel in China saves it (GBK, or UTF-8 with a BOM): a dry run
// reports every bad row and column and changes nothing; a commit is all-or-nothing; the report never echoes an
// ID number or phone; another institution's operator finds nothing (404).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import test, { after, before } from 'node:test';
import { ENGINE, Server, expectError, show } from './harness.mjs';
import { sql as harnessSql } from './harness.mjs';
import {
  cstDay,
  csvText,
  idNumber,
  idNumber as idNumberIn,
  institutionWithOperator,
  toGbk,
  withBadIdCheckChar,
} from './fixtures.mjs';

let srv;
let mine; // { institutionId, operator }
let other; // another institution with its own operator

before(async () => {
  srv = await Server.start({ name: 'imports' });
  mine = await institutionWithOperator(srv);
  other = await institutionWithOperator(srv);
});
after(async () => srv && srv.cleanup());

const sql = (q) => harnessSql(srv.db, q);
const staffPath = (id, dry) => `/api/v1/institutions/${id}/imports/staff${dry ? '?dry_run=1' : ''}`;
const childrenPath = (id, dry) => `/api/v1/institutions/${id}/imports/children${dry ? '?dry_run=1' : ''}`;

// Large files may take longer than the harness's default request timeout (their time is judged separately).
function upload(path, body, as, contentType = 'text/csv') {
  return srv.req('POST', path, { as, body, headers: { 'Content-Type': contentType }, timeoutMs: 180000 });
}

async function staffList(inst = mine) {
  const res = await srv.get(`/api/v1/institutions/${inst.institutionId}/staff`, { as: inst.operator });
  assert.equal(res.status, 200, show(res));
  return res.json.items;
}

// Five staff members with the Chinese headers and values Excel users type; dates as Excel writes them.
const STAFF_HEADER = ['姓名', '身份证号', '岗位', '入职日期', '电话', '学历', '从业年限'];
const staffRows = [
  ['张三', idNumber('1985-01-01', 123), '负责人', '2023/9/1', '13812340001', '本科', '8'],
  ['李四', idNumber('1990-05-17', 224), '保育人员', '2024-02-15', '13812340002', '大专', '3'],
  ['王五', idNumber('1992-11-30', 321), '保育人员', '2024/3/5', '13812340003', '中专及以下', ''],
  ['赵六', idNumber('1978-07-08', 42), '保健人员', '2024/3/5', '13812340004', '大专', '12'],
  ['孙七', idNumber('1980-02-29', 517), '保安', '2024-04-01', '', '', ''],
];
const staffCsv = (rows) => toGbk(csvText([STAFF_HEADER, ...rows]));
// Row 3 (王五) with a wrong check character.
const badRows = staffRows.map((r, i) => (i === 2 ? [r[0], withBadIdCheckChar(r[1]), ...r.slice(2)] : r));

/** Every ID number and phone of the rows must be absent from a text (reports, lists). */
function assertNoClearData(text, rows) {
  for (const r of rows) {
    assert.ok(!text.includes(r[1]), `an ID number in clear in: ${text.slice(0, 300)}`);
    if (r[4]) assert.ok(!text.includes(r[4]), `a phone in clear in: ${text.slice(0, 300)}`);
  }
}

test('a GBK staff file with one bad ID number: the dry run names exactly that row and column, imports nothing', async () => {
  const res = await upload(staffPath(mine.institutionId, true), staffCsv(badRows), mine.operator);
  assert.equal(res.status, 200, show(res));
  const rep = res.json;
  assert.equal(rep.rows, 5);
  assert.equal(rep.valid, 4);
  assert.equal(rep.committed, false);
  assert.equal(rep.dry_run, true);
  assert.deepEqual(
    rep.errors.map((e) => [e.row, e.field]),
    [[3, 'id_number']],
    show(res)
  );
  assert.ok(rep.errors[0].message.length > 0);
  assertNoClearData(res.text, badRows);
  assert.deepEqual(await staffList(), [], 'a dry run added staff');
});

test('committing the file with the bad row answers 422 with the report and imports nothing', async () => {
  const res = await upload(staffPath(mine.institutionId), staffCsv(badRows), mine.operator);
  const err = expectError(res, 422, 'validation_failed');
  assert.deepEqual(
    err.fields.map((f) => f.field),
    ['rows[3].id_number']
  );
  assert.equal(res.json.committed, false);
  assert.deepEqual(
    res.json.errors.map((e) => [e.row, e.field]),
    [[3, 'id_number']]
  );
  assert.deepEqual(await staffList(), [], 'a refused import left staff behind');
});

test('the fixed file imports every row (201), shown masked; importing it again changes nothing', async () => {
  const res = await upload(staffPath(mine.institutionId), staffCsv(staffRows), mine.operator);
  assert.equal(res.status, 201, show(res));
  assert.equal(res.json.committed, true);
  assert.equal(res.json.rows, 5);
  assert.equal(res.json.valid, 5);
  assert.deepEqual(res.json.errors, []);

  const items = await staffList();
  assert.equal(items.length, 5, JSON.stringify(items));
  const byName = Object.fromEntries(items.map((s) => [s.name, s]));
  for (const r of staffRows) {
    const s = byName[r[0]];
    assert.ok(s, `${r[0]} missing`);
    assert.equal(s.id_number_masked, `${r[1].slice(0, 4)}**********${r[1].slice(14)}`);
    if (r[4]) assert.equal(s.phone_masked, `${r[4].slice(0, 3)}****${r[4].slice(7)}`);
  }
  assert.equal(byName['张三'].role, 'director');
  assert.equal(byName['张三'].education, 'bachelor');
  assert.equal(byName['张三'].experience_years, 8);
  assert.equal(byName['张三'].hired_on, '2023-09-01');
  assert.equal(byName['王五'].hired_on, '2024-03-05');
  assert.equal(byName['孙七'].role, 'security');
  const listText = JSON.stringify(items);
  assertNoClearData(listText, staffRows);
  // One audit entry for the file, with counts only (the dry run and the refused commit left none).
  assert.equal(
    sql(`SELECT action || ' ' || entity || ' ' || entity_id || ' ' || after FROM audit_log WHERE action LIKE 'import.%'`),
    `import.staff institution ${mine.institutionId} {"rows":5,"imported":5}`
  );
  assertNoClearData(sql(`SELECT coalesce(before, '') || coalesce(after, '') FROM audit_log`), staffRows);

  const again = await upload(staffPath(mine.institutionId), staffCsv(staffRows), mine.operator);
  assert.ok([409, 422].includes(again.status), show(again));
  assert.equal(again.json.committed, false);
  assert.deepEqual(
    again.json.errors.map((e) => [e.row, e.field]),
    [1, 2, 3, 4, 5].map((r) => [r, 'id_number']),
    show(again)
  );
  const dry = await upload(staffPath(mine.institutionId, true), staffCsv(staffRows), mine.operator);
  assert.equal(dry.status, 200, show(dry));
  assert.equal(dry.json.valid, 0);
  assert.equal(JSON.stringify(await staffList()), listText, 'a refused re-import changed the staff');
});

test('the same ID number twice in one file is an error on the later row only', async () => {
  const a = idNumber('1991-03-03', 611);
  const rows = [
    ['周一', a, 'cook', '2024-01-01', '', '', ''],
    ['吴二', idNumber('1991-03-04', 612), 'cook', '2024-01-01', '', '', ''],
    ['郑三', a.toLowerCase(), 'other', '2024-01-01', '', '', ''], // x and X are the same number
  ];
  const res = await upload(staffPath(mine.institutionId, true), staffCsv(rows), mine.operator);
  assert.equal(res.status, 200, show(res));
  assert.deepEqual(
    res.json.errors.map((e) => [e.row, e.field]),
    [[3, 'id_number']],
    show(res)
  );
  assert.match(res.json.errors[0].message, /第 1 行/);
  assert.equal(res.json.valid, 2);
});

test('every bad cell of every row is reported at once, in CSV column names', async () => {
  const rows = [
    ['', idNumber('1993-01-01', 11), '厨师', '2024-13-01', '12', '博士', 'many'],
    ['钱八', '4.20303E+17', 'cook', '2024-01-01', '', '', ''],
    ['陈九', idNumber('1993-01-02', 13), 'cook', '', '', '', '61'],
  ];
  const res = await upload(staffPath(mine.institutionId, true), staffCsv(rows), mine.operator);
  assert.equal(res.status, 200, show(res));
  const got = res.json.errors.map((e) => `${e.row}:${e.field}`).sort();
  assert.deepEqual(got, [
    '1:education',
    '1:experience_years',
    '1:hired_on',
    '1:name',
    '1:phone',
    '1:role',
    '2:id_number',
    '3:experience_years',
    '3:hired_on',
  ]);
  assert.match(res.json.errors.find((e) => e.row === 2).message, /科学计数法/);
  assert.equal(res.json.valid, 0);
});

test('unknown, repeated and missing columns are refused as row 0, naming them', async () => {
  const body = csvText([
    ['name', 'id_number', 'role', 'salary', 'name'],
    ['张三', idNumber('1985-01-01', 123), 'director', '5000', '张三'],
  ]);
  for (const dry of [true, false]) {
    const res = await upload(staffPath(mine.institutionId, dry), body, mine.operator);
    expectError(res, 422, 'validation_failed');
    const errs = res.json.errors;
    assert.ok(errs.every((e) => e.row === 0), show(res));
    assert.deepEqual(errs.map((e) => e.field).sort(), ['hired_on', 'name', 'salary']);
    assert.match(errs.find((e) => e.field === 'hired_on').message, /入职日期/);
  }
  assert.equal((await staffList()).length, 5);
});

test('files that are not CSV text are refused with a reason, nothing imported', async () => {
  // An unterminated quote on data row 2.
  let res = await upload(staffPath(mine.institutionId, true), 'name,id_number,role,hired_on\r\n周一,1,cook,2024-01-01\r\n"周二,2', mine.operator);
  expectError(res, 422, 'validation_failed');
  assert.deepEqual(res.json.errors.map((e) => [e.row, e.field]), [[2, 'file']]);
  assert.match(res.json.errors[0].message, /引号/);
  // Bytes that are neither UTF-8 nor GBK.
  res = await upload(staffPath(mine.institutionId, true), Buffer.from([0x6e, 0x61, 0x2c, 0x80, 0xff, 0x0d, 0x0a]), mine.operator);
  expectError(res, 422, 'validation_failed');
  assert.equal(res.json.errors[0].field, 'file');
  // An .xlsx (a zip) rather than a CSV.
  res = await upload(staffPath(mine.institutionId), Buffer.from('PK\x03\x04\x14\x00\x06\x00', 'latin1'), mine.operator);
  expectError(res, 415, 'unsupported_media_type');
  assert.match(res.json.error.message, /CSV/);
  // Empty, and a header alone.
  expectError(await upload(staffPath(mine.institutionId), '', mine.operator), 422, 'validation_failed');
  expectError(await upload(staffPath(mine.institutionId), csvText([STAFF_HEADER]), mine.operator), 422, 'validation_failed');
  // dry_run must say what it means.
  expectError(await upload(`${staffPath(mine.institutionId)}?dry_run=maybe`, csvText([STAFF_HEADER]), mine.operator), 422, 'validation_failed');
  assert.equal((await staffList()).length, 5);
});

test('a banned person in a staff import is refused on that row with the generic text, and the match is recorded', async () => {
  const banned = idNumber('1979-09-09', 909);
  const ban = await srv.post(
    '/api/v1/bans',
    {
      name: '禁入人员甲',
      id_number: banned,
      kind: 'lifetime',
      reason: '虐待婴幼儿',
      authority: '十堰市张湾区卫生健康局',
      decision_number: '张卫禁〔2025〕1号',
      decided_on: '2025-01-10',
    },
    { as: 'county_zhangwan' }
  );
  assert.equal(ban.status, 201, show(ban));
  const before = await srv.get('/api/v1/ban-matches', { as: 'county_zhangwan' });
  assert.equal(before.status, 200, show(before));

  const rows = [
    ['冯十', idNumber('1994-04-04', 41), 'cook', '2024-05-01', '', '', ''],
    ['褚十一', banned, 'caregiver', '2024-05-01', '', '', ''],
  ];
  for (const dry of [true, false]) {
    const res = await upload(staffPath(mine.institutionId, dry), staffCsv(rows), mine.operator);
    assert.equal(res.status, dry ? 200 : 422, show(res));
    assert.deepEqual(
      res.json.errors.map((e) => [e.row, e.field, e.message]),
      [[2, 'id_number', '不能录用此人，请联系所在县（市、区）卫生健康局']],
      show(res)
    );
    assert.ok(!res.text.includes(banned));
    assert.ok(!/禁入|ban/i.test(JSON.stringify(res.json.errors)), 'the report reveals the register');
  }
  assert.equal((await staffList()).length, 5, 'a refused import added staff');
  const afterRes = await srv.get('/api/v1/ban-matches', { as: 'county_zhangwan' });
  const fresh = afterRes.json.items.filter(
    (m) => !before.json.items.some((b) => b.id === m.id) && m.institution_id === mine.institutionId
  );
  assert.equal(fresh.length, 2, `each refused import is on the officials' list: ${show(afterRes)}`);
  assert.ok(fresh.every((m) => m.purpose === 'hire' && m.id_number_masked === `${banned.slice(0, 4)}**********${banned.slice(14)}`));
});

test('another institution\'s operator finds nothing (404) and imports nothing; officials cannot import', async () => {
  for (const path of [staffPath(mine.institutionId), staffPath(mine.institutionId, true), childrenPath(mine.institutionId)]) {
    const res = await upload(path, staffCsv(staffRows), other.operator);
    expectError(res, 404, 'not_found');
  }
  expectError(await upload(staffPath(mine.institutionId), staffCsv(staffRows), 'county_zhangwan'), 403, 'forbidden');
  const anon = await srv.req('POST', staffPath(mine.institutionId), { body: 'x' });
  assert.equal(anon.status, 401, show(anon));
  assert.equal((await staffList(other)).length, 0);
});

// ---- children ----

const CHILD_HEADER = [
  'name',
  'id_number',
  'birth_on',
  'sex',
  'class',
  'start_on',
  'guardian_name',
  'guardian_relation',
  'guardian_phone',
  'admission_checked_on',
  'admission_examiner',
  'admission_result',
];

/**
 * n children born within the last two years (200 to 699 days old), each with a distinct valid ID number whose
 * sequence digit agrees with the sex; the first `placed` go to class `klass` (13–14 months old, a 托小班).
 */
function childRows(n, { placed = 0, klass = '' } = {}) {
  const rows = [];
  for (let i = 0; i < n; i++) {
    const inClass = i < placed;
    const birth = inClass ? cstDay(400 + i) : cstDay(200 + (i % 500));
    const seq = inClass ? 900 + i : Math.floor(i / 500) * 2 + (i % 2); // unique per birth day
    const male = seq % 2 === 1;
    rows.push([
      `幼儿${i}`,
      idNumber(birth, seq),
      birth,
      male ? '男' : 'female',
      inClass ? klass : '',
      cstDay(10),
      `家长${i}`,
      i % 2 ? '父亲' : '母亲',
      `139${String(i).padStart(8, '0')}`,
      cstDay(20),
      '十堰市妇幼保健院',
      i % 3 ? '合格' : 'pass',
    ]);
  }
  return rows;
}

test('10,000 children (UTF-8 with BOM) import in one go, well within 20 s', async (t) => {
  const cls = await srv.post(
    `/api/v1/institutions/${mine.institutionId}/classes`,
    { name: '托小班（1）', type: 'toddler', capacity: 15 },
    { as: mine.operator }
  );
  assert.equal(cls.status, 201, show(cls));
  const rows = childRows(10000, { placed: 10, klass: '托小班（1）' });
  const body = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(csvText([CHILD_HEADER, ...rows]), 'utf8')]);

  let t0 = Date.now();
  const dry = await upload(childrenPath(mine.institutionId, true), body, mine.operator);
  const dryMs = Date.now() - t0;
  assert.equal(dry.status, 200, show(dry));
  assert.equal(dry.json.valid, 10000, show(dry));

  t0 = Date.now();
  const res = await upload(childrenPath(mine.institutionId), body, mine.operator, 'application/vnd.ms-excel');
  const ms = Date.now() - t0;
  t.diagnostic(`10000 children (${body.length} bytes): dry run ${dryMs} ms, commit ${ms} ms`);
  console.log(`# imports: 10000 children, dry run ${dryMs} ms, commit ${ms} ms`);
  assert.equal(res.status, 201, show(res));
  assert.equal(res.json.valid, 10000);
  assert.equal(res.json.committed, true);
  // "In seconds": 20 s on SQLite (about 1.5 s measured); PostgreSQL pays a round trip per statement (about
  // 15 s measured, issue 9 will batch them), so 60 s there. Sanitizer builds run several times slower: there
  // the time is reported, not judged (speed targets belong to bench/).
  const sanitized = /asan|sanitize/i.test(`${process.env.TUOYU_BIN || ''} ${process.env.MESON_OPTS || ''}`);
  const limit = ENGINE === 'postgresql' ? 60000 : 20000;
  if (!sanitized) assert.ok(ms < limit, `the commit took ${ms} ms (limit ${limit} ms on ${ENGINE})`);
  assertNoClearData(res.text, rows.map((r) => [r[0], r[1], '', '', r[8]]));

  const list = await srv.get(`/api/v1/institutions/${mine.institutionId}/children`, { as: mine.operator });
  assert.equal(list.status, 200, show(list));
  const items = list.json.items;
  assert.equal(items.length, 10000, 'children listed after the import');
  const first = items.find((c) => c.name === '幼儿0');
  assert.ok(first, 'the first child is listed');
  assert.equal(first.id_number_masked, `${rows[0][1].slice(0, 4)}**********${rows[0][1].slice(14)}`);
  assert.equal(first.sex, 'female');
  assert.ok(!list.text.includes(rows[0][1]) && !list.text.includes(rows[0][8]));
  const classes = await srv.get(`/api/v1/institutions/${mine.institutionId}/classes`, { as: mine.operator });
  assert.equal(classes.status, 200, show(classes));
  const c = classes.json.items.find((k) => k.id === cls.json.id);
  assert.equal(c.enrolled, 10, JSON.stringify(c));
});

test('children rows: unknown class, age that does not fit it, failed admission check, ID disagreeing with birth', async () => {
  const birth = cstDay(300);
  const idNumber = (b, seq) => idNumberIn(b, seq, '420302'); // apart from the 10,000 (all 420303)
  const rows = [
    ['幼儿零', idNumber(birth, 30), birth, '女', '没有这个班', cstDay(10), '家长', '母亲', '13900000000', cstDay(20), '妇幼保健院', '合格'], // 1: class
    ['幼儿甲', idNumber(birth, 31), birth, '男', '托小班（1）', cstDay(10), '家长', '母亲', '13900000001', cstDay(20), '妇幼保健院', '合格'], // 2: 10 months old for a 托小班
    ['幼儿乙', idNumber(birth, 32), birth, '女', '', cstDay(10), '家长', '母亲', '13900000002', cstDay(20), '妇幼保健院', '不合格'], // 3: failed check
    ['幼儿丙', idNumber(birth, 34), cstDay(301), '女', '', cstDay(10), '家长', '母亲', '13900000003', cstDay(20), '妇幼保健院', '合格'], // 4: birth_on
    ['幼儿丁', idNumber(birth, 36), birth, '女', '', cstDay(10), '', '', '', cstDay(20), '妇幼保健院', '合格'], // 5: guardian
  ];
  const res = await upload(childrenPath(mine.institutionId, true), csvText([CHILD_HEADER, ...rows]), mine.operator);
  assert.equal(res.status, 200, show(res));
  const got = res.json.errors.map((e) => `${e.row}:${e.field}`);
  for (const want of ['1:class', '2:class', '3:admission_result', '4:birth_on', '5:guardian_name', '5:guardian_relation', '5:guardian_phone'])
    assert.ok(got.includes(want), `${want} missing from ${got.join(' ')}`);
  assert.ok(got.every((g) => CHILD_HEADER.includes(g.split(':')[1])), `a field that is not a column: ${got}`);
  assert.equal(res.json.valid, 0);
  assert.ok(!got.some((g) => g.startsWith('1:id_number')), 'the duplicate check fired on a new child');
});

async function childCount() {
  const res = await srv.get(`/api/v1/institutions/${mine.institutionId}/children`, { as: mine.operator });
  assert.equal(res.status, 200, show(res));
  return res.json.items.length;
}

test('re-importing children already enrolled is refused row by row, nothing changed', async () => {
  const rows = childRows(13).slice(10); // rows 10..12 of the 10,000 (the first ten went into the class)
  const res = await upload(childrenPath(mine.institutionId), csvText([CHILD_HEADER, ...rows]), mine.operator);
  assert.equal(res.status, 422, show(res));
  assert.deepEqual(
    res.json.errors.map((e) => [e.row, e.field]),
    [
      [1, 'id_number'],
      [2, 'id_number'],
      [3, 'id_number'],
    ]
  );
  assert.equal(await childCount(), 10000);
});
