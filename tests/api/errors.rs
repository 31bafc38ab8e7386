//! Every error code of the contract, and malformed requests answered cleanly.

use serde_json::json;

use crate::helpers::TestApp;

on_both_databases!(
    every_error_code_is_reachable,
    a_database_failure_shows_the_client_only_internal_and_a_request_id,
    malformed_requests_are_answered_cleanly,
);

async fn every_error_code_is_reachable(app: TestApp) {
    let e = app.err_as(None, "{ me { id } }", json!({})).await;
    assert_eq!(e["code"], "UNAUTHENTICATED");
    let leader = app.create_user("leader.a", "LEADER", None).await;
    let e = app
        .err_as(Some(&leader), "mutation { createSchool(input: { name: \"x\", township: \"y\", area: URBAN, stages: [PRIMARY] }) { id } }", json!({}))
        .await;
    assert_eq!(e["code"], "FORBIDDEN");
    let e = app
        .err("mutation { recordDeparture(teacherId: \"01890000-0000-7000-8000-000000000000\", leftOn: \"2024-01-01\") { id } }", json!({}))
        .await;
    assert_eq!(e["code"], "NOT_FOUND");
    let e = app
        .err("mutation { createSchool(input: { name: \" \", township: \"y\", area: URBAN, stages: [PRIMARY] }) { id } }", json!({}))
        .await;
    assert_eq!(
        (e["code"].as_str(), e["field"].as_str()),
        (Some("BAD_USER_INPUT"), Some("name"))
    );
    app.create_school("x", "y", "URBAN").await;
    let e = app
        .err("mutation { createSchool(input: { name: \"x\", township: \"y\", area: URBAN, stages: [PRIMARY] }) { id } }", json!({}))
        .await;
    assert_eq!(e["code"], "CONFLICT");
}

async fn a_database_failure_shows_the_client_only_internal_and_a_request_id(app: TestApp) {
    let s = app.create_school("坝口中心小学", "坝口乡", "RURAL").await;
    app.create_teacher(&s, "BK-001", json!({})).await;
    use sea_orm::ConnectionTrait;
    app.db
        .read
        .execute_unprepared("DROP TABLE reserve_entries")
        .await
        .expect("drop");
    let resp = app
        .gql(
            Some(&app.admin),
            "{ teachers { nodes { staffNo reserveEntries { id } } } }",
            json!({}),
        )
        .await;
    let err = &resp["errors"][0];
    assert_eq!(err["extensions"]["code"], "INTERNAL");
    assert!(
        err["extensions"]["requestId"]
            .as_str()
            .is_some_and(|id| id.len() == 36)
    );
    let text = resp.to_string().to_lowercase();
    for leak in ["reserve_entries", "sql", "table", "select", "src/"] {
        assert!(!text.contains(leak), "the response mentions {leak}: {resp}");
    }
}

async fn malformed_requests_are_answered_cleanly(app: TestApp) {
    let client = reqwest::Client::new();
    let post = |body: String| {
        client
            .post(app.url("/graphql"))
            .bearer_auth(&app.admin)
            .header("content-type", "application/json")
            .body(body)
            .send()
    };
    // Not JSON at all: a client error, not a crash.
    let resp = post("{not json".into()).await.unwrap();
    assert!(resp.status().is_client_error(), "{}", resp.status());
    // Syntax errors, unknown fields, wrong variable types, unknown enum values.
    for (query, vars) in [
        ("{ me { username ", json!({})),
        ("{ me { nosuchfield } }", json!({})),
        (
            "query($n: Int) { teachers(first: $n) { totalCount } }",
            json!({ "n": "many" }),
        ),
        (
            "{ keyTeacherCounts(groupBy: [PLANET]) { count } }",
            json!({}),
        ),
        (
            "query($d: Date) { keyTeacherCounts(asOf: $d) { count } }",
            json!({ "d": "yesterday" }),
        ),
        ("{ teacher(id: \"not-a-uuid\") { id } }", json!({})),
    ] {
        let e = app.err(query, vars).await;
        assert_eq!(e["code"], "BAD_USER_INPUT", "{query}: {e}");
    }
    // A huge string is refused as input, not stored: over the request's bound on any text
    // before anything runs (naming the setting), over the name's own bound naming the field.
    let create = "mutation($n: String!) { createSchool(input: { name: $n, township: \"y\", area: URBAN, stages: [PRIMARY] }) { id } }";
    let e = app.err(create, json!({ "n": "长".repeat(100_000) })).await;
    assert_eq!(
        (e["code"].as_str(), e["limit"].as_str()),
        (Some("BAD_USER_INPUT"), Some("max-text-chars"))
    );
    let e = app.err(create, json!({ "n": "长".repeat(201) })).await;
    assert_eq!(
        (e["code"].as_str(), e["field"].as_str()),
        (Some("BAD_USER_INPUT"), Some("name"))
    );
    // The health check and the SDL answer without a token.
    let health = client.get(app.url("/healthz")).send().await.unwrap();
    assert_eq!(health.status(), 200);
    assert_eq!(health.text().await.unwrap(), "ok");
    let sdl = client
        .get(app.url("/schema.graphql"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(sdl, teacher_registry::graphql::sdl());
}
