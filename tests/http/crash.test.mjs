// Crash test: kill -9 during a mixed write load, round after round. Each round several clients write at once —
// registration pushes, staff added, complaints filed on the public portal, inspections planned, and filings
// carried through submit → seven attachments → approval — and every write answered 2xx is recorded with the
// values it sent. After a random number of answers the server is killed with SIGKILL (a few milliseconds
// later, so that requests are in flight); then `tuoyu audit verify` must pass on the database as the crash
// left it (and, on SQLite, PRAGMA integrity_check), the server is launched again, and every write
// acknowledged in that round must be there with its values. At the end every write of every round is checked
// once more (a later crash must not lose an earlier write). Runs on SQLite, and on PostgreSQL when
// TUOYU_TEST_PG is set.
//
// TUOYU_CRASH_ROUNDS changes the number of rounds (default 20). The figures (rounds, writes acknowledged,
// time) are printed as a test diagnostic.
import assert from 'node:assert/strict';
import test, { after, before } from 'node:test';
import { ENGINE, Server, cli, show, sql } from './harness.mjs';
import {
  FILES, KINDS, addOperator, cstDay, dossier, fileInstitution, idNumber, register, registration, sha256,
} from './fixtures.mjs';

const ANSWER = '4321';
process.env.TUOYU_CAPTCHA_FIXED = ANSWER; // the portal's CAPTCHA, answerable on loopback only
delete process.env.TUOYU_FAKE_NOW;

const ROUNDS = Number(process.env.TUOYU_CRASH_ROUNDS || 20);
const CLIENTS = 4;
const PIPELINES = 6; // institutions whose filing goes submit → attachments → approval during the rounds
const COMPLAINTS_PER_ROUND = 4; // the portal takes 5 an hour from one address; the table is cleared per round

let srv;
let filed; // a filed institution in 张湾区: inspections and complaints go to it
const pipelines = []; // { inst, operator, filing, kinds: Set, approved, busy, stale }

before(async () => {
  srv = await Server.start({ name: 'crash' });
  filed = await fileInstitution(srv);
  for (let i = 0; i < PIPELINES; i++) {
    const r = await register(srv);
    const operator = await addOperator(srv, r.institution_id);
    pipelines.push({ inst: r.institution_id, operator, filing: null, kinds: new Set() });
  }
});
after(async () => srv && srv.cleanup());

const rand = (n) => Math.floor(Math.random() * n);
const pick = (xs) => xs[rand(xs.length)];
let serial = 0;

/** A PDF that differs from every other one (a trailing comment), so that its hash names this upload. */
const uniquePdf = () => Buffer.concat([FILES.pdf.data, Buffer.from(`%crash ${process.pid} ${++serial}\n`)]);

/** The filing state of a pipeline as the server has it: after a crash an unanswered step may have committed. */
async function refresh(p) {
  const list = await srv.get(`/api/v1/institutions/${p.inst}/filings`, { as: p.operator });
  assert.equal(list.status, 200, show(list));
  const latest = list.json.items.reduce((a, f) => (!a || f.version > a.version ? f : a), null);
  p.filing = latest ? latest.id : null;
  p.kinds = new Set(latest ? latest.attachment_kinds : []);
  p.approved = !!latest && latest.status === 'approved';
  p.stale = false;
}

// Each write: send one request; on 2xx resolve a record { what, check } whose check() asserts, later, that
// the write is there with its values; null when the write was refused (4xx: the caller's model was stale).
// A request that fails (connection refused or reset: the server died) rejects.

async function pushRegistration() {
  const body = registration({ business_scope: `托育服务；第${++serial}号` });
  const res = await srv.post('/api/v1/registrations', body, { as: 'registrar' });
  if (res.status !== 201) return refused('registration', res);
  const id = res.json.institution_id;
  return {
    what: `registration ${id}`,
    async check() {
      const got = await srv.get(`/api/v1/institutions/${id}`, { as: 'admin' });
      assert.equal(got.status, 200, `institution ${id} answered 201 but lost: ${show(got)}`);
      assert.equal(got.json.uscc, body.uscc);
      assert.equal(got.json.name, body.name);
      assert.equal(got.json.district_code, body.district_code);
    },
  };
}

async function addStaff() {
  const p = pick(pipelines);
  const body = {
    name: `员工${++serial}`,
    id_number: idNumber(new Date(Date.UTC(1975, 0, 1) + serial * 86400e3).toISOString().slice(0, 10), serial),
    role: pick(['caregiver', 'health', 'cook', 'security']),
    hired_on: cstDay(rand(300) + 1),
    phone: '13812345678',
    education: 'junior_college',
    experience_years: rand(20),
  };
  const res = await srv.post(`/api/v1/institutions/${p.inst}/staff`, body, { as: p.operator });
  if (res.status !== 201) return refused('staff', res);
  const id = res.json.id;
  return {
    what: `staff ${id}`,
    async check() {
      const got = await srv.get(`/api/v1/staff/${id}`, { as: p.operator });
      assert.equal(got.status, 200, `staff ${id} answered 201 but lost: ${show(got)}`);
      assert.equal(got.json.name, body.name);
      assert.equal(got.json.role, body.role);
      assert.equal(got.json.hired_on, body.hired_on);
      assert.equal(got.json.experience_years, body.experience_years);
    },
  };
}

let complaintsThisRound = 0;
async function fileComplaint() {
  if (complaintsThisRound >= COMPLAINTS_PER_ROUND) return addStaff();
  complaintsThisRound++;
  const ch = await srv.get('/api/v1/public/captcha');
  if (ch.status !== 200) return refused('captcha', ch);
  const body = {
    institution_id: filed.institutionId,
    category: pick(['safety', 'hygiene', 'fees', 'staff']),
    text: `孩子在机构午睡时没有老师看护，编号${++serial}`,
    contact_name: '张女士',
    contact_phone: '13812345678',
    anonymous_public: true,
    captcha_token: ch.json.token,
    captcha_answer: ANSWER,
  };
  const res = await srv.post('/api/v1/public/complaints', body);
  if (res.status !== 201) return refused('complaint', res);
  const { number, code } = res.json;
  return {
    what: `complaint ${number}`,
    async check() {
      const q = new URLSearchParams({ number, code });
      const got = await srv.get(`/api/v1/public/complaints/status?${q}`);
      assert.equal(got.status, 200, `complaint ${number} answered 201 but lost: ${show(got)}`);
      assert.equal(got.json.category, body.category);
      assert.equal(got.json.status, 'received');
    },
  };
}

async function planInspection() {
  const body = { kind: pick(['routine', 'random', 'campaign']), planned_on: cstDay(-rand(60)) };
  const res = await srv.post(`/api/v1/institutions/${filed.institutionId}/inspections`, body, { as: 'inspector' });
  if (res.status !== 201) return refused('inspection', res);
  const id = res.json.id;
  return {
    what: `inspection ${id}`,
    async check() {
      const got = await srv.get(`/api/v1/inspections/${id}`, { as: 'inspector' });
      assert.equal(got.status, 200, `inspection ${id} answered 201 but lost: ${show(got)}`);
      assert.equal(got.json.institution_id, filed.institutionId);
      assert.equal(got.json.kind, body.kind);
      assert.equal(got.json.planned_on, body.planned_on);
      assert.equal(got.json.status, 'planned');
    },
  };
}

/** The next step of a free pipeline's filing: submit, one attachment, or the approval. */
async function filingStep() {
  const p = pick(pipelines.filter((x) => !x.busy && !x.approved));
  if (!p) return pushRegistration();
  p.busy = true;
  p.stale = true; // until answered: a crash now leaves the outcome unknown
  try {
    if (!p.filing) {
      const body = dossier({ indoor_area_m2: 500 + rand(400) });
      const res = await srv.post(`/api/v1/institutions/${p.inst}/filings`, body, { as: p.operator });
      if (res.status !== 201) return refused('filing', res);
      const id = res.json.id;
      p.filing = id;
      p.kinds = new Set();
      p.stale = false;
      return {
        what: `filing ${id}`,
        async check() {
          const got = await srv.get(`/api/v1/filings/${id}`, { as: p.operator });
          assert.equal(got.status, 200, `filing ${id} answered 201 but lost: ${show(got)}`);
          assert.equal(got.json.institution_id, p.inst);
          assert.ok(['submitted', 'approved'].includes(got.json.status), show(got));
          assert.equal(got.json.dossier.indoor_area_m2, body.indoor_area_m2);
        },
      };
    }
    const kind = KINDS.find((k) => !p.kinds.has(k));
    if (kind) {
      const file = uniquePdf();
      const filing = p.filing;
      const res = await srv.req('POST', `/api/v1/filings/${filing}/attachments?kind=${kind}`, {
        as: p.operator,
        body: file,
        headers: { 'Content-Type': FILES.pdf.type },
      });
      if (res.status !== 201) return refused('attachment', res);
      p.kinds.add(kind);
      p.stale = false;
      return {
        what: `attachment ${res.json.id}`,
        async check() {
          const got = await srv.get(`/api/v1/filings/${filing}`, { as: p.operator });
          assert.equal(got.status, 200, show(got));
          const a = got.json.attachments.find((x) => x.id === res.json.id);
          assert.ok(a, `attachment ${res.json.id} answered 201 but lost`);
          assert.equal(a.kind, kind);
          assert.equal(a.sha256, sha256(file));
        },
      };
    }
    const filing = p.filing;
    const res = await srv.post(`/api/v1/filings/${filing}/decision`, { decision: 'approve' }, { as: 'county_zhangwan' });
    if (res.status !== 200) return refused('approval', res);
    p.approved = true;
    p.stale = false;
    const number = res.json.filing_number;
    assert.ok(number, show(res));
    return {
      what: `approval of filing ${filing}`,
      async check() {
        const got = await srv.get(`/api/v1/filings/${filing}`, { as: 'city' });
        assert.equal(got.json.status, 'approved', `approval of filing ${filing} answered 200 but lost: ${show(got)}`);
        assert.equal(got.json.filing_number, number);
        const inst = await srv.get(`/api/v1/institutions/${p.inst}`, { as: 'city' });
        assert.equal(inst.json.state, 'filed');
        assert.equal(inst.json.filing_number, number);
      },
    };
  } finally {
    p.busy = false;
  }
}

const refusals = []; // answers that were neither 2xx nor an expected 4xx

/** A write that was not acknowledged. 409/422 on a filing step means our model of it was stale (an unanswered
 * step committed before the crash): refreshed at the next round. Anything else is kept and fails the test. */
function refused(what, res) {
  const stale = ['filing', 'attachment', 'approval'].includes(what) && (res.status === 409 || res.status === 422);
  if (!stale) refusals.push(`${what}: ${show(res)}`);
  return null;
}

const WRITES = [
  pushRegistration, pushRegistration, addStaff, addStaff, filingStep, filingStep, filingStep, fileComplaint, planInspection,
];

test(`${ROUNDS} rounds of kill -9 during mixed writes: every acknowledged write survives, the audit chain holds`, async (t) => {
  const started = Date.now();
  const all = [];
  let cut = 0; // requests the kill cut off: their outcome is unknown, and not checked
  for (let round = 1; round <= ROUNDS; round++) {
    for (const p of pipelines) if (p.stale) await refresh(p);
    complaintsThisRound = 0;
    const acked = [];
    const target = 4 + rand(30); // answers before the kill
    let killAt = null;
    const client = async () => {
      for (;;) {
        let rec;
        try {
          rec = await pick(WRITES)();
        } catch (e) {
          if (killAt === null) throw e; // no kill yet: a real failure, not the server dying under the request
          cut++;
          return; // the server died under this request
        }
        if (rec) acked.push(rec);
        if (acked.length >= target && killAt === null) {
          killAt = setTimeout(() => srv.proc.kill('SIGKILL'), rand(8));
        }
      }
    };
    await Promise.all(Array.from({ length: CLIENTS }, client));
    await srv.exitPromise;
    const how = JSON.stringify(srv.exited);
    assert.equal(srv.exited.signal, 'SIGKILL', `round ${round}: the server exited by itself ${how}\n${srv.logTail()}`);
    assert.deepEqual(refusals, [], `round ${round}: writes refused`);

    const verify = await cli(['audit', 'verify', '--db', srv.db]);
    assert.equal(verify.code, 0, `round ${round}: audit chain after kill -9: ${verify.stdout} ${verify.stderr}`);
    if (ENGINE === 'sqlite') assert.equal(sql(srv.db, 'PRAGMA integrity_check'), 'ok', `round ${round}: integrity`);
    sql(srv.db, 'DELETE FROM complaint_rate');
    await srv.launch();
    for (const rec of acked) await rec.check();
    all.push(...acked);
  }
  // A later crash must not have lost an earlier write.
  for (const rec of all) await rec.check();
  const secs = (Date.now() - started) / 1000;
  const kinds = {};
  for (const rec of all) {
    const k = rec.what.split(' ')[0];
    kinds[k] = (kinds[k] || 0) + 1;
  }
  t.diagnostic(
    `${ENGINE}: ${ROUNDS} rounds, ${all.length} writes acknowledged (${JSON.stringify(kinds)}), ` +
      `${cut} requests cut off by the kills, ${pipelines.filter((p) => p.approved).length} filings approved, ${secs.toFixed(1)} s`
  );
  assert.ok(all.length >= ROUNDS * 4);
});
