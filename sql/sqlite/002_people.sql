-- tuoyu schema 2 (SQLite): people and live compliance. Twin: sql/pg/002_people.sql.
-- Personal ID numbers and phones are never stored in clear: *_enc holds libsodium secretbox output
-- (nonce || ciphertext), *_hash an HMAC-SHA-256 (hex) of the normalised ID number for matching, *_masked the
-- form that may be shown (4203**********1235, 138****5678).

-- institution: an ordinary institution; home_based: a 家庭托育点 with its own thresholds.
ALTER TABLE institutions ADD COLUMN provider_kind TEXT NOT NULL DEFAULT 'institution';

CREATE TABLE staff (
  id INTEGER PRIMARY KEY,
  institution_id INTEGER NOT NULL REFERENCES institutions(id),
  name TEXT NOT NULL,
  id_enc BLOB NOT NULL,
  id_hash TEXT NOT NULL,
  id_masked TEXT NOT NULL,
  role TEXT NOT NULL,              -- director | caregiver | health | security | cook | other
  hired_on INTEGER NOT NULL,       -- day
  left_on INTEGER,                 -- day; NULL while employed
  phone_enc BLOB,
  phone_masked TEXT,
  education TEXT,                  -- director: 大专 or higher required (none | secondary | junior_college | bachelor | master)
  experience_years INTEGER,
  full_time INTEGER NOT NULL DEFAULT 1,
  version INTEGER NOT NULL DEFAULT 1,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
) STRICT;
CREATE INDEX staff_institution ON staff (institution_id, id);
CREATE INDEX staff_hash ON staff (id_hash);

CREATE TABLE staff_certificates (
  id INTEGER PRIMARY KEY,
  staff_id INTEGER NOT NULL REFERENCES staff(id),
  kind TEXT NOT NULL,              -- caregiver_qualification | health_certificate | criminal_record_check | director_training | security_license
  number TEXT,
  issued_on INTEGER NOT NULL,
  expires_on INTEGER,              -- NULL: does not expire
  created_at INTEGER NOT NULL
) STRICT;
CREATE INDEX staff_certificates_staff ON staff_certificates (staff_id, kind);

-- The ban register (禁入名单). Readable by officials only through masked forms; never listed with ID numbers.
CREATE TABLE bans (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  id_enc BLOB NOT NULL,
  id_hash TEXT NOT NULL,
  id_masked TEXT NOT NULL,
  kind TEXT NOT NULL,              -- lifetime | term
  ends_on INTEGER,                 -- day, for term bans
  reason TEXT NOT NULL,
  authority TEXT NOT NULL,
  decision_number TEXT NOT NULL,
  decided_on INTEGER NOT NULL,
  district_code TEXT REFERENCES districts(code),
  created_by INTEGER REFERENCES users(id),
  created_at INTEGER NOT NULL,
  revoked_at INTEGER
) STRICT;
CREATE INDEX bans_hash ON bans (id_hash);

-- Bad credit records of persons (个人不良信用记录).
CREATE TABLE person_credit_records (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  id_enc BLOB NOT NULL,
  id_hash TEXT NOT NULL,
  id_masked TEXT NOT NULL,
  kind TEXT NOT NULL,
  description TEXT NOT NULL,
  source TEXT NOT NULL,
  decided_on INTEGER NOT NULL,
  created_by INTEGER REFERENCES users(id),
  created_at INTEGER NOT NULL
) STRICT;
CREATE INDEX person_credit_hash ON person_credit_records (id_hash);

-- Every check of a person against the register (at hire, yearly): who asked, for which institution, result.
CREATE TABLE ban_checks (
  id INTEGER PRIMARY KEY,
  institution_id INTEGER REFERENCES institutions(id),
  id_hash TEXT NOT NULL,
  id_masked TEXT NOT NULL,
  name TEXT NOT NULL,
  purpose TEXT NOT NULL,           -- hire | yearly | official
  result TEXT NOT NULL,            -- clear | match
  ban_id INTEGER REFERENCES bans(id),
  checked_by INTEGER REFERENCES users(id),
  checked_at INTEGER NOT NULL
) STRICT;
CREATE INDEX ban_checks_institution ON ban_checks (institution_id, checked_at);

CREATE TABLE classes (
  id INTEGER PRIMARY KEY,
  institution_id INTEGER NOT NULL REFERENCES institutions(id),
  name TEXT NOT NULL,
  type TEXT NOT NULL,              -- infant | toddler | older | mixed
  capacity INTEGER NOT NULL,
  closed_on INTEGER,
  version INTEGER NOT NULL DEFAULT 1,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
) STRICT;
CREATE INDEX classes_institution ON classes (institution_id, id);

CREATE TABLE class_caregivers (
  class_id INTEGER NOT NULL REFERENCES classes(id),
  staff_id INTEGER NOT NULL REFERENCES staff(id),
  PRIMARY KEY (class_id, staff_id)
) STRICT;

CREATE TABLE children (
  id INTEGER PRIMARY KEY,
  institution_id INTEGER NOT NULL REFERENCES institutions(id),
  name TEXT NOT NULL,
  id_enc BLOB NOT NULL,
  id_hash TEXT NOT NULL,
  id_masked TEXT NOT NULL,
  birth_on INTEGER NOT NULL,       -- day; agrees with the ID number
  sex TEXT NOT NULL,               -- female | male
  class_id INTEGER REFERENCES classes(id),
  start_on INTEGER NOT NULL,
  end_on INTEGER,
  absent_since INTEGER,            -- day an absence began; a return after 90+ days needs a new check
  version INTEGER NOT NULL DEFAULT 1,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
) STRICT;
CREATE INDEX children_institution ON children (institution_id, id);
CREATE INDEX children_class ON children (class_id);
CREATE INDEX children_hash ON children (id_hash);

CREATE TABLE guardians (
  id INTEGER PRIMARY KEY,
  child_id INTEGER NOT NULL REFERENCES children(id),
  name TEXT NOT NULL,
  relation TEXT NOT NULL,
  phone_enc BLOB NOT NULL,
  phone_masked TEXT NOT NULL
) STRICT;
CREATE INDEX guardians_child ON guardians (child_id);

-- Health checks of children (admission, yearly, return after absence) and staff (pre_employment, yearly).
CREATE TABLE health_checks (
  id INTEGER PRIMARY KEY,
  subject TEXT NOT NULL,           -- child | staff
  subject_id INTEGER NOT NULL,
  institution_id INTEGER NOT NULL REFERENCES institutions(id),
  kind TEXT NOT NULL,              -- admission | yearly | return | pre_employment
  checked_on INTEGER NOT NULL,
  examiner TEXT NOT NULL,
  result TEXT NOT NULL,            -- pass | fail
  created_at INTEGER NOT NULL
) STRICT;
CREATE INDEX health_checks_subject ON health_checks (subject, subject_id, checked_on);

-- Live compliance: one open row per (institution, rule, subject) until the rule passes again.
CREATE TABLE compliance_findings (
  id INTEGER PRIMARY KEY,
  institution_id INTEGER NOT NULL REFERENCES institutions(id),
  rule TEXT NOT NULL,
  subject TEXT NOT NULL,           -- "institution", "class:12", "staff:7", "child:31"
  severity TEXT NOT NULL,          -- violation | warning | reminder
  clause TEXT NOT NULL,
  message TEXT NOT NULL,           -- no personal names or numbers
  first_seen INTEGER NOT NULL,
  last_seen INTEGER NOT NULL,
  resolved_at INTEGER
) STRICT;
CREATE UNIQUE INDEX compliance_open ON compliance_findings (institution_id, rule, subject) WHERE resolved_at IS NULL;
CREATE INDEX compliance_institution ON compliance_findings (institution_id, resolved_at);
