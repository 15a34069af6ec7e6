-- tuoyu schema 15: family guidance (experts, events, sign-ups, articles). Owner: module guidance.
SELECT 1;
