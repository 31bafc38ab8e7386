//! An operator's Prometheus scrapes `GET /metrics`: after a few queries, mutations and
//! refusals it finds each counted exactly, by route and status, by root field and by error
//! code, with the pools and the start time, all in valid Prometheus text.

use serde_json::json;
use teacher_registry::config::Settings;

use crate::helpers::TestApp;

on_both_databases!(
    metrics_count_each_operation_and_error,
    metrics_can_be_turned_off
);

/// The samples of a Prometheus text: every line not a comment is `name{labels} value`, and
/// each sample belongs to a family declared by `# TYPE` before it.
fn samples(text: &str) -> Vec<(String, f64)> {
    let mut declared: Vec<String> = Vec::new();
    let mut out = Vec::new();
    for line in text.lines().filter(|l| !l.is_empty()) {
        if let Some(rest) = line.strip_prefix("# TYPE ") {
            let (name, kind) = rest.split_once(' ').expect("# TYPE name kind");
            assert!(["counter", "gauge", "histogram"].contains(&kind), "{line}");
            declared.push(name.to_owned());
            continue;
        }
        if line.starts_with("# HELP ") {
            continue;
        }
        let (series, value) = line.rsplit_once(' ').expect("a sample has a value");
        let value: f64 = value
            .parse()
            .unwrap_or_else(|_| panic!("not a number: {line}"));
        let name = series.split('{').next().expect("name");
        assert!(
            !name.is_empty()
                && name
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == ':')
                && !name.starts_with(|c: char| c.is_ascii_digit()),
            "bad metric name: {line}"
        );
        check_labels(&series[name.len()..], line);
        let family = ["_bucket", "_sum", "_count"]
            .iter()
            .find_map(|s| {
                name.strip_suffix(s)
                    .filter(|f| declared.iter().any(|d| d == f))
            })
            .unwrap_or(name);
        assert!(
            declared.iter().any(|d| d == family),
            "{name} has no # TYPE before it"
        );
        out.push((series.to_owned(), value));
    }
    out
}

/// `{key="value",…}` (or nothing): keys are identifiers, values quoted.
fn check_labels(labels: &str, line: &str) {
    if labels.is_empty() {
        return;
    }
    let inner = labels
        .strip_prefix('{')
        .and_then(|l| l.strip_suffix("\"}"))
        .unwrap_or_else(|| panic!("bad labels: {line}"));
    for pair in inner.split("\",") {
        let (key, value) = pair
            .split_once("=\"")
            .unwrap_or_else(|| panic!("not key=\"value\": {line}"));
        assert!(
            !key.is_empty() && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'),
            "{line}"
        );
        assert!(!value.contains('"'), "{line}");
    }
}

async fn scrape(base: &str) -> (u16, String) {
    let resp = reqwest::get(format!("{base}/metrics"))
        .await
        .expect("GET /metrics");
    let status = resp.status().as_u16();
    (status, resp.text().await.expect("text"))
}

/// The traffic the counts below are of: two mutations, two queries (one asking for two root
/// fields), three refusals (no token, a field the schema lacks, a body that is not JSON) and a
/// health check.
async fn exercise(app: &TestApp) {
    app.create_school("琴江小学", "琴江镇", "URBAN").await;
    app.create_school("高田学校", "高田镇", "RURAL").await;
    app.ok("{ schools(first: 5) { totalCount } }", json!({}))
        .await;
    app.ok(
        "{ me { username } schools(first: 1) { totalCount } }",
        json!({}),
    )
    .await;
    // Refused: no token; a field the schema does not have; a body that is not JSON.
    app.err_as(None, "{ me { username } }", json!({})).await;
    app.err("{ noSuchField }", json!({})).await;
    let client = reqwest::Client::new();
    let not_json = client
        .post(app.url("/graphql"))
        .header("content-type", "application/json")
        .body("{ not json")
        .send()
        .await
        .expect("sent");
    assert_eq!(not_json.status().as_u16(), 400);
    let health = reqwest::get(app.url("/healthz")).await.expect("healthz");
    assert_eq!(health.status().as_u16(), 200);
}

/// Series and their exact values after [`exercise`].
const EXPECTED: [(&str, f64); 11] = [
    (
        r#"registry_http_requests_total{method="POST",route="/graphql",status="200"}"#,
        6.0,
    ),
    (
        r#"registry_http_requests_total{method="POST",route="/graphql",status="400"}"#,
        1.0,
    ),
    (
        r#"registry_http_requests_total{method="GET",route="/healthz",status="200"}"#,
        1.0,
    ),
    (
        r#"registry_graphql_operations_total{type="mutation",field="createSchool"}"#,
        2.0,
    ),
    (
        r#"registry_graphql_operations_total{type="query",field="schools"}"#,
        2.0,
    ),
    (
        r#"registry_graphql_operations_total{type="query",field="me"}"#,
        2.0,
    ),
    (
        r#"registry_graphql_operations_total{type="query",field="(unknown)"}"#,
        1.0,
    ),
    (
        r#"registry_graphql_operation_duration_seconds_count{type="mutation",field="createSchool"}"#,
        2.0,
    ),
    (
        r#"registry_graphql_operation_duration_seconds_bucket{type="mutation",field="createSchool",le="+Inf"}"#,
        2.0,
    ),
    (
        r#"registry_graphql_errors_total{code="UNAUTHENTICATED"}"#,
        1.0,
    ),
    (
        r#"registry_graphql_errors_total{code="BAD_USER_INPUT"}"#,
        2.0,
    ),
];

async fn metrics_count_each_operation_and_error(app: TestApp) {
    exercise(&app).await;
    let (status, text) = scrape(&app.url("")).await;
    assert_eq!(status, 200);
    let samples = samples(&text);
    let value = |series: &str| {
        samples
            .iter()
            .find(|(s, _)| s == series)
            .map(|(_, v)| *v)
            .unwrap_or_else(|| panic!("no {series} in\n{text}"))
    };
    for (series, n) in EXPECTED {
        assert_eq!(value(series), n, "{series}\n{text}");
    }
    // Nothing else was counted: the operations and errors above are all there are.
    let total = |prefix: &str| {
        samples
            .iter()
            .filter(|(s, _)| s.starts_with(prefix))
            .map(|(_, v)| v)
            .sum::<f64>()
    };
    assert_eq!(total("registry_graphql_operations_total{"), 7.0, "{text}");
    assert_eq!(total("registry_graphql_errors_total{"), 3.0, "{text}");
    assert!(value("process_start_time_seconds") > 1.7e9);
    let pools: Vec<_> = samples
        .iter()
        .filter(|(s, _)| s.starts_with("registry_db_pool_max_connections{"))
        .collect();
    assert!(
        !pools.is_empty() && pools.iter().all(|(_, v)| *v >= 1.0),
        "{text}"
    );
    assert!(
        text.contains("registry_db_pool_connections{pool="),
        "{text}"
    );
    // The statements counter moves with the requests: a read runs at least one.
    let before = value("registry_db_statements_total");
    assert!(before >= 1.0, "{text}");
    app.ok("{ schools { totalCount } }", json!({})).await;
    let (_, again) = scrape(&app.url("")).await;
    let after = self::samples(&again)
        .into_iter()
        .find(|(s, _)| s == "registry_db_statements_total")
        .map(|(_, v)| v)
        .expect("the counter again");
    assert!(after > before, "{before} → {after}");
}

async fn metrics_can_be_turned_off(app: TestApp) {
    let off = app
        .server_with(Settings {
            metrics: false,
            ..Settings::default()
        })
        .await;
    assert_eq!(scrape(&off).await.0, 404);
    // On by default, and without a token.
    assert_eq!(scrape(&app.url("")).await.0, 200);
}
