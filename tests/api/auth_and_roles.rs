//! Tokens, passwords, accounts and masked personal data. Which role may run which query or
//! mutation is the one table in `role_matrix.rs`.

use serde_json::json;

use crate::helpers::TestApp;

on_both_databases!(
    requests_without_a_valid_token_are_unauthenticated,
    users_log_in_with_a_password,
    personal_data_is_masked_for_leaders_and_hosts,
    only_admins_create_users_and_studio_hosts_need_a_teacher,
);

async fn requests_without_a_valid_token_are_unauthenticated(app: TestApp) {
    for token in [None, Some("trg_not-a-real-token"), Some("")] {
        let e = app.err_as(token, "{ me { username } }", json!({})).await;
        assert_eq!(e["code"], "UNAUTHENTICATED", "{token:?}");
        let e = app
            .err_as(token, "mutation { createSchool(input: { name: \"x\", township: \"y\", area: URBAN, stages: [PRIMARY] }) { id } }", json!({}))
            .await;
        assert_eq!(e["code"], "UNAUTHENTICATED");
    }
    assert_eq!(
        app.row_counts()
            .await
            .iter()
            .find(|(t, _)| t == "schools")
            .unwrap()
            .1,
        0
    );
    let me = app
        .ok("{ me { username role teacher { id } } }", json!({}))
        .await;
    assert_eq!(
        me["me"],
        json!({ "username": "admin", "role": "ADMIN", "teacher": null })
    );
}

async fn users_log_in_with_a_password(app: TestApp) {
    app.ok(
        "mutation { createUser(input: { username: \"leader.chen\", role: LEADER, password: \"correct horse battery\" }) { user { username role } token } }",
        json!({}),
    )
    .await;
    let login = "mutation($u: String!, $p: String!) { login(username: $u, password: $p) { token user { username role } } }";
    // login answers without a token.
    let resp = app
        .gql(
            None,
            login,
            json!({ "u": "leader.chen", "p": "correct horse battery" }),
        )
        .await;
    let session = &resp["data"]["login"];
    assert_eq!(
        session["user"],
        json!({ "username": "leader.chen", "role": "LEADER" })
    );
    let token = session["token"].as_str().unwrap();
    let me = app.ok_as(token, "{ me { username } }", json!({})).await;
    assert_eq!(me["me"]["username"], "leader.chen");
    for (u, p) in [
        ("leader.chen", "wrong password!"),
        ("nobody", "correct horse battery"),
        ("admin", "anything at all"),
    ] {
        let e = app.err_as(None, login, json!({ "u": u, "p": p })).await;
        assert_eq!(e["code"], "UNAUTHENTICATED", "{u}");
    }
    let e = app
        .err("mutation { createUser(input: { username: \"short.pw\", role: HR, password: \"short\" }) { token } }", json!({}))
        .await;
    assert_eq!(
        (e["code"].as_str(), e["field"].as_str()),
        (Some("BAD_USER_INPUT"), Some("password"))
    );
}

async fn personal_data_is_masked_for_leaders_and_hosts(app: TestApp) {
    let s = app.create_school("屏山中学", "屏山镇", "RURAL").await;
    let t = app
        .create_teacher(&s, "PS-009", json!({ "idNumber": "36073019900228000X" }))
        .await;
    let hr = app.create_user("hr.qian", "HR", None).await;
    let leader = app.create_user("leader.wu", "LEADER", None).await;
    let host = app.create_user("host.zhou", "STUDIO_HOST", Some(&t)).await;
    let q = "query($id: UUID!) { teacher(id: $id) { idNumber birthDate } teachers { nodes { idNumber } } }";
    for token in [&app.admin.clone(), &hr] {
        let r = app.ok_as(token, q, json!({ "id": t })).await;
        assert_eq!(
            r["teacher"],
            json!({ "idNumber": "36073019900228000X", "birthDate": "1990-02-28" })
        );
    }
    for token in [&leader, &host] {
        let r = app.ok_as(token, q, json!({ "id": t })).await;
        assert_eq!(
            r["teacher"],
            json!({ "idNumber": "360730********000X", "birthDate": null })
        );
        assert_eq!(r["teachers"]["nodes"][0]["idNumber"], "360730********000X");
        // Masked at any depth of a query too.
        let deep = app
            .ok_as(token, "query($id: UUID!) { teacher(id: $id) { designations { teacher { idNumber } } reserveEntries { teacher { idNumber } } } }", json!({ "id": t }))
            .await;
        assert!(deep.to_string().contains("teacher") && !deep.to_string().contains("0228"));
    }
}

async fn only_admins_create_users_and_studio_hosts_need_a_teacher(app: TestApp) {
    let e = app
        .err("mutation { createUser(input: { username: \"host.nobody\", role: STUDIO_HOST }) { token } }", json!({}))
        .await;
    assert_eq!(
        (e["code"].as_str(), e["field"].as_str()),
        (Some("BAD_USER_INPUT"), Some("teacherId"))
    );
    let e = app
        .err("mutation { createUser(input: { username: \"host.ghost\", role: STUDIO_HOST, teacherId: \"01890000-0000-7000-8000-000000000000\" }) { token } }", json!({}))
        .await;
    assert_eq!(e["code"], "NOT_FOUND");
    let e = app
        .err(
            "mutation { createUser(input: { username: \"Bad Name\", role: HR }) { token } }",
            json!({}),
        )
        .await;
    assert_eq!(
        (e["code"].as_str(), e["field"].as_str()),
        (Some("BAD_USER_INPUT"), Some("username"))
    );
    app.create_user("hr.one", "HR", None).await;
    let e = app
        .err(
            "mutation { createUser(input: { username: \"hr.one\", role: HR }) { token } }",
            json!({}),
        )
        .await;
    assert_eq!(e["code"], "CONFLICT");
    let s = app.create_school("高田中学", "高田镇", "RURAL").await;
    let t = app.create_teacher(&s, "GT-100", json!({})).await;
    let created = app
        .ok(
            "mutation($t: UUID!) { createUser(input: { username: \"host.gao\", role: STUDIO_HOST, teacherId: $t }) { token user { role teacher { staffNo } } } }",
            json!({ "t": t }),
        )
        .await;
    assert_eq!(
        created["createUser"]["user"],
        json!({ "role": "STUDIO_HOST", "teacher": { "staffNo": "GT-100" } })
    );
    let token = created["createUser"]["token"].as_str().unwrap();
    let me = app
        .ok_as(token, "{ me { username teacher { staffNo } } }", json!({}))
        .await;
    assert_eq!(
        me["me"],
        json!({ "username": "host.gao", "teacher": { "staffNo": "GT-100" } })
    );
}
