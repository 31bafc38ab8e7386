//! An operator backs up a SQLite registry while it serves, and restores it elsewhere: the
//! backup is whole (`PRAGMA integrity_check`), holds every write acknowledged before it began,
//! and served again answers with the same data. PostgreSQL is pointed to its own tools.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering::SeqCst};

use serde_json::json;

use crate::helpers::{CHILD_PATIENCE, Served, run};

const CREATE_SCHOOL: &str = "mutation($i: CreateSchoolInput!) { createSchool(input: $i) { id } }";

/// Schools created by the writer are named with this and their number.
const PREFIX: &str = "备份学校";

/// Sends createSchool writes one after the other until `stop`; `acked` counts those answered
/// with an id. Returns how many were acknowledged.
fn keep_writing(
    served: Arc<Served>,
    token: String,
    acked: Arc<AtomicUsize>,
    stop: Arc<AtomicBool>,
) -> tokio::task::JoinHandle<usize> {
    tokio::spawn(async move {
        let mut n = 0;
        while !stop.load(SeqCst) {
            let input = json!({ "name": format!("{PREFIX}{n}"), "township": "琴江镇",
                                "area": "URBAN", "stages": ["PRIMARY"] });
            let resp = served
                .post(
                    Some(&token),
                    json!({ "query": CREATE_SCHOOL, "variables": { "i": input } }),
                )
                .await;
            assert!(resp["data"]["createSchool"]["id"].is_string(), "{resp}");
            n += 1;
            acked.store(n, SeqCst);
        }
        n
    })
}

/// Waits until `acked` reaches `n` (bounded by [`CHILD_PATIENCE`], so a stuck writer fails).
async fn until_acked(acked: &AtomicUsize, n: usize) {
    let deadline = std::time::Instant::now() + CHILD_PATIENCE;
    while acked.load(SeqCst) < n {
        assert!(std::time::Instant::now() < deadline, "the writer stalled");
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    }
}

/// The backup's integrity verdict, its schools in all, and the writer's numbers it holds.
async fn read_backup(path: &std::path::Path) -> (Vec<String>, i64, Vec<usize>) {
    use sea_orm::sqlx;
    let mut conn = crate::helpers::sqlite_read_only(path).await;
    let verdict = crate::helpers::integrity_check(&mut conn).await;
    let schools: i64 = sqlx::query_scalar("SELECT count(*) FROM schools")
        .fetch_one(&mut conn)
        .await
        .expect("count");
    let names: Vec<String> = sqlx::query_scalar("SELECT name FROM schools")
        .fetch_all(&mut conn)
        .await
        .expect("names");
    let mut numbers: Vec<usize> = names
        .iter()
        .filter_map(|n| n.strip_prefix(PREFIX)?.parse().ok())
        .collect();
    numbers.sort_unstable();
    (verdict, schools, numbers)
}

async fn school_count(served: &Served, token: &str) -> i64 {
    let resp = served
        .post(
            Some(token),
            json!({ "query": "{ schools(first: 1) { totalCount } }" }),
        )
        .await;
    resp["data"]["schools"]["totalCount"]
        .as_i64()
        .unwrap_or_else(|| panic!("{resp}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_backup_under_write_load_restores_every_write_acknowledged_before_it() {
    let dir = Served::fresh_dir();
    let db = dir.join("registry.db").display().to_string();
    let demo = run(&["demo", "--teachers", "100", "--database-url", &db]);
    assert!(demo.status.success(), "{}", demo.stderr);
    let served = Arc::new(Served::start_in(dir.clone(), &[]));
    let token = served.token.clone();
    assert!(token.starts_with("trg_"), "serve printed the admin's token");
    let demo_schools = school_count(&served, &token).await;

    let (acked, stop) = (
        Arc::new(AtomicUsize::new(0)),
        Arc::new(AtomicBool::new(false)),
    );
    let writer = keep_writing(served.clone(), token.clone(), acked.clone(), stop.clone());
    until_acked(&acked, 10).await;
    let keep = Served::fresh_dir();
    let backup = keep.join("registry.backup").display().to_string();
    let before = acked.load(SeqCst);
    let args = ["backup", backup.as_str(), "--database-url", db.as_str()].map(str::to_owned);
    let out = tokio::task::spawn_blocking(move || run(&args.each_ref().map(String::as_str)))
        .await
        .expect("backup ran");
    assert!(out.status.success(), "{}", out.stderr);
    assert!(out.stdout.contains("integrity ok"), "{}", out.stdout);
    // Writes go on after the backup; then the writer stops.
    let after = acked.load(SeqCst);
    until_acked(&acked, after + 5).await;
    stop.store(true, SeqCst);
    let written = writer.await.expect("the writer ran");

    let (verdict, schools, numbers) = read_backup(std::path::Path::new(&backup)).await;
    assert_eq!(verdict, ["ok"]);
    // The writer is sequential, so the backup holds exactly its first writes: every one
    // acknowledged before the backup began, none it never sent.
    assert!(numbers.len() >= before, "{} < {before}", numbers.len());
    assert!(numbers.len() <= written);
    assert_eq!(numbers, (0..numbers.len()).collect::<Vec<_>>());

    // A second backup to the same name is refused; so is a restore onto the served file.
    let again = run(&["backup", &backup, "--database-url", &db]);
    assert_eq!(again.status.code(), Some(1));
    assert!(again.stderr.contains("exists already"), "{}", again.stderr);
    let onto_served = run(&["restore", &backup, "--database-url", &db]);
    assert_eq!(onto_served.status.code(), Some(1));
    assert!(
        onto_served.stderr.contains("open in another process"),
        "{}",
        onto_served.stderr
    );
    assert_eq!(
        school_count(&served, &token).await,
        demo_schools + written as i64
    );
    drop(served);

    let new_dir = Served::fresh_dir();
    let target = new_dir.join("registry.db").display().to_string();
    let restored = run(&["restore", &backup, "--database-url", &target]);
    assert!(restored.status.success(), "{}", restored.stderr);
    let served = Served::start_in(new_dir, &[]);
    assert_eq!(school_count(&served, &token).await, schools);
    let resp = served
        .post(
            Some(&token),
            json!({ "query": "{ teachers(first: 1) { totalCount } }" }),
        )
        .await;
    assert!(
        resp["data"]["teachers"]["totalCount"].as_i64() > Some(0),
        "{resp}"
    );
    std::fs::remove_dir_all(&keep).ok();
}

#[test]
fn postgres_is_pointed_to_its_own_tools() {
    let url = "postgres://registry:secret@127.0.0.1:5432/registry";
    let backup = run(&["backup", "x.dump", "--database-url", url]);
    assert_eq!(backup.status.code(), Some(1));
    assert!(backup.stderr.contains("pg_dump -Fc"), "{}", backup.stderr);
    let restore = run(&["restore", "x.dump", "--database-url", url]);
    assert_eq!(restore.status.code(), Some(1));
    assert!(restore.stderr.contains("pg_restore"), "{}", restore.stderr);
    assert!(!restore.stderr.contains("secret"), "{}", restore.stderr);
}

#[test]
fn a_file_that_is_no_registry_is_not_restored() {
    let dir = Served::fresh_dir();
    let junk = dir.join("junk.db");
    std::fs::write(&junk, b"not a database").expect("write");
    let target = dir.join("registry.db");
    let out = run(&[
        "restore",
        &junk.display().to_string(),
        "--database-url",
        &target.display().to_string(),
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stderr.contains("not a usable backup"), "{}", out.stderr);
    assert!(!target.exists(), "nothing put in place");
    let leftovers = std::fs::read_dir(&dir).expect("list").count();
    assert_eq!(leftovers, 1, "no temporary file left behind");
    std::fs::remove_dir_all(&dir).ok();
}

/// Schools named `name` in the SQLite file at `path`.
async fn schools_named(path: &std::path::Path, name: &str) -> i64 {
    use sea_orm::sqlx::{self, ConnectOptions as _, Connection as _};
    let mut conn = sqlx::sqlite::SqliteConnectOptions::new()
        .filename(path)
        .create_if_missing(false)
        .connect()
        .await
        .unwrap_or_else(|e| panic!("{} opens: {e}", path.display()));
    let n = sqlx::query_scalar("SELECT count(*) FROM schools WHERE name = ?")
        .bind(name)
        .fetch_one(&mut conn)
        .await
        .expect("count");
    conn.close().await.ok();
    n
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_restore_keeps_the_database_it_replaces_with_its_last_writes() {
    let served = Served::start(&[]);
    let db = served.dir.join("registry.db");
    let keep = Served::fresh_dir();
    let backup = keep.join("before.db");
    let out = run(&[
        "backup",
        &backup.display().to_string(),
        "--database-url",
        &db.display().to_string(),
    ]);
    assert!(out.status.success(), "{}", out.stderr);
    let input = json!({ "name": "最后的学校", "township": "琴江镇", "area": "URBAN",
                        "stages": ["PRIMARY"] });
    let resp = served
        .post(
            Some(&served.token),
            json!({ "query": CREATE_SCHOOL, "variables": { "i": input } }),
        )
        .await;
    assert!(resp["data"]["createSchool"]["id"].is_string(), "{resp}");
    // The files as a crash (kill -9) would leave them while the server idles: the last write
    // is committed in the WAL, not yet in the database file.
    let crashed = Served::fresh_dir();
    let target = crashed.join("registry.db");
    for suffix in ["", "-wal"] {
        let from = format!("{}{suffix}", db.display());
        std::fs::copy(&from, format!("{}{suffix}", target.display())).expect("copy");
    }
    drop(served);

    let out = run(&[
        "restore",
        &backup.display().to_string(),
        "--database-url",
        &target.display().to_string(),
    ]);
    assert!(out.status.success(), "{}", out.stderr);
    let kept = out
        .stdout
        .lines()
        .find_map(|l| l.strip_prefix("the database it replaced is kept as "))
        .unwrap_or_else(|| panic!("{}", out.stdout));
    assert!(
        !crashed.join("registry.db-wal").exists(),
        "the old WAL is not left to be replayed onto the restored database"
    );
    assert_eq!(schools_named(&target, "最后的学校").await, 0);
    assert_eq!(
        schools_named(std::path::Path::new(kept), "最后的学校").await,
        1,
        "the replaced database kept its last write"
    );
    std::fs::remove_dir_all(&crashed).ok();
    std::fs::remove_dir_all(&keep).ok();
}
