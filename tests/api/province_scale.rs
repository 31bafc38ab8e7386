//! Serving a province (issue 13): a page of teachers costs the same few statements whatever
//! the load, and a client's token is checked against the database once in a while, not on
//! every request — without a revoked token or a disabled user slipping through.

use serde_json::json;
use teacher_registry::config::Settings;

use crate::helpers::{TestApp, join_all};

on_both_databases!(
    a_page_of_100_teachers_costs_five_statements_even_under_16_concurrent_requests,
    a_second_me_runs_no_statement_for_its_token,
    a_token_about_to_expire_is_not_kept,
    a_cached_token_is_refused_on_the_next_request_once_revoked,
    a_cached_token_of_a_disabled_user_is_refused_on_the_next_request,
    a_cached_login_session_ends_with_a_password_change,
    another_server_honours_a_revoked_token_only_within_its_cache_lifetime,
);

/// The benchmark's W3 (`bench/run`): a filtered page with each teacher's school,
/// designations and memberships.
const W3: &str = "query($t: String) { teachers(first: 100, filter: { township: $t, minLevel: COUNTY }) \
    { nodes { id staffNo name school { name township } \
      designations { kind level awardedOn expiresOn } memberships { role joinedOn } } } }";

/// 120 county key teachers in two schools of one township, every fourth also a municipal
/// subject leader, ten in a studio: the first page holds 100 of them.
async fn a_township(app: &TestApp) {
    let schools = [
        app.create_school("琴江中学", "琴江镇", "URBAN").await,
        app.create_school("琴江中心小学", "琴江镇", "RURAL").await,
    ];
    let mut teachers = Vec::new();
    for i in 0..120 {
        let school = &schools[i % 2];
        teachers.push(
            app.create_teacher(school, &format!("QJ-{i:03}"), json!({}))
                .await,
        );
    }
    for t in &teachers {
        app.award(t, "KEY_TEACHER", "COUNTY", "2024-09-10", json!({}))
            .await;
    }
    for t in teachers.iter().step_by(4) {
        app.award(t, "SUBJECT_LEADER", "MUNICIPAL", "2025-09-10", json!({}))
            .await;
    }
    let studio = app
        .create_studio(
            "琴江语文工作室",
            &schools[0],
            &teachers[0],
            Some("2024-01-01"),
            None,
        )
        .await;
    let admin = app.admin.clone();
    for t in &teachers[1..10] {
        app.add_member(&admin, &studio, t, "2024-02-01").await;
    }
}

/// Runs `n` W3 pages at once against `base`; returns the statements they ran together.
async fn pages_at_once(app: &TestApp, base: &str, n: usize) -> usize {
    let admin = app.admin.clone();
    app.reset_statements();
    let answers =
        join_all((0..n).map(|_| app.gql_at(base, Some(&admin), W3, json!({ "t": "琴江镇" }))))
            .await;
    let statements = app.statements();
    for r in &answers {
        assert!(r.get("errors").is_none(), "{r:#}");
        let nodes = r["data"]["teachers"]["nodes"].as_array().unwrap();
        assert_eq!(nodes.len(), 100);
        let sum = |field: &str| -> usize {
            nodes
                .iter()
                .map(|t| t[field].as_array().unwrap().len())
                .sum()
        };
        // 100 key teachers, 25 subject leaders (0, 4 … 96); the host and nine members.
        assert_eq!((sum("designations"), sum("memberships")), (125, 10));
        assert!(nodes.iter().all(|t| t["school"]["township"] == "琴江镇"));
    }
    statements
}

async fn a_page_of_100_teachers_costs_five_statements_even_under_16_concurrent_requests(
    app: TestApp,
) {
    a_township(&app).await;
    // The loaders' default 1 ms: the page resolver loads its nodes' schools, designations and
    // memberships in one batch each before the nodes ask, so no timing can split a batch.
    // Without the token cache: the token, the page, three batches.
    let uncached = app
        .server_with(Settings {
            auth_cache_ms: 0,
            ..Settings::default()
        })
        .await;
    assert_eq!(pages_at_once(&app, &uncached, 1).await, 5);
    assert_eq!(pages_at_once(&app, &uncached, 16).await, 16 * 5);
    // With the token cached (for a minute, far longer than the test): the page and three
    // batches.
    let cached = app
        .server_with(Settings {
            auth_cache_ms: 60_000,
            ..Settings::default()
        })
        .await;
    pages_at_once(&app, &cached, 1).await;
    assert_eq!(pages_at_once(&app, &cached, 16).await, 16 * 4);
    // `edges { node }` is prefetched as `nodes` is.
    let edges = W3
        .replace("nodes {", "edges { node {")
        .replace("} } } }", "} } } } }");
    app.reset_statements();
    let r = app
        .gql_at(
            &cached,
            Some(&app.admin.clone()),
            &edges,
            json!({ "t": "琴江镇" }),
        )
        .await;
    assert!(r.get("errors").is_none(), "{r:#}");
    assert_eq!(
        r["data"]["teachers"]["edges"].as_array().unwrap().len(),
        100
    );
    assert_eq!(app.statements(), 4);
}

const ME: &str = "{ me { username } }";

/// A server that keeps tokens for a minute, far longer than a test takes, so that "cached"
/// never depends on how fast the machine is.
async fn patient_server(app: &TestApp) -> String {
    app.server_with(Settings {
        auth_cache_ms: 60_000,
        ..Settings::default()
    })
    .await
}

/// Asks `me` as `token` at `base`; the error code, or `None` when it answered.
async fn me_refused(app: &TestApp, base: &str, token: &str) -> Option<String> {
    let r = app.gql_at(base, Some(token), ME, json!({})).await;
    r["errors"][0]["extensions"]["code"]
        .as_str()
        .map(str::to_owned)
}

async fn a_second_me_runs_no_statement_for_its_token(app: TestApp) {
    let server = patient_server(&app).await;
    let hr = app.create_user("hr.wang", "HR", None).await;
    // The first request reads the token, then the user.
    app.reset_statements();
    assert_eq!(me_refused(&app, &server, &hr).await, None);
    assert_eq!(app.statements(), 2);
    // The next ones read the user alone.
    for _ in 0..3 {
        app.reset_statements();
        assert_eq!(me_refused(&app, &server, &hr).await, None);
        assert_eq!(app.statements(), 1);
    }
    // With the cache off every request reads the token: two statements a `me`.
    let uncached = app
        .server_with(Settings {
            auth_cache_ms: 0,
            ..Settings::default()
        })
        .await;
    for _ in 0..2 {
        app.reset_statements();
        assert_eq!(me_refused(&app, &uncached, &hr).await, None);
        assert_eq!(app.statements(), 2);
    }
}

async fn a_token_about_to_expire_is_not_kept(app: TestApp) {
    // A cached token is never honoured past its expiry: the lookup that would keep it asks
    // for a token still valid at the end of the entry's lifetime (here an hour). This one
    // expires in half an hour, so it is looked up again on every request (a second time as of
    // now). Both margins are far beyond how long the test takes.
    let server = app
        .server_with(Settings {
            auth_cache_ms: 3_600_000,
            ..Settings::default()
        })
        .await;
    let hr = app.create_user("hr.wang", "HR", None).await;
    let soon = chrono::Utc::now() + chrono::Duration::minutes(30);
    {
        use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, sea_query::Expr};
        use teacher_registry::store::token;
        token::Entity::update_many()
            .col_expr(token::Column::ExpiresAt, Expr::value(soon))
            .filter(token::Column::Label.eq("createUser"))
            .exec(&app.db.read)
            .await
            .expect("token shortened");
    }
    for _ in 0..3 {
        app.reset_statements();
        assert_eq!(me_refused(&app, &server, &hr).await, None);
        assert_eq!(app.statements(), 3, "two token lookups, then the user");
    }
    // Anyone else's token is kept as before.
    let leader = app.create_user("leader.li", "LEADER", None).await;
    me_refused(&app, &server, &leader).await;
    app.reset_statements();
    assert_eq!(me_refused(&app, &server, &leader).await, None);
    assert_eq!(app.statements(), 1);
}

async fn a_cached_token_is_refused_on_the_next_request_once_revoked(app: TestApp) {
    let server = patient_server(&app).await;
    let hr = app.create_user("hr.wang", "HR", None).await;
    let own = "{ me { id tokens { id } } }";
    let me = app.gql_at(&server, Some(&hr), own, json!({})).await;
    let token_id = me["data"]["me"]["tokens"][0]["id"].clone();
    assert_eq!(me_refused(&app, &server, &hr).await, None, "cached");
    // An admin revokes it through this server: the next request is refused.
    let revoke = "mutation($id: UUID!) { revokeToken(id: $id) { revokedAt } }";
    let r = app
        .gql_at(
            &server,
            Some(&app.admin.clone()),
            revoke,
            json!({ "id": token_id }),
        )
        .await;
    assert!(r.get("errors").is_none(), "{r:#}");
    assert_eq!(
        me_refused(&app, &server, &hr).await.as_deref(),
        Some("UNAUTHENTICATED")
    );
    // Logging out ends the token it came with just as soon.
    let leader = app.create_user("leader.li", "LEADER", None).await;
    assert_eq!(me_refused(&app, &server, &leader).await, None, "cached");
    let r = app
        .gql_at(&server, Some(&leader), "mutation { logout }", json!({}))
        .await;
    assert_eq!(r["data"]["logout"], true, "{r:#}");
    assert_eq!(
        me_refused(&app, &server, &leader).await.as_deref(),
        Some("UNAUTHENTICATED")
    );
}

async fn a_cached_token_of_a_disabled_user_is_refused_on_the_next_request(app: TestApp) {
    let server = patient_server(&app).await;
    let hr = app.create_user("hr.wang", "HR", None).await;
    let id = app
        .gql_at(&server, Some(&hr), "{ me { id } }", json!({}))
        .await["data"]["me"]["id"]
        .clone();
    assert_eq!(me_refused(&app, &server, &hr).await, None, "cached");
    let disable = "mutation($id: UUID!) { disableUser(id: $id) { id } }";
    let r = app
        .gql_at(
            &server,
            Some(&app.admin.clone()),
            disable,
            json!({ "id": id }),
        )
        .await;
    assert!(r.get("errors").is_none(), "{r:#}");
    assert_eq!(
        me_refused(&app, &server, &hr).await.as_deref(),
        Some("UNAUTHENTICATED")
    );
}

async fn a_cached_login_session_ends_with_a_password_change(app: TestApp) {
    let server = patient_server(&app).await;
    let create = "mutation { createUser(input: { username: \"hr.zhao\", role: HR, \
                  password: \"correct horse battery\" }) { user { id } token } }";
    let created = app.ok(create, json!({})).await["createUser"].clone();
    let login =
        "mutation { login(username: \"hr.zhao\", password: \"correct horse battery\") { token } }";
    let mut sessions = Vec::new();
    for _ in 0..2 {
        let r = app.gql_at(&server, None, login, json!({})).await;
        sessions.push(r["data"]["login"]["token"].as_str().unwrap().to_owned());
    }
    for s in &sessions {
        assert_eq!(me_refused(&app, &server, s).await, None, "cached");
    }
    // Changing one's password ends one's other login sessions, cached or not.
    let change = "mutation { changePassword(currentPassword: \"correct horse battery\", \
                  newPassword: \"a brand new password\") }";
    let r = app
        .gql_at(&server, Some(&sessions[0]), change, json!({}))
        .await;
    assert_eq!(r["data"]["changePassword"], true, "{r:#}");
    assert_eq!(me_refused(&app, &server, &sessions[0]).await, None);
    assert_eq!(
        me_refused(&app, &server, &sessions[1]).await.as_deref(),
        Some("UNAUTHENTICATED")
    );
    // An admin's setPassword ends them all; the createUser token (not a login) stays.
    let api_token = created["token"].as_str().unwrap();
    assert_eq!(me_refused(&app, &server, api_token).await, None, "cached");
    let set = "mutation($id: UUID!) { setPassword(userId: $id, password: \"a third good password\") { id } }";
    let r = app
        .gql_at(
            &server,
            Some(&app.admin.clone()),
            set,
            json!({ "id": created["user"]["id"] }),
        )
        .await;
    assert!(r.get("errors").is_none(), "{r:#}");
    assert_eq!(
        me_refused(&app, &server, &sessions[0]).await.as_deref(),
        Some("UNAUTHENTICATED")
    );
    assert_eq!(me_refused(&app, &server, api_token).await, None);
}

async fn another_server_honours_a_revoked_token_only_within_its_cache_lifetime(app: TestApp) {
    // Two servers on one database: `patient` keeps tokens for a minute, `prompt` not at all.
    let patient = patient_server(&app).await;
    let prompt = app
        .server_with(Settings {
            auth_cache_ms: 0,
            ..Settings::default()
        })
        .await;
    let hr = app.create_user("hr.wang", "HR", None).await;
    let id = app.ok_as(&hr, "{ me { id } }", json!({})).await["me"]["id"].clone();
    assert_eq!(me_refused(&app, &patient, &hr).await, None, "cached there");
    // Disabled through the test's own server: that one and `prompt` refuse at once; `patient`
    // heard nothing and honours its cached check for the rest of its lifetime, as README's
    // "Several servers" says (here a minute; 2 s by default).
    app.ok(
        "mutation($id: UUID!) { disableUser(id: $id) { id } }",
        json!({ "id": id }),
    )
    .await;
    let own = format!("http://{}", app.addr);
    assert_eq!(
        me_refused(&app, &own, &hr).await.as_deref(),
        Some("UNAUTHENTICATED")
    );
    assert_eq!(
        me_refused(&app, &prompt, &hr).await.as_deref(),
        Some("UNAUTHENTICATED")
    );
    assert_eq!(me_refused(&app, &patient, &hr).await, None);
}
