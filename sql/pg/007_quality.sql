-- tuoyu schema 007 (pg): placeholder, filled in by its module.
SELECT 1;
