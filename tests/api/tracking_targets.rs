//! Leadership asks "are we there?": the plan's targets, progress on any day by the domain's
//! definitions (projection, status, history), and targets as data that admins manage.

use serde_json::{Value, json};

use crate::helpers::{TestApp, merged};

on_both_databases!(
    the_plan_targets_exist_in_a_fresh_database,
    studio_progress_moves_from_at_risk_to_on_track_to_achieved_and_is_judged_at_the_deadline,
    key_teacher_progress_follows_rule_3_with_a_quarterly_history,
    the_mentoring_quota_caps_each_member_and_its_goal_follows_the_members,
    a_goal_of_zero_is_at_risk_then_missed,
    admins_create_update_and_retire_targets,
);

const PROGRESS: &str = "query($code: String!, $d: Date) { targetProgress(code: $code, asOf: $d) {
    asOf current goal ratio remaining daysLeft projectedAtDeadline status target { code } } }";

async fn progress(app: &TestApp, code: &str, d: &str) -> Value {
    app.ok(PROGRESS, json!({ "code": code, "d": d })).await["targetProgress"].clone()
}

async fn the_plan_targets_exist_in_a_fresh_database(app: TestApp) {
    let targets = app
        .ok(
            "{ targets { code title metric goal perMember minLevel kinds baselineOn deadline } }",
            json!({}),
        )
        .await;
    let all = json!(["KEY_TEACHER", "SUBJECT_LEADER", "MASTER_TEACHER"]);
    assert_eq!(
        targets["targets"],
        json!([
            { "code": "KEY_TEACHERS_2025", "title": "到2025年，培养450名县级（含）以上学科带头人和骨干教师",
              "metric": "KEY_TEACHERS", "goal": 450, "perMember": null, "minLevel": "COUNTY", "kinds": all,
              "baselineOn": "2023-04-10", "deadline": "2025-12-31" },
            { "code": "MENTORING_2025", "title": "每个工作室成员结对培养3名骨干教师",
              "metric": "MENTEES_PER_MEMBER", "goal": null, "perMember": 3, "minLevel": "SCHOOL", "kinds": all,
              "baselineOn": "2023-04-10", "deadline": "2025-12-31" },
            { "code": "STUDIOS_2025", "title": "到2025年，建成10个名师工作室",
              "metric": "STUDIOS", "goal": 10, "perMember": null, "minLevel": "COUNTY", "kinds": all,
              "baselineOn": "2023-04-10", "deadline": "2025-12-31" },
        ])
    );
    // Every role may read progress.
    let leader = app.create_user("leader.gu", "LEADER", None).await;
    let p = app
        .ok_as(
            &leader,
            "{ progress { target { code } status } }",
            json!({}),
        )
        .await;
    assert_eq!(p["progress"].as_array().unwrap().len(), 3);
}

/// A county studio per call, established on `on`.
async fn studio(app: &TestApp, school: &str, name: &str, on: &str, level: &str) -> String {
    let host = app
        .create_teacher(school, &format!("H-{name}"), json!({}))
        .await;
    app.ok(
        "mutation($i: CreateStudioInput!) { createStudio(input: $i) { id } }",
        json!({ "i": { "name": name, "subject": "数学", "level": level, "schoolId": school,
                       "hostTeacherId": host, "establishedOn": on } }),
    )
    .await["createStudio"]["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

async fn studio_progress_moves_from_at_risk_to_on_track_to_achieved_and_is_judged_at_the_deadline(
    app: TestApp,
) {
    let school = app.create_school("石城县第二小学", "琴江镇", "URBAN").await;
    studio(&app, &school, "S0", "2023-01-01", "COUNTY").await;
    // A school-level studio does not count toward a county-level target.
    studio(&app, &school, "SCHOOL-ONLY", "2023-01-01", "SCHOOL").await;
    for i in 1..5 {
        studio(&app, &school, &format!("S{i}"), "2023-10-10", "MUNICIPAL").await;
    }
    // On the baseline: no projection, so not on track.
    let p = progress(&app, "STUDIOS_2025", "2023-04-10").await;
    assert_eq!(
        p,
        json!({ "asOf": "2023-04-10", "current": 1, "goal": 10, "ratio": 0.1, "remaining": 9,
                "daysLeft": 996, "projectedAtDeadline": null, "status": "AT_RISK",
                "target": { "code": "STUDIOS_2025" } })
    );
    // Flat since the baseline: the line stays at 1.
    let p = progress(&app, "STUDIOS_2025", "2023-10-09").await;
    assert_eq!(
        (p["current"].as_i64(), p["status"].as_str()),
        (Some(1), Some("AT_RISK"))
    );
    assert_eq!(p["projectedAtDeadline"], 1.0);
    // A year after the baseline: 5 + (5 − 1) × 630 / 366 ≈ 11.9 ≥ 10.
    let p = progress(&app, "STUDIOS_2025", "2024-04-10").await;
    assert_eq!(p["current"], 5);
    assert_eq!(p["daysLeft"], 630);
    assert_eq!(p["status"], "ON_TRACK");
    let projected = p["projectedAtDeadline"].as_f64().unwrap();
    assert!(
        (projected - (5.0 + 4.0 * 630.0 / 366.0)).abs() < 1e-9,
        "{projected}"
    );
    let mut last = String::new();
    for i in 5..10 {
        last = studio(&app, &school, &format!("S{i}"), "2025-06-01", "COUNTY").await;
    }
    let p = progress(&app, "STUDIOS_2025", "2025-06-01").await;
    assert_eq!(
        (p["current"].as_i64(), p["status"].as_str()),
        (Some(10), Some("ACHIEVED"))
    );
    assert_eq!(p["remaining"], 0);
    assert_eq!(p["ratio"], 1.0);
    // One closes on the deadline itself, so on the deadline only 9 are in force.
    app.ok(
        "mutation($id: UUID!) { closeStudio(id: $id, closedOn: \"2025-12-31\") { id } }",
        json!({ "id": last }),
    )
    .await;
    let p = progress(&app, "STUDIOS_2025", "2025-12-30").await;
    assert_eq!(
        (p["current"].as_i64(), p["status"].as_str()),
        (Some(10), Some("ACHIEVED"))
    );
    let p = progress(&app, "STUDIOS_2025", "2025-12-31").await;
    assert_eq!(
        (p["current"].as_i64(), p["status"].as_str()),
        (Some(9), Some("AT_RISK"))
    );
    assert_eq!(p["daysLeft"], 0);
    // After the deadline the value on the deadline decides, whatever happens later.
    studio(&app, &school, "LATE", "2026-03-01", "COUNTY").await;
    let p = progress(&app, "STUDIOS_2025", "2026-11-29").await;
    assert_eq!(
        (
            p["current"].as_i64(),
            p["status"].as_str(),
            p["daysLeft"].as_i64()
        ),
        (Some(10), Some("MISSED"), Some(-333))
    );
    assert_eq!(p["projectedAtDeadline"], Value::Null);
    // A monthly history: month ends from the baseline's month, the last point on the day asked.
    let h = app
        .ok("{ targetProgress(code: \"STUDIOS_2025\", asOf: \"2023-11-15\") { history { date value } } }", json!({}))
        .await;
    assert_eq!(
        h["targetProgress"]["history"],
        json!([
            { "date": "2023-04-30", "value": 1 }, { "date": "2023-05-31", "value": 1 },
            { "date": "2023-06-30", "value": 1 }, { "date": "2023-07-31", "value": 1 },
            { "date": "2023-08-31", "value": 1 }, { "date": "2023-09-30", "value": 1 },
            { "date": "2023-10-31", "value": 5 }, { "date": "2023-11-15", "value": 5 },
        ])
    );
    // A 33-point history up to the deadline costs one statement for its values.
    app.reset_statements();
    let h = app
        .ok("{ targetProgress(code: \"STUDIOS_2025\", asOf: \"2025-12-31\") { history { value } } }", json!({}))
        .await;
    assert_eq!(h["targetProgress"]["history"].as_array().unwrap().len(), 33);
    assert!(
        app.statements() <= 5,
        "history cost {} statements",
        app.statements()
    );
}

async fn key_teacher_progress_follows_rule_3_with_a_quarterly_history(app: TestApp) {
    app.ok(
        "mutation { createTarget(input: { code: \"KT_2024\", title: \"三名县级骨干\", metric: KEY_TEACHERS, goal: 3,
            baselineOn: \"2024-01-01\", deadline: \"2024-12-31\" }) { code minLevel kinds } }",
        json!({}),
    )
    .await;
    let s = app.create_school("高田中学", "高田镇", "RURAL").await;
    let a = app.create_teacher(&s, "KA", json!({})).await;
    let b = app.create_teacher(&s, "KB", json!({})).await;
    let c = app.create_teacher(&s, "KC", json!({})).await;
    // Two designations for one person count once.
    app.award(&a, "KEY_TEACHER", "COUNTY", "2023-09-10", json!({}))
        .await;
    app.award(&a, "SUBJECT_LEADER", "MUNICIPAL", "2024-02-01", json!({}))
        .await;
    app.award(&b, "KEY_TEACHER", "SCHOOL", "2023-09-10", json!({}))
        .await;
    app.award(
        &b,
        "KEY_TEACHER",
        "COUNTY",
        "2024-05-01",
        json!({ "expiresOn": "2024-08-31" }),
    )
    .await;
    app.award(&c, "MASTER_TEACHER", "COUNTY", "2024-07-01", json!({}))
        .await;
    app.depart(&a, "2024-10-01").await;
    let h = app
        .ok("{ targetProgress(code: \"KT_2024\", asOf: \"2024-12-31\") { current status history(every: QUARTER) { date value } } }", json!({}))
        .await["targetProgress"]
        .clone();
    assert_eq!(
        h["history"],
        json!([
            { "date": "2024-03-31", "value": 1 },
            { "date": "2024-06-30", "value": 2 },
            { "date": "2024-09-30", "value": 2 },
            { "date": "2024-12-31", "value": 1 },
        ])
    );
    assert_eq!(
        (h["current"].as_i64(), h["status"].as_str()),
        (Some(1), Some("AT_RISK"))
    );
    // All three in force on 2024-07-01 (b's county title runs to 2024-08-31).
    let p = progress(&app, "KT_2024", "2024-07-01").await;
    assert_eq!(
        (p["current"].as_i64(), p["status"].as_str()),
        (Some(3), Some("ACHIEVED"))
    );
    let y = app
        .ok("{ targetProgress(code: \"KT_2024\", asOf: \"2025-03-01\") { status history(every: YEAR) { date value } } }", json!({}))
        .await["targetProgress"]
        .clone();
    // Past the deadline with 1 on the deadline: missed.
    assert_eq!(y["status"], "MISSED");
    assert_eq!(
        y["history"],
        json!([{ "date": "2024-12-31", "value": 1 }, { "date": "2025-03-01", "value": 1 }])
    );
    // A history of more than 400 points is refused as bad input, not run; a coarser
    // interval over the same span answers (from a baseline moved back to 1980 to mid-2026:
    // 47 yearly points).
    app.ok(
        "mutation { updateTarget(code: \"KT_2024\", input: { baselineOn: \"1980-01-01\" }) { code } }",
        json!({}),
    )
    .await;
    let far = |every: &str| {
        format!(
            "{{ targetProgress(code: \"KT_2024\", asOf: \"2026-06-30\") {{ history(every: {every}) {{ value }} }} }}"
        )
    };
    let e = app.err(&far("MONTH"), json!({})).await;
    assert_eq!(
        (e["code"].as_str(), e["field"].as_str()),
        (Some("BAD_USER_INPUT"), Some("every"))
    );
    assert!(e["message"].as_str().unwrap().contains("558 points"), "{e}");
    let yearly = app.ok(&far("YEAR"), json!({})).await;
    assert_eq!(
        yearly["targetProgress"]["history"]
            .as_array()
            .unwrap()
            .len(),
        47
    );
}

async fn the_mentoring_quota_caps_each_member_and_its_goal_follows_the_members(app: TestApp) {
    let s = app.create_school("小松中学", "小松镇", "RURAL").await;
    let host = app.create_teacher(&s, "MQ-H", json!({})).await;
    let a = app.create_teacher(&s, "MQ-A", json!({})).await;
    let b = app.create_teacher(&s, "MQ-B", json!({})).await;
    let mut mentees = Vec::new();
    for i in 0..7 {
        mentees.push(app.create_teacher(&s, &format!("MQ-E{i}"), json!({})).await);
    }
    let studio = app
        .create_studio("配额工作室", &s, &host, Some("2024-03-01"), None)
        .await;
    let admin = app.admin.clone();
    app.add_member(&admin, &studio, &a, "2024-03-01").await;
    let mb = app.add_member(&admin, &studio, &b, "2024-03-01").await;
    // The host mentors four (capped at 3), A one, B none.
    for e in &mentees[0..4] {
        app.pair(&admin, &studio, &host, e, "2024-04-01").await;
    }
    let pa = app
        .pair(&admin, &studio, &a, &mentees[4], "2024-04-01")
        .await;
    let p = progress(&app, "MENTORING_2025", "2024-04-01").await;
    assert_eq!(
        (
            p["current"].as_i64(),
            p["goal"].as_i64(),
            p["remaining"].as_i64()
        ),
        (Some(4), Some(9), Some(5))
    );
    // The studio's own quota agrees (one studio here), and takes another quota on request.
    let quota = app
        .ok(
            "query($id: UUID!) { studio(id: $id) { q3: quota(asOf: \"2024-04-01\") { members mentees goal } q1: quota(asOf: \"2024-04-01\", perMember: 1) { mentees goal } } }",
            json!({ "id": studio }),
        )
        .await;
    assert_eq!(
        quota["studio"],
        json!({ "q3": { "members": 3, "mentees": 4, "goal": 9 }, "q1": { "mentees": 2, "goal": 3 } })
    );
    // Before the pairs start only the members count toward the goal.
    let p = progress(&app, "MENTORING_2025", "2024-03-31").await;
    assert_eq!(
        (p["current"].as_i64(), p["goal"].as_i64()),
        (Some(0), Some(9))
    );
    // A withdrawn pair stops counting on its end day; a completed one keeps counting.
    app.ok("mutation($id: UUID!) { endMentoringPair(id: $id, endedOn: \"2024-09-01\", status: WITHDRAWN) { id } }", json!({ "id": pa }))
        .await;
    let p = progress(&app, "MENTORING_2025", "2024-08-31").await;
    assert_eq!(p["current"], 4);
    let p = progress(&app, "MENTORING_2025", "2024-09-01").await;
    assert_eq!(p["current"], 3);
    // B leaves: the goal falls to 6 from that day.
    app.ok(
        "mutation($id: UUID!) { removeStudioMember(id: $id, leftOn: \"2024-10-01\") { id } }",
        json!({ "id": mb }),
    )
    .await;
    let p = progress(&app, "MENTORING_2025", "2024-10-01").await;
    assert_eq!(
        (p["current"].as_i64(), p["goal"].as_i64()),
        (Some(3), Some(6))
    );
    // A pairs again and completes: it keeps counting after the end.
    let pa2 = app
        .pair(&admin, &studio, &a, &mentees[5], "2024-11-01")
        .await;
    app.pair(&admin, &studio, &a, &mentees[6], "2024-11-01")
        .await;
    app.ok("mutation($id: UUID!) { endMentoringPair(id: $id, endedOn: \"2025-06-30\", status: COMPLETED) { id } }", json!({ "id": pa2 }))
        .await;
    // On the deadline: host 3 (capped) + A: the withdrawn pair no more, two later ones = 5 of 6.
    let p = progress(&app, "MENTORING_2025", "2025-12-31").await;
    assert_eq!(
        (
            p["current"].as_i64(),
            p["goal"].as_i64(),
            p["status"].as_str()
        ),
        (Some(5), Some(6), Some("AT_RISK"))
    );
    let h = app
        .ok("{ targetProgress(code: \"MENTORING_2025\", asOf: \"2024-12-15\") { history(every: QUARTER) { date value } } }", json!({}))
        .await;
    assert_eq!(
        h["targetProgress"]["history"],
        json!([
            { "date": "2023-06-30", "value": 0 }, { "date": "2023-09-30", "value": 0 },
            { "date": "2023-12-31", "value": 0 }, { "date": "2024-03-31", "value": 0 },
            { "date": "2024-06-30", "value": 4 }, { "date": "2024-09-30", "value": 3 },
            { "date": "2024-12-15", "value": 5 },
        ])
    );
    // Closing the studio takes its members out: nothing to count, nothing asked.
    app.ok(
        "mutation($id: UUID!) { closeStudio(id: $id, closedOn: \"2025-07-01\") { id } }",
        json!({ "id": studio }),
    )
    .await;
    let p = progress(&app, "MENTORING_2025", "2025-07-01").await;
    assert_eq!(
        (
            p["current"].as_i64(),
            p["goal"].as_i64(),
            p["ratio"].as_f64()
        ),
        (Some(0), Some(0), Some(0.0))
    );
}

async fn a_goal_of_zero_is_at_risk_then_missed(app: TestApp) {
    let p = progress(&app, "MENTORING_2025", "2024-01-01").await;
    assert_eq!(
        (
            p["goal"].as_i64(),
            p["ratio"].as_f64(),
            p["status"].as_str()
        ),
        (Some(0), Some(0.0), Some("AT_RISK"))
    );
    let p = progress(&app, "MENTORING_2025", "2026-01-01").await;
    assert_eq!(p["status"], "MISSED");
}

async fn admins_create_update_and_retire_targets(app: TestApp) {
    let create = "mutation($i: CreateTargetInput!) { createTarget(input: $i) { code title metric goal perMember minLevel kinds baselineOn deadline retiredOn } }";
    let t = app
        .ok(
            create,
            json!({ "i": { "code": "KEY_TEACHERS_2028", "title": "到2028年，县级以上骨干520名",
            "metric": "KEY_TEACHERS", "goal": 520, "kinds": ["KEY_TEACHER", "SUBJECT_LEADER"],
            "baselineOn": "2026-01-01", "deadline": "2028-12-31" } }),
        )
        .await;
    assert_eq!(
        t["createTarget"],
        json!({ "code": "KEY_TEACHERS_2028", "title": "到2028年，县级以上骨干520名", "metric": "KEY_TEACHERS",
                "goal": 520, "perMember": null, "minLevel": "COUNTY", "kinds": ["KEY_TEACHER", "SUBJECT_LEADER"],
                "baselineOn": "2026-01-01", "deadline": "2028-12-31", "retiredOn": null })
    );
    let before = app.row_counts().await;
    let bad = |patch: Value| {
        let base = json!({ "code": "NEW_ONE", "title": "t", "metric": "STUDIOS", "goal": 5,
                           "baselineOn": "2026-01-01", "deadline": "2028-12-31" });
        json!({ "i": merged(base, &patch) })
    };
    for (vars, code, field) in [
        (
            bad(json!({ "code": "KEY_TEACHERS_2028" })),
            "CONFLICT",
            None,
        ),
        (
            bad(json!({ "code": "lower case" })),
            "BAD_USER_INPUT",
            Some("code"),
        ),
        (bad(json!({ "goal": 0 })), "BAD_USER_INPUT", Some("goal")),
        (bad(json!({ "goal": null })), "BAD_USER_INPUT", Some("goal")),
        (
            bad(json!({ "perMember": 3 })),
            "BAD_USER_INPUT",
            Some("perMember"),
        ),
        (
            bad(json!({ "metric": "MENTEES_PER_MEMBER" })),
            "BAD_USER_INPUT",
            Some("goal"),
        ),
        (
            bad(json!({ "metric": "MENTEES_PER_MEMBER", "goal": null })),
            "BAD_USER_INPUT",
            Some("perMember"),
        ),
        (
            bad(json!({ "deadline": "2026-01-01" })),
            "BAD_USER_INPUT",
            Some("deadline"),
        ),
        (bad(json!({ "kinds": [] })), "BAD_USER_INPUT", Some("kinds")),
    ] {
        let e = app.err(create, vars.clone()).await;
        assert_eq!(e["code"], code, "{vars}: {e}");
        if let Some(f) = field {
            assert_eq!(e["field"], f, "{vars}: {e}");
        }
    }
    let hr = app.create_user("hr.tan", "HR", None).await;
    let before = {
        let mut b = before;
        for (t, n) in &mut b {
            if t == "users" || t == "api_tokens" || t == "audit_events" {
                *n += 1;
            }
        }
        b
    };
    let e = app.err_as(Some(&hr), create, bad(json!({}))).await;
    assert_eq!(e["code"], "FORBIDDEN");
    assert_eq!(app.row_counts().await, before);
    // A later plan: change the goal, then retire the target.
    let u = app
        .ok("mutation { updateTarget(code: \"KEY_TEACHERS_2028\", input: { goal: 540, title: \"到2028年，县级以上骨干540名\" }) { goal title deadline } }", json!({}))
        .await;
    assert_eq!(
        u["updateTarget"],
        json!({ "goal": 540, "title": "到2028年，县级以上骨干540名", "deadline": "2028-12-31" })
    );
    let e = app
        .err(
            "mutation { updateTarget(code: \"MENTORING_2025\", input: { goal: 30 }) { goal } }",
            json!({}),
        )
        .await;
    assert_eq!(
        (e["code"].as_str(), e["field"].as_str()),
        (Some("BAD_USER_INPUT"), Some("goal"))
    );
    let e = app
        .err(
            "mutation { updateTarget(code: \"NOPE\", input: { goal: 30 }) { goal } }",
            json!({}),
        )
        .await;
    assert_eq!(e["code"], "NOT_FOUND");
    assert_eq!(
        app.ok(
            "{ progress(asOf: \"2027-01-01\") { target { code } } }",
            json!({})
        )
        .await["progress"]
            .as_array()
            .unwrap()
            .len(),
        4
    );
    // Retirement counts from its day: before it, progress still shows the target.
    app.ok("mutation { retireTarget(code: \"KEY_TEACHERS_2028\", retiredOn: \"2026-07-01\") { retiredOn } }", json!({}))
        .await;
    let e = app
        .err("mutation { retireTarget(code: \"KEY_TEACHERS_2028\", retiredOn: \"2026-08-01\") { retiredOn } }", json!({}))
        .await;
    assert_eq!(e["code"], "CONFLICT");
    let codes = app.ok("{ targets { code } all: targets(includeRetired: true) { code } progress { target { code } } }", json!({})).await;
    assert_eq!(codes["targets"].as_array().unwrap().len(), 3);
    assert_eq!(codes["all"].as_array().unwrap().len(), 4);
    assert_eq!(codes["progress"].as_array().unwrap().len(), 3);
    let on = |d: &str| {
        let q = format!("{{ progress(asOf: \"{d}\") {{ target {{ code }} }} }}");
        let app = &app;
        async move {
            let p = app.ok(&q, json!({})).await;
            let codes: Vec<String> = p["progress"]
                .as_array()
                .unwrap()
                .iter()
                .map(|t| t["target"]["code"].as_str().unwrap().to_owned())
                .collect();
            codes
        }
    };
    assert!(
        on("2026-06-30")
            .await
            .contains(&"KEY_TEACHERS_2028".to_owned())
    );
    assert!(
        !on("2026-07-01")
            .await
            .contains(&"KEY_TEACHERS_2028".to_owned())
    );
    // A retired target's progress stays readable by code; an unknown code reads as null.
    let p = progress(&app, "KEY_TEACHERS_2028", "2027-01-01").await;
    assert_eq!(p["goal"], 540);
    assert_eq!(
        app.ok(PROGRESS, json!({ "code": "NOPE" })).await["targetProgress"],
        Value::Null
    );
    let events = app
        .ok(
            "{ auditEvents(first: 3) { nodes { operation } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        events["auditEvents"]["nodes"],
        json!([{ "operation": "retireTarget" }, { "operation": "updateTarget" }, { "operation": "createUser" }])
    );
    // A mentoring quota covers every studio, as the seeded MENTORING_2025 does: its level
    // floor defaults to SCHOOL, the others' to COUNTY.
    let m = app
        .ok(
            create,
            json!({ "i": { "code": "MENTORING_2028", "title": "每个成员结对3名", "metric": "MENTEES_PER_MEMBER",
            "perMember": 3, "baselineOn": "2026-01-01", "deadline": "2028-12-31" } }),
        )
        .await;
    assert_eq!(m["createTarget"]["minLevel"], "SCHOOL");
    let s = app
        .ok(
            create,
            json!({ "i": { "code": "STUDIOS_2028", "title": "工作室12个", "metric": "STUDIOS",
            "goal": 12, "baselineOn": "2026-01-01", "deadline": "2028-12-31" } }),
        )
        .await;
    assert_eq!(s["createTarget"]["minLevel"], "COUNTY");
}
