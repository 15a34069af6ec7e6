-- tuoyu schema 14: parents' measured demand (applications, unmet needs). Owner: module demand.
-- A parent's application for a place: the child's birth month, the service type, the wanted start month, and
-- up to three institutions of one district (demand_choices). The guardian's name and phone are sealed
-- (pii_seal); the phone's keyed hash finds duplicates and applies the per-phone limit. The lookup code that
-- goes with the receipt number is kept only as a keyed hash.
CREATE TABLE demand_applications (
  id INTEGER PRIMARY KEY,
  ref TEXT UNIQUE,                              -- receipt number SQ-YYYY-NNNNNN, set after the insert
  lookup_hash TEXT NOT NULL,
  district_code TEXT NOT NULL REFERENCES districts(code),
  birth_month TEXT NOT NULL,                    -- YYYY-MM
  service_type TEXT NOT NULL CHECK (service_type IN ('full_day', 'half_day', 'hourly', 'temporary')),
  start_month TEXT NOT NULL,                    -- YYYY-MM
  guardian_name_enc BLOB NOT NULL,
  guardian_phone_enc BLOB NOT NULL,
  guardian_phone_hash TEXT NOT NULL,
  guardian_phone_masked TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  withdrawn_at INTEGER                          -- every choice withdrawn by the parent
) STRICT;
CREATE INDEX demand_applications_district ON demand_applications (district_code, created_at);
CREATE INDEX demand_applications_phone ON demand_applications (guardian_phone_hash, created_at);

-- One institution of an application and its answer.
CREATE TABLE demand_choices (
  id INTEGER PRIMARY KEY,
  application_id INTEGER NOT NULL REFERENCES demand_applications(id),
  institution_id INTEGER NOT NULL REFERENCES institutions(id),
  rank INTEGER NOT NULL CHECK (rank BETWEEN 1 AND 3),
  status TEXT NOT NULL DEFAULT 'pending'
    CHECK (status IN ('pending', 'offered', 'waitlisted', 'declined', 'accepted', 'withdrawn')),
  waitlist_position INTEGER,                    -- set when waitlisted
  answered_at INTEGER,
  answered_by INTEGER REFERENCES users(id),
  note TEXT,
  version INTEGER NOT NULL DEFAULT 1,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  UNIQUE (application_id, institution_id)
) STRICT;
CREATE UNIQUE INDEX demand_choices_rank ON demand_choices (application_id, rank);
CREATE INDEX demand_choices_institution ON demand_choices (institution_id, status);
-- One child per place in an institution's waitlist (two answers at once cannot both take the same place).
CREATE UNIQUE INDEX demand_choices_waitlist ON demand_choices (institution_id, waitlist_position)
  WHERE status = 'waitlisted';

-- An unmet need registered for a community (no institution chosen).
CREATE TABLE demand_needs (
  id INTEGER PRIMARY KEY,
  ref TEXT UNIQUE,                              -- XQ-YYYY-NNNNNN
  community_id INTEGER NOT NULL REFERENCES communities(id),
  district_code TEXT NOT NULL REFERENCES districts(code),
  birth_month TEXT NOT NULL,
  service_type TEXT NOT NULL CHECK (service_type IN ('full_day', 'half_day', 'hourly', 'temporary')),
  start_month TEXT NOT NULL,
  guardian_name_enc BLOB NOT NULL,
  guardian_phone_enc BLOB NOT NULL,
  guardian_phone_hash TEXT NOT NULL,
  guardian_phone_masked TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  closed_at INTEGER
) STRICT;
CREATE INDEX demand_needs_community ON demand_needs (community_id, closed_at);
CREATE INDEX demand_needs_district ON demand_needs (district_code, closed_at);

-- The public forms' per-address limit: keyed hashes of client addresses, deleted after a day.
CREATE TABLE demand_rate (
  id INTEGER PRIMARY KEY,
  ip_hash TEXT NOT NULL,
  at INTEGER NOT NULL,
  created_at INTEGER NOT NULL
) STRICT;
CREATE INDEX demand_rate_ip ON demand_rate (ip_hash, at);
