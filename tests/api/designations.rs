//! HR awards designations, which expire and get revoked; each designation knows whether it is
//! in force on a day, and a teacher knows their top designation.

use serde_json::json;

use crate::helpers::{TestApp, merged};

on_both_databases!(
    a_designation_is_in_force_from_award_through_expiry_until_revocation,
    the_top_designation_is_the_highest_in_force,
    bad_awards_and_revocations_are_refused_and_change_nothing,
);

async fn a_designation_is_in_force_from_award_through_expiry_until_revocation(app: TestApp) {
    let s = app.create_school("琴江中心小学", "琴江镇", "URBAN").await;
    let t = app.create_teacher(&s, "QJ-001", json!({})).await;
    let hr = app.create_user("hr.sun", "HR", None).await;
    let d = app
        .ok_as(
            &hr,
            "mutation($i: AwardDesignationInput!) { awardDesignation(input: $i) {
                id kind level subject batch awardedOn expiresOn revokedOn certificateNo teacher { staffNo }
                before: inForce(asOf: \"2023-09-09\") on: inForce(asOf: \"2023-09-10\")
                last: inForce(asOf: \"2026-09-09\") after: inForce(asOf: \"2026-09-10\") } }",
            json!({ "i": { "teacherId": t, "kind": "KEY_TEACHER", "level": "COUNTY", "subject": "语文",
                           "batch": "2023年县级骨干教师评选", "awardedOn": "2023-09-10",
                           "expiresOn": "2026-09-09", "certificateNo": "SCJY-2023-001" } }),
        )
        .await["awardDesignation"]
        .clone();
    assert_eq!(d["kind"], "KEY_TEACHER");
    assert_eq!(d["level"], "COUNTY");
    assert_eq!(d["batch"], "2023年县级骨干教师评选");
    assert_eq!(d["teacher"]["staffNo"], "QJ-001");
    assert_eq!(
        (&d["before"], &d["on"], &d["last"], &d["after"]),
        (&json!(false), &json!(true), &json!(true), &json!(false))
    );
    let revoked = app
        .ok_as(
            &hr,
            "mutation($id: UUID!) { revokeDesignation(id: $id, revokedOn: \"2025-03-01\", reason: \"师德失范\") {
                revokedOn revokeReason eve: inForce(asOf: \"2025-02-28\") day: inForce(asOf: \"2025-03-01\") } }",
            json!({ "id": d["id"] }),
        )
        .await["revokeDesignation"]
        .clone();
    assert_eq!(
        revoked,
        json!({ "revokedOn": "2025-03-01", "revokeReason": "师德失范", "eve": true, "day": false })
    );
}

async fn the_top_designation_is_the_highest_in_force(app: TestApp) {
    let s = app.create_school("城南中小学", "琴江镇", "URBAN").await;
    let t = app.create_teacher(&s, "CN-001", json!({})).await;
    app.award(&t, "MASTER_TEACHER", "COUNTY", "2022-01-01", json!({}))
        .await;
    app.award(
        &t,
        "KEY_TEACHER",
        "MUNICIPAL",
        "2023-01-01",
        json!({ "expiresOn": "2024-12-31" }),
    )
    .await;
    app.award(&t, "KEY_TEACHER", "SCHOOL", "2021-01-01", json!({}))
        .await;
    let q = "query($id: UUID!) { teacher(id: $id) {
        a: topDesignation(asOf: \"2020-12-31\") { level kind }
        b: topDesignation(asOf: \"2021-06-01\") { level kind }
        c: topDesignation(asOf: \"2023-01-01\") { level kind }
        d: topDesignation(asOf: \"2025-01-01\") { level kind }
        designations { level } } }";
    let r = app.ok(q, json!({ "id": t })).await["teacher"].clone();
    assert_eq!(r["a"], json!(null));
    assert_eq!(r["b"], json!({ "level": "SCHOOL", "kind": "KEY_TEACHER" }));
    // A municipal key teacher outranks a county master teacher: level first.
    assert_eq!(
        r["c"],
        json!({ "level": "MUNICIPAL", "kind": "KEY_TEACHER" })
    );
    assert_eq!(
        r["d"],
        json!({ "level": "COUNTY", "kind": "MASTER_TEACHER" })
    );
    // Oldest award first.
    assert_eq!(
        r["designations"],
        json!([{ "level": "SCHOOL" }, { "level": "COUNTY" }, { "level": "MUNICIPAL" }])
    );
}

async fn bad_awards_and_revocations_are_refused_and_change_nothing(app: TestApp) {
    let s = app.create_school("木兰中心小学", "木兰乡", "RURAL").await;
    let t = app.create_teacher(&s, "ML-001", json!({})).await;
    let d = app
        .award(
            &t,
            "KEY_TEACHER",
            "COUNTY",
            "2024-09-10",
            json!({ "certificateNo": "C-1" }),
        )
        .await;
    let left = app.create_teacher(&s, "ML-002", json!({})).await;
    app.depart(&left, "2024-01-01").await;
    let before = app.row_counts().await;
    let award = "mutation($i: AwardDesignationInput!) { awardDesignation(input: $i) { id } }";
    let input = |extra: serde_json::Value| {
        let base = json!({ "teacherId": t, "kind": "SUBJECT_LEADER", "level": "COUNTY", "awardedOn": "2025-01-01" });
        json!({ "i": merged(base, &extra) })
    };
    let cases = [
        (
            input(json!({ "expiresOn": "2024-12-31" })),
            "BAD_USER_INPUT",
            Some("expiresOn"),
        ),
        (
            input(json!({ "subject": "书法" })),
            "BAD_USER_INPUT",
            Some("subject"),
        ),
        (input(json!({ "certificateNo": "C-1" })), "CONFLICT", None),
        (
            input(json!({ "kind": "KEY_TEACHER", "awardedOn": "2024-09-10" })),
            "CONFLICT",
            None,
        ),
        (
            input(json!({ "teacherId": "01890000-0000-7000-8000-000000000000" })),
            "NOT_FOUND",
            None,
        ),
        (input(json!({ "teacherId": left })), "CONFLICT", None),
        (
            input(json!({ "level": "GALACTIC" })),
            "BAD_USER_INPUT",
            None,
        ),
        (
            input(json!({ "awardedOn": "2025-1-1" })),
            "BAD_USER_INPUT",
            None,
        ),
    ];
    for (vars, code, field) in cases {
        let e = app.err(award, vars.clone()).await;
        assert_eq!(e["code"], code, "{vars}: {e}");
        if let Some(field) = field {
            assert_eq!(e["field"], field, "{vars}: {e}");
        }
    }
    let revoke = "mutation($id: UUID!, $on: Date!, $r: String!) { revokeDesignation(id: $id, revokedOn: $on, reason: $r) { id } }";
    let e = app
        .err(revoke, json!({ "id": d, "on": "2024-09-09", "r": "x" }))
        .await;
    assert_eq!(
        (e["code"].as_str(), e["field"].as_str()),
        (Some("BAD_USER_INPUT"), Some("revokedOn"))
    );
    let e = app
        .err(revoke, json!({ "id": d, "on": "2025-09-09", "r": "  " }))
        .await;
    assert_eq!(
        (e["code"].as_str(), e["field"].as_str()),
        (Some("BAD_USER_INPUT"), Some("reason"))
    );
    let e = app
        .err(
            revoke,
            json!({ "id": "01890000-0000-7000-8000-000000000000", "on": "2025-09-09", "r": "x" }),
        )
        .await;
    assert_eq!(e["code"], "NOT_FOUND");
    assert_eq!(
        app.row_counts().await,
        before,
        "a failed mutation wrote something"
    );
    // Revoking on the award day itself is allowed; revoking twice is not.
    app.ok(revoke, json!({ "id": d, "on": "2024-09-10", "r": "撤销" }))
        .await;
    let e = app
        .err(revoke, json!({ "id": d, "on": "2025-09-09", "r": "again" }))
        .await;
    assert_eq!(e["code"], "CONFLICT");
}
