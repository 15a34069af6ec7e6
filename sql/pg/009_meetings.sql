-- tuoyu schema 009 (pg): placeholder, filled in by its module.
SELECT 1;
