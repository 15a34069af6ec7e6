-- tuoyu schema 7 (SQLite): quality assessment (质量评估) after the structure of WS/T 821—2023 — templates,
-- assessments and their per-indicator scores. Twin: sql/pg/007_quality.sql.

-- Assessment templates: one row per version; the newest version is the active one. body is the template as
-- uploaded (categories → items → indicators with points and basic flags, level thresholds), validated by
-- quality_template_parse. The default version 1 comes from data/quality/wst821-v1.json on first use.
CREATE TABLE quality_templates (
  id INTEGER PRIMARY KEY,
  version INTEGER NOT NULL UNIQUE,
  title TEXT NOT NULL,
  body TEXT NOT NULL,              -- JSON
  indicators INTEGER NOT NULL,     -- number of indicators
  total_points INTEGER NOT NULL,   -- always 100 (checked on upload)
  created_at INTEGER NOT NULL,
  created_by INTEGER REFERENCES users(id)
) STRICT;

-- One assessment of one institution against one template version. Totals, subtotals, vetoes and level are
-- computed by quality_score (quality_rules.c) whenever the scores change, and frozen once published.
CREATE TABLE quality_assessments (
  id INTEGER PRIMARY KEY,
  institution_id INTEGER NOT NULL REFERENCES institutions(id),
  template_id INTEGER NOT NULL REFERENCES quality_templates(id),
  status TEXT NOT NULL,            -- draft | published | superseded
  assessed_on INTEGER NOT NULL,    -- day
  assessors TEXT NOT NULL,         -- JSON array of names
  total INTEGER NOT NULL,
  level TEXT NOT NULL,             -- A | B | C | D
  veto INTEGER NOT NULL,           -- 1 when a basic indicator failed
  subtotals TEXT NOT NULL,         -- JSON array of {"code","name","points","max"}
  vetoes TEXT NOT NULL,            -- JSON array of failed basic indicator codes
  version INTEGER NOT NULL DEFAULT 1,
  created_at INTEGER NOT NULL,
  created_by INTEGER REFERENCES users(id),
  updated_at INTEGER NOT NULL,
  published_at INTEGER,
  published_by INTEGER REFERENCES users(id),
  superseded_by INTEGER REFERENCES quality_assessments(id)
) STRICT;
CREATE INDEX quality_assessments_institution ON quality_assessments (institution_id, status, assessed_on);
CREATE INDEX quality_assessments_status ON quality_assessments (status, assessed_on);

CREATE TABLE quality_scores (
  assessment_id INTEGER NOT NULL REFERENCES quality_assessments(id),
  indicator TEXT NOT NULL,         -- the template's indicator code
  points INTEGER NOT NULL,
  note TEXT,                       -- the assessor's note; never shown on the portal
  PRIMARY KEY (assessment_id, indicator)
) STRICT;
