//! The binary as an operator runs it under a service manager: SIGTERM stops it cleanly (exit
//! status 0, after saying so), and its logs suit a file or a collector: no colour codes when
//! standard error is not a terminal, and one JSON object a line with `--log-format json`
//! (or `REGISTRY_LOG_FORMAT=json`), carrying each request's id.

use serde_json::{Value, json};

use crate::helpers::Served;

/// A terminal's colour codes start with ESC `[`.
const ANSI_ESCAPE: &str = "\u{1b}[";

/// Asks `{ me { username } }` of `served`; returns the answer's `x-request-id`.
async fn ask_me(served: &Served) -> String {
    let response = reqwest::Client::new()
        .post(format!("{}/graphql", served.addr))
        .bearer_auth(&served.token)
        .json(&json!({ "query": "{ me { username } }" }))
        .send()
        .await
        .expect("sent");
    let request_id = response
        .headers()
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .expect("an x-request-id header")
        .to_owned();
    let body: Value = response.json().await.expect("JSON");
    assert_eq!(body["data"]["me"]["username"], "admin", "{body:#}");
    request_id
}

#[tokio::test]
async fn sigterm_stops_the_server_cleanly_and_its_text_logs_carry_no_colour_codes() {
    let mut served = Served::spawn_in(Served::fresh_dir(), &[], &[]);
    served.wait_for_address();
    ask_me(&served).await;
    // `terminate` waits for the exit at most CHILD_PATIENCE: a generous bound, not a timing.
    let finished = served.terminate();
    assert_eq!(
        finished.status.code(),
        Some(0),
        "SIGTERM ends serve with status 0; it wrote: {}",
        finished.stderr
    );
    assert!(
        finished.stderr.contains("shutting down"),
        "serve says it is shutting down: {}",
        finished.stderr
    );
    assert!(
        !finished.stderr.contains(ANSI_ESCAPE),
        "standard error is a pipe here, so no colour codes: {:?}",
        finished.stderr
    );
}

#[tokio::test]
async fn json_logs_are_one_object_a_line_with_the_request_id() {
    // The request's own line is at DEBUG ("request answered"), the rest at INFO.
    let envs = [
        ("REGISTRY_LOG_FORMAT", "json"),
        ("RUST_LOG", "info,teacher_registry=debug"),
    ];
    let mut served = Served::spawn_in(Served::fresh_dir(), &[], &envs);
    served.wait_for_address();
    let request_id = ask_me(&served).await;
    let finished = served.terminate();
    assert_eq!(finished.status.code(), Some(0), "{}", finished.stderr);
    assert!(
        !finished.stderr.contains(ANSI_ESCAPE),
        "{}",
        finished.stderr
    );
    let lines: Vec<Value> = finished
        .stderr
        .lines()
        .map(|line| {
            serde_json::from_str(line)
                .unwrap_or_else(|e| panic!("a log line that is not JSON ({e}): {line}"))
        })
        .collect();
    let answered = lines
        .iter()
        .find(|l| l["fields"]["message"] == "request answered")
        .unwrap_or_else(|| panic!("no line for the request among {lines:#?}"));
    assert_eq!(answered["span"]["name"], "graphql", "{answered:#}");
    assert_eq!(
        answered["span"]["request_id"],
        request_id.as_str(),
        "{answered:#}"
    );
    assert!(
        lines.iter().any(|l| l["fields"]["message"]
            .as_str()
            .is_some_and(|m| m.contains("shutting down"))),
        "{lines:#?}"
    );
    // The flag does what the variable does.
    let out = crate::helpers::run(&[
        "--log-format",
        "json",
        "migrate",
        "--database-url",
        "sqlite::memory:",
    ]);
    assert!(out.status.success(), "{}", out.stderr);
    for line in out.stderr.lines() {
        serde_json::from_str::<Value>(line)
            .unwrap_or_else(|e| panic!("a log line that is not JSON ({e}): {line}"));
    }
}
