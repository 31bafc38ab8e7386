//! Serving a province (issue 13): a page of teachers costs the same few statements whatever
//! the load.

use serde_json::json;

use crate::helpers::{TestApp, join_all};

on_both_databases!(a_page_of_100_teachers_costs_five_statements_even_under_16_concurrent_requests);

/// The benchmark's W3 (`bench/run`): a filtered page with each teacher's school,
/// designations and memberships.
const W3: &str = "query($t: String) { teachers(first: 100, filter: { township: $t, minLevel: COUNTY }) \
    { nodes { id staffNo name school { name township } \
      designations { kind level awardedOn expiresOn } memberships { role joinedOn } } } }";

/// 120 county key teachers in two schools of one township, every fourth also a municipal
/// subject leader, ten in a studio: the first page holds 100 of them.
async fn a_township(app: &TestApp) {
    let schools = [
        app.create_school("琴江中学", "琴江镇", "URBAN").await,
        app.create_school("琴江中心小学", "琴江镇", "RURAL").await,
    ];
    let mut teachers = Vec::new();
    for i in 0..120 {
        let school = &schools[i % 2];
        teachers.push(
            app.create_teacher(school, &format!("QJ-{i:03}"), json!({}))
                .await,
        );
    }
    for t in &teachers {
        app.award(t, "KEY_TEACHER", "COUNTY", "2024-09-10", json!({}))
            .await;
    }
    for t in teachers.iter().step_by(4) {
        app.award(t, "SUBJECT_LEADER", "MUNICIPAL", "2025-09-10", json!({}))
            .await;
    }
    let studio = app
        .create_studio(
            "琴江语文工作室",
            &schools[0],
            &teachers[0],
            Some("2024-01-01"),
            None,
        )
        .await;
    let admin = app.admin.clone();
    for t in &teachers[1..10] {
        app.add_member(&admin, &studio, t, "2024-02-01").await;
    }
}

/// Runs `n` W3 pages at once against `base`; returns the statements they ran together.
async fn pages_at_once(app: &TestApp, base: &str, n: usize) -> usize {
    let admin = app.admin.clone();
    app.reset_statements();
    let answers =
        join_all((0..n).map(|_| app.gql_at(base, Some(&admin), W3, json!({ "t": "琴江镇" }))))
            .await;
    let statements = app.statements();
    for r in &answers {
        assert!(r.get("errors").is_none(), "{r:#}");
        let nodes = r["data"]["teachers"]["nodes"].as_array().unwrap();
        assert_eq!(nodes.len(), 100);
        let sum = |field: &str| -> usize {
            nodes
                .iter()
                .map(|t| t[field].as_array().unwrap().len())
                .sum()
        };
        // 100 key teachers, 25 subject leaders (0, 4 … 96); the host and nine members.
        assert_eq!((sum("designations"), sum("memberships")), (125, 10));
        assert!(nodes.iter().all(|t| t["school"]["township"] == "琴江镇"));
    }
    statements
}

async fn a_page_of_100_teachers_costs_five_statements_even_under_16_concurrent_requests(
    app: TestApp,
) {
    a_township(&app).await;
    // The loaders' default 1 ms: the page resolver loads its nodes' schools, designations and
    // memberships in one batch each before the nodes ask, so no timing can split a batch:
    // the token, the page, three batches.
    let own = format!("http://{}", app.addr);
    assert_eq!(pages_at_once(&app, &own, 1).await, 5);
    assert_eq!(pages_at_once(&app, &own, 16).await, 16 * 5);
    // `edges { node }` is prefetched as `nodes` is.
    let edges = W3
        .replace("nodes {", "edges { node {")
        .replace("} } } }", "} } } } }");
    app.reset_statements();
    let r = app
        .gql_at(
            &own,
            Some(&app.admin.clone()),
            &edges,
            json!({ "t": "琴江镇" }),
        )
        .await;
    assert!(r.get("errors").is_none(), "{r:#}");
    assert_eq!(
        r["data"]["teachers"]["edges"].as_array().unwrap().len(),
        100
    );
    assert_eq!(app.statements(), 5);
}
