-- tuoyu schema 9 (SQLite): the joint meeting's meetings (全体会议, 专题会议, 联络员会议), their resolutions
-- (议定事项) with the owner units' follow-up, and notices (信息通报) with read receipts per unit.
-- Twin: sql/pg/009_meetings.sql.

CREATE TABLE meetings (
  id INTEGER PRIMARY KEY,
  kind TEXT NOT NULL,              -- plenary | topic | liaison
  title TEXT NOT NULL,
  held_on INTEGER NOT NULL,        -- day: planned, then the day it was held
  location TEXT NOT NULL,
  agenda TEXT NOT NULL,
  status TEXT NOT NULL,            -- planned | held
  year_seq INTEGER,                -- held: its number among the meetings held that year (resolution numbers)
  minutes TEXT,                    -- 会议纪要, once held
  created_at INTEGER NOT NULL,
  created_by INTEGER REFERENCES users(id),
  recorded_at INTEGER,
  recorded_by INTEGER REFERENCES users(id),
  version INTEGER NOT NULL DEFAULT 1,
  updated_at INTEGER NOT NULL
) STRICT;
CREATE INDEX meetings_held_on ON meetings (held_on, id);

-- The units invited; attended is NULL until the meeting is recorded, then 0/1.
CREATE TABLE meeting_attendees (
  meeting_id INTEGER NOT NULL REFERENCES meetings(id),
  unit_code TEXT NOT NULL REFERENCES units(code),
  attended INTEGER,
  PRIMARY KEY (meeting_id, unit_code)
) STRICT;
CREATE INDEX meeting_attendees_unit ON meeting_attendees (unit_code, meeting_id);

CREATE TABLE resolutions (
  id INTEGER PRIMARY KEY,
  meeting_id INTEGER NOT NULL REFERENCES meetings(id),
  number TEXT NOT NULL UNIQUE,     -- year-meeting-item: 2026-1-3
  seq INTEGER NOT NULL,
  text TEXT NOT NULL,
  owner_unit TEXT NOT NULL REFERENCES units(code),
  deadline_on INTEGER NOT NULL,    -- day
  status TEXT NOT NULL,            -- open | done
  done_on INTEGER,                 -- day marked done
  created_at INTEGER NOT NULL,
  created_by INTEGER REFERENCES users(id),
  version INTEGER NOT NULL DEFAULT 1,
  updated_at INTEGER NOT NULL,
  UNIQUE (meeting_id, seq)
) STRICT;
CREATE INDEX resolutions_owner ON resolutions (owner_unit, status, deadline_on);
CREATE INDEX resolutions_status ON resolutions (status, deadline_on);

-- Follow-up of a resolution: update (text), done (text, marked done), reopen (the office).
CREATE TABLE resolution_updates (
  id INTEGER PRIMARY KEY,
  resolution_id INTEGER NOT NULL REFERENCES resolutions(id),
  event TEXT NOT NULL,             -- update | done | reopen
  text TEXT NOT NULL,
  unit_code TEXT REFERENCES units(code),
  at INTEGER NOT NULL,
  by_user INTEGER REFERENCES users(id)
) STRICT;
CREATE INDEX resolution_updates_resolution ON resolution_updates (resolution_id, id);

CREATE TABLE notices (
  id INTEGER PRIMARY KEY,
  title TEXT NOT NULL,
  body TEXT NOT NULL,
  to_all INTEGER NOT NULL,         -- 1: every member unit
  created_at INTEGER NOT NULL,
  created_by INTEGER REFERENCES users(id)
) STRICT;

-- One row per recipient unit; the first officer of the unit to open the notice marks it read.
CREATE TABLE notice_recipients (
  notice_id INTEGER NOT NULL REFERENCES notices(id),
  unit_code TEXT NOT NULL REFERENCES units(code),
  read_at INTEGER,
  read_by INTEGER REFERENCES users(id),
  PRIMARY KEY (notice_id, unit_code)
) STRICT;
CREATE INDEX notice_recipients_unit ON notice_recipients (unit_code, notice_id);
