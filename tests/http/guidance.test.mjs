// Family guidance (科学育儿指导): the experts' library, events and courses with public sign-up and capacity
// (checked inside the write transaction: full → 409, same phone → 409, cancelled event → 409), articles,
// and the families reached per county (done events: attendance when recorded, else live sign-ups).
// Writers by role and district (403 elsewhere), 422s naming each bad field, guardians' data never on public
// pages and masked for officials except the event's county (audited read), the portal form with the CAPTCHA.
//
// The CAPTCHA is answered through TUOYU_CAPTCHA_FIXED (test only). Every request comes from 127.0.0.1, so the
// per-address limit is reset (ip_hash cleared) before sign-ups that are not about it.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { errorFields, expectError, expectStatus, Server, show, sql, tidyErrors } from './harness.mjs';

const ANSWER = '4321';
process.env.TUOYU_CAPTCHA_FIXED = ANSWER;
delete process.env.TUOYU_FAKE_NOW;

let srv;

before(async () => {
  srv = await Server.start({ name: 'guidance' });
  await srv.addUser('unit_health', 'unit_officer', { unit: 'health_commission' });
  await srv.addUser('unit_civil', 'unit_officer', { unit: 'civil_affairs' });
});
after(async () => {
  await srv.stop();
  await srv.cleanup();
});

/** A CST local time "YYYY-MM-DDTHH:MM" hours from now. */
const at = (hours) => new Date(Date.now() + 8 * 3600e3 + hours * 3600e3).toISOString().slice(0, 16);

async function captcha() {
  const r = await srv.get('/api/v1/public/captcha');
  expectStatus(r, 200);
  return r.json.token;
}

let phoneSerial = 0;
const freshPhone = () => `139${String(10000000 + ++phoneSerial).slice(-8)}`;

async function signup(eventId, over = {}) {
  sql(srv.db, 'UPDATE guidance_signups SET ip_hash = NULL');
  return srv.post(`/api/v1/public/guidance/events/${eventId}/signups`, {
    guardian_name: '张小红',
    guardian_phone: freshPhone(),
    children: 1,
    child_age_band: '1to2',
    captcha_token: await captcha(),
    captcha_answer: ANSWER,
    ...over,
  });
}

const event = (over = {}) => ({
  title: '婴幼儿睡眠与喂养讲座',
  kind: 'course',
  venue_kind: 'hospital',
  venue: '太和医院儿童保健科示教室',
  starts_at: at(48),
  ends_at: at(50),
  capacity: 2,
  description: '讲解 0–3 岁婴幼儿的睡眠规律和辅食添加。',
  ...over,
});

async function createEvent(as, over) {
  const r = await srv.post('/api/v1/guidance/events', event(over), { as });
  expectStatus(r, 201);
  return r.json;
}

async function publish(id, as = 'county_zhangwan') {
  const r = await srv.post(`/api/v1/guidance/events/${id}/status`, { status: 'published' }, { as });
  expectStatus(r, 200);
  return r.json;
}

describe('experts', () => {
  test('city, county (own district) and the health unit add experts; others are refused', async () => {
    let r = await srv.post('/api/v1/guidance/experts', { name: '李慧', title: '主任医师', organisation: '十堰市妇幼保健院', speciality: '儿童保健', district_code: null, added_by_unit: 'health' }, { as: 'city' });
    expectStatus(r, 201);
    assert.equal(r.json.district_code, null);
    assert.equal(r.json.phone, undefined);
    r = await srv.post('/api/v1/guidance/experts', { name: '王敏', title: '副主任护师', organisation: '张湾区妇幼保健院', speciality: '母乳喂养' }, { as: 'county_zhangwan' });
    expectStatus(r, 201);
    assert.equal(r.json.district_code, '420303');
    const zwExpert = r.json;
    expectError(await srv.post('/api/v1/guidance/experts', { name: '赵强', title: '主治医师', organisation: '茅箭区医院', speciality: '儿科', district_code: '420302' }, { as: 'county_zhangwan' }), 403, 'forbidden');
    r = await srv.post('/api/v1/guidance/experts', { name: '陈静', title: '教授', organisation: '汉江师范学院', speciality: '早期教育', added_by_unit: 'health' }, { as: 'unit_health' });
    expectStatus(r, 201);
    assert.equal(r.json.added_by_unit, 'health');
    expectError(await srv.post('/api/v1/guidance/experts', { name: '某某', title: '干部', organisation: '民政局', speciality: '社区' }, { as: 'unit_civil' }), 403, 'forbidden');
    expectError(await srv.post('/api/v1/guidance/experts', { name: '某某', title: '干部', organisation: 'x', speciality: 'y' }, { as: 'auditor' }), 403, 'forbidden');
    // Another county cannot edit 张湾区's expert; the county itself deactivates it.
    expectError(await srv.req('PATCH', `/api/v1/guidance/experts/${zwExpert.id}`, { json: { active: false }, as: 'county_maojian' }), 403, 'forbidden');
    r = await srv.req('PATCH', `/api/v1/guidance/experts/${zwExpert.id}`, { json: { active: false, version: zwExpert.version }, as: 'county_zhangwan' });
    expectStatus(r, 200);
    assert.equal(r.json.active, false);
    expectError(await srv.req('PATCH', `/api/v1/guidance/experts/${zwExpert.id}`, { json: { active: true, version: zwExpert.version }, as: 'county_zhangwan' }), 409, 'version_conflict');
  });

  test('bad expert input is 422 naming each field', async () => {
    const e = expectError(await srv.post('/api/v1/guidance/experts', { name: '', organisation: 3, speciality: 'x', district_code: '12', added_by_unit: 'police', phone: '13800000000' }, { as: 'city' }), 422, 'validation_failed');
    assert.deepEqual(e.fields.map((f) => f.field).sort(), ['added_by_unit', 'district_code', 'name', 'organisation', 'phone', 'title']);
    const blank = expectError(await srv.post('/api/v1/guidance/experts', { name: '  ', title: '主任医师', organisation: '太和医院', speciality: '儿科', district_code: '999999' }, { as: 'city' }), 422, 'validation_failed');
    assert.deepEqual(blank.fields.map((f) => f.field).sort(), ['district_code', 'name']);
  });
});

describe('events and sign-ups', () => {
  test('capacity 2: two sign-ups, the third is 409 with a clear message; the same phone twice is 409', async () => {
    const ev = await createEvent('county_zhangwan');
    assert.equal(ev.status, 'draft');
    assert.equal(ev.district_code, '420303');
    // A draft is not on the portal.
    expectError(await signup(ev.id), 404, 'not_found');
    await publish(ev.id);
    const phone = freshPhone();
    let r = await signup(ev.id, { guardian_phone: phone });
    expectStatus(r, 201);
    assert.match(r.json.ref_code, /^GD[A-Z2-9]{8}$/);
    // The same phone again: 409 (duplicate), whatever is typed around it.
    let e = expectError(await signup(ev.id, { guardian_phone: `${phone.slice(0, 3)}-${phone.slice(3)}` }), 409, 'invalid_state');
    assert.match(e.message, /已报名/);
    expectStatus(await signup(ev.id), 201);
    e = expectError(await signup(ev.id), 409, 'invalid_state');
    assert.match(e.message, /名额已满/);
    const got = await srv.get(`/api/v1/guidance/events/${ev.id}`, { as: 'city' });
    assert.equal(got.json.taken, 2);
    assert.equal(got.json.places_left, 0);
    // The public list shows it with no place left and nothing about the guardians.
    const pub = await srv.get('/api/v1/public/guidance/events');
    const mine = pub.json.items.find((x) => x.id === ev.id);
    assert.equal(mine.places_left, 0);
    assert.ok(!pub.text.includes('张小红') && !pub.text.includes(phone) && !('version' in mine));
  });

  test('a cancelled event refuses sign-ups; cancelled and done events cannot move on', async () => {
    const ev = await createEvent('city', { district_code: '420302', capacity: 10 });
    await publish(ev.id, 'city');
    expectStatus(await signup(ev.id), 201);
    let r = await srv.post(`/api/v1/guidance/events/${ev.id}/status`, { status: 'cancelled' }, { as: 'county_maojian' });
    expectStatus(r, 200);
    const e = expectError(await signup(ev.id), 409, 'invalid_state');
    assert.match(e.message, /未开放报名/);
    expectError(await srv.post(`/api/v1/guidance/events/${ev.id}/status`, { status: 'published' }, { as: 'city' }), 409, 'invalid_state');
    expectError(await srv.req('PATCH', `/api/v1/guidance/events/${ev.id}`, { json: { capacity: 20 }, as: 'city' }), 409, 'invalid_state');
    // Done before the start: refused.
    const later = await createEvent('city', { district_code: '420302' });
    await publish(later.id, 'city');
    r = await srv.post(`/api/v1/guidance/events/${later.id}/status`, { status: 'done', attended: 3 }, { as: 'city' });
    expectError(r, 409, 'invalid_state');
    assert.match(r.json.error.message, /尚未开始/);
  });

  test('a county cannot write other districts (403); bad input is 422 naming each field', async () => {
    expectError(await srv.post('/api/v1/guidance/events', event({ district_code: '420302' }), { as: 'county_zhangwan' }), 403, 'forbidden');
    const ev = await createEvent('county_zhangwan');
    expectError(await srv.req('PATCH', `/api/v1/guidance/events/${ev.id}`, { json: { title: '改名' }, as: 'county_maojian' }), 403, 'forbidden');
    expectError(await srv.post(`/api/v1/guidance/events/${ev.id}/status`, { status: 'published' }, { as: 'county_maojian' }), 403, 'forbidden');
    expectError(await srv.req('PATCH', `/api/v1/guidance/events/${ev.id}`, { json: { district_code: '420302' }, as: 'county_zhangwan' }), 403, 'forbidden');
    expectError(await srv.post('/api/v1/guidance/events', event(), { as: 'auditor' }), 403, 'forbidden');
    expectError(await srv.post('/api/v1/guidance/events', event(), { as: 'unit_health' }), 403, 'forbidden');

    let e = expectError(await srv.post('/api/v1/guidance/events', { title: '', kind: 'party', venue_kind: 'park', venue: '社区', starts_at: 'tomorrow', ends_at: at(3), capacity: 0 }, { as: 'county_zhangwan' }), 422, 'validation_failed');
    assert.deepEqual(e.fields.map((f) => f.field).sort(), ['capacity', 'kind', 'starts_at', 'title', 'venue_kind']);
    e = expectError(await srv.post('/api/v1/guidance/events', event({ starts_at: at(10), ends_at: at(9), expert_id: 999999, institution_id: 999999 }), { as: 'county_zhangwan' }), 422, 'validation_failed');
    assert.deepEqual(e.fields.map((f) => f.field).sort(), ['ends_at', 'expert_id', 'institution_id']);
    e = expectError(await srv.post(`/api/v1/guidance/events/${ev.id}/status`, { status: 'published', attended: 4 }, { as: 'county_zhangwan' }), 422, 'validation_failed');
    assert.deepEqual(errorFields(await srv.post(`/api/v1/guidance/events/${ev.id}/status`, { status: 'draft' }, { as: 'county_zhangwan' })), ['status']);

    await publish(ev.id);
    sql(srv.db, 'UPDATE guidance_signups SET ip_hash = NULL');
    const bad = await srv.post(`/api/v1/public/guidance/events/${ev.id}/signups`, { guardian_name: '', guardian_phone: '12ab', children: 4, child_age_band: 'teen', captcha_token: await captcha(), captcha_answer: '1' });
    expectError(bad, 422, 'validation_failed');
    assert.deepEqual(errorFields(bad).sort(), ['captcha', 'child_age_band', 'children', 'guardian_name', 'guardian_phone']);
    // Capacity below the sign-ups: refused.
    expectStatus(await signup(ev.id), 201);
    expectStatus(await signup(ev.id), 201);
    assert.deepEqual(errorFields(await srv.req('PATCH', `/api/v1/guidance/events/${ev.id}`, { json: { capacity: 1 }, as: 'county_zhangwan' })), ['capacity']);
  });

  test('concurrent sign-ups for the last places: exactly the capacity succeeds, the rest are 409', async () => {
    const ev = await createEvent('county_zhangwan', { capacity: 3 });
    await publish(ev.id);
    sql(srv.db, 'UPDATE guidance_signups SET ip_hash = NULL');
    const tokens = await Promise.all(Array.from({ length: 8 }, () => captcha()));
    const res = await Promise.all(tokens.map((t) => srv.post(`/api/v1/public/guidance/events/${ev.id}/signups`, { guardian_name: '并发测试', guardian_phone: freshPhone(), children: 1, captcha_token: t, captcha_answer: ANSWER })));
    const statuses = res.map((r) => r.status).sort();
    assert.deepEqual(statuses, [201, 201, 201, 409, 409, 409, 409, 409], res.map(show).join('\n'));
    assert.equal(sql(srv.db, `SELECT COUNT(*) FROM guidance_signups WHERE event_id = ${ev.id}`), '3');
    sql(srv.db, 'UPDATE guidance_signups SET ip_hash = NULL');
  });

  test('the per-address limit answers 429', async () => {
    const ev = await createEvent('county_zhangwan', { capacity: 50 });
    await publish(ev.id);
    sql(srv.db, 'UPDATE guidance_signups SET ip_hash = NULL');
    let last;
    for (let i = 0; i < 11; i++) {
      last = await srv.post(`/api/v1/public/guidance/events/${ev.id}/signups`, { guardian_name: '刘女士', guardian_phone: freshPhone(), children: 1, captcha_token: await captcha(), captcha_answer: ANSWER });
      if (i < 10) expectStatus(last, 201);
    }
    expectError(last, 429, 'too_many_requests');
    sql(srv.db, 'UPDATE guidance_signups SET ip_hash = NULL');
  });
});

describe('families reached', () => {
  test('per county equals the hand count after marking events done with and without attendance', async () => {
    const past = at(-3);
    const year = Number(past.slice(0, 4));
    const base = await srv.get(`/api/v1/guidance/reach?year=${year}`, { as: 'city' });
    expectStatus(base, 200);
    const before = Object.fromEntries(base.json.districts.map((d) => [d.district_code, d.families]));

    // Sign up while upcoming, then move the start into the past (an edit of a published event) and close.
    const mk = async (as, district, n) => {
      const ev = await createEvent(as, { district_code: district, capacity: 10 });
      await publish(ev.id, as);
      const refs = [];
      for (let i = 0; i < n; i++) {
        const phone = freshPhone();
        const r = await signup(ev.id, { guardian_phone: phone });
        expectStatus(r, 201);
        refs.push({ ref: r.json.ref_code, phone });
      }
      return { ev, refs };
    };
    const a = await mk('county_zhangwan', '420303', 2); // done, no attendance → 2
    const b = await mk('county_zhangwan', '420303', 3); // done, attended 7 → 7
    const c = await mk('county_maojian', '420302', 1); // done, attended 0 → 0
    const d = await mk('city', '420302', 2); // one cancelled, done, no attendance → 1
    const e = await mk('county_zhangwan', '420303', 4); // cancelled event → 0
    const f = await mk('county_zhangwan', '420303', 2); // still published → 0

    let r = await srv.post('/api/v1/public/guidance/signups/cancel', { ref_code: d.refs[0].ref, guardian_phone: d.refs[0].phone });
    expectStatus(r, 200);
    expectError(await srv.post('/api/v1/public/guidance/signups/cancel', { ref_code: d.refs[0].ref, guardian_phone: d.refs[0].phone }), 404, 'not_found');
    expectError(await srv.post('/api/v1/public/guidance/signups/cancel', { ref_code: d.refs[1].ref, guardian_phone: freshPhone() }), 404, 'not_found');

    for (const [x, as] of [[a, 'county_zhangwan'], [b, 'county_zhangwan'], [c, 'county_maojian'], [d, 'city'], [f, 'county_zhangwan']]) {
      r = await srv.req('PATCH', `/api/v1/guidance/events/${x.ev.id}`, { json: { starts_at: past, ends_at: at(-1) }, as });
      expectStatus(r, 200);
    }
    expectStatus(await srv.post(`/api/v1/guidance/events/${e.ev.id}/status`, { status: 'cancelled' }, { as: 'county_zhangwan' }), 200);
    const done = async (x, as, attended) => {
      const body = attended === undefined ? { status: 'done' } : { status: 'done', attended };
      const res = await srv.post(`/api/v1/guidance/events/${x.ev.id}/status`, body, { as });
      expectStatus(res, 200);
      return res.json;
    };
    assert.equal((await done(a, 'county_zhangwan')).families_reached, 2);
    await done(b, 'county_zhangwan', 5);
    // Correcting the attendance of a done event.
    assert.equal((await done(b, 'county_zhangwan', 7)).attended, 7);
    await done(c, 'county_maojian', 0);
    await done(d, 'county_maojian');
    // A past event cannot take sign-ups any more.
    expectError(await signup(f.ev.id), 409, 'invalid_state');

    r = await srv.get(`/api/v1/guidance/reach?year=${year}`, { as: 'city' });
    expectStatus(r, 200);
    const now = Object.fromEntries(r.json.districts.map((x) => [x.district_code, x.families]));
    assert.equal(now['420303'] - before['420303'], 9);
    assert.equal(now['420302'] - before['420302'], 1);
    assert.equal(r.json.total.families, Object.values(now).reduce((s, v) => s + v, 0));
    assert.equal(r.json.districts.length, 10);
    // The county sees its own district only.
    r = await srv.get(`/api/v1/guidance/reach?year=${year}`, { as: 'county_zhangwan' });
    assert.deepEqual(r.json.districts.map((x) => x.district_code), ['420303']);
    assert.equal(r.json.total.families, now['420303']);
    expectError(await srv.get('/api/v1/guidance/reach?year=abc', { as: 'city' }), 422, 'validation_failed');
    expectError(await srv.get('/api/v1/guidance/reach', { as: zwOperatorless() }), 403, 'forbidden');

    // The county scoreboard carries the same count per 1,000 residents, with weight 0 until the city sets one.
    r = await srv.get(`/api/v1/assessment?year=${year}`, { as: 'city' });
    expectStatus(r, 200);
    const zw = r.json.districts.find((x) => x.district_code === '420303');
    const cell = zw.indicators.guidance_reach;
    assert.equal(cell.numerator, now['420303']);
    assert.equal(cell.denominator, 431859);
    assert.equal(cell.weight, 0);
    assert.ok(Math.abs(cell.value - (now['420303'] * 1000) / 431859) < 1e-3, JSON.stringify(cell));
  });
});

// The registrar is not an official: a stand-in for "anyone else".
const zwOperatorless = () => 'registrar';

describe('sign-up lists and personal data', () => {
  test('masked for officials; full for the county of the district, audited; never on public pages', async () => {
    const ev = await createEvent('county_zhangwan', { capacity: 5, title: '家庭安全照护工作坊' });
    await publish(ev.id);
    expectStatus(await signup(ev.id, { guardian_name: '欧阳明月', guardian_phone: '13712345678' }), 201);
    let r = await srv.get(`/api/v1/guidance/events/${ev.id}/signups`, { as: 'city' });
    expectStatus(r, 200);
    assert.equal(r.json.items[0].guardian_name, '欧***');
    assert.equal(r.json.items[0].guardian_phone, '137****5678');
    assert.ok(!r.text.includes('13712345678') && !r.text.includes('欧阳明月'));
    expectError(await srv.get(`/api/v1/guidance/events/${ev.id}/signups?contact=1`, { as: 'city' }), 403, 'forbidden');
    expectError(await srv.get(`/api/v1/guidance/events/${ev.id}/signups`, { as: 'county_maojian' }), 404, 'not_found');
    const audits = () => Number(sql(srv.db, `SELECT COUNT(*) FROM audit_log WHERE action = 'guidance_signups.read' AND entity_id = ${ev.id}`));
    const n0 = audits();
    r = await srv.get(`/api/v1/guidance/events/${ev.id}/signups?contact=1`, { as: 'county_zhangwan' });
    expectStatus(r, 200);
    assert.equal(r.json.items[0].guardian_name, '欧阳明月');
    assert.equal(r.json.items[0].guardian_phone, '13712345678');
    assert.equal(audits(), n0 + 1);
    // Sealed at rest: neither the name nor the phone is in the table in clear.
    assert.equal(sql(srv.db, "SELECT COUNT(*) FROM guidance_signups WHERE phone_masked = '137****5678' AND name_masked = '欧***'"), '1');
    assert.ok(!sql(srv.db, 'SELECT phone_hash FROM guidance_signups').includes('13712345678'));
    assert.ok(!sql(srv.db, "SELECT COALESCE(after, '') FROM audit_log WHERE action LIKE 'guidance_signup%'").includes('13712345678'));

    // The officials' event page: full for the county of the district (audited), masked for the city.
    const zw = await srv.login('county_zhangwan');
    let p = await srv.get(`/dash/guidance/events/${ev.id}`, { cookie: zw.cookie });
    expectStatus(p, 200);
    assert.deepEqual(tidyErrors(p.text), []);
    assert.ok(p.text.includes('13712345678'));
    assert.equal(audits(), n0 + 2);
    const city = await srv.login('city');
    p = await srv.get(`/dash/guidance/events/${ev.id}`, { cookie: city.cookie });
    assert.ok(p.text.includes('137****5678') && !p.text.includes('13712345678') && !p.text.includes('欧阳明月'));

    for (const path of ['/guidance', `/guidance/events/${ev.id}`, '/api/v1/public/guidance/events']) {
      const pub = await srv.get(path);
      expectStatus(pub, 200);
      assert.ok(!pub.text.includes('欧阳') && !pub.text.includes('13712345678'), path);
    }
  });
});

describe('articles', () => {
  test('the health unit writes and publishes; drafts stay off the portal; counties cannot write', async () => {
    let r = await srv.post('/api/v1/guidance/articles', { title: '婴儿安全睡眠六要点', summary: '仰卧、独立睡床、不捂热。', body: '第一段：仰卧睡。\n\n第二段：<script>alert(1)</script> 不要趴睡。', author_unit: '十堰市妇幼保健院' }, { as: 'unit_health' });
    expectStatus(r, 201);
    const art = r.json;
    assert.equal(art.status, 'draft');
    expectStatus(await srv.get(`/guidance/articles/${art.id}`), 404);
    expectError(await srv.post('/api/v1/guidance/articles', { title: 't', summary: 's', body: 'b', author_unit: 'u' }, { as: 'county_zhangwan' }), 403, 'forbidden');
    expectError(await srv.post('/api/v1/guidance/articles', { title: 't', summary: 's', body: 'b', author_unit: 'u' }, { as: 'unit_civil' }), 403, 'forbidden');
    const bad = expectError(await srv.post('/api/v1/guidance/articles', { title: '', summary: 's', body: 7, status: 'live' }, { as: 'city' }), 422, 'validation_failed');
    assert.deepEqual(bad.fields.map((f) => f.field).sort(), ['author_unit', 'body', 'status', 'title']);
    r = await srv.req('PATCH', `/api/v1/guidance/articles/${art.id}`, { json: { status: 'published', version: art.version }, as: 'unit_health' });
    expectStatus(r, 200);
    assert.ok(r.json.published_on);
    r = await srv.get('/api/v1/public/guidance/articles');
    assert.ok(r.json.items.some((x) => x.id === art.id));
    const page = await srv.get(`/guidance/articles/${art.id}`);
    expectStatus(page, 200);
    assert.deepEqual(tidyErrors(page.text), []);
    assert.ok(page.text.includes('&lt;script&gt;') && !page.text.includes('<script>alert'));
    assert.equal((page.text.match(/<p>第/g) || []).length, 2);
  });
});

describe('pages', () => {
  test('the portal sign-up works through the form with the CAPTCHA; full and duplicate come back 409', async () => {
    const ev = await createEvent('county_zhangwan', { capacity: 1, title: '社区亲子阅读课' });
    await publish(ev.id);
    const list = await srv.get('/guidance');
    expectStatus(list, 200);
    assert.deepEqual(tidyErrors(list.text), []);
    assert.ok(list.text.includes('社区亲子阅读课') && list.text.includes('name="viewport"'));
    const page = await srv.get(`/guidance/events/${ev.id}`);
    expectStatus(page, 200);
    assert.deepEqual(tidyErrors(page.text), []);
    assert.ok(page.text.includes('剩余'));
    const token = page.text.match(/name="captcha_token" value="([^"]*)"/)[1];
    sql(srv.db, 'UPDATE guidance_signups SET ip_hash = NULL');
    const form = { guardian_name: '周女士', guardian_phone: '138 0000 2222', children: '2', child_age_band: 'under1', captcha_token: token, captcha_answer: ANSWER };
    // Missing fields first: the form comes back 422 naming them, typed values kept.
    const bad = await srv.req('POST', `/guidance/events/${ev.id}`, { body: new URLSearchParams({ ...form, guardian_phone: 'x', children: '9' }) });
    assert.equal(bad.status, 422, show(bad));
    assert.deepEqual(tidyErrors(bad.text), []);
    assert.ok(bad.text.includes('guardian_phone') && bad.text.includes('children') && bad.text.includes('周女士'));
    const fresh = bad.text.match(/name="captcha_token" value="([^"]*)"/)[1];
    const ok = await srv.req('POST', `/guidance/events/${ev.id}`, { body: new URLSearchParams({ ...form, captcha_token: fresh }) });
    assert.equal(ok.status, 201, show(ok));
    assert.deepEqual(tidyErrors(ok.text), []);
    assert.match(ok.text, /GD[A-Z2-9]{8}/);
    assert.ok(!ok.text.includes('13800002222'));
    // Full now: the page says so and shows no form; a stale form posted anyway is 409 with the message.
    const full = await srv.get(`/guidance/events/${ev.id}`);
    assert.ok(full.text.includes('名额已满') && !full.text.includes('captcha_token'));
    const tok2 = (await srv.get('/api/v1/public/captcha')).json.token;
    const again = await srv.req('POST', `/guidance/events/${ev.id}`, { body: new URLSearchParams({ ...form, guardian_phone: '13800003333', captcha_token: tok2 }) });
    assert.equal(again.status, 409, show(again));
    assert.deepEqual(tidyErrors(again.text), []);
    assert.ok(again.text.includes('名额已满'));
  });

  test('officials\' pages are valid and their forms create and move events', async () => {
    for (const who of ['city', 'county_zhangwan', 'auditor', 'unit_health']) {
      const s = who === 'admin' ? null : await srv.login(who);
      if (!s) continue;
      const p = await srv.get('/dash/guidance', { cookie: s.cookie });
      assert.equal(p.status, 200, `${who}: ${show(p)}`);
      assert.deepEqual(tidyErrors(p.text), [], who);
    }
    const s = await srv.login('county_zhangwan');
    const noCsrf = await srv.req('POST', '/dash/guidance/event', { cookie: s.cookie, body: new URLSearchParams({ title: 'x' }) });
    assert.equal(noCsrf.status, 403);
    const bad = await srv.req('POST', '/dash/guidance/event', { cookie: s.cookie, body: new URLSearchParams({ csrf: s.csrf, title: '', kind: 'course', venue_kind: 'community', venue: '', starts_at: '', ends_at: at(5), capacity: '0' }) });
    assert.equal(bad.status, 422, show(bad));
    assert.deepEqual(tidyErrors(bad.text), []);
    for (const f of ['starts_at', 'capacity']) assert.ok(bad.text.includes(`<code>${f}</code>`), f);
    const good = await srv.req('POST', '/dash/guidance/event', { cookie: s.cookie, body: new URLSearchParams({ csrf: s.csrf, title: '婴幼儿意外伤害预防讲座', kind: 'event', venue_kind: 'community', venue: '张湾区车城路街道社区服务中心', starts_at: at(72), ends_at: at(74), capacity: '30', expert_id: '', description: '' }) });
    assert.equal(good.status, 303, (good.text.match(/<div class="errors"[\s\S]*?<\/div>/) || [good.text])[0]);
    const id = Number(sql(srv.db, "SELECT MAX(id) FROM guidance_events WHERE title = '婴幼儿意外伤害预防讲座'"));
    assert.equal(sql(srv.db, `SELECT district_code || '/' || status FROM guidance_events WHERE id = ${id}`), '420303/draft');
    const pub = await srv.req('POST', `/dash/guidance/event-status/${id}`, { cookie: s.cookie, body: new URLSearchParams({ csrf: s.csrf, status: 'published' }) });
    assert.equal(pub.status, 303, show(pub));
    const m = await srv.login('county_maojian');
    const other = await srv.req('POST', `/dash/guidance/event-status/${id}`, { cookie: m.cookie, body: new URLSearchParams({ csrf: m.csrf, status: 'cancelled' }) });
    assert.equal(other.status, 403);
    const u = await srv.login('unit_health');
    const ex = await srv.req('POST', '/dash/guidance/expert', { cookie: u.cookie, body: new URLSearchParams({ csrf: u.csrf, name: '黄婷', expert_title: '主管护师', organisation: '国药东风总医院', speciality: '新生儿护理', expert_district: '' }) });
    assert.equal(ex.status, 303, show(ex));
    const art = await srv.req('POST', '/dash/guidance/article', { cookie: u.cookie, body: new URLSearchParams({ csrf: u.csrf, article_title: '', summary: '', author_unit: '市卫健委', body: '' }) });
    assert.equal(art.status, 422, show(art));
    assert.ok(art.text.includes('<code>article_title</code>'));
  });
});
