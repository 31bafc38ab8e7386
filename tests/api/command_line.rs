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
    let tokens = teacher_registry::service::auth::TokenCache::off();
    let actor = teacher_registry::service::auth::authenticate(&database, &tokens, &token)
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

#[tokio::test]
async fn import_loads_a_sheet_and_lists_every_problem_of_a_bad_one() {
    let dir = temp_dir();
    let db = dir.join("import.db").display().to_string();
    let file = |name: &str, text: &str| {
        let path = dir.join(name);
        std::fs::write(&path, text).unwrap();
        path.display().to_string()
    };
    let schools = file(
        "学校.csv",
        "学校,乡镇,城区/农村,学段\n琴江小学,琴江镇,城区,小学\n高田学校,高田镇,农村,小学;初中\n",
    );
    let out = run(&["import", "schools", &schools, "--database-url", &db]);
    assert!(out.status.success(), "{}", out.stderr);
    assert_eq!(
        out.stdout.trim(),
        "学校.csv: 2 schools rows: 2 created, 0 updated, 0 unchanged"
    );
    let teachers = file(
        "教师.csv",
        "工号,姓名,性别,学校,学段,学科,学历,备注\nQJ-1,李敏,女,琴江小学,小学,语文,本科,\nGT-1,赖芳,女,高田学校,初中,英语,大专,\n",
    );
    let dry = run(&[
        "import",
        "teachers",
        &teachers,
        "--dry-run",
        "--database-url",
        &db,
    ]);
    assert!(dry.status.success(), "{}", dry.stderr);
    assert_eq!(
        dry.stdout.trim(),
        "教师.csv: 2 teachers rows: 2 created, 0 updated, 0 unchanged; columns ignored: 备注 (dry run: nothing was written)"
    );
    let again = run(&["import", "schools", &schools, "--database-url", &db]);
    assert_eq!(
        again.stdout.trim(),
        "学校.csv: 2 schools rows: 0 created, 0 updated, 2 unchanged"
    );
    // A bad sheet: every problem on its own line, the last line says nothing was written,
    // exit 1; then the dry run's teachers are still not there.
    let bad = file(
        "bad.csv",
        "工号,姓名,性别,学校,学段,学科,学历\nQJ-2,王强,男,琴江小学,初中,数学,本科\nQJ-3,,男,无名学校,小学,语文,本科\n",
    );
    let out = run(&["import", "teachers", &bad, "--database-url", &db]);
    assert_eq!(out.status.code(), Some(1), "{}", out.stdout);
    let problems: Vec<&str> = out
        .stderr
        .lines()
        .filter(|l| l.starts_with("row ") || l.starts_with("error: "))
        .collect();
    assert_eq!(
        problems,
        vec![
            "row 2, 学段 \"初中\": 琴江小学 does not teach the JUNIOR stage",
            "row 3, 姓名 \"\": must not be empty",
            "error: bad.csv: 2 problems; nothing was written",
        ]
    );
    let database = teacher_registry::store::Db::open(&teacher_registry::store::DbConfig::new(&db))
        .await
        .unwrap();
    let count = teacher_registry::store::teacher::count(&database.read, &Default::default())
        .await
        .unwrap();
    assert_eq!(
        count, 0,
        "neither the dry run nor the bad sheet wrote a teacher"
    );
    std::fs::remove_dir_all(&dir).ok();
}

#[tokio::test]
async fn import_training_records_from_the_command_line() {
    let dir = temp_dir();
    let db = dir.join("training.db").display().to_string();
    let file = |name: &str, text: &str| {
        let path = dir.join(name);
        std::fs::write(&path, text).unwrap();
        path.display().to_string()
    };
    let schools = file(
        "学校.csv",
        "学校,乡镇,城区/农村,学段\n琴江小学,琴江镇,城区,小学\n",
    );
    let teachers = file(
        "教师.csv",
        "工号,姓名,性别,学校,学段,学科,学历,入职日期\nQJ-1,李敏,女,琴江小学,小学,语文,本科,2010-09-01\n",
    );
    for (kind, path) in [("schools", &schools), ("teachers", &teachers)] {
        let out = run(&["import", kind, path, "--database-url", &db]);
        assert!(out.status.success(), "{}", out.stderr);
    }
    let training = file(
        "培训.csv",
        "工号,培训名称,级别,类型,主办单位,开始日期,结束日期,学时\n\
         QJ-1,县级骨干教师培训,县培,集中培训,县教师进修学校,2024-07-15,2024-07-19,40\n\
         QJ-1,国培计划网络研修,国培,网络研修,教育部,2024-03-01,2024-06-30,50.5\n",
    );
    let out = run(&[
        "import",
        "training-records",
        &training,
        "--database-url",
        &db,
    ]);
    assert!(out.status.success(), "{}", out.stderr);
    assert_eq!(
        out.stdout.trim(),
        "培训.csv: 2 training-records rows: 2 created, 0 updated, 0 unchanged"
    );
    let again = run(&[
        "import",
        "training-records",
        &training,
        "--database-url",
        &db,
    ]);
    assert_eq!(
        again.stdout.trim(),
        "培训.csv: 2 training-records rows: 0 created, 0 updated, 2 unchanged"
    );
    let bad = file(
        "bad.csv",
        "工号,培训名称,级别,类型,主办单位,开始日期,结束日期,学时\nQJ-1,一日培训,县培,集中培训,县教师进修学校,2024-05-06,2024-05-06,400\n",
    );
    let out = run(&["import", "training-records", &bad, "--database-url", &db]);
    assert_eq!(out.status.code(), Some(1), "{}", out.stdout);
    let problems: Vec<&str> = out
        .stderr
        .lines()
        .filter(|l| l.starts_with("row ") || l.starts_with("error: "))
        .collect();
    assert_eq!(
        problems,
        vec![
            "row 2, 学时 \"400\": a training of 1 day(s) counts at most 10 hours (10 a day)",
            "error: bad.csv: 1 problems; nothing was written",
        ]
    );
    std::fs::remove_dir_all(&dir).ok();
}
