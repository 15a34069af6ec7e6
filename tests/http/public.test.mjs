// The public portal's search: only filed institutions, filtered by district, service type, inclusive care,
// the child's age and the fee, and sorted by distance when a location is given.
import assert from 'node:assert/strict';
import test, { after, before } from 'node:test';
import { Server, show } from './harness.mjs';
import { addOperator, dossier, fileInstitution, register, submit } from './fixtures.mjs';

let srv;
const P = {};
before(async () => {
  srv = await Server.start({ name: 'public', users: { county_yunyang: ['county_official', '420304'] } });
  // P1 张湾区: full day, inclusive, infants and toddlers (6–24 months), 2000 yuan.
  P.one = await fileInstitution(srv, {
    county: 'county_zhangwan',
    reg: { district_code: '420303', name: '张湾区小太阳托育园' },
    filing: {
      service_types: ['full_day'],
      inclusive: true,
      classes: [
        { type: 'infant', capacity: 9, caregivers: 3 },
        { type: 'toddler', capacity: 15, caregivers: 3 },
      ],
      staff_planned: { director: 1, caregiver: 6, health: 1, security: 1, cook: 1 },
      fees: [{ service_type: 'full_day', monthly_yuan: 2000 }],
      location: { lat: 32.6361, lon: 110.7806 },
    },
  });
  // P2 茅箭区: half day and hourly, not inclusive, older children (24–36 months), 1200 / 800 yuan.
  P.two = await fileInstitution(srv, {
    county: 'county_maojian',
    reg: { district_code: '420302', name: '茅箭区快乐成长托育中心' },
    filing: {
      service_types: ['half_day', 'hourly'],
      inclusive: false,
      classes: [{ type: 'older', capacity: 20, caregivers: 3 }],
      staff_planned: { director: 1, caregiver: 3, health: 1, security: 1, cook: 1 },
      fees: [
        { service_type: 'half_day', monthly_yuan: 1200 },
        { service_type: 'hourly', monthly_yuan: 800 },
      ],
      location: { lat: 32.6012, lon: 110.8101 },
    },
  });
  // P3 郧阳区: full day and temporary, inclusive, older and mixed classes, 3000 yuan; far to the north.
  P.three = await fileInstitution(srv, {
    county: 'county_yunyang',
    reg: { district_code: '420304', name: '郧阳区启航托育' },
    filing: {
      service_types: ['full_day', 'temporary'],
      inclusive: true,
      classes: [
        { type: 'older', capacity: 20, caregivers: 3 },
        { type: 'mixed', capacity: 18, caregivers: 4 },
      ],
      staff_planned: { director: 1, caregiver: 7, health: 1, security: 1, cook: 1 },
      fees: [
        { service_type: 'full_day', monthly_yuan: 3000 },
        { service_type: 'temporary', monthly_yuan: 3500 },
      ],
      location: { lat: 32.8355, lon: 110.8126 },
    },
  });
  // P4 张湾区: registered with a submitted filing, never approved.
  const r = await register(srv, { district_code: '420303', name: '张湾区未备案托育' });
  const op = await addOperator(srv, r.institution_id);
  await submit(srv, r.institution_id, op, dossier({ inclusive: true }));
  P.unfiled = r.institution_id;
});
after(async () => srv && srv.cleanup());

async function search(query) {
  const res = await srv.get(`/api/v1/public/institutions${query ? '?' + query : ''}`);
  assert.equal(res.status, 200, `${query}: ${show(res)}`);
  assert.equal(typeof res.json.total, 'number');
  return res.json;
}
const names = (r) => r.items.map((x) => x.name).sort();

test('the public search lists filed institutions only', async () => {
  const r = await search('');
  assert.deepEqual(names(r), ['张湾区小太阳托育园', '茅箭区快乐成长托育中心', '郧阳区启航托育'].sort());
  assert.equal(r.total, 3);
  for (const x of r.items) {
    for (const k of ['id', 'name', 'district_code', 'district_name', 'address', 'filing_number', 'filed_on', 'service_types', 'inclusive', 'places', 'min_age_months', 'max_age_months', 'fee_min_yuan']) {
      assert.ok(k in x, `item lacks ${k}: ${JSON.stringify(x)}`);
    }
    assert.ok(!('distance_km' in x), 'distance_km without near');
  }
});

// query → the names expected, in any order.
const FILTERS = [
  ['district=420303', ['张湾区小太阳托育园']],
  ['district=420302', ['茅箭区快乐成长托育中心']],
  ['district=420322', []],
  ['service_type=half_day', ['茅箭区快乐成长托育中心']],
  ['service_type=full_day', ['张湾区小太阳托育园', '郧阳区启航托育']],
  ['service_type=temporary', ['郧阳区启航托育']],
  ['inclusive=true', ['张湾区小太阳托育园', '郧阳区启航托育']],
  ['inclusive=false', ['茅箭区快乐成长托育中心']],
  ['age_months=8', ['张湾区小太阳托育园']],
  ['age_months=30', ['茅箭区快乐成长托育中心', '郧阳区启航托育']],
  ['age_months=20', ['张湾区小太阳托育园', '郧阳区启航托育']],
  ['max_fee=1000', ['茅箭区快乐成长托育中心']],
  ['max_fee=2500', ['张湾区小太阳托育园', '茅箭区快乐成长托育中心']],
  ['max_fee=100', []],
  ['district=420303&inclusive=false', []],
  ['service_type=full_day&age_months=30&max_fee=5000', ['郧阳区启航托育']],
];
for (const [query, expected] of FILTERS) {
  test(`public search ${query} finds ${expected.length ? expected.join('、') : 'nothing'}`, async () => {
    const r = await search(query);
    assert.deepEqual(names(r), [...expected].sort());
    assert.equal(r.total, expected.length);
  });
}

test('public search near a point sorts by distance and gives distance_km', async () => {
  // Near 张湾区 P1: P1, then P2 (≈ 4.5 km), then P3 in 郧阳区 (≈ 22 km).
  const r = await search('near=32.6400,110.7800');
  assert.deepEqual(
    r.items.map((x) => x.name),
    ['张湾区小太阳托育园', '茅箭区快乐成长托育中心', '郧阳区启航托育']
  );
  const d = r.items.map((x) => x.distance_km);
  for (const x of d) assert.equal(typeof x, 'number');
  assert.ok(d[0] < 1 && d[1] > 3 && d[1] < 7 && d[2] > 18 && d[2] < 26, `distances ${d}`);
  // From the north the order turns around: P3 (≈ 0.5 km), P1 (≈ 23 km), P2 (≈ 26.5 km).
  const north = await search('near=32.8400,110.8100');
  assert.deepEqual(
    north.items.map((x) => x.name),
    ['郧阳区启航托育', '张湾区小太阳托育园', '茅箭区快乐成长托育中心']
  );
});

test('the public item shows the district name and the cheapest fee', async () => {
  const r = await search('district=420302');
  const x = r.items[0];
  assert.equal(x.district_name, '茅箭区');
  assert.equal(x.fee_min_yuan, 800);
  assert.deepEqual([...x.service_types].sort(), ['half_day', 'hourly']);
  assert.equal(x.inclusive, false);
  assert.ok(x.min_age_months <= 30 && x.max_age_months >= 30);
});

test('nonsense and hostile filter values do not crash the search', async () => {
  for (const q of [
    'district=%27%20OR%201%3D1--',
    'age_months=-5',
    'age_months=abc',
    'max_fee=1e309',
    'near=abc',
    'near=91,0',
    'near=32.6',
    'page=-1',
    'page=99999999999999999999',
    'inclusive=maybe',
    'service_type=%3Cscript%3E',
    'district=420303&district=420302',
  ]) {
    const res = await srv.get(`/api/v1/public/institutions?${q}`);
    assert.ok([200, 400, 422].includes(res.status), `${q}: ${show(res)}`);
    if (res.status === 200) {
      for (const x of res.json.items) assert.notEqual(String(x.id), String(P.unfiled), `${q} shows the unfiled one`);
    }
  }
  const r = await srv.get('/api/v1/public/institutions?district=%27%20OR%201%3D1--');
  if (r.status === 200) assert.equal(r.json.items.length, 0, 'an injected district matched institutions');
});

test('the public detail of an unfiled institution is 404', async () => {
  const res = await srv.get(`/api/v1/public/institutions/${P.unfiled}`);
  assert.equal(res.status, 404);
});

test('the portal page runs the same search from its form fields', async () => {
  const page = await srv.get('/');
  assert.equal(page.status, 200);
  for (const name of ['district', 'service_type', 'inclusive', 'age_months', 'max_fee']) {
    assert.match(page.text, new RegExp(`name=["']?${name}["'\\s>]`), `the search form has no field ${name}`);
  }
  // Submit the form as a browser would: its action (default: the page itself) with GET.
  const form = page.text.match(/<form\b[^>]*>[\s\S]*?<\/form>/g).find((f) => /name=["']?district/.test(f));
  const action = (form.match(/^<form\b[^>]*\baction=["']?([^"'\s>]*)/) || [])[1] || '/';
  const method = ((form.match(/^<form\b[^>]*\bmethod=["']?(\w+)/i) || [])[1] || 'get').toLowerCase();
  assert.equal(method, 'get', 'a search form should use GET so results can be linked');
  const hit = await srv.get(`${action}${action.includes('?') ? '&' : '?'}district=420302&age_months=30`);
  assert.equal(hit.status, 200);
  assert.ok(hit.text.includes('茅箭区快乐成长托育中心'));
  assert.ok(!hit.text.includes('张湾区小太阳托育园'), 'the page ignores the district filter');
  assert.ok(!hit.text.includes('张湾区未备案托育'), 'the page shows an unfiled institution');
});

test('the server stops on SIGTERM with exit code 0', async () => {
  await srv.stop();
});
