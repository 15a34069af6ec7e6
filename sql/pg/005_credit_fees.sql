-- tuoyu schema 005 (pg): placeholder, filled in by its module.
SELECT 1;
