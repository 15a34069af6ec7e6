-- tuoyu schema 13 (SQLite): facilities — communities (社区/村) and their childcare facility, new residential
-- projects' required facility, mother-and-baby rooms (母婴室). Owner: module facilities. Twin: sql/pg/013_facilities.sql.
-- communities is also read by module demand (an unmet need names a community).

CREATE TABLE communities (
  id INTEGER PRIMARY KEY,
  district_code TEXT NOT NULL REFERENCES districts(code),
  code TEXT NOT NULL UNIQUE,              -- statistical division code (统计用区划代码, 12 digits) or a local code
  name TEXT NOT NULL,
  street TEXT NOT NULL,                   -- 街道 / 乡镇
  kind TEXT NOT NULL CHECK (kind IN ('community', 'village')),  -- 社区 / 村
  urban INTEGER NOT NULL CHECK (urban IN (0, 1)),
  has_facility INTEGER NOT NULL DEFAULT 0 CHECK (has_facility IN (0, 1)),
  facility_note TEXT,
  version INTEGER NOT NULL DEFAULT 1,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
) STRICT;
CREATE INDEX communities_district ON communities (district_code, name);
