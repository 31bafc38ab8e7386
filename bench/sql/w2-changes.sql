-- W2's key-teacher history as the server runs it since issue 13: the count on a day is the
-- sum of the spans' changes up to it at level >= COUNTY (the server joins the history's days
-- to this, one statement for every point). Not timed: printed with --explain.
SELECT CAST(COALESCE(SUM(delta), 0) AS BIGINT) AS value
FROM key_teacher_changes
WHERE day <= '2026-11-30' AND level >= 2;
