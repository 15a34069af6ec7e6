-- tuoyu schema 010 (sqlite): placeholder, filled in by its module.
SELECT 1;
