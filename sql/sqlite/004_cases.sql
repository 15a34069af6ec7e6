-- tuoyu schema 004 (sqlite): placeholder, filled in by its module.
SELECT 1;
