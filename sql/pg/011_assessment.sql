-- tuoyu schema 11 (PostgreSQL): the county assessment (督导考核). The scoreboard itself is computed from the
-- registry whenever it is asked for; only the per-year settings (weights, targets) and the frozen yearly
-- snapshots are stored. Twin: sql/sqlite/011_assessment.sql.

-- Weights and targets of a year, one row per indicator (assessment_rules.c names them). A year without rows
-- uses the defaults of assessment_rules.c.
CREATE TABLE assessment_settings (
  year BIGINT NOT NULL,
  indicator TEXT NOT NULL,         -- places_per_1000 | inclusive_share | … (assessment_rules.c)
  weight BIGINT NOT NULL,          -- 0..100; a year's weights sum to 100
  target DOUBLE PRECISION NOT NULL, -- > 0: per 1,000 residents, a share (0..1) or a count
  updated_at BIGINT NOT NULL,
  updated_by BIGINT REFERENCES users(id),
  PRIMARY KEY (year, indicator)
);

-- A frozen year: the scoreboard as it was computed (JSON, with its weights and targets), never recomputed.
CREATE TABLE assessment_snapshots (
  year BIGINT PRIMARY KEY,
  scoreboard TEXT NOT NULL,
  frozen_at BIGINT NOT NULL,
  frozen_by BIGINT REFERENCES users(id)
);
