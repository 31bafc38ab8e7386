//! The database fails under a request (issue 9): whatever read path meets the failure — a
//! top-level field, a nested field through a dataloader, the token check itself — the client
//! gets `INTERNAL` with a request id, and not a word of SQL, the driver or the table. Each
//! case drops one table from a throwaway registry and asks for what reads it, so the next
//! error converted without `.api()` cannot slip through unnoticed.

use serde_json::{Value, json};

use crate::helpers::TestApp;

on_both_databases!(every_read_path_answers_internal_and_nothing_of_the_database);

/// A registry with a row in every table a read path touches.
async fn populated(postgres: bool) -> Option<TestApp> {
    let app = if postgres {
        TestApp::postgres().await?
    } else {
        TestApp::sqlite().await
    };
    let school = app.create_school("石城一小", "琴江镇", "URBAN").await;
    app.ok(
        "mutation($s: UUID!) { setEnrollment(input: { schoolId: $s, schoolYear: 2025, stage: PRIMARY, students: 800 }) { students } }",
        json!({ "s": school }),
    )
    .await;
    let host = app.create_teacher(&school, "H-1", json!({})).await;
    let mentee = app.create_teacher(&school, "M-1", json!({})).await;
    app.award(&host, "KEY_TEACHER", "COUNTY", "2023-09-10", json!({}))
        .await;
    app.ok(
        "mutation($t: UUID!) { enterReservePool(input: { teacherId: $t, pool: KEY_TEACHER, enteredOn: \"2024-01-01\" }) { id } }",
        json!({ "t": mentee }),
    )
    .await;
    let studio = app
        .create_studio("语文名师工作室", &school, &host, Some("2024-01-01"), None)
        .await;
    let pair = app
        .pair(&app.admin, &studio, &host, &mentee, "2024-03-01")
        .await;
    app.ok(
        "mutation($p: UUID!) { logMentoringActivity(input: { pairId: $p, date: \"2024-04-01\", kind: LECTURE, hours: 2 }) { id } }",
        json!({ "p": pair }),
    )
    .await;
    app.ok(
        "mutation($s: UUID!) { assessStudio(input: { studioId: $s, cycle: \"2024\", result: PASS, assessedOn: \"2024-12-01\" }) { studio { id } } }",
        json!({ "s": studio }),
    )
    .await;
    app.ok(
        "mutation($t: UUID!) { recordTraining(teacherId: $t, input: { title: \"县级培训\", level: COUNTY, kind: COURSE, organiser: \"县教师进修学校\", startedOn: \"2024-05-06\", endedOn: \"2024-05-07\", hours: 12 }) { id } }",
        json!({ "t": host }),
    )
    .await;
    app.ok(
        "mutation($s: UUID!, $h: UUID!) { logStudioOutput(input: { studioId: $s, kind: PAPER, title: \"论文\", date: \"2024-06-01\", level: COUNTY, authorIds: [$h] }) { id } }",
        json!({ "s": studio, "h": host }),
    )
    .await;
    Some(app)
}

/// Each table, and the requests whose answers need it: a top-level read and nested ones.
const CASES: &[(&str, &[&str])] = &[
    (
        "designations",
        &[
            "{ teachers { nodes { designations { id } } } }",
            "{ teachers { nodes { topDesignation { id } } } }",
            "{ keyTeacherCounts(kinds: [KEY_TEACHER]) { count } }",
        ],
    ),
    // Counts over the whole family read the spans; a target's history reads their changes.
    (
        "key_teacher_spans",
        &[
            "{ keyTeacherCounts { count } }",
            "{ balancedDevelopment(schoolYear: 2025) { stages { stage } } }",
        ],
    ),
    (
        "key_teacher_changes",
        &["{ targetProgress(code: \"KEY_TEACHERS_2025\") { history(every: MONTH) { value } } }"],
    ),
    (
        "reserve_entries",
        &[
            "{ teachers { nodes { reserveEntries { id } } } }",
            "{ reservePoolCounts { count } }",
        ],
    ),
    (
        "enrollments",
        &[
            "{ schools { nodes { enrollments { students } } } }",
            "{ balancedDevelopment(schoolYear: 2025) { stages { stage } } }",
        ],
    ),
    (
        "schools",
        &[
            "{ schools { totalCount } }",
            "{ teachers { nodes { school { name } } } }",
        ],
    ),
    (
        "teachers",
        &[
            "{ teachers { totalCount } }",
            "{ studios { nodes { host { name } } } }",
        ],
    ),
    (
        "studios",
        &[
            "{ studios { totalCount } }",
            "{ teachers { nodes { mentorPairs { studio { name } } } } }",
        ],
    ),
    (
        "studio_members",
        &[
            "{ studios { nodes { members { id } } } }",
            "{ studios { nodes { quota { members } } } }",
            "{ teachers { nodes { memberships { id } } } }",
        ],
    ),
    (
        "mentoring_pairs",
        &[
            "{ studios { nodes { pairs { id } } } }",
            "{ teachers { nodes { mentorPairs { id } menteePairs { id } } } }",
        ],
    ),
    (
        "mentoring_activities",
        &["{ studios { nodes { pairs { activities { id } } } } }"],
    ),
    (
        "studio_assessments",
        &["{ studios { nodes { assessments { result } } } }"],
    ),
    (
        "targets",
        &["{ targets { code } }", "{ progress { current } }"],
    ),
    (
        "training_records",
        &[
            "{ teachers { nodes { trainingRecords { id } } } }",
            "{ teachers { nodes { trainingHours { hours } } } }",
            "{ trainingCompliance { employed } }",
            "{ teachers(filter: { trainingBehindOn: \"2026-12-31\" }) { totalCount } }",
        ],
    ),
    (
        "studio_outputs",
        &[
            "{ studios { nodes { outputs(from: \"2024-01-01\", to: \"2024-12-31\") { id } } } }",
            "{ studios { nodes { outputCounts(from: \"2024-01-01\", to: \"2024-12-31\") { count } } } }",
        ],
    ),
    (
        "studio_output_authors",
        &[
            "{ studios { nodes { outputs(from: \"2024-01-01\", to: \"2024-12-31\") { authors { id } } } } }",
        ],
    ),
    // Conversion reads pairs and designations; the county's a reserve pool too.
    (
        "mentoring_pairs",
        &[
            "{ studios { nodes { conversion { mentees } } } }",
            "{ conversion { mentees { converted } } }",
        ],
    ),
    ("audit_events", &["{ auditEvents { totalCount } }"]),
    ("subjects", &["{ subjects }"]),
    // The token check reads these: every request fails before it runs.
    ("api_tokens", &["{ me { username } }"]),
    ("users", &["{ me { username } }"]),
];

/// Words that would tell a client about the database or the code.
pub(crate) const TELLTALES: &[&str] = &[
    "sql",
    "sqlite",
    "postgres",
    "relation",
    "table",
    "column",
    "select",
    "database error",
    "no such",
    "does not exist",
    "dberr",
    "sqlx",
    "syntax",
];

fn check_answer(table: &str, query: &str, answer: &Value) {
    let errors = answer["errors"]
        .as_array()
        .unwrap_or_else(|| panic!("{table}: {query} answered without an error: {answer}"));
    assert!(!errors.is_empty(), "{table}: {query}");
    for e in errors {
        let ext = &e["extensions"];
        assert_eq!(ext["code"], "INTERNAL", "{table}: {query}: {answer}");
        assert!(ext["requestId"].is_string(), "{table}: {query}: {answer}");
        let message = e["message"].as_str().unwrap_or_default().to_lowercase();
        for word in TELLTALES.iter().chain(std::iter::once(&table)) {
            assert!(
                !message.contains(word),
                "{table}: {query}: the message says {word:?}: {message}"
            );
        }
    }
}

async fn every_read_path_answers_internal_and_nothing_of_the_database(app: TestApp) {
    let postgres = app.sqlite_file.is_none();
    drop(app);
    for (table, queries) in CASES {
        let Some(app) = populated(postgres).await else {
            return;
        };
        // A server that checks the token on every request (no `--auth-cache-ms`), so that the
        // token check meets the dropped table too instead of answering from its cache.
        let base = app
            .server_with(teacher_registry::config::Settings {
                auth_cache_ms: 0,
                ..Default::default()
            })
            .await;
        // Every query answers before the table goes: the failure below is the table's.
        for query in *queries {
            let r = app.gql_at(&base, Some(&app.admin), query, json!({})).await;
            assert!(r.get("errors").is_none(), "{table}: {query}: {r}");
        }
        use sea_orm::ConnectionTrait;
        let drop_it = if postgres {
            format!("DROP TABLE {table} CASCADE")
        } else {
            format!("PRAGMA foreign_keys = OFF; DROP TABLE {table};")
        };
        app.db
            .read
            .execute_unprepared(&drop_it)
            .await
            .unwrap_or_else(|e| panic!("dropping {table}: {e}"));
        for query in *queries {
            let answer = app.gql_at(&base, Some(&app.admin), query, json!({})).await;
            check_answer(table, query, &answer);
        }
    }
}

on_both_databases!(a_row_the_driver_cannot_read_is_internal_in_a_nested_field_too);

/// A failure under one loader only, with the token check still working: another user's token
/// row that does not decode. (This is the path where a loader's error once reached the client
/// as its raw text, coded BAD_USER_INPUT.)
async fn a_row_the_driver_cannot_read_is_internal_in_a_nested_field_too(app: TestApp) {
    app.create_user("hr.wang", "HR", None).await;
    let postgres = app.sqlite_file.is_none();
    let corrupt = if postgres {
        "ALTER TABLE api_tokens ALTER COLUMN label DROP NOT NULL; \
         UPDATE api_tokens SET label = NULL WHERE label = 'createUser'"
    } else {
        "UPDATE api_tokens SET created_at = 'not a time' WHERE label = 'createUser'"
    };
    use sea_orm::ConnectionTrait;
    app.db
        .read
        .execute_unprepared(corrupt)
        .await
        .unwrap_or_else(|e| panic!("corrupting a token row: {e}"));
    let query = "{ users { nodes { username tokens { id createdAt } } } }";
    let answer = app.gql(Some(&app.admin), query, json!({})).await;
    check_answer("api_tokens", query, &answer);
    // The admin's own token still works: the failure was the nested field's alone.
    assert_eq!(
        app.ok("{ me { username } }", json!({})).await["me"]["username"],
        "admin"
    );
}

/// On PostgreSQL a serving pool ends any statement that runs past the request timeout: a
/// request stopped by its timeout drops its query, and the server would otherwise run it on,
/// holding the connection. `serve` passes its `--request-timeout-ms`.
#[tokio::test]
async fn a_statement_never_outlives_the_request_timeout() {
    use sea_orm::{ConnectionTrait, DbBackend, Statement};
    static SAID: std::sync::Once = std::sync::Once::new();
    let Some(url) = crate::helpers::postgres_url(
        &SAID,
        "TEST_DATABASE_URL is unset, so PostgreSQL's statement timeout is not tried",
    ) else {
        return;
    };
    let mut config = teacher_registry::store::DbConfig::new(url);
    config.statement_timeout = Some(std::time::Duration::from_millis(250));
    let db = teacher_registry::store::Db::connect(&config)
        .await
        .expect("connects");
    let shown = db
        .read
        .query_one_raw(Statement::from_string(
            DbBackend::Postgres,
            "SHOW statement_timeout",
        ))
        .await
        .expect("answers")
        .expect("a row");
    assert_eq!(
        shown.try_get::<String>("", "statement_timeout").unwrap(),
        "250ms"
    );
    // Far past the limit, so the outcome does not depend on timing: it is cancelled.
    let slept = db
        .read
        .execute_unprepared("SELECT pg_sleep(30)")
        .await
        .expect_err("cancelled");
    assert!(slept.to_string().contains("statement timeout"), "{slept}");
}
