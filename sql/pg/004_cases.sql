-- tuoyu schema 004 (pg): placeholder, filled in by its module.
SELECT 1;
