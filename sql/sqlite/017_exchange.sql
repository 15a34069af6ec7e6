-- tuoyu schema 17: the change feed, the outbox and its receivers. Owner: module exchange.
SELECT 1;
