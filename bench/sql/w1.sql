-- W1 as plain SQL: key teachers on D (rule 3: employed on D, a designation in force on D at
-- COUNTY or above), each counted once in the group of their top level (rule 4), by township.
-- The same text on SQLite (dates are ISO text) and PostgreSQL (dates are dates). Level ranks:
-- SCHOOL 1, COUNTY 2, MUNICIPAL 3, PROVINCIAL 4, NATIONAL 5.
SELECT s.township, q.top_level AS level, COUNT(*) AS count
FROM (
    SELECT d.teacher_id, MAX(d.level) AS top_level
    FROM designations d
    WHERE d.awarded_on <= '2026-11-30'
      AND (d.expires_on IS NULL OR d.expires_on >= '2026-11-30')
      AND (d.revoked_on IS NULL OR d.revoked_on > '2026-11-30')
      AND d.level >= 2
    GROUP BY d.teacher_id
) q
JOIN teachers t ON t.id = q.teacher_id
JOIN schools s ON s.id = t.school_id
WHERE (t.hired_on IS NULL OR t.hired_on <= '2026-11-30')
  AND (t.left_on IS NULL OR t.left_on > '2026-11-30')
GROUP BY s.township, q.top_level
ORDER BY s.township, q.top_level;
