// Registration pushes from the registration authorities: the happy path, replays, updates with history,
// every validation rule naming its field, hostile bodies, and hostile strings kept verbatim but escaped.
import assert from 'node:assert/strict';
import test, { after, before } from 'node:test';
import { Server, errorFields, expectError, show } from './harness.mjs';
import { registration, uscc, withBadCheckChar } from './fixtures.mjs';

let srv;
before(async () => {
  srv = await Server.start({ name: 'registration' });
});
after(async () => srv && srv.cleanup());

const push = (body, opts = {}) => srv.post('/api/v1/registrations', body, { as: 'registrar', ...opts });
const rawPush = (body) =>
  srv.req('POST', '/api/v1/registrations', {
    as: 'registrar',
    body,
    headers: { 'Content-Type': 'application/json' },
  });

test('a registration push creates a registered institution (201) and a replay returns the same ids (200)', async () => {
  const body = registration();
  const first = await push(body);
  assert.equal(first.status, 201, show(first));
  assert.ok(first.json.id != null && first.json.institution_id != null, show(first));

  const replay = await push(body);
  assert.equal(replay.status, 200, show(replay));
  assert.equal(replay.json.id, first.json.id);
  assert.equal(replay.json.institution_id, first.json.institution_id);

  const inst = await srv.get(`/api/v1/institutions/${first.json.institution_id}`, { as: 'admin' });
  assert.equal(inst.status, 200, show(inst));
  for (const k of ['uscc', 'name', 'legal_form', 'district_code', 'address', 'business_scope', 'registered_on', 'authority']) {
    assert.equal(inst.json[k], body[k], `institution.${k}`);
  }
  assert.equal(inst.json.state, 'registered');
  assert.ok(!inst.json.filing_number, 'a merely registered institution has a filing number');
  assert.ok(Array.isArray(inst.json.history), 'no history');

  const list = await srv.get('/api/v1/institutions?state=registered', { as: 'city' });
  assert.equal(list.status, 200);
  assert.equal(list.json.items.filter((i) => i.uscc === body.uscc).length, 1, 'replay made a second institution');
});

test('a push with a changed name keeps the ids (200) and the history shows old and new name', async () => {
  const body = registration();
  const first = await push(body);
  assert.equal(first.status, 201, show(first));
  const renamed = { ...body, name: `${body.name}（更名）` };
  const second = await push(renamed);
  assert.equal(second.status, 200, show(second));
  assert.equal(second.json.id, first.json.id);
  assert.equal(second.json.institution_id, first.json.institution_id);

  const inst = await srv.get(`/api/v1/institutions/${first.json.institution_id}`, { as: 'auditor' });
  assert.equal(inst.json.name, renamed.name);
  const h = inst.json.history;
  assert.ok(h.length >= 2, `history has ${h.length} entries: ${JSON.stringify(h)}`);
  for (const e of h) {
    assert.ok(e.at && e.action, `history entry lacks at/action: ${JSON.stringify(e)}`);
  }
  const change = h.find((e) => {
    const c = JSON.stringify(e.changes ?? '');
    return c.includes(renamed.name) && c.includes(body.name.replace(/"/g, '\\"'));
  });
  assert.ok(change, `no history entry names the old and new name: ${JSON.stringify(h)}`);
});

// Each case breaks one rule; the answer is 422 validation_failed naming that field.
const INVALID = [
  ['a USCC with a wrong check character', (b) => ({ ...b, uscc: withBadCheckChar(b.uscc) }), ['uscc']],
  ['a company code (91…) pushed as a social organisation', (b) => ({ ...b, legal_form: 'social_org' }), ['legal_form', 'uscc']],
  ['a social organisation code (52…) pushed as an enterprise', (b) => ({ ...b, uscc: uscc('social_org'), legal_form: 'enterprise' }), ['legal_form', 'uscc']],
  ['a district outside 十堰 (110101)', (b) => ({ ...b, district_code: '110101' }), ['district_code']],
  ['a business scope without 托育', (b) => ({ ...b, business_scope: '餐饮服务；食品销售；文化艺术培训' }), ['business_scope']],
  ['a date that does not exist (2023-02-30)', (b) => ({ ...b, registered_on: '2023-02-30' }), ['registered_on']],
  ['a date in another format (2023/02/01)', (b) => ({ ...b, registered_on: '2023/02/01' }), ['registered_on']],
  ['an unknown legal form', (b) => ({ ...b, legal_form: 'partnership' }), ['legal_form']],
  ['a USCC of 17 characters', (b) => ({ ...b, uscc: b.uscc.slice(0, 17) }), ['uscc']],
  ['a USCC with a letter outside the alphabet (I)', (b) => ({ ...b, uscc: 'I' + b.uscc.slice(1) }), ['uscc']],
  ['a missing name', (b) => { const { name, ...rest } = b; return rest; }, ['name']],
  ['an empty name', (b) => ({ ...b, name: '' }), ['name']],
];
for (const [what, mutate, fields] of INVALID) {
  test(`registration with ${what} is 422 naming ${fields.join(' or ')}`, async () => {
    const res = await push(mutate(registration()));
    expectError(res, 422, 'validation_failed');
    const named = errorFields(res);
    assert.ok(fields.some((f) => named.includes(f)), `fields ${JSON.stringify(named)} do not name ${fields.join('/')}`);
  });
}

test('a registration breaking every rule at once lists every field', async () => {
  const b = registration();
  const res = await push({
    ...b,
    uscc: withBadCheckChar(b.uscc),
    district_code: '110101',
    business_scope: '餐饮服务',
    registered_on: '2023-02-30',
  });
  expectError(res, 422, 'validation_failed');
  const named = errorFields(res);
  for (const f of ['uscc', 'district_code', 'business_scope', 'registered_on']) {
    assert.ok(named.includes(f), `${f} missing from ${JSON.stringify(named)}`);
  }
  // The legal-form rule is checked independently of the check character.
  const c = registration();
  const res2 = await push({
    ...c,
    legal_form: 'social_org',
    district_code: '110101',
    business_scope: '餐饮服务',
    registered_on: '2023-02-30',
  });
  expectError(res2, 422, 'validation_failed');
  const named2 = errorFields(res2);
  for (const f of ['district_code', 'business_scope', 'registered_on']) {
    assert.ok(named2.includes(f), `${f} missing from ${JSON.stringify(named2)}`);
  }
  assert.ok(named2.includes('legal_form') || named2.includes('uscc'), `legal-form mismatch not named: ${named2}`);
  // Nothing was stored.
  const list = await srv.get('/api/v1/institutions', { as: 'admin' });
  const stored = list.json.items.map((i) => i.uscc);
  assert.ok(!stored.includes(withBadCheckChar(b.uscc)) && !stored.includes(c.uscc), 'an invalid push was stored');
});

test('malformed JSON is 400 malformed_json', async () => {
  const bodies = [
    '{',
    '',
    '{"uscc": }',
    '{"uscc": "x",}',
    "{'uscc': 'x'}",
    '{"uscc": "x"} trailing',
    Buffer.from([0x7b, 0x22, 0x6e, 0x61, 0x6d, 0x65, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d]), // {"name":"\xff\xfe"}
  ];
  for (const body of bodies) {
    const res = await rawPush(body);
    expectError(res, 400, 'malformed_json');
  }
});

test('a JSON object with a duplicate key is 400 malformed_json', async () => {
  const b = registration();
  const text = JSON.stringify(b).replace(/^\{/, `{"name":"先写的名字",`);
  const res = await rawPush(text);
  expectError(res, 400, 'malformed_json');
});

test('JSON that is not an object is refused (400 or 422), never stored', async () => {
  for (const body of ['[]', '"text"', '42', 'null', '[{"uscc":"x"}]']) {
    const res = await rawPush(body);
    assert.ok([400, 422].includes(res.status), `${body}: ${show(res)}`);
  }
});

test('an unknown field is 422 naming it', async () => {
  const res = await push({ ...registration(), colour: 'red' });
  expectError(res, 422, 'validation_failed');
  assert.ok(errorFields(res).includes('colour'), show(res));
});

test('wrong types are 422 naming each field', async () => {
  const b = registration();
  const res = await push({
    ...b,
    uscc: 91420303123456789,
    name: ['十堰'],
    registered_on: 20240315,
    address: { street: '北京路' },
    legal_form: true,
  });
  expectError(res, 422, 'validation_failed');
  const named = errorFields(res);
  for (const f of ['uscc', 'name', 'registered_on', 'address', 'legal_form']) {
    assert.ok(named.includes(f), `${f} missing from ${JSON.stringify(named)}`);
  }
});

test('a body over 1 MiB is 413 payload_too_large, announced or chunked', async () => {
  const big = JSON.stringify({ ...registration(), address: 'x'.repeat(1024 * 1024) });
  const declared = await srv.rawRequest('POST', '/api/v1/registrations', {
    as: 'registrar',
    headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(big) },
    body: big,
  });
  assert.equal(declared.status, 413, `declared length: ${declared.status} ${declared.text.slice(0, 200)}`);
  assert.equal(declared.json?.error?.code, 'payload_too_large');
  const chunked = await srv.rawRequest('POST', '/api/v1/registrations', {
    as: 'registrar',
    headers: { 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked' },
    body: big,
  });
  assert.equal(chunked.status, 413, `chunked: ${chunked.status} ${chunked.text.slice(0, 200)}`);
  // The server is still fine afterwards.
  assert.equal((await srv.get('/healthz')).status, 200);
});

test('a body of just under 1 MiB is read, not refused for size', async () => {
  const b = registration();
  const pad = 1024 * 1024 - Buffer.byteLength(JSON.stringify({ ...b, address: '' })) - 64;
  const res = await push({ ...b, address: 'x'.repeat(pad) });
  assert.notEqual(res.status, 413, show(res));
});

test('SQL and HTML in name and address are stored byte-exact and shown escaped on the dashboard', async () => {
  const name = `<script>alert("name")</script>'; DROP TABLE institutions;-- 托育👶 &amp;`;
  const address = `北京路1号" onmouseover="alert(1)' OR '1'='1 <img src=x onerror=alert(2)>\\ %s %n`;
  const body = registration({ name, address });
  const res = await push(body);
  assert.equal(res.status, 201, show(res));
  const id = res.json.institution_id;

  const inst = await srv.get(`/api/v1/institutions/${id}`, { as: 'admin' });
  assert.equal(inst.json.name, name);
  assert.equal(inst.json.address, address);
  const list = await srv.get('/api/v1/institutions', { as: 'admin' });
  assert.equal(list.status, 200, 'the institutions table did not survive');
  assert.ok(list.json.items.some((i) => i.name === name));

  const session = await srv.login('admin');
  assert.equal(session.res.status, 200, show(session.res));
  const page = await srv.get(`/dash/institutions/${id}`, { cookie: session.cookie });
  assert.equal(page.status, 200, show(page));
  assert.match(page.headers.get('content-type') || '', /^text\/html/);
  const html = page.text;
  for (const raw of ['<script>alert', '<img src=x', '" onmouseover="alert']) {
    assert.ok(!html.includes(raw), `page contains unescaped ${raw}`);
  }
  assert.ok(html.includes('&lt;script&gt;alert('), 'the name is not on the page, escaped');
  assert.ok(html.includes('&amp;amp;'), 'a literal "&amp;" in the name was not escaped once more');
  assert.ok(html.includes('&lt;img src=x onerror=alert(2)&gt;'), 'the address is not on the page, escaped');
});

test('the server stops on SIGTERM with exit code 0', async () => {
  await srv.stop();
});
