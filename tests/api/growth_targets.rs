//! Leadership sets targets on the growth measures (issue 14, item 4): a share of teachers on
//! track with their training hours (`TRAINING_COMPLIANCE`, rule 10, the goal a ratio) and a
//! number of mentees grown into key teachers (`CONVERTED_MENTEES`, rule 12), with progress,
//! projection and history like the plan's own targets.

use serde_json::{Value, json};

use crate::helpers::TestApp;

on_both_databases!(
    a_compliance_target_asks_for_a_share_of_the_employed_on_track,
    a_conversion_target_counts_each_converted_mentee_once,
    growth_targets_refuse_goals_of_the_wrong_shape_and_write_nothing,
    a_compliance_goal_ratio_is_changed_with_an_audit_trail,
);

const CREATE: &str = "mutation($i: CreateTargetInput!) { createTarget(input: $i) { code metric goal goalRatio perMember minLevel } }";

const PROGRESS: &str = "query($code: String!, $d: Date) { targetProgress(code: $code, asOf: $d) {
    target { goalRatio } current goal ratio rate whole remaining daysLeft projectedAtDeadline status
    history(every: QUARTER) { date value rate } } }";

async fn progress(app: &TestApp, code: &str, d: &str) -> Value {
    app.ok(PROGRESS, json!({ "code": code, "d": d })).await["targetProgress"].clone()
}

fn compliance_target(ratio: f64) -> Value {
    json!({ "i": { "code": "TRAINING_2027", "title": "教师继续教育学时达标率95%",
                   "metric": "TRAINING_COMPLIANCE", "goalRatio": ratio,
                   "baselineOn": "2026-01-01", "deadline": "2027-12-31" } })
}

const RECORD: &str =
    "mutation($t: UUID!, $i: TrainingInput!) { recordTraining(teacherId: $t, input: $i) { id } }";

async fn trained(app: &TestApp, teacher: &str, started: &str, ended: &str, hours: f64) {
    app.ok(
        RECORD,
        json!({ "t": teacher, "i": { "title": "县级研修", "level": "COUNTY", "kind": "COURSE",
                "organiser": "县教师进修学校", "startedOn": started, "endedOn": ended,
                "hours": hours } }),
    )
    .await;
}

async fn a_compliance_target_asks_for_a_share_of_the_employed_on_track(app: TestApp) {
    let school = app.create_school("达标小学", "琴江镇", "URBAN").await;
    let hired = json!({ "hiredOn": "2020-09-01" });
    let mut t = Vec::new();
    for no in ["TC1", "TC2", "TC3", "TC4"] {
        t.push(app.create_teacher(&school, no, hired.clone()).await);
    }
    // Hired mid-2026: employed from then on, owing nothing for 2026 (rule 10).
    let late = app
        .create_teacher(&school, "TC5", json!({ "hiredOn": "2026-07-01" }))
        .await;
    // 2026 owes 72 hours: TC1 and TC2 have them, TC3 is a tenth short, TC4 has none.
    trained(&app, &t[0], "2026-03-02", "2026-03-09", 72.0).await;
    trained(&app, &t[1], "2026-10-12", "2026-10-19", 80.0).await;
    trained(&app, &t[2], "2026-03-02", "2026-03-09", 71.9).await;
    // A 2025 record belongs to the old cycle and does not help in the new one.
    trained(&app, &t[3], "2025-12-22", "2025-12-31", 90.0).await;
    let created = app.ok(CREATE, compliance_target(0.95)).await["createTarget"].clone();
    assert_eq!(
        created,
        json!({ "code": "TRAINING_2027", "metric": "TRAINING_COMPLIANCE", "goal": null,
                "goalRatio": 0.95, "perMember": null, "minLevel": "COUNTY" })
    );

    // Mid-2026 no cycle year is over: everyone employed is on track; 0.95 × 4 asks for 4.
    let mid = progress(&app, "TRAINING_2027", "2026-06-30").await;
    assert_eq!(
        (
            &mid["current"],
            &mid["goal"],
            &mid["whole"],
            &mid["rate"],
            &mid["status"]
        ),
        (
            &json!(4),
            &json!(4),
            &json!(4),
            &json!(1.0),
            &json!("ACHIEVED")
        )
    );
    // On 31 Dec 2026 the year is owed by TC1–TC4: three of five are on track (TC1, TC2 and
    // the newcomer TC5); 0.95 × 5 = 4.75 asks for 5.
    let end = progress(&app, "TRAINING_2027", "2026-12-31").await;
    assert_eq!(end["current"], 3);
    assert_eq!(end["goal"], 5);
    assert_eq!(end["whole"], 5);
    assert_eq!(end["remaining"], 2);
    assert_eq!(end["rate"], json!(0.6));
    assert_eq!(end["ratio"], json!(0.6));
    assert_eq!(end["daysLeft"], 365);
    // From 4 on the baseline to 3: the line falls, so the target is at risk.
    let line = 3.0 + (3.0 - 4.0) * 365.0 / 364.0;
    assert_eq!(end["projectedAtDeadline"], json!(line));
    assert_eq!(end["status"], "AT_RISK");
    assert_eq!(
        end["history"],
        json!([
            { "date": "2026-03-31", "value": 4, "rate": 1.0 },
            { "date": "2026-06-30", "value": 4, "rate": 1.0 },
            { "date": "2026-09-30", "value": 5, "rate": 1.0 },
            { "date": "2026-12-31", "value": 3, "rate": 0.6 },
        ])
    );
    // TC3 catches up on the last day of 2027's first course; TC4 too: five of five.
    trained(&app, &t[2], "2027-01-04", "2027-01-04", 0.1).await;
    trained(&app, &t[3], "2027-01-04", "2027-01-11", 72.0).await;
    let caught_up = progress(&app, "TRAINING_2027", "2027-01-11").await;
    assert_eq!(
        (
            &caught_up["current"],
            &caught_up["goal"],
            &caught_up["status"]
        ),
        (&json!(5), &json!(5), &json!("ACHIEVED"))
    );
    // TC2 leaves: four employed, all on track; the leaver counts for nothing any more.
    app.depart(&t[1], "2027-02-01").await;
    let after = progress(&app, "TRAINING_2027", "2027-02-01").await;
    assert_eq!(
        (&after["current"], &after["whole"], &after["goal"]),
        (&json!(4), &json!(4), &json!(4))
    );
    // Past the deadline the deadline's value decides: 2027 is owed too (144 hours), which
    // nobody has, so the target was missed.
    let late_look = progress(&app, "TRAINING_2027", "2028-01-05").await;
    assert_eq!(late_look["status"], "MISSED");
    assert_eq!(late_look["projectedAtDeadline"], Value::Null);
    let _ = late;
}

async fn a_conversion_target_counts_each_converted_mentee_once(app: TestApp) {
    let school = app.create_school("转化目标学校", "琴江镇", "URBAN").await;
    let ha = app.create_teacher(&school, "CT-HOST-A", json!({})).await;
    let hb = app.create_teacher(&school, "CT-HOST-B", json!({})).await;
    let a = app
        .create_studio("目标甲工作室", &school, &ha, Some("2024-03-01"), None)
        .await;
    let b = app
        .create_studio("目标乙工作室", &school, &hb, Some("2024-03-01"), None)
        .await;
    let mut m = Vec::new();
    for no in ["CT1", "CT2", "CT3"] {
        m.push(app.create_teacher(&school, no, json!({})).await);
    }
    let admin = app.admin.clone();
    // CT1: paired 2024-05-01, a county key teacher from 2024-06-01: converted.
    app.pair(&admin, &a, &ha, &m[0], "2024-05-01").await;
    app.award(&m[0], "KEY_TEACHER", "COUNTY", "2024-06-01", json!({}))
        .await;
    // CT2: awarded before the pair started: not converted.
    app.award(&m[1], "KEY_TEACHER", "COUNTY", "2024-04-01", json!({}))
        .await;
    app.pair(&admin, &a, &ha, &m[1], "2024-05-01").await;
    // CT3: mentored in both studios, awarded after both pairs: one converted person.
    app.pair(&admin, &a, &ha, &m[2], "2024-05-01").await;
    app.pair(&admin, &b, &hb, &m[2], "2024-07-01").await;
    app.award(
        &m[2],
        "SUBJECT_LEADER",
        "MUNICIPAL",
        "2024-08-01",
        json!({}),
    )
    .await;
    app.ok(
        CREATE,
        json!({ "i": { "code": "GROWN_2025", "title": "结对培养成长为骨干教师2名",
                       "metric": "CONVERTED_MENTEES", "goal": 2,
                       "baselineOn": "2024-01-01", "deadline": "2025-12-31" } }),
    )
    .await;
    let p = progress(&app, "GROWN_2025", "2024-12-31").await;
    assert_eq!(p["current"], 2);
    assert_eq!(p["goal"], 2);
    assert_eq!(p["whole"], 3);
    assert_eq!(p["rate"], json!(2.0 / 3.0));
    assert_eq!(p["status"], "ACHIEVED");
    assert_eq!(p["target"]["goalRatio"], Value::Null);
    assert_eq!(
        p["history"],
        json!([
            { "date": "2024-03-31", "value": 0, "rate": 0.0 },
            { "date": "2024-06-30", "value": 1, "rate": 1.0 / 3.0 },
            { "date": "2024-09-30", "value": 2, "rate": 2.0 / 3.0 },
            { "date": "2024-12-31", "value": 2, "rate": 2.0 / 3.0 },
        ])
    );
    // On the day before CT1's award nobody is converted yet; the line from the baseline (0)
    // through 0 stays at 0: at risk.
    let early = progress(&app, "GROWN_2025", "2024-05-31").await;
    assert_eq!(
        (&early["current"], &early["whole"], &early["status"]),
        (&json!(0), &json!(3), &json!("AT_RISK"))
    );
    // The dashboard's progress lists the new target beside the plan's.
    let all = app
        .ok(
            "{ progress(asOf: \"2024-12-31\") { target { code } current rate whole } }",
            json!({}),
        )
        .await;
    let grown = all["progress"]
        .as_array()
        .and_then(|ps| ps.iter().find(|p| p["target"]["code"] == "GROWN_2025"))
        .cloned();
    assert_eq!(
        grown,
        Some(json!({ "target": { "code": "GROWN_2025" }, "current": 2,
                     "rate": 2.0 / 3.0, "whole": 3 }))
    );
    // The plan's key-teacher target has neither rate nor whole.
    let key = all["progress"]
        .as_array()
        .and_then(|ps| {
            ps.iter()
                .find(|p| p["target"]["code"] == "KEY_TEACHERS_2025")
        })
        .cloned();
    assert_eq!(
        key.map(|k| (k["rate"].clone(), k["whole"].clone())),
        Some((Value::Null, Value::Null))
    );
}

async fn growth_targets_refuse_goals_of_the_wrong_shape_and_write_nothing(app: TestApp) {
    let before = app.row_counts().await;
    let base = |metric: &str, extra: Value| {
        let mut i = json!({ "code": "GROWTH_X", "title": "成长目标", "metric": metric,
                            "baselineOn": "2026-01-01", "deadline": "2028-12-31" });
        if let (Some(i), Some(extra)) = (i.as_object_mut(), extra.as_object()) {
            for (k, v) in extra {
                i.insert(k.clone(), v.clone());
            }
        }
        json!({ "i": i })
    };
    for (metric, extra, field) in [
        ("TRAINING_COMPLIANCE", json!({}), "goalRatio"),
        ("TRAINING_COMPLIANCE", json!({ "goal": 95 }), "goal"),
        (
            "TRAINING_COMPLIANCE",
            json!({ "goalRatio": 1.5 }),
            "goalRatio",
        ),
        (
            "TRAINING_COMPLIANCE",
            json!({ "goalRatio": 0.0 }),
            "goalRatio",
        ),
        (
            "TRAINING_COMPLIANCE",
            json!({ "goalRatio": 0.95001 }),
            "goalRatio",
        ),
        (
            "TRAINING_COMPLIANCE",
            json!({ "goalRatio": 0.95, "perMember": 3 }),
            "perMember",
        ),
        (
            "TRAINING_COMPLIANCE",
            json!({ "goalRatio": 0.95, "minLevel": "MUNICIPAL" }),
            "minLevel",
        ),
        ("CONVERTED_MENTEES", json!({}), "goal"),
        (
            "CONVERTED_MENTEES",
            json!({ "goal": 20, "goalRatio": 0.5 }),
            "goalRatio",
        ),
        (
            "CONVERTED_MENTEES",
            json!({ "goal": 20, "kinds": ["MASTER_TEACHER"] }),
            "kinds",
        ),
        (
            "CONVERTED_MENTEES",
            json!({ "goal": 20, "minLevel": "SCHOOL" }),
            "minLevel",
        ),
        ("KEY_TEACHERS", json!({ "goalRatio": 0.9 }), "goalRatio"),
    ] {
        let e = app.err(CREATE, base(metric, extra.clone())).await;
        assert_eq!(e["code"], "BAD_USER_INPUT", "{metric} {extra}: {e}");
        assert_eq!(e["field"], field, "{metric} {extra}: {e}");
    }
    assert_eq!(
        app.row_counts().await,
        before,
        "a refused target writes nothing"
    );

    // A compliance history by month is bounded tighter than the others: each point is a count
    // over the registry. 2026-01 to 2036-01 is 121 months; by quarter it answers.
    app.ok(CREATE, compliance_target(0.9)).await;
    let e = app
        .err(
            "{ targetProgress(code: \"TRAINING_2027\", asOf: \"2036-01-15\") { history { value } } }",
            json!({}),
        )
        .await;
    assert_eq!(e["code"], "BAD_USER_INPUT", "{e}");
    let quarterly = app
        .ok(
            "{ targetProgress(code: \"TRAINING_2027\", asOf: \"2036-01-15\") { history(every: QUARTER) { value } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        quarterly["targetProgress"]["history"]
            .as_array()
            .map(Vec::len),
        Some(41)
    );
}

async fn a_compliance_goal_ratio_is_changed_with_an_audit_trail(app: TestApp) {
    app.ok(CREATE, compliance_target(0.95)).await;
    let update = "mutation($i: UpdateTargetInput!) { updateTarget(code: \"TRAINING_2027\", input: $i) { goal goalRatio } }";
    let changed = app.ok(update, json!({ "i": { "goalRatio": 0.9 } })).await;
    assert_eq!(
        changed["updateTarget"],
        json!({ "goal": null, "goalRatio": 0.9 })
    );
    // A fixed goal is not what a compliance target takes.
    let e = app.err(update, json!({ "i": { "goal": 90 } })).await;
    assert_eq!(
        (e["code"].clone(), e["field"].clone()),
        (json!("BAD_USER_INPUT"), json!("goal"))
    );
    let audit = app
        .ok(
            "{ auditEvents(filter: { operation: \"updateTarget\" }) { nodes { details } } }",
            json!({}),
        )
        .await;
    let details: Value = audit["auditEvents"]["nodes"][0]["details"]
        .as_str()
        .and_then(|d| serde_json::from_str(d).ok())
        .unwrap_or_default();
    assert_eq!(
        details["goalRatioBp"],
        json!({ "before": 9500, "after": 9000 })
    );
}
