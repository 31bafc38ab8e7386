//! The binary as an operator runs it under a service manager: SIGTERM stops it cleanly (exit
//! status 0, after saying so), and its logs suit a file or a collector: no colour codes when
//! standard error is not a terminal, and one JSON object a line with `--log-format json`
//! (or `REGISTRY_LOG_FORMAT=json`), carrying each request's id.

use serde_json::{Value, json};

use crate::helpers::Served;

/// The servers here log at INFO whatever `RUST_LOG` the test run has: "shutting down" is there.
const AT_INFO: [(&str, &str); 1] = [("RUST_LOG", "info")];

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
    let mut served = Served::spawn_in(Served::fresh_dir(), &[], &AT_INFO);
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

/// A request whose handler is already running when SIGTERM comes is answered in full before
/// the process exits. The ordering is made certain, not timed: the request says
/// `Expect: 100-continue`, so the server's `100 Continue` shows that its handler has begun
/// reading the body; only then is the signal sent, and only once the server has logged that it
/// is shutting down is the body sent.
#[tokio::test]
async fn sigterm_lets_a_request_in_flight_finish() {
    use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
    let patience = crate::helpers::CHILD_PATIENCE;
    let mut served = Served::spawn_in(Served::fresh_dir(), &[], &AT_INFO);
    served.wait_for_address();
    let host = served.addr.trim_start_matches("http://").to_owned();
    let body = json!({ "query": "{ me { username } }" }).to_string();
    let mut stream = tokio::net::TcpStream::connect(&host)
        .await
        .expect("connect");
    let head = format!(
        "POST /graphql HTTP/1.1\r\nHost: {host}\r\nAuthorization: Bearer {}\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\n\
         Expect: 100-continue\r\n\r\n",
        served.token,
        body.len()
    );
    stream.write_all(head.as_bytes()).await.expect("head sent");
    let mut interim = Vec::new();
    while !interim.ends_with(b"\r\n\r\n") {
        let mut byte = [0u8; 1];
        let n = tokio::time::timeout(patience, stream.read(&mut byte))
            .await
            .expect("100 Continue within CHILD_PATIENCE")
            .expect("read");
        assert_eq!(n, 1, "the connection closed before 100 Continue");
        interim.push(byte[0]);
    }
    assert!(
        interim.starts_with(b"HTTP/1.1 100"),
        "{}",
        String::from_utf8_lossy(&interim)
    );

    served.send_sigterm();
    assert!(
        served.stderr_line_containing("shutting down"),
        "the server logged no shutdown"
    );
    stream.write_all(body.as_bytes()).await.expect("body sent");
    let mut response = Vec::new();
    tokio::time::timeout(patience, stream.read_to_end(&mut response))
        .await
        .expect("the answer within CHILD_PATIENCE")
        .expect("read");
    let response = String::from_utf8_lossy(&response);
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");
    assert!(
        response.contains(r#"{"data":{"me":{"username":"admin"}}}"#),
        "{response}"
    );

    let finished = served.wait_for_exit();
    assert_eq!(finished.status.code(), Some(0), "{}", finished.stderr);
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
    // Migrating a fresh database logs, so the loop below has lines to judge.
    assert!(!out.stderr.trim().is_empty(), "migrate logged nothing");
    for line in out.stderr.lines() {
        serde_json::from_str::<Value>(line)
            .unwrap_or_else(|e| panic!("a log line that is not JSON ({e}): {line}"));
    }
}
