//! Crashes (issue 12, item 2): a process is killed with SIGKILL — no shutdown, no flush, no
//! rollback of its own — and the registry must not care. Three stories, each some rounds on a
//! fresh database: `serve` killed during a large teachers upload, the `import` command killed
//! while a server serves the same database, and `serve` killed under eight clients' writes.
//! After every kill SQLite's `PRAGMA integrity_check` says `ok` (PostgreSQL, whose own server
//! is never the one killed, answers), an import is there whole or not at all (with its audit
//! event, or without), the same sheet loaded again gives the exact numbers, and every write
//! that was acknowledged reads back by id.
//!
//! The kill's timing is varied but never decides the verdict: whichever moment it lands on,
//! the same rules must hold. `CRASH_ROUNDS` (default 2), `CRASH_IMPORT_ROWS` (default 5,000)
//! and `CRASH_WRITES` (acknowledged writes before each kill, default 100) size the run; the
//! full one, which prints a line per round, is
//! `CRASH_ROUNDS=10 CRASH_IMPORT_ROWS=50000 CRASH_WRITES=1000 cargo test --test api
//! surviving_crashes -- --nocapture`.

use std::os::unix::process::ExitStatusExt as _;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering::SeqCst};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::helpers::{
    CHILD_PATIENCE, Child, Finished, FreshDatabase, Served, integrity_check, postgres_url,
    registry, setting, sqlite_read_only, upload_form,
};

/// Clients writing side by side in the write-load rounds.
const WRITERS: usize = 8;
/// Schools the import sheet's teachers are spread over.
const SCHOOLS: usize = 20;
const SUBJECTS: [&str; 4] = ["语文", "数学", "英语", "美术"];
const CREATE_TEACHER: &str =
    "mutation($i: CreateTeacherInput!) { createTeacher(input: $i) { id } }";
const REPORT: &str = "rows created updated unchanged";

/// One test per backend of `$story(store)`, each on a fresh database of its own.
macro_rules! on_both_stores {
    ($($name:ident => $story:ident),* $(,)?) => {
        $(
            mod $name {
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn sqlite() {
                    super::$story(super::Store::sqlite()).await;
                }
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn postgres() {
                    if let Some(store) = super::Store::postgres().await {
                        super::$story(store).await;
                    }
                }
            }
        )*
    };
}

on_both_stores!(
    a_server_killed_during_an_import_leaves_all_of_it_or_none => import_rounds,
    an_import_command_killed_leaves_all_of_it_or_none => command_rounds,
    a_server_killed_under_write_load_keeps_every_acknowledged_write => write_rounds,
);

/// The database the killed servers share: a fresh SQLite file, or a fresh PostgreSQL database
/// (a database rather than a schema: `serve` takes only a URL).
enum Store {
    Sqlite { dir: PathBuf },
    Postgres(FreshDatabase),
}

impl Store {
    fn sqlite() -> Store {
        Store::Sqlite {
            dir: Served::fresh_dir(),
        }
    }

    /// A fresh database on the `TEST_DATABASE_URL` server, or `None` (with a note) when the
    /// variable is unset outside CI.
    async fn postgres() -> Option<Store> {
        static SAID: std::sync::Once = std::sync::Once::new();
        let test_url = postgres_url(
            &SAID,
            "TEST_DATABASE_URL is unset, so servers killed on PostgreSQL are not tried",
        )?;
        Some(Store::Postgres(
            FreshDatabase::create(&test_url, "registry_crash_").await,
        ))
    }

    fn backend(&self) -> &'static str {
        match self {
            Store::Sqlite { .. } => "sqlite",
            Store::Postgres(_) => "postgres",
        }
    }

    fn url(&self) -> String {
        match self {
            Store::Sqlite { dir } => dir.join("registry.db").display().to_string(),
            Store::Postgres(database) => database.url.clone(),
        }
    }

    /// The database's own verdict on itself, taken beside the restarted server: SQLite's
    /// `PRAGMA integrity_check`; on PostgreSQL, whose server was never killed, that it answers.
    async fn integrity(&self) -> String {
        match self {
            Store::Sqlite { dir } => {
                use sea_orm::sqlx::Connection as _;
                let mut conn = sqlite_read_only(&dir.join("registry.db")).await;
                let verdict = integrity_check(&mut conn).await;
                conn.close().await.ok();
                verdict.join("; ")
            }
            Store::Postgres(database) => {
                use sea_orm::ConnectionTrait;
                let conn = sea_orm::Database::connect(database.url.as_str())
                    .await
                    .expect("the database answers");
                conn.execute_unprepared("SELECT count(*) FROM teachers")
                    .await
                    .expect("the teachers table answers");
                conn.close().await.ok();
                "answers".to_owned()
            }
        }
    }

    /// The verdict a healthy database gives.
    fn healthy(&self) -> &'static str {
        match self {
            Store::Sqlite { .. } => "ok",
            Store::Postgres(_) => "answers",
        }
    }

    async fn remove(self) {
        match self {
            Store::Sqlite { dir } => {
                std::fs::remove_dir_all(dir).ok();
            }
            Store::Postgres(database) => database.drop().await,
        }
    }
}

/// `teacher-registry serve` on the store's database, as a process of its own: the thing this
/// file kills. (`helpers::Served` removes its folder when it goes, and the SQLite file must
/// outlive each server.)
struct Server {
    child: Child,
    base: String,
    /// The first admin's token, printed only by the first start on an empty database.
    token: Option<String>,
}

impl Server {
    /// Starts `serve` and waits (at most [`CHILD_PATIENCE`]) for the address it prints.
    fn start(store: &Store) -> Server {
        let url = store.url();
        let mut cmd = registry(&["serve", "--listen", "127.0.0.1:0", "--database-url", &url]);
        cmd.current_dir(std::env::temp_dir());
        let child = Child::spawn(cmd);
        let deadline = Instant::now() + CHILD_PATIENCE;
        let mut token = None;
        while let Some(line) = child.line_before(deadline) {
            if line.starts_with("trg_") {
                token = Some(line);
            } else if let Some(addr) = line.strip_prefix("listening on ") {
                return Server {
                    base: addr.to_owned(),
                    child,
                    token,
                };
            }
        }
        panic!(
            "the server printed no address; it wrote: {}",
            child.stderr_so_far()
        );
    }

    /// `kill -9`, as the kernel's OOM killer or an impatient operator would end it; returns
    /// once the process is gone, having checked that SIGKILL is what ended it.
    fn kill_9(self) {
        // Waiting for the exit blocks, briefly; the test's other tasks go on meanwhile.
        let finished = tokio::task::block_in_place(|| kill_9(self.child));
        assert_eq!(
            finished.status.signal(),
            Some(9),
            "a server ends only by the SIGKILL, never on its own: {}",
            finished.stderr
        );
    }
}

/// Sends SIGKILL with `kill -KILL` and waits for the process to be gone: how it ended (it may
/// have finished just before) and what it wrote.
fn kill_9(child: Child) -> Finished {
    // Not yet waited for, the process is at worst a zombie: its pid is still its own.
    let status = std::process::Command::new("kill")
        .arg("-KILL")
        .arg(child.id().to_string())
        .status()
        .expect("kill runs");
    assert!(status.success(), "kill -KILL failed");
    child.finish()
}

/// An HTTP client for the servers; bounded, so a request to a dead one cannot hang the test.
fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(CHILD_PATIENCE)
        .build()
        .expect("HTTP client")
}

/// POSTs a GraphQL request; the status and JSON answer, or the transport's error (the server
/// died under it).
async fn try_gql(
    client: &reqwest::Client,
    base: &str,
    token: &str,
    query: &str,
    variables: Value,
) -> Result<(u16, Value), reqwest::Error> {
    let resp = client
        .post(format!("{base}/graphql"))
        .bearer_auth(token)
        .json(&json!({ "query": query, "variables": variables }))
        .send()
        .await?;
    let status = resp.status().as_u16();
    Ok((status, resp.json().await?))
}

/// A request to a live server that must succeed: its `data`.
async fn ok(
    client: &reqwest::Client,
    base: &str,
    token: &str,
    query: &str,
    variables: Value,
) -> Value {
    let (status, resp) = try_gql(client, base, token, query, variables)
        .await
        .expect("the restarted server answers");
    assert!(
        status == 200 && resp.get("errors").is_none(),
        "unexpected answer {status}: {resp:#}\nquery: {query}"
    );
    resp["data"].clone()
}

/// Uploads a sheet to `mutation` (the GraphQL multipart request spec); the JSON answer, or the
/// transport's error.
async fn upload(
    client: &reqwest::Client,
    base: &str,
    token: &str,
    mutation: &str,
    (file_name, bytes): (&str, Vec<u8>),
    dry_run: bool,
) -> Result<Value, reqwest::Error> {
    let query = format!(
        "mutation($file: Upload!, $dry: Boolean) {{ {mutation}(file: $file, dryRun: $dry) {{ {REPORT} }} }}"
    );
    let form = upload_form(&query, &json!({ "dry": dry_run }), (file_name, bytes));
    client
        .post(format!("{base}/graphql"))
        .bearer_auth(token)
        .multipart(form)
        .send()
        .await?
        .json()
        .await
}

/// An upload that must succeed: `(rows, created, updated, unchanged)` of its report.
async fn loaded(
    client: &reqwest::Client,
    base: &str,
    token: &str,
    mutation: &str,
    file: (&str, Vec<u8>),
    dry_run: bool,
) -> (i64, i64, i64, i64) {
    let resp = upload(client, base, token, mutation, file, dry_run)
        .await
        .expect("the server answers the upload");
    report(&resp, mutation).unwrap_or_else(|| panic!("the upload failed: {resp:#}"))
}

/// `(rows, created, updated, unchanged)` of a successful import's answer.
fn report(resp: &Value, mutation: &str) -> Option<(i64, i64, i64, i64)> {
    if resp.get("errors").is_some() {
        return None;
    }
    let r = &resp["data"][mutation];
    Some((
        r["rows"].as_i64()?,
        r["created"].as_i64()?,
        r["updated"].as_i64()?,
        r["unchanged"].as_i64()?,
    ))
}

/// `serve` started on the store's fresh database with the schools the sheets name loaded;
/// returns it and the first admin's token.
async fn serving_the_schools(store: &Store, client: &reqwest::Client) -> (Server, String) {
    let server = Server::start(store);
    let token = server
        .token
        .clone()
        .expect("serve printed the first admin's token");
    let schools = loaded(
        client,
        &server.base,
        &token,
        "importSchools",
        ("学校.csv", schools_csv()),
        false,
    )
    .await;
    assert_eq!(schools, (SCHOOLS as i64, SCHOOLS as i64, 0, 0));
    (server, token)
}

/// What the import rounds found so far: the teachers and import audit events there should be,
/// and how many rounds found the killed import applied whole or absent.
#[derive(Default)]
struct Found {
    teachers: i64,
    /// Teacher imports that took: each leaves one audit event, and only a whole one.
    imports: i64,
    applied: usize,
    absent: usize,
}

impl Found {
    /// After a kill (and, for `serve`, the restart): the database is whole, the sheet's `n`
    /// teachers are all there or none, there whenever the import was `acknowledged` before the
    /// kill, with one audit event for each import that took. Returns the database's verdict
    /// and whether this round's import is there.
    async fn after_the_kill(
        &mut self,
        store: &Store,
        (client, base, token): (&reqwest::Client, &str, &str),
        round: usize,
        n: i64,
        acknowledged: bool,
    ) -> (String, bool) {
        let verdict = store.integrity().await;
        assert_eq!(
            verdict,
            store.healthy(),
            "round {round}: the database after the kill"
        );
        let (after, events) = counts(client, base, token, "importTeachers").await;
        let before = self.teachers;
        let applied = after == before + n;
        assert!(
            after == before || applied,
            "round {round}: {after} teachers after the kill, {before} before and {n} in the \
             sheet: a half-applied import"
        );
        assert!(
            !acknowledged || applied,
            "round {round}: an import acknowledged before the kill was lost"
        );
        if applied {
            self.imports += 1;
            self.applied += 1;
        } else {
            self.absent += 1;
        }
        assert_eq!(
            events, self.imports,
            "round {round}: the import's audit event goes with its rows"
        );
        (verdict, applied)
    }

    /// After the same sheet is loaded again: all `n` teachers there, one more import event.
    /// Returns the teachers counted.
    async fn after_the_reimport(
        &mut self,
        client: &reqwest::Client,
        base: &str,
        token: &str,
        round: usize,
        n: i64,
    ) -> i64 {
        self.imports += 1;
        self.teachers += n;
        let (now, events) = counts(client, base, token, "importTeachers").await;
        assert_eq!(
            (now, events),
            (self.teachers, self.imports),
            "round {round}: after the re-import"
        );
        now
    }
}

/// Teachers in the registry and audit events of `operation`, as the restarted server counts.
async fn counts(client: &reqwest::Client, base: &str, token: &str, operation: &str) -> (i64, i64) {
    let data = ok(
        client,
        base,
        token,
        "query($op: String!) { teachers(first: 1) { totalCount } \
         auditEvents(first: 1, filter: { operation: $op }) { totalCount } }",
        json!({ "op": operation }),
    )
    .await;
    (
        data["teachers"]["totalCount"].as_i64().expect("teachers"),
        data["auditEvents"]["totalCount"].as_i64().expect("events"),
    )
}

/// The schools the teachers sheet names.
fn schools_csv() -> Vec<u8> {
    let mut text = "学校,乡镇,城区/农村,学段\n".to_owned();
    for s in 0..SCHOOLS {
        text.push_str(&format!("崩溃第{s}学校,第{}镇,城区,小学;初中\n", s % 4));
    }
    text.into_bytes()
}

/// A teachers sheet of `rows` new teachers, their staff numbers marked with the round, with
/// dates that keep the registry's rules (hired at 23).
fn teachers_csv(round: usize, rows: usize) -> Vec<u8> {
    let mut text = "工号,姓名,性别,出生日期,学校,学段,学科,学历,入职日期\n".to_owned();
    for i in 0..rows {
        let born = chrono::NaiveDate::from_ymd_opt(1965, 1, 1).expect("a date")
            + chrono::Duration::days((i * 37 % 12_000) as i64);
        let hired = born + chrono::Duration::days(365 * 23);
        text.push_str(&format!(
            "K{round:02}-{i:06},教师{i},{},{born},崩溃第{}学校,{},{},本科,{hired}\n",
            if i % 3 == 0 { "男" } else { "女" },
            i % SCHOOLS,
            if i % 2 == 0 { "小学" } else { "初中" },
            SUBJECTS[i % SUBJECTS.len()],
        ));
    }
    text.into_bytes()
}

/// When round `round` of `rounds` kills an import, given how long a whole one takes: spread
/// evenly from early on to a little past its end, so that over the rounds the kill falls
/// while the sheet arrives, while it is written, and after the commit (the import then found
/// whole), and the checks meet every outcome. A slow or fast machine shifts where each lands,
/// never the verdict.
fn kill_point(span: Duration, round: usize, rounds: usize) -> Duration {
    span.mul_f64(1.2 * (round + 1) as f64 / rounds as f64)
}

/// Rounds of: upload a large teachers sheet, SIGKILL the server part-way, restart it, check.
async fn import_rounds(store: Store) {
    let rounds = setting("CRASH_ROUNDS", 2);
    let rows = setting("CRASH_IMPORT_ROWS", 5_000);
    let n = rows as i64;
    let backend = store.backend();
    let began = Instant::now();
    let client = client();

    let (mut server, token) = serving_the_schools(&store, &client).await;
    // How long a whole import of such a sheet takes here: a dry run does every step of one
    // but the commit. The kills are spread over this span.
    let started = Instant::now();
    let dry = loaded(
        &client,
        &server.base,
        &token,
        "importTeachers",
        ("教师.csv", teachers_csv(0, rows)),
        true,
    )
    .await;
    assert_eq!(dry, (n, n, 0, 0));
    let span = started.elapsed();

    let mut found = Found::default();
    for round in 0..rounds {
        let sheet = teachers_csv(round, rows);
        let kill_after = kill_point(span, round, rounds);
        let sent = Instant::now();
        let uploading = {
            let (client, base, token, sheet) = (
                client.clone(),
                server.base.clone(),
                token.clone(),
                sheet.clone(),
            );
            tokio::spawn(async move {
                upload(
                    &client,
                    &base,
                    &token,
                    "importTeachers",
                    ("教师.csv", sheet),
                    false,
                )
                .await
            })
        };
        tokio::time::sleep(kill_after.saturating_sub(sent.elapsed())).await;
        let killed_at = sent.elapsed();
        server.kill_9();
        let answered = uploading.await.expect("the upload task ran");
        // An answer that came before the kill must have been a whole import.
        let answered_whole = match &answered {
            Ok(resp) => {
                let whole = report(resp, "importTeachers");
                assert_eq!(
                    whole,
                    Some((n, n, 0, 0)),
                    "answered before the kill: {resp:#}"
                );
                true
            }
            Err(_) => false,
        };

        server = Server::start(&store);
        let (verdict, applied) = found
            .after_the_kill(
                &store,
                (&client, &server.base, &token),
                round,
                n,
                answered_whole,
            )
            .await;

        // The same sheet again loads whole, with the exact numbers for what the crash left.
        let again = loaded(
            &client,
            &server.base,
            &token,
            "importTeachers",
            ("教师.csv", sheet),
            false,
        )
        .await;
        let expected = if applied { (n, 0, 0, n) } else { (n, n, 0, 0) };
        assert_eq!(again, expected, "round {round}: the re-import");
        let now = found
            .after_the_reimport(&client, &server.base, &token, round, n)
            .await;
        eprintln!(
            "crash {backend} import round {}/{rounds}: SIGKILL {} ms into the upload of {rows} \
             rows (a whole dry run took {} ms){}; after restart integrity {verdict}, import \
             {}, re-import created {}, unchanged {}; {now} teachers",
            round + 1,
            killed_at.as_millis(),
            span.as_millis(),
            if answered_whole {
                ", answered before the kill"
            } else {
                ""
            },
            if applied {
                "applied whole"
            } else {
                "not applied at all"
            },
            again.1,
            again.3,
        );
    }
    eprintln!(
        "crash {backend} import: {rounds} rounds of {rows} rows, {} found whole, \
         {} found absent, none partial; {} s",
        found.applied,
        found.absent,
        began.elapsed().as_secs()
    );
    drop(server);
    store.remove().await;
}

/// The `import` command run on the store's database, beside the server.
fn import_command(store: &Store, file: &std::path::Path, dry_run: bool) -> Child {
    let (url, file) = (store.url(), file.display().to_string());
    let mut args = vec![
        "import",
        "teachers",
        file.as_str(),
        "--database-url",
        url.as_str(),
    ];
    if dry_run {
        args.push("--dry-run");
    }
    Child::spawn(registry(&args))
}

/// The summary line `import` prints for a whole sheet.
fn summary(rows: usize, created: usize, unchanged: usize) -> String {
    format!("教师.csv: {rows} teachers rows: {created} created, 0 updated, {unchanged} unchanged")
}

/// Rounds of: the `import` command loading a large teachers sheet, SIGKILLed part-way, while
/// a server (never killed) serves the same database; then the same checks as for a server.
async fn command_rounds(store: Store) {
    let rounds = setting("CRASH_ROUNDS", 2);
    let rows = setting("CRASH_IMPORT_ROWS", 5_000);
    let n = rows as i64;
    let backend = store.backend();
    let began = Instant::now();
    let client = client();
    let scratch = Served::fresh_dir();
    let file = scratch.join("教师.csv");

    let (server, token) = serving_the_schools(&store, &client).await;
    std::fs::write(&file, teachers_csv(0, rows)).expect("write the sheet");
    let started = Instant::now();
    let dry = tokio::task::block_in_place(|| import_command(&store, &file, true).finish());
    let span = started.elapsed();
    assert!(dry.status.success(), "{}", dry.stderr);
    assert!(
        dry.stdout.contains(&summary(rows, rows, 0)),
        "{}",
        dry.stdout
    );

    let mut found = Found::default();
    for round in 0..rounds {
        std::fs::write(&file, teachers_csv(round, rows)).expect("write the sheet");
        let kill_after = kill_point(span, round, rounds);
        let launched = Instant::now();
        let command = import_command(&store, &file, false);
        tokio::time::sleep(kill_after.saturating_sub(launched.elapsed())).await;
        let killed_at = launched.elapsed();
        let ended = tokio::task::block_in_place(|| kill_9(command));
        // A command that finished before the kill must have loaded the whole sheet.
        let finished_whole = ended.status.signal().is_none();
        if finished_whole {
            assert!(ended.status.success(), "{}", ended.stderr);
            assert!(
                ended.stdout.contains(&summary(rows, rows, 0)),
                "{}",
                ended.stdout
            );
        }

        let (verdict, applied) = found
            .after_the_kill(
                &store,
                (&client, &server.base, &token),
                round,
                n,
                finished_whole,
            )
            .await;

        let again = tokio::task::block_in_place(|| import_command(&store, &file, false).finish());
        assert!(again.status.success(), "round {round}: {}", again.stderr);
        let expected = if applied {
            summary(rows, 0, rows)
        } else {
            summary(rows, rows, 0)
        };
        assert!(
            again.stdout.contains(&expected),
            "round {round}: {}",
            again.stdout
        );
        let now = found
            .after_the_reimport(&client, &server.base, &token, round, n)
            .await;
        eprintln!(
            "crash {backend} import command round {}/{rounds}: SIGKILL {} ms after starting \
             `import` of {rows} rows (a whole dry run took {} ms){}; then integrity {verdict}, \
             import {}; re-import: {}; {now} teachers",
            round + 1,
            killed_at.as_millis(),
            span.as_millis(),
            if finished_whole {
                ", it had finished"
            } else {
                ""
            },
            if applied {
                "applied whole"
            } else {
                "not applied at all"
            },
            again.stdout.trim(),
        );
    }
    eprintln!(
        "crash {backend} import command: {rounds} rounds of {rows} rows, {} found whole, \
         {} found absent, none partial; {} s",
        found.applied,
        found.absent,
        began.elapsed().as_secs()
    );
    drop(server);
    std::fs::remove_dir_all(&scratch).ok();
    store.remove().await;
}

/// What one writer sent and was told.
#[derive(Default)]
struct Writes {
    /// `(id, staff number)` of every createTeacher answered with an id and no error.
    acked: Vec<(String, String)>,
    /// Requests sent, the acknowledged ones and the one the kill cut short.
    sent: usize,
    /// How the writer's last request ended (it stops at the first one not acknowledged).
    last: String,
}

/// Creates teachers one after another until a request is not acknowledged (the server died).
async fn writer(
    client: reqwest::Client,
    base: String,
    token: String,
    school: String,
    label: String,
    acked_total: Arc<AtomicUsize>,
) -> Writes {
    let mut writes = Writes::default();
    loop {
        let staff_no = format!("{label}-{:05}", writes.sent);
        writes.sent += 1;
        let input = json!({ "i": { "staffNo": staff_no, "name": "崩溃", "gender": "FEMALE",
                                   "schoolId": school, "stage": "PRIMARY", "subject": "语文",
                                   "education": "BACHELOR" } });
        match try_gql(&client, &base, &token, CREATE_TEACHER, input).await {
            Ok((200, resp)) if resp.get("errors").is_none() => {
                let id = resp["data"]["createTeacher"]["id"]
                    .as_str()
                    .unwrap_or_else(|| panic!("an answer without an id: {resp}"));
                writes.acked.push((id.to_owned(), staff_no));
                acked_total.fetch_add(1, SeqCst);
            }
            Ok((status, resp)) => {
                writes.last = format!("answered {status}: {resp}");
                return writes;
            }
            Err(e) => {
                writes.last = format!("transport error: {e}");
                return writes;
            }
        }
    }
}

/// Rounds of: writers creating teachers side by side, SIGKILL, restart, every acknowledged
/// teacher looked up by id.
async fn write_rounds(store: Store) {
    let rounds = setting("CRASH_ROUNDS", 2);
    let before_kill = setting("CRASH_WRITES", 100);
    let backend = store.backend();
    let began = Instant::now();
    let client = client();

    let mut server = Server::start(&store);
    let token = server
        .token
        .clone()
        .expect("serve printed the first admin's token");
    let school = ok(
        &client,
        &server.base,
        &token,
        "mutation($i: CreateSchoolInput!) { createSchool(input: $i) { id } }",
        json!({ "i": { "name": "崩溃小学", "township": "琴江镇", "area": "URBAN",
                       "stages": ["PRIMARY"] } }),
    )
    .await["createSchool"]["id"]
        .as_str()
        .expect("school id")
        .to_owned();

    let mut acked: Vec<(String, String)> = Vec::new();
    let mut sent = 0;
    for round in 0..rounds {
        let acked_total = Arc::new(AtomicUsize::new(0));
        let writers: Vec<_> = (0..WRITERS)
            .map(|c| {
                tokio::spawn(writer(
                    client.clone(),
                    server.base.clone(),
                    token.clone(),
                    school.clone(),
                    format!("W{round:02}-{c}"),
                    acked_total.clone(),
                ))
            })
            .collect();
        // The kill comes at a count of acknowledged writes, not at a time: every writer has a
        // request in flight then.
        let deadline = Instant::now() + CHILD_PATIENCE;
        while acked_total.load(SeqCst) < before_kill {
            assert!(
                Instant::now() < deadline,
                "round {round}: the writers stalled"
            );
            tokio::time::sleep(Duration::from_millis(2)).await;
        }
        server.kill_9();
        let mut round_acked = 0;
        let mut round_sent = 0;
        for w in writers {
            let w = w.await.expect("a writer ran");
            assert!(
                w.last.starts_with("transport error"),
                "round {round}: a write was refused while the server lived: {}",
                w.last
            );
            round_acked += w.acked.len();
            round_sent += w.sent;
            acked.extend(w.acked);
        }
        sent += round_sent;

        server = Server::start(&store);
        let verdict = store.integrity().await;
        assert_eq!(
            verdict,
            store.healthy(),
            "round {round}: the database after the kill"
        );
        // Every acknowledged teacher, from this round and the ones before, a hundred at a time.
        for chunk in acked.chunks(100) {
            let fields: Vec<String> = chunk
                .iter()
                .enumerate()
                .map(|(i, (id, _))| format!("t{i}: teacher(id: \"{id}\") {{ staffNo }}"))
                .collect();
            let data = ok(
                &client,
                &server.base,
                &token,
                &format!("{{ {} }}", fields.join(" ")),
                json!({}),
            )
            .await;
            for (i, (id, staff_no)) in chunk.iter().enumerate() {
                assert_eq!(
                    data[format!("t{i}")]["staffNo"],
                    json!(staff_no),
                    "round {round}: teacher {id} was acknowledged, then lost"
                );
            }
        }
        let (teachers, events) = counts(&client, &server.base, &token, "createTeacher").await;
        assert!(
            teachers >= acked.len() as i64 && teachers <= sent as i64,
            "round {round}: {teachers} teachers; {} acknowledged, {sent} sent",
            acked.len()
        );
        assert_eq!(
            events, teachers,
            "round {round}: each teacher with its audit event"
        );
        eprintln!(
            "crash {backend} writes round {}/{rounds}: SIGKILL after {round_acked} acknowledged \
             createTeacher from {WRITERS} clients ({round_sent} sent); after restart integrity \
             {verdict}, all {} acknowledged so far read back, {teachers} teachers ({} of the \
             unanswered landed)",
            round + 1,
            acked.len(),
            teachers - acked.len() as i64,
        );
    }
    eprintln!(
        "crash {backend} writes: {rounds} rounds, {} writes acknowledged, all found; {} s",
        acked.len(),
        began.elapsed().as_secs()
    );
    drop(server);
    store.remove().await;
}
