-- tuoyu schema 16 (SQLite): background exports (jobs, progress, the finished file). Owner: src/export.
-- Twin: sql/pg/016_exports.sql. Times in epoch seconds.

-- A background export of one list of the API (its route path and query, i.e. the list and its filters) for
-- the user who asked: queued → running → done | failed. The worker pages through the list as that user,
-- counts rows_done of rows_total as it goes and stores the XLSX file; files expire after expires_at and
-- their rows are purged.
CREATE TABLE export_jobs (
  id INTEGER PRIMARY KEY,
  user_id INTEGER NOT NULL REFERENCES users(id),
  route TEXT NOT NULL,              -- the list route's pattern, e.g. /api/v1/institutions
  path TEXT NOT NULL,               -- the path asked for, e.g. /api/v1/institutions/12/staff
  query TEXT NOT NULL,              -- the filters: a JSON object of query parameters
  format TEXT NOT NULL DEFAULT 'xlsx',
  status TEXT NOT NULL,             -- queued | running | done | failed
  rows_done INTEGER NOT NULL DEFAULT 0,
  rows_total INTEGER,               -- NULL until known
  file BLOB,
  filename TEXT,                    -- the Chinese file name, e.g. 机构名录-20261208.xlsx
  error TEXT,
  created_at INTEGER NOT NULL,
  started_at INTEGER,
  finished_at INTEGER,
  expires_at INTEGER NOT NULL
) STRICT;
CREATE INDEX export_jobs_user ON export_jobs (user_id, id);
CREATE INDEX export_jobs_status ON export_jobs (status, id);
