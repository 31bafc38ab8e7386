//! Several servers on one PostgreSQL database, as the README's deployment section runs them:
//! three `serve` processes started at the same moment on a fresh database all come up (the
//! migrations are applied by exactly one of them, under an advisory lock), exactly one prints
//! the first admin's token, and then they serve writes together with the rules still holding.
//! PostgreSQL only: on SQLite one process owns the file.

use serde_json::{Value, json};

use crate::helpers::{FreshDatabase, Served, join_all, postgres_url};

/// Servers started at once on the same database.
const SERVERS: usize = 3;

async fn post(server: &Served, token: &str, query: &str, variables: Value) -> Value {
    server
        .post(
            Some(token),
            json!({ "query": query, "variables": variables }),
        )
        .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn three_servers_started_at_once_on_a_fresh_database_serve_together() {
    static SAID: std::sync::Once = std::sync::Once::new();
    let Some(test_url) = postgres_url(
        &SAID,
        "TEST_DATABASE_URL is unset, so three servers starting at once on one PostgreSQL \
         database are not tried",
    ) else {
        return;
    };
    let database = FreshDatabase::create(&test_url, "registry_race_").await;
    let flags = ["--database-url", database.url.as_str()];
    // All spawned before any is waited for: their migrations and first-admin checks race.
    let mut servers: Vec<Served> = (0..SERVERS)
        .map(|_| Served::spawn_in(Served::fresh_dir(), &flags, &[]))
        .collect();
    for server in &mut servers {
        server.wait_for_address();
    }

    let tokens: Vec<&str> = servers
        .iter()
        .map(|s| s.token.as_str())
        .filter(|t| !t.is_empty())
        .collect();
    assert_eq!(tokens.len(), 1, "exactly one server prints the admin token");
    let token = tokens[0].to_owned();

    // Writes through every server at once: distinct schools all land.
    let create_school = "mutation($i: CreateSchoolInput!) { createSchool(input: $i) { id } }";
    let schools = join_all(servers.iter().enumerate().map(|(i, server)| {
        let token = token.clone();
        async move {
            let input = json!({ "i": { "name": format!("第{i}中学"), "township": "城关镇",
                                       "area": "URBAN", "stages": ["PRIMARY", "JUNIOR"] } });
            post(server, &token, create_school, input).await
        }
    }))
    .await;
    let mut school_ids = Vec::new();
    for answer in &schools {
        assert!(answer.get("errors").is_none(), "{answer:#}");
        school_ids.push(answer["data"]["createSchool"]["id"].as_str().expect("id"));
    }

    // The same staff number raced on every server, a few times over: one wins each race.
    let create_teacher = "mutation($i: CreateTeacherInput!) { createTeacher(input: $i) { id } }";
    for round in 0..5 {
        let staff_no = format!("R{round:03}");
        let answers = join_all(servers.iter().zip(&school_ids).map(|(server, school)| {
            let token = token.clone();
            let input = json!({ "i": {
                "staffNo": staff_no, "name": "赵老师", "gender": "FEMALE", "schoolId": school,
                "stage": "PRIMARY", "subject": "语文", "education": "BACHELOR" } });
            async move { post(server, &token, create_teacher, input).await }
        }))
        .await;
        crate::helpers::one_won(&answers, "one createTeacher wins each race");
    }

    // Every server reads what all of them wrote.
    for server in &servers {
        let answer = post(
            server,
            &token,
            "{ schools { totalCount } teachers { totalCount } }",
            json!({}),
        )
        .await;
        assert_eq!(
            (
                &answer["data"]["schools"]["totalCount"],
                &answer["data"]["teachers"]["totalCount"]
            ),
            (&json!(SERVERS), &json!(5)),
            "{answer:#}"
        );
    }

    drop(servers);
    database.drop().await;
}
