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

-- New residential areas (新建居住区) and the childcare facility their planning requires: accepted and delivered
-- together with the housing (与住宅同步验收、同步交付使用), then handed over to the county education bureau
-- (merged with a kindergarten) or the county health bureau (standalone). The facility is due on the day the
-- housing is delivered (housing_delivery_day); see facilities_rules.c for the lateness rule.
CREATE TABLE residential_projects (
  id INTEGER PRIMARY KEY,
  district_code TEXT NOT NULL REFERENCES districts(code),
  community_id INTEGER REFERENCES communities(id),
  name TEXT NOT NULL,
  developer TEXT NOT NULL,
  homes INTEGER NOT NULL CHECK (homes > 0),                       -- 户数
  facility_area_m2 INTEGER NOT NULL CHECK (facility_area_m2 > 0), -- required facility floor area, m²
  facility_form TEXT NOT NULL CHECK (facility_form IN ('standalone', 'with_kindergarten')),
  status TEXT NOT NULL CHECK (status IN ('planned', 'built', 'accepted', 'handed_over')),
  handed_to TEXT CHECK (handed_to IN ('education', 'health')),   -- set when handed over
  housing_delivery_day INTEGER NOT NULL,
  built_day INTEGER,
  accepted_day INTEGER,
  handed_over_day INTEGER,
  note TEXT,
  version INTEGER NOT NULL DEFAULT 1,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
) STRICT;
CREATE INDEX residential_projects_district ON residential_projects (district_code, status);
CREATE INDEX residential_projects_community ON residential_projects (community_id);

-- Mother-and-baby rooms (母婴室) in workplaces with many women and in public places, promoted by the trade
-- unions, the women's federation and the health commission. No personal data.
CREATE TABLE mother_baby_rooms (
  id INTEGER PRIMARY KEY,
  district_code TEXT NOT NULL REFERENCES districts(code),
  name TEXT NOT NULL,
  organisation TEXT NOT NULL,
  place_kind TEXT NOT NULL CHECK (place_kind IN ('workplace', 'public')),
  address TEXT NOT NULL,
  area_m2 INTEGER NOT NULL CHECK (area_m2 > 0),
  status TEXT NOT NULL CHECK (status IN ('planned', 'open', 'closed')),
  promoted_by TEXT NOT NULL CHECK (promoted_by IN ('union', 'women_federation', 'health', 'other')),
  opened_day INTEGER,
  note TEXT,
  version INTEGER NOT NULL DEFAULT 1,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
) STRICT;
CREATE INDEX mother_baby_rooms_district ON mother_baby_rooms (district_code, status);
