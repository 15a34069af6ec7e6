-- tuoyu schema 007 (sqlite): placeholder, filled in by its module.
SELECT 1;
