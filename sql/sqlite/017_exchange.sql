-- tuoyu schema 17 (SQLite): the change feed and the outbox (issue 8). Twin: sql/pg/017_exchange.sql.
-- Every entry of an institution's history is also a change event, written in the same transaction. The outbox
-- worker gives events their feed position (seq) in commit order, fans them out to the receivers that want
-- them, and delivers them over HTTP with retries; GET /api/v1/changes?since=SEQ reads the same events.

CREATE TABLE change_events (
  id INTEGER PRIMARY KEY,
  seq INTEGER UNIQUE,                      -- the feed position, assigned after commit in commit order; NULL until then
  at INTEGER NOT NULL,
  institution_id INTEGER NOT NULL REFERENCES institutions(id),
  district_code TEXT NOT NULL,
  authority TEXT,                          -- the registration authority of the institution at the time
  action TEXT NOT NULL,                    -- as in institution_history: registered, filing_approved, closed, ...
  institution TEXT NOT NULL,               -- JSON snapshot: id, uscc, name, district_code, state, filing_number
  changes TEXT                             -- JSON of the change, as in institution_history
) STRICT;
CREATE INDEX change_events_unsequenced ON change_events (id) WHERE seq IS NULL;

-- The sequencer's counter: one row, updated (and so locked) by whoever assigns positions.
CREATE TABLE change_sequence (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  last_seq INTEGER NOT NULL
) STRICT;
INSERT INTO change_sequence (id, last_seq) VALUES (1, 0);

CREATE TABLE outbox_receivers (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  url TEXT NOT NULL,
  actions TEXT NOT NULL,                   -- "*" or a comma list of actions
  authority TEXT,                          -- only institutions registered by this authority; NULL: all
  secret_enc BLOB NOT NULL,                -- the HMAC key of the X-Tuoyu-Signature header, sealed
  active INTEGER NOT NULL CHECK (active IN (0, 1)),
  from_seq INTEGER NOT NULL,               -- events after this position are delivered (the feed's end when created)
  version INTEGER NOT NULL DEFAULT 1,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
) STRICT;

CREATE TABLE outbox_deliveries (
  receiver_id INTEGER NOT NULL REFERENCES outbox_receivers(id),
  seq INTEGER NOT NULL,
  institution_id INTEGER NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('pending', 'delivered', 'dead')),
  attempts INTEGER NOT NULL,
  next_at_ms INTEGER NOT NULL,
  last_status INTEGER,                     -- the receiver's last HTTP status, NULL when it never answered
  last_error TEXT,
  delivered_at INTEGER,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (receiver_id, seq)
) STRICT;
CREATE INDEX outbox_deliveries_ready ON outbox_deliveries (status, next_at_ms);
CREATE INDEX outbox_deliveries_order ON outbox_deliveries (receiver_id, institution_id, seq);
