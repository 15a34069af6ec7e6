-- tuoyu schema 22: the officials' lists on national data (issue 9). Owner: lists.

-- The inspections list filtered by kind, department or status, newest first: each filter's rows in the order
-- shown, so that a page is read from the front of its range even when the filter matches few or none of the
-- 480,000 inspections (inspections_shown alone would be scanned to its end for a rare value).
CREATE INDEX inspections_kind_shown ON inspections (kind, (COALESCE(inspected_on, planned_on, 0)), id);
CREATE INDEX inspections_department_shown ON inspections
  (department_code, (COALESCE(inspected_on, planned_on, 0)), id);
CREATE INDEX inspections_status_shown ON inspections (status, (COALESCE(inspected_on, planned_on, 0)), id);

-- Complaints past their deadline and not answered (the dashboard's count, the overdue queue): counted from the
-- index alone rather than reading each complaint's row for its status.
CREATE INDEX complaints_due_status ON complaints (due_on, status);
