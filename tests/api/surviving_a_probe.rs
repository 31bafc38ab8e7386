//! An attacker, or a careless client, probes the API from outside (issue 8): nothing it sends
//! may crash or hang the server, multiply its work, plant a password, tell which accounts
//! exist, slip invisible text into the registry, or hold a connection past the limits.

use std::time::Duration;

use serde_json::{Value, json};
use teacher_registry::config::Settings;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::helpers::{Served, TestApp, merged};

on_both_databases!(
    deeply_nested_input_is_refused_and_the_server_keeps_serving,
    queries_too_wide_to_check_are_refused_before_validation,
    a_stopped_request_names_the_changes_it_kept,
    one_login_per_request_whatever_the_aliases_or_batch,
    a_token_alone_cannot_plant_a_password,
    every_failed_login_answers_the_same,
    text_inputs_are_bounded_normalised_and_visible,
    dates_no_bureau_would_write_are_refused,
    re_enabling_a_user_does_not_revive_its_tokens,
    slow_clients_do_not_hold_connections,
    bad_bodies_are_answered_in_the_requests_words,
);

fn code(resp: &Value) -> &str {
    resp["errors"][0]["extensions"]["code"]
        .as_str()
        .unwrap_or_default()
}

async fn post_raw(app: &TestApp, token: Option<&str>, body: String) -> Value {
    let mut req = reqwest::Client::new()
        .post(app.url("/graphql"))
        .header("content-type", "application/json")
        .body(body);
    if let Some(token) = token {
        req = req.bearer_auth(token);
    }
    req.send().await.expect("sent").json().await.expect("JSON")
}

async fn still_serving(app: &TestApp) {
    let me = app.ok("{ me { username } }", json!({})).await;
    assert_eq!(me["me"]["username"], "admin");
}

async fn deeply_nested_input_is_refused_and_the_server_keeps_serving(app: TestApp) {
    // Lists 2,000 deep in an argument, without a token: this aborted the process.
    let lists = format!("{{ x(a: {}{}) }}", "[".repeat(2000), "]".repeat(2000));
    let r = post_raw(&app, None, json!({ "query": lists }).to_string()).await;
    assert_eq!(code(&r), "BAD_USER_INPUT", "{r}");
    assert_eq!(r["errors"][0]["extensions"]["limit"], "max-nesting");
    // Objects 3,000 deep inside login.
    let objects = format!(
        "mutation {{ login(username: {}1{}, password: \"x\") {{ token }} }}",
        "{a:".repeat(3000),
        "}".repeat(3000)
    );
    let r = post_raw(&app, None, json!({ "query": objects }).to_string()).await;
    assert_eq!(code(&r), "BAD_USER_INPUT", "{r}");
    // Variables 5,000 deep, alone and inside a batch.
    let deep_json = format!("{}1{}", "[".repeat(5000), "]".repeat(5000));
    let body = format!(
        r#"{{"query":"query($v: [Int]) {{ __typename }}","variables":{{"v":{deep_json}}}}}"#
    );
    let r = post_raw(&app, Some(&app.admin), body.clone()).await;
    assert_eq!(code(&r), "BAD_USER_INPUT", "{r}");
    assert_eq!(r["errors"][0]["extensions"]["limit"], "max-nesting");
    let r = post_raw(&app, Some(&app.admin), format!("[{body}]")).await;
    assert_eq!(code(&r), "BAD_USER_INPUT", "{r}");
    // Nesting a legitimate query needs is far from the bound.
    let ok = app
        .ok(
            "{ keyTeacherCounts(groupBy: [LEVEL]) { count } }",
            json!({}),
        )
        .await;
    assert_eq!(ok["keyTeacherCounts"], json!([]));
    still_serving(&app).await;
}

async fn queries_too_wide_to_check_are_refused_before_validation(app: TestApp) {
    // Thirty fragments each spreading the next ten times: 10^30 fields once expanded.
    let mut bomb = String::from("query { ...F0 }");
    for i in 0..30 {
        bomb.push_str(&format!(" fragment F{i} on Query {{"));
        for _ in 0..10 {
            bomb.push_str(&format!(" ...F{}", i + 1));
        }
        bomb.push_str(" }");
    }
    bomb.push_str(" fragment F30 on Query { __typename }");
    let e = app.err(&bomb, json!({})).await;
    assert_eq!(e["code"], "BAD_USER_INPUT");
    assert_eq!(e["limit"], "max-fields");
    // 1,001 aliases are over the default bound; 1,000 are not.
    let aliases = |n: usize| {
        let fields: String = (0..n).map(|i| format!(" a{i}: __typename")).collect();
        format!("{{{fields} }}")
    };
    let e = app.err(&aliases(1001), json!({})).await;
    assert_eq!(e["limit"], "max-fields", "{e}");
    let r = app.ok(&aliases(1000), json!({})).await;
    assert_eq!(r["a999"], "Query");
    still_serving(&app).await;
}

async fn a_stopped_request_names_the_changes_it_kept(app: TestApp) {
    // A school, then thousands of enrollment changes: far more than 50 ms of work, so the
    // request is stopped part way, after the school and some enrollments were committed.
    let slow = app
        .server_with(Settings {
            request_timeout_ms: 50,
            max_fields: 100_000,
            ..Settings::default()
        })
        .await;
    let aliases: String = (0..4000)
        .map(|i| {
            format!(
                " e{i}: setEnrollment(input: {{ schoolId: $s, schoolYear: {}, stage: PRIMARY, students: {} }}) {{ students }}",
                2000 + i % 26,
                100 + i
            )
        })
        .collect();
    let school = app.create_school("石城一小", "琴江镇", "URBAN").await;
    let query = format!("mutation($s: UUID!) {{{aliases} }}");
    let r = app
        .gql_at(&slow, Some(&app.admin), &query, json!({ "s": school }))
        .await;
    let err = &r["errors"][0];
    assert_eq!(err["extensions"]["code"], "BAD_USER_INPUT", "{r}");
    assert_eq!(err["extensions"]["limit"], "request-timeout-ms");
    let kept = err["extensions"]["kept"].as_array().expect("kept listed");
    // What the answer says was kept is exactly what the audit trail holds of this request.
    let events = app
        .ok(
            "{ auditEvents(first: 100, filter: { operation: \"setEnrollment\" }) { totalCount } }",
            json!({}),
        )
        .await["auditEvents"]["totalCount"]
        .as_i64()
        .unwrap();
    let confirmed = kept.iter().filter(|k| k["confirmed"] == true).count() as i64;
    let unsure = kept.len() as i64 - confirmed;
    assert!(
        events >= confirmed && events <= confirmed + unsure,
        "{events} events, the answer kept {kept:?}"
    );
    assert!(events < 4000, "the request was stopped part way");
    let message = err["message"].as_str().unwrap();
    if confirmed > 0 {
        assert!(message.contains("were kept"), "{message}");
    } else {
        assert!(message.contains("ms and was stopped"), "{message}");
    }
    still_serving(&app).await;
}

async fn one_login_per_request_whatever_the_aliases_or_batch(app: TestApp) {
    app.ok(
        "mutation { createUser(input: { username: \"hr.wang\", role: HR, password: \"correct horse battery\" }) { token } }",
        json!({}),
    )
    .await;
    let login = "login(username: \"hr.wang\", password: \"correct horse battery\") { token }";
    let r = app
        .gql(
            None,
            &format!("mutation {{ a: {login} b: {login} c: {login} }}"),
            json!({}),
        )
        .await;
    let errors = r["errors"].as_array().expect("errors");
    assert_eq!(errors.len(), 2, "{r}");
    assert!(
        errors
            .iter()
            .all(|e| e["extensions"]["code"] == "BAD_USER_INPUT")
    );
    assert!(r["data"]["a"]["token"].is_string(), "{r}");
    // A fragment spread is no way around it.
    let r = app
        .gql(
            Some(&app.admin),
            &format!("mutation {{ ...L a: {login} }} fragment L on Mutation {{ b: {login} }}"),
            json!({}),
        )
        .await;
    assert_eq!(r["errors"].as_array().map(Vec::len), Some(1), "{r}");
    // Nor is a batch: its operations share the one login.
    let one = json!({ "query": format!("mutation {{ {login} }}") });
    let r = post_raw(&app, None, json!([one, one, one]).to_string()).await;
    let answers = r.as_array().expect("a batch answer");
    assert!(answers[0]["data"]["login"]["token"].is_string(), "{r}");
    assert_eq!(
        answers[1]["errors"][0]["extensions"]["code"],
        "BAD_USER_INPUT"
    );
    assert_eq!(
        answers[2]["errors"][0]["extensions"]["code"],
        "BAD_USER_INPUT"
    );
}

async fn a_token_alone_cannot_plant_a_password(app: TestApp) {
    let token = app.create_user("hr.token", "HR", None).await;
    let before = app.row_counts().await;
    let e = app
        .err_as(
            Some(&token),
            "mutation { changePassword(currentPassword: \"x\", newPassword: \"0123456789abc\") }",
            json!({}),
        )
        .await;
    assert_eq!(e["code"], "BAD_USER_INPUT");
    assert_eq!(e["field"], "currentPassword");
    assert_eq!(app.row_counts().await, before);
    let r = app
        .gql(
            None,
            "mutation { login(username: \"hr.token\", password: \"0123456789abc\") { token } }",
            json!({}),
        )
        .await;
    assert_eq!(code(&r), "UNAUTHENTICATED");
}

async fn every_failed_login_answers_the_same(app: TestApp) {
    let with_password = |name: &str| {
        format!(
            "mutation {{ createUser(input: {{ username: \"{name}\", role: LEADER, password: \"correct horse battery\" }}) {{ user {{ id }} }} }}"
        )
    };
    app.ok(&with_password("leader.a"), json!({})).await;
    app.ok(&with_password("leader.locked"), json!({})).await;
    let disabled =
        app.ok(&with_password("leader.off"), json!({})).await["createUser"]["user"]["id"].clone();
    app.ok(
        "mutation($id: UUID!) { disableUser(id: $id) { id } }",
        json!({ "id": disabled }),
    )
    .await;
    app.create_user("leader.nopass", "LEADER", None).await;
    let attempt = |user: &str, password: &str| {
        let q = format!(
            "mutation {{ login(username: \"{user}\", password: \"{password}\") {{ token }} }}"
        );
        let app = &app;
        async move { app.err_as(None, &q, json!({})).await }
    };
    for _ in 0..5 {
        attempt("leader.locked", "wrong password!").await;
    }
    let answers = [
        attempt("nobody.here", "correct horse battery").await,
        attempt("leader.a", "wrong password!").await,
        attempt("leader.locked", "correct horse battery").await,
        attempt("leader.off", "correct horse battery").await,
        attempt("leader.nopass", "correct horse battery").await,
    ];
    for a in &answers {
        assert_eq!(a["code"], "UNAUTHENTICATED");
        assert_eq!(a["message"], answers[0]["message"], "{answers:#?}");
    }
}

async fn text_inputs_are_bounded_normalised_and_visible(app: TestApp) {
    let school = app
        .create_school("石城一小城北校区", "琴江镇", "URBAN")
        .await;
    // A zero-width space, a right-to-left override, a NUL: refused, nothing written.
    let before = app.row_counts().await;
    for name in [
        "石城一小城北校区\u{200b}",
        "\u{202e}石城一小",
        "石城\u{0}一小",
    ] {
        let e = app
            .err(
                "mutation($n: String!) { createSchool(input: { name: $n, township: \"琴江镇\", area: URBAN, stages: [PRIMARY] }) { id } }",
                json!({ "n": name }),
            )
            .await;
        assert_eq!(e["code"], "BAD_USER_INPUT", "{name:?}: {e}");
    }
    assert_eq!(app.row_counts().await, before);
    // The same name typed decomposed (e + combining accent) is stored composed, so a search
    // typed either way finds it.
    app.create_teacher(&school, "T-1", json!({ "name": "Ame\u{301}lie" }))
        .await;
    let find = "query($n: String) { teachers(filter: { nameContains: $n }) { totalCount } }";
    for typed in ["Am\u{e9}", "Ame\u{301}"] {
        let r = app.ok(find, json!({ "n": typed })).await;
        assert_eq!(r["teachers"]["totalCount"], 1, "{typed:?}");
    }
    // A NUL in a filter matched every teacher; now it is refused.
    let e = app.err(find, json!({ "n": "\u{0}" })).await;
    assert_eq!(e["code"], "BAD_USER_INPUT");
    // Each text has its bound, named in the refusal; the request has one for all.
    let e = app.err(find, json!({ "n": "李".repeat(51) })).await;
    assert_eq!(e["field"], "filter.nameContains", "{e}");
    assert!(e["message"].as_str().unwrap().contains("50"), "{e}");
    let e = app.err(find, json!({ "n": "x".repeat(50_000) })).await;
    assert_eq!(e["code"], "BAD_USER_INPUT");
    assert_eq!(e["limit"], "max-text-chars");
}

async fn dates_no_bureau_would_write_are_refused(app: TestApp) {
    let school = app.create_school("东城中小学", "琴江镇", "URBAN").await;
    let before = app.row_counts().await;
    let create = "mutation($i: CreateTeacherInput!) { createTeacher(input: $i) { id } }";
    let input = |extra: Value| {
        let base = json!({ "staffNo": "D-1", "name": "李明", "gender": "MALE", "schoolId": school,
                           "stage": "PRIMARY", "subject": "数学", "education": "BACHELOR",
                           "hiredOn": "2008-09-01" });
        json!({ "i": merged(base, &extra) })
    };
    for (extra, field) in [
        (json!({ "hiredOn": "9999-12-31" }), None),
        (json!({ "birthDate": "0000-01-01" }), None),
        (json!({ "birthDate": "1899-12-31" }), None),
        // Ten years old on the hire day, and ninety.
        (json!({ "birthDate": "1998-09-01" }), Some("birthDate")),
        (json!({ "birthDate": "1918-01-01" }), Some("birthDate")),
    ] {
        let e = app.err(create, input(extra.clone())).await;
        assert_eq!(e["code"], "BAD_USER_INPUT", "{extra}: {e}");
        if let Some(field) = field {
            assert_eq!(e["field"], field, "{extra}: {e}");
        }
    }
    let e = app
        .err(
            "mutation { retireTarget(code: \"STUDIOS_2025\", retiredOn: \"2023-01-01\") { code } }",
            json!({}),
        )
        .await;
    assert_eq!(e["field"], "retiredOn", "{e}");
    assert_eq!(app.row_counts().await, before);
    // Twenty-five at hire is fine.
    app.ok(create, input(json!({ "birthDate": "1983-09-01" })))
        .await;
}

async fn re_enabling_a_user_does_not_revive_its_tokens(app: TestApp) {
    let token = app.create_user("leader.li", "LEADER", None).await;
    let id = app.ok_as(&token, "{ me { id } }", json!({})).await["me"]["id"].clone();
    for op in ["disableUser", "enableUser"] {
        app.ok(
            &format!("mutation($id: UUID!) {{ {op}(id: $id) {{ id }} }}"),
            json!({ "id": id }),
        )
        .await;
    }
    let r = app.gql(Some(&token), "{ me { id } }", json!({})).await;
    assert_eq!(code(&r), "UNAUTHENTICATED", "{r}");
}

/// Connects, sends `sent`, and waits for the server to close or answer; returns what it
/// answered. Panics if the server neither answers nor closes within `patience`.
async fn held(addr: std::net::SocketAddr, sent: &str, patience: Duration) -> String {
    let mut socket = tokio::net::TcpStream::connect(addr).await.unwrap();
    socket.write_all(sent.as_bytes()).await.unwrap();
    let mut answer = Vec::new();
    match tokio::time::timeout(patience, socket.read_to_end(&mut answer)).await {
        Ok(_) => String::from_utf8_lossy(&answer).into_owned(),
        Err(_) => panic!("the server held the connection past {patience:?}"),
    }
}

async fn slow_clients_do_not_hold_connections(app: TestApp) {
    let base = app
        .server_with(Settings {
            header_timeout_ms: 200,
            body_timeout_ms: 200,
            idle_timeout_ms: 200,
            ..Settings::default()
        })
        .await;
    let addr: std::net::SocketAddr = base.trim_start_matches("http://").parse().unwrap();
    // Silence after connecting, half a request line, unfinished headers: closed, not held.
    let patience = Duration::from_secs(20);
    held(addr, "", patience).await;
    held(addr, "POST /graph", patience).await;
    held(addr, "POST /graphql HTTP/1.1\r\nHost: x\r\n", patience).await;
    // A body shorter than its length: answered as a refusal once the body timeout passes.
    let answer = held(
        addr,
        "POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n\
         Content-Length: 100\r\nConnection: close\r\n\r\n{\"query\":",
        patience,
    )
    .await;
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    assert!(answer.contains("BAD_USER_INPUT"), "{answer}");
    // At most two connections: a third waits until one closes, then is served.
    let limited = app
        .server_with(Settings {
            max_connections: 2,
            ..Settings::default()
        })
        .await;
    let addr: std::net::SocketAddr = limited.trim_start_matches("http://").parse().unwrap();
    let first = tokio::net::TcpStream::connect(addr).await.unwrap();
    let second = tokio::net::TcpStream::connect(addr).await.unwrap();
    let third = tokio::spawn(async move {
        held(
            addr,
            "GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
            Duration::from_secs(60),
        )
        .await
    });
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(
        !third.is_finished(),
        "a third connection was served while two were open"
    );
    drop(first);
    let answer = third.await.unwrap();
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    drop(second);
}

async fn bad_bodies_are_answered_in_the_requests_words(app: TestApp) {
    for body in ["[1, 2]", "{\"foo\": 1}", "42", "{"] {
        let r = post_raw(&app, None, body.to_owned()).await;
        assert_eq!(code(&r), "BAD_USER_INPUT", "{body}: {r}");
        let message = r["errors"][0]["message"].as_str().unwrap();
        assert!(
            !message.contains("BatchRequest") && !message.contains("untagged"),
            "{message}"
        );
    }
}

/// Faults 1 to 3 of the probe, against the binary over HTTP: the deep request that aborted
/// the process, the stopped request that claimed to have changed nothing, and the logins that
/// took it to 2 GB.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_running_binary_survives_the_probe() {
    let mut served = Served::start(&[
        "--request-timeout-ms",
        "1000",
        "--max-fields",
        "100000",
        "--max-complexity",
        "1000000",
    ]);
    let admin = served.token.clone();
    // 1. Deep nesting without a token: refused, and the process lives on.
    let lists = format!("{{ x(a: {}{}) }}", "[".repeat(2000), "]".repeat(2000));
    let r = served.post(None, json!({ "query": lists })).await;
    assert_eq!(code(&r), "BAD_USER_INPUT", "{r}");
    let objects = format!(
        "mutation {{ login(username: {}1{}, password: \"x\") {{ token }} }}",
        "{a:".repeat(3000),
        "}".repeat(3000)
    );
    let r = served.post(None, json!({ "query": objects })).await;
    assert_eq!(code(&r), "BAD_USER_INPUT", "{r}");
    assert!(served.alive(), "the process survived");
    let me = served
        .post(Some(&admin), json!({ "query": "{ me { username } }" }))
        .await;
    assert_eq!(me["data"]["me"]["username"], "admin");
    // 2. A request of 20,000 enrollment changes, far more than a second's work, is stopped part
    //    way; its answer lists what it kept, and the audit trail holds exactly that.
    let school = served
        .post(
            Some(&admin),
            json!({ "query": "mutation { createSchool(input: { name: \"东城中小学\", township: \"琴江镇\", area: URBAN, stages: [PRIMARY] }) { id } }" }),
        )
        .await["data"]["createSchool"]["id"]
        .clone();
    let aliases: String = (0..20_000)
        .map(|i| format!(" e{i}: setEnrollment(input: $i) {{ students }}"))
        .collect();
    let input =
        json!({ "schoolId": school, "schoolYear": 2025, "stage": "PRIMARY", "students": 1200 });
    let r = served
        .post(
            Some(&admin),
            json!({ "query": format!("mutation($i: SetEnrollmentInput!) {{{aliases} }}"), "variables": { "i": input } }),
        )
        .await;
    assert_eq!(code(&r), "BAD_USER_INPUT", "{r}");
    assert_eq!(r["errors"][0]["extensions"]["limit"], "request-timeout-ms");
    let kept = r["errors"][0]["extensions"]["kept"]
        .as_array()
        .expect("kept");
    let events = served
        .post(
            Some(&admin),
            json!({ "query": "{ auditEvents(filter: { operation: \"setEnrollment\" }) { totalCount } }" }),
        )
        .await["data"]["auditEvents"]["totalCount"]
        .as_u64()
        .expect("counted");
    let confirmed = kept.iter().filter(|k| k["confirmed"] == true).count() as u64;
    assert!(
        events >= confirmed && events <= kept.len() as u64 && events < 20_000,
        "{events} events; the answer kept {} ({confirmed} confirmed)",
        kept.len()
    );
    // 3. Thirty-two concurrent requests of ten aliased logins each: one hash a request, two at
    //    a time in memory reused from hash to hash, so memory stays flat (it reached 2 GB with
    //    a hash per alias, all at once; about 70 MiB now, of which two hashes hold 38).
    //    (A server of its own, with the default timeout: sixteen rounds of two hashes take a
    //    debug build longer than the second allowed above.)
    drop(served);
    let served = Served::start(&[]);
    let admin = served.token.clone();
    let user = served
        .post(
            Some(&admin),
            json!({ "query": "mutation { createUser(input: { username: \"hr.wang\", role: HR, password: \"correct horse battery\" }) { token } }" }),
        )
        .await;
    assert!(user["data"]["createUser"]["token"].is_string(), "{user}");
    let logins: String = (0..10)
        .map(|i| {
            format!(
                " l{i}: login(username: \"hr.wang\", password: \"wrong password {i}\") {{ token }}"
            )
        })
        .collect();
    let query = json!({ "query": format!("mutation {{{logins} }}") });
    let served = std::sync::Arc::new(served);
    let attempts: Vec<_> = (0..32)
        .map(|_| {
            let (served, query) = (served.clone(), query.clone());
            tokio::spawn(async move { served.post(None, query).await })
        })
        .collect();
    for attempt in attempts {
        let r = attempt.await.unwrap();
        let errors = r["errors"].as_array().expect("all refused");
        assert_eq!(errors.len(), 10);
        let refused_unhashed = errors
            .iter()
            .filter(|e| e["extensions"]["code"] == "BAD_USER_INPUT")
            .count();
        assert_eq!(refused_unhashed, 9, "{r}");
    }
    let peak = served.peak_mib();
    assert!(peak < 150, "peak resident memory {peak} MiB");
}
