//! `teacher-registry demo` gives leadership a county where every query shows something: the
//! plan's targets with a story, every unit in the indicators, studios with mentees.

use sea_orm::{ConnectionTrait, DbBackend, Statement};
use serde_json::json;
use teacher_registry::demo::fill;
use teacher_registry::service::auth::system_actor;

use crate::helpers::TestApp;

on_both_databases!(
    the_demo_county_answers_every_question,
    the_demo_leaves_a_registry_alone,
    a_bigger_demo_keeps_a_countys_shape_and_every_rule,
    statistics_are_collected_after_the_demo,
    statistics_are_collected_after_an_import,
);

async fn the_demo_county_answers_every_question(app: TestApp) {
    let started = std::time::Instant::now();
    let summary = fill(&app.db, &system_actor(), 3000)
        .await
        .unwrap()
        .expect("filled");
    // Printed, not asserted: timings belong in benchmarks (README, "Demo at scale").
    eprintln!("demo of 3,000 teachers took {:?}", started.elapsed());
    assert_eq!(summary.schools, 25);
    assert!((2900..=3100).contains(&summary.teachers), "{summary:?}");
    let p = app
        .ok(
            "{ progress(asOf: \"2026-11-29\") { target { code } current goal status history { value } } }",
            json!({}),
        )
        .await;
    let rows = p["progress"].as_array().unwrap();
    let status: Vec<(&str, &str)> = rows
        .iter()
        .map(|r| {
            (
                r["target"]["code"].as_str().unwrap(),
                r["status"].as_str().unwrap(),
            )
        })
        .collect();
    // The story: ten studios by the deadline; the key teachers peaked above 450 in autumn 2025
    // but retirements left 448 on the deadline; mentoring fell short; the 2028 plan lags.
    assert_eq!(
        status,
        [
            ("KEY_TEACHERS_2025", "MISSED"),
            ("MENTORING_2025", "MISSED"),
            ("STUDIOS_2025", "ACHIEVED"),
            ("KEY_TEACHERS_2028", "AT_RISK"),
            ("MENTORING_2028", "AT_RISK"),
            ("STUDIOS_2028", "AT_RISK"),
        ]
    );
    let on_deadline = app
        .ok("{ k: targetProgress(code: \"KEY_TEACHERS_2025\", asOf: \"2025-12-31\") { current } s: targetProgress(code: \"STUDIOS_2025\", asOf: \"2025-12-31\") { current } }", json!({}))
        .await;
    assert_eq!(
        on_deadline,
        json!({ "k": { "current": 448 }, "s": { "current": 10 } })
    );
    // Histories run from the baseline's month (2023-04) to the day asked (2026-11): 44 points.
    for r in rows.iter().take(3) {
        assert_eq!(
            r["history"].as_array().unwrap().len(),
            44,
            "{}",
            r["target"]["code"]
        );
    }
    // Every (school, stage) with students is a unit; every indicator has a county value.
    let b = app
        .ok("{ balancedDevelopment(schoolYear: 2025) { stages { stage units { students } indicators { countyValue } } } }", json!({}))
        .await;
    let stages = b["balancedDevelopment"]["stages"].as_array().unwrap();
    assert_eq!(stages[0]["units"].as_array().unwrap().len(), 18);
    assert_eq!(stages[1]["units"].as_array().unwrap().len(), 11);
    for s in stages {
        for i in s["indicators"].as_array().unwrap() {
            assert!(i["countyValue"].as_f64().unwrap() > 0.0, "{s}");
        }
    }
    // Counts, studios and the registry are populated.
    let c = app
        .ok("{ keyTeacherCounts(groupBy: [LEVEL]) { level count } studios { totalCount nodes { status members { id } pairs { id } } } teachers(filter: { reservePool: KEY_TEACHER }) { totalCount } }", json!({}))
        .await;
    assert_eq!(
        c["keyTeacherCounts"].as_array().unwrap().len(),
        4,
        "county to national"
    );
    assert_eq!(c["studios"]["totalCount"], 11);
    let statuses: Vec<&str> = c["studios"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["status"].as_str().unwrap())
        .collect();
    assert!(
        statuses.contains(&"PLANNED")
            && statuses.contains(&"CLOSED")
            && statuses.contains(&"ACTIVE")
    );
    assert!(c["teachers"]["totalCount"].as_i64().unwrap() > 50);
}

async fn the_demo_leaves_a_registry_alone(app: TestApp) {
    app.create_school("已有学校", "琴江镇", "URBAN").await;
    let before = app.row_counts().await;
    assert!(
        fill(&app.db, &system_actor(), 3000)
            .await
            .unwrap()
            .is_none()
    );
    assert_eq!(app.row_counts().await, before);
}

/// One number from SQL on the test's database (`n`, as a 64-bit integer).
async fn number(app: &TestApp, sql: &str) -> i64 {
    let stmt = Statement::from_string(app.db.backend(), sql);
    let row = app
        .db
        .read
        .query_one_raw(stmt)
        .await
        .expect(sql)
        .expect("a row");
    row.try_get::<i64>("", "n").expect(sql)
}

/// Rows that break the rule `what`: there must be none.
async fn none_break(app: &TestApp, what: &str, sql: &str) {
    assert_eq!(number(app, sql).await, 0, "{what}");
}

/// Employed on the day `d` (rule 1), for teacher `t`.
fn employed(t: &str, d: &str) -> String {
    format!(
        "({t}.hired_on IS NULL OR {t}.hired_on <= {d}) AND ({t}.left_on IS NULL OR {d} < {t}.left_on)"
    )
}

async fn a_bigger_demo_keeps_a_countys_shape_and_every_rule(app: TestApp) {
    // Twice what the plan's 25 schools take: they keep 10,000, and a generated district of
    // 25 schools around them takes the rest.
    let summary = fill(&app.db, &system_actor(), 20_000)
        .await
        .unwrap()
        .expect("filled");
    assert_eq!(summary.schools, 50);
    assert!((19_900..=20_000).contains(&summary.teachers), "{summary:?}");
    assert_eq!(summary.studios, 12, "the plan's eleven and the district's");
    let n = |sql: &'static str| number(&app, sql);
    assert_eq!(n("SELECT COUNT(*) AS n FROM schools").await, 50);
    // The plan's schools and townships are all there, each school's teachers a real size.
    assert_eq!(
        n("SELECT COUNT(*) AS n FROM schools WHERE name = '琴江中心小学'").await,
        1
    );
    none_break(
        &app,
        "every school has between 150 and 800 teachers",
        "SELECT COUNT(*) AS n FROM schools s WHERE (SELECT COUNT(*) FROM teachers t \
         WHERE t.school_id = s.id) NOT BETWEEN 150 AND 800",
    )
    .await;
    none_break(
        &app,
        "every stage a school teaches has enrollments for 2022-2025",
        "SELECT COUNT(*) AS n FROM schools s WHERE \
         (s.has_primary AND (SELECT COUNT(*) FROM enrollments e WHERE e.school_id = s.id \
           AND e.stage = 'PRIMARY' AND e.students > 0) <> 4) OR \
         (s.has_junior AND (SELECT COUNT(*) FROM enrollments e WHERE e.school_id = s.id \
           AND e.stage = 'JUNIOR' AND e.students > 0) <> 4)",
    )
    .await;
    none_break(
        &app,
        "every teacher teaches a stage of their school",
        "SELECT COUNT(*) AS n FROM teachers t JOIN schools s ON s.id = t.school_id \
         WHERE (t.stage = 'PRIMARY' AND NOT s.has_primary) OR (t.stage = 'JUNIOR' AND NOT s.has_junior)",
    )
    .await;
    // Students in proportion: about 12 a teacher, as in the plan's county.
    let students = n("SELECT SUM(students) AS n FROM enrollments WHERE school_year = 2025").await;
    let per_teacher = students as f64 / summary.teachers as f64;
    assert!((11.0..=14.0).contains(&per_teacher), "{per_teacher}");
    none_break(
        &app,
        "titles go to teachers employed on the award day",
        &format!(
            "SELECT COUNT(*) AS n FROM designations d JOIN teachers t ON t.id = d.teacher_id \
             WHERE NOT ({})",
            employed("t", "d.awarded_on")
        ),
    )
    .await;
    none_break(
        &app,
        "every studio in force has its host as a member in force",
        &format!(
            "SELECT COUNT(*) AS n FROM studios st WHERE st.established_on IS NOT NULL \
             AND st.closed_on IS NULL AND NOT EXISTS (SELECT 1 FROM studio_members m \
             JOIN teachers t ON t.id = m.teacher_id WHERE m.studio_id = st.id \
             AND m.teacher_id = st.host_teacher_id AND m.role = 'HOST' \
             AND m.joined_on <= '2026-11-30' AND m.left_on IS NULL AND {})",
            employed("t", "'2026-11-30'")
        ),
    )
    .await;
    none_break(
        &app,
        "every pair's mentor is a member in force of a studio in force on its start",
        &format!(
            "SELECT COUNT(*) AS n FROM mentoring_pairs p JOIN studios st ON st.id = p.studio_id \
             WHERE p.mentor_teacher_id = p.mentee_teacher_id OR st.established_on IS NULL \
             OR st.established_on > p.started_on \
             OR (st.closed_on IS NOT NULL AND p.started_on >= st.closed_on) \
             OR NOT EXISTS (SELECT 1 FROM studio_members m JOIN teachers t ON t.id = m.teacher_id \
               WHERE m.studio_id = p.studio_id AND m.teacher_id = p.mentor_teacher_id \
               AND m.joined_on <= p.started_on \
               AND (m.left_on IS NULL OR p.started_on < m.left_on) AND {})",
            employed("t", "p.started_on")
        ),
    )
    .await;
    none_break(
        &app,
        "no mentor has more active pairs than the studio allows",
        "SELECT COUNT(*) AS n FROM (SELECT studio_id, mentor_teacher_id, COUNT(*) AS c \
         FROM mentoring_pairs WHERE status = 'ACTIVE' GROUP BY studio_id, mentor_teacher_id) x \
         JOIN studios st ON st.id = x.studio_id \
         WHERE st.mentee_capacity IS NOT NULL AND x.c > st.mentee_capacity",
    )
    .await;
    none_break(
        &app,
        "activities fall within their pair's course",
        "SELECT COUNT(*) AS n FROM mentoring_activities a JOIN mentoring_pairs p ON p.id = a.pair_id \
         WHERE a.date < p.started_on OR a.date > COALESCE(p.ended_on, '2026-11-30')",
    )
    .await;
    // The district's studio has a team and pairs of its own.
    assert!(
        n("SELECT COUNT(*) AS n FROM mentoring_pairs p JOIN studios st ON st.id = p.studio_id \
           WHERE st.name LIKE '%中%学%名师工作室' AND st.name NOT LIKE '初中%' AND st.name NOT LIKE '小学%'")
        .await
            > 0
    );
    // Key teachers in proportion to students: about 1.2 per 100, as in the plan's county.
    let key = app
        .ok(
            "{ keyTeacherCounts(asOf: \"2025-12-31\") { count } }",
            json!({}),
        )
        .await;
    let key = key["keyTeacherCounts"][0]["count"].as_f64().unwrap();
    let per_100 = 100.0 * key / students as f64;
    assert!((0.9..=1.6).contains(&per_100), "{per_100}");
}

/// How many statistics the planner has on `table`: rows of SQLite's `sqlite_stat1` (none
/// until the first `ANALYZE` makes it), or PostgreSQL's `pg_stats` in the test's schema.
async fn statistics(app: &TestApp, table: &str) -> i64 {
    let sql = match app.db.backend() {
        DbBackend::Sqlite => {
            let made = "SELECT COUNT(*) AS n FROM sqlite_master WHERE name = 'sqlite_stat1'";
            if number(app, made).await == 0 {
                return 0;
            }
            format!("SELECT COUNT(*) AS n FROM sqlite_stat1 WHERE tbl = '{table}'")
        }
        _ => format!(
            "SELECT COUNT(*) AS n FROM pg_stats \
             WHERE schemaname = current_schema() AND tablename = '{table}'"
        ),
    };
    number(app, &sql).await
}

async fn statistics_are_collected_after_the_demo(app: TestApp) {
    assert_eq!(statistics(&app, "teachers").await, 0);
    fill(&app.db, &system_actor(), 100)
        .await
        .unwrap()
        .expect("filled");
    for table in ["schools", "teachers", "designations", "mentoring_pairs"] {
        assert!(statistics(&app, table).await > 0, "{table}");
    }
}

async fn statistics_are_collected_after_an_import(app: TestApp) {
    assert_eq!(statistics(&app, "schools").await, 0);
    let sheet =
        "学校,乡镇,城区/农村,学段\n琴江小学,琴江镇,城区,小学\n高田学校,高田镇,农村,小学;初中\n";
    let token = app.admin.clone();
    let imported = app
        .upload(
            Some(&token),
            "mutation($file: Upload!) { importSchools(file: $file) { created } }",
            &json!({}),
            ("学校.csv", sheet.as_bytes().to_vec()),
        )
        .await;
    assert_eq!(
        imported["data"]["importSchools"]["created"], 2,
        "{imported}"
    );
    assert!(statistics(&app, "schools").await > 0);
}
