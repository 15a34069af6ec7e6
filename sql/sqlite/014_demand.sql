-- tuoyu schema 14: parents' measured demand (applications, unmet needs). Owner: module demand.
SELECT 1;
