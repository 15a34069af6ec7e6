-- tuoyu schema 10 (SQLite): policy support (政策支持) — subsidies per institution and year, the plan's promises
-- per institution (政策落实) with their history, and demonstration institutions (示范性托育机构).
-- Twin: sql/pg/010_support.sql. Money in fen, days since 1970-01-01 (CST), times in epoch seconds.

-- A subsidy: construction (建设补贴, per new place), operating (运营补贴, per place per year) or award (以奖代补).
-- applied → approved | rejected → (approved) paid.
CREATE TABLE subsidies (
  id INTEGER PRIMARY KEY,
  institution_id INTEGER NOT NULL REFERENCES institutions(id),
  year INTEGER NOT NULL,
  type TEXT NOT NULL,              -- construction | operating | award
  status TEXT NOT NULL,            -- applied | approved | rejected | paid
  amount_applied_fen INTEGER NOT NULL,
  places INTEGER NOT NULL,
  basis TEXT NOT NULL,
  applied_at INTEGER NOT NULL,
  applied_by INTEGER REFERENCES users(id),
  decided_at INTEGER,
  decided_by INTEGER REFERENCES users(id),
  amount_approved_fen INTEGER,
  decision_reason TEXT,
  paid_on INTEGER,
  paid_fen INTEGER,
  paid_by INTEGER REFERENCES users(id),
  version INTEGER NOT NULL DEFAULT 1,
  updated_at INTEGER NOT NULL
) STRICT;
-- Once per institution, year and type: only a rejected application leaves room for another, so an
-- institution can never be paid twice for the same year and type.
CREATE UNIQUE INDEX subsidies_once ON subsidies (institution_id, year, type) WHERE status <> 'rejected';
CREATE INDEX subsidies_year_status ON subsidies (year, status);

-- The plan's promises, one row per institution: declared by the operator, confirmed by the county.
CREATE TABLE institution_policy (
  institution_id INTEGER PRIMARY KEY REFERENCES institutions(id),
  utility_residential INTEGER NOT NULL,   -- 水电气按居民价格
  liability_until INTEGER,                -- 责任保险 valid until this day
  accident_insurance INTEGER NOT NULL,    -- 每名婴幼儿意外伤害保险
  training_subsidy INTEGER NOT NULL,      -- 职业培训补贴 claimed
  skill_subsidy INTEGER NOT NULL,         -- 职业技能鉴定补贴 claimed
  note TEXT,
  confirmed_on INTEGER,
  confirmed_by INTEGER REFERENCES users(id),
  version INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
) STRICT;

-- Every declaration and confirmation, as the row stood after it.
CREATE TABLE institution_policy_history (
  id INTEGER PRIMARY KEY,
  institution_id INTEGER NOT NULL REFERENCES institutions(id),
  version INTEGER NOT NULL,
  kind TEXT NOT NULL,                     -- declare | confirm
  utility_residential INTEGER NOT NULL,
  liability_until INTEGER,
  accident_insurance INTEGER NOT NULL,
  training_subsidy INTEGER NOT NULL,
  skill_subsidy INTEGER NOT NULL,
  note TEXT,
  confirmed_on INTEGER,
  at INTEGER NOT NULL,
  by_user INTEGER REFERENCES users(id)
) STRICT;
CREATE INDEX institution_policy_history_inst ON institution_policy_history (institution_id, id);

-- Demonstration institutions: applied → evaluated → designated (county or city level) | rejected.
CREATE TABLE demonstrations (
  id INTEGER PRIMARY KEY,
  institution_id INTEGER NOT NULL REFERENCES institutions(id),
  year INTEGER NOT NULL,
  status TEXT NOT NULL,            -- applied | evaluated | designated | rejected
  statement TEXT NOT NULL,
  score INTEGER,
  evaluation_note TEXT,
  evaluated_by INTEGER REFERENCES users(id),
  level TEXT,                      -- county | city
  designated_on INTEGER,
  decision_number TEXT,
  reason TEXT,
  decided_by INTEGER REFERENCES users(id),
  applied_at INTEGER NOT NULL,
  applied_by INTEGER REFERENCES users(id),
  version INTEGER NOT NULL DEFAULT 1,
  updated_at INTEGER NOT NULL
) STRICT;
CREATE UNIQUE INDEX demonstrations_once ON demonstrations (institution_id, year) WHERE status <> 'rejected';
CREATE INDEX demonstrations_status ON demonstrations (status, designated_on);
