-- tuoyu schema 12: planning (residents and births per district and year, monthly trend snapshots).
-- Owner: module planning. The census figures stay in districts.population (001): a year without a row here
-- falls back to the latest earlier year's row, else to the census.

-- Residents and births of a district in a year, entered by the city (any district) or the county (its own).
CREATE TABLE district_population (
  id INTEGER PRIMARY KEY,
  district_code TEXT NOT NULL REFERENCES districts(code),
  year INTEGER NOT NULL,
  residents INTEGER NOT NULL,      -- 常住人口 at the end of the year
  births INTEGER,                  -- births in the year; NULL when not known
  source TEXT,
  updated_by INTEGER REFERENCES users(id),
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  version INTEGER NOT NULL DEFAULT 1
) STRICT;
CREATE UNIQUE INDEX district_population_key ON district_population (district_code, year);

-- The month's figures per district, recorded by the city (or the demo) for the trend lines.
CREATE TABLE planning_snapshots (
  id INTEGER PRIMARY KEY,
  month TEXT NOT NULL,             -- YYYY-MM (China time)
  district_code TEXT NOT NULL REFERENCES districts(code),
  filed_institutions INTEGER NOT NULL,
  places INTEGER NOT NULL,
  inclusive_places INTEGER NOT NULL,
  enrolled INTEGER NOT NULL,
  vacancies INTEGER NOT NULL,
  created_at INTEGER NOT NULL
) STRICT;
CREATE UNIQUE INDEX planning_snapshots_key ON planning_snapshots (month, district_code);
