// Facilities (服务供给): communities with and without a childcare facility and the coverage the 2025 goal is
// measured by; new residential projects whose facility is built, accepted with the housing and handed over to
// the county education or health bureau, late ones flagged under a pinned clock; mother-and-baby rooms and the
// portal's list of open ones. Territory (county officials write only in their district: 403), versions (409),
// the workflow (409 invalid_state) and 422s naming every bad field.
import assert from 'node:assert/strict';
import test, { after, before, describe } from 'node:test';
import { Server, errorFields, expectError, expectStatus, sql, tidyErrors } from './harness.mjs';

delete process.env.TUOYU_FAKE_NOW;

let srv;
const ZW = '420303';
const MJ = '420302';

let serial = 0;
const community = (over = {}) => ({
  code: `4203030${String(++serial).padStart(5, '0')}`,
  name: `测试社区${serial}`,
  street: '车城路街道',
  kind: 'community',
  urban: true,
  ...over,
});
const project = (over = {}) => ({
  name: `测试小区${++serial}`,
  developer: '十堰某置业有限公司',
  homes: 1200,
  facility_area_m2: 480,
  facility_form: 'standalone',
  housing_delivery_day: '2030-01-01',
  ...over,
});
const room = (over = {}) => ({
  name: `母婴室${++serial}`,
  organisation: '东风汽车某厂',
  place_kind: 'workplace',
  address: '张湾区车城路 1 号',
  area_m2: 12,
  status: 'open',
  promoted_by: 'union',
  ...over,
});

const create = async (s, path, body, as) => {
  const res = await s.post(path, body, { as });
  expectStatus(res, 201);
  return res.json;
};
const patch = (s, path, body, as) => s.req('PATCH', path, { json: body, as });
const move = (s, id, body, as = 'county_zhangwan') => s.post(`/api/v1/residential-projects/${id}/status`, body, { as });

before(async () => {
  srv = await Server.start({ name: 'facilities' });
  await srv.addUser('union_officer', 'unit_officer', { unit: 'trade_union' });
  await srv.addUser('edu_officer', 'unit_officer', { unit: 'education' });
});

after(async () => {
  await srv?.stop();
});

describe('communities and coverage', () => {
  test('coverage per district and for the city equals the hand count; rural apart', async () => {
    // 张湾区: urban 4 (2 with a facility), rural 3 (1 with); 茅箭区: urban 2 (both with).
    const zw = [];
    for (const [urban, has] of [[true, true], [true, true], [true, false], [true, false], [false, true], [false, false], [false, false]])
      zw.push(await create(srv, '/api/v1/communities', community({ urban, has_facility: has, kind: urban ? 'community' : 'village' }), 'county_zhangwan'));
    assert.equal(zw[0].district_code, ZW); // the county's own district by default
    for (let i = 0; i < 2; i++)
      await create(srv, '/api/v1/communities', community({ district_code: MJ, has_facility: true }), 'city');

    let res = await srv.get(`/api/v1/facilities/coverage?district=${ZW}`, { as: 'city' });
    expectStatus(res, 200);
    assert.equal(res.json.items.length, 1);
    let z = res.json.items[0];
    assert.deepEqual(z.urban, { total: 4, with_facility: 2, share: 0.5 });
    assert.equal(z.rural.total, 3);
    assert.equal(z.rural.with_facility, 1);
    assert.equal(z.rural.share, 0.333);

    res = await srv.get('/api/v1/facilities/coverage', { as: 'auditor' });
    expectStatus(res, 200);
    assert.equal(res.json.items.length, 10);
    assert.deepEqual(res.json.total.urban, { total: 6, with_facility: 4, share: 0.666 });
    assert.equal(res.json.total.rural.total, 3);
    const mj = res.json.items.find((x) => x.district_code === MJ);
    assert.equal(mj.urban.share, 1);
    assert.equal(mj.goal, 'met');
    const empty = res.json.items.find((x) => x.district_code === '420325');
    assert.equal(empty.urban.share, null);
    assert.equal(empty.goal, 'na');

    // A county official's coverage is its own district by default.
    res = await srv.get('/api/v1/facilities/coverage', { as: 'county_zhangwan' });
    assert.deepEqual(res.json.items.map((x) => x.district_code), [ZW]);

    // Giving the third urban community a facility moves the share to 3/4; a stale version is refused.
    const c = zw[2];
    res = await patch(srv, `/api/v1/communities/${c.id}`, { version: c.version, has_facility: true, facility_note: '社区托育点' }, 'county_zhangwan');
    expectStatus(res, 200);
    assert.equal(res.json.has_facility, true);
    assert.equal(res.json.version, c.version + 1);
    expectError(await patch(srv, `/api/v1/communities/${c.id}`, { version: c.version, name: '改名' }, 'county_zhangwan'), 409, 'version_conflict');
    res = await srv.get(`/api/v1/facilities/coverage?district=${ZW}`, { as: 'county_zhangwan' });
    assert.deepEqual(res.json.items[0].urban, { total: 4, with_facility: 3, share: 0.75 });

    // The lists: filters and the county's default district.
    res = await srv.get('/api/v1/communities?urban=1&has_facility=0', { as: 'county_zhangwan' });
    expectStatus(res, 200);
    assert.equal(res.json.total, 1);
    assert.equal(res.json.items[0].id, zw[3].id);
    res = await srv.get(`/api/v1/communities?district=${MJ}`, { as: 'county_zhangwan' });
    assert.equal(res.json.total, 2);
    expectError(await srv.get('/api/v1/communities?district=999999&urban=2', { as: 'city' }), 422, 'validation_failed');
  });

  test('a county official cannot write in another district (403); a duplicate code is 422', async () => {
    expectError(await srv.post('/api/v1/communities', community({ district_code: MJ }), { as: 'county_zhangwan' }), 403, 'forbidden');
    const mj = await create(srv, '/api/v1/communities', community({ district_code: MJ }), 'county_maojian');
    expectError(await patch(srv, `/api/v1/communities/${mj.id}`, { version: mj.version, has_facility: true }, 'county_zhangwan'), 403, 'forbidden');
    expectError(await srv.post('/api/v1/communities', community(), { as: 'auditor' }), 403, 'forbidden');
    const res = await srv.post('/api/v1/communities', community({ code: mj.code, district_code: ZW }), { as: 'city' });
    expectError(res, 422, 'validation_failed');
    assert.deepEqual(errorFields(res), ['code']);
    expectError(await patch(srv, '/api/v1/communities/999999', { version: 1 }, 'city'), 404, 'not_found');
  });

  test('bad input is 422 naming every field', async () => {
    let res = await srv.post('/api/v1/communities', { code: 12, name: '', kind: 'town', urban: 'yes', extra: 1 }, { as: 'city' });
    expectError(res, 422, 'validation_failed');
    assert.deepEqual(errorFields(res).sort(), ['code', 'district_code', 'extra', 'kind', 'name', 'street', 'urban']);
    // Checks past the types: unknown district, a code with a space, a blank name.
    res = await srv.post('/api/v1/communities', community({ district_code: '999999', code: 'a b', name: '   ' }), { as: 'city' });
    expectError(res, 422, 'validation_failed');
    assert.deepEqual(errorFields(res).sort(), ['code', 'district_code', 'name']);
    res = await patch(srv, '/api/v1/communities/1', { urban: 1, kind: 'x' }, 'city');
    assert.deepEqual(errorFields(res).sort(), ['kind', 'urban', 'version']);

    res = await srv.post('/api/v1/residential-projects', {}, { as: 'city' });
    expectError(res, 422, 'validation_failed');
    assert.deepEqual(errorFields(res).sort(),
      ['developer', 'district_code', 'facility_area_m2', 'facility_form', 'homes', 'housing_delivery_day', 'name']);
    res = await srv.post('/api/v1/residential-projects', project({ homes: 0, facility_area_m2: -1, facility_form: 'x', housing_delivery_day: '2030-02-30', community_id: 0 }), { as: 'county_zhangwan' });
    assert.deepEqual(errorFields(res).sort(), ['community_id', 'facility_area_m2', 'facility_form', 'homes', 'housing_delivery_day']);

    res = await srv.post('/api/v1/mother-baby-rooms', { place_kind: 'home', status: 'gone', promoted_by: 'me', area_m2: 0 }, { as: 'city' });
    expectError(res, 422, 'validation_failed');
    assert.deepEqual(errorFields(res).sort(),
      ['address', 'area_m2', 'district_code', 'name', 'organisation', 'place_kind', 'promoted_by', 'status']);

    res = await move(srv, 1, { status: 'done', day: 'tomorrow', handed_to: 'police', extra: true });
    assert.deepEqual(errorFields(res).sort(), ['day', 'extra', 'handed_to', 'status']);
  });
});

describe('residential projects', () => {
  test('planned → built → accepted → handed over; wrong steps 409, handed over without handed_to 422', async () => {
    const p = await create(srv, '/api/v1/residential-projects', project(), 'county_zhangwan');
    assert.equal(p.status, 'planned');
    assert.equal(p.district_code, ZW);
    assert.equal(p.late, false);

    let e = expectError(await move(srv, p.id, { status: 'accepted' }), 409, 'invalid_state');
    assert.match(e.message, /规划中/);
    expectError(await move(srv, p.id, { status: 'planned' }), 409, 'invalid_state');
    expectError(await move(srv, p.id, { status: 'built' }, 'county_maojian'), 403, 'forbidden');
    expectError(await move(srv, p.id, { status: 'built' }, 'auditor'), 403, 'forbidden');
    let res = await move(srv, p.id, { status: 'built', day: '2999-01-01' });
    expectError(res, 422, 'validation_failed');
    assert.deepEqual(errorFields(res), ['day']);

    res = await move(srv, p.id, { status: 'built', day: '2024-05-01', version: p.version });
    expectStatus(res, 200);
    assert.equal(res.json.status, 'built');
    assert.equal(res.json.built_day, '2024-05-01');
    expectError(await move(srv, p.id, { status: 'accepted', version: p.version }), 409, 'version_conflict');
    expectError(await move(srv, p.id, { status: 'built' }), 409, 'invalid_state');
    res = await move(srv, p.id, { status: 'accepted', day: '2024-04-01' });
    assert.deepEqual(errorFields(res), ['day']); // before the build
    res = await move(srv, p.id, { status: 'accepted', day: '2024-06-01', handed_to: 'health' });
    assert.deepEqual(errorFields(res), ['handed_to']); // only on handover
    res = await move(srv, p.id, { status: 'accepted', day: '2024-06-01' }, 'city');
    expectStatus(res, 200);
    assert.equal(res.json.accepted_day, '2024-06-01');

    res = await move(srv, p.id, { status: 'handed_over', day: '2024-07-01' });
    expectError(res, 422, 'validation_failed');
    assert.deepEqual(errorFields(res), ['handed_to']);
    res = await move(srv, p.id, { status: 'handed_over', day: '2024-07-01', handed_to: 'education' });
    assert.deepEqual(errorFields(res), ['handed_to']); // a standalone facility goes to health
    res = await move(srv, p.id, { status: 'handed_over', day: '2024-07-01', handed_to: 'health' });
    expectStatus(res, 200);
    assert.equal(res.json.status, 'handed_over');
    assert.equal(res.json.handed_to, 'health');
    assert.equal(res.json.handed_over_day, '2024-07-01');
    expectError(await move(srv, p.id, { status: 'handed_over', handed_to: 'health' }), 409, 'invalid_state');

    res = await srv.get(`/api/v1/residential-projects/${p.id}`, { as: 'auditor' });
    expectStatus(res, 200);
    assert.equal(res.json.status, 'handed_over');

    // Details can be corrected (version checked), but not the form of a facility already handed over.
    const v = res.json.version;
    res = await patch(srv, `/api/v1/residential-projects/${p.id}`, { version: v, homes: 1250, note: '规划调整' }, 'county_zhangwan');
    expectStatus(res, 200);
    assert.equal(res.json.homes, 1250);
    assert.equal(res.json.note, '规划调整');
    assert.equal(res.json.status, 'handed_over');
    expectError(await patch(srv, `/api/v1/residential-projects/${p.id}`, { version: v, homes: 1 }, 'city'), 409, 'version_conflict');
    res = await patch(srv, `/api/v1/residential-projects/${p.id}`, { version: v + 1, facility_form: 'with_kindergarten', homes: 0, status: 'planned' }, 'city');
    assert.deepEqual(errorFields(res).sort(), ['homes', 'status']);
    res = await patch(srv, `/api/v1/residential-projects/${p.id}`, { version: v + 1, facility_form: 'with_kindergarten' }, 'city');
    assert.deepEqual(errorFields(res), ['facility_form']);
    expectError(await patch(srv, `/api/v1/residential-projects/${p.id}`, { version: v + 1, homes: 2 }, 'county_maojian'), 403, 'forbidden');
    expectError(await srv.get('/api/v1/residential-projects/999999', { as: 'city' }), 404, 'not_found');
  });

  test('territory: a county official cannot register in another district; the community must be in it', async () => {
    expectError(await srv.post('/api/v1/residential-projects', project({ district_code: MJ }), { as: 'county_zhangwan' }), 403, 'forbidden');
    const mjc = await create(srv, '/api/v1/communities', community({ district_code: MJ }), 'city');
    const res = await srv.post('/api/v1/residential-projects', project({ community_id: mjc.id }), { as: 'county_zhangwan' });
    assert.deepEqual(errorFields(res), ['community_id']);
    const p = await create(srv, '/api/v1/residential-projects', project({ district_code: MJ, community_id: mjc.id, facility_form: 'with_kindergarten' }), 'city');
    assert.equal(p.community_name, mjc.name);
    const list = await srv.get(`/api/v1/residential-projects?district=${MJ}&status=planned`, { as: 'county_zhangwan' });
    assert.ok(list.json.items.some((x) => x.id === p.id));
    expectError(await srv.get('/api/v1/residential-projects?status=x&late=3', { as: 'city' }), 422, 'validation_failed');
  });
});

describe('mother-and-baby rooms', () => {
  test('register, edit, unit officers for their unit, and the portal shows open rooms only', async () => {
    const open = await create(srv, '/api/v1/mother-baby-rooms', room({ name: '东风公司母婴室' }), 'county_zhangwan');
    assert.equal(open.district_code, ZW);
    assert.ok(open.opened_day); // opens today when not given
    // The city names the district.
    assert.deepEqual(errorFields(await srv.post('/api/v1/mother-baby-rooms', room(), { as: 'city' })), ['district_code']);
    const p2 = await create(srv, '/api/v1/mother-baby-rooms', room({ district_code: ZW, name: '建设中的母婴室', status: 'planned', place_kind: 'public' }), 'city');
    const closing = await create(srv, '/api/v1/mother-baby-rooms', room({ district_code: ZW, name: '将关闭的母婴室', promoted_by: 'women_federation' }), 'city');
    let res = await patch(srv, `/api/v1/mother-baby-rooms/${closing.id}`, { version: closing.version, status: 'closed' }, 'county_zhangwan');
    expectStatus(res, 200);
    assert.equal(res.json.status, 'closed');
    expectError(await patch(srv, `/api/v1/mother-baby-rooms/${closing.id}`, { version: closing.version, status: 'open' }, 'county_zhangwan'), 409, 'version_conflict');
    expectError(await srv.post('/api/v1/mother-baby-rooms', room({ district_code: MJ }), { as: 'county_zhangwan' }), 403, 'forbidden');

    // The trade union's officer registers rooms the union promotes, anywhere; not the women's federation's.
    const u = await create(srv, '/api/v1/mother-baby-rooms', room({ district_code: MJ, name: '工会推动的母婴室', promoted_by: undefined }), 'union_officer');
    assert.equal(u.promoted_by, 'union');
    res = await srv.post('/api/v1/mother-baby-rooms', room({ district_code: MJ, promoted_by: 'women_federation' }), { as: 'union_officer' });
    assert.deepEqual(errorFields(res), ['promoted_by']);
    expectError(await patch(srv, `/api/v1/mother-baby-rooms/${closing.id}`, { version: 2, name: 'x' }, 'union_officer'), 403, 'forbidden');
    expectError(await srv.post('/api/v1/mother-baby-rooms', room({ district_code: MJ }), { as: 'edu_officer' }), 403, 'forbidden');
    res = await srv.get('/api/v1/mother-baby-rooms?status=open', { as: 'union_officer' });
    expectStatus(res, 200);
    assert.ok(res.json.items.every((x) => x.status === 'open'));

    res = await srv.get(`/api/v1/facilities/coverage?district=${ZW}`, { as: 'city' });
    assert.deepEqual(res.json.items[0].rooms, { open: 1, total: 3 });

    // The portal: anonymous, open rooms only.
    res = await srv.get('/mother-baby-rooms');
    expectStatus(res, 200);
    assert.deepEqual(tidyErrors(res.text), []);
    assert.ok(res.text.includes('东风公司母婴室'));
    assert.ok(res.text.includes('工会推动的母婴室'));
    assert.ok(!res.text.includes(p2.name));
    assert.ok(!res.text.includes('将关闭的母婴室'));
    res = await srv.get(`/mother-baby-rooms?district=${MJ}`);
    assert.ok(res.text.includes('工会推动的母婴室'));
    assert.ok(!res.text.includes('东风公司母婴室'));
  });
});

describe('pages', () => {
  test('/dash/facilities renders for officials; its forms write and a refused form shows every field', async () => {
    for (const who of ['city', 'county_zhangwan', 'auditor']) {
      const res = await srv.get('/dash/facilities', { as: who });
      expectStatus(res, 200);
      assert.deepEqual(tidyErrors(res.text), [], who);
      assert.ok(res.text.includes('覆盖率'));
    }
    const filtered = await srv.get(`/dash/facilities?district=${MJ}&project_status=planned&urban=1&has_facility=1&room_status=open`, { as: 'city' });
    expectStatus(filtered, 200);
    assert.deepEqual(tidyErrors(filtered.text), []);
    expectStatus(await srv.get('/dash/facilities', { as: 'registrar' }), 403);

    const s = await srv.login('county_zhangwan');
    const post = (path, form) => srv.req('POST', path, { cookie: s.cookie, body: new URLSearchParams({ csrf: s.csrf, ...form }) });
    let res = await post('/dash/facilities/community', { district_code: ZW, code: '', name: '', street: '', kind: 'community', urban: '1' });
    assert.equal(res.status, 422);
    assert.deepEqual(tidyErrors(res.text), []);
    for (const f of ['code', 'name', 'street']) assert.ok(res.text.includes(`<code>${f}</code>：`), f);
    res = await post('/dash/facilities/community', { district_code: ZW, code: '420303999001', name: '页面社区', street: '红卫街道', kind: 'community', urban: '1', has_facility: '1' });
    assert.equal(res.status, 303);
    res = await post('/dash/facilities/community', { district_code: MJ, code: '420302999001', name: '别区社区', street: '五堰街道', kind: 'community', urban: '1' });
    assert.equal(res.status, 403);
    res = await post('/dash/facilities/project', { district_code: ZW, name: '页面小区', developer: '某公司', homes: 'many', facility_area_m2: '300', facility_form: 'standalone', housing_delivery_day: '2030-13-01' });
    assert.equal(res.status, 422);
    assert.ok(res.text.includes("<code>homes</code>："));
    assert.equal(res.text.split('<code>housing_delivery_day</code>').length, 2); // once, not twice
    assert.equal(res.text.split('<code>homes</code>').length, 2);
    res = await post('/dash/facilities/project', { district_code: ZW, name: '页面小区', developer: '某公司', homes: '800', facility_area_m2: '300', facility_form: 'with_kindergarten', housing_delivery_day: '2030-06-01' });
    assert.equal(res.status, 303);
    const list = await srv.get('/api/v1/residential-projects?status=planned', { as: 'county_zhangwan' });
    const pg = list.json.items.find((x) => x.name === '页面小区');
    res = await post('/dash/facilities/project-status', { id: String(pg.id), version: String(pg.version), to: 'accepted', day: '2024-01-01' });
    assert.equal(res.status, 409);
    res = await post('/dash/facilities/project-status', { id: String(pg.id), version: String(pg.version), to: 'built', day: '2024-01-01' });
    assert.equal(res.status, 303);
    const edit = await srv.get(`/dash/facilities?project=${pg.id}`, { as: 'county_zhangwan' });
    assert.ok(edit.text.includes('编辑新建居住区'));
    assert.deepEqual(tidyErrors(edit.text), []);
    const built = (await srv.get(`/api/v1/residential-projects/${pg.id}`, { as: 'city' })).json;
    const details = { id: String(pg.id), version: String(built.version), name: '页面小区（二期）', developer: '某公司', community_id: '', homes: '', facility_area_m2: '300', facility_form: 'with_kindergarten', housing_delivery_day: '2030-06-01', note: '' };
    res = await post('/dash/facilities/project', details);
    assert.equal(res.status, 422);
    assert.ok(res.text.includes('<code>homes</code>：'));
    assert.ok(res.text.includes('编辑新建居住区')); // the edit form again
    res = await post('/dash/facilities/project', { ...details, homes: '820' });
    assert.equal(res.status, 303);
    assert.equal((await srv.get(`/api/v1/residential-projects/${pg.id}`, { as: 'city' })).json.homes, 820);
    res = await post('/dash/facilities/room', { district_code: ZW, name: '页面母婴室', organisation: '十堰市某医院', place_kind: 'public', address: '张湾区人民路', area_m2: '15', status: 'open', promoted_by: 'health' });
    assert.equal(res.status, 303);
    const page = await srv.get('/dash/facilities', { as: 'county_zhangwan' });
    assert.ok(page.text.includes('页面社区'));
    assert.ok(page.text.includes('页面母婴室'));
    assert.deepEqual(tidyErrors(page.text), []);
  });
});

// ---- Time: lateness under a pinned clock ----

test('late: housing delivered without an accepted facility, or accepted and not handed over in 90 days', async () => {
  const day = (s) => Date.parse(`${s}T02:00:00Z`) / 1000; // 10:00 CST
  process.env.TUOYU_FAKE_NOW = String(day('2026-03-02'));
  const s2 = await Server.start({ name: 'facilities-clock' });
  const relaunch = async (d) => {
    await s2.stop();
    process.env.TUOYU_FAKE_NOW = String(day(d));
    await s2.launch();
  };
  const get = async (id) => (await s2.get(`/api/v1/residential-projects/${id}`, { as: 'city' })).json;
  const lateCount = async () => (await s2.get(`/api/v1/facilities/coverage?district=${ZW}`, { as: 'city' })).json.items[0].projects.late;
  try {
    const p = await create(s2, '/api/v1/residential-projects', project({ housing_delivery_day: '2026-03-10' }), 'county_zhangwan');
    const q = await create(s2, '/api/v1/residential-projects', project({ housing_delivery_day: '2026-03-20' }), 'county_zhangwan');
    expectStatus(await move(s2, p.id, { status: 'built', day: '2026-03-01' }), 200);
    assert.equal((await get(p.id)).late, false);
    // 2025 has passed and 张湾区 has an urban community without a facility: the goal is missed.
    await create(s2, '/api/v1/communities', community(), 'county_zhangwan');
    assert.equal((await s2.get(`/api/v1/facilities/coverage?district=${ZW}`, { as: 'city' })).json.items[0].goal, 'missed');

    await relaunch('2026-03-10'); // the delivery day itself: due, not late
    assert.equal((await get(p.id)).late, false);
    await relaunch('2026-03-11');
    let x = await get(p.id);
    assert.equal(x.late, true);
    assert.equal(x.late_reason, 'not_accepted');
    assert.equal((await get(q.id)).late, false);
    assert.equal(await lateCount(), 1);
    let res = await s2.get('/api/v1/residential-projects?late=1', { as: 'county_zhangwan' });
    assert.deepEqual(res.json.items.map((i) => i.id), [p.id]);
    const page = await s2.get('/dash/facilities', { as: 'county_zhangwan' });
    assert.ok(page.text.includes('逾期'));
    assert.deepEqual(tidyErrors(page.text), []);

    expectStatus(await move(s2, p.id, { status: 'accepted', day: '2026-03-11' }), 200);
    assert.equal((await get(p.id)).late, false);
    await relaunch('2026-06-09'); // accepted + 90 days: still in time
    assert.equal((await get(p.id)).late, false);
    assert.equal((await get(q.id)).late, true); // planned, housing delivered on 2026-03-20
    await relaunch('2026-06-10');
    x = await get(p.id);
    assert.equal(x.late, true);
    assert.equal(x.late_reason, 'not_handed_over');
    assert.equal(await lateCount(), 2);
    expectStatus(await move(s2, p.id, { status: 'handed_over', day: '2026-06-10', handed_to: 'health' }), 200);
    assert.equal((await get(p.id)).late, false);
    assert.equal(await lateCount(), 1);

    // The handover allowance is a local setting: 5 days instead of 90 makes a project accepted 9 days ago late.
    const w = await create(s2, '/api/v1/residential-projects', project({ housing_delivery_day: '2026-12-01' }), 'county_zhangwan');
    expectStatus(await move(s2, w.id, { status: 'built', day: '2026-05-20' }), 200);
    expectStatus(await move(s2, w.id, { status: 'accepted', day: '2026-06-01' }), 200);
    assert.equal((await get(w.id)).late, false);
    sql(s2.db, "INSERT INTO settings (key, value) VALUES ('facilities.handover_days', '5')");
    x = await get(w.id);
    assert.equal(x.late, true);
    assert.equal(x.late_reason, 'not_handed_over');
    assert.equal((await s2.get('/api/v1/facilities/coverage', { as: 'city' })).json.handover_days, 5);
  } finally {
    delete process.env.TUOYU_FAKE_NOW;
    await s2.stop();
    await s2.cleanup();
  }
});
