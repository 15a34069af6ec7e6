-- tuoyu schema 1 (SQLite). The PostgreSQL twin lives in sql/pg/001_init.sql; queries are shared.
-- Times are integer seconds since the epoch, calendar days are integer days since 1970-01-01 (CST),
-- money is integer fen, booleans are 0/1.

CREATE TABLE districts (
  code TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  kind TEXT NOT NULL,            -- district | county | city | zone
  parent_code TEXT,
  population INTEGER,            -- residents; NULL when unknown
  population_source TEXT,
  sort INTEGER NOT NULL,
  version INTEGER NOT NULL DEFAULT 1
) STRICT;

INSERT INTO districts (code, name, kind, parent_code, population, population_source, sort) VALUES
  ('420302', '茅箭区', 'district', '420300', 498594, '2020年第七次全国人口普查（二手资料）', 1),
  ('420303', '张湾区', 'district', '420300', 431859, '2020年第七次全国人口普查（二手资料）', 2),
  ('420304', '郧阳区', 'district', '420300', 395222, '2020年第七次全国人口普查（二手资料）', 3),
  ('420322', '郧西县', 'county', '420300', 371000, '2020年第七次全国人口普查（二手资料，约数）', 4),
  ('420323', '竹山县', 'county', '420300', 346069, '2020年第七次全国人口普查（二手资料）', 5),
  ('420324', '竹溪县', 'county', '420300', 283578, '2020年第七次全国人口普查（二手资料）', 6),
  ('420325', '房县', 'county', '420300', 369776, '2020年第七次全国人口普查（二手资料）', 7),
  ('420381', '丹江口市', 'city', '420300', NULL, NULL, 8),
  ('420391', '十堰经济技术开发区', 'zone', '420300', NULL, NULL, 9),
  ('420392', '武当山旅游经济特区', 'zone', '420300', NULL, NULL, 10);

CREATE TABLE settings (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
) STRICT;

CREATE TABLE institutions (
  id INTEGER PRIMARY KEY,
  uscc TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  legal_form TEXT NOT NULL,
  district_code TEXT NOT NULL REFERENCES districts(code),
  address TEXT NOT NULL,
  business_scope TEXT NOT NULL,
  registered_on INTEGER NOT NULL,
  authority TEXT NOT NULL,
  state TEXT NOT NULL,           -- registered | filed
  version INTEGER NOT NULL DEFAULT 1,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  filing_number TEXT UNIQUE,
  filed_on INTEGER,
  current_filing_id INTEGER,
  service_types INTEGER NOT NULL DEFAULT 0,
  inclusive INTEGER NOT NULL DEFAULT 0,
  places INTEGER NOT NULL DEFAULT 0,
  min_age_months INTEGER,
  max_age_months INTEGER,
  fee_min_fen INTEGER,
  lat REAL,
  lon REAL
) STRICT;
CREATE INDEX institutions_district_state ON institutions (district_code, state, id);
CREATE INDEX institutions_state_registered ON institutions (state, registered_on);

CREATE TABLE users (
  id INTEGER PRIMARY KEY,
  username TEXT NOT NULL UNIQUE,
  role TEXT NOT NULL,
  district_code TEXT REFERENCES districts(code),
  institution_id INTEGER REFERENCES institutions(id),
  password_hash TEXT NOT NULL,
  disabled INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL
) STRICT;

CREATE TABLE sessions (
  id INTEGER PRIMARY KEY,
  token_hash TEXT NOT NULL UNIQUE,
  user_id INTEGER NOT NULL REFERENCES users(id),
  csrf TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL
) STRICT;

CREATE TABLE api_tokens (
  id INTEGER PRIMARY KEY,
  token_hash TEXT NOT NULL UNIQUE,
  user_id INTEGER NOT NULL REFERENCES users(id),
  created_at INTEGER NOT NULL,
  revoked_at INTEGER
) STRICT;

-- The audit chain: each entry's hash covers its fields and the previous hash; audit_head serialises appends.
CREATE TABLE audit_head (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  seq INTEGER NOT NULL,
  hash TEXT NOT NULL
) STRICT;
INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');

CREATE TABLE audit_log (
  seq INTEGER PRIMARY KEY,
  at INTEGER NOT NULL,
  actor_id INTEGER,
  actor TEXT NOT NULL,
  role TEXT NOT NULL,
  action TEXT NOT NULL,
  entity TEXT NOT NULL,
  entity_id INTEGER,
  before TEXT,
  after TEXT,
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL
) STRICT;

CREATE TABLE registrations (
  id INTEGER PRIMARY KEY,
  uscc TEXT NOT NULL UNIQUE,
  institution_id INTEGER NOT NULL REFERENCES institutions(id),
  authority TEXT NOT NULL,
  payload TEXT NOT NULL,
  received_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
) STRICT;

CREATE TABLE institution_history (
  id INTEGER PRIMARY KEY,
  institution_id INTEGER NOT NULL REFERENCES institutions(id),
  at INTEGER NOT NULL,
  actor TEXT NOT NULL,
  action TEXT NOT NULL,
  changes TEXT
) STRICT;
CREATE INDEX institution_history_inst ON institution_history (institution_id, id);

CREATE TABLE filings (
  id INTEGER PRIMARY KEY,
  institution_id INTEGER NOT NULL REFERENCES institutions(id),
  version INTEGER NOT NULL,
  status TEXT NOT NULL,          -- submitted | returned | approved | superseded
  dossier TEXT NOT NULL,         -- the submitted JSON, canonical
  findings TEXT NOT NULL,        -- JSON array
  violations INTEGER NOT NULL,
  submitted_at INTEGER NOT NULL,
  submitted_by INTEGER REFERENCES users(id),
  due_on INTEGER NOT NULL,       -- day by which the county must decide (5 working days)
  decided_at INTEGER,
  decided_by INTEGER REFERENCES users(id),
  reason TEXT,
  filing_number TEXT,
  UNIQUE (institution_id, version)
) STRICT;
CREATE INDEX filings_status ON filings (status, due_on);

-- Content-addressed files: the same bytes are stored once.
CREATE TABLE files (
  sha256 TEXT PRIMARY KEY,
  media_type TEXT NOT NULL,
  size INTEGER NOT NULL,
  data BLOB NOT NULL,
  created_at INTEGER NOT NULL
) STRICT;

CREATE TABLE filing_attachments (
  id INTEGER PRIMARY KEY,
  filing_id INTEGER NOT NULL REFERENCES filings(id),
  kind TEXT NOT NULL,
  sha256 TEXT NOT NULL REFERENCES files(sha256),
  uploaded_at INTEGER NOT NULL,
  uploaded_by INTEGER REFERENCES users(id)
) STRICT;
CREATE INDEX filing_attachments_filing ON filing_attachments (filing_id, kind);

CREATE TABLE filing_number_seq (
  district_code TEXT NOT NULL,
  year INTEGER NOT NULL,
  last INTEGER NOT NULL,
  PRIMARY KEY (district_code, year)
) STRICT;
