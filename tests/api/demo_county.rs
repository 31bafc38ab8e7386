//! `teacher-registry demo` gives leadership a county where every query shows something: the
//! plan's targets with a story, every unit in the indicators, studios with mentees.

use serde_json::json;
use teacher_registry::demo::fill;
use teacher_registry::service::auth::system_actor;

use crate::helpers::TestApp;

on_both_databases!(
    the_demo_county_answers_every_question,
    the_demo_leaves_a_registry_alone,
);

async fn the_demo_county_answers_every_question(app: TestApp) {
    let started = std::time::Instant::now();
    let summary = fill(&app.db, &system_actor(), 3000)
        .await
        .unwrap()
        .expect("filled");
    assert!(
        started.elapsed().as_secs() < 30,
        "demo took {:?}",
        started.elapsed()
    );
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
