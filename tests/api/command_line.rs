//! The binary as an operator uses it: `serve` on an empty folder prints its address and the
//! admin token; `user add` prints a token as its last line; failures exit non-zero with one line.

use serde_json::json;

use crate::helpers::{Served, run};

fn temp_dir() -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("registry-cli-{}", uuid::Uuid::now_v7()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[tokio::test]
async fn serve_in_an_empty_folder_prints_its_address_and_the_admin_token() {
    let served = Served::start(&[]);
    assert!(
        served.token.starts_with("trg_"),
        "the admin token printed before the address"
    );
    let resp = served
        .post(
            Some(&served.token),
            json!({ "query": "{ me { username role } }" }),
        )
        .await;
    assert_eq!(
        resp["data"]["me"],
        json!({ "username": "admin", "role": "ADMIN" })
    );
    assert!(
        served.dir.join("registry.db").exists(),
        "registry.db created in the working directory"
    );
}

#[tokio::test]
async fn user_add_prints_a_working_token_last() {
    let dir = temp_dir();
    let db = dir.join("r.db");
    let db_arg = db.display().to_string();
    let out = run(&[
        "user",
        "add",
        "hr.cli",
        "--role",
        "hr",
        "--database-url",
        &db_arg,
    ]);
    assert!(out.status.success(), "{}", out.stderr);
    let token = out.stdout.lines().last().unwrap().to_owned();
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
        let out = run(&[&args[..], &["--database-url", &db_arg]].concat());
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        let last = out.stderr.lines().last().unwrap_or_default();
        assert!(last.starts_with("error: "), "{args:?}: {}", out.stderr);
    }
    let out = run(&["migrate", "--database-url", &db_arg]);
    assert!(out.status.success(), "{}", out.stderr);
    std::fs::remove_dir_all(&dir).ok();
}

#[tokio::test]
async fn demo_fills_an_empty_database_once() {
    let dir = temp_dir();
    let db = dir.join("demo.db").display().to_string();
    let demo = || run(&["demo", "--database-url", &db]);
    let first = demo();
    assert!(first.status.success(), "{}", first.stderr);
    let out = first.stdout;
    assert!(
        out.contains("demo county created") && out.contains("25 schools"),
        "{out}"
    );
    let second = demo();
    assert!(second.status.success(), "{}", second.stderr);
    assert!(
        second.stdout.contains("left it unchanged"),
        "{}",
        second.stdout
    );
    std::fs::remove_dir_all(&dir).ok();
}
