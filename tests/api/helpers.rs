//! `TestApp`: a server on port 0 over a fresh database, an admin token, and helpers that read
//! like the stories (`create_school`, `create_teacher`, `award`…).

use std::net::SocketAddr;

use serde_json::{Value, json};
use teacher_registry::config::Settings;
use teacher_registry::http::{AppState, serve};
use teacher_registry::service::auth::ensure_first_admin;
use teacher_registry::store::{Db, DbConfig};
use tokio::sync::oneshot;

/// Declares, for each async test function `name(app: TestApp)`, a module `name` with one
/// test per backend.
macro_rules! on_both_databases {
    ($($name:ident),* $(,)?) => {
        $(
            mod $name {
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn sqlite() {
                    super::$name(crate::helpers::TestApp::sqlite().await).await;
                }
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn postgres() {
                    if let Some(app) = crate::helpers::TestApp::postgres().await {
                        super::$name(app).await;
                    }
                }
            }
        )*
    };
}

/// Whether this is a CI run (`CI` set, not empty, not "false"): there no check may be skipped.
pub fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "false")
}

/// `TEST_DATABASE_URL`, or `None` with the note `skipped` (once per `once`) when it is unset;
/// in CI its absence fails the test instead: PostgreSQL tests may not be skipped there.
pub fn postgres_url(once: &std::sync::Once, skipped: &str) -> Option<String> {
    let url = std::env::var("TEST_DATABASE_URL")
        .ok()
        .filter(|url| !url.is_empty());
    if url.is_none() {
        assert!(
            !in_ci(),
            "CI must set TEST_DATABASE_URL: PostgreSQL tests may not be skipped"
        );
        say_skipped(once, skipped);
    }
    url
}

/// Tells the terminal, once per `once`, that a check did not run. It goes straight to standard
/// error: the test harness captures `eprintln!` of passing tests, and a skip must be seen.
pub fn say_skipped(once: &std::sync::Once, what: &str) {
    once.call_once(|| {
        use std::io::Write;
        let _ = writeln!(std::io::stderr().lock(), "\nnote: NOT CHECKED: {what}");
    });
}

pub struct TestApp {
    pub addr: SocketAddr,
    pub db: Db,
    pub admin: String,
    statements: std::sync::Arc<std::sync::atomic::AtomicUsize>,
    client: reqwest::Client,
    _shutdown: oneshot::Sender<()>,
    pub sqlite_file: Option<std::path::PathBuf>,
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(file) = &self.sqlite_file {
            for suffix in ["", "-wal", "-shm"] {
                let _ = std::fs::remove_file(format!("{}{suffix}", file.display()));
            }
        }
    }
}

impl TestApp {
    pub async fn sqlite() -> TestApp {
        let file = std::env::temp_dir().join(format!("registry-test-{}.db", uuid::Uuid::now_v7()));
        let config = DbConfig::new(file.display().to_string());
        let mut app = Self::start(config).await;
        app.sqlite_file = Some(file);
        app
    }

    /// A fresh schema in the `TEST_DATABASE_URL` database, or `None` (with a note) when the
    /// variable is unset outside CI.
    pub async fn postgres() -> Option<TestApp> {
        static SAID: std::sync::Once = std::sync::Once::new();
        let url = postgres_url(
            &SAID,
            "TEST_DATABASE_URL is unset, so the `postgres` variant of every integration test \
             passes without running (README, \"PostgreSQL\", to run them)",
        )?;
        // Fixes the process start before naming this test's schema, so the clean-up below
        // (here or in a concurrent test) never takes a schema of this run for an old one.
        std::sync::LazyLock::force(&STARTED);
        let schema = format!("t_{}", uuid::Uuid::now_v7().simple());
        let admin = sea_orm::Database::connect(&url)
            .await
            .expect("TEST_DATABASE_URL answers");
        use sea_orm::ConnectionTrait;
        drop_schemas_of_earlier_runs(&admin).await;
        admin
            .execute_unprepared(&format!("CREATE SCHEMA {schema}"))
            .await
            .expect("create test schema");
        admin.close().await.ok();
        let mut config = DbConfig::new(url);
        config.pg_schema = Some(schema);
        config.max_connections = 5;
        Some(Self::start(config).await)
    }

    /// Statements run by the server's read handle since the last reset.
    pub fn statements(&self) -> usize {
        self.statements.load(std::sync::atomic::Ordering::SeqCst)
    }

    pub fn reset_statements(&self) {
        self.statements
            .store(0, std::sync::atomic::Ordering::SeqCst);
    }

    async fn start(config: DbConfig) -> TestApp {
        // Logs show with `RUST_LOG=… cargo test -- --nocapture`.
        let _ = tracing_subscriber::fmt()
            .with_env_filter(tracing_subscriber::EnvFilter::from_default_env())
            .with_test_writer()
            .try_init();
        let mut db = Db::open(&config).await.expect("open test database");
        let statements = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let counter = statements.clone();
        db.observe_statements(move |_| {
            counter.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        });
        let admin = ensure_first_admin(&db)
            .await
            .expect("first admin")
            .expect("fresh database has no users");
        let state = AppState::new(db.clone(), Settings::default());
        let (tx, rx) = oneshot::channel::<()>();
        let (addr_tx, addr_rx) = oneshot::channel();
        tokio::spawn(async move {
            serve(
                state,
                "127.0.0.1:0",
                |addr| {
                    let _ = addr_tx.send(addr);
                },
                async {
                    let _ = rx.await;
                },
            )
            .await
            .expect("server runs");
        });
        let addr = addr_rx.await.expect("server bound");
        TestApp {
            addr,
            db,
            admin,
            statements,
            client: reqwest::Client::new(),
            _shutdown: tx,
            sqlite_file: None,
        }
    }

    /// Starts another server on the same database with other settings; returns its base URL.
    pub async fn server_with(&self, settings: Settings) -> String {
        let state = AppState::new(self.db.clone(), settings);
        let (addr_tx, addr_rx) = oneshot::channel();
        tokio::spawn(async move {
            let _ = serve(
                state,
                "127.0.0.1:0",
                |addr| {
                    let _ = addr_tx.send(addr);
                },
                std::future::pending(),
            )
            .await;
        });
        format!("http://{}", addr_rx.await.expect("second server bound"))
    }

    /// POSTs a GraphQL request to a server started by [`server_with`](Self::server_with).
    pub async fn gql_at(
        &self,
        base: &str,
        token: Option<&str>,
        query: &str,
        variables: Value,
    ) -> Value {
        let mut req = self
            .client
            .post(format!("{base}/graphql"))
            .json(&json!({ "query": query, "variables": variables }));
        if let Some(token) = token {
            req = req.bearer_auth(token);
        }
        req.send().await.expect("sent").json().await.expect("JSON")
    }

    /// POSTs `query` to the server at `base` as a multipart upload (the GraphQL multipart
    /// request spec), the file given as the variable `$file`, and returns the raw response.
    pub async fn upload_at(
        &self,
        base: &str,
        token: Option<&str>,
        query: &str,
        variables: &Value,
        (file_name, bytes): (&str, Vec<u8>),
    ) -> reqwest::Response {
        let form = upload_form(query, variables, (file_name, bytes));
        let mut req = self.client.post(format!("{base}/graphql")).multipart(form);
        if let Some(token) = token {
            req = req.bearer_auth(token);
        }
        req.send().await.expect("upload sent")
    }

    /// As [`upload_at`](Self::upload_at) on this app's server; the JSON answer.
    pub async fn upload(
        &self,
        token: Option<&str>,
        query: &str,
        variables: &Value,
        file: (&str, Vec<u8>),
    ) -> Value {
        let base = format!("http://{}", self.addr);
        self.upload_at(&base, token, query, variables, file)
            .await
            .json()
            .await
            .expect("JSON response")
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// POSTs a GraphQL request and returns the whole JSON response.
    pub async fn gql(&self, token: Option<&str>, query: &str, variables: Value) -> Value {
        let mut req = self
            .client
            .post(self.url("/graphql"))
            .json(&json!({ "query": query, "variables": variables }));
        if let Some(token) = token {
            req = req.bearer_auth(token);
        }
        let resp = req.send().await.expect("request sent");
        resp.json().await.expect("JSON response")
    }

    /// Runs a request that must succeed and returns its `data`.
    pub async fn ok_as(&self, token: &str, query: &str, variables: Value) -> Value {
        let resp = self.gql(Some(token), query, variables).await;
        assert!(
            resp.get("errors").is_none(),
            "unexpected errors: {resp:#}\nquery: {query}"
        );
        resp["data"].clone()
    }

    /// As [`ok_as`](Self::ok_as), with the admin's token.
    pub async fn ok(&self, query: &str, variables: Value) -> Value {
        self.ok_as(&self.admin.clone(), query, variables).await
    }

    /// Runs a request that must fail, and returns its first error's `extensions`.
    pub async fn err_as(&self, token: Option<&str>, query: &str, variables: Value) -> Value {
        let resp = self.gql(token, query, variables).await;
        let errors = resp["errors"]
            .as_array()
            .unwrap_or_else(|| panic!("expected an error, got {resp:#}\nquery: {query}"));
        assert!(!errors.is_empty());
        let mut ext = errors[0]["extensions"].clone();
        ext["message"] = errors[0]["message"].clone();
        ext
    }

    pub async fn err(&self, query: &str, variables: Value) -> Value {
        self.err_as(Some(&self.admin.clone()), query, variables)
            .await
    }

    /// Rows in every table of this test's database, by table name: a failed mutation must
    /// leave these unchanged. The tables are read from the database itself, so a table added by
    /// a migration is counted without anyone remembering to list it. SQLite's internal tables
    /// (`sqlite_*`: sequences, statistics) are left out: the engine keeps them, not the
    /// registry. Nothing else is: the migrations' bookkeeping table stays in, as no request
    /// may change it either.
    pub async fn row_counts(&self) -> Vec<(String, i64)> {
        use sea_orm::{ConnectionTrait, DbBackend, Statement};
        let backend = self.db.backend();
        let list = match backend {
            DbBackend::Sqlite => {
                "SELECT name AS t FROM sqlite_master \
                 WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name"
            }
            // `current_schema()` is the test's own schema: the connection's search path.
            DbBackend::Postgres => {
                "SELECT table_name::text AS t FROM information_schema.tables \
                 WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' \
                 ORDER BY table_name"
            }
            other => panic!("no test database on {other:?}"),
        };
        let tables: Vec<String> = self
            .db
            .read
            .query_all_raw(Statement::from_string(backend, list))
            .await
            .expect("list tables")
            .iter()
            .map(|row| row.try_get::<String>("", "t").expect("table name"))
            .collect();
        // An empty list would make every "changes nothing" check pass vacuously.
        for table in ["teachers", "targets", "audit_events"] {
            assert!(
                tables.iter().any(|t| t == table),
                "row_counts did not find table {table} among {tables:?}"
            );
        }
        let mut out = Vec::new();
        for table in tables {
            let stmt =
                Statement::from_string(backend, format!("SELECT COUNT(*) AS n FROM \"{table}\""));
            let row = self
                .db
                .read
                .query_one_raw(stmt)
                .await
                .expect("count")
                .expect("a row");
            let n = row.try_get::<i64>("", "n").expect("n");
            out.push((table, n));
        }
        out
    }

    pub async fn create_user(&self, username: &str, role: &str, teacher: Option<&str>) -> String {
        let data = self
            .ok(
                "mutation($i: CreateUserInput!) { createUser(input: $i) { token } }",
                json!({ "i": { "username": username, "role": role, "teacherId": teacher } }),
            )
            .await;
        data["createUser"]["token"]
            .as_str()
            .expect("token")
            .to_owned()
    }

    /// Creates a school teaching both stages; returns its id.
    pub async fn create_school(&self, name: &str, township: &str, area: &str) -> String {
        let data = self
            .ok(
                "mutation($i: CreateSchoolInput!) { createSchool(input: $i) { id } }",
                json!({ "i": { "name": name, "township": township, "area": area,
                               "stages": ["PRIMARY", "JUNIOR"] } }),
            )
            .await;
        data["createSchool"]["id"].as_str().expect("id").to_owned()
    }

    /// Creates a teacher from a JSON input merged over sensible defaults; returns its id.
    pub async fn create_teacher(&self, school: &str, staff_no: &str, extra: Value) -> String {
        let input = merged(
            json!({
                "staffNo": staff_no, "name": format!("教师{staff_no}"), "gender": "FEMALE",
                "schoolId": school, "stage": "PRIMARY", "subject": "语文", "education": "BACHELOR",
            }),
            &extra,
        );
        let data = self
            .ok(
                "mutation($i: CreateTeacherInput!) { createTeacher(input: $i) { id } }",
                json!({ "i": input }),
            )
            .await;
        data["createTeacher"]["id"].as_str().expect("id").to_owned()
    }

    /// Awards a designation; `extra` may add expiresOn, batch, subject, certificateNo.
    pub async fn award(
        &self,
        teacher: &str,
        kind: &str,
        level: &str,
        awarded_on: &str,
        extra: Value,
    ) -> String {
        let input = merged(
            json!({ "teacherId": teacher, "kind": kind, "level": level, "awardedOn": awarded_on }),
            &extra,
        );
        let data = self
            .ok(
                "mutation($i: AwardDesignationInput!) { awardDesignation(input: $i) { id } }",
                json!({ "i": input }),
            )
            .await;
        data["awardDesignation"]["id"]
            .as_str()
            .expect("id")
            .to_owned()
    }

    pub async fn revoke(&self, designation: &str, revoked_on: &str) {
        self.ok(
            "mutation($id: UUID!, $on: Date!) { revokeDesignation(id: $id, revokedOn: $on, reason: \"违规\") { id } }",
            json!({ "id": designation, "on": revoked_on }),
        )
        .await;
    }

    pub async fn depart(&self, teacher: &str, left_on: &str) {
        self.ok(
            "mutation($id: UUID!, $on: Date!) { recordDeparture(teacherId: $id, leftOn: $on, reason: \"调出\") { id } }",
            json!({ "id": teacher, "on": left_on }),
        )
        .await;
    }

    /// Creates a studio hosted by `host`; `established_on` of `None` leaves it PLANNED.
    pub async fn create_studio(
        &self,
        name: &str,
        school: &str,
        host: &str,
        established_on: Option<&str>,
        capacity: Option<i32>,
    ) -> String {
        let data = self
            .ok(
                "mutation($i: CreateStudioInput!) { createStudio(input: $i) { id } }",
                json!({ "i": { "name": name, "subject": "语文", "level": "COUNTY", "schoolId": school,
                               "hostTeacherId": host, "establishedOn": established_on,
                               "menteeCapacity": capacity } }),
            )
            .await;
        data["createStudio"]["id"].as_str().expect("id").to_owned()
    }

    /// Adds a member as `token`; returns the membership id.
    pub async fn add_member(&self, token: &str, studio: &str, teacher: &str, on: &str) -> String {
        let data = self
            .ok_as(
                token,
                "mutation($i: AddStudioMemberInput!) { addStudioMember(input: $i) { id } }",
                json!({ "i": { "studioId": studio, "teacherId": teacher, "joinedOn": on } }),
            )
            .await;
        data["addStudioMember"]["id"]
            .as_str()
            .expect("id")
            .to_owned()
    }

    /// Pairs `mentee` with `mentor` as `token`; returns the pair id.
    pub async fn pair(
        &self,
        token: &str,
        studio: &str,
        mentor: &str,
        mentee: &str,
        on: &str,
    ) -> String {
        let data = self
            .ok_as(
                token,
                "mutation($i: CreateMentoringPairInput!) { createMentoringPair(input: $i) { id } }",
                json!({ "i": { "studioId": studio, "mentorTeacherId": mentor,
                               "menteeTeacherId": mentee, "startedOn": on } }),
            )
            .await;
        data["createMentoringPair"]["id"]
            .as_str()
            .expect("id")
            .to_owned()
    }

    /// `keyTeacherCounts` with the given arguments (a GraphQL argument list) and selection.
    pub async fn counts(&self, args: &str, selection: &str) -> Value {
        let query = if args.is_empty() {
            format!("{{ keyTeacherCounts {{ {selection} count }} }}")
        } else {
            format!("{{ keyTeacherCounts({args}) {{ {selection} count }} }}")
        };
        self.ok(&query, json!({})).await["keyTeacherCounts"].clone()
    }

    /// The single total of `keyTeacherCounts(args)` (0 when no group is returned).
    pub async fn total(&self, args: &str) -> i64 {
        let rows = self.counts(args, "").await;
        let rows = rows.as_array().expect("rows");
        assert!(
            rows.len() <= 1,
            "ungrouped counts give at most one row: {rows:?}"
        );
        rows.first()
            .map_or(0, |r| r["count"].as_i64().expect("count"))
    }
}

/// Exactly one of the answers succeeded; every other one is `CONFLICT`.
pub fn one_won(results: &[Value], race: &str) {
    let won = results.iter().filter(|r| r.get("errors").is_none()).count();
    assert_eq!(won, 1, "{race}: {results:?}");
    for r in results.iter().filter(|r| r.get("errors").is_some()) {
        assert_eq!(
            r["errors"][0]["extensions"]["code"], "CONFLICT",
            "{race}: {r}"
        );
    }
}

/// A number from the environment (a long run's size, e.g. `RACE_WRITES`), or `default`.
pub fn setting(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// A read-only connection of its own to the SQLite file at `path`, beside any server on it.
pub async fn sqlite_read_only(path: &std::path::Path) -> sea_orm::sqlx::SqliteConnection {
    use sea_orm::sqlx::ConnectOptions as _;
    sea_orm::sqlx::sqlite::SqliteConnectOptions::new()
        .filename(path)
        .read_only(true)
        .connect()
        .await
        .unwrap_or_else(|e| panic!("{} opens: {e}", path.display()))
}

/// SQLite's verdict on the file behind `conn`: the lines of `PRAGMA integrity_check`, `["ok"]`
/// when it is whole.
pub async fn integrity_check(conn: &mut sea_orm::sqlx::SqliteConnection) -> Vec<String> {
    sea_orm::sqlx::query_scalar("PRAGMA integrity_check")
        .fetch_all(conn)
        .await
        .expect("integrity check")
}

/// A GraphQL multipart request (the multipart request spec): `query` with `variables`, and
/// the file as the variable `$file`.
pub fn upload_form(
    query: &str,
    variables: &Value,
    (file_name, bytes): (&str, Vec<u8>),
) -> reqwest::multipart::Form {
    let mut variables = variables.clone();
    variables["file"] = Value::Null;
    let operations = json!({ "query": query, "variables": variables });
    reqwest::multipart::Form::new()
        .text("operations", operations.to_string())
        .text("map", json!({ "0": ["variables.file"] }).to_string())
        .part(
            "0",
            reqwest::multipart::Part::bytes(bytes).file_name(file_name.to_owned()),
        )
}

/// `base` with the top-level keys of `extra` set over it: a request's input from defaults and
/// the fields one case changes.
pub fn merged(mut base: Value, extra: &Value) -> Value {
    let (Some(into), Some(extra)) = (base.as_object_mut(), extra.as_object()) else {
        panic!("merged takes two JSON objects, got {base} and {extra}");
    };
    for (k, v) in extra {
        into.insert(k.clone(), v.clone());
    }
    base
}

/// Runs futures concurrently on the test's task and returns their outputs in order: the
/// requests race inside the server, as a crowd of clients would make them.
pub async fn join_all<F: std::future::Future>(
    futures: impl IntoIterator<Item = F>,
) -> Vec<F::Output> {
    let mut pinned: Vec<_> = futures.into_iter().map(Box::pin).collect();
    let mut outputs: Vec<Option<F::Output>> = pinned.iter().map(|_| None).collect();
    std::future::poll_fn(|cx| {
        let mut pending = false;
        for (f, out) in pinned.iter_mut().zip(outputs.iter_mut()) {
            if out.is_none() {
                match f.as_mut().poll(cx) {
                    std::task::Poll::Ready(v) => *out = Some(v),
                    std::task::Poll::Pending => pending = true,
                }
            }
        }
        if pending {
            std::task::Poll::Pending
        } else {
            std::task::Poll::Ready(())
        }
    })
    .await;
    outputs.into_iter().flatten().collect()
}

/// How long a child process may take to print an awaited line or to finish. Far beyond any
/// healthy run of a debug build: it asserts nothing about speed, it only turns a hung child
/// into a failed test instead of a test run that never ends.
pub const CHILD_PATIENCE: std::time::Duration = std::time::Duration::from_secs(120);

/// The binary under test with `args`, on no database but the one its arguments or working
/// directory name (a developer's `DATABASE_URL` is removed).
pub fn registry(args: &[&str]) -> std::process::Command {
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_teacher-registry"));
    cmd.args(args).env_remove("DATABASE_URL");
    cmd
}

/// A child process, killed when dropped (also when the test panics), whose standard output and
/// error are read line by line on threads, so reading them never blocks past a deadline.
pub struct Child {
    child: std::process::Child,
    // Behind a lock so that a server's guard can be shared between tasks.
    stdout: std::sync::Mutex<std::sync::mpsc::Receiver<String>>,
    stderr: std::sync::Mutex<std::sync::mpsc::Receiver<String>>,
}

/// What a finished child printed and how it exited.
pub struct Finished {
    pub status: std::process::ExitStatus,
    pub stdout: String,
    pub stderr: String,
}

impl Child {
    pub fn spawn(mut cmd: std::process::Command) -> Child {
        use std::process::Stdio;
        let mut child = cmd
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {cmd:?}: {e}"));
        let stdout = lines_of(child.stdout.take().expect("piped stdout")).into();
        let stderr = lines_of(child.stderr.take().expect("piped stderr")).into();
        Child {
            child,
            stdout,
            stderr,
        }
    }

    /// The next line of standard output, or `None` once it is closed or `deadline` passes.
    pub fn line_before(&self, deadline: std::time::Instant) -> Option<String> {
        let left = deadline.saturating_duration_since(std::time::Instant::now());
        self.stdout.lock().expect("stdout").recv_timeout(left).ok()
    }

    /// What the child has written to standard error so far (for a failure's message).
    pub fn stderr_so_far(&self) -> String {
        let stderr = self.stderr.lock().expect("stderr");
        stderr.try_iter().collect::<Vec<_>>().join("\n")
    }

    pub fn alive(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(None))
    }

    pub fn id(&self) -> u32 {
        self.child.id()
    }

    /// Waits (at most [`CHILD_PATIENCE`]) for the child to exit and collects its output.
    pub fn finish(mut self) -> Finished {
        self.wait_for_exit()
    }

    /// As [`finish`](Self::finish), for a child that stays owned (a [`Served`]'s).
    fn wait_for_exit(&mut self) -> Finished {
        let deadline = std::time::Instant::now() + CHILD_PATIENCE;
        let status = loop {
            if let Some(status) = self.child.try_wait().expect("child status") {
                break status;
            }
            assert!(
                std::time::Instant::now() < deadline,
                "the child did not exit within {CHILD_PATIENCE:?}; it wrote: {}",
                self.stderr_so_far()
            );
            std::thread::sleep(std::time::Duration::from_millis(10));
        };
        // The reader threads end at the pipes' end of file, which follows the exit.
        let drain = |rx: &std::sync::Mutex<std::sync::mpsc::Receiver<String>>| {
            let rx = rx.lock().expect("output");
            let mut out = String::new();
            while let Ok(line) = rx.recv_timeout(CHILD_PATIENCE) {
                out.push_str(&line);
                out.push('\n');
            }
            out
        };
        let stdout = drain(&self.stdout);
        let stderr = drain(&self.stderr);
        Finished {
            status,
            stdout,
            stderr,
        }
    }

    fn kill(&mut self) {
        self.child.kill().ok();
        self.child.wait().ok();
    }
}

impl Drop for Child {
    fn drop(&mut self) {
        self.kill();
    }
}

/// Lines read from `pipe` by a thread of their own, until it closes.
fn lines_of(pipe: impl std::io::Read + Send + 'static) -> std::sync::mpsc::Receiver<String> {
    use std::io::BufRead;
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in std::io::BufReader::new(pipe).lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    rx
}

/// Runs the binary with `args` to its end (at most [`CHILD_PATIENCE`]).
pub fn run(args: &[&str]) -> Finished {
    Child::spawn(registry(args)).finish()
}

/// The binary's `serve` as an operator runs it, in a fresh folder of its own (so on a fresh
/// SQLite file `registry.db`), killed when dropped.
pub struct Served {
    child: Child,
    pub addr: String,
    /// The first admin's token as `serve` printed it on the empty database ("" if it did not).
    pub token: String,
    pub dir: std::path::PathBuf,
    client: reqwest::Client,
}

impl Served {
    /// `serve --listen 127.0.0.1:0` with `flags`; waits (at most [`CHILD_PATIENCE`]) for the
    /// address it prints.
    pub fn start(flags: &[&str]) -> Served {
        Served::start_in(Self::fresh_dir(), flags)
    }

    /// A fresh folder for a server of its own.
    pub fn fresh_dir() -> std::path::PathBuf {
        let dir = std::env::temp_dir().join(format!("registry-serve-{}", uuid::Uuid::now_v7()));
        std::fs::create_dir_all(&dir).expect("a folder for the server");
        dir
    }

    /// As [`start`](Self::start), in `dir` (which may hold a `registry.db` already).
    pub fn start_in(dir: std::path::PathBuf, flags: &[&str]) -> Served {
        let mut served = Served::spawn_in(dir, flags, &[]);
        served.wait_for_address();
        served
    }

    /// Starts `serve` in `dir` with `flags` and environment variables `envs`, without waiting
    /// for it: several can be started at the same moment, then each waited for with
    /// [`wait_for_address`](Self::wait_for_address).
    pub fn spawn_in(dir: std::path::PathBuf, flags: &[&str], envs: &[(&str, &str)]) -> Served {
        let mut cmd = registry(&["serve", "--listen", "127.0.0.1:0"]);
        cmd.args(flags).envs(envs.iter().copied()).current_dir(&dir);
        Served {
            child: Child::spawn(cmd),
            addr: String::new(),
            token: String::new(),
            dir,
            client: reqwest::Client::builder()
                .timeout(CHILD_PATIENCE)
                .build()
                .expect("HTTP client"),
        }
    }

    /// Reads standard output (at most [`CHILD_PATIENCE`]) up to the address the server prints,
    /// keeping the admin token if it prints one first.
    pub fn wait_for_address(&mut self) {
        let deadline = std::time::Instant::now() + CHILD_PATIENCE;
        while let Some(line) = self.child.line_before(deadline) {
            if line.starts_with("trg_") {
                self.token = line;
            } else if let Some(a) = line.strip_prefix("listening on ") {
                self.addr = a.to_owned();
                break;
            }
        }
        assert!(
            !self.addr.is_empty(),
            "the server printed no address; it wrote: {}",
            self.child.stderr_so_far()
        );
    }

    /// Sends SIGTERM (with `kill`, as an operator or systemd would) and waits, at most
    /// [`CHILD_PATIENCE`], for the process to exit; returns how it did and what it wrote.
    pub fn terminate(&mut self) -> Finished {
        self.send_sigterm();
        self.wait_for_exit()
    }

    /// Sends SIGTERM with `kill` and returns at once.
    pub fn send_sigterm(&self) {
        let status = std::process::Command::new("kill")
            .arg("-TERM")
            .arg(self.child.id().to_string())
            .status()
            .expect("kill runs");
        assert!(status.success(), "kill -TERM failed");
    }

    /// Waits (at most [`CHILD_PATIENCE`]) for the process to exit; how it did and what it
    /// wrote since.
    pub fn wait_for_exit(&mut self) -> Finished {
        self.child.wait_for_exit()
    }

    /// Reads standard error (at most [`CHILD_PATIENCE`]) up to a line containing `needle`;
    /// whether one came. The lines read are not seen again.
    pub fn stderr_line_containing(&self, needle: &str) -> bool {
        let deadline = std::time::Instant::now() + CHILD_PATIENCE;
        let stderr = self.child.stderr.lock().expect("stderr");
        loop {
            let left = deadline.saturating_duration_since(std::time::Instant::now());
            match stderr.recv_timeout(left) {
                Ok(line) if line.contains(needle) => return true,
                Ok(_) => {}
                Err(_) => return false,
            }
        }
    }

    pub fn alive(&mut self) -> bool {
        self.child.alive()
    }

    /// The process's peak resident memory, in MiB (Linux).
    pub fn peak_mib(&self) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id()))
            .unwrap_or_default();
        status
            .lines()
            .find_map(|l| l.strip_prefix("VmHWM:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
            .map_or(0, |kb| kb / 1024)
    }

    /// POSTs a JSON body to its `/graphql` and returns the JSON answer.
    pub async fn post(&self, token: Option<&str>, body: Value) -> Value {
        let mut req = self
            .client
            .post(format!("{}/graphql", self.addr))
            .json(&body);
        if let Some(token) = token {
            req = req.bearer_auth(token);
        }
        req.send().await.expect("sent").json().await.expect("JSON")
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        // The process first, so nothing writes into the folder as it goes.
        self.child.kill();
        std::fs::remove_dir_all(&self.dir).ok();
    }
}

/// When this test process started: schemas named with an earlier UUID v7 time belong to
/// earlier runs and are dropped, so a developer's database does not fill up.
static STARTED: std::sync::LazyLock<u64> = std::sync::LazyLock::new(|| {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as u64)
});

async fn drop_schemas_of_earlier_runs(conn: &sea_orm::DatabaseConnection) {
    use sea_orm::ConnectionTrait;
    let started = *STARTED;
    let rows = conn
        .query_all_raw(sea_orm::Statement::from_string(
            sea_orm::DbBackend::Postgres,
            "SELECT nspname FROM pg_namespace WHERE nspname LIKE 't\\_%'",
        ))
        .await
        .unwrap_or_default();
    for row in rows {
        let Ok(name) = row.try_get::<String>("", "nspname") else {
            continue;
        };
        let Ok(id) = uuid::Uuid::parse_str(&name[2..]) else {
            continue;
        };
        let Some((secs, nanos)) = id.get_timestamp().map(|t| t.to_unix()) else {
            continue;
        };
        if secs * 1000 + u64::from(nanos / 1_000_000) < started {
            let _ = conn
                .execute_unprepared(&format!("DROP SCHEMA IF EXISTS {name} CASCADE"))
                .await;
        }
    }
}

/// A database of its own on the `TEST_DATABASE_URL` server, created fresh (the schemas the
/// other tests use would not do for a database nobody has migrated, or one whose server is
/// killed), and dropped by [`drop`](Self::drop).
pub struct FreshDatabase {
    /// A connection to the server's `postgres` database, to create and drop it.
    maintenance: sea_orm::DatabaseConnection,
    pub name: String,
    pub url: String,
}

impl FreshDatabase {
    /// Named `prefix` then a UUID v7 (whose time is its creation's), so that leftovers of
    /// failed runs with the same prefix can be found and dropped.
    pub async fn create(test_url: &str, prefix: &'static str) -> FreshDatabase {
        use sea_orm::ConnectionTrait;
        // `postgres://user@host:port/db?options`: the same server, another database.
        let (without_query, query) = match test_url.split_once('?') {
            Some((url, query)) => (url, format!("?{query}")),
            None => (test_url, String::new()),
        };
        let server = without_query
            .rsplit_once('/')
            .map(|(server, _)| server)
            .expect("TEST_DATABASE_URL names a database");
        let maintenance = sea_orm::Database::connect(format!("{server}/postgres{query}"))
            .await
            .expect("the server's `postgres` database answers");
        drop_leftovers(&maintenance, prefix).await;
        let name = format!("{prefix}{}", uuid::Uuid::now_v7().simple());
        maintenance
            .execute_unprepared(&format!("CREATE DATABASE {name}"))
            .await
            .expect("create a fresh database");
        let url = format!("{server}/{name}{query}");
        FreshDatabase {
            maintenance,
            name,
            url,
        }
    }

    pub async fn drop(self) {
        use sea_orm::ConnectionTrait;
        // FORCE: a server's pool may still be closing its connections.
        self.maintenance
            .execute_unprepared(&format!(
                "DROP DATABASE IF EXISTS {} WITH (FORCE)",
                self.name
            ))
            .await
            .expect("drop the fresh database");
        self.maintenance.close().await.ok();
    }
}

/// Drops the fresh databases that failed runs left (a panic skips [`FreshDatabase::drop`]) once
/// they are an hour old, so that a run going on beside this one keeps its own.
async fn drop_leftovers(maintenance: &sea_orm::DatabaseConnection, prefix: &str) {
    use sea_orm::ConnectionTrait;
    let rows = maintenance
        .query_all_raw(sea_orm::Statement::from_string(
            sea_orm::DbBackend::Postgres,
            format!("SELECT datname::text AS name FROM pg_database WHERE datname LIKE '{prefix}%'"),
        ))
        .await
        .unwrap_or_default();
    let hour_ago = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
        .saturating_sub(3600);
    for row in rows {
        let Ok(name) = row.try_get::<String>("", "name") else {
            continue;
        };
        let created = uuid::Uuid::parse_str(&name[prefix.len()..])
            .ok()
            .and_then(|id| id.get_timestamp())
            .map(|t| t.to_unix().0);
        if created.is_some_and(|secs| secs < hour_ago) {
            let _ = maintenance
                .execute_unprepared(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                .await;
        }
    }
}

/// A small deterministic generator for the reference-model tests (no dependency needed for a
/// test's randomness): the same seed draws the same registry on every run and machine.
pub struct Lcg(pub u64);

impl Lcg {
    /// 0 to `n` − 1.
    pub fn next(&mut self, n: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 33) % n
    }
    /// 0 to `n` − 1 days.
    pub fn days(&mut self, n: i64) -> chrono::Duration {
        chrono::Duration::days(self.next(n.max(1) as u64) as i64)
    }
    /// A day from `start` to `span` − 1 days after it.
    pub fn day_after(&mut self, start: chrono::NaiveDate, span: i64) -> chrono::NaiveDate {
        start + self.days(span)
    }
    /// One of `xs` (not empty).
    pub fn pick<T: Copy>(&mut self, xs: &[T]) -> T {
        xs[self.next(xs.len() as u64) as usize]
    }
}
