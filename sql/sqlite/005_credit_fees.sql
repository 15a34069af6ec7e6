-- tuoyu schema 005 (sqlite): placeholder, filled in by its module.
SELECT 1;
