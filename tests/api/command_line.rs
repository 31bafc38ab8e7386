//! The binary as an operator uses it: `serve` on an empty folder prints its address and the
//! admin token; `user add` prints a token as its last line; failures exit non-zero with one line.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

use serde_json::json;

const BIN: &str = env!("CARGO_BIN_EXE_teacher-registry");

fn temp_dir() -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("registry-cli-{}", uuid::Uuid::now_v7()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[tokio::test]
async fn serve_in_an_empty_folder_prints_its_address_and_the_admin_token() {
    let dir = temp_dir();
    let mut child = Command::new(BIN)
        .args(["serve", "--listen", "127.0.0.1:0"])
        .current_dir(&dir)
        .env_remove("DATABASE_URL")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut token = None;
    let mut addr = None;
    for line in lines.by_ref() {
        let line = line.unwrap();
        if line.starts_with("trg_") {
            token = Some(line);
        } else if let Some(a) = line.strip_prefix("listening on ") {
            addr = Some(a.to_owned());
            break;
        }
    }
    let (token, addr) = (
        token.expect("token printed"),
        addr.expect("address printed"),
    );
    let resp: serde_json::Value = reqwest::Client::new()
        .post(format!("{addr}/graphql"))
        .bearer_auth(&token)
        .json(&json!({ "query": "{ me { username role } }" }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    child.kill().ok();
    child.wait().ok();
    assert_eq!(
        resp["data"]["me"],
        json!({ "username": "admin", "role": "ADMIN" })
    );
    assert!(
        dir.join("registry.db").exists(),
        "registry.db created in the working directory"
    );
    std::fs::remove_dir_all(&dir).ok();
}

#[tokio::test]
async fn user_add_prints_a_working_token_last() {
    let dir = temp_dir();
    let db = dir.join("r.db");
    let db_arg = db.display().to_string();
    let out = Command::new(BIN)
        .args([
            "user",
            "add",
            "hr.cli",
            "--role",
            "hr",
            "--database-url",
            &db_arg,
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8(out.stdout).unwrap();
    let token = stdout.lines().last().unwrap().to_owned();
    assert!(token.starts_with("trg_") && token.len() > 40);
    let database =
        teacher_registry::store::Db::open(&teacher_registry::store::DbConfig::new(&db_arg))
            .await
            .unwrap();
    let actor = teacher_registry::service::auth::authenticate(&database, &token)
        .await
        .unwrap();
    assert_eq!(
        (actor.username.as_str(), actor.role),
        ("hr.cli", teacher_registry::domain::Role::Hr)
    );
    // The same username again, a bad role, a studio host without a teacher: one line, exit 1.
    for args in [
        vec!["user", "add", "hr.cli", "--role", "hr"],
        vec!["user", "add", "x.y", "--role", "janitor"],
        vec!["user", "add", "host.x", "--role", "studio-host"],
    ] {
        let out = Command::new(BIN)
            .args(&args)
            .args(["--database-url", &db_arg])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        let err = String::from_utf8(out.stderr).unwrap();
        let last = err.lines().last().unwrap_or_default();
        assert!(last.starts_with("error: "), "{args:?}: {err}");
    }
    let out = Command::new(BIN)
        .args(["migrate", "--database-url", &db_arg])
        .output()
        .unwrap();
    assert!(out.status.success());
    std::fs::remove_dir_all(&dir).ok();
}

#[tokio::test]
async fn demo_fills_an_empty_database_once() {
    let dir = temp_dir();
    let db = dir.join("demo.db").display().to_string();
    let run = || {
        Command::new(BIN)
            .args(["demo", "--database-url", &db])
            .output()
            .unwrap()
    };
    let first = run();
    assert!(
        first.status.success(),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
    let out = String::from_utf8(first.stdout).unwrap();
    assert!(
        out.contains("demo county created") && out.contains("25 schools"),
        "{out}"
    );
    let second = run();
    assert!(second.status.success());
    assert!(
        String::from_utf8(second.stdout)
            .unwrap()
            .contains("left it unchanged")
    );
    std::fs::remove_dir_all(&dir).ok();
}
