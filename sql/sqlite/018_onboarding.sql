-- tuoyu schema 18 (SQLite): onboarding of existing institutions (import batches). Owner: module imports
-- (onboarding). Twin: sql/pg/018_onboarding.sql. Times in epoch seconds.

-- One committed import of institutions (and their earlier filings) from a CSV or JSON Lines file. A file that
-- changes nothing (a re-import) is not recorded. Batches are never edited: no version column.
CREATE TABLE import_batches (
  id INTEGER PRIMARY KEY,
  sha256 TEXT NOT NULL,            -- of the file as uploaded
  format TEXT NOT NULL,            -- csv | jsonl
  encoding TEXT NOT NULL,          -- utf-8 | gbk
  row_count INTEGER NOT NULL,
  created INTEGER NOT NULL,
  updated INTEGER NOT NULL,
  unchanged INTEGER NOT NULL,
  filings INTEGER NOT NULL,        -- earlier filings recorded
  by_user INTEGER REFERENCES users(id),  -- NULL: the command line
  by_name TEXT NOT NULL,
  at INTEGER NOT NULL,
  created_at INTEGER NOT NULL
) STRICT;
CREATE INDEX import_batches_at ON import_batches (at);
