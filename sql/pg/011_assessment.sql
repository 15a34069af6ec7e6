-- tuoyu schema 011 (pg): placeholder, filled in by its module.
SELECT 1;
