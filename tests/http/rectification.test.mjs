// Rectification (整改): an inspector orders a finding rectified with a deadline, the operator uploads evidence
// and answers, the inspector accepts or reopens; overdue orders escalate to the county and, after
// rect_escalate_city_days (15 by default), to the city — checked by restarting the server with a later clock.
// Every route: allowed roles, a wrong role (403), another territory (404) and 422s naming each bad field.
import assert from 'node:assert/strict';
import test, { after, before, describe } from 'node:test';
import { Server, errorFields, expectError, expectStatus, show, sql, tidyErrors } from './harness.mjs';
import { FILES, cstDay, fileInstitution, sha256 } from './fixtures.mjs';

let srv;
let zw; // a filed 张湾区 institution { institutionId, operator }
let mj; // a filed 茅箭区 institution

const users = {
  inspector_fire: ['inspector', '420303', 'fire'],
  inspector_maojian: ['inspector', '420302', 'health'],
};

/** A day N days from today in China time, 'YYYY-MM-DD'. */
const inDays = (n) => cstDay(-n);

/**
 * A finding at an institution, made by an inspection of `as` (an inspector: the finding belongs to its
 * department): planned and recorded through the inspection API. Resolves the finding's id.
 */
async function finding(inst, as = 'inspector', { severity = 'high', description = '晨检记录缺失' } = {}) {
  const plan = await srv.post(`/api/v1/institutions/${inst.institutionId}/inspections`, { kind: 'routine' }, { as });
  expectStatus(plan, 201);
  const inspection = (await srv.get(`/api/v1/inspections/${plan.json.id}`, { as })).json;
  const tmpl = await srv.get(`/api/v1/checklist-templates/${inspection.template_id}`, { as });
  expectStatus(tmpl, 200);
  const [first, ...rest] = tmpl.json.items;
  const res = await srv.post(
    `/api/v1/inspections/${plan.json.id}/results`,
    {
      inspected_on: cstDay(0),
      items: [{ code: first.code, result: 'fail' }, ...rest.map((i) => ({ code: i.code, result: 'pass' }))],
      findings: [{ item_code: first.code, severity, clause: first.clause, description }],
    },
    { as },
  );
  expectStatus(res, [200, 201]);
  const done = await srv.get(`/api/v1/inspections/${plan.json.id}`, { as });
  assert.equal(done.json.findings.length, 1, show(done));
  return done.json.findings[0].id;
}

const order = (findingId, as, body = { deadline_on: inDays(20), requirement: '完善晨检制度，补齐晨检记录。' }) =>
  srv.post(`/api/v1/findings/${findingId}/rectification`, body, { as });

const upload = (id, as, file = FILES.pdf, filename = '整改报告.pdf') =>
  srv.req('POST', `/api/v1/rectifications/${id}/evidence?filename=${encodeURIComponent(filename)}`, {
    as,
    body: file.data,
    headers: { 'Content-Type': file.type },
  });

const answer = (id, as, body = { text: '已补齐晨检记录并组织全员培训。' }) =>
  srv.post(`/api/v1/rectifications/${id}/answer`, body, { as });

const verify = (id, as, body) => srv.post(`/api/v1/rectifications/${id}/verify`, body, { as });

const get = async (id, as = 'city') => {
  const res = await srv.get(`/api/v1/rectifications/${id}`, { as });
  assert.equal(res.status, 200, show(res));
  return res.json;
};

/** A new open order on a new finding of the 张湾区 institution; resolves the order. */
async function openOrder(as = 'inspector', body) {
  const res = await order(await finding(zw, as === 'county_zhangwan' ? 'inspector' : as), as, body);
  assert.equal(res.status, 201, show(res));
  return res.json;
}

before(async () => {
  srv = await Server.start({ name: 'rectification', users });
  zw = await fileInstitution(srv);
  mj = await fileInstitution(srv, { county: 'county_maojian', reg: { district_code: '420302' } });
});
after(async () => {
  delete process.env.TUOYU_FAKE_NOW;
  if (srv) await srv.cleanup();
});

describe('ordering rectification', () => {
  test('the inspector of the finding’s department orders it, once', async () => {
    const f = await finding(zw);
    const res = await order(f, 'inspector');
    assert.equal(res.status, 201, show(res));
    const o = res.json;
    assert.equal(o.status, 'open');
    assert.equal(o.finding.id, f);
    assert.equal(o.institution_id, zw.institutionId);
    assert.equal(o.deadline_on, inDays(20));
    assert.equal(o.overdue, false);
    assert.equal(o.level, 'none');
    assert.equal(o.reopened, 0);
    assert.equal(o.closed_on, null);
    const again = await order(f, 'county_zhangwan');
    expectError(again, 409, 'invalid_state');
    const full = await get(o.id, 'inspector');
    assert.deepEqual(full.events.map((e) => e.event), ['order']);
    assert.equal(full.events[0].deadline_on, inDays(20));
  });

  test('the county official orders any finding of the district; the city, operators and auditors cannot', async () => {
    const f = await finding(zw, 'inspector_fire');
    for (const as of ['city', 'admin', 'auditor', zw.operator]) expectError(await order(f, as), 403, 'forbidden');
    const res = await order(f, 'county_zhangwan');
    assert.equal(res.status, 201, show(res));
  });

  test('an inspector of another department may not order; another district does not see the finding', async () => {
    const f = await finding(zw, 'inspector_fire');
    expectError(await order(f, 'inspector'), 403, 'forbidden');
    expectError(await order(f, 'county_maojian'), 404, 'not_found');
    expectError(await order(f, 'inspector_maojian'), 404, 'not_found');
    expectError(await order(999999, 'inspector'), 404, 'not_found');
    assert.equal((await order(f, 'inspector_fire')).status, 201);
  });

  test('a bad order names every bad field', async () => {
    const f = await finding(zw);
    let res = await order(f, 'inspector', {});
    expectError(res, 422, 'validation_failed');
    assert.deepEqual(errorFields(res).sort(), ['deadline_on', 'requirement']);
    res = await order(f, 'inspector', { deadline_on: cstDay(0), requirement: '', extra: 1 });
    expectError(res, 422, 'validation_failed');
    assert.deepEqual(errorFields(res).sort(), ['deadline_on', 'extra', 'requirement']);
    res = await order(f, 'inspector', { deadline_on: inDays(181), requirement: 'x'.repeat(2001) });
    assert.deepEqual(errorFields(res).sort(), ['deadline_on', 'requirement']);
    res = await order(f, 'inspector', { deadline_on: '2026-02-30', requirement: '   ' });
    assert.deepEqual(errorFields(res).sort(), ['deadline_on', 'requirement']);
    res = await order(f, 'inspector', { deadline_on: inDays(10), requirement: ' \u3000 ' });
    assert.deepEqual(errorFields(res), ['requirement']);
    res = await srv.req('POST', `/api/v1/findings/${f}/rectification`, { as: 'inspector', body: '{"deadline_on":', headers: { 'Content-Type': 'application/json' } });
    expectError(res, 400, 'malformed_json');
    // The boundaries themselves are accepted.
    assert.equal((await order(f, 'inspector', { deadline_on: inDays(180), requirement: '整改' })).status, 201);
  });
});

describe('reading', () => {
  let zwOrder;
  let mjOrder;
  before(async () => {
    zwOrder = await openOrder();
    const r = await order(await finding(mj, 'inspector_maojian'), 'inspector_maojian');
    assert.equal(r.status, 201, show(r));
    mjOrder = r.json;
  });

  test('officials and inspectors list their territory; the city, admin and auditor all', async () => {
    const ids = async (as, q = '') => {
      const res = await srv.get(`/api/v1/rectifications${q}`, { as });
      assert.equal(res.status, 200, show(res));
      return res.json.items.map((o) => o.id);
    };
    for (const as of ['city', 'admin', 'auditor']) {
      const all = await ids(as);
      assert.ok(all.includes(zwOrder.id) && all.includes(mjOrder.id), as);
    }
    for (const as of ['county_zhangwan', 'inspector', 'inspector_fire']) {
      const mine = await ids(as);
      assert.ok(mine.includes(zwOrder.id) && !mine.includes(mjOrder.id), as);
      assert.ok(!(await ids(as, '?district=420302')).includes(mjOrder.id), `${as} asked for another district`);
    }
    const maojian = await ids('county_maojian');
    assert.ok(maojian.includes(mjOrder.id) && !maojian.includes(zwOrder.id));
    assert.deepEqual(await ids('city', `?institution=${mj.institutionId}`), [mjOrder.id]);
    assert.ok((await ids('city', '?district=420302')).every((id) => id !== zwOrder.id));
    expectError(await srv.get('/api/v1/rectifications', { as: zw.operator }), 403, 'forbidden');
    expectError(await srv.get('/api/v1/rectifications', { as: 'registrar' }), 403, 'forbidden');
  });

  test('bad list filters are named', async () => {
    const res = await srv.get('/api/v1/rectifications?status=closed&overdue=yes&level=province&institution=x&district=999999&page=0', { as: 'city' });
    expectError(res, 422, 'validation_failed');
    assert.deepEqual(errorFields(res).sort(), ['district', 'institution', 'level', 'overdue', 'page', 'status']);
  });

  test('one order: the operator sees its own, other territories get 404', async () => {
    const o = await get(zwOrder.id, zw.operator);
    assert.equal(o.id, zwOrder.id);
    assert.ok(Array.isArray(o.events) && Array.isArray(o.evidence));
    for (const as of ['county_maojian', 'inspector_maojian', mj.operator]) {
      expectError(await srv.get(`/api/v1/rectifications/${zwOrder.id}`, { as }), 404, 'not_found');
    }
    expectError(await srv.get('/api/v1/rectifications/999999', { as: 'city' }), 404, 'not_found');
    expectError(await srv.get(`/api/v1/rectifications/${zwOrder.id}`, { as: 'registrar' }), 403, 'forbidden');
  });

  test('an institution’s orders: its operator and officials in territory', async () => {
    const list = async (inst, as) => srv.get(`/api/v1/institutions/${inst.institutionId}/rectifications`, { as });
    for (const as of [zw.operator, 'county_zhangwan', 'city', 'inspector']) {
      const res = await list(zw, as);
      assert.equal(res.status, 200, `${as}: ${show(res)}`);
      assert.ok(res.json.items.every((o) => o.institution_id === zw.institutionId));
      assert.ok(res.json.items.some((o) => o.id === zwOrder.id));
    }
    for (const as of [mj.operator, 'county_maojian', 'inspector_maojian']) expectError(await list(zw, as), 404, 'not_found');
    expectError(await list({ institutionId: 999999 }, 'city'), 404, 'not_found');
  });
});

describe('evidence', () => {
  let o;
  before(async () => {
    o = await openOrder();
  });

  test('the operator uploads PDF, JPEG and PNG, judged by their bytes; anything else is 415', async () => {
    const pdf = await upload(o.id, zw.operator);
    assert.equal(pdf.status, 201, show(pdf));
    assert.equal(pdf.json.media_type, 'application/pdf');
    assert.equal(pdf.json.filename, '整改报告.pdf');
    assert.equal(pdf.json.sha256, sha256(FILES.pdf.data));
    assert.equal(pdf.json.event_id, null);
    assert.equal((await upload(o.id, zw.operator, FILES.jpeg, 'photo.jpg')).json.media_type, 'image/jpeg');
    // The declared type does not matter: a PNG sent as a PDF is a PNG.
    const png = await upload(o.id, zw.operator, { type: 'application/pdf', data: FILES.png.data }, '../../x/现场.png');
    assert.equal(png.json.media_type, 'image/png');
    assert.equal(png.json.filename, '现场.png');
    expectError(await upload(o.id, zw.operator, { type: 'application/pdf', data: Buffer.from('not a pdf at all') }), 415, 'unsupported_media_type');
    expectError(await upload(o.id, zw.operator, { type: 'text/html', data: Buffer.from('<html><script>1</script>') }), 415, 'unsupported_media_type');
    const empty = await upload(o.id, zw.operator, { type: 'application/pdf', data: Buffer.alloc(0) });
    expectError(empty, 422, 'validation_failed');
    assert.deepEqual(errorFields(empty), ['body']);
  });

  test('only the order’s operator uploads', async () => {
    expectError(await upload(o.id, mj.operator), 404, 'not_found');
    for (const as of ['inspector', 'county_zhangwan', 'city']) expectError(await upload(o.id, as), 403, 'forbidden');
    expectError(await upload(999999, zw.operator), 404, 'not_found');
  });

  test('download: the operator and officials in territory get the same bytes; others 404', async () => {
    const up = await upload(o.id, zw.operator, FILES.png, 'before.png');
    for (const as of [zw.operator, 'inspector', 'county_zhangwan', 'city', 'auditor']) {
      const res = await fetch(`${srv.base}/api/v1/rectifications/${o.id}/evidence/${up.json.id}`, {
        headers: { Authorization: `Bearer ${srv.tokens[as]}` },
      });
      assert.equal(res.status, 200, as);
      assert.equal(res.headers.get('content-type'), 'image/png');
      assert.match(res.headers.get('content-disposition'), /^attachment;/);
      assert.ok(Buffer.from(await res.arrayBuffer()).equals(FILES.png.data), `${as} got other bytes`);
    }
    for (const as of [mj.operator, 'county_maojian', 'inspector_maojian']) {
      expectError(await srv.get(`/api/v1/rectifications/${o.id}/evidence/${up.json.id}`, { as }), 404, 'not_found');
    }
    const other = await openOrder();
    expectError(await srv.get(`/api/v1/rectifications/${other.id}/evidence/${up.json.id}`, { as: 'city' }), 404, 'not_found');
    expectError(await srv.get(`/api/v1/rectifications/${o.id}/evidence/999999`, { as: 'city' }), 404, 'not_found');
    const listed = await get(o.id);
    assert.ok(listed.evidence.some((e) => e.id === up.json.id && e.filename === 'before.png' && e.size === FILES.png.data.length));
  });
});

describe('answer and verification', () => {
  test('the workflow: answer, reopen with a reason and a new deadline, answer again, accept', async () => {
    const o = await openOrder();
    const ev = await upload(o.id, zw.operator);
    let res = await answer(o.id, zw.operator, { text: '已整改，附整改报告。', evidence_ids: [ev.json.id], version: o.version });
    assert.equal(res.status, 200, show(res));
    assert.equal(res.json.status, 'answered');
    let full = await get(o.id);
    const answerEvent = full.events.find((e) => e.event === 'answer');
    assert.ok(answerEvent);
    assert.equal(full.evidence.find((e) => e.id === ev.json.id).event_id, answerEvent.id);
    expectError(await answer(o.id, zw.operator), 409, 'invalid_state');
    expectError(await upload(o.id, zw.operator), 409, 'invalid_state');

    res = await verify(o.id, 'inspector', { decision: 'reopen', text: '缺少培训签到表。', deadline_on: inDays(10) });
    assert.equal(res.status, 200, show(res));
    assert.equal(res.json.status, 'open');
    assert.equal(res.json.reopened, 1);
    assert.equal(res.json.deadline_on, inDays(10));
    expectError(await verify(o.id, 'inspector', { decision: 'accept' }), 409, 'invalid_state');

    // Evidence of the earlier answer cannot be handed in again; a new upload can.
    res = await answer(o.id, zw.operator, { text: '补充签到表。', evidence_ids: [ev.json.id] });
    expectError(res, 422, 'validation_failed');
    assert.deepEqual(errorFields(res), ['evidence_ids[0]']);
    const ev2 = await upload(o.id, zw.operator, FILES.jpeg, '签到表.jpg');
    res = await answer(o.id, zw.operator, { text: '补充签到表。', evidence_ids: [ev2.json.id] });
    assert.equal(res.status, 200, show(res));

    res = await verify(o.id, 'county_zhangwan', { decision: 'accept', text: '整改到位。' });
    assert.equal(res.status, 200, show(res));
    assert.equal(res.json.status, 'accepted');
    assert.equal(res.json.closed_on, cstDay(0));
    assert.equal(res.json.overdue, false);
    full = await get(o.id, zw.operator);
    assert.deepEqual(full.events.map((e) => e.event), ['order', 'answer', 'reopen', 'answer', 'accept']);
    assert.equal(full.events[2].text, '缺少培训签到表。');
    assert.equal(full.events[2].deadline_on, inDays(10));
    // Nothing leaves accepted.
    expectError(await verify(o.id, 'inspector', { decision: 'accept' }), 409, 'invalid_state');
    expectError(await verify(o.id, 'inspector', { decision: 'reopen', text: '再查', deadline_on: inDays(5) }), 409, 'invalid_state');
    expectError(await answer(o.id, zw.operator), 409, 'invalid_state');
    expectError(await upload(o.id, zw.operator), 409, 'invalid_state');
  });

  test('answers: only the operator, of its own order, with text and its own fresh evidence', async () => {
    const o = await openOrder();
    const other = await openOrder();
    const theirs = await upload(other.id, zw.operator);
    let res = await answer(o.id, zw.operator, { text: '', evidence_ids: [theirs.json.id, 0, 'x'], extra: true });
    expectError(res, 422, 'validation_failed');
    assert.deepEqual(errorFields(res).sort(), ['evidence_ids[1]', 'evidence_ids[2]', 'extra', 'text']);
    res = await answer(o.id, zw.operator, { text: '已整改', evidence_ids: [theirs.json.id] });
    assert.deepEqual(errorFields(res), ['evidence_ids[0]']);
    const mine = await upload(o.id, zw.operator);
    res = await answer(o.id, zw.operator, { text: '已整改', evidence_ids: [mine.json.id, mine.json.id] });
    assert.deepEqual(errorFields(res), ['evidence_ids[1]']);
    expectError(await answer(o.id, mj.operator), 404, 'not_found');
    for (const as of ['inspector', 'county_zhangwan', 'city', 'auditor']) expectError(await answer(o.id, as), 403, 'forbidden');
    expectError(await answer(o.id, zw.operator, { text: '已整改', version: o.version + 1 }), 409, 'version_conflict');
    assert.equal((await answer(o.id, zw.operator, { text: '已整改' })).status, 200);
    assert.equal((await get(o.id)).status, 'answered');
  });

  test('verification: inspectors of the department and the county of the district; 422s name each field', async () => {
    const o = await openOrder();
    expectError(await verify(o.id, 'inspector', { decision: 'accept' }), 409, 'invalid_state');
    assert.equal((await answer(o.id, zw.operator)).status, 200);
    for (const as of [zw.operator, 'city', 'admin', 'auditor']) expectError(await verify(o.id, as, { decision: 'accept' }), 403, 'forbidden');
    expectError(await verify(o.id, 'inspector_fire', { decision: 'accept' }), 403, 'forbidden');
    for (const as of ['county_maojian', 'inspector_maojian']) expectError(await verify(o.id, as, { decision: 'accept' }), 404, 'not_found');

    let res = await verify(o.id, 'inspector', { decision: 'reopen' });
    expectError(res, 422, 'validation_failed');
    assert.deepEqual(errorFields(res).sort(), ['deadline_on', 'text']);
    res = await verify(o.id, 'inspector', { decision: 'reopen', text: '  ', deadline_on: cstDay(1) });
    assert.deepEqual(errorFields(res).sort(), ['deadline_on', 'text']);
    res = await verify(o.id, 'inspector', { decision: 'close', deadline_on: 'soon', other: 1 });
    assert.deepEqual(errorFields(res).sort(), ['deadline_on', 'decision', 'other']);
    res = await verify(o.id, 'inspector', { decision: 'reopen', text: '理由', deadline_on: inDays(181) });
    assert.deepEqual(errorFields(res), ['deadline_on']);
    const cur = await get(o.id);
    expectError(await verify(o.id, 'inspector', { decision: 'accept', version: cur.version - 1 }), 409, 'version_conflict');
    res = await verify(o.id, 'inspector', { decision: 'accept', version: cur.version });
    assert.equal(res.status, 200, show(res));
  });

  test('every move is in the audit log', async () => {
    const o = await openOrder();
    await upload(o.id, zw.operator);
    await answer(o.id, zw.operator);
    await verify(o.id, 'inspector', { decision: 'accept' });
    const actions = sql(srv.db, `SELECT action FROM audit_log WHERE entity = 'rectification' AND entity_id = ${o.id} ORDER BY seq`)
      .split('\n');
    assert.deepEqual(actions, ['rectification.order', 'rectification.evidence', 'rectification.answer', 'rectification.accept']);
  });
});

describe('pages', () => {
  const form = (as, path, fields) =>
    srv.req('POST', path, {
      as,
      body: new URLSearchParams(fields).toString(),
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    });

  test('the operator reads its orders and answers with the form', async () => {
    const o = await openOrder();
    await upload(o.id, zw.operator, FILES.png, '现场照片.png');
    let res = await srv.get('/operator/rectifications', { as: zw.operator });
    assert.equal(res.status, 200, show(res));
    assert.deepEqual(tidyErrors(res.text), []);
    assert.ok(res.text.includes('整改情况说明') && res.text.includes('提交整改答复'));
    assert.ok(res.text.includes('现场照片.png'));
    assert.ok(res.text.includes(`action="/operator/rectifications/${o.id}/answer"`));
    res = await form(zw.operator, `/operator/rectifications/${o.id}/answer`, { text: '   ' });
    assert.equal(res.status, 422);
    assert.deepEqual(tidyErrors(res.text), []);
    const ev = (await get(o.id)).evidence[0].id;
    res = await form(zw.operator, `/operator/rectifications/${o.id}/answer`, { text: '已整改。', evidence_ids: String(ev) });
    assert.equal(res.status, 303, show(res));
    const after = await get(o.id);
    assert.equal(after.status, 'answered');
    assert.ok(after.evidence[0].event_id, 'the checked evidence was not handed in');
    res = await form(mj.operator, `/operator/rectifications/${o.id}/answer`, { text: '冒充' });
    assert.equal(res.status, 404);
  });

  test('officials list with escalation, open an order and verify it with the form', async () => {
    const o = await openOrder();
    await answer(o.id, zw.operator);
    let res = await srv.get('/dash/rectifications?status=answered', { as: 'county_zhangwan' });
    assert.equal(res.status, 200, show(res));
    assert.deepEqual(tidyErrors(res.text), []);
    assert.ok(res.text.includes(`/dash/rectifications/${o.id}`));
    assert.equal((await srv.get('/dash/rectifications?level=province', { as: 'city' })).status, 422);
    res = await srv.get(`/dash/rectifications/${o.id}`, { as: 'inspector' });
    assert.equal(res.status, 200);
    assert.deepEqual(tidyErrors(res.text), []);
    assert.ok(res.text.includes('验收通过') && res.text.includes('退回重新整改'));
    assert.equal((await srv.get(`/dash/rectifications/${o.id}`, { as: 'county_maojian' })).status, 404);
    assert.ok(!(await srv.get(`/dash/rectifications/${o.id}`, { as: 'city' })).text.includes('验收通过'), 'the city sees the verify form');
    res = await form('inspector', `/dash/rectifications/${o.id}/verify`, { decision: 'reopen', text: '' });
    assert.equal(res.status, 422);
    assert.deepEqual(tidyErrors(res.text), []);
    res = await form('inspector', `/dash/rectifications/${o.id}/verify`, { decision: 'reopen', text: '照片不清晰', deadline_on: inDays(7) });
    assert.equal(res.status, 303, show(res));
    assert.equal((await get(o.id)).status, 'open');
  });

  test('the order form of a finding', async () => {
    const f = await finding(zw);
    let res = await srv.get(`/dash/rectifications/new?finding=${f}`, { as: 'inspector' });
    assert.equal(res.status, 200, show(res));
    assert.deepEqual(tidyErrors(res.text), []);
    assert.ok(res.text.includes('下达整改通知'));
    assert.equal((await srv.get(`/dash/rectifications/new?finding=${f}`, { as: 'inspector_maojian' })).status, 404);
    assert.equal((await srv.get(`/dash/rectifications/new?finding=${f}`, { as: 'city' })).status, 403);
    res = await form('inspector', '/dash/rectifications/new', { finding: String(f), deadline_on: cstDay(0), requirement: '' });
    assert.equal(res.status, 422);
    assert.deepEqual(tidyErrors(res.text), []);
    res = await form('inspector', '/dash/rectifications/new', { finding: String(f), deadline_on: inDays(30), requirement: '限期整改' });
    assert.equal(res.status, 303, show(res));
    const id = Number(res.headers.get('location').split('/').pop());
    assert.equal((await get(id)).finding.id, f);
  });
});

describe('overdue escalation with the clock', () => {
  test('an order turns overdue at county level after its deadline and at city level after 15 more days', async () => {
    const late = await openOrder('inspector', { deadline_on: inDays(1), requirement: '立即整改' });
    const answered = await openOrder('inspector', { deadline_on: inDays(1), requirement: '立即整改' });
    await answer(answered.id, zw.operator);
    const accepted = await openOrder('inspector', { deadline_on: inDays(1), requirement: '立即整改' });
    await answer(accepted.id, zw.operator);
    assert.equal((await verify(accepted.id, 'inspector', { decision: 'accept' })).status, 200);
    const onTime = await openOrder('inspector', { deadline_on: inDays(60), requirement: '整改' });

    const at = async (days) => {
      await srv.stop();
      process.env.TUOYU_FAKE_NOW = String(Math.floor(Date.now() / 1000) + days * 86400);
      try {
        await srv.launch();
      } finally {
        delete process.env.TUOYU_FAKE_NOW;
      }
    };
    const level = async (id) => (await get(id)).level;
    const listed = async (q, as = 'city') => (await srv.get(`/api/v1/rectifications?${q}`, { as })).json.items.map((o) => o.id);

    assert.equal(await level(late.id), 'none');
    assert.ok(!(await listed('overdue=1')).includes(late.id));

    await at(1); // the deadline day itself: still in time
    assert.equal(await level(late.id), 'none');

    await at(2); // one day late: the county
    let o = await get(late.id);
    assert.equal(o.overdue, true);
    assert.equal(o.days_overdue, 1);
    assert.equal(o.level, 'county');
    assert.equal(await level(answered.id), 'county', 'an answer does not stop the clock until it is accepted');
    assert.equal(await level(accepted.id), 'none');
    assert.equal(await level(onTime.id), 'none');
    assert.ok((await listed('overdue=1')).includes(late.id));
    assert.ok((await listed('level=county', 'county_zhangwan')).includes(late.id));
    assert.ok(!(await listed('level=city')).includes(late.id));
    assert.ok(!(await listed('overdue=1')).includes(accepted.id));
    assert.ok(!(await listed('overdue=1', 'county_maojian')).includes(late.id));
    let page = await srv.get('/dash/rectifications?overdue=1', { as: 'county_zhangwan' });
    assert.ok(page.text.includes('县级督办'), 'the county page does not show the county level');

    await at(16); // 15 days late: still the county
    assert.equal(await level(late.id), 'county');

    await at(17); // 16 days late: the city
    o = await get(late.id);
    assert.equal(o.level, 'city');
    assert.equal(o.days_overdue, 16);
    assert.ok((await listed('level=city')).includes(late.id));
    assert.ok(!(await listed('level=county')).includes(late.id));
    page = await srv.get('/dash/rectifications?level=city', { as: 'city' });
    assert.ok(page.text.includes('市级督办') && page.text.includes(`/dash/rectifications/${late.id}`));

    // The threshold is a setting: at 30 days the same order is back at county level.
    sql(srv.db, "INSERT INTO settings (key, value) VALUES ('rect_escalate_city_days', '30')");
    assert.equal(await level(late.id), 'county');
    sql(srv.db, "DELETE FROM settings WHERE key = 'rect_escalate_city_days'");

    // Accepting an overdue order ends its escalation.
    await answer(late.id, zw.operator);
    assert.equal((await verify(late.id, 'county_zhangwan', { decision: 'accept' })).status, 200);
    assert.equal(await level(late.id), 'none');

    await at(0);
  });
});

describe('the answer form with file inputs (multipart/form-data)', () => {
  const page = (id) => `/operator/rectifications/${id}/answer`;
  /** A FormData answer: text, then each file as an "evidence" part, then extra fields. */
  const multipart = (files, fields = { text: '已补齐晨检记录，附现场照片和整改报告。' }) => {
    const fd = new FormData();
    for (const [k, v] of Object.entries(fields)) fd.append(k, v);
    for (const f of files) fd.append('evidence', new Blob([f.data], { type: f.type }), f.name);
    return fd;
  };
  const post = (id, fd, opts = { as: zw.operator }) => srv.req('POST', page(id), { ...opts, body: fd });
  /** A hand-written multipart body (CRLF line ends) with the given Content-Type boundary. */
  const raw = (id, body, boundary = 'XyZ') =>
    srv.req('POST', page(id), {
      as: zw.operator,
      body: Buffer.isBuffer(body) ? body : Buffer.from(body, 'latin1'),
      headers: { 'Content-Type': `multipart/form-data; boundary=${boundary}` },
    });

  test('the page offers a file input inside a multipart form', async () => {
    const o = await openOrder();
    const res = await srv.get('/operator/rectifications', { as: zw.operator });
    assert.equal(res.status, 200, show(res));
    assert.deepEqual(tidyErrors(res.text), []);
    const form = res.text.slice(res.text.indexOf(`action="${page(o.id)}"`) - 120);
    assert.match(form, /<form[^>]*enctype="multipart\/form-data"[^>]*action="\/operator\/rectifications\/\d+\/answer"/);
    assert.ok(form.includes('<input type="file" name="evidence" multiple accept="application/pdf,image/jpeg,image/png"'));
    assert.ok(res.text.includes(`<label for="evidence-${o.id}">整改佐证材料（PDF、JPG、PNG）</label>`));
    assert.ok(form.includes('提交整改答复'));
  });

  test('a multipart answer with a PNG and a PDF stores both and hands them in', async () => {
    const o = await openOrder();
    const earlier = await upload(o.id, zw.operator, FILES.jpeg, '之前上传.jpg');
    expectStatus(earlier, 201);
    const fd = multipart(
      [
        { ...FILES.png, name: '现场照片.png' },
        { ...FILES.pdf, name: 'C:\\Users\\op\\整改报告.pdf' },
      ],
      { text: '已补齐晨检记录。', version: String(o.version), evidence_ids: String(earlier.json.id) }
    );
    const res = await post(o.id, fd);
    assert.equal(res.status, 303, show(res));
    const got = await get(o.id);
    assert.equal(got.status, 'answered');
    const byName = Object.fromEntries(got.evidence.map((e) => [e.filename, e]));
    assert.deepEqual(Object.keys(byName).sort(), ['之前上传.jpg', '整改报告.pdf', '现场照片.png'].sort());
    assert.equal(byName['现场照片.png'].media_type, 'image/png');
    assert.equal(byName['现场照片.png'].sha256, sha256(FILES.png.data));
    assert.equal(byName['现场照片.png'].size, FILES.png.data.length);
    assert.equal(byName['整改报告.pdf'].media_type, 'application/pdf');
    assert.equal(byName['整改报告.pdf'].sha256, sha256(FILES.pdf.data));
    const answerEvent = got.events.find((e) => e.event === 'answer');
    for (const e of got.evidence) assert.equal(e.event_id, answerEvent.id, `${e.filename} was not handed in`);
    // The stored bytes are the uploaded ones.
    const file = await fetch(`${srv.base}/api/v1/rectifications/${o.id}/evidence/${byName['现场照片.png'].id}`, {
      headers: { Authorization: `Bearer ${srv.tokens.inspector}` },
    });
    assert.equal(file.status, 200);
    assert.equal(sha256(Buffer.from(await file.arrayBuffer())), sha256(FILES.png.data));
  });

  test('an empty file input and a text-only multipart answer work as the urlencoded form did', async () => {
    const o = await openOrder();
    const fd = multipart([], { text: '已整改。' });
    fd.append('evidence', new Blob([], { type: 'application/octet-stream' }), ''); // nothing chosen
    const res = await post(o.id, fd);
    assert.equal(res.status, 303, show(res));
    const got = await get(o.id);
    assert.equal(got.status, 'answered');
    assert.deepEqual(got.evidence, []);
  });

  test('a cookie session needs the csrf field in the multipart body (else 403 csrf_token_invalid)', async () => {
    const o = await openOrder();
    const s = await srv.login(zw.operator);
    assert.ok(s.cookie && s.csrf, show(s.res));
    const files = [{ ...FILES.png, name: 'a.png' }];
    let res = await post(o.id, multipart(files), { cookie: s.cookie });
    assert.equal(res.status, 403, show(res));
    assert.ok(res.text.includes('表单已过期'), 'the csrf refusal page');
    res = await post(o.id, multipart(files, { text: '已整改。', csrf: 'not-the-token' }), { cookie: s.cookie });
    assert.equal(res.status, 403, show(res));
    // The token in a header does not stand in for the form field on a form route.
    res = await srv.req('POST', page(o.id), { cookie: s.cookie, body: multipart(files), headers: { 'X-CSRF-Token': s.csrf } });
    assert.equal(res.status, 403, show(res));
    assert.deepEqual((await get(o.id)).evidence, [], 'a refused form stored a file');
    res = await post(o.id, multipart(files, { csrf: s.csrf, text: '已整改。' }), { cookie: s.cookie });
    assert.equal(res.status, 303, show(res));
    assert.equal((await get(o.id)).evidence.length, 1);
  });

  test('a text/plain file is refused on the page under evidence and nothing is stored', async () => {
    const o = await openOrder();
    const notes = { type: 'text/plain', data: Buffer.from('只是一段文字，不是图片。\n'), name: '说明.txt' };
    const disguised = { type: 'image/png', data: Buffer.from('<html><script>alert(1)</script></html>'), name: 'x.png' };
    for (const bad of [notes, disguised]) {
      const res = await post(o.id, multipart([{ ...FILES.png, name: 'ok.png' }, bad]));
      assert.equal(res.status, 415, show(res));
      assert.match(res.headers.get('content-type'), /text\/html/);
      assert.deepEqual(tidyErrors(res.text), []);
      assert.ok(res.text.includes('<code>evidence</code>'), 'the error does not name the evidence field');
      assert.ok(res.text.includes(bad.name), 'the error does not name the file');
      assert.ok(res.text.includes('aria-invalid="true"'), 'the file input is not marked invalid');
      assert.ok(!res.text.includes('<script>alert'), 'file bytes reached the page');
    }
    const empty = await post(o.id, multipart([{ type: 'application/pdf', data: Buffer.alloc(0), name: 'empty.pdf' }]));
    assert.equal(empty.status, 422, show(empty));
    assert.ok(empty.text.includes('empty.pdf'));
    // A blank answer with good files is refused before any file is kept.
    const blank = await post(o.id, multipart([{ ...FILES.png, name: 'ok.png' }], { text: '  ' }));
    assert.equal(blank.status, 422, show(blank));
    const got = await get(o.id);
    assert.deepEqual(got.evidence, [], 'a refused answer left files behind');
    assert.equal(got.status, 'open');
  });

  test('files sent with an answer the store refuses (stale version, too long a text) are not kept', async () => {
    const o = await openOrder();
    const stale = await post(o.id, multipart([{ ...FILES.png, name: 'a.png' }], { text: '已整改。', version: String(o.version + 5) }));
    assert.equal(stale.status, 409, show(stale));
    const long = await post(o.id, multipart([{ ...FILES.pdf, name: 'b.pdf' }], { text: '整'.repeat(2001) }));
    assert.equal(long.status, 422, show(long));
    const got = await get(o.id);
    assert.deepEqual(got.evidence, [], 'a refused answer left files behind');
    assert.equal(got.status, 'open');
    const ok = await post(o.id, multipart([{ ...FILES.png, name: 'a.png' }], { text: '已整改。', version: String(o.version) }));
    assert.ok([302, 303].includes(ok.status), show(ok));
    assert.equal((await get(o.id)).evidence.length, 1);
  });

  test('a multipart body over 10 MiB is 413; urlencoded keeps the 1 MiB cap; 2 MiB of files pass', async () => {
    const o = await openOrder();
    const head = Buffer.from(
      '--XyZ\r\nContent-Disposition: form-data; name="evidence"; filename="big.png"\r\nContent-Type: image/png\r\n\r\n',
      'latin1'
    );
    const big = Buffer.concat([head, FILES.png.data, Buffer.alloc(10 * 1024 * 1024, 0x20), Buffer.from('\r\n--XyZ--\r\n')]);
    let res = await srv.rawRequest('POST', page(o.id), {
      as: zw.operator,
      headers: { 'Content-Type': 'multipart/form-data; boundary=XyZ', 'Content-Length': big.length },
      body: big,
      expectContinue: true,
    });
    assert.equal(res.status, 413, `${res.status} ${res.text.slice(0, 200)}`);
    const form = Buffer.from(`text=${'a'.repeat(1024 * 1024 + 1)}`);
    res = await srv.rawRequest('POST', page(o.id), {
      as: zw.operator,
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'Content-Length': form.length },
      body: form,
    });
    assert.equal(res.status, 413, `urlencoded: ${res.status} ${res.text.slice(0, 200)}`);
    assert.deepEqual((await get(o.id)).evidence, []);
    const two = { type: 'image/png', data: Buffer.concat([FILES.png.data, Buffer.alloc(2 * 1024 * 1024)]), name: 'two.png' };
    res = await post(o.id, multipart([two]));
    assert.equal(res.status, 303, show(res));
    assert.equal((await get(o.id)).evidence[0].size, two.data.length);
  });

  test('malformed multipart bodies are 400, never 500', async () => {
    const o = await openOrder();
    const part = (name, value) => `--XyZ\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`;
    const cases = [
      ['no final boundary', part('text', '已整改。')],
      ['bare LF', part('text', '已整改。').replaceAll('\r\n', '\n') + '--XyZ--\n'],
      ['no Content-Disposition', '--XyZ\r\nContent-Type: text/plain\r\n\r\nx\r\n--XyZ--\r\n'],
      ['header over 1 KiB', `--XyZ\r\nContent-Disposition: form-data; name="text"; x="${'a'.repeat(1100)}"\r\n\r\nx\r\n--XyZ--\r\n`],
      ['33 parts', Array.from({ length: 33 }, (_, i) => part(`f${i}`, i)).join('') + '--XyZ--\r\n'],
      ['garbage after a delimiter', part('text', 'x') + '--XyZgarbage\r\n--XyZ--\r\n'],
      ['nothing', ''],
    ];
    for (const [why, body] of cases) {
      const res = await raw(o.id, body);
      assert.equal(res.status, 400, `${why}: ${show(res)}`);
      assert.deepEqual(tidyErrors(res.text), [], why);
    }
    for (const ct of ['multipart/form-data', 'multipart/form-data; boundary=', `multipart/form-data; boundary=${'b'.repeat(71)}`]) {
      const res = await srv.req('POST', page(o.id), {
        as: zw.operator,
        body: part('text', 'x') + '--XyZ--\r\n',
        headers: { 'Content-Type': ct },
      });
      assert.equal(res.status, 400, `${ct}: ${show(res)}`);
    }
    const got = await get(o.id);
    assert.equal(got.status, 'open');
    assert.deepEqual(got.evidence, []);
    // A JSON route is untouched: multipart there is still malformed JSON.
    const json = await srv.req('POST', `/api/v1/rectifications/${o.id}/answer`, { as: zw.operator, body: multipart([]) });
    expectError(json, 400, 'malformed_json');
  });
});
