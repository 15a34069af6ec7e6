-- tuoyu schema 009 (sqlite): placeholder, filled in by its module.
SELECT 1;
