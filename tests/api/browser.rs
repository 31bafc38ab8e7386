//! The web pages in a real browser: the demo county served by the binary, the pages driven in
//! Debian's headless Chromium by playwright-core (`web/e2e/run.mjs` and its `*.test.mjs`).
//! Each page test compares what the page shows with what the API answers, and the runner fails
//! any test whose page makes a request to another server or prints an error.
//!
//! Needs `node`, `chromium` and `npm ci --prefix web/e2e`; `.ci/run` installs them, and in CI
//! their absence fails this test. Elsewhere it is skipped with a NOT CHECKED note.

use serde_json::{Value, json};

use crate::helpers::{CHILD_PATIENCE, Child, Served, in_ci, run, say_skipped};

static SKIPPED: std::sync::Once = std::sync::Once::new();
const PASSWORD: &str = "e2e-password-2026";

/// The e2e folder of the repository.
fn e2e_dir() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("web/e2e")
}

/// What the browser tests need and is missing, if anything.
fn missing_tools() -> Vec<String> {
    let chromium = std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
    let mut missing = Vec::new();
    let node = std::process::Command::new("node").arg("--version").output();
    if !node.is_ok_and(|o| o.status.success()) {
        missing.push("node".to_owned());
    }
    if !std::path::Path::new(&chromium).exists() {
        missing.push(format!("chromium at {chromium}"));
    }
    if !e2e_dir().join("node_modules/playwright-core").exists() {
        missing.push("playwright-core (npm ci --prefix web/e2e)".to_owned());
    }
    missing
}

/// A user with a password, created with the admin's token.
async fn user(served: &Served, username: &str, role: &str, teacher: Option<&str>) -> Value {
    let resp = served
        .post(
            Some(&served.token),
            json!({ "query": "mutation($i: CreateUserInput!) { createUser(input: $i) { user { username } } }",
                    "variables": { "i": { "username": username, "role": role, "teacherId": teacher, "password": PASSWORD } } }),
        )
        .await;
    assert!(resp.get("errors").is_none(), "{resp}");
    json!({ "username": username, "password": PASSWORD })
}

#[tokio::test]
async fn the_pages_show_what_the_api_answers_in_a_real_browser() {
    let missing = missing_tools();
    if !missing.is_empty() {
        assert!(
            !in_ci(),
            "CI must run the browser tests; missing: {}",
            missing.join(", ")
        );
        say_skipped(
            &SKIPPED,
            &format!("the browser tests (missing: {})", missing.join(", ")),
        );
        return;
    }
    let dir = Served::fresh_dir();
    let demo = run(&[
        "demo",
        "--database-url",
        &dir.join("registry.db").display().to_string(),
    ]);
    assert!(demo.status.success(), "{}", demo.stderr);
    let served = Served::start_in(dir, &[]);
    assert!(served.token.starts_with("trg_"), "the admin's token");
    // The host of an established studio, for the studio page.
    let studios = served
        .post(
            Some(&served.token),
            json!({ "query": "{ studios(first: 100) { nodes { id status host { id } } } }" }),
        )
        .await;
    let studio = studios["data"]["studios"]["nodes"]
        .as_array()
        .and_then(|s| s.iter().find(|s| s["status"] == "ACTIVE").cloned())
        .unwrap_or_else(|| panic!("an active demo studio: {studios}"));
    let host_teacher = studio["host"]["id"].as_str().expect("host id").to_owned();
    let mut host = user(&served, "host.e2e", "STUDIO_HOST", Some(&host_teacher)).await;
    host["studioId"] = studio["id"].clone();
    let artifacts = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("e2e-artifacts");
    let config = json!({
        "url": served.addr,
        "adminToken": served.token,
        "artifacts": artifacts,
        "users": {
            "leader": user(&served, "leader.e2e", "LEADER", None).await,
            "hr": user(&served, "hr.e2e", "HR", None).await,
            "host": host,
        },
    });
    let mut cmd = std::process::Command::new("node");
    cmd.arg(e2e_dir().join("run.mjs"))
        .env("E2E_CONFIG", config.to_string())
        .current_dir(e2e_dir());
    let out = Child::spawn(cmd).finish();
    println!("{}", out.stdout);
    assert!(
        out.status.success(),
        "the browser tests failed (screenshots in {}; patience {:?}):\n{}\n{}",
        artifacts.display(),
        CHILD_PATIENCE,
        out.stdout,
        out.stderr
    );
}
