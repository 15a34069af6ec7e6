// Meetings, resolutions and notices of the joint meeting (联席会议), and the units' inbox. The office (city
// officials, the officers of 市卫健委) plans and records meetings, sets resolutions and sends notices; a unit
// follows up the resolutions it owns and reads its notices (the first reader marks it read for the unit).
// Overdue resolutions are checked by restarting the server with a later clock (TUOYU_FAKE_NOW).
// Per route: the roles allowed, 403 for a wrong role or a unit that is not the office, 404 for what a unit
// does not see, 422 naming each bad field, 409 for a move the workflow refuses.
import assert from 'node:assert/strict';
import test, { after, before, describe } from 'node:test';
import { Server, errorFields, expectError, show, tidyErrors } from './harness.mjs';

// 10:00 China time on a day, as TUOYU_FAKE_NOW (epoch seconds).
const at = (y, m, d) => String(Math.floor(Date.UTC(y, m - 1, d, 2) / 1000));
const saved = process.env.TUOYU_FAKE_NOW;

let srv;
const UNITS = {
  unit_health: 'health_commission',
  unit_education: 'education',
  unit_education2: 'education',
  unit_civil: 'civil_affairs',
  unit_zhangwan: 'county_zhangwan',
};

async function relaunch(now) {
  await srv.stop();
  process.env.TUOYU_FAKE_NOW = now;
  await srv.launch();
}

before(async () => {
  process.env.TUOYU_FAKE_NOW = at(2026, 5, 10);
  srv = await Server.start({ name: 'meetings' });
  for (const [name, unit] of Object.entries(UNITS)) await srv.addUser(name, 'unit_officer', { unit });
});

after(async () => {
  if (saved === undefined) delete process.env.TUOYU_FAKE_NOW;
  else process.env.TUOYU_FAKE_NOW = saved;
  await srv?.cleanup();
});

const plenary = {
  kind: 'plenary',
  title: '2026 年第一次全体会议',
  held_on: '2026-05-08',
  location: '市卫健委三楼会议室',
  agenda: '通报进展，部署年度工作。',
};

async function newMeeting(body = plenary, as = 'city') {
  const res = await srv.post('/api/v1/meetings', body, { as });
  assert.equal(res.status, 201, show(res));
  return res.json;
}

async function held(body = plenary) {
  const m = await newMeeting(body);
  const rec = await srv.post(
    `/api/v1/meetings/${m.id}/record`,
    { held_on: body.held_on, minutes: '会议纪要正文。', attended: m.units.slice(0, 2).map((u) => u.code) },
    { as: 'city' }
  );
  assert.equal(rec.status, 200, show(rec));
  return rec.json;
}

const resolve = (id, body, as = 'city') => srv.post(`/api/v1/meetings/${id}/resolutions`, body, { as });

describe('meetings', () => {
  test('a unit that is not the office cannot create meetings (403); nor can county officials', async () => {
    expectError(await srv.post('/api/v1/meetings', plenary, { as: 'unit_education' }), 403, 'forbidden');
    expectError(await srv.post('/api/v1/meetings', plenary, { as: 'county_zhangwan' }), 403, 'forbidden');
    expectError(await srv.post('/api/v1/meetings', plenary, { as: 'auditor' }), 403, 'forbidden');
  });

  test('the office plans a plenary meeting for every member unit; the office unit officer may too', async () => {
    const m = await newMeeting();
    assert.equal(m.status, 'planned');
    assert.equal(m.units.length, 19, 'every member unit is invited');
    assert.ok(m.units.every((u) => u.attended === null));
    const t = await newMeeting(
      { ...plenary, kind: 'liaison', title: '联络员会议', units: ['education', 'county_zhangwan'] },
      'unit_health'
    );
    assert.deepEqual(t.units.map((u) => u.code).sort(), ['county_zhangwan', 'education']);
  });

  test('422 names each bad field of a new meeting', async () => {
    const res = await srv.post(
      '/api/v1/meetings',
      { kind: 'party', title: '', held_on: '2026-02-30', location: '  ', agenda: 'x'.repeat(2001), units: ['nope', 5], extra: 1 },
      { as: 'city' }
    );
    expectError(res, 422, 'validation_failed');
    const f = errorFields(res);
    for (const k of ['kind', 'title', 'held_on', 'agenda', 'units[1]', 'extra']) assert.ok(f.includes(k), `${k} in ${f}`);
    const res2 = await srv.post('/api/v1/meetings', { ...plenary, kind: 'topic', held_on: '2029-01-01', location: '  ' }, { as: 'city' });
    expectError(res2, 422, 'validation_failed');
    assert.deepEqual(errorFields(res2).sort(), ['held_on', 'location', 'units']);
    const res3 = await srv.post('/api/v1/meetings', { ...plenary, kind: 'topic', units: ['education', 'no_such_unit'] }, { as: 'city' });
    expectError(res3, 422, 'validation_failed');
    assert.deepEqual(errorFields(res3), ['units[1]']);
  });

  test('at most two plenary meetings a year (422 kind)', async () => {
    await newMeeting({ ...plenary, held_on: '2026-11-20' }); // the year's second (one planned above)
    const res = await srv.post('/api/v1/meetings', { ...plenary, held_on: '2026-12-01' }, { as: 'city' });
    expectError(res, 422, 'validation_failed');
    assert.deepEqual(errorFields(res), ['kind']);
    await newMeeting({ ...plenary, held_on: '2027-03-01' }); // another year
  });

  test('recording: the office only, planned → held once, every bad field named', async () => {
    const m = await newMeeting({ ...plenary, kind: 'topic', units: ['education', 'civil_affairs'] });
    const url = `/api/v1/meetings/${m.id}/record`;
    const body = { held_on: '2026-05-09', minutes: '纪要。', attended: ['education'] };
    expectError(await srv.post(url, body, { as: 'unit_education' }), 403, 'forbidden');
    expectError(await srv.post(url, body, { as: 'county_zhangwan' }), 403, 'forbidden');
    expectError(await srv.post(url, body, { as: 'unit_zhangwan' }), 404, 'not_found'); // not invited
    let res = await srv.post(url, { held_on: '2026-05-11', minutes: ' ', attended: ['finance'] }, { as: 'city' });
    expectError(res, 422, 'validation_failed');
    assert.deepEqual(errorFields(res).sort(), ['attended[0]', 'held_on', 'minutes']);
    res = await srv.post(url, body, { as: 'city' });
    assert.equal(res.status, 200, show(res));
    assert.equal(res.json.status, 'held');
    assert.deepEqual(
      Object.fromEntries(res.json.units.map((u) => [u.code, u.attended])),
      { education: true, civil_affairs: false }
    );
    expectError(await srv.post(url, body, { as: 'city' }), 409, 'invalid_state');
  });

  test('a unit sees the meetings it is invited to and every plenary meeting of a member unit', async () => {
    const topic = await newMeeting({ ...plenary, kind: 'topic', title: '专题', units: ['education'] });
    const pl = (await srv.get('/api/v1/meetings', { as: 'city' })).json.items.find((m) => m.kind === 'plenary');
    assert.equal((await srv.get(`/api/v1/meetings/${topic.id}`, { as: 'unit_education' })).status, 200);
    expectError(await srv.get(`/api/v1/meetings/${topic.id}`, { as: 'unit_civil' }), 404, 'not_found');
    assert.equal((await srv.get(`/api/v1/meetings/${pl.id}`, { as: 'unit_civil' })).status, 200);
    expectError(await srv.get(`/api/v1/meetings/${pl.id}`, { as: 'unit_zhangwan' }), 404, 'not_found'); // not a member
    const list = await srv.get('/api/v1/meetings', { as: 'unit_civil' });
    assert.ok(!list.json.items.some((m) => m.id === topic.id));
    assert.equal((await srv.get(`/api/v1/meetings/${topic.id}`, { as: 'auditor' })).status, 200);
    expectError(await srv.get('/api/v1/meetings', { as: 'county_zhangwan' }), 403, 'forbidden');
  });
});

describe('resolutions', () => {
  let meeting;
  before(async () => {
    meeting = await held({ ...plenary, kind: 'topic', title: '扩容专题会议', units: ['education', 'civil_affairs', 'health_commission'] });
  });

  test('only a held meeting takes resolutions (409), numbered year-meeting-item, each bad field named', async () => {
    const planned = await newMeeting({ ...plenary, kind: 'liaison', units: ['education'] });
    const body = { text: '新增托班。', owner_unit: 'education', deadline_on: '2026-06-30' };
    expectError(await resolve(planned.id, body), 409, 'invalid_state');
    expectError(await resolve(meeting.id, body, 'unit_education'), 403, 'forbidden');
    let res = await resolve(meeting.id, { text: '  ', owner_unit: 'atlantis', deadline_on: '2026-05-01' });
    expectError(res, 422, 'validation_failed');
    assert.deepEqual(errorFields(res).sort(), ['deadline_on', 'owner_unit', 'text']);
    res = await resolve(meeting.id, { text: 1, owner_unit: '', deadline_on: 'soon', more: true });
    expectError(res, 422, 'validation_failed');
    assert.deepEqual(errorFields(res).sort(), ['deadline_on', 'more', 'owner_unit', 'text']);
    res = await resolve(meeting.id, body);
    assert.equal(res.status, 201, show(res));
    assert.match(res.json.number, /^2026-\d+-1$/);
    assert.equal(res.json.status, 'open');
    const second = await resolve(meeting.id, { ...body, owner_unit: 'county_zhangwan' }, 'unit_health');
    assert.equal(second.status, 201, show(second));
    assert.equal(second.json.number, res.json.number.replace(/-1$/, '-2'));
  });

  test('follow-up: owner unit updates and closes, others 403/404, office reopens, owner cannot', async () => {
    const r = (await resolve(meeting.id, { text: '梳理场地清单。', owner_unit: 'civil_affairs', deadline_on: '2026-07-01' })).json;
    const up = (body, as) => srv.post(`/api/v1/resolutions/${r.id}/updates`, body, { as });
    expectError(await up({ text: '进展' }, 'unit_education'), 403, 'forbidden'); // sees the meeting, not the owner
    expectError(await up({ text: '进展' }, 'unit_zhangwan'), 404, 'not_found'); // sees nothing of it
    expectError(await up({ text: '进展' }, 'auditor'), 403, 'forbidden');
    let res = await up({ text: '', done: 'yes' }, 'unit_civil');
    expectError(res, 422, 'validation_failed');
    assert.deepEqual(errorFields(res).sort(), ['done', 'text']);
    res = await up({ text: '已梳理 12 处场地。' }, 'unit_civil');
    assert.equal(res.status, 200, show(res));
    assert.equal(res.json.status, 'open');
    res = await up({ text: '清单已报送。', done: true }, 'unit_civil');
    assert.equal(res.json.status, 'done');
    assert.equal(res.json.done_on, '2026-05-10');
    expectError(await up({ text: '再报' }, 'unit_civil'), 409, 'invalid_state');
    expectError(await srv.post(`/api/v1/resolutions/${r.id}/reopen`, {}, { as: 'unit_civil' }), 403, 'forbidden');
    res = await srv.post(`/api/v1/resolutions/${r.id}/reopen`, { text: '清单不完整。' }, { as: 'city' });
    assert.equal(res.status, 200, show(res));
    assert.equal(res.json.status, 'open');
    expectError(await srv.post(`/api/v1/resolutions/${r.id}/reopen`, {}, { as: 'city' }), 409, 'invalid_state');
    res = await up({ text: '办公室代为办结。', done: true }, 'unit_health');
    assert.equal(res.json.status, 'done');
    const got = await srv.get(`/api/v1/resolutions/${r.id}`, { as: 'unit_civil' });
    assert.deepEqual(got.json.updates.map((u) => u.event), ['update', 'done', 'reopen', 'done']);
    assert.equal(got.json.updates[0].by, 'unit_civil');
  });

  test('list filters: 422 per bad filter; a unit sees only its own', async () => {
    const res = await srv.get('/api/v1/resolutions?unit=atlantis&status=late&overdue=2&meeting=x', { as: 'city' });
    expectError(res, 422, 'validation_failed');
    assert.deepEqual(errorFields(res).sort(), ['meeting', 'overdue', 'status', 'unit']);
    const mine = await srv.get('/api/v1/resolutions', { as: 'unit_education' });
    assert.ok(mine.json.items.length > 0 && mine.json.items.every((x) => x.owner_unit === 'education'));
    const theirs = await srv.get('/api/v1/resolutions?unit=civil_affairs', { as: 'unit_education' });
    assert.deepEqual(theirs.json.items, []);
  });
});

describe('notices and read receipts', () => {
  let notice;
  test('the office sends; units cannot (403); 422 per bad field', async () => {
    const body = { title: '关于报送进展的通知', body: '请于月底前报送。', units: ['education', 'civil_affairs'] };
    expectError(await srv.post('/api/v1/notices', body, { as: 'unit_education' }), 403, 'forbidden');
    let res = await srv.post('/api/v1/notices', { title: ' ', body: '', units: ['nope'] }, { as: 'city' });
    expectError(res, 422, 'validation_failed');
    assert.deepEqual(errorFields(res).sort(), ['body', 'title', 'units[0]']);
    res = await srv.post('/api/v1/notices', { title: '通知', body: '正文' }, { as: 'city' });
    assert.deepEqual(errorFields(res), ['units']);
    res = await srv.post('/api/v1/notices', { title: '通知', body: '正文', to_all: true, units: ['education'] }, { as: 'city' });
    assert.deepEqual(errorFields(res), ['units']);
    res = await srv.post('/api/v1/notices', body, { as: 'city' });
    assert.equal(res.status, 201, show(res));
    notice = res.json;
    assert.equal(notice.recipients, 2);
    const all = await srv.post('/api/v1/notices', { title: '全体通报', body: '正文', to_all: true }, { as: 'unit_health' });
    assert.equal(all.status, 201, show(all));
    assert.equal(all.json.recipients, 18, 'every member unit but the office');
  });

  test('unread → read by the first officer of a unit; the office sees who has read and who not', async () => {
    let list = await srv.get('/api/v1/notices?unread=1', { as: 'unit_education' });
    assert.ok(list.json.items.some((n) => n.id === notice.id && n.read === false));
    const first = await srv.get(`/api/v1/notices/${notice.id}`, { as: 'unit_education' });
    assert.equal(first.status, 200, show(first));
    assert.equal(first.json.read, true);
    assert.equal(first.json.read_by, 'unit_education');
    const second = await srv.get(`/api/v1/notices/${notice.id}`, { as: 'unit_education2' });
    assert.equal(second.json.read_by, 'unit_education', 'the first reader stays');
    assert.equal(second.json.read_at, first.json.read_at);
    list = await srv.get('/api/v1/notices?unread=1', { as: 'unit_education' });
    assert.ok(!list.json.items.some((n) => n.id === notice.id));
    expectError(await srv.get(`/api/v1/notices/${notice.id}`, { as: 'unit_zhangwan' }), 404, 'not_found');
    expectError(await srv.get(`/api/v1/notices/${notice.id}/receipts`, { as: 'unit_education' }), 403, 'forbidden');
    expectError(await srv.get('/api/v1/notices/999999/receipts', { as: 'city' }), 404, 'not_found');
    const rc = await srv.get(`/api/v1/notices/${notice.id}/receipts`, { as: 'city' });
    assert.equal(rc.status, 200, show(rc));
    const by = Object.fromEntries(rc.json.receipts.map((x) => [x.unit_code, x]));
    assert.equal(by.education.read, true);
    assert.equal(by.education.read_by, 'unit_education');
    assert.equal(by.civil_affairs.read, false);
    assert.equal(rc.json.unread_count, 1);
    // The city's reading marks nothing.
    await srv.get(`/api/v1/notices/${notice.id}`, { as: 'city' });
    const rc2 = await srv.get(`/api/v1/notices/${notice.id}/receipts`, { as: 'auditor' });
    assert.equal(rc2.json.unread_count, 1);
  });
});

describe('the inbox and overdue resolutions (later clock)', () => {
  let overdue;
  before(async () => {
    const m = await held({ ...plenary, kind: 'topic', title: '督办会议', units: ['education', 'civil_affairs'] });
    overdue = (await resolve(m.id, { text: '五月底前报送托班计划。', owner_unit: 'education', deadline_on: '2026-05-20' })).json;
    await resolve(m.id, { text: '七月底前完成。', owner_unit: 'education', deadline_on: '2026-07-31' });
    await relaunch(at(2026, 6, 1)); // 12 days past the first deadline
  });

  test('an overdue resolution is in the owner unit inbox, first, and not in another unit inbox', async () => {
    const inbox = await srv.get('/api/v1/inbox', { as: 'unit_education' });
    assert.equal(inbox.status, 200, show(inbox));
    assert.equal(inbox.json.view, 'unit');
    assert.equal(inbox.json.resolutions[0].id, overdue.id);
    assert.equal(inbox.json.resolutions[0].overdue, true);
    assert.equal(inbox.json.resolutions[0].days_overdue, 12);
    assert.ok(inbox.json.overdue_resolution_count >= 1);
    assert.ok(Array.isArray(inbox.json.tasks));
    assert.ok(inbox.json.task_count > 0, 'education is on tasks of the plan');
    const other = await srv.get('/api/v1/inbox', { as: 'unit_civil' });
    assert.ok(!other.json.resolutions.some((x) => x.id === overdue.id));
    assert.ok(other.json.unread_notice_count >= 1);
    const city = await srv.get('/api/v1/inbox', { as: 'city' });
    assert.equal(city.json.view, 'office');
    assert.ok(city.json.resolutions.some((x) => x.id === overdue.id));
    assert.ok(city.json.resolutions.every((x) => x.overdue));
    assert.ok(Array.isArray(city.json.overdue_reports));
    const od = await srv.get('/api/v1/resolutions?overdue=1', { as: 'city' });
    assert.ok(od.json.items.some((x) => x.id === overdue.id));
    expectError(await srv.get('/api/v1/inbox', { as: 'county_zhangwan' }), 403, 'forbidden');
    expectError(await srv.get('/api/v1/inbox', { as: 'registrar' }), 403, 'forbidden');
  });

  test('pages are valid HTML: the unit home, a notice, a resolution, the office pages', async () => {
    const ids = (await srv.get('/api/v1/notices', { as: 'unit_education' })).json.items.map((n) => n.id);
    const meetings = (await srv.get('/api/v1/meetings', { as: 'city' })).json.items;
    const pages = [
      ['/units', 'unit_education', ['我的待办', '议定事项', '信息通报', '逾期']],
      [`/units/notices/${ids[0]}`, 'unit_education', []],
      [`/units/resolutions/${overdue.id}`, 'unit_education', ['报告进展']],
      ['/dash/meetings', 'city', ['安排会议']],
      ...meetings.slice(0, 4).map((m) => [`/dash/meetings/${m.id}`, 'city', []]),
      ['/dash/notices', 'city', ['发送通报', '阅读情况']],
      ['/dash/meetings', 'auditor', []],
    ];
    for (const [p, as, words] of pages) {
      const res = await srv.get(p, { as });
      assert.equal(res.status, 200, `${p}: ${show(res)}`);
      assert.deepEqual(tidyErrors(res.text), [], p);
      for (const w of words) assert.ok(res.text.includes(w), `${p} has ${w}`);
    }
    assert.equal((await srv.get('/dash/meetings', { as: 'unit_education' })).status, 403);
    assert.equal((await srv.get(`/units/resolutions/${overdue.id}`, { as: 'unit_zhangwan' })).status, 404);
  });

  test('forms: a unit follows up through its page; the office records and resolves through its pages', async () => {
    const s = await srv.login('unit_education');
    assert.ok(s.cookie && s.csrf, show(s.res));
    const form = (o) => new URLSearchParams(o);
    let res = await srv.req('POST', `/units/resolutions/${overdue.id}`, {
      cookie: s.cookie,
      body: form({ csrf: s.csrf, text: '托班计划已报送。', done: '1' }),
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    });
    assert.equal(res.status, 303, show(res));
    const x = await srv.get(`/api/v1/resolutions/${overdue.id}`, { as: 'city' });
    assert.equal(x.json.status, 'done');
    res = await srv.req('POST', `/units/resolutions/${overdue.id}`, {
      cookie: s.cookie,
      body: form({ csrf: s.csrf, text: ' ' }),
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    });
    assert.equal(res.status, 409, 'a done resolution takes no more follow-up');
    assert.deepEqual(tidyErrors(res.text), []);

    const c = await srv.login('city');
    const post = (p, o) =>
      srv.req('POST', p, { cookie: c.cookie, body: form(o), headers: { 'Content-Type': 'application/x-www-form-urlencoded' } });
    res = await post('/dash/meetings', { csrf: c.csrf, kind: 'topic', title: '', held_on: '2026-06-10', location: '会议室', agenda: '议程' });
    assert.equal(res.status, 422);
    assert.deepEqual(tidyErrors(res.text), []);
    const body = new URLSearchParams({ csrf: c.csrf, kind: 'topic', title: '表单会议', held_on: '2026-06-01', location: '会议室', agenda: '议程' });
    body.append('units', 'education');
    body.append('units', 'finance');
    res = await srv.req('POST', '/dash/meetings', { cookie: c.cookie, body, headers: { 'Content-Type': 'application/x-www-form-urlencoded' } });
    assert.equal(res.status, 303, show(res));
    const id = res.headers.get('location').split('/').pop();
    const rec = new URLSearchParams({ csrf: c.csrf, held_on: '2026-06-01', minutes: '纪要' });
    rec.append('attended', 'finance');
    res = await srv.req('POST', `/dash/meetings/${id}/record`, { cookie: c.cookie, body: rec, headers: { 'Content-Type': 'application/x-www-form-urlencoded' } });
    assert.equal(res.status, 303, show(res));
    res = await post(`/dash/meetings/${id}/resolutions`, { csrf: c.csrf, text: '落实补贴。', owner_unit: 'finance', deadline_on: '2026-08-01' });
    assert.equal(res.status, 303, show(res));
    const m = await srv.get(`/api/v1/meetings/${id}`, { as: 'city' });
    assert.equal(m.json.status, 'held');
    assert.equal(m.json.resolution_items.length, 1);
    assert.deepEqual(m.json.units.filter((u) => u.attended).map((u) => u.code), ['finance']);
    res = await post('/dash/notices', { csrf: c.csrf, title: '表单通报', body: '正文', to_all: '1' });
    assert.equal(res.status, 303, show(res));
  });
});
