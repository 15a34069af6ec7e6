-- tuoyu schema 18: onboarding of existing institutions (import batches). Owner: module imports (onboarding).
SELECT 1;
