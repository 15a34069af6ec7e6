-- tuoyu schema 010 (pg): placeholder, filled in by its module.
SELECT 1;
