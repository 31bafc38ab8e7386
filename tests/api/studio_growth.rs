//! Studio growth (issue 14, rules 11 and 12): a studio's host logs what the studio produced,
//! with authors from its members in force, and the outputs are counted by kind and level over
//! a range that includes both ends.

use serde_json::{Value, json};

use crate::helpers::TestApp;

on_both_databases!(
    outputs_on_both_ends_of_the_range_are_counted_by_kind_and_level,
    an_author_who_is_not_a_member_in_force_is_refused_and_nothing_is_written,
    an_output_is_corrected_and_deleted_with_an_audit_trail,
);

const LOG: &str = "mutation($i: StudioOutputInput!) { logStudioOutput(input: $i) { id kind level date title authors { id } } }";

/// A county studio established 2024-03-01 hosted by a fresh teacher, with one member who
/// joined 2024-03-10: (studio, host, member).
async fn studio_with_a_member(app: &TestApp) -> (String, String, String) {
    let school = app.create_school("成果学校", "琴江镇", "URBAN").await;
    let host = app.create_teacher(&school, "OUT-HOST", json!({})).await;
    let member = app.create_teacher(&school, "OUT-MEMBER", json!({})).await;
    let studio = app
        .create_studio("成果工作室", &school, &host, Some("2024-03-01"), None)
        .await;
    app.add_member(&app.admin, &studio, &member, "2024-03-10")
        .await;
    (studio, host, member)
}

fn output(studio: &str, kind: &str, level: &str, date: &str, authors: &[&str]) -> Value {
    json!({ "i": { "studioId": studio, "kind": kind, "title": format!("{kind} {date}"),
                   "date": date, "level": level, "authorIds": authors } })
}

async fn outputs_on_both_ends_of_the_range_are_counted_by_kind_and_level(app: TestApp) {
    let (studio, host, member) = studio_with_a_member(&app).await;
    for (kind, level, date) in [
        ("PAPER", "COUNTY", "2024-04-01"),    // the range's first day
        ("PAPER", "COUNTY", "2024-06-30"),    // its last day
        ("PAPER", "MUNICIPAL", "2024-05-01"), // another level
        ("AWARD", "PROVINCIAL", "2024-05-02"),
        ("OUTREACH", "COUNTY", "2024-03-31"), // the day before the range
        ("OPEN_LESSON", "SCHOOL", "2024-07-01"), // the day after it
    ] {
        app.ok(LOG, output(&studio, kind, level, date, &[&host, &member]))
            .await;
    }
    let data = app
        .ok(
            "query($s: UUID!) { studio(id: $s) {
                outputCounts(from: \"2024-04-01\", to: \"2024-06-30\") { kind level count }
                outputs(from: \"2024-04-01\", to: \"2024-06-30\") { date authors { id } } } }",
            json!({ "s": studio }),
        )
        .await;
    assert_eq!(
        data["studio"]["outputCounts"],
        json!([
            { "kind": "AWARD", "level": "PROVINCIAL", "count": 1 },
            { "kind": "PAPER", "level": "COUNTY", "count": 2 },
            { "kind": "PAPER", "level": "MUNICIPAL", "count": 1 },
        ])
    );
    let dates: Vec<&str> = data["studio"]["outputs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["date"].as_str().unwrap())
        .collect();
    assert_eq!(
        dates,
        ["2024-04-01", "2024-05-01", "2024-05-02", "2024-06-30"]
    );
    assert_eq!(
        data["studio"]["outputs"][0]["authors"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
    // One day, both ends the same: that day's output only.
    let one_day = app
        .ok(
            "query($s: UUID!) { studio(id: $s) { outputCounts(from: \"2024-03-31\", to: \"2024-03-31\") { kind count } } }",
            json!({ "s": studio }),
        )
        .await;
    assert_eq!(
        one_day["studio"]["outputCounts"],
        json!([{ "kind": "OUTREACH", "count": 1 }])
    );
    // A range ending before it starts is refused.
    let err = app
        .err(
            "query($s: UUID!) { studio(id: $s) { outputCounts(from: \"2024-06-30\", to: \"2024-04-01\") { count } } }",
            json!({ "s": studio }),
        )
        .await;
    assert_eq!(err["code"], "BAD_USER_INPUT", "{err}");
}

async fn an_author_who_is_not_a_member_in_force_is_refused_and_nothing_is_written(app: TestApp) {
    let (studio, host, member) = studio_with_a_member(&app).await;
    let school = app.create_school("别校", "琴江镇", "URBAN").await;
    let outsider = app.create_teacher(&school, "OUT-SIDER", json!({})).await;
    let before = app.row_counts().await;
    let refusals = [
        // Not a member at all, beside a good author: the whole output is refused.
        output(
            &studio,
            "PAPER",
            "COUNTY",
            "2024-04-01",
            &[&host, &outsider],
        ),
        // A member, but the day before they joined.
        output(&studio, "PAPER", "COUNTY", "2024-03-09", &[&member]),
        // No author.
        output(&studio, "PAPER", "COUNTY", "2024-04-01", &[]),
    ];
    for vars in refusals {
        let err = app.err(LOG, vars.clone()).await;
        assert_eq!(err["code"], "BAD_USER_INPUT", "{vars}: {err}");
    }
    // The studio is not in force before its establishment: CONFLICT.
    let err = app
        .err(
            LOG,
            output(&studio, "PAPER", "COUNTY", "2024-02-28", &[&host]),
        )
        .await;
    assert_eq!(err["code"], "CONFLICT", "{err}");
    // An author who has left the county's schools is no member in force from their leftOn.
    app.depart(&member, "2024-09-01").await;
    let err = app
        .err(
            LOG,
            output(&studio, "PAPER", "COUNTY", "2024-09-01", &[&member]),
        )
        .await;
    assert_eq!(err["code"], "BAD_USER_INPUT", "{err}");
    let err_msg = err["message"].as_str().unwrap_or_default();
    assert!(err_msg.contains("教师OUT-MEMBER"), "{err}");
    let after = app.row_counts().await;
    // The departure above wrote its own rows; the refusals wrote no output and no author.
    for table in ["studio_outputs", "studio_output_authors"] {
        let n = |c: &[(String, i64)]| c.iter().find(|(t, _)| t == table).map(|(_, n)| *n);
        assert_eq!(n(&before), Some(0), "{table}");
        assert_eq!(n(&after), Some(0), "{table}");
    }
    // On the day before their departure they were still in force.
    app.ok(
        LOG,
        output(&studio, "PAPER", "COUNTY", "2024-08-31", &[&member]),
    )
    .await;
    // A host of another studio may not log into this one.
    let other_host = app.create_teacher(&school, "OUT-OTHER", json!({})).await;
    app.create_studio("别的工作室", &school, &other_host, Some("2024-03-01"), None)
        .await;
    let token = app
        .create_user("out.other.host", "STUDIO_HOST", Some(&other_host))
        .await;
    let err = app
        .err_as(
            Some(&token),
            LOG,
            output(&studio, "PAPER", "COUNTY", "2024-04-01", &[&host]),
        )
        .await;
    assert_eq!(err["code"], "FORBIDDEN", "{err}");
}

async fn an_output_is_corrected_and_deleted_with_an_audit_trail(app: TestApp) {
    let (studio, host, member) = studio_with_a_member(&app).await;
    let token = app
        .create_user("out.host", "STUDIO_HOST", Some(&host))
        .await;
    let logged = app
        .ok_as(
            &token,
            LOG,
            output(&studio, "PAPER", "COUNTY", "2024-04-01", &[&host]),
        )
        .await;
    let id = logged["logStudioOutput"]["id"].as_str().unwrap().to_owned();
    let mut vars = output(
        &studio,
        "AWARD",
        "MUNICIPAL",
        "2024-05-01",
        &[&member, &member],
    );
    vars["id"] = json!(id);
    let corrected = app
        .ok_as(
            &token,
            "mutation($id: UUID!, $i: StudioOutputInput!) { correctStudioOutput(id: $id, input: $i) { kind level date authors { id } } }",
            vars,
        )
        .await;
    assert_eq!(
        corrected["correctStudioOutput"],
        json!({ "kind": "AWARD", "level": "MUNICIPAL", "date": "2024-05-01", "authors": [{ "id": member }] })
    );
    app.ok_as(
        &token,
        "mutation($id: UUID!) { deleteStudioOutput(id: $id) }",
        json!({ "id": id }),
    )
    .await;
    let left = app
        .ok(
            "query($s: UUID!) { studio(id: $s) { outputCounts(from: \"2024-01-01\", to: \"2024-12-31\") { count } } }",
            json!({ "s": studio }),
        )
        .await;
    assert_eq!(left["studio"]["outputCounts"], json!([]));
    let events = app
        .ok(
            "{ auditEvents(first: 3) { nodes { operation } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        events["auditEvents"]["nodes"],
        json!([
            { "operation": "deleteStudioOutput" },
            { "operation": "correctStudioOutput" },
            { "operation": "logStudioOutput" },
        ])
    );
    // Deleting it again: NOT_FOUND for HR and admins.
    let err = app
        .err(
            "mutation($id: UUID!) { deleteStudioOutput(id: $id) }",
            json!({ "id": id }),
        )
        .await;
    assert_eq!(err["code"], "NOT_FOUND", "{err}");
}
