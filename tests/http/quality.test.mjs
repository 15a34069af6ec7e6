// Quality assessment (WS/T 821—2023 structure): template versions and their validation, scoring a filed
// institution into a level (boundaries, the veto of basic indicators), every indicator named when missing,
// published assessments immutable (409), the rating "due" after the configured period (TUOYU_FAKE_NOW), the
// public rating without assessors or notes, roles and territory (404 outside it), and the pages.
import assert from 'node:assert/strict';
import test, { after, before } from 'node:test';
import { Server, errorFields, expectError, show, sql, tidyErrors } from './harness.mjs';
import { allKeys, fileInstitution, institutionWithOperator } from './fixtures.mjs';

let srv;
let zw; // a filed 张湾区 institution { institutionId, operator }
let zw2; // another filed 张湾区 institution
let mj; // a filed 茅箭区 institution
let unfiled; // a registered, unfiled 张湾区 institution
before(async () => {
  srv = await Server.start({ name: 'quality' });
  zw = await fileInstitution(srv);
  zw2 = await fileInstitution(srv);
  mj = await fileInstitution(srv, { county: 'county_maojian', reg: { district_code: '420302' } });
  unfiled = await institutionWithOperator(srv);
});
after(async () => srv && srv.cleanup());

const DAY = 86400;
const cstDay = (secs) => new Date((secs + 8 * 3600) * 1000).toISOString().slice(0, 10);
const today = () => cstDay(Math.floor(Date.now() / 1000));

/** The active template: the newest version, with its body. */
async function activeTemplate() {
  const list = await srv.get('/api/v1/quality-templates', { as: 'city' });
  assert.equal(list.status, 200, show(list));
  const active = list.json.items.find((t) => t.active);
  const one = await srv.get(`/api/v1/quality-templates/${active.id}`, { as: 'city' });
  assert.equal(one.status, 200, show(one));
  return one.json.template;
}

const indicators = (tpl) => tpl.categories.flatMap((c) => c.items.flatMap((i) => i.indicators));

/** Full points for every indicator, then each override { code: points } (undefined removes the score). */
function scores(tpl, overrides = {}) {
  const out = [];
  for (const ind of indicators(tpl)) {
    const p = Object.hasOwn(overrides, ind.code) ? overrides[ind.code] : ind.points;
    if (p !== undefined) out.push({ indicator: ind.code, points: p, note: p < ind.points ? '需改进' : undefined });
  }
  return out;
}

/** Overrides that take exactly `minus` points off non-basic indicators. */
function minusNonBasic(tpl, minus) {
  const o = {};
  for (const ind of indicators(tpl)) {
    if (minus === 0) break;
    if (ind.basic) continue;
    const take = Math.min(ind.points, minus);
    o[ind.code] = ind.points - take;
    minus -= take;
  }
  return o;
}

const create = (inst, body, as = 'county_zhangwan') =>
  srv.post(`/api/v1/institutions/${inst}/quality-assessments`, body, { as });
const body = (tpl, overrides, extra = {}) => ({
  assessed_on: today(),
  assessors: ['王丽', '陈刚'],
  scores: scores(tpl, overrides),
  ...extra,
});

test('the default template is version 1 with the seven categories of WS/T 821 and 100 points', async () => {
  const list = await srv.get('/api/v1/quality-templates', { as: 'auditor' });
  assert.equal(list.status, 200, show(list));
  assert.equal(list.json.items.length, 1);
  const v1 = list.json.items[0];
  assert.equal(v1.version, 1);
  assert.equal(v1.active, true);
  assert.equal(v1.total_points, 100);
  const tpl = await activeTemplate();
  assert.deepEqual(
    tpl.categories.map((c) => c.name),
    ['办托条件', '托育队伍', '保育照护', '卫生保健', '养育支持', '安全保障', '机构管理'],
  );
  assert.ok(indicators(tpl).some((i) => i.basic), 'no basic indicator');
  assert.equal(indicators(tpl).reduce((s, i) => s + i.points, 0), 100);
  assert.deepEqual(tpl.levels, { A: 90, B: 80, C: 60 });
  for (const as of ['operator', 'inspector', 'registrar']) {
    const who = as === 'operator' ? zw.operator : as;
    expectError(await srv.get('/api/v1/quality-templates', { as: who }), 403, 'forbidden');
  }
  expectError(await srv.get('/api/v1/quality-templates/999999', { as: 'city' }), 404, 'not_found');
});

test('a new template version is validated field by field and becomes the active one', async () => {
  const tpl = await activeTemplate();
  const bad = structuredClone(tpl);
  delete bad.title;
  bad.categories[0].items[0].indicators[0].points += 1; // 101 in all
  bad.categories[1].items[0].indicators[0].code = bad.categories[0].items[0].indicators[1].code;
  bad.levels = { A: 80, B: 90, C: 60 };
  bad.categories[2].colour = 'red';
  const res = await srv.post('/api/v1/quality-templates', bad, { as: 'city' });
  expectError(res, 422, 'validation_failed');
  const fields = errorFields(res);
  for (const f of ['title', 'levels', 'categories[1].items[0].indicators[0].code', 'categories[2].colour']) {
    assert.ok(fields.includes(f), `${f} not named: ${fields}`);
  }
  const sum = structuredClone(tpl);
  sum.categories[6].items[0].indicators[0].points += 1;
  const r2 = await srv.post('/api/v1/quality-templates', sum, { as: 'admin' });
  expectError(r2, 422, 'validation_failed');
  assert.ok(r2.json.error.fields.some((f) => f.field === 'categories' && f.message.includes('101')), show(r2));

  for (const as of ['county_zhangwan', 'auditor', 'inspector']) {
    expectError(await srv.post('/api/v1/quality-templates', tpl, { as }), 403, 'forbidden');
  }
  const next = { ...structuredClone(tpl), title: '托育机构质量评估表（第2版，张湾区修订）' };
  const ok = await srv.post('/api/v1/quality-templates', next, { as: 'city' });
  assert.equal(ok.status, 201, show(ok));
  assert.equal(ok.json.version, 2);
  assert.equal(ok.json.active, true);
  const list = await srv.get('/api/v1/quality-templates', { as: 'county_zhangwan' });
  assert.deepEqual(list.json.items.map((t) => [t.version, t.active]), [[2, true], [1, false]]);
  assert.equal((await activeTemplate()).title, next.title);
});

test('scores make a total, subtotals per category and a level at the thresholds', async () => {
  const tpl = await activeTemplate();
  const full = await create(zw.institutionId, body(tpl));
  assert.equal(full.status, 201, show(full));
  assert.equal(full.json.status, 'draft');
  assert.equal(full.json.total, 100);
  assert.equal(full.json.level, 'A');
  assert.equal(full.json.veto, false);
  assert.equal(full.json.subtotals.length, 7);
  assert.equal(full.json.subtotals.reduce((s, c) => s + c.points, 0), 100);
  assert.equal(full.json.template_version, 2);
  assert.equal(full.json.scores.length, indicators(tpl).length);

  // Boundaries re-scored on the same draft: 90 → A, 89 → B, 80 → B, 79 → C, 60 → C, 59 → D.
  let version = full.json.version;
  for (const [minus, level] of [[10, 'A'], [11, 'B'], [20, 'B'], [21, 'C'], [40, 'C'], [41, 'D']]) {
    const res = await srv.req('PATCH', `/api/v1/quality-assessments/${full.json.id}`, {
      as: 'county_zhangwan',
      json: body(tpl, minusNonBasic(tpl, minus), { version }),
    });
    assert.equal(res.status, 200, show(res));
    assert.equal(res.json.total, 100 - minus);
    assert.equal(res.json.level, level, `total ${100 - minus}`);
    version = res.json.version;
  }
  // A stale version is a conflict.
  const stale = await srv.req('PATCH', `/api/v1/quality-assessments/${full.json.id}`, {
    as: 'county_zhangwan',
    json: body(tpl, {}, { version: version - 1 }),
  });
  expectError(stale, 409, 'version_conflict');
});

test('a basic indicator short of its full points makes the level D whatever the total', async () => {
  const tpl = await activeTemplate();
  const basic = indicators(tpl).find((i) => i.basic);
  const res = await create(zw2.institutionId, body(tpl, { [basic.code]: basic.points - 1 }));
  assert.equal(res.status, 201, show(res));
  assert.equal(res.json.total, 99);
  assert.equal(res.json.level, 'D');
  assert.equal(res.json.veto, true);
  assert.deepEqual(res.json.vetoes, [basic.code]);
});

test('every missing, unknown, repeated or over-maximum indicator is named in one 422', async () => {
  const tpl = await activeTemplate();
  const all = indicators(tpl);
  const [a, b, c] = [all[0], all[5], all[9]];
  const s = scores(tpl, { [a.code]: undefined, [b.code]: undefined, [c.code]: c.points + 1 });
  s.push({ indicator: 'no-such', points: 1 });
  s.push({ indicator: all[1].code, points: 0 });
  const res = await create(zw.institutionId, { assessed_on: today(), assessors: ['王丽'], scores: s });
  expectError(res, 422, 'validation_failed');
  const fields = errorFields(res);
  assert.ok(fields.includes(`scores.${a.code}`), fields);
  assert.ok(fields.includes(`scores.${b.code}`), fields);
  const over = s.findIndex((x) => x.indicator === c.code);
  assert.ok(fields.includes(`scores[${over}].points`), fields);
  assert.ok(fields.includes(`scores[${s.length - 2}].indicator`), fields);
  assert.ok(fields.includes(`scores[${s.length - 1}].indicator`), fields);
  assert.ok(res.json.error.fields.some((f) => f.message.includes(a.code)), 'the message does not name the code');

  const malformed = await create(zw.institutionId, {
    assessed_on: '2026-02-30',
    assessors: [],
    scores: [{ indicator: a.code, points: 1.5 }],
    extra: 1,
  });
  expectError(malformed, 422, 'validation_failed');
  for (const f of ['assessed_on', 'assessors', 'scores[0].points', 'extra']) {
    assert.ok(errorFields(malformed).includes(f), `${f}: ${errorFields(malformed)}`);
  }
  const future = await create(zw.institutionId, body(tpl, {}, { assessed_on: cstDay(Date.now() / 1000 + 5 * DAY) }));
  expectError(future, 422, 'validation_failed');
  assert.ok(errorFields(future).includes('assessed_on'));
  const notJson = await srv.req('POST', `/api/v1/institutions/${zw.institutionId}/quality-assessments`, {
    as: 'county_zhangwan',
    body: '{"scores":',
    headers: { 'Content-Type': 'application/json' },
  });
  expectError(notJson, 400, 'malformed_json');
});

test('only a filed institution is assessed, by county officials of its district or the city', async () => {
  const tpl = await activeTemplate();
  expectError(await create(unfiled.institutionId, body(tpl)), 409, 'invalid_state');
  expectError(await create(zw.institutionId, body(tpl), 'county_maojian'), 404, 'not_found');
  expectError(await create(999999, body(tpl)), 404, 'not_found');
  for (const as of ['admin', 'auditor', 'inspector', 'registrar', zw.operator]) {
    expectError(await create(zw.institutionId, body(tpl), as), 403, 'forbidden');
  }
  const city = await create(mj.institutionId, body(tpl), 'city');
  assert.equal(city.status, 201, show(city));
});

test('publishing makes the rating; published assessments are immutable and superseded by newer ones', async () => {
  const tpl = await activeTemplate();
  const first = await create(zw2.institutionId, body(tpl, minusNonBasic(tpl, 15), { assessed_on: cstDay(Date.now() / 1000 - 30 * DAY) }));
  assert.equal(first.status, 201, show(first));
  const id = first.json.id;
  expectError(await srv.post(`/api/v1/quality-assessments/${id}/publish`, {}, { as: 'county_maojian' }), 404, 'not_found');
  expectError(await srv.post(`/api/v1/quality-assessments/${id}/publish`, {}, { as: 'auditor' }), 403, 'forbidden');
  const pub = await srv.post(`/api/v1/quality-assessments/${id}/publish`, {}, { as: 'county_zhangwan' });
  assert.equal(pub.status, 200, show(pub));
  assert.equal(pub.json.status, 'published');
  assert.equal(pub.json.level, 'B');

  // Immutable: no re-scoring, no second publication.
  const patch = await srv.req('PATCH', `/api/v1/quality-assessments/${id}`, {
    as: 'county_zhangwan',
    json: body(tpl, {}, { version: pub.json.version }),
  });
  expectError(patch, 409, 'invalid_state');
  expectError(await srv.post(`/api/v1/quality-assessments/${id}/publish`, {}, { as: 'city' }), 409, 'invalid_state');

  // A newer assessment supersedes it; an older-dated one cannot replace the current rating.
  const second = await create(zw2.institutionId, body(tpl), 'city');
  const pub2 = await srv.post(`/api/v1/quality-assessments/${second.json.id}/publish`, {}, { as: 'city' });
  assert.equal(pub2.status, 200, show(pub2));
  const old = await srv.get(`/api/v1/quality-assessments/${id}`, { as: 'county_zhangwan' });
  assert.equal(old.json.status, 'superseded');
  const backdated = await create(zw2.institutionId, body(tpl, {}, { assessed_on: cstDay(Date.now() / 1000 - 60 * DAY) }));
  expectError(await srv.post(`/api/v1/quality-assessments/${backdated.json.id}/publish`, {}, { as: 'county_zhangwan' }), 409, 'invalid_state');

  const hist = await srv.get(`/api/v1/institutions/${zw2.institutionId}/quality`, { as: 'county_zhangwan' });
  assert.equal(hist.status, 200, show(hist));
  assert.equal(hist.json.rating.level, 'A');
  assert.equal(hist.json.rating.assessment_id, second.json.id);
  assert.deepEqual(new Set(hist.json.items.map((x) => x.status)), new Set(['draft', 'published', 'superseded']));

  // The operator sees its own history without drafts, and nobody else's.
  const op = await srv.get(`/api/v1/institutions/${zw2.institutionId}/quality`, { as: zw2.operator });
  assert.equal(op.status, 200, show(op));
  assert.ok(op.json.items.every((x) => x.status !== 'draft'), JSON.stringify(op.json.items));
  assert.equal(op.json.items.length, 2);
  expectError(await srv.get(`/api/v1/quality-assessments/${backdated.json.id}`, { as: zw2.operator }), 404, 'not_found');
  assert.equal((await srv.get(`/api/v1/quality-assessments/${id}`, { as: zw2.operator })).status, 200);
  expectError(await srv.get(`/api/v1/institutions/${zw2.institutionId}/quality`, { as: zw.operator }), 404, 'not_found');
  expectError(await srv.get(`/api/v1/quality-assessments/${id}`, { as: zw.operator }), 404, 'not_found');
  expectError(await srv.get(`/api/v1/institutions/${zw2.institutionId}/quality`, { as: 'county_maojian' }), 404, 'not_found');
  expectError(await srv.get(`/api/v1/quality-assessments/${id}`, { as: 'county_maojian' }), 404, 'not_found');
  expectError(await srv.get(`/api/v1/institutions/${zw2.institutionId}/quality`, { as: 'inspector' }), 403, 'forbidden');
});

test('the public rating shows level, date, due flag and subtotals, never assessors or notes', async () => {
  const res = await srv.get(`/api/v1/public/institutions/${zw2.institutionId}/rating`);
  assert.equal(res.status, 200, show(res));
  assert.equal(res.json.rated, true);
  assert.equal(res.json.rating.level, 'A');
  assert.equal(res.json.rating.assessed_on, today());
  assert.equal(res.json.rating.due, false);
  assert.equal(res.json.rating.categories.length, 7);
  const keys = allKeys(res.json);
  for (const k of ['assessors', 'note', 'notes', 'scores', 'created_by', 'assessment_id']) assert.ok(!keys.has(k), `${k} is public`);
  assert.ok(!res.text.includes('王丽') && !res.text.includes('需改进'), 'names or notes on the portal');

  const none = await srv.get(`/api/v1/public/institutions/${zw.institutionId}/rating`); // drafts only
  assert.equal(none.status, 200, show(none));
  assert.equal(none.json.rated, false);
  expectError(await srv.get(`/api/v1/public/institutions/${unfiled.institutionId}/rating`), 404, 'not_found');
  expectError(await srv.get('/api/v1/public/institutions/999999/rating'), 404, 'not_found');
});

test('the list filters by level, status and district, confined to a county official\'s district', async () => {
  const a = await srv.get('/api/v1/quality-assessments?level=A&status=published', { as: 'city' });
  assert.equal(a.status, 200, show(a));
  assert.ok(a.json.items.length >= 1 && a.json.items.every((x) => x.level === 'A' && x.status === 'published'));
  const mine = await srv.get('/api/v1/quality-assessments?district=420303', { as: 'county_maojian' });
  assert.equal(mine.status, 200, show(mine));
  assert.ok(mine.json.items.length >= 1);
  assert.ok(mine.json.items.every((x) => x.district_code === '420302'), 'a county official saw another district');
  const bad = await srv.get('/api/v1/quality-assessments?level=E&status=final&due=yes&page=0', { as: 'city' });
  expectError(bad, 422, 'validation_failed');
  assert.deepEqual(errorFields(bad).sort(), ['due', 'level', 'page', 'status']);
  expectError(await srv.get('/api/v1/quality-assessments', { as: zw.operator }), 403, 'forbidden');
});

/** Restart the server with its clock moved by days (0: the real clock). */
async function clockAt(days) {
  await srv.stop();
  if (days) process.env.TUOYU_FAKE_NOW = String(Math.floor(Date.now() / 1000) + days * DAY);
  else delete process.env.TUOYU_FAKE_NOW;
  await srv.launch();
}

test('a rating is due once the rating period (default 1095 days) has passed', async () => {
  const path = `/api/v1/public/institutions/${zw2.institutionId}/rating`;
  try {
    await clockAt(1094);
    const before = await srv.get(path);
    assert.equal(before.json.rating.due, false, show(before));
    await clockAt(1095);
    const due = await srv.get(path);
    assert.equal(due.json.rating.due, true, show(due));
    const expected = new Date(Date.parse(`${due.json.rating.assessed_on}T00:00:00Z`) + 1095 * DAY * 1000);
    assert.equal(due.json.rating.due_on, expected.toISOString().slice(0, 10));
    const list = await srv.get('/api/v1/quality-assessments?due=1', { as: 'county_zhangwan' });
    assert.ok(list.json.items.some((x) => x.institution_id === zw2.institutionId && x.due), show(list));
    const page = await srv.get('/dash/quality?due=1', { as: 'county_zhangwan' });
    assert.ok(page.text.includes('到期需复评'), 'the page does not mark the due rating');
    // The period is a local setting.
    sql(srv.db, "INSERT INTO settings (key, value) VALUES ('quality_rating_valid_days', '30')");
    await clockAt(30);
    assert.equal((await srv.get(path)).json.rating.due, true);
    await clockAt(29);
    assert.equal((await srv.get(path)).json.rating.due, false);
  } finally {
    await clockAt(0);
  }
});

const hidden = (html, name) => (html.match(new RegExp(`name="${name}" value="([^"]*)"`)) || [])[1];

test('the pages: list, new assessment form, draft scoring and publication through forms', async () => {
  const { cookie, csrf } = await srv.login('county_zhangwan');
  const list = await srv.get('/dash/quality', { cookie });
  assert.equal(list.status, 200, show(list));
  assert.deepEqual(tidyErrors(list.text), []);
  const tpl = await activeTemplate();
  const form = await srv.get(`/dash/quality/new?institution=${zw.institutionId}`, { cookie });
  assert.equal(form.status, 200, show(form));
  assert.deepEqual(tidyErrors(form.text), []);
  for (const ind of indicators(tpl)) {
    assert.ok(form.text.includes(`<label for="s_${ind.code}">`), `no label for ${ind.code}`);
    assert.ok(form.text.includes(`id="s_${ind.code}"`), `no input for ${ind.code}`);
  }
  assert.equal((await srv.get(`/dash/quality/new?institution=${mj.institutionId}`, { cookie })).status, 404);
  assert.equal((await srv.get(`/dash/quality/new?institution=${unfiled.institutionId}`, { cookie })).status, 409);

  const fields = { csrf, institution: String(zw.institutionId), assessed_on: today(), assessors: '王丽\n陈刚' };
  for (const ind of indicators(tpl)) fields[`s_${ind.code}`] = String(ind.points);
  const missing = { ...fields };
  delete missing[`s_${indicators(tpl)[3].code}`];
  const refused = await srv.req('POST', '/dash/quality', { cookie, body: new URLSearchParams(missing) });
  assert.equal(refused.status, 422, show(refused));
  assert.ok(refused.text.includes(indicators(tpl)[3].code));
  assert.deepEqual(tidyErrors(refused.text), []);
  const nocsrf = { ...fields };
  delete nocsrf.csrf;
  assert.equal((await srv.req('POST', '/dash/quality', { cookie, body: new URLSearchParams(nocsrf) })).status, 403);

  const made = await srv.req('POST', '/dash/quality', { cookie, body: new URLSearchParams(fields) });
  assert.ok([302, 303].includes(made.status), show(made));
  const loc = made.headers.get('location');
  const id = Number(loc.split('/').pop());
  const draft = await srv.get(loc, { cookie });
  assert.equal(draft.status, 200, show(draft));
  assert.deepEqual(tidyErrors(draft.text), []);
  assert.ok(draft.text.includes('发布评估结果'));
  const version = hidden(draft.text, 'version');
  const save = await srv.req('POST', loc, { cookie, body: new URLSearchParams({ ...fields, version, [`s_${indicators(tpl)[0].code}`]: '0' }) });
  assert.ok([302, 303].includes(save.status), show(save));
  const got = await srv.get(`/api/v1/quality-assessments/${id}`, { as: 'county_zhangwan' });
  assert.equal(got.json.total, 100 - indicators(tpl)[0].points);
  const pub = await srv.req('POST', `${loc}/publish`, { cookie, body: new URLSearchParams({ csrf }) });
  assert.ok([302, 303].includes(pub.status), show(pub));
  const shown = await srv.get(loc, { cookie });
  assert.ok(!shown.text.includes('发布评估结果'), 'a published assessment still offers publication');
  assert.deepEqual(tidyErrors(shown.text), []);
  const again = await srv.req('POST', `${loc}/publish`, { cookie, body: new URLSearchParams({ csrf }) });
  assert.equal(again.status, 409, show(again));
  assert.equal((await srv.get(loc, { as: 'county_maojian' })).status, 404);
  assert.equal((await srv.get(loc, { as: 'auditor' })).status, 200);
  assert.equal((await srv.get(`/dash/quality/new?institution=${zw.institutionId}`, { as: 'auditor' })).status, 403);
});
