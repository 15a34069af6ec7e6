// Paging the public search on the 十堰 demo (201 filed institutions; 42 in 张湾区): the keyset cursor (`after`
// → `next`) walks every match exactly once in a stable order, page numbers still work and agree with it, a
// cursor that is not ours is a 422 naming `after`, and the portal's "下一页" link carries the cursor.
import assert from 'node:assert/strict';
import test, { after, before } from 'node:test';
import { expectError, Server, show, sql } from './harness.mjs';

let srv;
before(async () => {
  srv = await Server.start({ name: 'public-paging', demo: true });
});
after(async () => srv && srv.cleanup());

const API = '/api/v1/public/institutions';

async function get(query) {
  const res = await srv.get(`${API}?${query}`);
  assert.equal(res.status, 200, `${query}: ${show(res)}`);
  return res.json;
}

// Every item of a search, following `next` from the first page; checks each page on the way.
async function walk(query) {
  const items = [];
  let page = await get(query);
  const total = page.total;
  for (let guard = 0; ; guard++) {
    assert.ok(guard < 100, `${query}: no end after 100 pages`);
    assert.equal(page.total, total, `${query}: the total changed between pages`);
    assert.equal(page.per_page, 20);
    assert.ok(page.items.length <= 20);
    items.push(...page.items);
    if (page.next === null) break;
    assert.equal(typeof page.next, 'string');
    assert.equal(page.items.length, 20, `${query}: a short page with a next cursor`);
    page = await get(`${query}${query ? '&' : ''}after=${encodeURIComponent(page.next)}`);
    assert.equal(page.page, null, 'a page reached by cursor claims a page number');
  }
  return { items, total };
}

// The filed institutions' ids straight from the database, in id order, for the condition given.
function filedIds(where = '') {
  const out = sql(srv.db, `SELECT id FROM institutions WHERE state = 'filed' ${where} ORDER BY id`);
  return out ? out.split('\n').map(Number) : [];
}

test('paging 张湾区 through next yields each of its filed institutions once, in id order', async () => {
  const want = filedIds("AND district_code = '420303'");
  assert.ok(want.length > 40, `the demo has only ${want.length} filed institutions in 张湾区`);
  const { items, total } = await walk('district=420303');
  assert.equal(total, want.length);
  assert.deepEqual(items.map((x) => x.id), want);
  for (const x of items) assert.equal(x.district_code, '420303');
});

test('the whole city pages through next in id order, and page numbers give the same pages', async () => {
  const want = filedIds();
  const { items, total } = await walk('');
  assert.equal(total, want.length);
  assert.deepEqual(items.map((x) => x.id), want);
  for (let p = 1; (p - 1) * 20 < want.length; p++) {
    const byNumber = await get(`page=${p}`);
    assert.equal(byNumber.page, p);
    assert.deepEqual(byNumber.items.map((x) => x.id), want.slice((p - 1) * 20, p * 20), `page ${p}`);
    assert.equal(byNumber.next === null, p * 20 >= want.length, `page ${p}: next ${byNumber.next}`);
  }
  const beyond = await get(`page=${Math.ceil(want.length / 20) + 3}`);
  assert.deepEqual(beyond.items, []);
  assert.equal(beyond.next, null);
  assert.equal(beyond.total, want.length);
});

test('filters hold on every page reached by cursor', async () => {
  const cases = [
    ['district=420303&inclusive=false', "AND district_code = '420303' AND inclusive = 0", (x) => x.district_code === '420303' && !x.inclusive],
    ['inclusive=true', 'AND inclusive = 1', (x) => x.inclusive],
    ['service_type=full_day', 'AND (service_types & 1) <> 0', (x) => x.service_types.includes('full_day')],
    ['age_months=30&max_fee=3000', 'AND min_age_months <= 30 AND max_age_months >= 30 AND fee_min_fen <= 300000',
      (x) => x.min_age_months <= 30 && x.max_age_months >= 30 && x.fee_min_yuan <= 3000],
  ];
  for (const [query, where, holds] of cases) {
    const want = filedIds(where);
    assert.ok(want.length > 20, `${query}: only ${want.length} matches, too few to need a cursor`);
    const { items, total } = await walk(query);
    assert.equal(total, want.length, query);
    assert.deepEqual(items.map((x) => x.id), want, query);
    for (const x of items) assert.ok(holds(x), `${query}: ${JSON.stringify(x)}`);
  }
});

test('a cursor after the last match gives an empty page, not an error', async () => {
  const ids = filedIds("AND district_code = '420303'");
  const r = await get(`district=420303&after=${ids[ids.length - 1]}`);
  assert.deepEqual(r.items, []);
  assert.equal(r.next, null);
  assert.equal(r.total, ids.length);
  // A cursor is a position, not a row that must still match: the page goes on after it.
  const pos = ids[9] + 1;
  const mid = await get(`district=420303&after=${pos}`);
  assert.deepEqual(mid.items.map((x) => x.id), ids.filter((id) => id > pos).slice(0, 20));
});

test('near pages by distance then id through next, each institution once', async () => {
  const near = 'near=32.6400,110.7800';
  const { items, total } = await walk(near);
  assert.equal(total, filedIds('AND lat IS NOT NULL AND lon IS NOT NULL').length);
  assert.equal(items.length, total);
  assert.equal(new Set(items.map((x) => x.id)).size, items.length, 'an institution came twice');
  for (let i = 1; i < items.length; i++) {
    const [a, b] = [items[i - 1], items[i]];
    assert.ok(a.distance_km <= b.distance_km, `out of order at ${i}: ${a.distance_km} then ${b.distance_km}`);
  }
  // The same order as page numbers give.
  const p2 = await get(`${near}&page=2`);
  assert.deepEqual(p2.items.map((x) => x.id), items.slice(20, 40).map((x) => x.id));
});

test('a cursor that is not one of ours is a 422 naming after', async () => {
  const idCursor = (await get('district=420303')).next;
  const nearCursor = (await get('near=32.64,110.78')).next;
  assert.match(idCursor, /^\d+$/);
  const bad = [
    'after=abc',
    'after=0',
    'after=-5',
    'after=12.5',
    'after=012',
    'after=%2012',
    'after=99999999999999999999',
    'after=1e3',
    `after=${encodeURIComponent(nearCursor)}`, // a near cursor on a search in id order
    `near=32.64,110.78&after=${idCursor}`, // an id cursor on a search by distance
    'near=32.64,110.78&after=7ff0000000000000.5', // infinity as the distance
    'near=32.64,110.78&after=bff0000000000000.5', // a negative distance
    'near=32.64,110.78&after=3FF0000000000000.5', // upper-case hex is not what we write
    `after=${idCursor}&page=2`, // both ways of paging at once
    'after=%3Cscript%3E',
  ];
  for (const q of bad) {
    const e = expectError(await srv.get(`${API}?${q}`), 422, 'validation_failed');
    assert.deepEqual(e.fields.map((f) => f.field), ['after'], `${q}: ${JSON.stringify(e.fields)}`);
  }
  // The cursors themselves work on the kind of search that gave them.
  assert.equal((await srv.get(`${API}?district=420303&after=${idCursor}`)).status, 200);
  assert.equal((await srv.get(`${API}?near=32.64,110.78&after=${encodeURIComponent(nearCursor)}`)).status, 200);
});

test('a search item and the public detail agree on every field they share', async () => {
  const r = await get('district=420302');
  for (const x of r.items.slice(0, 5)) {
    const d = await srv.get(`${API}/${x.id}`);
    assert.equal(d.status, 200, show(d));
    for (const [k, v] of Object.entries(x)) assert.deepEqual(d.json[k], v, `${x.id}.${k}`);
  }
});

// The portal's pager links, decoded as a browser would.
function pagerLinks(html) {
  const nav = (html.match(/<nav class="pager"[\s\S]*?<\/nav>/) || [''])[0];
  const links = {};
  for (const m of nav.matchAll(/<a([^>]*)href="([^"]*)"[^>]*>([^<]*)<\/a>/g)) links[m[3]] = m[2].replace(/&amp;/g, '&');
  return links;
}
const portalIds = (html) => [...html.matchAll(/<li><h3><a href="\/institutions\/(\d+)"/g)].map((m) => Number(m[1]));

test('the portal pages 张湾区 with 下一页 links that carry the cursor, each institution once', async () => {
  const want = filedIds("AND district_code = '420303'");
  let res = await srv.get('/?district=420303');
  assert.equal(res.status, 200);
  assert.ok(res.text.includes(`共找到 ${want.length} 家`), 'the total is not shown');
  const seen = [];
  for (let guard = 0; ; guard++) {
    assert.ok(guard < 10, 'the portal pager does not end');
    seen.push(...portalIds(res.text));
    const links = pagerLinks(res.text);
    if (!links['下一页']) break;
    assert.match(links['下一页'], /^\?district=420303&after=\d+$/, `next link ${links['下一页']}`);
    res = await srv.get(`/${links['下一页']}`);
    assert.equal(res.status, 200, show(res));
    assert.ok(pagerLinks(res.text)['第一页'], 'a page reached by cursor offers no way back to the first page');
  }
  assert.deepEqual(seen, want);
  // Page numbers still work on the portal and offer 上一页.
  const p2 = await srv.get('/?district=420303&page=2');
  assert.equal(p2.status, 200);
  assert.deepEqual(portalIds(p2.text), want.slice(20, 40));
  assert.equal(pagerLinks(p2.text)['上一页'], '?district=420303&page=1');
  // A broken cursor is the search form with an error, not a 500.
  const bad = await srv.get('/?district=420303&after=x1');
  assert.equal(bad.status, 422);
  assert.ok(bad.text.includes('翻页链接无效'), 'the error is not shown');
});
