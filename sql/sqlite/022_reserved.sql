-- tuoyu schema 22: PLACEHOLDER in the lists worktree only, so that 023 applies here; at merge drop this file and
-- take the other helper's 022.
SELECT 1;
