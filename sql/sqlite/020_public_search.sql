-- tuoyu schema 20: the public search on national data (issue 9). Owner: public search.

-- Filed institutions only (the literal condition the search states), keyed for the two orders it walks — by
-- district then id, and by id — and carrying every column its residual filters test, so that the exact count
-- and the keyset page are read from the index alone: no table row is touched but the 20 answered. state leads
-- although it is constant: SQLite's planner (without ANALYZE statistics) then sees an equality on the index's
-- first column and a covering index, and prefers these to institutions_district_state.
CREATE INDEX institutions_filed_district ON institutions
  (state, district_code, id, service_types, inclusive, min_age_months, max_age_months, fee_min_fen)
  WHERE state = 'filed';
CREATE INDEX institutions_filed ON institutions
  (state, id, service_types, inclusive, min_age_months, max_age_months, fee_min_fen) WHERE state = 'filed';

-- Children still enrolled, per class: the free places the search shows for each institution on a page (and its
-- vacancy filter) are counted from this index alone.
CREATE INDEX children_open_class ON children (class_id) WHERE end_on IS NULL;
