// The plan's tasks and the member units' progress reports (issue 6): the task table matches the plan, drafts
// stay with their unit, the report workflow per role, overdue reports and tasks with TUOYU_FAKE_NOW, 422 per
// bad field, evidence files and the pages.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { Server, expectError, errorFields, show, tidyErrors } from './harness.mjs';

// 10:00 China time on a day, as epoch seconds.
const at = (y, m, d) => Math.floor(Date.UTC(y, m - 1, d, 2) / 1000);
const APR5 = at(2026, 4, 5); // 2026Q1 is the last closed quarter, due 2026-04-10
const APR12 = at(2026, 4, 12); // past the due day

const tasksJson = JSON.parse(fs.readFileSync(new URL('../../data/plan/tasks.json', import.meta.url)));
const sorted = (a) => [...a].sort();

let srv;
const saved = process.env.TUOYU_FAKE_NOW;
before(async () => {
  process.env.TUOYU_FAKE_NOW = String(APR5);
  srv = await Server.start({ name: 'plan' });
  const units = {
    unit_hr: 'human_resources',
    unit_union: 'trade_union',
    unit_wf: 'womens_federation',
    unit_health: 'health_commission',
    unit_fire: 'fire_rescue',
    unit_zw: 'county_zhangwan',
  };
  for (const [name, unit] of Object.entries(units)) await srv.addUser(name, 'unit_officer', { unit });
});
after(async () => {
  await srv.stop();
  if (saved === undefined) delete process.env.TUOYU_FAKE_NOW;
  else process.env.TUOYU_FAKE_NOW = saved;
});

const report = (task, body, as) => srv.post(`/api/v1/plan/tasks/${task}/reports`, body, { as });
const ok = (res, status = 200) => {
  assert.equal(res.status, status, show(res));
  return res.json;
};
const taskByNumber = async (number, as = 'city') => {
  const all = ok(await srv.get('/api/v1/plan/tasks', { as }));
  return all.items.find((t) => t.number === number);
};

test('the task table matches the plan: 26 tasks, 19 member units, lead and responsible units of samples', async () => {
  const units = ok(await srv.get('/api/v1/units', { as: 'unit_hr' }));
  assert.equal(units.members, 19);
  assert.equal(units.items.filter((u) => u.member).length, 19);
  const office = units.items.filter((u) => u.office);
  assert.deepEqual(office.map((u) => u.code), ['health_commission']);
  const hr = units.items.find((u) => u.code === 'human_resources');
  assert.equal(hr.name, '市人社局');
  assert.ok(hr.duties.length >= 1);
  assert.ok(hr.leads.some((t) => t.number === '二(一)1'));
  // A county carries the tasks of 各县市区.
  const zw = units.items.find((u) => u.code === 'county_zhangwan');
  assert.ok(zw.leads.some((t) => t.number === '二(一)4'), JSON.stringify(zw.leads));

  const tasks = ok(await srv.get('/api/v1/plan/tasks', { as: 'city' }));
  assert.equal(tasks.total, 26);
  assert.equal(tasks.period, '2026Q1');
  const t1 = tasks.items.find((t) => t.number === '二(一)1');
  assert.deepEqual(t1.lead_units, ['human_resources']);
  assert.deepEqual(sorted(t1.responsible_units), sorted(['health_commission', 'trade_union', 'womens_federation']));
  for (const number of ['二(四)5', '二(二)2(3)', '二(二)4']) {
    const want = tasksJson.find((t) => t.number === number);
    const got = tasks.items.find((t) => t.number === number);
    assert.equal(got.deadline, want.deadline, number);
  }
  // Every task names its units as the plan lists them, in the plan's order.
  for (const want of tasksJson) {
    const got = tasks.items.find((t) => t.number === want.number);
    assert.deepEqual(got.lead_units, want.lead_units, want.number);
    assert.deepEqual(got.responsible_units, want.responsible_units, want.number);
  }
  // Each county reports for 各县市区.
  const t4 = tasks.items.find((t) => t.number === '二(一)4');
  assert.ok(t4.units.some((u) => u.code === 'county_zhangwan' && u.role === 'lead'));
  assert.ok(!t4.units.some((u) => u.code === 'counties'));
  // Filters.
  const sec = ok(await srv.get('/api/v1/plan/tasks?section=' + encodeURIComponent('二(一)'), { as: 'unit_hr' }));
  assert.equal(sec.total, 8);
  const hrTasks = ok(await srv.get('/api/v1/plan/tasks?unit=human_resources', { as: 'unit_hr' }));
  assert.ok(hrTasks.items.every((t) => t.units.some((u) => u.code === 'human_resources')));
  const one = ok(await srv.get(`/api/v1/plan/tasks/${t1.id}`, { as: 'auditor' }));
  assert.equal(one.number, '二(一)1');
  assert.deepEqual(one.reports, []);
});

test('reference routes are for officials and unit officers only', async () => {
  for (const p of ['/api/v1/units', '/api/v1/plan/tasks', '/api/v1/task-reports']) {
    expectError(await srv.get(p, { as: 'registrar' }), 403, 'forbidden');
    expectError(await srv.get(p, { as: 'inspector' }), 403, 'forbidden');
    assert.equal((await srv.get(p)).status, 401);
    ok(await srv.get(p, { as: 'county_zhangwan' }));
  }
  expectError(await srv.get('/api/v1/plan/tasks/999', { as: 'city' }), 404, 'not_found');
  const bad = await srv.get('/api/v1/plan/tasks?unit=nope&period=2026Q7', { as: 'city' });
  expectError(bad, 422, 'validation_failed');
  assert.deepEqual(sorted(errorFields(bad)), ['period', 'unit']);
});

test('a unit cannot see another unit\'s draft: 404 and absent from lists', async () => {
  const t = await taskByNumber('二(一)2');
  const d = ok(await report(t.id, { progress: 'in_progress', narrative: '草稿：正在起草育儿假配套制度。' }, 'unit_wf'), 201);
  assert.equal(d.status, 'draft');
  assert.equal(d.period, '2026Q1');
  ok(await srv.get(`/api/v1/task-reports/${d.id}`, { as: 'unit_wf' }));
  for (const as of ['unit_union', 'unit_hr', 'unit_health', 'city', 'auditor']) {
    expectError(await srv.get(`/api/v1/task-reports/${d.id}`, { as }), 404, 'not_found');
    const list = ok(await srv.get('/api/v1/task-reports', { as }));
    assert.ok(!list.items.some((r) => r.id === d.id), as);
    const task = ok(await srv.get(`/api/v1/plan/tasks/${t.id}`, { as }));
    assert.ok(!task.reports.some((r) => r.id === d.id), as);
    const wf = task.units.find((u) => u.code === 'womens_federation');
    assert.equal(wf.status, 'none', as);
    assert.equal(wf.report_id, null, as);
  }
  // Moving it is 404 for others too, never 403.
  expectError(await srv.post(`/api/v1/task-reports/${d.id}/review`, { decision: 'accept' }, { as: 'unit_hr' }), 404);
  expectError(await srv.post(`/api/v1/task-reports/${d.id}/submit`, {}, { as: 'unit_union' }), 404);
  const own = ok(await srv.get('/api/v1/task-reports?status=draft', { as: 'unit_wf' }));
  assert.ok(own.items.some((r) => r.id === d.id));
});

test('save, submit, return, submit again and accept by a lead unit; a responsible unit cannot review', async () => {
  const t = await taskByNumber('二(一)1');
  // A unit not on the task, and roles that never write reports.
  expectError(await report(t.id, { progress: 'in_progress', narrative: '无关单位' }, 'unit_fire'), 403, 'forbidden');
  expectError(await report(t.id, { progress: 'in_progress', narrative: '市级' }, 'city'), 403, 'forbidden');
  expectError(await report(999, { progress: 'in_progress', narrative: '不存在' }, 'unit_hr'), 404, 'not_found');

  let r = ok(await report(t.id, { progress: 'in_progress', narrative: '已开展职工婴幼儿照护需求调研。' }, 'unit_union'), 201);
  assert.equal(r.status, 'draft');
  assert.equal(r.unit_role, 'responsible');
  r = ok(await report(t.id, { progress: 'in_progress', narrative: '已完成调研，形成报告。', version: r.version }, 'unit_union'));
  assert.equal(r.version, 2);
  // A stale version is a conflict.
  expectError(await report(t.id, { progress: 'done', narrative: '旧版本', version: 1 }, 'unit_union'), 409, 'version_conflict');
  r = ok(await srv.post(`/api/v1/task-reports/${r.id}/submit`, {}, { as: 'unit_union' }));
  assert.equal(r.status, 'submitted');
  assert.equal(r.submitted_by, 'unit_union');
  // Submitted: the unit may not change it.
  expectError(await report(t.id, { progress: 'done', narrative: '再改' }, 'unit_union'), 409, 'invalid_state');
  expectError(await srv.post(`/api/v1/task-reports/${r.id}/submit`, {}, { as: 'unit_union' }), 409, 'invalid_state');
  // A responsible unit reviews neither its own report nor another responsible unit's.
  expectError(await srv.post(`/api/v1/task-reports/${r.id}/review`, { decision: 'accept' }, { as: 'unit_union' }), 403, 'forbidden');
  expectError(await srv.post(`/api/v1/task-reports/${r.id}/review`, { decision: 'accept' }, { as: 'unit_wf' }), 403, 'forbidden');
  // Officials other than the office do not review (route or table).
  expectError(await srv.post(`/api/v1/task-reports/${r.id}/review`, { decision: 'accept' }, { as: 'county_zhangwan' }), 403);
  // The lead unit sees it and returns it with a reason (required).
  const seen = ok(await srv.get('/api/v1/task-reports?status=submitted', { as: 'unit_hr' }));
  assert.ok(seen.items.some((x) => x.id === r.id));
  const noReason = await srv.post(`/api/v1/task-reports/${r.id}/review`, { decision: 'return', reason: '  ' }, { as: 'unit_hr' });
  expectError(noReason, 422, 'validation_failed');
  assert.deepEqual(errorFields(noReason), ['reason']);
  r = ok(await srv.post(`/api/v1/task-reports/${r.id}/review`, { decision: 'return', reason: '请补充调研数据。' }, { as: 'unit_hr' }));
  assert.equal(r.status, 'returned');
  assert.equal(r.review_reason, '请补充调研数据。');
  expectError(await srv.post(`/api/v1/task-reports/${r.id}/review`, { decision: 'accept' }, { as: 'unit_hr' }), 409, 'invalid_state');
  // Returned: the unit edits and submits again in one request.
  r = ok(await report(t.id, { progress: 'done', narrative: '已补充调研数据：覆盖职工 1200 人。', submit: true }, 'unit_union'));
  assert.equal(r.status, 'submitted');
  r = ok(await srv.post(`/api/v1/task-reports/${r.id}/review`, { decision: 'accept', version: r.version }, { as: 'unit_hr' }));
  assert.equal(r.status, 'accepted');
  assert.equal(r.reviewed_by, 'unit_hr');
  expectError(await report(t.id, { progress: 'done', narrative: '再改' }, 'unit_union'), 409, 'invalid_state');

  // The lead unit's own report: not reviewed by itself, but by the office (a health_commission officer).
  let own = ok(await report(t.id, { progress: 'in_progress', narrative: '已印发育儿假试点方案。', submit: true }, 'unit_hr'));
  assert.equal(own.status, 'submitted');
  expectError(await srv.post(`/api/v1/task-reports/${own.id}/review`, { decision: 'accept' }, { as: 'unit_hr' }), 403, 'forbidden');
  own = ok(await srv.post(`/api/v1/task-reports/${own.id}/review`, { decision: 'accept' }, { as: 'unit_health' }));
  assert.equal(own.status, 'accepted');
  const task = ok(await srv.get(`/api/v1/plan/tasks/${t.id}`, { as: 'city' }));
  assert.equal(task.units.find((u) => u.code === 'human_resources').status, 'accepted');
  assert.equal(task.units.find((u) => u.code === 'trade_union').progress, 'done');
  assert.equal(task.reports.length, 2);
});

test('422 names every bad field of a report and of a review', async () => {
  const t = await taskByNumber('二(一)1');
  let res = await report(t.id, { period: '2026Q9', progress: 'finished', narrative: '', submit: 'yes', extra: 1 }, 'unit_wf');
  expectError(res, 422, 'validation_failed');
  assert.deepEqual(sorted(errorFields(res)), ['extra', 'narrative', 'period', 'progress', 'submit']);
  res = await report(t.id, { period: '2027Q1', progress: 'done', narrative: '   ' }, 'unit_wf');
  assert.deepEqual(sorted(errorFields(res)), ['narrative', 'period']);
  res = await report(t.id, { period: '2020Q4', progress: 'done', narrative: 'x'.repeat(4001) }, 'unit_wf');
  assert.deepEqual(sorted(errorFields(res)), ['narrative', 'period']);
  res = await srv.post('/api/v1/task-reports/1/review', { decision: 'maybe', reason: 7 }, { as: 'unit_health' });
  expectError(res, 422, 'validation_failed');
  assert.deepEqual(sorted(errorFields(res)), ['decision', 'reason']);
  res = await srv.get('/api/v1/task-reports?period=x&status=open&overdue=2&unit=zz&task=-1', { as: 'city' });
  assert.deepEqual(sorted(errorFields(res)), ['overdue', 'period', 'status', 'task', 'unit']);
  res = await srv.req('POST', `/api/v1/plan/tasks/${t.id}/reports`, { as: 'unit_wf', body: '{bad', headers: { 'Content-Type': 'application/json' } });
  assert.equal(res.status, 400);
});

const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000a49444154789c6300010000050001' +
  '0d0a2db40000000049454e44ae426082', 'hex');

test('evidence files: the unit\'s own draft or returned report only, PDF/JPEG/PNG by content', async () => {
  const t = await taskByNumber('二(一)3');
  const r = ok(await report(t.id, { progress: 'in_progress', narrative: '已开展家庭育儿指导。' }, 'unit_wf'), 201);
  const up = (id, body, as) => srv.req('POST', `/api/v1/task-reports/${id}/evidence?filename=${encodeURIComponent('照片.png')}`, { as, body, headers: { 'Content-Type': 'application/octet-stream' } });
  const ev = ok(await up(r.id, PNG, 'unit_wf'), 201);
  assert.equal(ev.media_type, 'image/png');
  assert.equal(ev.filename, '照片.png');
  expectError(await up(r.id, Buffer.from('hello'), 'unit_wf'), 415);
  expectError(await up(r.id, PNG, 'unit_union'), 404); // another unit's draft
  const got = ok(await srv.get(`/api/v1/task-reports/${r.id}`, { as: 'unit_wf' }));
  assert.equal(got.evidence.length, 1);
  ok(await srv.post(`/api/v1/task-reports/${r.id}/submit`, {}, { as: 'unit_wf' }));
  expectError(await up(r.id, PNG, 'unit_wf'), 409, 'invalid_state');
  expectError(await up(r.id, PNG, 'unit_health'), 403); // the office sees it but it is not its report
});

test('pages: /units/tasks for a unit officer with a report form, /dash/plan for officials; valid HTML', async () => {
  const s = await srv.login('unit_zw');
  assert.ok(s.cookie, show(s.res));
  let res = await srv.get('/units/tasks', { cookie: s.cookie });
  assert.equal(res.status, 200, show(res));
  assert.deepEqual(tidyErrors(res.text), []);
  assert.ok(res.text.includes('进展情况') && res.text.includes('保存草稿') && res.text.includes('name="progress"'));
  assert.ok(res.text.includes('二(一)4'));
  const t = await taskByNumber('二(一)4');
  const form = new URLSearchParams({ csrf: s.csrf, period: '2026Q1', version: '0', progress: 'in_progress', narrative: '张湾区已将托育设施纳入国土空间规划。', action: 'submit' });
  res = await srv.req('POST', `/units/tasks/${t.id}/report`, { cookie: s.cookie, body: form, headers: { 'Content-Type': 'application/x-www-form-urlencoded' } });
  assert.equal(res.status, 303, show(res));
  const mine = ok(await srv.get('/api/v1/task-reports?unit=county_zhangwan', { as: 'unit_zw' }));
  assert.equal(mine.items[0].status, 'submitted');
  // A bad form comes back as the page with the problem (422), still valid.
  const bad = new URLSearchParams({ csrf: s.csrf, period: '2026Q1', version: '0', progress: 'nope', narrative: '', action: 'save' });
  res = await srv.req('POST', `/units/tasks/${t.id}/report`, { cookie: s.cookie, body: bad, headers: { 'Content-Type': 'application/x-www-form-urlencoded' } });
  assert.equal(res.status, 422);
  assert.deepEqual(tidyErrors(res.text), []);

  const c = await srv.login('city');
  res = await srv.get('/dash/plan', { cookie: c.cookie });
  assert.equal(res.status, 200, show(res));
  assert.deepEqual(tidyErrors(res.text), []);
  assert.ok(res.text.includes('张湾区') && res.text.includes('通过'));
  const rid = mine.items[0].id;
  const review = new URLSearchParams({ csrf: c.csrf, version: String(mine.items[0].version), decision: 'return', reason: '请补充规划文号。' });
  res = await srv.req('POST', `/dash/plan/reports/${rid}/review`, { cookie: c.cookie, body: review, headers: { 'Content-Type': 'application/x-www-form-urlencoded' } });
  assert.equal(res.status, 303, show(res));
  assert.equal(ok(await srv.get(`/api/v1/task-reports/${rid}`, { as: 'unit_zw' })).status, 'returned');
  // The lead unit's page lists what waits for its review.
  const h = await srv.login('unit_hr');
  res = await srv.get('/units/tasks', { cookie: h.cookie });
  assert.equal(res.status, 200);
  assert.deepEqual(tidyErrors(res.text), []);
  // Roles: an operator or inspector gets no unit page; a unit officer no dashboard.
  res = await srv.get('/dash/plan', { cookie: h.cookie });
  assert.equal(res.status, 403);
});

test('overdue: after the due day a unit on a task without a submitted report is flagged (TUOYU_FAKE_NOW)', async () => {
  // Before the due day nothing is overdue.
  let t = await taskByNumber('二(一)1');
  assert.ok(t.units.every((u) => !u.overdue), JSON.stringify(t.units));
  expectError(await srv.get('/api/v1/plan/overdue', { as: 'unit_union' }), 403, 'forbidden');
  await srv.stop();
  process.env.TUOYU_FAKE_NOW = String(APR12);
  await srv.launch();
  t = await taskByNumber('二(一)1');
  const by = Object.fromEntries(t.units.map((u) => [u.code, u]));
  assert.equal(by.womens_federation.overdue, true);
  assert.equal(by.health_commission.overdue, true);
  assert.equal(by.trade_union.overdue, false); // accepted
  assert.equal(by.human_resources.overdue, false); // accepted
  const o = ok(await srv.get('/api/v1/plan/overdue', { as: 'city' }));
  assert.equal(o.period, '2026Q1');
  assert.ok(o.reports.some((x) => x.task_number === '二(一)1' && x.unit === 'womens_federation' && x.status === 'none'));
  assert.ok(!o.reports.some((x) => x.task_number === '二(一)1' && x.unit === 'trade_union'));
  // The county's returned report is overdue, its draft hidden from the office.
  assert.ok(o.reports.some((x) => x.unit === 'county_zhangwan' && x.status === 'returned'));
  assert.ok(o.reports.every((x) => x.status !== 'draft' || x.report_id === null));
  // Overdue tasks: 二(二)2(3) (deadline 2025-12-31) with no lead unit done.
  assert.deepEqual(o.tasks.map((x) => x.number), ['二(二)2(3)']);
  ok(await srv.get('/api/v1/plan/overdue', { as: 'unit_health' }));
  // The unit's own overdue draft shows in its list with overdue=1.
  const mine = ok(await srv.get('/api/v1/task-reports?overdue=1', { as: 'unit_wf' }));
  assert.ok(mine.items.length >= 1 && mine.items.every((x) => x.overdue && x.unit === 'womens_federation'));
});
