-- tuoyu schema 22: enrolment kept as a count on write (issue 9). Owner: planning.

-- The children on an institution's roll (children.end_on IS NULL), kept exact by the triggers below on every
-- admission, discharge, move between institutions and deletion, so that the planning table, its trend and its
-- snapshots sum 126,000 institutions instead of counting 4 million children on each request. Rows copied or
-- generated in bulk fire the same triggers: nothing writes this column directly.
ALTER TABLE institutions ADD COLUMN enrolled INTEGER NOT NULL DEFAULT 0;
UPDATE institutions SET enrolled =
  (SELECT COUNT(*) FROM children ch WHERE ch.institution_id = institutions.id AND ch.end_on IS NULL);

CREATE TRIGGER children_enrolled_insert AFTER INSERT ON children WHEN NEW.end_on IS NULL
BEGIN
  UPDATE institutions SET enrolled = enrolled + 1 WHERE id = NEW.institution_id;
END;
CREATE TRIGGER children_enrolled_delete AFTER DELETE ON children WHEN OLD.end_on IS NULL
BEGIN
  UPDATE institutions SET enrolled = enrolled - 1 WHERE id = OLD.institution_id;
END;
CREATE TRIGGER children_enrolled_update AFTER UPDATE OF institution_id, end_on ON children
  WHEN (OLD.end_on IS NULL) <> (NEW.end_on IS NULL) OR OLD.institution_id <> NEW.institution_id
BEGIN
  UPDATE institutions SET enrolled = enrolled - 1 WHERE id = OLD.institution_id AND OLD.end_on IS NULL;
  UPDATE institutions SET enrolled = enrolled + 1 WHERE id = NEW.institution_id AND NEW.end_on IS NULL;
END;

-- The planning figures per district read from this index alone: filed institutions, their places, the
-- inclusive ones and the children on their roll. state leads (as in schema 20) so that SQLite's planner, which
-- has no statistics, sees an equality on the first column of a covering index and prefers it.
CREATE INDEX institutions_district_enrolled ON institutions (state, district_code, places, inclusive, enrolled);

-- Enrolment on a given day differs from the roll only by children admitted for a later day and children whose
-- discharge is dated after today: both small sets, each found by a range on its own partial index. A child can
-- only be admitted for a later day than the one its row was written on (start_on is never changed), which the
-- first index states on the row itself — start_on after the China-time day of created_at — so that it holds
-- those few rows only and costs the bulk writes of gen and copy nothing.
CREATE INDEX children_admitted_ahead ON children (start_on, institution_id)
  WHERE end_on IS NULL AND start_on * 86400 > created_at + 28800;
CREATE INDEX children_closed_end ON children (end_on, start_on, institution_id) WHERE end_on IS NOT NULL;
