// Test harness: runs a real tuoyu binary ($TUOYU_BIN, default build/tuoyu) on a fresh database in a temp dir,
// on a free loopback port, and talks to it over HTTP with the global fetch.
//
//   const srv = await Server.start();            // init + standard users + tokens + serve
//   const res = await srv.req('GET', '/api/v1/session', { as: 'city' });
//   assert.equal(res.status, 200);
//   await srv.stop();                             // SIGTERM; asserts exit code 0
//
// Every test file starts its own server: node --test runs files in separate processes, and each server gets
// its own directory and port. Tokens come from `tuoyu token create` (no password hashing per request).
//
// Two engines, one suite. By default every database is a SQLite file in the server's temp dir. With
// TUOYU_TEST_PG=postgresql://postgres@127.0.0.1:PORT (a cluster, no database: scripts/pg-cluster.sh) every
// database is a fresh PostgreSQL database made with createdb, and `--db` gets its URL; tests never build a
// --db value themselves but ask freshDb(), and edit a database directly only through sql(). The databases a
// test process made are dropped when it exits (kept with TUOYU_KEEP_TMP).
import assert from 'node:assert/strict';
import { execFile, execFileSync, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const BIN = path.resolve(process.env.TUOYU_BIN || 'build/tuoyu');
// TUOYU_VALGRIND=1 runs every server (not the other commands) under valgrind's memcheck (scripts/valgrind.sh):
// exit code 99 on a memory error or a definite leak; its report goes to TUOYU_VALGRIND_LOGS (default: the
// server's temp dir) as <server dir name>.<pid>.vg.log.
const VALGRIND = process.env.TUOYU_VALGRIND === '1';
// Sanitizer builds are several times slower, valgrind many times; give them room.
const SLOW = VALGRIND ? 15 : /asan|sanitize/i.test(BIN + (process.env.MESON_OPTS || '')) ? 4 : 1;
const VALGRIND_SUPP = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../valgrind.supp');
export const REQUEST_TIMEOUT_MS = 20000 * SLOW;

// ---- the database engine ----

/** The PostgreSQL cluster of PG mode (postgresql://user@host:port, no database), or '' for SQLite. */
export const PG = (process.env.TUOYU_TEST_PG || '').replace(/\/+$/, '');
/* Personal data is sealed with a key file outside the database: beside a SQLite file by default; for
 * PostgreSQL databases, one key file per test process (tuoyu init creates it). */
if (PG && !process.env.TUOYU_KEY_FILE) {
  process.env.TUOYU_KEY_FILE = path.join(os.tmpdir(), `tuoyu-test-${process.pid}.keys`);
  process.on('exit', () => fs.rmSync(process.env.TUOYU_KEY_FILE, { force: true }));
}
/** The engine of the databases freshDb() makes: 'postgresql' or 'sqlite'. */
export const ENGINE = PG ? 'postgresql' : 'sqlite';
const PG_CLUSTER = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../scripts/pg-cluster.sh');

/** A --db value names a PostgreSQL database when it is a postgresql:// (or postgres://) URL. */
export const isPg = (db) => /^postgres(ql)?:\/\//.test(db);

/** The connection options of the client tools (createdb, psql, pg_dump, …) for a postgresql:// URL. */
export function pgArgs(url = PG) {
  const u = new URL(url);
  return ['-h', u.hostname, '-p', u.port || '5432', '-U', decodeURIComponent(u.username || 'postgres')];
}

/** The database name of a postgresql:// URL. */
export const pgName = (url) => decodeURIComponent(new URL(url).pathname.slice(1));

/** The cluster part of a postgresql:// URL: the URL without its database. */
const clusterOf = (url) => url.slice(0, url.length - new URL(url).pathname.length);

const madeDbs = []; // databases made on PG mode's cluster, dropped at exit
let dbSerial = 0;

/** A database name of this process that no other test process uses: name_pid_suffix, lower case. */
const uniqueName = (name, suffix = ++dbSerial) => `${name}_${process.pid}_${suffix}`.toLowerCase().replace(/[^a-z0-9_]/g, '_');

/** createdb on a cluster (optionally from a template); remembers what it made on PG mode's cluster. */
function createDb(cluster, db, template) {
  const args = [...pgArgs(cluster), ...(template ? ['-T', template] : []), db];
  execFileSync('createdb', args, { stdio: ['ignore', 'ignore', 'pipe'] });
  if (cluster === PG) madeDbs.push(db);
  return `${cluster}/${db}`;
}

/**
 * A fresh, empty database for `--db`: in PG mode a new database (createdb) whose name starts with `name`,
 * else the path of a SQLite file `name`.db in dir that does not exist yet. engine forces one engine
 * ('sqlite' works in both modes; 'postgresql' needs PG mode); cluster is another cluster than PG mode's
 * (a privateCluster's url). Blocks while createdb runs.
 */
export function freshDb(dir, name, { engine = ENGINE, cluster = PG } = {}) {
  if (engine === 'sqlite') return path.join(dir, `${name}.db`);
  assert.ok(cluster, 'a PostgreSQL database needs TUOYU_TEST_PG');
  return createDb(cluster, uniqueName(name));
}

/** A --db value of the current engine that names no existing database (for "does not create it" tests). */
export function absentDb(dir, name) {
  if (!PG) return path.join(dir, `${name}.db`);
  return `${PG}/${uniqueName(name, 'absent')}`;
}

/** Whether a database exists: the file for SQLite, a row of pg_database for PostgreSQL. */
export function dbExists(db) {
  if (!isPg(db)) return fs.existsSync(db);
  const name = pgName(db).replace(/'/g, "''");
  return sql(`${clusterOf(db)}/postgres`, `SELECT count(*) FROM pg_database WHERE datname = '${name}'`) === '1';
}

/**
 * Run one SQL statement (or several, separated by ';') on a database with its engine's shell — sqlite3 or
 * psql, stopping at the first error — and return its output trimmed: one line per row, columns joined by '|'.
 * Throws on an error. Blocks until the shell exits.
 */
export function sql(db, statement) {
  const [cmd, args] = isPg(db)
    ? ['psql', ['-X', '-q', '-A', '-t', '-v', 'ON_ERROR_STOP=1', '-d', db, '-c', statement]]
    : ['sqlite3', ['-bail', '-cmd', '.timeout 5000', db, statement]]; // the server may be writing (its token request log)
  return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
}

/**
 * A copy of a database that no server is using, named `name`, for tests that tamper with one: the file and its
 * WAL for SQLite (next to it in dir), `createdb -T` for PostgreSQL. Returns the copy's --db value.
 */
export function copyDb(db, dir, name) {
  if (!isPg(db)) {
    const to = path.join(dir, `${name}.db`);
    fs.copyFileSync(db, to);
    for (const ext of ['-wal', '-shm']) if (fs.existsSync(db + ext)) fs.copyFileSync(db + ext, to + ext);
    return to;
  }
  return createDb(clusterOf(db), uniqueName(name), pgName(db));
}

/** scripts/pg-cluster.sh with some arguments; asynchronous, so that requests go on while it runs. */
function pgCluster(args) {
  return new Promise((resolve, reject) =>
    execFile(PG_CLUSTER, args, { timeout: 120000 }, (err, stdout, stderr) =>
      err ? reject(new Error(`pg-cluster.sh ${args.join(' ')} failed: ${err.message}\n${stderr}`)) : resolve()
    )
  );
}

/**
 * A PostgreSQL cluster of the calling test file's own (scripts/pg-cluster.sh in a temp dir, on a free port),
 * for tests that restart or stop PostgreSQL: PG mode's cluster serves the other test files meanwhile, and
 * would fail them. Resolves { url, dir, restart(), down(), up(), stop() }: restart() is fast (every connection
 * is dropped) and resolves once the cluster accepts connections again; down() stops it and up() starts it
 * again on the same port; stop() stops it for good and removes it. Takes a few seconds (initdb).
 */
export async function privateCluster(name) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `${name}-pg-`));
  let lastErr;
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    try {
      await pgCluster(['start', dir, String(port)]);
    } catch (e) {
      lastErr = e; // most likely the port was taken meanwhile
      continue;
    }
    return {
      url: `postgresql://postgres@127.0.0.1:${port}`,
      dir,
      restart: () => pgCluster(['restart', dir]),
      down: () => pgCluster(['stop', dir]),
      up: () => pgCluster(['start', dir, String(port)]),
      async stop() {
        await pgCluster(['stop', dir]);
        if (!process.env.TUOYU_KEEP_TMP) fs.rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  throw lastErr;
}

process.on('exit', () => {
  if (!madeDbs.length || process.env.TUOYU_KEEP_TMP) return;
  for (const db of madeDbs) {
    try {
      execFileSync('dropdb', [...pgArgs(), '--if-exists', '--force', db], { stdio: 'ignore', timeout: 20000 });
    } catch {
      // a throwaway cluster: a database left behind costs only disk
    }
  }
});

/** The password every harness-made account gets: username + this suffix (≥ 10 characters). */
export const passwordOf = (username) => `${username}-Pw-2026-test`;

/** Accounts made for every server (besides admin, made by init). name → [role, district]. */
export const STANDARD_USERS = {
  city: ['city_official'],
  county_zhangwan: ['county_official', '420303'],
  county_maojian: ['county_official', '420302'],
  registrar: ['registrar'],
  inspector: ['inspector', '420303'],
  auditor: ['auditor'],
};

/** Run the tuoyu command line. Resolves { code, signal, stdout, stderr }; never rejects on a non-zero exit. */
export function cli(args, { timeoutMs = 60000 * SLOW, env } = {}) {
  return new Promise((resolve, reject) => {
    const p = spawn(BIN, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d) => (stdout += d));
    p.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => p.kill('SIGKILL'), timeoutMs);
    p.on('error', (e) => {
      clearTimeout(timer);
      reject(new Error(`cannot run ${BIN}: ${e.message}`));
    });
    p.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

/** Like cli() but fails loudly unless the command exits 0. */
export async function cliOk(args, opts) {
  const r = await cli(args, opts);
  if (r.code !== 0) {
    throw new Error(`tuoyu ${args.join(' ')} exited ${r.code ?? r.signal}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`);
  }
  return r;
}

/** A port that was free a moment ago: bind port 0 on loopback, read it, close. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.unref();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** The value of one cookie from a response's Set-Cookie headers, with its attributes, or null. */
export function setCookie(res, name) {
  const all = res.setCookies || [];
  for (const c of all) {
    const [pair, ...attrs] = c.split(';').map((s) => s.trim());
    const eq = pair.indexOf('=');
    if (pair.slice(0, eq) === name) {
      return { value: pair.slice(eq + 1), attrs: attrs.map((a) => a.toLowerCase()), raw: c };
    }
  }
  return null;
}

export class Server {
  /**
   * Make a temp dir and database, accounts and tokens, and start serving.
   * opts.demo: load `tuoyu demo` data instead of the standard accounts (demo accounts get tokens on demand).
   * opts.users: extra accounts { name: [role, district, department] } (department: inspectors only).
   * opts.engine, opts.cluster: where the database goes (see freshDb).
   * opts.dir: the directory to make the server's temp dir in (default the system's), e.g. a small tmpfs.
   */
  static async start(opts = {}) {
    const srv = new Server(opts.name || 'tuoyu', { engine: opts.engine, cluster: opts.cluster, dir: opts.dir });
    srv.serveArgs = opts.serveArgs || []; // extra `tuoyu serve` options, e.g. ['--timeout', '2']
    await srv.init(opts);
    await srv.launch();
    return srv;
  }

  /**
   * Serve a database that exists already (a copy, a backup, a restore) without initialising it.
   * opts.tokens: tokens that are valid in it (e.g. those of the server it was copied from).
   */
  static async open(db, { name = 'open', tokens = {} } = {}) {
    const srv = new Server(name, { db });
    srv.tokens = { ...tokens };
    await srv.launch();
    return srv;
  }

  /** A temp dir (in dir, default the system's) and a fresh database (freshDb, with its engine and cluster
   * options), or db when given. */
  constructor(name, { db, engine, cluster, dir } = {}) {
    this.dir = fs.mkdtempSync(path.join(dir || os.tmpdir(), `${name}-`));
    this.db = db || freshDb(this.dir, name, { engine, cluster });
    this.logPath = path.join(this.dir, 'server.log');
    this.tokens = {};
    this.proc = null;
    this.exited = null;
  }

  async init(opts) {
    // Tests send far more than the default 600 requests a minute per token; tokens.test.mjs sets its own limit.
    const unlimited = () => sql(this.db, "INSERT INTO settings (key, value) VALUES ('token_rate_per_minute', '1000000')");
    if (opts.demo) {
      await cliOk(['init', '--db', this.db]);
      const r = await cliOk(['demo', '--db', this.db]);
      this.demoOutput = r.stdout;
      unlimited();
      return;
    }
    const pwFile = this.passwordFile('admin');
    await cliOk(['init', '--db', this.db, '--admin', 'admin', '--password-file', pwFile]);
    this.tokens.admin = await this.createToken('admin');
    unlimited();
    for (const [name, [role, district, department]] of Object.entries({ ...STANDARD_USERS, ...(opts.users || {}) })) {
      await this.addUser(name, role, { district, department });
    }
  }

  passwordFile(username, password = passwordOf(username)) {
    const f = path.join(this.dir, `pw-${username}`);
    fs.writeFileSync(f, `${password}\n`, { mode: 0o600 });
    return f;
  }

  /** `tuoyu user add` then `tuoyu token create`; the token is kept in this.tokens[username]. */
  async addUser(username, role, { district, institution, password, department, unit, authority } = {}) {
    const args = ['user', 'add', '--db', this.db, '--username', username, '--role', role];
    // Registrars belong to one registration authority; 'all' (the default here) reads and pushes for every one.
    if (role === 'registrar') args.push('--authority', authority || 'all');
    if (district) args.push('--district', String(district));
    if (department) args.push('--department', String(department));
    if (unit) args.push('--unit', String(unit));
    if (institution) args.push('--institution', String(institution));
    args.push('--password-file', this.passwordFile(username, password));
    await cliOk(args);
    this.tokens[username] = await this.createToken(username);
    return this.tokens[username];
  }

  /** A new API token for a user: the last line of `tuoyu token create` stdout. */
  async createToken(username) {
    const r = await cliOk(['token', 'create', '--db', this.db, '--user', username]);
    const lines = r.stdout.trim().split('\n');
    const token = lines[lines.length - 1].trim();
    assert.ok(token.length >= 16, `token create printed no plausible token: ${JSON.stringify(r.stdout)}`);
    return token;
  }

  async launch() {
    let lastErr;
    for (let attempt = 0; attempt < 3; attempt++) {
      this.port = await freePort();
      this.base = `http://127.0.0.1:${this.port}`;
      const log = fs.openSync(this.logPath, 'a');
      this.exited = null;
      const args = ['serve', '--db', this.db, '--listen', `127.0.0.1:${this.port}`, ...(this.serveArgs || [])];
      const [cmd, argv] = VALGRIND ? ['valgrind', [...this.valgrindArgs(), BIN, ...args]] : [BIN, args];
      this.proc = spawn(cmd, argv, { stdio: ['ignore', log, log] });
      fs.closeSync(log);
      const proc = this.proc;
      this.exitPromise = new Promise((resolve) =>
        proc.on('exit', (code, signal) => {
          this.exited = { code, signal };
          resolve(this.exited);
        })
      );
      try {
        await this.waitHealthy();
        return;
      } catch (e) {
        lastErr = e;
        if (!this.exited) {
          proc.kill('SIGKILL');
          await this.exitPromise;
        }
      }
    }
    throw new Error(`server did not start: ${lastErr.message}\n--- server log ---\n${this.logTail()}`);
  }

  /** valgrind's options for a server: memcheck, errors and definite leaks fail it with exit code 99. */
  valgrindArgs() {
    const logs = process.env.TUOYU_VALGRIND_LOGS || this.dir;
    return [
      '--error-exitcode=99',
      '--leak-check=full',
      '--errors-for-leak-kinds=definite',
      '--show-leak-kinds=definite',
      '--track-fds=no',
      '--num-callers=30',
      `--suppressions=${VALGRIND_SUPP}`,
      `--log-file=${path.join(logs, `${path.basename(this.dir)}.%p.vg.log`)}`,
    ];
  }

  async waitHealthy() {
    const deadline = Date.now() + 15000 * SLOW;
    while (Date.now() < deadline) {
      if (this.exited) throw new Error(`server exited ${JSON.stringify(this.exited)}`);
      try {
        const r = await fetch(`${this.base}/healthz`, { signal: AbortSignal.timeout(2000) });
        if (r.status === 200) return;
      } catch {
        // not listening yet
      }
      await sleep(50);
    }
    throw new Error('GET /healthz did not answer 200 in time');
  }

  logTail(n = 4000) {
    try {
      const s = fs.readFileSync(this.logPath, 'utf8');
      return s.slice(-n);
    } catch {
      return '';
    }
  }

  /** SIGTERM and wait; asserts a clean exit 0 (sanitizer reports would make it non-zero). */
  async stop() {
    if (!this.proc || this.exited) return this.exited;
    this.proc.kill('SIGTERM');
    const timer = setTimeout(() => this.proc.kill('SIGKILL'), 20000 * SLOW);
    const ex = await this.exitPromise;
    clearTimeout(timer);
    assert.deepEqual(ex, { code: 0, signal: null }, `server did not exit 0 on SIGTERM\n${this.logTail()}`);
    return ex;
  }

  /** Crash the server: SIGKILL, no chance to flush anything. */
  async kill9() {
    this.proc.kill('SIGKILL');
    return this.exitPromise;
  }

  /** Stop (SIGKILL when forced) and remove the temp dir unless TUOYU_KEEP_TMP is set. For after() hooks. */
  async cleanup() {
    if (this.proc && !this.exited) {
      // Under valgrind a server is stopped, not killed, so that its leak check runs.
      const timer = VALGRIND ? setTimeout(() => this.proc.kill('SIGKILL'), 60000) : null;
      this.proc.kill(VALGRIND ? 'SIGTERM' : 'SIGKILL');
      await this.exitPromise;
      clearTimeout(timer);
    }
    if (!process.env.TUOYU_KEEP_TMP) fs.rmSync(this.dir, { recursive: true, force: true });
    else console.log(`# kept ${this.dir}`);
  }

  /**
   * One HTTP request. opts:
   *   as: account name whose bearer token to send; token: a raw token; cookie: a Cookie header value
   *   json: a value to send as JSON; body: a string/Buffer/URLSearchParams sent as is
   *   headers: extra headers; redirect: fetch redirect mode (default 'manual')
   * Resolves { status, headers, setCookies, text, json (parsed when the body parses as JSON, else undefined) }.
   */
  async req(method, urlPath, opts = {}) {
    const headers = { ...(opts.headers || {}) };
    if (opts.as) {
      const t = this.tokens[opts.as];
      assert.ok(t, `no token for account ${opts.as}`);
      headers.Authorization = `Bearer ${t}`;
    }
    if (opts.token) headers.Authorization = `Bearer ${opts.token}`;
    if (opts.cookie) headers.Cookie = opts.cookie;
    let body = opts.body;
    if (opts.json !== undefined) {
      body = JSON.stringify(opts.json);
      headers['Content-Type'] = headers['Content-Type'] || 'application/json';
    }
    const res = await fetch(this.base + urlPath, {
      method,
      headers,
      body,
      redirect: opts.redirect || 'manual',
      signal: AbortSignal.timeout(opts.timeoutMs || REQUEST_TIMEOUT_MS),
    });
    return wrap(res);
  }

  /** Shorthands. */
  get(p, o) {
    return this.req('GET', p, o);
  }
  post(p, json, o = {}) {
    return this.req('POST', p, { ...o, json });
  }

  /**
   * A request through node:http instead of fetch, for bodies the server may refuse before reading them all
   * (413): the response is taken as soon as it arrives, and a reset of the rest of the upload is ignored.
   */
  rawRequest(method, urlPath, { headers = {}, body, as, expectContinue = false } = {}) {
    if (as) headers = { ...headers, Authorization: `Bearer ${this.tokens[as]}` };
    // With Expect: 100-continue the body is sent only when the server asks for it, as curl does for large
    // uploads; a server that refuses by Content-Length answers before a byte of it is sent.
    if (expectContinue) headers = { ...headers, Expect: '100-continue' };
    return new Promise((resolve, reject) => {
      let responded = false;
      const req = http.request(
        { host: '127.0.0.1', port: this.port, method, path: urlPath, headers, timeout: REQUEST_TIMEOUT_MS },
        (res) => {
          responded = true;
          const chunks = [];
          res.on('data', (c) => chunks.push(c));
          res.on('error', reject);
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            let json;
            try {
              json = JSON.parse(text);
            } catch {
              json = undefined;
            }
            resolve({ status: res.statusCode, headers: res.headers, text, json });
          });
        }
      );
      req.on('timeout', () => req.destroy(new Error('request timed out')));
      // The server may answer and close while we are still uploading: a write error then is expected, and
      // the answer may still be on its way. Only an error with no answer at all fails the request.
      req.on('error', (e) => setTimeout(() => responded || reject(e), 1000));
      if (expectContinue) req.on('continue', () => req.end(body));
      else req.end(body);
    });
  }

  /** Log in through POST /api/v1/session. Resolves { res, cookie: 'tuoyu_session=…', csrf, user }. */
  async login(username, password = passwordOf(username)) {
    const res = await this.post('/api/v1/session', { username, password });
    const c = setCookie(res, 'tuoyu_session');
    return {
      res,
      cookie: c ? `tuoyu_session=${c.value}` : null,
      csrf: res.json && res.json.csrf,
      user: res.json && res.json.user,
    };
  }
}

async function wrap(res) {
  const text = await res.text();
  let json;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  // Older Node (18) has no getSetCookie and joins the headers with ", "; split where a new name=value begins
  // (the comma inside an Expires date is followed by a day number, not by a name).
  const joined = res.headers.get('set-cookie');
  const setCookies =
    typeof res.headers.getSetCookie === 'function'
      ? res.headers.getSetCookie()
      : joined
        ? joined.split(/,(?=\s*[A-Za-z0-9_.-]+=)/).map((c) => c.trim())
        : [];
  return { status: res.status, headers: res.headers, setCookies, text, json };
}

/** A short description of a response for assertion messages. */
export function show(res) {
  return `${res.status} ${res.text.length > 600 ? res.text.slice(0, 600) + '…' : res.text}`;
}

/**
 * Assert the contract's error shape: {"error":{"code","message","fields"?}} with the given status and code;
 * validation_failed answers carry a fields array. Returns the error object.
 */
export function expectError(res, status, code) {
  assert.equal(res.status, status, `expected ${status} ${code}, got ${show(res)}`);
  assert.ok(res.json && typeof res.json.error === 'object', `no JSON error object: ${show(res)}`);
  const e = res.json.error;
  if (code) assert.equal(e.code, code, `error code: ${show(res)}`);
  assert.equal(typeof e.message, 'string', `error.message: ${show(res)}`);
  assert.ok(e.message.length > 0, 'error.message is empty');
  if (e.code === 'validation_failed') {
    assert.ok(Array.isArray(e.fields), `validation_failed without a fields array: ${show(res)}`);
    for (const f of e.fields) {
      assert.equal(typeof f.field, 'string', `fields[].field: ${show(res)}`);
      assert.equal(typeof f.message, 'string', `fields[].message: ${show(res)}`);
    }
  }
  return e;
}

/** The field names of a 422 answer. */
export function errorFields(res) {
  return ((res.json && res.json.error && res.json.error.fields) || []).map((f) => f.field);
}

/** Assert a 2xx status with a helpful message. */
export function expectStatus(res, status) {
  const ok = Array.isArray(status) ? status.includes(res.status) : res.status === status;
  assert.ok(ok, `expected ${JSON.stringify(status)}, got ${show(res)}`);
  return res;
}

// Valid HTML5 attributes that tidy 5.6 does not know yet and calls "proprietary".
const TIDY_UNKNOWN_BUT_VALID = [
  'aria-current', 'inputmode', 'autocapitalize', 'enterkeyhint', 'aria-describedby', 'aria-invalid', 'spellcheck',
  'data-rule',
];

/** tidy's errors and warnings about a page (an empty list for clean HTML5), less its false alarms about valid
 * HTML5 attributes. */
export function tidyErrors(html) {
  const r = spawnSync('tidy', ['-q', '-e', '-utf8'], { input: html, encoding: 'utf8' });
  return (r.stderr || '')
    .split('\n')
    .filter((l) => /- (Warning|Error):/.test(l))
    .filter((l) => !TIDY_UNKNOWN_BUT_VALID.some((a) => l.includes(`proprietary attribute "${a}"`)));
}
