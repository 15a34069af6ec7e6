-- tuoyu schema 6 (SQLite): the institution's life cycle after filing — annual reviews (年审), information
-- changes (信息变更) with every version of the institution kept, and deregistration (注销).
-- Twin: sql/pg/006_lifecycle.sql.

-- The day a deregistered institution closes (state 'closed'); a day still ahead means "closing".
ALTER TABLE institutions ADD COLUMN closed_on INTEGER;

CREATE TABLE annual_reviews (
  id INTEGER PRIMARY KEY,
  institution_id INTEGER NOT NULL REFERENCES institutions(id),
  year INTEGER NOT NULL,
  status TEXT NOT NULL,            -- draft | submitted | accepted | returned
  data TEXT NOT NULL,              -- JSON snapshot of the prefilled figures at (re)submission
  narrative TEXT NOT NULL,
  drills INTEGER NOT NULL,         -- safety drills held in the year
  training_hours INTEGER NOT NULL, -- staff training hours in the year
  submissions INTEGER NOT NULL DEFAULT 0,
  submitted_at INTEGER,
  submitted_by INTEGER REFERENCES users(id),
  decided_at INTEGER,
  decided_by INTEGER REFERENCES users(id),
  reason TEXT,                     -- the county's reason for a return
  version INTEGER NOT NULL DEFAULT 1,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  UNIQUE (institution_id, year)
) STRICT;
CREATE INDEX annual_reviews_year ON annual_reviews (year, status);

CREATE TABLE institution_changes (
  id INTEGER PRIMARY KEY,
  institution_id INTEGER NOT NULL REFERENCES institutions(id),
  source TEXT NOT NULL,            -- operator | registration
  status TEXT NOT NULL,            -- pending | approved | rejected
  changes TEXT NOT NULL,           -- JSON {field: requested value}
  previous TEXT NOT NULL,          -- JSON {field: value when requested}
  reason TEXT NOT NULL,
  requested_at INTEGER NOT NULL,
  requested_by INTEGER REFERENCES users(id),
  decided_at INTEGER,
  decided_by INTEGER REFERENCES users(id),
  decision_reason TEXT,
  applied_version INTEGER          -- the institution's version the approval made
) STRICT;
CREATE INDEX institution_changes_status ON institution_changes (status, id);
CREATE INDEX institution_changes_institution ON institution_changes (institution_id, id);

-- Every version of an institution, a full JSON snapshot each, written once and never overwritten.
CREATE TABLE institution_versions (
  id INTEGER PRIMARY KEY,
  institution_id INTEGER NOT NULL REFERENCES institutions(id),
  version INTEGER NOT NULL,
  snapshot TEXT NOT NULL,
  change_id INTEGER REFERENCES institution_changes(id),
  created_at INTEGER NOT NULL,
  UNIQUE (institution_id, version)
) STRICT;

CREATE TABLE deregistrations (
  id INTEGER PRIMARY KEY,
  institution_id INTEGER NOT NULL REFERENCES institutions(id),
  kind TEXT NOT NULL,              -- requested (by the operator) | imposed (by the county)
  status TEXT NOT NULL,            -- requested | approved | rejected
  planned_on INTEGER NOT NULL,     -- day the institution closes
  reason TEXT NOT NULL,
  placement_plan TEXT NOT NULL,    -- how the enrolled children are placed
  children_enrolled INTEGER NOT NULL,
  decision_number TEXT,            -- the county's decision (决定书) number
  requested_at INTEGER NOT NULL,
  requested_by INTEGER REFERENCES users(id),
  decided_at INTEGER,
  decided_by INTEGER REFERENCES users(id),
  decision_reason TEXT
) STRICT;
CREATE INDEX deregistrations_status ON deregistrations (status, id);
CREATE INDEX deregistrations_institution ON deregistrations (institution_id, id);
