//! Leadership checks the national balanced-development teacher indicators: per (school, stage)
//! unit and per stage, against values computed by hand.

use serde_json::{Value, json};

use crate::helpers::TestApp;

on_both_databases!(
    the_report_matches_hand_computed_values,
    only_units_with_students_count_and_hosts_may_not_read_it,
);

async fn enroll(app: &TestApp, school: &str, year: i32, stage: &str, students: i32) {
    app.ok(
        "mutation($i: SetEnrollmentInput!) { setEnrollment(input: $i) { students } }",
        json!({ "i": { "schoolId": school, "schoolYear": year, "stage": stage, "students": students } }),
    )
    .await;
}

struct County {
    a: String,
}

/// Primary: A 200 students (key 2, higher 9, PE/arts 2), B 100 (0, 3, 1), C 100 (2, 6, 0).
/// Junior: A 150 students (key 1, higher 2, PE/arts 0). See the test for the arithmetic.
async fn county(app: &TestApp) -> County {
    let a = app.create_school("城关小学", "琴江镇", "URBAN").await;
    let b = app.create_school("屏山小学", "屏山镇", "RURAL").await;
    let c = app.create_school("横江小学", "横江镇", "RURAL").await;
    enroll(app, &a, 2025, "PRIMARY", 200).await;
    enroll(app, &b, 2025, "PRIMARY", 100).await;
    enroll(app, &c, 2025, "PRIMARY", 100).await;
    enroll(app, &a, 2025, "JUNIOR", 150).await;
    enroll(app, &c, 2025, "JUNIOR", 0).await;
    enroll(app, &b, 2024, "JUNIOR", 90).await;
    let mut n = 0;
    let mut teacher = |school: &str, extra: Value| {
        n += 1;
        let staff = format!("BD-{n:03}");
        let school = school.to_owned();
        async move { app.create_teacher(&school, &staff, extra).await }
    };
    // A, primary: nine with associate or more, one with secondary only.
    for i in 0..9 {
        let subject = match i {
            2 => "音乐",
            3 => "体育与健康",
            _ => "语文",
        };
        let edu = if i % 2 == 0 { "ASSOCIATE" } else { "BACHELOR" };
        let t = teacher(&a, json!({ "subject": subject, "education": edu })).await;
        if i < 2 {
            app.award(&t, "KEY_TEACHER", "COUNTY", "2024-09-10", json!({}))
                .await;
        }
    }
    let sec = teacher(&a, json!({ "education": "SECONDARY" })).await;
    // A school-level title is not a county key teacher.
    app.award(&sec, "KEY_TEACHER", "SCHOOL", "2024-09-10", json!({}))
        .await;
    // A key teacher who left before the day counts nowhere.
    let gone = teacher(&a, json!({ "subject": "美术" })).await;
    app.award(&gone, "KEY_TEACHER", "COUNTY", "2024-09-10", json!({}))
        .await;
    app.depart(&gone, "2025-09-01").await;
    // B, primary: three associates, one of them teaching art; one hired after the day.
    for i in 0..3 {
        let subject = if i == 0 { "美术" } else { "数学" };
        teacher(&b, json!({ "subject": subject, "education": "ASSOCIATE" })).await;
    }
    teacher(&b, json!({ "hiredOn": "2026-09-01", "subject": "音乐" })).await;
    // C, primary: six bachelors, two key teachers (one municipal).
    for i in 0..6 {
        let t = teacher(&c, json!({ "education": "BACHELOR" })).await;
        match i {
            0 => {
                app.award(&t, "KEY_TEACHER", "COUNTY", "2024-09-10", json!({}))
                    .await;
            }
            1 => {
                app.award(&t, "SUBJECT_LEADER", "MUNICIPAL", "2024-09-10", json!({}))
                    .await;
            }
            _ => {}
        }
    }
    // A, junior: two bachelors (one a key teacher) and two associates (not enough for junior).
    for i in 0..4 {
        let edu = if i < 2 { "BACHELOR" } else { "ASSOCIATE" };
        let t = teacher(
            &a,
            json!({ "stage": "JUNIOR", "education": edu, "subject": "物理" }),
        )
        .await;
        if i == 0 {
            app.award(&t, "MASTER_TEACHER", "COUNTY", "2024-09-10", json!({}))
                .await;
        }
    }
    County { a }
}

const REPORT: &str = "query($y: Int!, $d: Date) { balancedDevelopment(schoolYear: $y, asOf: $d) {
    schoolYear asOf stages { stage
      indicators { indicator countyValue threshold gapCoefficient gapLimit passes unitsBelowThreshold }
      units { school { name } students keyTeachers higherEducation peArts keyTeachersPer100 higherEducationPer100 peArtsPer100 } } } }";

fn close(v: &Value, want: f64) -> bool {
    v.as_f64().is_some_and(|x| (x - want).abs() < 1e-9)
}

async fn the_report_matches_hand_computed_values(app: TestApp) {
    county(&app).await;
    let r = app
        .ok(REPORT, json!({ "y": 2025, "d": "2025-12-31" }))
        .await["balancedDevelopment"]
        .clone();
    assert_eq!(
        (r["schoolYear"].as_i64(), r["asOf"].as_str()),
        (Some(2025), Some("2025-12-31"))
    );
    let stages = r["stages"].as_array().unwrap();
    assert_eq!(stages.len(), 2);
    let primary = &stages[0];
    assert_eq!(primary["stage"], "PRIMARY");
    let units: Vec<(String, i64, i64, i64, i64)> = primary["units"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| {
            (
                u["school"]["name"].as_str().unwrap().to_owned(),
                u["students"].as_i64().unwrap(),
                u["keyTeachers"].as_i64().unwrap(),
                u["higherEducation"].as_i64().unwrap(),
                u["peArts"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        units,
        [
            ("城关小学".into(), 200, 2, 9, 2),
            ("屏山小学".into(), 100, 0, 3, 1),
            ("横江小学".into(), 100, 2, 6, 0),
        ]
    );
    let a = &primary["units"][0];
    assert!(
        close(&a["keyTeachersPer100"], 1.0)
            && close(&a["higherEducationPer100"], 4.5)
            && close(&a["peArtsPer100"], 1.0)
    );
    let ind = |name: &str| -> Value {
        primary["indicators"]
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["indicator"] == name)
            .cloned()
            .unwrap()
    };
    // Key teachers: X = 100 × 4 / 400 = 1.0; x = 1.0, 0, 2.0 on weights ½, ¼, ¼:
    // CV = sqrt(¼ × 1 + ¼ × 1) / 1.0 = sqrt(0.5) ≈ 0.707 > 0.50.
    let k = ind("KEY_TEACHERS");
    assert!(close(&k["countyValue"], 1.0));
    assert!(close(&k["gapCoefficient"], 0.5f64.sqrt()));
    assert_eq!(
        (k["threshold"].as_f64(), k["gapLimit"].as_f64()),
        (Some(1.0), Some(0.5))
    );
    assert_eq!(
        (k["passes"].as_bool(), k["unitsBelowThreshold"].as_i64()),
        (Some(false), Some(1))
    );
    // Higher education: X = 100 × 18 / 400 = 4.5; x = 4.5, 3.0, 6.0:
    // CV = sqrt(¼ × 2.25 + ¼ × 2.25) / 4.5 = sqrt(1.125) / 4.5 ≈ 0.2357.
    let h = ind("HIGHER_EDUCATION");
    assert!(close(&h["countyValue"], 4.5));
    assert!(close(&h["gapCoefficient"], 1.125f64.sqrt() / 4.5));
    assert_eq!(
        (
            h["threshold"].as_f64(),
            h["passes"].as_bool(),
            h["unitsBelowThreshold"].as_i64()
        ),
        (Some(4.2), Some(true), Some(1))
    );
    // PE and arts: X = 100 × 3 / 400 = 0.75; x = 1.0, 1.0, 0:
    // CV = sqrt(½ × 0.0625 + ¼ × 0.0625 + ¼ × 0.5625) / 0.75 = sqrt(0.1875) / 0.75 ≈ 0.577.
    let p = ind("PE_ARTS");
    assert!(close(&p["countyValue"], 0.75));
    assert!(close(&p["gapCoefficient"], 0.1875f64.sqrt() / 0.75));
    assert_eq!(
        (
            p["threshold"].as_f64(),
            p["passes"].as_bool(),
            p["unitsBelowThreshold"].as_i64()
        ),
        (Some(0.9), Some(false), Some(1))
    );
    // Junior: one unit (C's has no students): values of that unit, no gap.
    let junior = &stages[1];
    assert_eq!(junior["stage"], "JUNIOR");
    assert_eq!(junior["units"].as_array().unwrap().len(), 1);
    let u = &junior["units"][0];
    assert_eq!(
        (
            u["students"].as_i64(),
            u["keyTeachers"].as_i64(),
            u["higherEducation"].as_i64(),
            u["peArts"].as_i64()
        ),
        (Some(150), Some(1), Some(2), Some(0))
    );
    for i in junior["indicators"].as_array().unwrap() {
        assert!(close(&i["gapCoefficient"], 0.0), "{i}");
        assert_eq!(i["gapLimit"], 0.45);
        assert_eq!(i["unitsBelowThreshold"], 1);
    }
    assert!(close(
        &junior["indicators"][0]["countyValue"],
        100.0 / 150.0
    ));
    assert!(close(
        &junior["indicators"][1]["countyValue"],
        200.0 / 150.0
    ));
    assert_eq!(junior["indicators"][1]["threshold"], 5.3);
    assert!(close(&junior["indicators"][2]["countyValue"], 0.0));
}

async fn only_units_with_students_count_and_hosts_may_not_read_it(app: TestApp) {
    let c = county(&app).await;
    // The day matters: before the key-teacher titles, no key teachers; the departed teacher
    // still counts before leaving.
    let r = app
        .ok(REPORT, json!({ "y": 2025, "d": "2024-09-09" }))
        .await["balancedDevelopment"]
        .clone();
    let a = &r["stages"][0]["units"][0];
    assert_eq!(
        (
            a["keyTeachers"].as_i64(),
            a["peArts"].as_i64(),
            a["higherEducation"].as_i64()
        ),
        (Some(0), Some(3), Some(10))
    );
    // 2024 has only B's junior enrollment.
    let r = app.ok(REPORT, json!({ "y": 2024 })).await["balancedDevelopment"].clone();
    assert_eq!(r["stages"].as_array().unwrap().len(), 1);
    assert_eq!(r["stages"][0]["stage"], "JUNIOR");
    assert_eq!(r["stages"][0]["units"][0]["school"]["name"], "屏山小学");
    // A year with no enrollment has no stages.
    let r = app.ok(REPORT, json!({ "y": 2030 })).await;
    assert_eq!(r["balancedDevelopment"]["stages"], json!([]));
    let host_teacher = app.create_teacher(&c.a, "BD-HOST", json!({})).await;
    let host = app
        .create_user("host.bd", "STUDIO_HOST", Some(&host_teacher))
        .await;
    let e = app.err_as(Some(&host), REPORT, json!({ "y": 2025 })).await;
    assert_eq!(e["code"], "FORBIDDEN");
    let leader = app.create_user("leader.bd", "LEADER", None).await;
    app.ok_as(&leader, REPORT, json!({ "y": 2025 })).await;
    let e = app.err(REPORT, json!({ "y": 1900 })).await;
    assert_eq!(
        (e["code"].as_str(), e["field"].as_str()),
        (Some("BAD_USER_INPUT"), Some("schoolYear"))
    );
}
