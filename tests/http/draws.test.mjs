// Random inspections (双随机一公开): a seeded draw is redone here with node:crypto from the published record
// alone and gives the same institutions and inspectors; the same seed over the same register draws the same;
// the draw plans one 'random' inspection per drawn institution; who may draw where; 422 per bad field; the
// public record (API and pages) with the outcome of completed inspections and no personal data.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import test, { after, before } from 'node:test';
import { Server, errorFields, expectError, expectStatus, show, sql, tidyErrors } from './harness.mjs';
import { addOperator, allKeys, cstDay, fileInstitution, register } from './fixtures.mjs';

const SEED = '0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef';
const SEED2 = 'fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210';

let srv;
const ctx = { zhangwan: [], maojian: [] };
before(async () => {
  srv = await Server.start({
    name: 'draws',
    users: {
      inspector2: ['inspector', '420303', 'health'],
      inspector3: ['inspector', '420303', 'health'],
      inspector_off: ['inspector', '420303', 'health'],
      inspector_fire: ['inspector', '420303', 'fire'],
      inspector_maojian: ['inspector', '420302', 'health'],
    },
  });
  sql(srv.db, "UPDATE users SET disabled = 1 WHERE username = 'inspector_off'");
  for (let i = 0; i < 6; i++) {
    const f = await fileInstitution(srv, { reg: { name: `张湾区抽查测试托育园${i}` } });
    ctx.zhangwan.push(f.institutionId);
  }
  ctx.operator = (await fileInstitution(srv, { reg: { name: '张湾区运营者托育园' } })).operator;
  ctx.zhangwan.push(Number(sql(srv.db, `SELECT institution_id FROM users WHERE username = '${ctx.operator}'`)));
  const m = await fileInstitution(srv, {
    county: 'county_maojian',
    reg: { district_code: '420302', name: '茅箭区抽查测试托育园' },
  });
  ctx.maojian.push(m.institutionId);
  // Registered but not filed: never eligible.
  ctx.unfiled = (await register(srv, { name: '张湾区未备案托育' })).institution_id;
  await addOperator(srv, ctx.unfiled);
  ctx.ids = Object.fromEntries(
    sql(srv.db, "SELECT username, id FROM users WHERE role = 'inspector'")
      .split('\n')
      .map((l) => l.split('|'))
      .map(([u, id]) => [u, Number(id)])
  );
});
after(async () => {
  await srv.stop();
  await srv.cleanup();
});

const score = (seed, kind, id) => crypto.createHash('sha256').update(`${seed}:${kind}:${id}`, 'ascii').digest('hex');

/** Redo a draw from its published record only: scores, ranking, the first N, and the inspectors of each
 * drawn institution by the round-robin within its district. Returns [{institution, inspectors:[ids]}]. */
function redo(pub) {
  const rank = (list, kind) =>
    list
      .map((e) => ({ ...e, s: score(pub.seed, kind, e.id) }))
      .sort((a, b) => (a.s < b.s ? -1 : a.s > b.s ? 1 : a.id - b.id));
  const insts = rank(pub.eligible_institutions, 'institution');
  const insp = rank(pub.eligible_inspectors, 'inspector');
  for (const e of [...insts, ...insp]) assert.equal(e.s, e.score, `published score of ${e.id}`);
  const k = pub.inspectors_per_institution;
  const seen = {};
  return insts.slice(0, pub.institutions_wanted).map((inst) => {
    const mine = insp.filter((x) => x.district_code === inst.district_code);
    const c = (seen[inst.district_code] = (seen[inst.district_code] ?? -1) + 1);
    const ids = [];
    for (let j = 0; j < k; j++) ids.push(mine[(c * k + j) % mine.length].id);
    return { institution: inst.id, inspectors: ids.sort((a, b) => a - b) };
  });
}

const picksOf = (pub) =>
  pub.picks.map((p) => ({ institution: p.institution_id, inspectors: p.inspectors.map((i) => i.id).sort((a, b) => a - b) }));

function body(over = {}) {
  return { title: '张湾区托育机构双随机抽查（测试）', department: 'health', institutions: 3, inspectors_per_institution: 2, planned_on: cstDay(-7), ...over };
}

async function draw(as, over) {
  const res = await srv.post('/api/v1/draws', body(over), { as });
  expectStatus(res, 201);
  return res.json;
}

test('a seeded draw is redone from its published record alone and gives the same selection', async () => {
  const made = await draw('county_zhangwan', { seed: SEED });
  assert.equal(made.seed, SEED);
  assert.equal(made.method, 'sha256-rank-v1');
  assert.equal(made.district_code, '420303');
  const pub = await srv.get(`/api/v1/public/draws/${made.id}`);
  expectStatus(pub, 200);
  const p = pub.json;
  // Eligible: the filed institutions of 张湾区 only; enabled health inspectors of 张湾区 only.
  assert.deepEqual(p.eligible_institutions.map((e) => e.id).sort((a, b) => a - b), [...ctx.zhangwan].sort((a, b) => a - b));
  assert.deepEqual(
    p.eligible_inspectors.map((e) => e.username).sort(),
    ['inspector', 'inspector2', 'inspector3']
  );
  assert.equal(p.eligible_institution_count, ctx.zhangwan.length);
  assert.equal(p.picks.length, 3);
  assert.deepEqual(picksOf(p), redo(p));
  // The published selected flags agree with the picks.
  assert.deepEqual(
    p.eligible_institutions.filter((e) => e.selected).map((e) => e.id).sort(),
    p.picks.map((x) => x.institution_id).sort()
  );
  ctx.first = p;
});

test('the same seed over the same register draws the same institutions and inspectors', async () => {
  const again = await draw('city', { seed: SEED, district: '420303' });
  assert.notEqual(again.id, ctx.first.id);
  assert.deepEqual(picksOf(again), picksOf(ctx.first));
  const other = await draw('county_zhangwan', { seed: SEED2 });
  assert.deepEqual(picksOf(other), redo(other));
});

test('the drawn institutions get planned random inspections with the drawn inspectors, audited', async () => {
  const rows = sql(
    srv.db,
    `SELECT id, institution_id, kind, status, department_code, planned_on FROM inspections WHERE draw_id = ${ctx.first.id} ORDER BY institution_id`
  )
    .split('\n')
    .map((l) => l.split('|'));
  assert.deepEqual(
    rows.map((r) => Number(r[1])),
    ctx.first.picks.map((p) => p.institution_id).sort((a, b) => a - b)
  );
  for (const r of rows) {
    assert.deepEqual(r.slice(2, 5), ['random', 'planned', 'health']);
    const ids = sql(srv.db, `SELECT user_id FROM inspection_inspectors WHERE inspection_id = ${r[0]} ORDER BY user_id`)
      .split('\n')
      .map(Number);
    const pick = ctx.first.picks.find((p) => p.institution_id === Number(r[1]));
    assert.deepEqual(ids, pick.inspectors.map((i) => i.id).sort((a, b) => a - b));
    assert.equal(pick.inspection.id, Number(r[0]));
    assert.equal(pick.inspection.status, 'planned');
  }
  const days = Number(sql(srv.db, `SELECT planned_on FROM draws WHERE id = ${ctx.first.id}`));
  assert.equal(Number(rows[0][5]), days);
  assert.equal(sql(srv.db, `SELECT COUNT(*) FROM audit_log WHERE action = 'draw.create' AND entity_id = ${ctx.first.id}`), '1');
  assert.equal(sql(srv.db, `SELECT COUNT(*) FROM draw_entries WHERE draw_id = ${ctx.first.id}`), String(ctx.zhangwan.length + 3));
});

test('without a seed the server draws 64 random hex digits and publishes them', async () => {
  const a = await draw('county_zhangwan', { institutions: 1 });
  const b = await draw('county_zhangwan', { institutions: 1 });
  assert.match(a.seed, /^[0-9a-f]{64}$/);
  assert.notEqual(a.seed, b.seed);
  assert.deepEqual(picksOf(a), redo(a));
});

test('a city-wide draw assigns inspectors within each institution’s district', async () => {
  const all = ctx.zhangwan.length + ctx.maojian.length;
  const d = await draw('city', { seed: SEED, institutions: all, inspectors_per_institution: 1 });
  assert.equal(d.district_code, null);
  assert.equal(d.picks.length, all);
  assert.deepEqual(picksOf(d), redo(d));
  const mj = d.picks.find((p) => p.institution_id === ctx.maojian[0]);
  assert.deepEqual(mj.inspectors.map((i) => i.username), ['inspector_maojian']);
  // Two per institution: 茅箭区 has one health inspector, so the draw is refused and names the field.
  const res = await srv.post('/api/v1/draws', body({ seed: SEED, institutions: all }), { as: 'city' });
  expectError(res, 422, 'validation_failed');
  assert.deepEqual(errorFields(res), ['inspectors_per_institution']);
  assert.match(res.text, /420302/);
});

test('who may draw: officials of the territory and admins; others 403; another district 403', async () => {
  for (const as of ['operator', 'inspector', 'auditor', 'registrar']) {
    const who = as === 'operator' ? ctx.operator : as;
    expectError(await srv.post('/api/v1/draws', body(), { as: who }), 403, 'forbidden');
  }
  expectError(await srv.post('/api/v1/draws', body()), 401, 'unauthenticated');
  expectError(await srv.post('/api/v1/draws', body({ district: '420303' }), { as: 'county_maojian' }), 403, 'forbidden');
  // A county official draws in its own district by default.
  const mj = await draw('county_maojian', { institutions: 1, inspectors_per_institution: 1 });
  assert.equal(mj.district_code, '420302');
  assert.deepEqual(mj.picks.map((p) => p.institution_id), ctx.maojian);
  // City and county officials draw for health only; an admin for any department.
  const fire = body({ department: 'fire', institutions: 1, inspectors_per_institution: 1, district: '420303' });
  const refused = await srv.post('/api/v1/draws', fire, { as: 'city' });
  expectError(refused, 422, 'validation_failed');
  assert.deepEqual(errorFields(refused), ['department']);
  const byAdmin = await srv.post('/api/v1/draws', fire, { as: 'admin' });
  expectStatus(byAdmin, 201);
  assert.deepEqual(byAdmin.json.picks[0].inspectors.map((i) => i.username), ['inspector_fire']);
  ctx.fire = byAdmin.json.id;
  ctx.maojianDraw = mj.id;
});

test('the officials’ list: county officials see their district and city-wide draws; others 403', async () => {
  const mine = await srv.get('/api/v1/draws', { as: 'county_maojian' });
  expectStatus(mine, 200);
  assert.ok(mine.json.items.length > 0);
  for (const d of mine.json.items) assert.ok(d.district_code === null || d.district_code === '420302', show(mine));
  assert.ok(mine.json.items.some((d) => d.id === ctx.maojianDraw));
  assert.ok(!mine.json.items.some((d) => d.id === ctx.first.id));
  const city = await srv.get('/api/v1/draws', { as: 'auditor' });
  expectStatus(city, 200);
  assert.ok(city.json.items.some((d) => d.id === ctx.first.id));
  // Newest first, and keyset paging by id.
  const ids = city.json.items.map((d) => d.id);
  assert.deepEqual(ids, [...ids].sort((a, b) => b - a));
  const older = await srv.get(`/api/v1/draws?before=${ids[1]}`, { as: 'auditor' });
  assert.deepEqual(older.json.items.map((d) => d.id), ids.slice(2));
  expectError(await srv.get('/api/v1/draws?before=x', { as: 'city' }), 422, 'validation_failed');
  expectError(await srv.get('/api/v1/draws', { as: 'inspector' }), 403, 'forbidden');
  expectError(await srv.get('/api/v1/draws', { as: ctx.operator }), 403, 'forbidden');
  expectError(await srv.get('/api/v1/draws'), 401, 'unauthenticated');
  const pub = await srv.get('/api/v1/public/draws');
  expectStatus(pub, 200);
  assert.ok(pub.json.items.some((d) => d.id === ctx.first.id && d.seed === SEED));
});

test('422 names every bad field; too few eligible names the number asked for', async () => {
  let res = await srv.post('/api/v1/draws', {}, { as: 'city' });
  expectError(res, 422, 'validation_failed');
  assert.deepEqual(errorFields(res).sort(), ['department', 'institutions', 'planned_on', 'title']);
  const bad = {
    title: '',
    department: 'nope',
    district: '999999',
    institutions: 0,
    inspectors_per_institution: 0,
    planned_on: cstDay(1),
    seed: SEED.toUpperCase(),
    extra: 1,
  };
  res = await srv.post('/api/v1/draws', bad, { as: 'city' });
  expectError(res, 422, 'validation_failed');
  assert.deepEqual(errorFields(res).sort(), Object.keys(bad).sort());
  for (const [field, value] of [
    ['title', 'x'.repeat(201)],
    ['institutions', 1001],
    ['institutions', 2.5],
    ['institutions', '3'],
    ['inspectors_per_institution', 11],
    ['planned_on', '2026-02-30'],
    ['seed', SEED.slice(1)],
    ['seed', SEED.slice(1) + 'g'],
    ['district', 420303],
  ]) {
    res = await srv.post('/api/v1/draws', body({ [field]: value }), { as: 'city' });
    expectError(res, 422, 'validation_failed');
    assert.deepEqual(errorFields(res), [field], `${field}=${JSON.stringify(value)}: ${show(res)}`);
  }
  res = await srv.post('/api/v1/draws', body({ institutions: 100, inspectors_per_institution: 4 }), { as: 'county_zhangwan' });
  expectError(res, 422, 'validation_failed');
  assert.deepEqual(errorFields(res).sort(), ['inspectors_per_institution', 'institutions']);
  const before = sql(srv.db, 'SELECT COUNT(*) FROM draws');
  res = await srv.req('POST', '/api/v1/draws', { as: 'city', body: '{"title":', headers: { 'Content-Type': 'application/json' } });
  expectError(res, 400, 'malformed_json');
  assert.equal(sql(srv.db, 'SELECT COUNT(*) FROM draws'), before, 'a refused draw stored nothing');
  // Today is fine.
  await draw('county_zhangwan', { planned_on: cstDay(0), institutions: 1 });
});

test('the public record shows a completed inspection’s result by severity and no personal data', async () => {
  const pick = ctx.first.picks[0];
  const today = Math.floor((Date.now() + 8 * 3600e3) / 86400e3);
  sql(
    srv.db,
    `UPDATE inspections SET status = 'completed', inspected_on = ${today}, result = 'findings' WHERE id = ${pick.inspection.id}; ` +
      `INSERT INTO inspection_findings (inspection_id, institution_id, severity, clause, description, found_on, created_at) VALUES ` +
      `(${pick.inspection.id}, ${pick.institution_id}, 'high', '托育机构设置标准（试行）第十条', '消毒记录缺失', ${today}, 0), ` +
      `(${pick.inspection.id}, ${pick.institution_id}, 'low', '托育机构保育指导大纲', '晨检记录不全', ${today}, 0), ` +
      `(${pick.inspection.id}, ${pick.institution_id}, 'low', '托育机构保育指导大纲', '午睡巡查记录不全', ${today}, 0)`
  );
  const res = await srv.get(`/api/v1/public/draws/${ctx.first.id}`);
  expectStatus(res, 200);
  const got = res.json.picks.find((p) => p.institution_id === pick.institution_id).inspection;
  assert.equal(got.status, 'completed');
  assert.equal(got.result, 'findings');
  assert.equal(got.inspected_on, cstDay(0));
  assert.deepEqual(got.findings, { low: 2, medium: 0, high: 1, critical: 0 });
  const planned = res.json.picks.find((p) => p.institution_id !== pick.institution_id).inspection;
  assert.equal(planned.status, 'planned');
  assert.equal(planned.findings, undefined);
  const keys = allKeys(res.json);
  for (const k of ['display_name', 'phone', 'id_number', 'password', 'drawn_by', 'description'])
    assert.ok(!keys.has(k), `public draw exposes ${k}`);
  assert.ok(!res.text.includes('消毒记录缺失'));
  expectError(await srv.get('/api/v1/public/draws/999999'), 404, 'not_found');
});

test('the public pages are valid HTML5 and the shown one-liner reproduces the shown score', async () => {
  const list = await srv.get('/draws');
  assert.equal(list.status, 200);
  assert.match(list.text, /双随机抽查结果公示/);
  assert.deepEqual(tidyErrors(list.text), []);
  assert.ok(list.text.includes(`href="/draws/${ctx.first.id}"`));
  const page = await srv.get(`/draws/${ctx.first.id}`);
  assert.equal(page.status, 200);
  assert.deepEqual(tidyErrors(page.text), []);
  assert.ok(page.text.includes(SEED));
  assert.match(page.text, /viewport/);
  const q = "(?:'|&#39;)";
  const m = page.text.match(
    new RegExp(`<pre><code>printf ${q}%s${q} ${q}([0-9a-f]{64}:institution:\\d+)${q} \\| sha256sum</code></pre>\\s*<p>应得到：<code>([0-9a-f]{64})</code>`)
  );
  assert.ok(m, 'no one-liner with its expected score on the page');
  const out = execFileSync('sh', ['-c', `printf '%s' '${m[1]}' | sha256sum`], { encoding: 'utf8' });
  assert.equal(out.split(' ')[0], m[2]);
  assert.equal(m[1], `${SEED}:institution:${ctx.first.picks[0].institution_id}`);
  // The completed inspection's findings appear by severity.
  assert.match(page.text, /较重 1 项/);
  const missing = await srv.get('/draws/999999');
  assert.equal(missing.status, 404);
  assert.equal((await srv.get('/draws?before=abc')).status, 422);
});
