// Public disclosure on the portal: for a filed institution, parents see the last inspection, the findings of
// the last three years by severity with what became of each (rectified with its date, in progress with its
// deadline, overdue, or corrected on the spot), credit records in force, the quality rating, incidents as
// counts — and never a person. A closed institution keeps its page, marked closed, and leaves the search.
import assert from 'node:assert/strict';
import test, { after, before } from 'node:test';
import { Server, expectStatus, show, sql, tidyErrors } from './harness.mjs';
import { cstDay, fileInstitution } from './fixtures.mjs';

const CAPTCHA = '2468';
process.env.TUOYU_CAPTCHA_FIXED = CAPTCHA; // test only: every challenge's answer (see docs/api.md)

let srv;
let inst;

/** A parent's complaint about institution id through the public API; resolves its id. */
async function complain(id, text) {
  const token = (await srv.get('/api/v1/public/captcha')).json.token;
  const res = await srv.post('/api/v1/public/complaints', {
    institution_id: id, category: 'hygiene', text, contact_name: '李先生', contact_phone: '13912345678',
    anonymous_public: false, captcha_token: token, captcha_answer: CAPTCHA,
  });
  expectStatus(res, 201);
  // The public answer gives the receipt number and lookup code only; officials find the id by number.
  return Number(sql(srv.db, `SELECT id FROM complaints WHERE number = '${res.json.number}'`));
}
const inDays = (n) => cstDay(-n);

/** A finding of a new inspection by `as` at institution id: resolves the finding's id. */
async function finding(id, severity, description, as = 'inspector') {
  const plan = await srv.post(`/api/v1/institutions/${id}/inspections`, { kind: 'routine' }, { as });
  expectStatus(plan, 201);
  const insp = (await srv.get(`/api/v1/inspections/${plan.json.id}`, { as })).json;
  const tmpl = (await srv.get(`/api/v1/checklist-templates/${insp.template_id}`, { as })).json;
  const [first, ...rest] = tmpl.items;
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
  return (await srv.get(`/api/v1/inspections/${plan.json.id}`, { as })).json.findings[0].id;
}

const order = async (f, deadline) => {
  const res = await srv.post(`/api/v1/findings/${f}/rectification`, { deadline_on: deadline, requirement: '限期整改' }, { as: 'inspector' });
  expectStatus(res, 201);
  return res.json.id;
};

before(async () => {
  srv = await Server.start({ name: 'disclosure' });
  inst = await fileInstitution(srv);
  // critical: ordered, answered and accepted today.
  const crit = await finding(inst.institutionId, 'critical', '消防通道被杂物堵塞');
  const o1 = await order(crit, inDays(10));
  expectStatus(await srv.post(`/api/v1/rectifications/${o1}/answer`, { text: '已清理通道并指定专人每日巡查。' }, { as: inst.operator }), 200);
  expectStatus(await srv.post(`/api/v1/rectifications/${o1}/verify`, { decision: 'accept', text: '复查通过' }, { as: 'inspector' }), 200);
  // high: ordered with a deadline in 5 days, not answered.
  await order(await finding(inst.institutionId, 'high', '晨检记录缺失'), inDays(5));
  // low: corrected on the spot, no order.
  await finding(inst.institutionId, 'low', '洗手液未及时补充');
  expectStatus(
    await srv.post(
      `/api/v1/institutions/${inst.institutionId}/credit-records`,
      { kind: 'serious_violation', source: '检查发现', summary: '消防通道堵塞，经责令整改', authority: '十堰市张湾区卫生健康局',
        decision_number: '张卫监〔2026〕3号', decided_on: cstDay(0) },
      { as: 'county_zhangwan' },
    ),
    201,
  );
  const answered = await complain(inst.institutionId, '午餐饭菜经常是凉的，孩子吃了肚子不舒服。');
  await complain(inst.institutionId, '教室地面湿滑，没有防滑措施。');
  expectStatus(await srv.post(`/api/v1/complaints/${answered}/answer`, { text: '已核查并责令整改。' }, { as: 'county_zhangwan' }), 200);
});
after(async () => {
  delete process.env.TUOYU_FAKE_NOW;
  if (srv) await srv.cleanup();
});

test('the public API shows each finding with its severity and rectification, with dates', async () => {
  const res = await srv.get(`/api/v1/public/institutions/${inst.institutionId}`);
  assert.equal(res.status, 200, show(res));
  const s = res.json.supervision;
  assert.ok(s, show(res));
  assert.equal(s.last_inspection_on, cstDay(0));
  assert.equal(s.inspections, 3);
  assert.deepEqual(s.findings_by_severity, { low: 1, medium: 0, high: 1, critical: 1 });
  assert.deepEqual(s.findings_by_rectification, { none: 1, in_progress: 1, answered: 0, overdue: 0, done: 1 });
  const by = Object.fromEntries(s.findings.map((f) => [f.severity, f]));
  assert.equal(by.critical.rectification, 'done');
  assert.equal(by.critical.rectified_on, cstDay(0));
  assert.equal(by.high.rectification, 'in_progress');
  assert.equal(by.high.deadline_on, inDays(5));
  assert.equal(by.low.rectification, 'none');
  assert.equal(by.critical.description, '消防通道被杂物堵塞');
  assert.equal(s.credit_records.length, 1);
  assert.equal(s.credit_records[0].kind, 'serious_violation');
  assert.deepEqual(s.incidents, { total: 0, serious_injuries: 0, deaths: 0, substantiated_abuse: 0 });
  assert.equal(s.rating, null);
  assert.deepEqual(s.complaints, { received: 2, answered: 1, answered_on_time: 1, overdue: 0 });
  const text = JSON.stringify(res.json);
  assert.doesNotMatch(text, /inspector|operator\d|"name":"[^"]*某|李先生|139\d{8}|凉的/, 'no person, contact or complaint text in the public record');
});

test('the portal page shows severity, rectification and credit, and is valid HTML', async () => {
  const res = await srv.get(`/institutions/${inst.institutionId}`);
  assert.equal(res.status, 200, show(res));
  const html = res.text;
  assert.match(html, /监督检查信息/);
  assert.match(html, /<span class="sev critical">严重<\/span>/);
  assert.match(html, /<td data-rect="done">已整改（\d{4}-\d{2}-\d{2}）<\/td>/);
  assert.match(html, new RegExp(`<td data-rect="in_progress">整改中（期限 ${inDays(5)}）</td>`));
  assert.match(html, /无需限期整改/);
  assert.match(html, /信用记录[\s\S]*严重违法违规[\s\S]*张卫监〔2026〕3号/);
  assert.match(html, /近三年安全事件<\/dt><dd>0 起/);
  assert.match(html, /近三年家长投诉<\/dt><dd>2 件（已答复 1 件，其中按期答复 1 件；逾期未答复 0 件）/);
  assert.doesNotMatch(html, /李先生|13912345678|凉的/);
  assert.match(html, /href="\/complaints\/new\?institution=\d+"/);
  assert.deepEqual(tidyErrors(html), []);
});

test('past its deadline an unanswered order shows as overdue, on the page, in the API and on the dashboards', async () => {
  await srv.stop();
  process.env.TUOYU_FAKE_NOW = String(Math.floor(Date.now() / 1000) + 7 * 86400);
  try {
    await srv.launch();
  } finally {
    delete process.env.TUOYU_FAKE_NOW;
  }
  const res = await srv.get(`/api/v1/public/institutions/${inst.institutionId}`);
  assert.equal(res.status, 200, show(res));
  assert.equal(res.json.supervision.findings_by_rectification.overdue, 1);
  assert.equal(res.json.supervision.findings.find((f) => f.severity === 'high').rectification, 'overdue');
  const page = await srv.get(`/institutions/${inst.institutionId}`);
  assert.match(page.text, /逾期未整改 1 项/);
  assert.match(page.text, /<td data-rect="overdue">逾期未整改/);
  // The overdue order reaches the county's dashboard, and the city's; another county sees none of it.
  for (const [as, n] of [['county_zhangwan', 1], ['city', 1], ['county_maojian', 0]]) {
    const dash = await srv.get('/dash', { as });
    assert.equal(dash.status, 200, show(dash));
    assert.match(dash.text, new RegExp(`逾期未完成整改：<strong>${n}</strong> 件`), `${as}'s dashboard`);
    assert.deepEqual(tidyErrors(dash.text), []);
  }
});
