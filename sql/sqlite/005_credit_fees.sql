-- tuoyu schema 5 (SQLite): credit records of institutions (机构信用记录) and fees (收费): each institution's
-- published fee schedule and the counties' guideline caps (指导价上限). Every change is a new row; nothing is
-- overwritten. Twin: sql/pg/005_credit_fees.sql. (Persons' credit records are person_credit_records, schema 2.)

CREATE TABLE institution_credit_records (
  id INTEGER PRIMARY KEY,
  institution_id INTEGER NOT NULL REFERENCES institutions(id),
  kind TEXT NOT NULL,              -- operating_unfiled | serious_violation | repeated_violation | abuse | fraud | other
  source TEXT NOT NULL,            -- what it rests on: "inspection:12", "complaint:3" or a short text
  summary TEXT NOT NULL,           -- the facts and the decision, without personal names or numbers
  authority TEXT NOT NULL,         -- deciding authority
  decision_number TEXT NOT NULL,
  decided_on INTEGER NOT NULL,     -- day
  publicity_from INTEGER NOT NULL, -- day
  publicity_until INTEGER NOT NULL,-- day, inclusive
  status TEXT NOT NULL,            -- active | revoked (信用修复)
  revoked_reason TEXT,
  revoked_at INTEGER,
  revoked_by INTEGER REFERENCES users(id),
  created_at INTEGER NOT NULL,
  created_by INTEGER REFERENCES users(id)
) STRICT;
CREATE INDEX institution_credit_inst ON institution_credit_records (institution_id, publicity_until);

-- An institution's fee schedule: one row per change of one service type; the current fee of a type is its
-- row with the latest effective_from on or before today (ties: the latest id).
CREATE TABLE fee_schedules (
  id INTEGER PRIMARY KEY,
  institution_id INTEGER NOT NULL REFERENCES institutions(id),
  service_type TEXT NOT NULL,      -- full_day | half_day | hourly | temporary
  fee_fen INTEGER NOT NULL,        -- per month; hourly: per hour
  effective_from INTEGER NOT NULL, -- day
  created_at INTEGER NOT NULL,
  created_by INTEGER REFERENCES users(id)
) STRICT;
CREATE INDEX fee_schedules_inst ON fee_schedules (institution_id, service_type, effective_from, id);

-- Guideline caps set by a county for a kind of institution: inclusive (普惠) or non-profit (非营利:
-- social organisations and public institutions). Current: the latest effective_from on or before today.
CREATE TABLE fee_caps (
  id INTEGER PRIMARY KEY,
  district_code TEXT NOT NULL REFERENCES districts(code),
  service_type TEXT NOT NULL,
  applies_to TEXT NOT NULL,        -- inclusive | non_profit
  cap_fen INTEGER NOT NULL,        -- per month; hourly: per hour
  effective_from INTEGER NOT NULL, -- day
  basis TEXT NOT NULL,             -- the pricing document, e.g. its number
  created_at INTEGER NOT NULL,
  created_by INTEGER REFERENCES users(id)
) STRICT;
CREATE INDEX fee_caps_district ON fee_caps (district_code, service_type, applies_to, effective_from, id);
