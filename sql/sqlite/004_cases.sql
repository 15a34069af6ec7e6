-- tuoyu schema 4 (SQLite): incidents (安全事件) and complaints (投诉). Twin: sql/pg/004_cases.sql.

-- Safety incidents reported by operators; officials follow up and close. Descriptions carry no names.
CREATE TABLE incidents (
  id INTEGER PRIMARY KEY,
  institution_id INTEGER NOT NULL REFERENCES institutions(id),
  district_code TEXT NOT NULL REFERENCES districts(code),  -- the institution's district when reported
  type TEXT NOT NULL,              -- injury | illness_outbreak | suspected_abuse | missing_child | food_poisoning | fire | other
  severity TEXT NOT NULL,          -- minor | serious | death
  occurred_at INTEGER NOT NULL,    -- epoch seconds
  reported_at INTEGER NOT NULL,
  deadline_hours INTEGER NOT NULL, -- the reporting deadline that applied (cases_rules.c)
  late INTEGER NOT NULL,           -- 1 when reported after occurred_at + deadline_hours
  children_affected INTEGER NOT NULL,
  description TEXT NOT NULL,
  actions_taken TEXT NOT NULL,
  status TEXT NOT NULL,            -- reported | following | closed
  conclusion TEXT,
  substantiated INTEGER,           -- suspected_abuse only: 1/0 when closed
  closed_at INTEGER,
  closed_by INTEGER REFERENCES users(id),
  reported_by INTEGER REFERENCES users(id),
  version INTEGER NOT NULL DEFAULT 1,
  updated_at INTEGER NOT NULL
) STRICT;
CREATE INDEX incidents_district ON incidents (district_code, occurred_at);
CREATE INDEX incidents_institution ON incidents (institution_id, occurred_at);
CREATE INDEX incidents_status ON incidents (status, id);

CREATE TABLE incident_notes (
  id INTEGER PRIMARY KEY,
  incident_id INTEGER NOT NULL REFERENCES incidents(id),
  kind TEXT NOT NULL,              -- note | close
  text TEXT NOT NULL,
  at INTEGER NOT NULL,
  by_user INTEGER REFERENCES users(id)
) STRICT;
CREATE INDEX incident_notes_incident ON incident_notes (incident_id, id);

-- Complaints filed by parents on the portal, routed to the county of the institution. The contact is sealed
-- (pii_seal) and kept masked for display; the lookup code only as a keyed hash.
CREATE TABLE complaints (
  id INTEGER PRIMARY KEY,
  number TEXT UNIQUE,              -- receipt number, set in the filing transaction
  lookup_hash TEXT NOT NULL,       -- keyed hash of the lookup code given to the complainant
  institution_id INTEGER REFERENCES institutions(id),  -- NULL only for unfiled_operation about an unknown place
  district_code TEXT NOT NULL REFERENCES districts(code),
  category TEXT NOT NULL,          -- safety | hygiene | abuse | fees | staff | unfiled_operation | other
  text TEXT NOT NULL,
  text_hash TEXT NOT NULL,         -- for refusing the same text about the same institution within a day
  contact_name_enc BLOB NOT NULL,
  contact_phone_enc BLOB NOT NULL,
  contact_phone_masked TEXT NOT NULL,
  anonymous_public INTEGER NOT NULL,  -- 1: hide the complainant in anything published
  status TEXT NOT NULL,            -- received | handling | answered
  received_at INTEGER NOT NULL,
  due_on INTEGER NOT NULL,         -- day by which the answer is due (15 working days, cases_rules.c)
  accepted_at INTEGER,
  accepted_by INTEGER REFERENCES users(id),
  answer TEXT,
  answered_at INTEGER,
  answered_by INTEGER REFERENCES users(id),
  inspection_id INTEGER REFERENCES inspections(id),
  version INTEGER NOT NULL DEFAULT 1,
  updated_at INTEGER NOT NULL
) STRICT;
CREATE INDEX complaints_district ON complaints (district_code, status, due_on);
CREATE INDEX complaints_institution ON complaints (institution_id, received_at);
CREATE INDEX complaints_text ON complaints (text_hash, received_at);

-- Rate limiting of the public form: one row per complaint filed, by a keyed hash of the client address (never
-- the address); rows older than a day are deleted as new ones arrive.
CREATE TABLE complaint_rate (
  id INTEGER PRIMARY KEY,
  ip_hash TEXT NOT NULL,
  at INTEGER NOT NULL
) STRICT;
CREATE INDEX complaint_rate_ip ON complaint_rate (ip_hash, at);

-- CAPTCHA tokens already presented (single use), kept until they would have expired anyway.
CREATE TABLE captcha_used (
  token_hash TEXT PRIMARY KEY,
  expires_at INTEGER NOT NULL
) STRICT;
