// Exports (src/export): every list of the API answers ?format=xlsx with its rows as a workbook (Chinese
// headers, numbers as numbers, dates as dates), under the list's own roles and territory; long exports run in
// the background with progress and a download for their owner only; every declared column of every list has
// data in the demo (a wrong member name would give an empty column).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import test, { after, before } from 'node:test';
import { Server, expectStatus, show, sql, tidyErrors } from './harness.mjs';

const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const EXCEL_EPOCH_1970 = 25569;

let srv;
before(async () => {
  srv = await Server.start({ name: 'exports', demo: true });
  for (const u of ['admin', 'city', 'county_zhangwan', 'county_maojian', 'operator', 'auditor'])
    srv.tokens[u] = await srv.createToken(u);
});
after(async () => srv && srv.cleanup());

const unxml = (s) =>
  s
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&#(\d+);/g, (_, n) => String.fromCodePoint(Number(n)))
    .replace(/&amp;/g, '&');

let nfile = 0;
/** The workbook of GET p (as an account): its sheet as rows of cells { ref, t, s, v, text }. */
async function xlsx(p, as) {
  const res = await fetch(srv.base + p, { headers: { Authorization: `Bearer ${srv.tokens[as]}` } });
  const buf = Buffer.from(await res.arrayBuffer());
  const out = { status: res.status, headers: res.headers, buf };
  if (res.status !== 200) {
    out.json = JSON.parse(buf.toString('utf8'));
    return out;
  }
  const f = path.join(srv.dir, `export-${++nfile}.xlsx`);
  fs.writeFileSync(f, buf);
  return { ...out, ...readWorkbook(f) };
}

/** Sheet 1 of an XLSX file, unzipped with unzip(1) and read as XML text. */
function readWorkbook(f) {
  const part = (name) => execFileSync('unzip', ['-p', f, name], { encoding: 'utf8', maxBuffer: 1 << 28 });
  const sheetXml = part('xl/worksheets/sheet1.xml');
  let strings = [];
  try {
    strings = [...part('xl/sharedStrings.xml').matchAll(/<si>([\s\S]*?)<\/si>/g)].map((m) =>
      unxml([...m[1].matchAll(/<t[^>]*>([\s\S]*?)<\/t>/g)].map((t) => t[1]).join(''))
    );
  } catch {
    // a workbook of numbers only has no shared strings
  }
  const styles = part('xl/styles.xml');
  const numFmts = Object.fromEntries(
    [...styles.matchAll(/<numFmt numFmtId="(\d+)" formatCode="([^"]*)"/g)].map((m) => [m[1], unxml(m[2])])
  );
  const xfs = [...(styles.match(/<cellXfs[^>]*>([\s\S]*?)<\/cellXfs>/) || ['', ''])[1].matchAll(/<xf [^>]*>/g)].map(
    (m) => (m[0].match(/numFmtId="(\d+)"/) || [])[1]
  );
  const formatOf = (s) => numFmts[xfs[Number(s || 0)]] || '';
  const rows = [...sheetXml.matchAll(/<row [^>]*?(?:\/>|>([\s\S]*?)<\/row>)/g)].map((m) =>
    [...(m[1] || '').matchAll(/<c r="([A-Z]+)\d+"([^>]*?)(?:\/>|>([\s\S]*?)<\/c>)/g)].map((c) => {
      const t = (c[2].match(/ t="(\w+)"/) || [])[1];
      const s = (c[2].match(/ s="(\d+)"/) || [])[1];
      const v = (c[3] || '').match(/<v>([\s\S]*?)<\/v>/);
      const raw = v ? unxml(v[1]) : undefined;
      return { col: c[1], t, s, format: formatOf(s), v: raw, text: t === 's' ? strings[Number(raw)] : raw };
    })
  );
  return { sheetXml, strings, rows, rowCount: (sheetXml.match(/<row /g) || []).length };
}

const why = (wb) => `${wb.status} ${wb.json ? JSON.stringify(wb.json) : ''}`;
const colIndex = (letters) => [...letters].reduce((n, ch) => n * 26 + ch.charCodeAt(0) - 64, 0) - 1;
/** The rows as arrays indexed by column (header row first). */
const grid = (wb) =>
  wb.rows.map((cells) => {
    const a = [];
    for (const c of cells) a[colIndex(c.col)] = c;
    return a;
  });
const column = (wb, header) => {
  const g = grid(wb);
  const i = g[0].findIndex((c) => c && c.text === header);
  assert.ok(i >= 0, `no column ${header} in ${g[0].map((c) => c && c.text).join(',')}`);
  return g.slice(1).map((r) => r[i]);
};

/** Every row of a JSON list, page after page (?page= until total). */
async function allRows(p, as) {
  const rows = [];
  for (let page = 1; page < 1000; page++) {
    const res = await srv.get(`${p}${p.includes('?') ? '&' : '?'}page=${page}`, { as });
    expectStatus(res, 200);
    rows.push(...res.json.items);
    if (!res.json.items.length || rows.length >= res.json.total) break;
  }
  return rows;
}

const daySerial = (ymd) => Date.UTC(...ymd.split('-').map((x, i) => Number(x) - (i === 1 ? 1 : 0))) / 86400000 + EXCEL_EPOCH_1970;

test('the city exports the institutions: Chinese headers, one row per institution, typed cells', async () => {
  const json = await allRows('/api/v1/institutions', 'city');
  assert.equal(json.length, 300);
  const wb = await xlsx('/api/v1/institutions?format=xlsx', 'city');
  assert.equal(wb.status, 200, why(wb));
  assert.equal(wb.headers.get('content-type'), XLSX_TYPE);
  const cd = wb.headers.get('content-disposition');
  assert.match(cd, /^attachment; filename="institutions-\d{8}\.xlsx"; filename\*=UTF-8''/);
  assert.ok(decodeURIComponent(cd.split("UTF-8''")[1]).startsWith('机构名录-'), cd);
  for (const h of ['编号', '机构名称', '统一社会信用代码', '区县', '托位数', '登记日期', '普惠性'])
    assert.ok(wb.strings.includes(h), `header ${h} missing from sharedStrings.xml`);
  assert.equal(wb.rowCount, json.length + 1, 'one <row> per institution plus the header');

  const ids = column(wb, '编号');
  assert.ok(ids.every((c) => c && c.t === undefined && /^\d+$/.test(c.v)), 'ids are not number cells');
  assert.deepEqual(new Set(ids.map((c) => Number(c.v))), new Set(json.map((x) => x.id)));
  const byId = new Map(json.map((x) => [x.id, x]));
  const places = column(wb, '托位数');
  const registered = column(wb, '登记日期');
  const names = column(wb, '机构名称');
  ids.forEach((c, i) => {
    const inst = byId.get(Number(c.v));
    assert.equal(places[i].t, undefined, 'places written as text (t="s")');
    assert.equal(Number(places[i].v), inst.places, `places of ${inst.id}`);
    assert.equal(names[i].text, inst.name);
    assert.equal(registered[i].t, undefined, 'a date written as text');
    assert.match(registered[i].format, /yy/, 'a date cell without a date format');
    assert.equal(Number(registered[i].v), daySerial(inst.registered_on), `registered_on of ${inst.id}`);
  });
});

test('the scoreboard exports one row per district with its total and rank', async () => {
  const board = await srv.get('/api/v1/assessment', { as: 'city' });
  expectStatus(board, 200);
  const wb = await xlsx('/api/v1/assessment?format=xlsx', 'city');
  assert.equal(wb.status, 200, why(wb));
  assert.equal(wb.rowCount, board.json.districts.length + 1);
  for (const h of ['排名', '区县', '总分', '每千人口托位数', '普惠托位占比'])
    assert.ok(wb.strings.includes(h), `header ${h}`);
  const names = column(wb, '区县').map((c) => c.text);
  assert.deepEqual(names, board.json.districts.map((d) => d.district_name));
  const totals = column(wb, '总分');
  board.json.districts.forEach((d, i) => {
    if (d.total == null) return;
    assert.equal(totals[i].t, undefined);
    assert.ok(Math.abs(Number(totals[i].v) - d.total) < 1e-9, `total of ${d.district_name}`);
  });
  const share = column(wb, '普惠托位占比').find((c) => c);
  assert.match(share.format, /%/, 'a share without a percent format');
});

test('a county official exports only its own district, and cannot ask for another', async () => {
  const json = await allRows('/api/v1/institutions', 'county_zhangwan');
  const wb = await xlsx('/api/v1/institutions?format=xlsx', 'county_zhangwan');
  assert.equal(wb.status, 200);
  assert.equal(wb.rowCount, json.length + 1);
  const districts = new Set(column(wb, '区县').map((c) => c.text));
  assert.deepEqual([...districts], ['张湾区']);
  const other = await xlsx('/api/v1/institutions?format=xlsx&district=420302', 'county_zhangwan');
  assert.equal(other.status, 404, 'a county official exported another district');
  const rect = await xlsx('/api/v1/rectifications?format=xlsx', 'county_zhangwan');
  assert.equal(rect.status, 200);
  assert.ok(column(rect, '区县').every((c) => c.text === '张湾区'));
});

test('filters apply as in the JSON list, and roles as in the route', async () => {
  const filed = await allRows('/api/v1/institutions?state=filed&district=420303', 'city');
  const wb = await xlsx('/api/v1/institutions?state=filed&district=420303&format=xlsx', 'city');
  assert.equal(wb.rowCount, filed.length + 1);
  assert.ok(column(wb, '状态').every((c) => c.text === 'filed'));
  const bad = await xlsx('/api/v1/institutions?state=nonsense&format=xlsx', 'city');
  assert.equal(bad.status, 422);
  assert.ok(bad.json.error.fields.some((f) => f.field === 'state'), JSON.stringify(bad.json));
  const op = await xlsx('/api/v1/institutions?format=xlsx', 'operator');
  assert.equal(op.status, 403);
  const anon = await fetch(`${srv.base}/api/v1/institutions?format=xlsx`);
  assert.equal(anon.status, 401);
});

test('a route without an export spec refuses format=xlsx naming the field', async () => {
  for (const p of ['/api/v1/dashboard', '/api/v1/institution-credit-records/export']) {
    const res = await xlsx(`${p}?format=xlsx`, 'city');
    assert.ok(res.status >= 400 && res.status < 500, `${p}: ${res.status}`);
    assert.ok(res.json.error.fields.some((f) => f.field === 'format'), JSON.stringify(res.json));
  }
});

async function waitDone(id, as) {
  let last;
  for (let i = 0; i < 200; i++) {
    last = await srv.get(`/api/v1/exports/${id}`, { as });
    expectStatus(last, 200);
    assert.ok(last.json.progress >= 0 && last.json.progress <= 1, show(last));
    if (last.json.status === 'done' || last.json.status === 'failed') return last.json;
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.fail(`export ${id} never finished: ${show(last)}`);
}

test('a background export: queued, progress to 1, the same rows as the synchronous one, owner only', async () => {
  const start = await srv.post('/api/v1/exports', { list: '/api/v1/institutions', query: { district: '420303' } }, { as: 'city' });
  expectStatus(start, 202);
  assert.ok(['queued', 'running', 'done'].includes(start.json.status), show(start));
  const job = await waitDone(start.json.id, 'city');
  assert.equal(job.status, 'done', JSON.stringify(job));
  assert.equal(job.progress, 1);
  assert.equal(job.rows_done, job.rows_total);
  const listed = await srv.get('/api/v1/exports', { as: 'city' });
  assert.ok(listed.json.items.some((j) => j.id === job.id));

  const file = await xlsx(`/api/v1/exports/${job.id}/file`, 'city');
  assert.equal(file.status, 200);
  assert.equal(file.headers.get('content-type'), XLSX_TYPE);
  assert.match(file.headers.get('content-disposition'), /^attachment; filename="institutions-\d+\.xlsx"; filename\*=UTF-8''/);
  const sync = await xlsx('/api/v1/institutions?district=420303&format=xlsx', 'city');
  assert.equal(file.rowCount, sync.rowCount);
  assert.equal(file.rowCount, job.rows_total + 1);
  assert.deepEqual(column(file, '编号').map((c) => c.v), column(sync, '编号').map((c) => c.v));

  for (const other of ['county_maojian', 'auditor']) {
    const res = await srv.get(`/api/v1/exports/${job.id}/file`, { as: other });
    assert.ok([403, 404].includes(res.status), `${other} downloaded another's export: ${res.status}`);
    assert.ok([403, 404].includes((await srv.get(`/api/v1/exports/${job.id}`, { as: other })).status));
    const theirs = await srv.get('/api/v1/exports', { as: other });
    assert.ok(!theirs.json.items.some((j) => j.id === job.id));
  }
  const audit = sql(srv.db, "SELECT action FROM audit_log WHERE action LIKE 'export.%' ORDER BY seq");
  for (const a of ['export.xlsx', 'export.request', 'export.download']) assert.ok(audit.includes(a), `no ${a} audit entry`);
});

test('a background export is refused like the list: bad bodies, other territories, wrong roles', async () => {
  const bad = await srv.post('/api/v1/exports', { list: 7, query: 'x', extra: 1 }, { as: 'city' });
  expectStatus(bad, 422);
  const fields = bad.json.error.fields.map((f) => f.field).sort();
  assert.deepEqual(fields, ['extra', 'list', 'query']);
  const nospec = await srv.post('/api/v1/exports', { list: '/api/v1/dashboard' }, { as: 'city' });
  expectStatus(nospec, 422);
  assert.equal(nospec.json.error.fields[0].field, 'list');
  const badFilter = await srv.post('/api/v1/exports', { list: '/api/v1/institutions', query: { state: 'x' } }, { as: 'city' });
  expectStatus(badFilter, 422);
  const other = await srv.post('/api/v1/exports', { list: '/api/v1/institutions', query: { district: '420302' } }, { as: 'county_zhangwan' });
  expectStatus(other, 404);
  const role = await srv.post('/api/v1/exports', { list: '/api/v1/institutions' }, { as: 'operator' });
  expectStatus(role, 403);
});

test('a failed or unfinished export has no file yet (409)', async () => {
  const uid = sql(srv.db, "SELECT id FROM users WHERE username = 'city'");
  sql(
    srv.db,
    `INSERT INTO export_jobs (user_id, route, path, query, format, status, created_at, expires_at, error)
     VALUES (${uid}, '/api/v1/institutions', '/api/v1/institutions', '{}', 'xlsx', 'failed', 1, 4102444800, '测试')`
  );
  const id = sql(srv.db, "SELECT MAX(id) FROM export_jobs WHERE status = 'failed'");
  const res = await srv.get(`/api/v1/exports/${id}/file`, { as: 'city' });
  expectStatus(res, 409);
});

test('the exports page: start an export by form, a progress bar, a download link, refresh while running', async () => {
  const s = await srv.login('city', 'city-demo-2026');
  const page = await srv.get('/dash/exports?list=/api/v1/complaints', { cookie: s.cookie });
  expectStatus(page, 200);
  assert.deepEqual(tidyErrors(page.text), []);
  assert.match(page.text, /<select id="export-list" name="list"/);
  assert.match(page.text, /<option value="\/api\/v1\/complaints" selected>投诉<\/option>/);
  const post = await srv.req('POST', '/dash/exports', {
    cookie: s.cookie,
    body: new URLSearchParams({ csrf: s.csrf, list: '/api/v1/complaints', district: '420303' }),
  });
  expectStatus(post, 303);
  const jobs = await srv.get('/api/v1/exports', { as: 'city' });
  const job = jobs.json.items.find((j) => j.route === '/api/v1/complaints');
  assert.ok(job, JSON.stringify(jobs.json));
  assert.deepEqual(job.query, { district: '420303' });
  await waitDone(job.id, 'city');
  const done = await srv.get('/dash/exports', { cookie: s.cookie });
  assert.match(done.text, /<progress max="100" value="100">/);
  assert.ok(done.text.includes(`href="/api/v1/exports/${job.id}/file"`), 'no download link');
  assert.ok(!done.text.includes('http-equiv="refresh"'), 'refreshing with nothing running');

  // A job another process is running: the page refreshes itself every 2 s.
  const uid = sql(srv.db, "SELECT id FROM users WHERE username = 'city'");
  sql(
    srv.db,
    `INSERT INTO export_jobs (user_id, route, path, query, format, status, rows_done, rows_total, created_at,
       started_at, expires_at) VALUES (${uid}, '/api/v1/institutions', '/api/v1/institutions', '{}', 'xlsx',
       'running', 40, 300, 1, 1, 4102444800)`
  );
  const running = await srv.get('/dash/exports', { cookie: s.cookie });
  assert.match(running.text, /<head>\n<meta http-equiv="refresh" content="2">/);
  assert.match(running.text, /<progress max="100" value="13">/);
  assert.deepEqual(tidyErrors(running.text), []);
  sql(srv.db, "UPDATE export_jobs SET status = 'failed' WHERE status = 'running'");

  const bad = await srv.req('POST', '/dash/exports', {
    cookie: s.cookie,
    body: new URLSearchParams({ csrf: s.csrf, list: '/api/v1/dashboard' }),
  });
  expectStatus(bad, 422);
});

test('the officials\' list pages link to their Excel export with the current filters', async () => {
  const s = await srv.login('city', 'city-demo-2026');
  const pages = {
    '/dash/institutions?district=420303&state=filed': '/api/v1/institutions?format=xlsx&amp;district=420303&amp;state=filed',
    '/dash/inspections': '/api/v1/inspections?format=xlsx',
    '/dash/rectifications': '/api/v1/rectifications?format=xlsx',
    '/dash/complaints': '/api/v1/complaints?format=xlsx',
    '/dash/assessment': '/api/v1/assessment?format=xlsx',
    '/dash/planning?district=420303': '/api/v1/planning?format=xlsx&amp;district=420303',
    '/dash/demand': '/api/v1/demand/summary?format=xlsx',
    '/dash/facilities?district=420303&urban=1': '/api/v1/communities?format=xlsx&amp;district=420303&amp;urban=1',
    '/dash/guidance?year=2026': '/api/v1/guidance/events?format=xlsx&amp;year=2026',
  };
  for (const [p, href] of Object.entries(pages)) {
    const res = await srv.get(p, { cookie: s.cookie });
    expectStatus(res, 200);
    assert.ok(res.text.includes(`href="${href}"`), `${p} has no link to ${href}`);
    assert.ok(res.text.includes('导出 Excel'), p);
    assert.deepEqual(tidyErrors(res.text), [], p);
  }
  const facilities = await srv.get('/dash/facilities', { cookie: s.cookie });
  const guidance = await srv.get('/dash/guidance', { cookie: s.cookie });
  for (const href of ['/api/v1/facilities/coverage', '/api/v1/residential-projects', '/api/v1/mother-baby-rooms'])
    assert.ok(facilities.text.includes(`href="${href}?format=xlsx"`), `/dash/facilities: no ${href}`);
  for (const href of ['/api/v1/guidance/reach', '/api/v1/guidance/experts', '/api/v1/guidance/articles'])
    assert.ok(guidance.text.includes(`href="${href}?format=xlsx"`), `/dash/guidance: no ${href}`);
  const wb = await xlsx('/api/v1/institutions?format=xlsx&district=420303&state=filed', 'city');
  assert.equal(wb.status, 200);
});

test('over the synchronous cap: 413 with a hint; a job left running by a dead server is run by the next', async () => {
  const uid = sql(srv.db, "SELECT id FROM users WHERE username = 'county_zhangwan'");
  sql(
    srv.db,
    `INSERT INTO export_jobs (user_id, route, path, query, format, status, rows_done, created_at, started_at,
       expires_at) VALUES (${uid}, '/api/v1/inspections', '/api/v1/inspections', '{}', 'xlsx', 'running', 3, 1, 1,
       4102444800)`
  );
  const id = sql(srv.db, "SELECT MAX(id) FROM export_jobs");
  process.env.TUOYU_EXPORT_SYNC_MAX_ROWS = '100';
  const second = await Server.open(srv.db, { name: 'exports-cap', tokens: srv.tokens });
  delete process.env.TUOYU_EXPORT_SYNC_MAX_ROWS;
  try {
    const res = await fetch(`${second.base}/api/v1/institutions?format=xlsx`, {
      headers: { Authorization: `Bearer ${srv.tokens.city}` },
    });
    assert.equal(res.status, 413);
    const body = await res.json();
    assert.match(body.error.message, /后台导出/);
    const small = await fetch(`${second.base}/api/v1/institutions?format=xlsx&district=420303`, {
      headers: { Authorization: `Bearer ${srv.tokens.city}` },
    });
    assert.equal(small.status, 200, 'a list under the cap was refused');
    let job;
    for (let i = 0; i < 100; i++) {
      job = (await second.get(`/api/v1/exports/${id}`, { as: 'county_zhangwan' })).json;
      if (job.status === 'done') break;
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.equal(job.status, 'done', JSON.stringify(job));
    const wb = await xlsx(`/api/v1/exports/${id}/file`, 'county_zhangwan');
    assert.ok(column(wb, '区县').every((c) => c.text === '张湾区'), 'the re-run job left the county');
  } finally {
    await second.stop();
    await second.cleanup();
  }
});

// Columns the demo leaves empty on purpose: nullable members that no demo row of the list fills (the member is
// still checked to be present in the JSON rows, so a misspelt key fails even here). Route → member keys.
const SPARSE = {
  '/api/v1/institutions/{id}/filings': ['reason'], // an approved filing has no reason to return it
  '/api/v1/institutions/{id}/staff': ['left_on'], // nobody has left
  '/api/v1/institutions/{id}/children': ['end_on', 'absent_since'], // nobody has left or is absent
  '/api/v1/institutions/{id}/classes': ['closed_on'], // no class closed
  '/api/v1/inspections': ['complaint_id'], // no complaint-triggered inspection in the demo
  '/api/v1/institutions/{id}/inspections': ['draw_id', 'complaint_id'],
  '/api/v1/complaints': ['inspection_id'],
  '/api/v1/deregistrations': ['decision_reason'], // the one deregistration was approved without remarks
  '/api/v1/demonstrations': ['reason'], // none rejected
  '/api/v1/residential-projects': ['note'], // the demo's projects carry no remarks
  '/api/v1/mother-baby-rooms': ['note'], // nor its rooms
};
// Lists whose route needs a query to answer at all.
const QUERY = { '/api/v1/public/demand/institutions': 'district=420303' };

/** Rows for the lists the demo leaves empty: an outbox receiver (by the API, inactive so that nobody delivers
 * to it) with a delivered and a dead delivery, and one institution import batch (by SQL: an import would
 * change the demo's register, which the other tests count). */
async function fillEmptyLists() {
  // The server's workers may hold SQLite's write lock for a moment (the new receiver wakes the outbox).
  const write = async (statement) => {
    for (let i = 0; ; i++) {
      try {
        return sql(srv.db, statement);
      } catch (e) {
        if (i >= 50 || !/locked|busy/i.test(String(e.stderr || e.message))) throw e;
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  };
  const rec = await srv.post(
    '/api/v1/outbox/receivers',
    {
      name: '省托育数据平台（测试）',
      url: 'http://127.0.0.1:9/hook',
      authority: '十堰市张湾区行政审批局',
      active: false,
    },
    { as: 'admin' }
  );
  expectStatus(rec, 201);
  const inst = sql(srv.db, 'SELECT MIN(id) FROM institutions');
  await write(
    `INSERT INTO outbox_deliveries (receiver_id, seq, institution_id, status, attempts, next_at_ms, last_status,
       last_error, delivered_at, created_at) VALUES
       (${rec.json.id}, 1, ${inst}, 'delivered', 1, 0, 200, NULL, 1796000000, 1796000000),
       (${rec.json.id}, 2, ${inst}, 'dead', 8, 0, 503, '接收方不可用', NULL, 1796000000)`
  );
  const admin = sql(srv.db, "SELECT id FROM users WHERE username = 'admin'");
  await write(
    `INSERT INTO import_batches (sha256, format, encoding, row_count, created, updated, unchanged, filings, by_user,
       by_name, at, created_at) VALUES ('${'ab'.repeat(32)}', 'csv', 'gbk', 12, 3, 4, 5, 2, ${admin}, 'admin',
       1796000000, 1796000000)`
  );
}
const hasMember = (row, key) =>
  key.split('.').every((k) => {
    if (row === null || typeof row !== 'object' || !(k in row)) return false;
    row = row[k];
    return true;
  });

test('every declared column of every exportable list has data in the demo', async () => {
  const lists = await srv.get('/api/v1/exports/lists', { as: 'admin' });
  expectStatus(lists, 200);
  assert.ok(lists.json.items.length >= 40, `only ${lists.json.items.length} exportable lists`);
  assert.deepEqual(lists.json.unmatched, [], 'specs whose pattern is no route');
  // Institutions to fill {id} with: the operator's, and those that have inspections, rectifications, findings.
  const me = await srv.get('/api/v1/session', { as: 'operator' });
  const candidates = new Set();
  for (const p of ['/api/v1/rectifications', '/api/v1/inspections?status=completed', '/api/v1/quality-assessments'])
    for (const x of (await srv.get(p, { as: 'admin' })).json.items.slice(0, 5)) candidates.add(x.institution_id);
  for (const x of (await srv.get('/api/v1/institutions?state=filed', { as: 'admin' })).json.items) candidates.add(x.id);
  candidates.add(me.json.user.institution_id);
  // Guidance events with sign-ups and notices to fill their own {id} with.
  const idsFrom = async (p, keep) => new Set((await srv.get(p, { as: 'admin' })).json.items.filter(keep).map((x) => x.id));
  const events = await idsFrom('/api/v1/guidance/events', (e) => e.taken > 0);
  const notices = await idsFrom('/api/v1/notices', (n) => n.read_count > 0);
  const idsOf = (route) =>
    route.startsWith('/api/v1/guidance/events/') ? events : route.startsWith('/api/v1/notices/') ? notices : candidates;
  await fillEmptyLists();

  const empty = [];
  const noRows = [];
  for (const spec of lists.json.items) {
    let p = spec.route;
    let json;
    const ids = idsOf(spec.route);
    for (const id of spec.route.includes('{id}') ? ids : [null]) {
      p = spec.route.replace('{id}', id) + (QUERY[spec.route] ? `?${QUERY[spec.route]}` : '');
      const res = await srv.get(p, { as: 'admin' });
      expectStatus(res, 200);
      json = res.json;
      if (json[spec.items].length) break;
    }
    const wb = await xlsx(`${p}${p.includes('?') ? '&' : '?'}format=xlsx`, 'admin');
    assert.equal(wb.status, 200, `${p}: ${why(wb)}`);
    const g = grid(wb);
    assert.deepEqual(g[0].map((c) => c.text), spec.columns.map((c) => c.header), `${p}: headers`);
    if (!json[spec.items].length) {
      noRows.push(spec.route);
      assert.equal(wb.rowCount, 1, `${p}: rows in the workbook of an empty list`);
      continue;
    }
    assert.ok(wb.rowCount - 1 >= json[spec.items].length, `${p}: fewer rows than the first page`);
    spec.columns.forEach((c, i) => {
      if (g.slice(1).some((r) => r[i] && r[i].v !== undefined && r[i].v !== '')) return;
      const sparse = (SPARSE[spec.route] || []).includes(c.key) && json[spec.items].some((row) => hasMember(row, c.key));
      if (!sparse) empty.push(`${spec.route} ${c.key} (${c.header})`);
    });
  }
  assert.deepEqual(empty, [], 'columns without a value in any row');
  // The demo has no ban register or persons' credit records; their columns are checked by name in the unit of
  // their module. Every other list has rows.
  assert.deepEqual(noRows.filter((r) => !['/api/v1/bans', '/api/v1/ban-matches', '/api/v1/person-credit-records'].includes(r)), []);
});

// The lists added with planning, demand, facilities, guidance, the outbox and onboarding: each workbook holds one
// row per row of its JSON list (the outbox and import rows are those the coverage test above created).
test('the planning, demand, facilities, guidance, outbox and import lists export every row of their JSON', async () => {
  const event = (await srv.get('/api/v1/guidance/events', { as: 'city' })).json.items.find((e) => e.taken > 0);
  assert.ok(event, 'no guidance event with sign-ups in the demo');
  const notice = (await srv.get('/api/v1/notices', { as: 'city' })).json.items[0].id;
  const lists = [
    // [module, path, member of the rows, account, paged]
    ['planning', '/api/v1/planning', 'rows', 'city'],
    ['planning', '/api/v1/planning/trends', 'months', 'city'],
    ['planning', '/api/v1/planning/projection', 'years', 'city'],
    ['planning', '/api/v1/planning', 'rows', 'county_zhangwan'],
    ['demand', '/api/v1/demand/choices', 'items', 'city'],
    ['demand', '/api/v1/demand/summary', 'districts', 'city'],
    ['demand', '/api/v1/public/demand/institutions?district=420303', 'items', 'city'],
    ['demand', '/api/v1/public/demand/communities?district=420303', 'items', 'city'],
    ['facilities', '/api/v1/communities', 'items', 'city', true],
    ['facilities', '/api/v1/residential-projects', 'items', 'city', true],
    ['facilities', '/api/v1/mother-baby-rooms', 'items', 'city', true],
    ['facilities', '/api/v1/facilities/coverage', 'items', 'city'],
    ['guidance', '/api/v1/guidance/experts', 'items', 'city'],
    ['guidance', '/api/v1/guidance/events', 'items', 'city'],
    ['guidance', `/api/v1/guidance/events/${event.id}/signups`, 'items', 'city'],
    ['guidance', '/api/v1/guidance/articles', 'items', 'city'],
    ['guidance', '/api/v1/guidance/reach', 'districts', 'city'],
    ['guidance', '/api/v1/public/guidance/events', 'items', 'city'],
    ['guidance', '/api/v1/public/guidance/articles', 'items', 'city'],
    ['cases', '/api/v1/public/incident-stats', 'districts', 'city'],
    ['joint', `/api/v1/notices/${notice}/receipts`, 'receipts', 'city'],
    ['exchange', '/api/v1/outbox/receivers', 'items', 'admin'],
    ['exchange', '/api/v1/outbox/deliveries', 'items', 'admin'],
    ['imports', '/api/v1/imports/institutions', 'items', 'city'],
  ];
  for (const [module, p, member, as, paged] of lists) {
    let rows;
    if (paged) rows = await allRows(p, as);
    else {
      const res = await srv.get(p, { as });
      expectStatus(res, 200);
      rows = res.json[member];
    }
    assert.ok(rows.length > 0, `${module} ${p}: an empty list proves nothing`);
    const wb = await xlsx(`${p}${p.includes('?') ? '&' : '?'}format=xlsx`, as);
    assert.equal(wb.status, 200, `${module} ${p}: ${why(wb)}`);
    assert.equal(wb.rowCount, rows.length + 1, `${module} ${p}: one <row> per row of the JSON list plus the header`);
  }
  const county = await xlsx('/api/v1/planning?format=xlsx', 'county_zhangwan');
  assert.deepEqual(column(county, '区县').map((c) => c.text), ['张湾区']);
  const signups = await xlsx(`/api/v1/guidance/events/${event.id}/signups?format=xlsx`, 'city');
  assert.ok(column(signups, '手机号（脱敏）').every((c) => c && /\*/.test(c.text)), 'a phone number in clear');
});
