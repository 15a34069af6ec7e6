-- tuoyu schema 12: planning (residents and births per district and year, monthly trend snapshots).
-- Owner: module planning. Placeholder until the module lands.
SELECT 1;
