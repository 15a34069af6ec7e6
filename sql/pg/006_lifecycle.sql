-- tuoyu schema 006 (pg): placeholder, filled in by its module.
SELECT 1;
