// Documents: the filing receipt (备案回执) as PDF whose QR code, rendered by pdftoppm and read by zbarimg,
// opens the public verification page; forged codes are refused; the monthly report of the city as PDF (its
// text read back with pdftotext) and XLSX (read with unzip). Who may fetch what, 409 for a filing that is not
// approved, 422 naming month/format.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import test, { after, before, describe } from 'node:test';
import { Server, expectError, expectStatus, errorFields, show, sql, tidyErrors } from './harness.mjs';
import { cstDay, fileInstitution, institutionWithOperator, submit } from './fixtures.mjs';

let srv;
let zw; // a filed 张湾区 institution
let zw2; // another one
let mj; // a filed 茅箭区 institution
const BASE = 'http://verify.example.test:8443/tuoyu';
const MONTH = cstDay(0).slice(0, 7);

/** GET a binary document; resolves { status, type, buf, json }. */
async function fetchDoc(p, as) {
  const res = await fetch(`${srv.base}${p}`, { headers: { Authorization: `Bearer ${srv.tokens[as]}` } });
  const buf = Buffer.from(await res.arrayBuffer());
  let json;
  try {
    json = JSON.parse(buf.toString('utf8'));
  } catch {
    json = undefined;
  }
  return { status: res.status, type: res.headers.get('content-type'), disposition: res.headers.get('content-disposition'), buf, json };
}

let serial = 0;
/** Write buf into the server's temp dir; returns the path. */
function save(buf, ext) {
  const f = path.join(srv.dir, `doc-${++serial}.${ext}`);
  fs.writeFileSync(f, buf);
  return f;
}

/** pdftotext of a PDF with all whitespace removed (line breaks fall anywhere in wrapped text). */
const pdfText = (f) => execFileSync('pdftotext', ['-enc', 'UTF-8', f, '-'], { encoding: 'utf8' });
const squeeze = (s) => s.replace(/\s+/g, '');

/** Render page 1 at 150 dpi and decode its QR code; resolves the decoded text. */
function qrOf(pdf) {
  const prefix = pdf.replace(/\.pdf$/, '');
  execFileSync('pdftoppm', ['-r', '150', '-png', '-singlefile', pdf, prefix]);
  assert.ok(fs.existsSync(`${prefix}.png`), 'pdftoppm made no PNG');
  return execFileSync('zbarimg', ['--raw', '-q', `${prefix}.png`], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
}

before(async () => {
  srv = await Server.start({ name: 'reports' });
  // The QR codes point at the public address; a trailing slash in the setting is tolerated.
  sql(srv.db, `INSERT INTO settings (key, value) VALUES ('public_base_url', '${BASE}/')`);
  zw = await fileInstitution(srv);
  zw2 = await fileInstitution(srv);
  mj = await fileInstitution(srv, { county: 'county_maojian', reg: { district_code: '420302' } });
});

after(async () => {
  await srv.stop();
});

describe('filing receipt', () => {
  let url;

  test('the operator gets a PDF whose QR decodes to the verification URL and whose text is Chinese', async () => {
    const res = await fetchDoc(`/api/v1/filings/${zw.filingId}/receipt.pdf`, zw.operator);
    assert.equal(res.status, 200, res.buf.toString('utf8', 0, 300));
    assert.equal(res.type, 'application/pdf');
    assert.match(res.disposition, /^attachment; filename="receipt-\d+\.pdf"$/);
    assert.equal(res.buf.subarray(0, 5).toString('latin1'), '%PDF-');
    const f = save(res.buf, 'pdf');
    url = qrOf(f);
    assert.match(url, new RegExp(`^${BASE.replace(/[.]/g, '\\.')}/verify/[A-Za-z0-9_-]{27}$`));
    const text = squeeze(pdfText(f));
    for (const s of ['托育机构备案回执', zw.reg.body.name, zw.reg.body.uscc, '张湾区卫生健康局', '全日托', squeeze(url)])
      assert.ok(text.includes(squeeze(s)), `pdftotext lacks ${s}`);
    assert.ok(text.includes(`备字〔${zw.filingNumber.split('-')[2]}〕420303-${zw.filingNumber.split('-')[3]}号`), text);
    // The PDF's metadata.
    const info = execFileSync('pdfinfo', [f], { encoding: 'utf8' });
    assert.match(info, /Title:\s+托育机构备案回执/);
    assert.match(info, /Creator:\s+tuoyu/);
    assert.match(info, /Pages:\s+1/);
  });

  test('the verification page behind the QR shows the institution; no login needed', async () => {
    const p = url.slice(BASE.length);
    const res = await srv.get(p);
    expectStatus(res, 200);
    for (const s of ['备案信息核验', zw.reg.body.name, zw.reg.body.uscc, '张湾区', '已备案', zw.filingNumber])
      assert.ok(res.text.includes(s), `verify page lacks ${s}`);
    assert.ok(res.text.includes(`href="/institutions/${zw.institutionId}"`));
    assert.ok(!res.text.includes(zw.reg.body.address), 'verification shows only the listed facts');
    assert.deepEqual(tidyErrors(res.text), []);
    // The same code again (deterministic) from another official.
    const again = await fetchDoc(`/api/v1/filings/${zw.filingId}/receipt.pdf`, 'city');
    assert.equal(qrOf(save(again.buf, 'pdf')), url);
  });

  test('a tampered, truncated or foreign code is 404 未查到该回执', async () => {
    const code = url.split('/').pop();
    const flip = (c) => (c === 'A' ? 'B' : 'A');
    const tampered = [
      code.slice(0, 10) + flip(code[10]) + code.slice(11),
      code.slice(0, -1) + flip(code.at(-1)),
      code.slice(0, 26),
      code + 'A',
      'AAAAAAAAAAAAAAAAAAAAAAAAAAA',
      'not-a-code',
      '%E4%BD%A0',
    ];
    for (const t of tampered) {
      const res = await srv.get(`/verify/${t}`);
      assert.equal(res.status, 404, `${t}: ${show(res)}`);
      assert.ok(res.text.includes('未查到该回执'), t);
      assert.ok(!res.text.includes(zw.reg.body.name), t);
    }
    // Another filing's id with this filing's MAC: refused.
    const other = Buffer.from(code, 'base64url');
    other.writeBigUInt64BE(BigInt(zw2.filingId), 0);
    const res = await srv.get(`/verify/${other.toString('base64url')}`);
    assert.equal(res.status, 404);
  });

  test('officials of the territory may fetch it; others 404, other roles 403', async () => {
    for (const as of ['city', 'auditor', 'admin', 'county_zhangwan']) {
      const res = await fetchDoc(`/api/v1/filings/${zw.filingId}/receipt.pdf`, as);
      assert.equal(res.status, 200, as);
    }
    for (const as of ['county_maojian', mj.operator, zw2.operator]) {
      const res = await fetchDoc(`/api/v1/filings/${zw.filingId}/receipt.pdf`, as);
      assert.equal(res.status, 404, as);
      assert.equal(res.json.error.code, 'not_found');
    }
    for (const as of ['inspector', 'registrar']) {
      const res = await fetchDoc(`/api/v1/filings/${zw.filingId}/receipt.pdf`, as);
      assert.equal(res.status, 403, as);
    }
    expectError(await srv.get('/api/v1/filings/999999/receipt.pdf', { as: 'city' }), 404, 'not_found');
    assert.equal((await srv.get(`/api/v1/filings/${zw.filingId}/receipt.pdf`)).status, 401);
  });

  test('a filing that is not approved has no receipt: 409 invalid_state', async () => {
    const r = await institutionWithOperator(srv);
    const f = await submit(srv, r.institutionId, r.operator);
    expectError(await srv.get(`/api/v1/filings/${f.id}/receipt.pdf`, { as: r.operator }), 409, 'invalid_state');
    expectError(await srv.get(`/api/v1/filings/${f.id}/receipt.pdf`, { as: 'county_zhangwan' }), 409, 'invalid_state');
  });

  test('every download is audit-logged', async () => {
    const n = Number(sql(srv.db, `SELECT COUNT(*) FROM audit_log WHERE action = 'receipt.download' AND entity_id = ${zw.filingId}`));
    assert.ok(n >= 6, `only ${n} audit entries`);
    const actors = sql(srv.db, `SELECT DISTINCT actor FROM audit_log WHERE action = 'receipt.download'`).split('\n');
    assert.ok(actors.includes(zw.operator) && actors.includes('city'), actors.join(','));
  });

  test('the verification page follows the institution: a closed one shows 已注销/停业', async () => {
    const p = url.slice(BASE.length);
    sql(srv.db, `UPDATE institutions SET state = 'closed', closed_on = ${Math.floor(Date.now() / 86400000)} WHERE id = ${zw2.institutionId}`);
    const r2 = await fetchDoc(`/api/v1/filings/${zw2.filingId}/receipt.pdf`, 'city');
    assert.equal(r2.status, 200);
    const url2 = qrOf(save(r2.buf, 'pdf'));
    assert.notEqual(url2, url);
    const res = await srv.get(url2.slice(BASE.length));
    expectStatus(res, 200);
    assert.ok(res.text.includes('已注销/停业'));
    sql(srv.db, `UPDATE institutions SET state = 'filed', closed_on = NULL WHERE id = ${zw2.institutionId}`);
    expectStatus(await srv.get(p), 200);
  });

  test('the operator and officials see a download link on their filing pages', async () => {
    let res = await srv.get('/operator', { as: zw.operator });
    expectStatus(res, 200);
    assert.ok(res.text.includes(`/api/v1/filings/${zw.filingId}/receipt.pdf`), 'operator page lacks the link');
    res = await srv.get(`/dash/filings/${zw.filingId}`, { as: 'county_zhangwan' });
    expectStatus(res, 200);
    assert.ok(res.text.includes(`/api/v1/filings/${zw.filingId}/receipt.pdf`), 'officials page lacks the link');
  });
});

describe('monthly report', () => {
  const monthly = (as, q) => fetchDoc(`/api/v1/reports/monthly?${q}`, as);

  test('the city PDF renders and holds every district and the figures of the constructed case', async () => {
    const res = await monthly('city', `month=${MONTH}&format=pdf`);
    assert.equal(res.status, 200, res.buf.toString('utf8', 0, 300));
    assert.equal(res.type, 'application/pdf');
    assert.equal(res.buf.subarray(0, 5).toString('latin1'), '%PDF-');
    const f = save(res.buf, 'pdf');
    execFileSync('pdftoppm', ['-r', '50', '-png', f, f.replace(/\.pdf$/, '')]);
    const text = squeeze(pdfText(f));
    for (const d of ['茅箭区', '张湾区', '郧阳区', '郧西县', '竹山县', '竹溪县', '房县', '丹江口市', '十堰经济技术开发区', '武当山旅游经济特区'])
      assert.ok(text.includes(d), `lacks ${d}`);
    // Three filed institutions of 44 places each this month: 张湾区 88 places of 431,859 residents → 0.20 per
    // 1,000; 茅箭区 44 of 498,594 → 0.09.
    assert.ok(text.includes('十堰市已备案托育机构3家，托位132个'), text.slice(0, 400));
    assert.ok(text.includes('本月新备案3家'), 'approvals of the month');
    assert.ok(text.includes(`存量数据截至${cstDay(0)}`), 'the as-of day of the current month is today');
    assert.ok(text.includes('张湾区431859288') || text.includes('张湾区4318592880.20'), 'the 张湾区 row');
    assert.ok(text.includes('0.20') && text.includes('0.09'));
  });

  test('the XLSX holds four sheets, a row per district and typed cells', async () => {
    const res = await monthly('auditor', `month=${MONTH}&format=xlsx`);
    assert.equal(res.status, 200, res.buf.toString('utf8', 0, 300));
    assert.equal(res.type, 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    const f = save(res.buf, 'xlsx');
    const unzip = (member) => execFileSync('unzip', ['-p', f, member], { encoding: 'utf8' });
    const wb = unzip('xl/workbook.xml');
    for (const s of ['概况', '各县市区', '监督检查', '投诉与事件']) assert.ok(wb.includes(`name="${s}"`), `sheet ${s}`);
    const strings = unzip('xl/sharedStrings.xml');
    for (const d of ['茅箭区', '张湾区', '房县', '武当山旅游经济特区', '合计', '每千人口托位数']) assert.ok(strings.includes(d), d);
    const sheet2 = unzip('xl/worksheets/sheet2.xml');
    const rows = sheet2.match(/<row /g).length;
    assert.ok(rows >= 12, `${rows} rows`); // header + 10 districts + total (+ title)
    assert.ok(sheet2.includes('<v>88</v>') && sheet2.includes('<v>132</v>'), 'places as number cells');
  });

  test('a county official gets its own district only; other roles 403', async () => {
    const res = await monthly('county_zhangwan', `month=${MONTH}&format=pdf`);
    assert.equal(res.status, 200);
    const text = squeeze(pdfText(save(res.buf, 'pdf')));
    assert.ok(text.includes('张湾区托育服务月报'));
    assert.ok(!text.includes('茅箭区'), 'another district leaked');
    assert.ok(text.includes('张湾区已备案托育机构2家，托位88个'));
    for (const as of [zw.operator, 'inspector', 'registrar']) assert.equal((await monthly(as, `month=${MONTH}`)).status, 403, as);
  });

  test('a past month counts nothing of this month', async () => {
    const res = await monthly('city', 'month=2024-01&format=xlsx');
    assert.equal(res.status, 200);
    const f = save(res.buf, 'xlsx');
    const sheet2 = execFileSync('unzip', ['-p', f, 'xl/worksheets/sheet2.xml'], { encoding: 'utf8' });
    assert.ok(!sheet2.includes('<v>88</v>'));
  });

  test('bad months and formats are 422 naming the field', async () => {
    const [y, m] = MONTH.split('-').map(Number);
    const next = m === 12 ? `${y + 1}-01` : `${y}-${String(m + 1).padStart(2, '0')}`;
    for (const q of ['', 'month=', 'month=2026-13', 'month=2026-1', 'month=26-01', 'month=abcd-ef', `month=${next}`, 'month=1999-12']) {
      const res = await srv.get(`/api/v1/reports/monthly?${q}&format=pdf`, { as: 'city' });
      expectError(res, 422, 'validation_failed');
      assert.deepEqual(errorFields(res), ['month'], q);
    }
    const res = await srv.get('/api/v1/reports/monthly?month=2026-13&format=doc', { as: 'city' });
    expectError(res, 422, 'validation_failed');
    assert.deepEqual(errorFields(res).sort(), ['format', 'month']);
  });

  test('/dash/reports lists the last 12 months with PDF and XLSX links', async () => {
    const res = await srv.get('/dash/reports', { as: 'city' });
    expectStatus(res, 200);
    assert.equal(res.text.match(/format=pdf/g).length, 12);
    assert.equal(res.text.match(/format=xlsx/g).length, 12);
    assert.ok(res.text.includes(`month=${MONTH}&amp;format=pdf`));
    assert.deepEqual(tidyErrors(res.text), []);
    assert.equal((await srv.get('/dash/reports', { as: zw.operator })).status, 403);
  });
});
