-- tuoyu schema 15 (SQLite): family guidance (科学育儿指导) — the experts' library (专家库) built by health and
-- education, guidance events and courses with public sign-up, and articles for parents.
-- Twin: sql/pg/015_guidance.sql. Times in epoch seconds. Owner: module guidance.

-- An expert of the library. Experts are public figures: no phone or other personal contact is stored.
CREATE TABLE guidance_experts (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  title TEXT NOT NULL,             -- 职称, e.g. 主任医师
  organisation TEXT NOT NULL,
  speciality TEXT NOT NULL,
  district_code TEXT REFERENCES districts(code),   -- NULL: the city's library
  added_by_unit TEXT NOT NULL,     -- health | education
  active INTEGER NOT NULL DEFAULT 1,
  created_by INTEGER REFERENCES users(id),
  version INTEGER NOT NULL DEFAULT 1,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
) STRICT;
CREATE INDEX guidance_experts_district ON guidance_experts (district_code, active);

-- A guidance event or course: draft → published → done (attended recorded) | cancelled.
CREATE TABLE guidance_events (
  id INTEGER PRIMARY KEY,
  title TEXT NOT NULL,
  kind TEXT NOT NULL,              -- event | course
  venue_kind TEXT NOT NULL,        -- hospital | community | institution | online | other
  venue TEXT NOT NULL,
  district_code TEXT NOT NULL REFERENCES districts(code),
  institution_id INTEGER REFERENCES institutions(id),
  starts_at INTEGER NOT NULL,
  ends_at INTEGER NOT NULL,
  capacity INTEGER NOT NULL,
  expert_id INTEGER REFERENCES guidance_experts(id),
  status TEXT NOT NULL,            -- draft | published | cancelled | done
  description TEXT NOT NULL,
  attended INTEGER,                -- families that came, recorded after the event
  created_by INTEGER REFERENCES users(id),
  version INTEGER NOT NULL DEFAULT 1,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
) STRICT;
CREATE INDEX guidance_events_status ON guidance_events (status, starts_at);
CREATE INDEX guidance_events_district ON guidance_events (district_code, starts_at);

-- A family's sign-up. The guardian's name and phone are sealed; phone_hash (keyed) finds duplicates.
CREATE TABLE guidance_signups (
  id INTEGER PRIMARY KEY,
  event_id INTEGER NOT NULL REFERENCES guidance_events(id),
  ref_code TEXT NOT NULL UNIQUE,
  guardian_name_enc BLOB NOT NULL,
  guardian_phone_enc BLOB NOT NULL,
  name_masked TEXT NOT NULL,
  phone_masked TEXT NOT NULL,
  phone_hash TEXT NOT NULL,
  children INTEGER NOT NULL,       -- 1..3
  child_age_band TEXT,             -- under1 | 1to2 | 2to3
  ip_hash TEXT,                    -- keyed hash of the client address, for the per-address limit
  created_at INTEGER NOT NULL,
  cancelled_at INTEGER
) STRICT;
-- One live sign-up per phone and event (also checked in the sign-up transaction).
CREATE UNIQUE INDEX guidance_signups_once ON guidance_signups (event_id, phone_hash) WHERE cancelled_at IS NULL;
CREATE INDEX guidance_signups_ip ON guidance_signups (ip_hash, created_at);

-- An article for parents: plain-text paragraphs, draft → published (and back to draft to withdraw).
CREATE TABLE guidance_articles (
  id INTEGER PRIMARY KEY,
  title TEXT NOT NULL,
  summary TEXT NOT NULL,
  body TEXT NOT NULL,
  author_unit TEXT NOT NULL,
  status TEXT NOT NULL,            -- draft | published
  published_at INTEGER,
  created_by INTEGER REFERENCES users(id),
  version INTEGER NOT NULL DEFAULT 1,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
) STRICT;
CREATE INDEX guidance_articles_status ON guidance_articles (status, published_at);
