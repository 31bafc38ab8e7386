//! Issue 12's probe: requests that ask the database for many aggregates at once (twenty
//! aliased progress histories, forty aliased grouped counts) are refused before they run, with
//! `BAD_USER_INPUT` naming `max-complexity`, by any role; the dashboard's own requests pass.

use serde_json::json;

use crate::helpers::TestApp;

on_both_databases!(many_aggregates_in_one_request_are_refused_before_they_run);

/// `n` aliases of `field` in one query.
fn aliased(n: usize, field: &str) -> String {
    let fields: Vec<String> = (0..n).map(|i| format!("a{i}: {field}")).collect();
    format!("{{ {} }}", fields.join(" "))
}

async fn many_aggregates_in_one_request_are_refused_before_they_run(app: TestApp) {
    let school = app.create_school("琴江小学", "琴江镇", "URBAN").await;
    let host = app.create_teacher(&school, "QJ-1", json!({})).await;
    app.create_studio("琴江工作室", &school, &host, Some("2024-03-01"), None)
        .await;
    app.ok(
        "mutation { createTarget(input: { code: \"STUDIOS_QJ\", title: \"工作室\", metric: STUDIOS, goal: 3, baselineOn: \"2024-01-01\", deadline: \"2027-12-31\" }) { id } }",
        json!({}),
    )
    .await;
    let host_token = app.create_user("host.qj", "STUDIO_HOST", Some(&host)).await;
    let histories = aliased(
        20,
        "progress(asOf: \"2026-06-30\") { current history(every: MONTH) { value } }",
    );
    let counts = aliased(
        40,
        "keyTeacherCounts(groupBy: [TOWNSHIP, LEVEL], asOf: \"2025-12-31\") { count }",
    );
    for token in [app.admin.clone(), host_token] {
        for query in [&histories, &counts] {
            let ext = app.err_as(Some(&token), query, json!({})).await;
            assert_eq!(ext["code"], "BAD_USER_INPUT", "{ext}");
            assert_eq!(ext["limit"], "max-complexity");
            assert!(
                ext["message"]
                    .as_str()
                    .is_some_and(|m| m.starts_with("the query asks more of the database")),
                "{ext}"
            );
        }
    }
    // What the dashboard asks passes: every target with its monthly history, the grouped counts.
    let one = app
        .ok(
            "{ progress(asOf: \"2026-06-30\") { target { code title deadline goal } current goal ratio remaining daysLeft projectedAtDeadline status history(every: MONTH) { date value } } }",
            json!({}),
        )
        .await;
    // The plan's targets and the one added, each with its monthly history.
    let targets = app.ok("{ targets { code } }", json!({})).await["targets"]
        .as_array()
        .map(Vec::len);
    let progress = one["progress"].as_array().expect("a list");
    assert_eq!(Some(progress.len()), targets);
    assert!(progress.len() >= 4, "the plan's targets and ours");
    let ours = progress
        .iter()
        .find(|p| p["target"]["code"] == "STUDIOS_QJ")
        .expect("our target");
    assert_eq!(
        ours["history"].as_array().map(Vec::len),
        Some(30),
        "2024-01 … 2026-06"
    );
    let grouped = app
        .ok(
            "{ keyTeacherCounts(groupBy: [TOWNSHIP, LEVEL], asOf: \"2025-12-31\") { township level count } }",
            json!({}),
        )
        .await;
    assert_eq!(grouped["keyTeacherCounts"], json!([]));
}
