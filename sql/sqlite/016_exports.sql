-- tuoyu schema 16: background exports (jobs, progress, the finished file). Owner: src/export.
SELECT 1;
