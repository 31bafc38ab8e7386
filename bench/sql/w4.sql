-- W4 as plain SQL: per (school, stage) unit with students in school year 2025, the teachers
-- employed on D counted for the three national indicators: key teachers (COUNTY or above, in
-- force on D), higher-than-required education (primary: ASSOCIATE = 2 or above; junior:
-- BACHELOR = 3 or above), and PE and arts teachers. The county values and gap coefficients
-- are arithmetic over these few hundred rows.
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
LEFT JOIN (
    SELECT DISTINCT teacher_id
    FROM designations
    WHERE awarded_on <= '2026-11-30'
      AND (expires_on IS NULL OR expires_on >= '2026-11-30')
      AND (revoked_on IS NULL OR revoked_on > '2026-11-30')
      AND level >= 2
) k ON k.teacher_id = t.id
WHERE e.school_year = 2025 AND e.students > 0
GROUP BY e.school_id, e.stage, e.students;
