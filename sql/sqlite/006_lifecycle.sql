-- tuoyu schema 006 (sqlite): placeholder, filled in by its module.
SELECT 1;
