-- W4 as the server runs it since issue 13: each employed teacher of a unit joined to the
-- key-teacher span holding D, if any, through the spans' key (teacher, first day). Not timed:
-- printed with --explain.
SELECT e.school_id, e.stage, e.students,
       SUM(CASE WHEN k.teacher_id IS NOT NULL THEN 1 ELSE 0 END) AS key_teachers,
       SUM(CASE WHEN (e.stage = 'PRIMARY' AND t.education >= 2)
                  OR (e.stage = 'JUNIOR' AND t.education >= 3) THEN 1 ELSE 0 END) AS higher_education,
       SUM(CASE WHEN t.subject IN ('体育与健康', '音乐', '美术') THEN 1 ELSE 0 END) AS pe_arts
FROM enrollments e
LEFT JOIN teachers t
       ON t.school_id = e.school_id AND t.stage = e.stage
      AND (t.hired_on IS NULL OR t.hired_on <= '2026-11-30')
      AND (t.left_on IS NULL OR t.left_on > '2026-11-30')
LEFT JOIN key_teacher_spans k
       ON k.teacher_id = t.id AND k.from_on <= '2026-11-30'
      AND (k.until_on IS NULL OR k.until_on > '2026-11-30') AND k.level >= 2
WHERE e.school_year = 2025 AND e.students > 0
GROUP BY e.school_id, e.stage, e.students;
