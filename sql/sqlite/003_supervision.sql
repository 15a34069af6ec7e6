-- tuoyu schema 3 (SQLite): supervision — departments, checklist templates, inspections and findings, random
-- draws (双随机一公开), rectification orders. Twin: sql/pg/003_supervision.sql.

-- The departments that inspect, each within its competence (市卫健委's joint-supervision list).
CREATE TABLE departments (
  code TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  competence TEXT NOT NULL,
  sort INTEGER NOT NULL
) STRICT;
INSERT INTO departments (code, name, competence, sort) VALUES
  ('health', '卫生健康部门', '卫生保健、疾病防控、饮用水卫生、托育服务规范', 1),
  ('fire', '消防救援机构', '消防安全', 2),
  ('police', '公安机关', '安保人员、人防物防技防', 3),
  ('market', '市场监管部门', '食品安全、收费价格', 4),
  ('emergency', '应急管理部门', '应急预案与演练', 5),
  ('education', '教育部门', '幼儿园托班', 6),
  ('housing', '住房和城乡建设部门', '房屋建筑与设施安全', 7);

-- Inspectors belong to a department (NULL for every other role; city and county officials act as health).
-- No REFERENCES: SQLite cannot drop a column that is a foreign key, and user_create checks the code.
ALTER TABLE users ADD COLUMN department_code TEXT;

-- Checklist templates: one row per version; a change is a new version, old inspections keep theirs.
CREATE TABLE checklist_templates (
  id INTEGER PRIMARY KEY,
  department_code TEXT NOT NULL REFERENCES departments(code),
  version INTEGER NOT NULL,
  title TEXT NOT NULL,
  items TEXT NOT NULL,             -- JSON array of {"code","text","clause"}
  active INTEGER NOT NULL,         -- 1 for the department's current version
  created_at INTEGER NOT NULL,
  created_by INTEGER REFERENCES users(id),
  UNIQUE (department_code, version)
) STRICT;

-- Random draws: the seed and the eligible lists are stored and published so anyone can redo the draw.
CREATE TABLE draws (
  id INTEGER PRIMARY KEY,
  title TEXT NOT NULL,
  department_code TEXT NOT NULL REFERENCES departments(code),
  district_code TEXT REFERENCES districts(code),   -- NULL: the whole city
  method TEXT NOT NULL,            -- the algorithm's name and version, e.g. sha256-rank-v1
  seed TEXT NOT NULL,              -- 64 hex digits
  institutions_wanted INTEGER NOT NULL,
  inspectors_per_institution INTEGER NOT NULL,
  eligible_institutions INTEGER NOT NULL,
  eligible_inspectors INTEGER NOT NULL,
  planned_on INTEGER NOT NULL,     -- day the drawn inspections are due
  drawn_at INTEGER NOT NULL,
  drawn_by INTEGER REFERENCES users(id)
) STRICT;

CREATE TABLE draw_entries (
  draw_id INTEGER NOT NULL REFERENCES draws(id),
  kind TEXT NOT NULL,              -- institution | inspector
  ref_id INTEGER NOT NULL,         -- institutions.id or users.id
  label TEXT NOT NULL,             -- name at draw time (institution name, inspector's username)
  score TEXT NOT NULL,             -- hex SHA-256 of "seed:kind:ref_id"
  selected INTEGER NOT NULL,       -- 1 when drawn
  PRIMARY KEY (draw_id, kind, ref_id)
) STRICT;

CREATE TABLE inspections (
  id INTEGER PRIMARY KEY,
  institution_id INTEGER NOT NULL REFERENCES institutions(id),
  department_code TEXT NOT NULL REFERENCES departments(code),
  kind TEXT NOT NULL,              -- routine | random | complaint | campaign
  status TEXT NOT NULL,            -- planned | completed | cancelled
  template_id INTEGER REFERENCES checklist_templates(id),
  planned_on INTEGER,              -- day
  inspected_on INTEGER,            -- day; set when completed
  draw_id INTEGER REFERENCES draws(id),
  complaint_id INTEGER,            -- the complaint that triggered it (complaints live in a later schema)
  summary TEXT,
  result TEXT,                     -- pass | findings, when completed
  version INTEGER NOT NULL DEFAULT 1,
  created_at INTEGER NOT NULL,
  created_by INTEGER REFERENCES users(id),
  updated_at INTEGER NOT NULL
) STRICT;
CREATE INDEX inspections_institution ON inspections (institution_id, inspected_on);
CREATE INDEX inspections_status ON inspections (status, planned_on);

CREATE TABLE inspection_inspectors (
  inspection_id INTEGER NOT NULL REFERENCES inspections(id),
  user_id INTEGER NOT NULL REFERENCES users(id),
  PRIMARY KEY (inspection_id, user_id)
) STRICT;
CREATE INDEX inspection_inspectors_user ON inspection_inspectors (user_id);

CREATE TABLE inspection_items (
  inspection_id INTEGER NOT NULL REFERENCES inspections(id),
  item_code TEXT NOT NULL,
  result TEXT NOT NULL,            -- pass | fail | na
  note TEXT,
  PRIMARY KEY (inspection_id, item_code)
) STRICT;

CREATE TABLE inspection_findings (
  id INTEGER PRIMARY KEY,
  inspection_id INTEGER NOT NULL REFERENCES inspections(id),
  institution_id INTEGER NOT NULL REFERENCES institutions(id),
  item_code TEXT,
  severity TEXT NOT NULL,          -- low | medium | high | critical
  clause TEXT NOT NULL,            -- the rule breached
  description TEXT NOT NULL,       -- no personal names or numbers
  found_on INTEGER NOT NULL,       -- day
  created_at INTEGER NOT NULL
) STRICT;
CREATE INDEX inspection_findings_institution ON inspection_findings (institution_id, found_on);
CREATE INDEX inspection_findings_inspection ON inspection_findings (inspection_id);

-- Rectification: at most one order per finding; answers, verifications and evidence are kept, never replaced.
CREATE TABLE rectification_orders (
  id INTEGER PRIMARY KEY,
  finding_id INTEGER NOT NULL UNIQUE REFERENCES inspection_findings(id),
  institution_id INTEGER NOT NULL REFERENCES institutions(id),
  status TEXT NOT NULL,            -- open | answered | accepted
  deadline_on INTEGER NOT NULL,    -- day
  requirement TEXT NOT NULL,
  ordered_at INTEGER NOT NULL,
  ordered_by INTEGER REFERENCES users(id),
  answered_at INTEGER,
  closed_on INTEGER,               -- day accepted
  reopened INTEGER NOT NULL DEFAULT 0,
  version INTEGER NOT NULL DEFAULT 1,
  updated_at INTEGER NOT NULL
) STRICT;
CREATE INDEX rectification_orders_status ON rectification_orders (status, deadline_on);
CREATE INDEX rectification_orders_institution ON rectification_orders (institution_id, status);

CREATE TABLE rectification_events (
  id INTEGER PRIMARY KEY,
  order_id INTEGER NOT NULL REFERENCES rectification_orders(id),
  event TEXT NOT NULL,             -- order | answer | accept | reopen
  text TEXT,
  deadline_on INTEGER,             -- reopen: the new deadline
  at INTEGER NOT NULL,
  by_user INTEGER REFERENCES users(id)
) STRICT;
CREATE INDEX rectification_events_order ON rectification_events (order_id, id);

CREATE TABLE rectification_evidence (
  id INTEGER PRIMARY KEY,
  order_id INTEGER NOT NULL REFERENCES rectification_orders(id),
  event_id INTEGER REFERENCES rectification_events(id),  -- the answer it belongs to; NULL until answered
  sha256 TEXT NOT NULL REFERENCES files(sha256),
  filename TEXT NOT NULL,
  uploaded_at INTEGER NOT NULL,
  uploaded_by INTEGER REFERENCES users(id)
) STRICT;
CREATE INDEX rectification_evidence_order ON rectification_evidence (order_id);
