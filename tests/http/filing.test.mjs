// Filing (备案): findings against the national rules, approval refused while violations or attachments are
// missing, attachment checks, return and resubmission, approval, and what the public then sees.
import assert from 'node:assert/strict';
import test, { after, before } from 'node:test';
import { Server, errorFields, expectError, expectStatus, show } from './harness.mjs';
import {
  FILES,
  KINDS,
  addOperator,
  allKeys,
  attach,
  attachAll,
  decide,
  dossier,
  register,
  sha256,
  submit,
} from './fixtures.mjs';

let srv;
before(async () => {
  srv = await Server.start({ name: 'filing' });
});
after(async () => srv && srv.cleanup());

/** A registered 张湾区 institution with its own operator. */
async function institution(overrides = {}) {
  const r = await register(srv, { district_code: '420303', ...overrides });
  const operator = await addOperator(srv, r.institution_id);
  return { id: r.institution_id, operator, reg: r.body };
}

const violations = (findings) => findings.filter((f) => f.severity === 'violation');

test('a clean dossier is submitted (201) with no violations and every finding fully described', async () => {
  const inst = await institution();
  const f = await submit(srv, inst.id, inst.operator);
  assert.equal(f.status, 'submitted');
  assert.equal(f.version, 1);
  assert.ok(Array.isArray(f.findings), 'no findings array');
  assert.deepEqual(violations(f.findings), [], 'a dossier meeting the national rules has violations');
  for (const x of f.findings) {
    for (const k of ['rule', 'severity', 'message', 'clause']) assert.ok(x[k], `finding lacks ${k}: ${JSON.stringify(x)}`);
    assert.ok(['violation', 'warning'].includes(x.severity));
  }
  const got = await srv.get(`/api/v1/filings/${f.id}`, { as: 'county_zhangwan' });
  assert.equal(got.status, 200, show(got));
  assert.equal(got.json.status, 'submitted');
  assert.equal(got.json.version, 1);
  assert.ok(got.json.dossier, 'filing has no dossier');
  assert.deepEqual(got.json.dossier.classes, dossier().classes);
  assert.deepEqual(got.json.attachments, []);
  assert.match(String(got.json.due_on), /^\d{4}-\d{2}-\d{2}/, 'due_on is not a date');
});

test('a toddler class of 16 is a class_capacity violation, and approval is refused with filing_has_violations', async () => {
  const inst = await institution();
  const body = dossier({
    classes: [
      { type: 'infant', capacity: 9, caregivers: 3 },
      { type: 'toddler', capacity: 16, caregivers: 4 },
    ],
    staff_planned: { director: 1, caregiver: 7, health: 1, security: 1, cook: 1 },
  });
  const f = await submit(srv, inst.id, inst.operator, body);
  const cap = f.findings.find((x) => x.rule === 'class_capacity');
  assert.ok(cap, `no class_capacity finding: ${JSON.stringify(f.findings)}`);
  assert.equal(cap.severity, 'violation');
  assert.match(String(cap.field), /^classes\[1\]/, `class_capacity names field ${cap.field}`);
  // Every attachment is there, so only the violation stands in the way.
  await attachAll(srv, f.id, inst.operator);
  const res = await decide(srv, f.id, 'county_zhangwan', 'approve');
  expectError(res, 422, 'filing_has_violations');
  const still = await srv.get(`/api/v1/filings/${f.id}`, { as: 'county_zhangwan' });
  assert.equal(still.json.status, 'submitted');
  const i = await srv.get(`/api/v1/institutions/${inst.id}`, { as: 'county_zhangwan' });
  assert.equal(i.json.state, 'registered');
});

// Class sizes at and over the national limits (乳儿班 10, 托小班 15, 托大班 20, 混龄班 18).
const CAPACITY = [
  ['infant', 10, 4, false],
  ['infant', 11, 4, true],
  ['toddler', 15, 3, false],
  ['toddler', 16, 4, true],
  ['older', 20, 3, false],
  ['older', 21, 3, true],
  ['mixed', 18, 4, false],
  ['mixed', 19, 4, true],
];
test('class capacity limits: at the limit no violation, one over it a violation', async () => {
  const inst = await institution();
  for (const [type, capacity, caregivers, violates] of CAPACITY) {
    const body = dossier({
      classes: [{ type, capacity, caregivers }],
      staff_planned: { director: 1, caregiver: caregivers, health: 1, security: 1, cook: 1 },
    });
    const f = await submit(srv, inst.id, inst.operator, body);
    const hit = f.findings.some((x) => x.rule === 'class_capacity' && x.severity === 'violation');
    assert.equal(hit, violates, `${type} class of ${capacity}: ${JSON.stringify(f.findings)}`);
  }
});

test('too few caregivers for a class is a caregiver_ratio violation', async () => {
  const inst = await institution();
  const body = dossier({
    classes: [{ type: 'toddler', capacity: 15, caregivers: 1 }],
    staff_planned: { director: 1, caregiver: 1, health: 1, security: 1, cook: 1 },
  });
  const f = await submit(srv, inst.id, inst.operator, body);
  const ratio = f.findings.find((x) => x.rule === 'caregiver_ratio');
  assert.ok(ratio, `no caregiver_ratio finding: ${JSON.stringify(f.findings)}`);
  assert.equal(ratio.severity, 'violation');
});

test('a dossier with wrong shapes is 422 naming the fields, and nothing is filed', async () => {
  const inst = await institution();
  const bad = [
    [dossier({ classes: [{ type: 'adults', capacity: 10, caregivers: 2 }] }), /^classes/],
    [dossier({ classes: [{ type: 'toddler', capacity: -3, caregivers: 2 }] }), /^classes/],
    [dossier({ service_types: ['overnight'] }), /^service_types/],
    [dossier({ inclusive: 'yes' }), /^inclusive/],
    [dossier({ indoor_area_m2: 'big' }), /^indoor_area_m2/],
    [dossier({ fees: [{ service_type: 'full_day', monthly_yuan: -1 }] }), /^fees/],
    [dossier({ location: { lat: 'north', lon: 110.8 } }), /^location/],
    [{ ...dossier(), shoe_size: 42 }, /^shoe_size/],
  ];
  for (const [body, field] of bad) {
    const res = await srv.post(`/api/v1/institutions/${inst.id}/filings`, body, { as: inst.operator });
    expectError(res, 422, 'validation_failed');
    assert.ok(errorFields(res).some((f) => field.test(f)), `${field}: ${show(res)}`);
  }
  const list = await srv.get(`/api/v1/institutions/${inst.id}/filings`, { as: inst.operator });
  assert.deepEqual(list.json.items, [], 'a refused dossier left a filing behind');
});

test('attachments: real PDF, PNG and JPEG are accepted with size and sha256', async () => {
  const inst = await institution();
  const f = await submit(srv, inst.id, inst.operator);
  const uploads = [
    ['filing_form', FILES.pdf],
    ['premises_proof', FILES.png],
    ['business_license', FILES.jpeg],
  ];
  const made = [];
  for (const [kind, file] of uploads) {
    const res = await attach(srv, f.id, kind, inst.operator, file);
    assert.equal(res.status, 201, `${kind} ${file.type}: ${show(res)}`);
    assert.equal(res.json.kind, kind);
    assert.equal(res.json.media_type, file.type);
    assert.equal(res.json.size, file.data.length);
    assert.equal(res.json.sha256, sha256(file.data));
    assert.ok(res.json.id != null);
    made.push(res.json);
  }
  const got = await srv.get(`/api/v1/filings/${f.id}`, { as: inst.operator });
  const byId = Object.fromEntries(got.json.attachments.map((a) => [a.id, a]));
  for (const m of made) {
    assert.ok(byId[m.id], `attachment ${m.id} is not listed`);
    for (const k of ['kind', 'media_type', 'size', 'sha256']) assert.equal(byId[m.id][k], m[k], `listed ${k}`);
  }
});

test('attachments: a text file sent as PDF is 415, an unknown kind 422, over 10 MiB 413', async () => {
  const inst = await institution();
  const f = await submit(srv, inst.id, inst.operator);
  const text = { type: 'application/pdf', data: Buffer.from('这不是PDF文件 — just text named filing_form.pdf\n') };
  expectError(await attach(srv, f.id, 'filing_form', inst.operator, text), 415, 'unsupported_media_type');
  const html = { type: 'image/png', data: Buffer.from('<html><script>alert(1)</script></html>') };
  expectError(await attach(srv, f.id, 'premises_proof', inst.operator, html), 415, 'unsupported_media_type');
  const empty = { type: 'application/pdf', data: Buffer.alloc(0) };
  const e = await attach(srv, f.id, 'filing_form', inst.operator, empty);
  assert.ok([415, 422].includes(e.status), `empty file: ${show(e)}`);
  const kind = await attach(srv, f.id, 'passport_photo', inst.operator);
  expectError(kind, 422, 'validation_failed');
  assert.ok(errorFields(kind).includes('kind'), show(kind));
  const nokind = await srv.req('POST', `/api/v1/filings/${f.id}/attachments`, {
    as: inst.operator,
    body: FILES.pdf.data,
    headers: { 'Content-Type': 'application/pdf' },
  });
  expectError(nokind, 422, 'validation_failed');
  const big = Buffer.concat([FILES.pdf.data, Buffer.alloc(10 * 1024 * 1024 + 1, 0x20)]);
  const res = await srv.rawRequest('POST', `/api/v1/filings/${f.id}/attachments?kind=fire_safety`, {
    as: inst.operator,
    headers: { 'Content-Type': 'application/pdf', 'Content-Length': big.length },
    body: big,
    expectContinue: true,
  });
  assert.equal(res.status, 413, `${res.status} ${res.text.slice(0, 200)}`);
  const got = await srv.get(`/api/v1/filings/${f.id}`, { as: inst.operator });
  assert.deepEqual(got.json.attachments, [], 'a refused upload was kept');
});

test('approval is refused with filing_missing_attachments until all seven kinds are there', async () => {
  const inst = await institution();
  const f = await submit(srv, inst.id, inst.operator);
  assert.deepEqual(violations(f.findings), []);
  let res = await decide(srv, f.id, 'county_zhangwan', 'approve');
  expectError(res, 422, 'filing_missing_attachments');
  await attachAll(srv, f.id, inst.operator, KINDS.slice(0, 6));
  res = await decide(srv, f.id, 'county_zhangwan', 'approve');
  expectError(res, 422, 'filing_missing_attachments');
  // Two files of one kind do not make up for a missing kind.
  expectStatus(await attach(srv, f.id, KINDS[0], inst.operator, FILES.png), 201);
  res = await decide(srv, f.id, 'county_zhangwan', 'approve');
  expectError(res, 422, 'filing_missing_attachments');
  await attachAll(srv, f.id, inst.operator, KINDS.slice(6));
  res = await decide(srv, f.id, 'county_zhangwan', 'approve');
  assert.equal(res.status, 200, show(res));
});

test('a decision must be approve or return, and a return needs a reason', async () => {
  const inst = await institution();
  const f = await submit(srv, inst.id, inst.operator);
  for (const body of [{ decision: 'return' }, { decision: 'return', reason: '' }, { decision: 'return', reason: null }]) {
    const res = await srv.post(`/api/v1/filings/${f.id}/decision`, body, { as: 'county_zhangwan' });
    expectError(res, 422, 'validation_failed');
    assert.ok(errorFields(res).includes('reason'), `${JSON.stringify(body)}: ${show(res)}`);
  }
  const odd = await srv.post(`/api/v1/filings/${f.id}/decision`, { decision: 'maybe' }, { as: 'county_zhangwan' });
  expectError(odd, 422, 'validation_failed');
  assert.ok(errorFields(odd).includes('decision'), show(odd));
  const got = await srv.get(`/api/v1/filings/${f.id}`, { as: 'county_zhangwan' });
  assert.equal(got.json.status, 'submitted');
});

test('a return whose reason is only white space is refused like one without a reason', async () => {
  const inst = await institution();
  const f = await submit(srv, inst.id, inst.operator);
  const res = await decide(srv, f.id, 'county_zhangwan', 'return', ' \t\n　');
  expectError(res, 422, 'validation_failed');
  assert.ok(errorFields(res).includes('reason'), show(res));
});

test('return, resubmit, approve: versions, filing number, state filed, and the public listing', async () => {
  const inst = await institution({ name: '十堰市阳光宝贝托育中心有限公司', address: '十堰市张湾区车城路88号' });
  const v1 = await submit(srv, inst.id, inst.operator);
  await attachAll(srv, v1.id, inst.operator);

  let res = await decide(srv, v1.id, 'county_zhangwan', 'return', '消防验收材料不清晰，请重新上传');
  assert.equal(res.status, 200, show(res));
  assert.equal(res.json.status, 'returned');
  assert.ok(!res.json.filing_number, 'a returned filing got a number');
  // A returned filing cannot be decided again.
  expectError(await decide(srv, v1.id, 'county_zhangwan', 'approve'), 409, 'invalid_state');

  const v2 = await submit(srv, inst.id, inst.operator, dossier({ inclusive: true }));
  assert.equal(v2.version, 2, 'a resubmission is version 2');
  assert.equal(v2.status, 'submitted');
  const versions = await srv.get(`/api/v1/institutions/${inst.id}/filings`, { as: inst.operator });
  assert.equal(versions.status, 200, show(versions));
  const byVersion = Object.fromEntries(versions.json.items.map((x) => [x.version, x]));
  assert.equal(byVersion[1]?.status, 'returned', JSON.stringify(versions.json.items));
  assert.equal(byVersion[2]?.status, 'submitted', JSON.stringify(versions.json.items));

  await attachAll(srv, v2.id, inst.operator);
  res = await decide(srv, v2.id, 'county_zhangwan', 'approve');
  assert.equal(res.status, 200, show(res));
  assert.equal(res.json.status, 'approved');
  const number = res.json.filing_number;
  assert.ok(typeof number === 'string' && number.length > 0, `filing_number: ${show(res)}`);

  const i = await srv.get(`/api/v1/institutions/${inst.id}`, { as: 'city' });
  assert.equal(i.json.state, 'filed');
  assert.equal(i.json.filing_number, number);

  // Deciding again is refused, and so is a new filing for a filed institution.
  expectError(await decide(srv, v2.id, 'county_zhangwan', 'approve'), 409, 'invalid_state');
  expectError(await decide(srv, v2.id, 'county_zhangwan', 'return', '再退回'), 409, 'invalid_state');
  const again = await srv.post(`/api/v1/institutions/${inst.id}/filings`, dossier(), { as: inst.operator });
  expectError(again, 409, 'invalid_state');

  // The public sees it, without persons or attachments.
  const pub = await srv.get('/api/v1/public/institutions');
  assert.equal(pub.status, 200);
  const item = pub.json.items.find((x) => String(x.id) === String(inst.id));
  assert.ok(item, 'the filed institution is not in the public list');
  assert.equal(item.name, '十堰市阳光宝贝托育中心有限公司');
  assert.equal(item.filing_number, number);
  assert.equal(item.district_code, '420303');
  assert.equal(item.district_name, '张湾区');
  assert.equal(item.inclusive, true, 'the public sees version 1, not the approved version 2');
  assert.deepEqual(item.service_types, ['full_day']);
  assert.equal(item.fee_min_yuan, 2200);
  assert.equal(item.places, 44);

  const detail = await srv.get(`/api/v1/public/institutions/${inst.id}`);
  assert.equal(detail.status, 200, show(detail));
  assert.equal(detail.json.name, '十堰市阳光宝贝托育中心有限公司');
  assert.equal(detail.json.address, '十堰市张湾区车城路88号');
  assert.equal(detail.json.filing_number, number);
  assert.ok(detail.json.filed_on, 'no filed_on');
  assert.deepEqual(detail.json.fees, [{ service_type: 'full_day', monthly_yuan: 2200 }]);

  const attachmentsOfV2 = (await srv.get(`/api/v1/filings/${v2.id}`, { as: 'city' })).json.attachments;
  for (const res2 of [pub, detail]) {
    const keys = allKeys(res2.json);
    for (const k of ['attachments', 'sha256', 'media_type', 'staff_planned', 'history', 'username', 'user', 'password', 'operator', 'reason', 'dossier']) {
      assert.ok(!keys.has(k), `public answer has key ${k}`);
    }
    for (const a of attachmentsOfV2) assert.ok(!res2.text.includes(a.sha256), 'public answer leaks an attachment hash');
    assert.ok(!res2.text.includes(inst.operator), 'public answer names the operator account');
  }

  // And the public page of the institution shows it.
  const page = await srv.get(`/institutions/${inst.id}`);
  assert.equal(page.status, 200);
  assert.ok(page.text.includes('十堰市阳光宝贝托育中心有限公司'));
  assert.ok(page.text.includes(number), 'the public page does not show the filing number');
});

test('a registered but unfiled institution is invisible to the public (API and page 404)', async () => {
  const inst = await institution();
  await submit(srv, inst.id, inst.operator);
  expectError(await srv.get(`/api/v1/public/institutions/${inst.id}`), 404, 'not_found');
  const page = await srv.get(`/institutions/${inst.id}`);
  assert.equal(page.status, 404);
  const pub = await srv.get('/api/v1/public/institutions');
  assert.ok(!pub.json.items.some((x) => String(x.id) === String(inst.id)));
});

test('a new submission while one is pending supersedes it; deciding the old one is 409', async () => {
  const inst = await institution();
  const a = await submit(srv, inst.id, inst.operator);
  const b = await submit(srv, inst.id, inst.operator, dossier({ opening_hours: '周一至周六 7:00-19:00' }));
  assert.equal(b.version, a.version + 1);
  await attachAll(srv, a.id, inst.operator).catch(() => {}); // uploads to a superseded filing may be refused
  expectError(await decide(srv, a.id, 'county_zhangwan', 'approve'), 409, 'invalid_state');
  const queue = await srv.get('/api/v1/filings?status=submitted', { as: 'county_zhangwan' });
  const ids = queue.json.items.map((x) => String(x.id));
  assert.ok(ids.includes(String(b.id)), 'the new version is not in the queue');
  assert.ok(!ids.includes(String(a.id)), 'the superseded version is still in the queue');
});

test('the unfiled list holds institutions registered 30 or more days ago and not filed', async () => {
  const day = (daysAgo) => new Date(Date.now() + 8 * 3600e3 - daysAgo * 86400e3).toISOString().slice(0, 10);
  const old = await register(srv, { registered_on: day(45) });
  const recent = await register(srv, { registered_on: day(5) });
  const res = await srv.get('/api/v1/institutions/unfiled', { as: 'city' });
  assert.equal(res.status, 200, show(res));
  const ids = res.json.items.map((x) => String(x.id));
  assert.ok(ids.includes(String(old.institution_id)), 'registered 45 days ago, not filed, not listed');
  assert.ok(!ids.includes(String(recent.institution_id)), 'registered 5 days ago is listed as overdue');
  for (const x of res.json.items) assert.equal(x.state, 'registered', `a ${x.state} institution is listed as unfiled`);
  assert.ok(res.json.total >= res.json.items.length);
});

test('the review queue lists submitted filings only, with a total', async () => {
  const res = await srv.get('/api/v1/filings?status=submitted', { as: 'city' });
  assert.equal(res.status, 200);
  assert.ok(res.json.items.length > 0);
  for (const f of res.json.items) assert.equal(f.status, 'submitted');
  assert.equal(typeof res.json.total, 'number');
  const approved = await srv.get('/api/v1/filings?status=approved', { as: 'city' });
  assert.ok(approved.json.items.length >= 2);
  for (const f of approved.json.items) assert.equal(f.status, 'approved');
});

test('the dashboard counts institutions by state and district', async () => {
  const res = await srv.get('/api/v1/dashboard', { as: 'city' });
  assert.equal(res.status, 200, show(res));
  assert.ok(res.json.by_state.filed >= 2, JSON.stringify(res.json));
  assert.ok(res.json.by_state.registered >= 1, JSON.stringify(res.json));
  assert.ok(Array.isArray(res.json.by_district));
  assert.equal(typeof res.json.overdue, 'number');
  const list = await srv.get('/api/v1/institutions', { as: 'city' });
  const sum = Object.values(res.json.by_state).reduce((a, b) => a + b, 0);
  assert.equal(sum, list.json.total, 'by_state does not add up to the number of institutions');
});

test('the operator uploads attachments with the page form (multipart): kinds, types and the csrf field', async () => {
  const inst = await institution();
  const f = await submit(srv, inst.id, inst.operator, dossier());
  const page = await srv.get('/operator', { as: inst.operator });
  assert.equal(page.status, 200, show(page));
  assert.match(page.text, /<form[^>]*action="\/operator\/filing\/attachments"[^>]*enctype="multipart\/form-data"/);
  assert.match(page.text, /<input type="file" id="attachment_file" name="file" multiple/);
  const form = (fields, files) => {
    const fd = new FormData();
    for (const [k, v] of Object.entries(fields)) fd.append(k, v);
    for (const x of files) fd.append('file', new Blob([x.data], { type: x.type }), x.name);
    return fd;
  };
  const post = (fd, opts = { as: inst.operator }) => srv.req('POST', '/operator/filing/attachments', { ...opts, body: fd });
  const attachments = async () => (await srv.get(`/api/v1/filings/${f.id}`, { as: 'city' })).json.attachments;

  // Two files of one kind in one form.
  let res = await post(form({ filing_id: String(f.id), kind: 'fire_safety' }, [{ ...FILES.pdf, name: '消防.pdf' }, { ...FILES.png, name: '现场.png' }]));
  assert.equal(res.status, 303, show(res));
  assert.deepEqual((await attachments()).map((a) => a.kind), ['fire_safety', 'fire_safety']);

  // Not a PDF/JPEG/PNG: 415 on the page naming the file; nothing more stored.
  res = await post(form({ filing_id: String(f.id), kind: 'premises_proof' }, [{ type: 'text/plain', data: Buffer.from('<script>alert(1)</script>'), name: 'x.txt' }]));
  assert.equal(res.status, 415, show(res));
  assert.ok(res.text.includes('x.txt') && !res.text.includes('<script>alert'), 'the error names the file, escaped');
  // No kind, no file: 422 naming both.
  res = await post(form({ filing_id: String(f.id) }, []));
  assert.equal(res.status, 422, show(res));
  assert.ok(res.text.includes('<code>kind</code>') && res.text.includes('<code>file</code>'), show(res));
  assert.equal((await attachments()).length, 2);

  // Another institution's filing is not found.
  const other = await institution();
  const of = await submit(srv, other.id, other.operator, dossier());
  res = await post(form({ filing_id: String(of.id), kind: 'premises_proof' }, [{ ...FILES.pdf, name: 'a.pdf' }]));
  assert.equal(res.status, 404, show(res));

  // A cookie session needs the csrf field in the multipart body.
  const s = await srv.login(inst.operator);
  res = await post(form({ filing_id: String(f.id), kind: 'premises_proof' }, [{ ...FILES.pdf, name: 'a.pdf' }]), { cookie: s.cookie });
  assert.equal(res.status, 403, show(res));
  res = await post(form({ filing_id: String(f.id), kind: 'premises_proof', csrf: s.csrf }, [{ ...FILES.pdf, name: 'a.pdf' }]), { cookie: s.cookie });
  assert.equal(res.status, 303, show(res));
  assert.equal((await attachments()).length, 3);
  // Officials cannot use the operator's form.
  res = await post(form({ filing_id: String(f.id), kind: 'premises_proof' }, [{ ...FILES.pdf, name: 'a.pdf' }]), { as: 'county_zhangwan' });
  assert.equal(res.status, 403, show(res));
  assert.equal((await attachments()).length, 3);
});

test('the server stops on SIGTERM with exit code 0', async () => {
  await srv.stop();
});
