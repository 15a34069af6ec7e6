-- tuoyu schema 20: the public search on national data (issue 9). Owner: public search.

-- Filed institutions only (the literal condition the search states), keyed for the two orders it walks — by
-- district then id, and by id — and carrying every column its residual filters test, so that the exact count
-- and the keyset page can be index-only scans: no table row is touched but the 20 answered.
CREATE INDEX institutions_filed_district ON institutions (district_code, id)
  INCLUDE (service_types, inclusive, min_age_months, max_age_months, fee_min_fen) WHERE state = 'filed';
CREATE INDEX institutions_filed ON institutions (id)
  INCLUDE (service_types, inclusive, min_age_months, max_age_months, fee_min_fen) WHERE state = 'filed';

-- Children still enrolled, per class: the free places the search shows for each institution on a page (and its
-- vacancy filter) are counted from this index alone.
CREATE INDEX children_open_class ON children (class_id) WHERE end_on IS NULL;
