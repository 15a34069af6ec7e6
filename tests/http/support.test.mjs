// Policy support (政策支持): subsidies applied for by operators (or entered by the county), decided by the county
// of the district and paid by the county or the city — at most once per institution, year and type, enforced
// by the store (409 invalid_state) and by the schema's partial unique index; totals by county and type; the
// plan's promises declared by the operator and confirmed by the county; demonstration institutions applied
// for, evaluated and designated. Every route: allowed roles, a wrong role (403), another territory (404) and
// 422s naming each bad field.
import assert from 'node:assert/strict';
import test, { after, before, describe } from 'node:test';
import { Server, errorFields, expectError, expectStatus, show, sql, tidyErrors } from './harness.mjs';
import { cstDay, fileInstitution, institutionWithOperator } from './fixtures.mjs';

let srv;
let zw; // a filed 张湾区 institution { institutionId, operator }
let zw2; // another filed 张湾区 institution
let mj; // a filed 茅箭区 institution
let reg; // a registered (not filed) 张湾区 institution with an operator

const YEAR = Number(cstDay(0).slice(0, 4));

const apply = (as, body) => srv.post('/api/v1/subsidies', body, { as });
const decide = (id, as, body) => srv.post(`/api/v1/subsidies/${id}/decision`, body, { as });
const pay = (id, as, body) => srv.post(`/api/v1/subsidies/${id}/payment`, body, { as });
const application = (over = {}) => ({
  year: YEAR,
  type: 'operating',
  amount_fen: 3600000,
  places: 30,
  basis: '普惠托位运营补贴，每托位每年 1200 元',
  ...over,
});

before(async () => {
  srv = await Server.start({ name: 'support' });
  zw = await fileInstitution(srv);
  zw2 = await fileInstitution(srv);
  mj = await fileInstitution(srv, { county: 'county_maojian', reg: { district_code: '420302' } });
  reg = await institutionWithOperator(srv);
});

after(async () => {
  await srv?.stop();
});

describe('subsidies', () => {
  test('apply → approve → pay, and a second payment for the same year and type is refused 409', async () => {
    let res = await apply(zw.operator, application({ type: 'construction', amount_fen: 20000000, places: 20 }));
    expectStatus(res, 201);
    const s = res.json;
    assert.equal(s.status, 'applied');
    assert.equal(s.institution_id, zw.institutionId);
    assert.equal(s.amount_approved_fen, null);

    // The operator cannot decide its own application; another county cannot see it.
    expectError(await decide(s.id, zw.operator, { decision: 'approve', amount_fen: 1 }), 403, 'forbidden');
    expectError(await decide(s.id, 'county_maojian', { decision: 'approve', amount_fen: 1 }), 404, 'not_found');
    expectError(await decide(s.id, 'city', { decision: 'approve', amount_fen: 1 }), 403, 'forbidden');
    // Paying before approval: the table refuses.
    expectError(await pay(s.id, 'county_zhangwan', { paid_on: cstDay(0), paid_fen: 100 }), 409, 'invalid_state');

    res = await decide(s.id, 'county_zhangwan', { decision: 'approve', amount_fen: 18000000, version: s.version });
    expectStatus(res, 200);
    assert.equal(res.json.status, 'approved');
    assert.equal(res.json.amount_approved_fen, 18000000);

    // Stale version → 409 version_conflict; more than approved → 422.
    expectError(await pay(s.id, 'city', { paid_on: cstDay(0), paid_fen: 100, version: s.version }), 409, 'version_conflict');
    let e = expectError(await pay(s.id, 'city', { paid_on: cstDay(0), paid_fen: 18000001 }), 422, 'validation_failed');
    assert.deepEqual(e.fields.map((f) => f.field), ['paid_fen']);

    res = await pay(s.id, 'city', { paid_on: cstDay(0), paid_fen: 18000000 });
    expectStatus(res, 200);
    assert.equal(res.json.status, 'paid');
    assert.equal(res.json.paid_on, cstDay(0));
    assert.equal(res.json.paid_fen, 18000000);

    // Paying it again: refused.
    e = expectError(await pay(s.id, 'county_zhangwan', { paid_on: cstDay(0), paid_fen: 1 }), 409, 'invalid_state');
    assert.match(e.message, /已拨付/);
    // A second application for the same year and type: refused with the reason.
    e = expectError(await apply(zw.operator, application({ type: 'construction', places: 20 })), 409, 'invalid_state');
    assert.match(e.message, /只能拨付一次/);
    // …also when the county enters it.
    e = expectError(
      await apply('county_zhangwan', application({ institution_id: zw.institutionId, type: 'construction' })),
      409,
      'invalid_state',
    );
    // Another type or another year is fine.
    expectStatus(await apply(zw.operator, application({ type: 'award', places: 0 })), 201);
    expectStatus(await apply(zw.operator, application({ year: YEAR - 1, type: 'construction' })), 201);

    // The audit log has every move.
    const actions = sql(srv.db, `SELECT action FROM audit_log WHERE entity = 'subsidy' AND entity_id = ${s.id} ORDER BY seq`);
    assert.deepEqual(actions.split('\n'), ['subsidy.apply', 'subsidy.approve', 'subsidy.pay']);
  });

  test('the schema refuses a duplicate paid row for the same institution, year and type', async () => {
    const row = sql(srv.db, `SELECT institution_id, year, type FROM subsidies WHERE status = 'paid' LIMIT 1`);
    const [inst, year, type] = row.split('|');
    assert.throws(
      () =>
        sql(
          srv.db,
          `INSERT INTO subsidies (institution_id, year, type, status, amount_applied_fen, places, basis, applied_at, ` +
            `paid_on, paid_fen, version, updated_at) VALUES (${inst}, ${year}, '${type}', 'paid', 100, 1, 'x', 1, 1, 100, 1, 1)`,
        ),
      /UNIQUE|unique|duplicate/,
    );
    // A rejected row does not block: it is outside the index.
    sql(
      srv.db,
      `INSERT INTO subsidies (institution_id, year, type, status, amount_applied_fen, places, basis, applied_at, ` +
        `version, updated_at) VALUES (${inst}, ${year}, '${type}', 'rejected', 100, 1, 'x', 1, 1, 1)`,
    );
  });

  test('a rejected application leaves room for a new one; rejecting needs a reason', async () => {
    let res = await apply(zw2.operator, application());
    expectStatus(res, 201);
    let e = expectError(await decide(res.json.id, 'county_zhangwan', { decision: 'reject' }), 422, 'validation_failed');
    assert.deepEqual(e.fields.map((f) => f.field), ['reason']);
    res = await decide(res.json.id, 'county_zhangwan', { decision: 'reject', reason: '托位数与备案不符' });
    expectStatus(res, 200);
    assert.equal(res.json.status, 'rejected');
    assert.equal(res.json.decision_reason, '托位数与备案不符');
    // Rejected is final.
    expectError(await decide(res.json.id, 'county_zhangwan', { decision: 'approve', amount_fen: 1 }), 409, 'invalid_state');
    expectError(await pay(res.json.id, 'county_zhangwan', { paid_on: cstDay(0), paid_fen: 1 }), 409, 'invalid_state');
    expectStatus(await apply(zw2.operator, application()), 201);
  });

  test('who may apply: operators of filed institutions for their own, the county for its district', async () => {
    let e = expectError(await apply(reg.operator, application()), 409, 'invalid_state');
    assert.match(e.message, /已备案/);
    // An operator naming another institution: 404.
    expectError(await apply(zw.operator, application({ institution_id: mj.institutionId, year: YEAR - 2 })), 404, 'not_found');
    // The county enters for its district only.
    expectError(await apply('county_zhangwan', application({ institution_id: mj.institutionId })), 404, 'not_found');
    const res = await apply('county_maojian', application({ institution_id: mj.institutionId, type: 'award', places: 0 }));
    expectStatus(res, 201);
    // Roles that never apply.
    for (const as of ['city', 'auditor', 'inspector', 'admin']) {
      expectError(await apply(as, application({ institution_id: mj.institutionId })), 403, 'forbidden');
    }
  });

  test('422 names every bad field', async () => {
    let e = expectError(
      await apply(zw.operator, { year: 1999, type: 'gift', amount_fen: 0, places: -1, basis: '', extra: 1 }),
      422,
      'validation_failed',
    );
    assert.deepEqual(e.fields.map((f) => f.field).sort(), ['amount_fen', 'basis', 'extra', 'places', 'type', 'year']);
    e = expectError(await apply(zw.operator, application({ type: 'construction', places: 0 })), 422, 'validation_failed');
    assert.deepEqual(errorFields({ json: { error: e } }), ['places']);
    e = expectError(await apply('county_zhangwan', application()), 422, 'validation_failed');
    assert.deepEqual(e.fields.map((f) => f.field), ['institution_id']);
    const s = (await apply(zw2.operator, application({ type: 'award', places: 0 }))).json;
    e = expectError(await decide(s.id, 'county_zhangwan', { decision: 'maybe', amount_fen: 0 }), 422, 'validation_failed');
    assert.deepEqual(e.fields.map((f) => f.field).sort(), ['amount_fen', 'decision']);
    e = expectError(await decide(s.id, 'county_zhangwan', { decision: 'approve' }), 422, 'validation_failed');
    assert.deepEqual(e.fields.map((f) => f.field), ['amount_fen']);
    e = expectError(await pay(s.id, 'county_zhangwan', { paid_on: '2025-02-30', paid_fen: 0 }), 422, 'validation_failed');
    assert.deepEqual(e.fields.map((f) => f.field).sort(), ['paid_fen', 'paid_on']);
    e = expectError(await pay(s.id, 'county_zhangwan', { paid_on: cstDay(-3), paid_fen: 1 }), 422, 'validation_failed');
    assert.deepEqual(e.fields.map((f) => f.field), ['paid_on']);
    expectError(await srv.get('/api/v1/subsidies?year=abc&status=lost&type=x', { as: 'city' }), 422, 'validation_failed');
  });

  test('reading: territory 404, operators see their own only, lists are confined', async () => {
    const s = (await srv.get(`/api/v1/subsidies?institution=${mj.institutionId}`, { as: 'city' })).json.items[0];
    assert.ok(s, 'a 茅箭区 subsidy');
    expectStatus(await srv.get(`/api/v1/subsidies/${s.id}`, { as: 'county_maojian' }), 200);
    expectStatus(await srv.get(`/api/v1/subsidies/${s.id}`, { as: 'auditor' }), 200);
    expectStatus(await srv.get(`/api/v1/subsidies/${s.id}`, { as: mj.operator }), 200);
    expectError(await srv.get(`/api/v1/subsidies/${s.id}`, { as: 'county_zhangwan' }), 404, 'not_found');
    expectError(await srv.get(`/api/v1/subsidies/${s.id}`, { as: zw.operator }), 404, 'not_found');
    expectError(await srv.get(`/api/v1/subsidies/${s.id}`, { as: 'inspector' }), 403, 'forbidden');
    let res = await srv.get('/api/v1/subsidies', { as: 'county_zhangwan' });
    assert.ok(res.json.items.length > 0 && res.json.items.every((x) => x.district_code === '420303'), show(res));
    res = await srv.get('/api/v1/subsidies?district=420302', { as: 'county_zhangwan' });
    assert.equal(res.json.total, 0);
    res = await srv.get('/api/v1/subsidies', { as: zw.operator });
    assert.ok(res.json.items.every((x) => x.institution_id === zw.institutionId), show(res));
  });

  test('totals by county and type equal hand sums of the rows', async () => {
    const all = [];
    for (let page = 1; ; page++) {
      const res = await srv.get(`/api/v1/subsidies?year=${YEAR}&page=${page}`, { as: 'city' });
      all.push(...res.json.items);
      if (res.json.items.length < res.json.per_page) break;
    }
    const hand = {};
    for (const s of all) {
      const k = `${s.district_code}|${s.type}`;
      hand[k] ??= { applications: 0, approved_fen: 0, paid_fen: 0, paid_count: 0, applied_fen: 0 };
      const h = hand[k];
      h.applications++;
      h.applied_fen += s.amount_applied_fen;
      if (s.status === 'approved' || s.status === 'paid') h.approved_fen += s.amount_approved_fen;
      if (s.status === 'paid') (h.paid_fen += s.paid_fen), h.paid_count++;
    }
    const res = await srv.get(`/api/v1/subsidies/totals?year=${YEAR}`, { as: 'city' });
    expectStatus(res, 200);
    const got = {};
    for (const t of res.json.items) {
      got[`${t.district_code}|${t.type}`] = {
        applications: t.applications,
        approved_fen: t.approved_fen,
        paid_fen: t.paid_fen,
        paid_count: t.paid_count,
        applied_fen: t.applied_fen,
      };
    }
    assert.deepEqual(got, hand);
    assert.equal(res.json.total.paid_fen, Object.values(hand).reduce((a, h) => a + h.paid_fen, 0));
    assert.ok(got[`420303|construction`].paid_fen >= 18000000);
    // The county sees its own district only; operators and inspectors not at all.
    const county = await srv.get(`/api/v1/subsidies/totals?year=${YEAR}`, { as: 'county_maojian' });
    assert.ok(county.json.items.every((t) => t.district_code === '420302'), show(county));
    expectError(await srv.get('/api/v1/subsidies/totals', { as: zw.operator }), 403, 'forbidden');
    expectError(await srv.get('/api/v1/subsidies/totals?year=20x', { as: 'city' }), 422, 'validation_failed');
  });
});

describe('the plan\'s promises', () => {
  const url = (i) => `/api/v1/institutions/${i.institutionId}/policy`;
  const patch = (i, as, json) => srv.req('PATCH', url(i), { as, json });

  test('the operator declares with a version, the county confirms, history kept', async () => {
    let res = await srv.get(url(zw), { as: zw.operator });
    expectStatus(res, 200);
    assert.equal(res.json.declared, false);
    assert.equal(res.json.version, 0);
    res = await patch(zw, zw.operator, {
      version: 0,
      utility_residential: true,
      liability_until: cstDay(-200),
      accident_insurance: true,
      training_subsidy: false,
      skill_subsidy: false,
    });
    expectStatus(res, 200);
    assert.equal(res.json.version, 1);
    assert.equal(res.json.liability_valid, true);
    assert.equal(res.json.met, 3);
    assert.equal(res.json.confirmed_on, null);
    // A stale version: 409.
    expectError(await patch(zw, zw.operator, { version: 0, skill_subsidy: true }), 409, 'version_conflict');
    // Only the county of the district (or the city) confirms.
    expectError(await srv.post(`${url(zw)}/confirm`, {}, { as: zw.operator }), 403, 'forbidden');
    expectError(await srv.post(`${url(zw)}/confirm`, {}, { as: 'county_maojian' }), 404, 'not_found');
    res = await srv.post(`${url(zw)}/confirm`, { version: 1 }, { as: 'county_zhangwan' });
    expectStatus(res, 200);
    assert.equal(res.json.confirmed_on, cstDay(0));
    expectError(await srv.post(`${url(zw)}/confirm`, {}, { as: 'county_zhangwan' }), 409, 'invalid_state');
    // A change clears the confirmation.
    res = await patch(zw, zw.operator, { version: 2, skill_subsidy: true, note: '已申领职业技能鉴定补贴' });
    expectStatus(res, 200);
    assert.equal(res.json.confirmed_on, null);
    assert.equal(res.json.skill_subsidy, true);
    assert.equal(res.json.utility_residential, true, 'fields not given keep their value');
    res = await srv.get(url(zw), { as: 'county_zhangwan' });
    assert.deepEqual(res.json.history.map((h) => h.kind), ['declare', 'confirm', 'declare']);
    assert.equal(res.json.history[1].confirmed_on, cstDay(0));
  });

  test('territory, roles and 422', async () => {
    expectError(await srv.get(url(zw), { as: mj.operator }), 404, 'not_found');
    expectError(await srv.get(url(zw), { as: 'county_maojian' }), 404, 'not_found');
    expectStatus(await srv.get(url(zw), { as: 'auditor' }), 200);
    expectError(await patch(mj, zw.operator, { version: 0 }), 404, 'not_found');
    expectError(await patch(mj, 'county_maojian', { version: 0 }), 403, 'forbidden');
    expectError(await patch(reg, reg.operator, { version: 0, utility_residential: true }), 409, 'invalid_state');
    const e = expectError(
      await patch(mj, mj.operator, { utility_residential: 'yes', liability_until: '2025-13-01', note: 5, x: 1 }),
      422,
      'validation_failed',
    );
    assert.deepEqual(e.fields.map((f) => f.field).sort(), ['liability_until', 'note', 'utility_residential', 'version', 'x']);
  });
});

describe('demonstration institutions', () => {
  const dem = (id, as, body) => srv.post(`/api/v1/demonstrations/${id}/decision`, body, { as });
  const statement = '普惠性托育机构，保育质量评估良好，承担社区科学育儿指导。';

  test('apply → evaluate → designate (county level by the county), counted for the assessment', async () => {
    let res = await srv.post('/api/v1/demonstrations', { year: YEAR, statement }, { as: zw.operator });
    expectStatus(res, 201);
    const d = res.json;
    assert.equal(d.status, 'applied');
    expectError(await srv.post('/api/v1/demonstrations', { year: YEAR, statement }, { as: zw.operator }), 409, 'invalid_state');
    // Designating before evaluation: refused by the table.
    expectError(
      await dem(d.id, 'county_zhangwan', { decision: 'designate', level: 'county', designated_on: cstDay(0), decision_number: '张卫发〔2026〕1号' }),
      409,
      'invalid_state',
    );
    expectError(await dem(d.id, zw.operator, { decision: 'evaluate', score: 90 }), 403, 'forbidden');
    expectError(await dem(d.id, 'county_maojian', { decision: 'evaluate', score: 90 }), 404, 'not_found');
    res = await dem(d.id, 'county_zhangwan', { decision: 'evaluate', score: 91, note: '现场评估达到示范标准' });
    expectStatus(res, 200);
    assert.equal(res.json.status, 'evaluated');
    assert.equal(res.json.score, 91);
    // A county official designates at county level only.
    let e = expectError(
      await dem(d.id, 'county_zhangwan', { decision: 'designate', level: 'city', designated_on: cstDay(0), decision_number: 'x' }),
      422,
      'validation_failed',
    );
    assert.deepEqual(e.fields.map((f) => f.field), ['level']);
    e = expectError(await dem(d.id, 'county_zhangwan', { decision: 'designate', designated_on: cstDay(-1) }), 422, 'validation_failed');
    assert.deepEqual(e.fields.map((f) => f.field).sort(), ['decision_number', 'designated_on', 'level']);
    res = await dem(d.id, 'county_zhangwan', {
      decision: 'designate',
      level: 'county',
      designated_on: cstDay(0),
      decision_number: '张卫发〔2026〕1号',
    });
    expectStatus(res, 200);
    assert.equal(res.json.status, 'designated');
    assert.equal(res.json.level, 'county');
    assert.equal(res.json.designated_on, cstDay(0));
    expectError(await dem(d.id, 'city', { decision: 'reject', reason: 'x' }), 409, 'invalid_state');
  });

  test('the city designates at city level; rejection needs a reason; territory and roles', async () => {
    let res = await srv.post('/api/v1/demonstrations', { year: YEAR, statement }, { as: mj.operator });
    expectStatus(res, 201);
    const d = res.json;
    expectError(await srv.get(`/api/v1/demonstrations/${d.id}`, { as: 'county_zhangwan' }), 404, 'not_found');
    expectError(await srv.get(`/api/v1/demonstrations/${d.id}`, { as: zw.operator }), 404, 'not_found');
    expectStatus(await srv.get(`/api/v1/demonstrations/${d.id}`, { as: mj.operator }), 200);
    expectStatus(await dem(d.id, 'city', { decision: 'evaluate', score: 95 }), 200);
    res = await dem(d.id, 'city', { decision: 'designate', level: 'city', designated_on: cstDay(0), decision_number: '十卫发〔2026〕9号' });
    expectStatus(res, 200);
    assert.equal(res.json.level, 'city');

    res = await srv.post('/api/v1/demonstrations', { year: YEAR, statement }, { as: zw2.operator });
    const r2 = res.json;
    let e = expectError(await dem(r2.id, 'county_zhangwan', { decision: 'reject' }), 422, 'validation_failed');
    assert.deepEqual(e.fields.map((f) => f.field), ['reason']);
    res = await dem(r2.id, 'county_zhangwan', { decision: 'reject', reason: '保育质量评估尚未完成' });
    expectStatus(res, 200);
    assert.equal(res.json.status, 'rejected');
    // After a rejection the operator may apply again.
    expectStatus(await srv.post('/api/v1/demonstrations', { year: YEAR, statement }, { as: zw2.operator }), 201);

    expectError(await srv.post('/api/v1/demonstrations', { year: YEAR, statement }, { as: reg.operator }), 409, 'invalid_state');
    expectError(await srv.post('/api/v1/demonstrations', { year: YEAR, statement }, { as: 'county_zhangwan' }), 403, 'forbidden');
    e = expectError(await srv.post('/api/v1/demonstrations', { year: 1, statement: '', x: 1 }, { as: zw.operator }), 422, 'validation_failed');
    assert.deepEqual(e.fields.map((f) => f.field).sort(), ['statement', 'x', 'year']);
    e = expectError(await dem(r2.id, 'city', { decision: 'apply', score: 101 }), 422, 'validation_failed');
    assert.deepEqual(e.fields.map((f) => f.field).sort(), ['decision', 'score']);

    const list = await srv.get('/api/v1/demonstrations?status=designated', { as: 'city' });
    assert.deepEqual(list.json.items.map((x) => x.district_code).sort(), ['420302', '420303']);
    const county = await srv.get('/api/v1/demonstrations', { as: 'county_maojian' });
    assert.ok(county.json.items.every((x) => x.district_code === '420302'));
  });
});

describe('pages', () => {
  const form = (as, path, fields) =>
    srv.req('POST', path, {
      as,
      body: new URLSearchParams(fields).toString(),
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    });

  test('the operator applies and declares through /operator/support; pages are valid HTML', async () => {
    const op = await fileInstitution(srv);
    let res = await srv.get('/operator/support', { as: op.operator });
    assert.equal(res.status, 200, show(res));
    assert.deepEqual(tidyErrors(res.text), []);
    res = await form(op.operator, '/operator/support/subsidy', { year: String(YEAR), type: 'operating', amount_yuan: 'abc', places: '20', basis: '' });
    assert.equal(res.status, 422, show(res));
    assert.deepEqual(tidyErrors(res.text), []);
    assert.ok(res.text.includes('amount_yuan') && res.text.includes('basis'), 'names the bad fields');
    res = await form(op.operator, '/operator/support/subsidy', { year: String(YEAR), type: 'operating', amount_yuan: '24000.50', places: '20', basis: '运营补贴' });
    assert.equal(res.status, 303, show(res));
    const mine = (await srv.get('/api/v1/subsidies', { as: op.operator })).json.items;
    assert.equal(mine.length, 1);
    assert.equal(mine[0].amount_applied_fen, 2400050);
    res = await form(op.operator, '/operator/support/subsidy', { year: String(YEAR), type: 'operating', amount_yuan: '1', places: '20', basis: '再申请' });
    assert.equal(res.status, 409, show(res));
    assert.ok(res.text.includes('不能重复申请'));
    assert.deepEqual(tidyErrors(res.text), []);
    res = await form(op.operator, '/operator/support/policy', { version: '0', utility_residential: '1', liability_until: cstDay(-100), note: '' });
    assert.equal(res.status, 303, show(res));
    const p = (await srv.get(`/api/v1/institutions/${op.institutionId}/policy`, { as: op.operator })).json;
    assert.equal(p.utility_residential, true);
    assert.equal(p.accident_insurance, false);
    res = await form(op.operator, '/operator/support/policy', { version: '0' });
    assert.equal(res.status, 409, show(res));
    res = await form(op.operator, '/operator/support/demonstration', { year: String(YEAR), statement: '申请示范' });
    assert.equal(res.status, 303, show(res));
    res = await srv.get('/operator/support', { as: op.operator });
    assert.deepEqual(tidyErrors(res.text), []);
    assert.equal((await srv.get('/operator/support', { as: 'county_zhangwan' })).status, 403);
  });

  test('the county decides and pays from /dash/support; other districts 404', async () => {
    const s = (await apply(zw2.operator, application({ year: YEAR - 1, type: 'award', places: 0 }))).json;
    let res = await srv.get('/dash/support', { as: 'county_zhangwan' });
    assert.equal(res.status, 200, show(res));
    assert.deepEqual(tidyErrors(res.text), []);
    assert.ok(res.text.includes(`/dash/support/subsidy-decision/${s.id}`));
    assert.ok(!res.text.includes('茅箭区'), 'a county sees its own district only');
    res = await form('county_maojian', `/dash/support/subsidy-decision/${s.id}`, { decision: 'approve', amount_yuan: '100' });
    assert.equal(res.status, 404, show(res));
    res = await form('county_zhangwan', `/dash/support/subsidy-decision/${s.id}`, { decision: 'approve', amount_yuan: '' });
    assert.equal(res.status, 422, show(res));
    assert.deepEqual(tidyErrors(res.text), []);
    res = await form('county_zhangwan', `/dash/support/subsidy-decision/${s.id}`, { decision: 'approve', amount_yuan: '30000', version: String(s.version) });
    assert.equal(res.status, 303, show(res));
    res = await form('city', `/dash/support/subsidy-payment/${s.id}`, { paid_on: cstDay(0), paid_yuan: '30000' });
    assert.equal(res.status, 303, show(res));
    assert.equal((await srv.get(`/api/v1/subsidies/${s.id}`, { as: 'city' })).json.status, 'paid');
    res = await form('city', `/dash/support/subsidy-payment/${s.id}`, { paid_on: cstDay(0), paid_yuan: '1' });
    assert.equal(res.status, 409, show(res));
    assert.deepEqual(tidyErrors(res.text), []);
    for (const as of ['city', 'auditor', 'admin']) {
      res = await srv.get(`/dash/support?year=${YEAR - 1}`, { as });
      assert.equal(res.status, 200, show(res));
      assert.deepEqual(tidyErrors(res.text), []);
    }
    res = await form('auditor', `/dash/support/subsidy-payment/${s.id}`, { paid_on: cstDay(0), paid_yuan: '1' });
    assert.equal(res.status, 403, show(res));
    assert.equal((await srv.get('/dash/support', { as: zw.operator })).status, 403);
  });
});
