-- tuoyu schema 11 (SQLite): the county assessment (督导考核). The scoreboard itself is computed from the
-- registry whenever it is asked for; only the per-year settings (weights, targets) and the frozen yearly
-- snapshots are stored. Twin: sql/pg/011_assessment.sql.

-- Weights and targets of a year, one row per indicator (assessment_rules.c names them). A year without rows
-- uses the defaults of assessment_rules.c.
CREATE TABLE assessment_settings (
  year INTEGER NOT NULL,
  indicator TEXT NOT NULL,         -- places_per_1000 | inclusive_share | … (assessment_rules.c)
  weight INTEGER NOT NULL,         -- 0..100; a year's weights sum to 100
  target REAL NOT NULL,            -- > 0: per 1,000 residents, a share (0..1) or a count
  updated_at INTEGER NOT NULL,
  updated_by INTEGER REFERENCES users(id),
  PRIMARY KEY (year, indicator)
) STRICT;

-- A frozen year: the scoreboard as it was computed (JSON, with its weights and targets), never recomputed.
CREATE TABLE assessment_snapshots (
  year INTEGER PRIMARY KEY,
  scoreboard TEXT NOT NULL,
  frozen_at INTEGER NOT NULL,
  frozen_by INTEGER REFERENCES users(id)
) STRICT;
