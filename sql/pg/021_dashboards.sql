-- tuoyu schema 21: the officials' dashboards on national data (issue 9). Owner: dashboards.

-- The registry per district as the dashboards, the planning table, the county scoreboard and the open statistics
-- sum it: keyed by district and carrying every column those sums read, so that one GROUP BY over 126,000
-- institutions can be an index-only scan.
CREATE INDEX institutions_district_figures ON institutions (district_code, state)
  INCLUDE (places, inclusive, filed_on, closed_on);

-- Open violations per institution (the dashboard's column): a small partial index instead of every finding.
CREATE INDEX compliance_open_violations ON compliance_findings (institution_id)
  WHERE resolved_at IS NULL AND severity = 'violation';

-- Children enrolled on a day, per institution (planning's enrolment and vacancies, the demand page's
-- vacancies): counted from this index alone.
CREATE INDEX children_enrolment ON children (institution_id, start_on, end_on);

-- The year's completed inspections per institution and the rectification orders falling due in a year (the
-- scoreboard and the open statistics), each read from its index alone. The institution leads the inspections'
-- key: with status first the planner would scan a whole year's range for each institution it probes.
CREATE INDEX inspections_completed_day ON inspections (institution_id, status, inspected_on);
CREATE INDEX rectification_orders_deadline ON rectification_orders (deadline_on)
  INCLUDE (institution_id, status, closed_on);

-- The officials' lists in the order they are shown, so that a page is read from the front of an index rather
-- than by sorting every row: inspections newest first, complaints by deadline.
CREATE INDEX inspections_shown ON inspections ((COALESCE(inspected_on, planned_on, 0)), id);
CREATE INDEX complaints_due ON complaints (due_on, id);
