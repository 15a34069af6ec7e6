// The yearly re-check of employed staff against the ban register: a person banned after being hired is found
// by the daily job once their last clear check is a year old, and the match reaches the county official.
import assert from 'node:assert/strict';
import test, { after, before } from 'node:test';
import { Server, cliOk, show } from './harness.mjs';
import { idNumber, institutionWithOperator } from './fixtures.mjs';

let srv;
let inst;
before(async () => {
  srv = await Server.start({ name: 'yearly' });
  inst = await institutionWithOperator(srv); // a 张湾区 institution
});
after(async () => srv && srv.cleanup());

const matches = async (as) => {
  const res = await srv.get('/api/v1/ban-matches', { as });
  assert.equal(res.status, 200, show(res));
  return res.json.items;
};

test('a person banned after hiring is caught by the yearly re-check and shown to the county only', async () => {
  const id = idNumber('1990-05-06', 7);
  const add = await srv.post(
    `/api/v1/institutions/${inst.institutionId}/staff`,
    { name: '周某', id_number: id, role: 'caregiver', hired_on: '2025-03-01' },
    { as: inst.operator },
  );
  assert.equal(add.status, 201, show(add));
  const ban = await srv.post(
    '/api/v1/bans',
    { name: '周某', id_number: id, kind: 'lifetime', reason: '在托育机构工作期间虐待婴幼儿', authority: '十堰市张湾区卫生健康局',
      decision_number: '张卫禁〔2026〕9号', decided_on: '2026-02-01' },
    { as: 'county_zhangwan' },
  );
  assert.equal(ban.status, 201, show(ban));
  const n0 = (await matches('county_zhangwan')).length;

  // The clear check at hire is fresh: the job checks nobody again today.
  const today = await cliOk(['compliance', 'run', '--db', srv.db]);
  assert.match(today.stdout, /compliance evaluated/);
  assert.equal((await matches('county_zhangwan')).length, n0, 'a re-check ran although none was due');

  // 400 days on, the person is due: the re-check finds the ban and records it as a yearly match.
  const later = String(Math.floor(Date.now() / 1000) + 400 * 86400);
  await cliOk(['compliance', 'run', '--db', srv.db], { env: { TUOYU_FAKE_NOW: later } });
  const found = await matches('county_zhangwan');
  assert.equal(found.length, n0 + 1, JSON.stringify(found));
  const m = found.find((x) => x.purpose === 'yearly');
  assert.ok(m, JSON.stringify(found));
  assert.ok(!JSON.stringify(found).includes(id), 'a clear ID number in the matches');
  assert.equal((await matches('county_maojian')).filter((x) => x.purpose === 'yearly').length, 0);

  // Once a year: the next run the same day does not check (or record) the person again.
  await cliOk(['compliance', 'run', '--db', srv.db], { env: { TUOYU_FAKE_NOW: later } });
  assert.equal((await matches('county_zhangwan')).length, n0 + 1, 'checked again the same day');
});
