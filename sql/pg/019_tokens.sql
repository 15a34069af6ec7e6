-- tuoyu schema 19: registration authorities' API tokens (authority, rotation, request log). Owner: auth tokens (issue 8).
SELECT 1;
