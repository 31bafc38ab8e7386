-- W1 as the server runs it since issue 13: the key-teacher spans holding D (one row per key
-- teacher on D, top level and school on the row, employment already applied), grouped by
-- township and level. Not timed: printed with --explain to show the plan.
SELECT schools.township, CAST(key_teacher_spans.level AS INTEGER) AS level, COUNT(*) AS count
FROM key_teacher_spans
JOIN schools ON schools.id = key_teacher_spans.school_id
WHERE key_teacher_spans.from_on <= '2026-11-30'
  AND (key_teacher_spans.until_on IS NULL OR key_teacher_spans.until_on > '2026-11-30')
  AND key_teacher_spans.level >= 2
GROUP BY schools.township, CAST(key_teacher_spans.level AS INTEGER)
ORDER BY schools.township, CAST(key_teacher_spans.level AS INTEGER);
