// Test data and the workflow steps most scenarios start from: valid unified social credit codes,
// registration pushes, filing dossiers, real attachment files, and "register → file → approve".
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import { expectStatus, show } from './harness.mjs';

// ---- unified social credit code (GB 32100-2015) ----
const USCC_ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const USCC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

/** The check character of the first 17 characters of a USCC. */
export function usccCheckChar(first17) {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += USCC_ALPHABET.indexOf(first17[i]) * USCC_WEIGHTS[i];
  return USCC_ALPHABET[(31 - (sum % 31)) % 31];
}

/** A 9-character organisation code (GB 11714) with its own check character, from a serial number. */
function orgCode(serial) {
  const body = String(serial).padStart(8, '0');
  const w = [3, 7, 9, 10, 5, 8, 4, 2];
  let sum = 0;
  for (let i = 0; i < 8; i++) sum += Number(body[i]) * w[i];
  const c = 11 - (sum % 11);
  return body + (c === 10 ? 'X' : c === 11 ? '0' : String(c));
}

/** Registration-authority and type digits for each legal form: 91 company, 52 private non-enterprise unit,
 * 12 public institution. */
export const LEGAL_FORM_PREFIX = { enterprise: '91', social_org: '52', public_institution: '12' };

/** A valid USCC for a legal form and district; serial makes it unique. */
export function uscc(legalForm = 'enterprise', district = '420303', serial = nextSerial()) {
  const first17 = LEGAL_FORM_PREFIX[legalForm] + district + orgCode(serial);
  return first17 + usccCheckChar(first17);
}

/** The same code with a wrong check character. */
export function withBadCheckChar(code) {
  const good = code[17];
  const bad = USCC_ALPHABET[(USCC_ALPHABET.indexOf(good) + 1) % 31];
  return code.slice(0, 17) + bad;
}

let serialCounter = 10000000 + (process.pid % 1000) * 1000;
export function nextSerial() {
  return ++serialCounter;
}

export const DISTRICTS = {
  420302: '茅箭区',
  420303: '张湾区',
  420304: '郧阳区',
  420322: '郧西县',
  420323: '竹山县',
  420324: '竹溪县',
  420325: '房县',
  420381: '丹江口市',
  420391: '十堰经济技术开发区',
  420392: '武当山旅游经济特区',
};

/** A registration push that passes every check. */
export function registration(overrides = {}) {
  const serial = nextSerial();
  const district = overrides.district_code || '420303';
  const legalForm = overrides.legal_form || 'enterprise';
  return {
    uscc: uscc(legalForm, district, serial),
    name: `十堰市小星星托育服务有限公司${serial}`,
    legal_form: legalForm,
    district_code: district,
    address: `十堰市${DISTRICTS[district] || ''}北京路${serial % 1000}号`,
    business_scope: '3岁以下婴幼儿照护服务；托育服务',
    registered_on: '2024-03-15',
    authority: '十堰市市场监督管理局',
    ...overrides,
  };
}

/** Push a registration as the registrar; resolves { id, institution_id, body }. */
export async function register(srv, overrides = {}) {
  const body = registration(overrides);
  const res = await srv.post('/api/v1/registrations', body, { as: 'registrar' });
  expectStatus(res, 201);
  assert.ok(res.json.id && res.json.institution_id, `registration answer lacks ids: ${show(res)}`);
  return { ...res.json, body };
}

/**
 * A dossier that meets the national rules (托育机构设置标准（试行）): class sizes 乳儿班 ≤ 10, 托小班 ≤ 15,
 * 托大班 ≤ 20; ratios 1:3, 1:5, 1:7; room per child well above the minimum; health, security and kitchen staff.
 * 44 places.
 */
export function dossier(overrides = {}) {
  return {
    service_types: ['full_day'],
    inclusive: false,
    indoor_area_m2: 600,
    outdoor_area_m2: 240,
    classes: [
      { type: 'infant', capacity: 9, caregivers: 3 },
      { type: 'toddler', capacity: 15, caregivers: 3 },
      { type: 'older', capacity: 20, caregivers: 3 },
    ],
    staff_planned: { director: 1, caregiver: 9, health: 1, security: 1, cook: 2 },
    fees: [{ service_type: 'full_day', monthly_yuan: 2200 }],
    opening_hours: '周一至周五 7:30-18:00',
    location: { lat: 32.6293, lon: 110.7979 },
    ...overrides,
  };
}

// ---- attachments: real, minimal files ----
function minimalPdf() {
  const objs = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>',
  ];
  let out = '%PDF-1.4\n';
  const offsets = [];
  objs.forEach((o, i) => {
    offsets.push(out.length);
    out += `${i + 1} 0 obj\n${o}\nendobj\n`;
  });
  const xref = out.length;
  out += `xref\n0 ${objs.length + 1}\n0000000000 65535 f \n`;
  for (const off of offsets) out += `${String(off).padStart(10, '0')} 00000 n \n`;
  out += `trailer\n<< /Size ${objs.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(out, 'latin1');
}
export const FILES = {
  pdf: { type: 'application/pdf', data: minimalPdf() },
  // 8×8 images written by Chromium's encoders.
  png: {
    type: 'image/png',
    data: Buffer.from(
      'iVBORw0KGgoAAAANSUhEUgAAAAgAAAAICAIAAABLbSncAAAAIUlEQVR4nMzJMQ0AAAwCMLLMEf4dIAoD8NO3LxLJodgMAwAA//98gJAyAAAABklEQVQDAPalAUXVcTnAAAAAAElFTkSuQmCC',
      'base64'
    ),
  },
  jpeg: {
    type: 'image/jpeg',
    data: Buffer.from(
      '/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDABALDA4MChAODQ4SERATGCgaGBYWGDEjJR0oOjM9PDkzODdASFxOQERXRTc4UG1RV19iZ2hnPk1xeXBkeFxlZ2P/2wBDARESEhgVGC8aGi9jQjhCY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2P/wAARCAAIAAgDASIAAhEBAxEB/8QAFQABAQAAAAAAAAAAAAAAAAAAAAX/xAAUEAEAAAAAAAAAAAAAAAAAAAAA/8QAFQEBAQAAAAAAAAAAAAAAAAAABAb/xAAUEQEAAAAAAAAAAAAAAAAAAAAA/9oADAMBAAIRAxEAPwCeAGpH/9k=',
      'base64'
    ),
  },
};
export const sha256 = (buf) => crypto.createHash('sha256').update(buf).digest('hex');

/** The seven attachment kinds a filing needs before it can be approved. */
export const KINDS = [
  'filing_form',
  'commitment',
  'business_license',
  'premises_proof',
  'staff_qualifications',
  'health_evaluation',
  'fire_safety',
];

/** Upload one attachment as an account; resolves the response. */
export function attach(srv, filingId, kind, as, file = FILES.pdf) {
  return srv.req('POST', `/api/v1/filings/${filingId}/attachments?kind=${encodeURIComponent(kind)}`, {
    as,
    body: file.data,
    headers: { 'Content-Type': file.type },
  });
}

/** Upload the given kinds (default: all seven) and expect 201 for each. */
export async function attachAll(srv, filingId, as, kinds = KINDS) {
  for (const kind of kinds) expectStatus(await attach(srv, filingId, kind, as), 201);
}

let operatorCounter = 0;
/** A new operator account for an institution (CLI user add + token); resolves its username. */
export async function addOperator(srv, institutionId) {
  const name = `operator${++operatorCounter}_${institutionId}`;
  await srv.addUser(name, 'operator', { institution: institutionId });
  return name;
}

/** Submit a filing as the operator; expects 201 and resolves the answer. */
export async function submit(srv, institutionId, as, body = dossier()) {
  const res = await srv.post(`/api/v1/institutions/${institutionId}/filings`, body, { as });
  expectStatus(res, 201);
  return res.json;
}

/** Decide a filing as a county official; resolves the response. */
export function decide(srv, filingId, as, decision, reason) {
  const json = reason === undefined ? { decision } : { decision, reason };
  return srv.post(`/api/v1/filings/${filingId}/decision`, json, { as });
}

/**
 * The whole path to a filed institution: registration, operator account, a clean filing, seven attachments,
 * approval by the county official `county`. Resolves { institutionId, filingId, filingNumber, operator, reg }.
 */
export async function fileInstitution(srv, { county = 'county_zhangwan', reg = {}, filing = {} } = {}) {
  const r = await register(srv, reg);
  const operator = await addOperator(srv, r.institution_id);
  const f = await submit(srv, r.institution_id, operator, dossier(filing));
  await attachAll(srv, f.id, operator);
  const res = await decide(srv, f.id, county, 'approve');
  expectStatus(res, 200);
  assert.equal(res.json.status, 'approved', show(res));
  return { institutionId: r.institution_id, filingId: f.id, filingNumber: res.json.filing_number, operator, reg: r };
}

/** Every key name in a JSON value, at any depth. */
export function allKeys(v, out = new Set()) {
  if (Array.isArray(v)) v.forEach((x) => allKeys(x, out));
  else if (v && typeof v === 'object') {
    for (const [k, x] of Object.entries(v)) {
      out.add(k);
      allKeys(x, out);
    }
  }
  return out;
}

// ---- resident ID numbers (GB 11643), dates in China time, CSV and GBK for imports ----
const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];

/** The check character of the first 17 digits of a resident ID number: "10X98765432"[Σ wᵢdᵢ mod 11]. */
export function idCheckChar(first17) {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * ID_WEIGHTS[i];
  return '10X98765432'[sum % 11];
}

/**
 * A valid 18-character ID number: region (6 digits), birth date ('YYYY-MM-DD'), a 3-digit sequence number
 * (odd for men and boys, even for women and girls, as GB 11643 has it), and the check character.
 */
export function idNumber(birth, seq = 1, region = '420303') {
  const first17 = region + birth.replaceAll('-', '') + String(seq % 1000).padStart(3, '0');
  return first17 + idCheckChar(first17);
}

/** The same ID number with a wrong check character (still 18 characters, still a real birth date). */
export function withBadIdCheckChar(id) {
  const alphabet = '0123456789X';
  return id.slice(0, 17) + alphabet[(alphabet.indexOf(id[17]) + 1) % alphabet.length];
}

/** 'YYYY-MM-DD' of today minus n days, in China time (the server counts days in UTC+8). */
export function cstDay(n = 0) {
  return new Date(Date.now() + 8 * 3600e3 - n * 86400e3).toISOString().slice(0, 10);
}

/** CSV text (RFC 4180, CRLF) from rows of cells: cells with a comma, quote or line break are quoted. */
export function csvText(rows) {
  const cell = (v) => {
    const s = v === undefined || v === null ? '' : String(v);
    return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
  };
  return rows.map((r) => r.map(cell).join(',')).join('\r\n') + '\r\n';
}

/** text encoded as GBK, as Excel on a Chinese Windows saves "CSV" (through iconv(1); node has no GBK encoder). */
export function toGbk(text) {
  const out = execFileSync('iconv', ['-f', 'UTF-8', '-t', 'GBK'], { input: Buffer.from(text, 'utf8') });
  assert.ok(!out.equals(Buffer.from(text, 'utf8')) || /^[\x00-\x7f]*$/.test(text), 'iconv did not convert');
  return out;
}

/** A registered (not filed) institution with an operator account. Resolves { institutionId, operator }. */
export async function institutionWithOperator(srv, reg = {}) {
  const r = await register(srv, reg);
  const operator = await addOperator(srv, r.institution_id);
  return { institutionId: r.institution_id, operator };
}
