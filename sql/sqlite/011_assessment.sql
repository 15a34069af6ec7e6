-- tuoyu schema 011 (sqlite): placeholder, filled in by its module.
SELECT 1;
