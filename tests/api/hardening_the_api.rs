//! The API holds personal data and numbers that go to inspectors: tokens expire and can be
//! revoked, users can be disabled and are locked out after failed logins, every change is in
//! the audit trail, and abusive requests are refused before they cost anything.

use std::time::Instant;

use serde_json::{Value, json};
use teacher_registry::config::Settings;

use crate::helpers::TestApp;

on_both_databases!(
    expired_and_revoked_tokens_stop_working,
    logging_out_ends_the_session,
    disabled_users_are_shut_out_at_once,
    repeated_failed_logins_lock_a_user_out,
    users_change_their_passwords_and_admins_reset_them,
    every_mutation_leaves_exactly_one_audit_event_and_a_failure_none,
    the_audit_trail_filters_by_actor_operation_entity_and_time,
    abusive_requests_are_refused_before_they_run,
    introspection_and_graphiql_follow_the_settings,
    a_page_of_users_and_their_tokens_costs_a_fixed_number_of_statements,
);

const ME: &str = "{ me { username } }";

async fn user_with_password(app: &TestApp, username: &str, role: &str) -> String {
    let r = app
        .ok(
            "mutation($u: String!, $r: Role!) { createUser(input: { username: $u, role: $r, password: \"correct horse battery\" }) { user { id } } }",
            json!({ "u": username, "r": role }),
        )
        .await;
    r["createUser"]["user"]["id"].as_str().unwrap().to_owned()
}

async fn login(app: &TestApp, username: &str, password: &str) -> Value {
    app.gql(
        None,
        "mutation($u: String!, $p: String!) { login(username: $u, password: $p) { token } }",
        json!({ "u": username, "p": password }),
    )
    .await
}

async fn token_of(app: &TestApp, username: &str) -> String {
    login(app, username, "correct horse battery").await["data"]["login"]["token"]
        .as_str()
        .expect("logged in")
        .to_owned()
}

async fn expired_and_revoked_tokens_stop_working(app: TestApp) {
    let id = user_with_password(&app, "hr.exp", "HR").await;
    let user_id = uuid::Uuid::parse_str(&id).unwrap();
    // A token that expired a second ago.
    let tx = app.db.begin().await.unwrap();
    let expired = teacher_registry::service::auth::issue_token(
        &tx,
        user_id,
        "login",
        Some(chrono::Duration::seconds(-1)),
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    let e = app.err_as(Some(&expired), ME, json!({})).await;
    assert_eq!(e["code"], "UNAUTHENTICATED");
    // Login tokens carry their expiry; tokens are listed without their secret.
    let token = token_of(&app, "hr.exp").await;
    let mine = app
        .ok_as(
            &token,
            "{ me { tokens { id origin expiresAt revokedAt } } }",
            json!({}),
        )
        .await;
    let tokens = mine["me"]["tokens"].as_array().unwrap().clone();
    assert_eq!(
        tokens.len(),
        3,
        "createUser, the expired one, this login: {tokens:?}"
    );
    assert_eq!(tokens[0]["origin"], "login");
    assert!(tokens[0]["expiresAt"].is_string());
    assert!(
        !mine.to_string().contains("trg_"),
        "no token secret is ever listed"
    );
    // An admin revokes it; a user may not revoke someone else's token.
    let other = user_with_password(&app, "hr.other", "HR").await;
    let other_token = token_of(&app, "hr.other").await;
    let revoke = "mutation($id: UUID!) { revokeToken(id: $id) { revokedAt } }";
    let e = app
        .err_as(Some(&other_token), revoke, json!({ "id": tokens[0]["id"] }))
        .await;
    assert_eq!(e["code"], "FORBIDDEN");
    app.ok(revoke, json!({ "id": tokens[0]["id"] })).await;
    assert_eq!(
        app.err_as(Some(&token), ME, json!({})).await["code"],
        "UNAUTHENTICATED"
    );
    assert_eq!(
        app.err(revoke, json!({ "id": tokens[0]["id"] })).await["code"],
        "CONFLICT"
    );
    let _ = other;
}

async fn logging_out_ends_the_session(app: TestApp) {
    user_with_password(&app, "leader.out", "LEADER").await;
    let first = token_of(&app, "leader.out").await;
    let second = token_of(&app, "leader.out").await;
    let r = app.ok_as(&first, "mutation { logout }", json!({})).await;
    assert_eq!(r["logout"], true);
    assert_eq!(
        app.err_as(Some(&first), ME, json!({})).await["code"],
        "UNAUTHENTICATED"
    );
    // The other session goes on.
    assert_eq!(
        app.ok_as(&second, ME, json!({})).await["me"]["username"],
        "leader.out"
    );
}

async fn disabled_users_are_shut_out_at_once(app: TestApp) {
    let id = user_with_password(&app, "hr.dis", "HR").await;
    let token = token_of(&app, "hr.dis").await;
    let users = app
        .ok(
            "{ users { totalCount nodes { username disabledAt hasPassword } } }",
            json!({}),
        )
        .await;
    assert_eq!(users["users"]["totalCount"], 2);
    let r = app
        .ok(
            "mutation($id: UUID!) { disableUser(id: $id) { username disabledAt } }",
            json!({ "id": id }),
        )
        .await;
    assert!(r["disableUser"]["disabledAt"].is_string());
    assert_eq!(
        app.err_as(Some(&token), ME, json!({})).await["code"],
        "UNAUTHENTICATED"
    );
    // The right password gets the same answer as a wrong one: it confirms nothing.
    let e = login(&app, "hr.dis", "correct horse battery").await;
    assert_eq!(e["errors"][0]["extensions"]["code"], "UNAUTHENTICATED");
    assert_eq!(
        e["errors"][0]["message"],
        login(&app, "hr.dis", "wrong password!").await["errors"][0]["message"]
    );
    // Disabling twice, or oneself, is refused; HR may not disable anyone.
    let disable = "mutation($id: UUID!) { disableUser(id: $id) { id } }";
    assert_eq!(
        app.err(disable, json!({ "id": id })).await["code"],
        "CONFLICT"
    );
    let me = app.ok("{ me { id } }", json!({})).await["me"]["id"].clone();
    assert_eq!(
        app.err(disable, json!({ "id": me })).await["code"],
        "CONFLICT"
    );
    app.ok(
        "mutation($id: UUID!) { enableUser(id: $id) { disabledAt } }",
        json!({ "id": id }),
    )
    .await;
    // Enabled again, the user logs in anew: the tokens of before the disable stay revoked
    // (one may have leaked meanwhile).
    assert_eq!(
        app.err_as(Some(&token), ME, json!({})).await["code"],
        "UNAUTHENTICATED"
    );
    let token = token_of(&app, "hr.dis").await;
    assert_eq!(
        app.ok_as(&token, ME, json!({})).await["me"]["username"],
        "hr.dis"
    );
    let e = app.err_as(Some(&token), disable, json!({ "id": me })).await;
    assert_eq!(e["code"], "FORBIDDEN");
}

async fn repeated_failed_logins_lock_a_user_out(app: TestApp) {
    let id = user_with_password(&app, "hr.lock", "HR").await;
    let before = app.row_counts().await;
    for attempt in 1..=4 {
        let e = login(&app, "hr.lock", "wrong password!").await;
        let message = e["errors"][0]["message"].as_str().unwrap().to_owned();
        assert_eq!(e["errors"][0]["extensions"]["code"], "UNAUTHENTICATED");
        assert!(
            message.contains("wrong username or password"),
            "attempt {attempt}: {message}"
        );
    }
    let fifth = login(&app, "hr.lock", "wrong password!").await;
    assert_eq!(fifth["errors"][0]["extensions"]["code"], "UNAUTHENTICATED");
    // Locked: even the right password is refused, and with the same words as a wrong one,
    // so that guessing on during the lockout learns nothing.
    let right = login(&app, "hr.lock", "correct horse battery").await;
    assert_eq!(right["errors"][0]["extensions"]["code"], "UNAUTHENTICATED");
    assert_eq!(right["errors"][0]["message"], fifth["errors"][0]["message"]);
    // Failed logins write no audit event and no token.
    assert_eq!(app.row_counts().await, before);
    // An admin's password reset lifts the lockout.
    app.ok(
        "mutation($id: UUID!) { setPassword(userId: $id, password: \"a brand new password\") { username } }",
        json!({ "id": id }),
    )
    .await;
    let ok = login(&app, "hr.lock", "a brand new password").await;
    assert!(ok["data"]["login"]["token"].is_string(), "{ok}");
    // Unknown users get the same answer as a wrong password.
    let e = login(&app, "nobody.here", "whatever it is").await;
    assert_eq!(e["errors"][0]["message"], fifth["errors"][0]["message"]);
}

async fn users_change_their_passwords_and_admins_reset_them(app: TestApp) {
    user_with_password(&app, "leader.pw", "LEADER").await;
    let other_session = token_of(&app, "leader.pw").await;
    let token = token_of(&app, "leader.pw").await;
    let change = "mutation($c: String!, $n: String!) { changePassword(currentPassword: $c, newPassword: $n) }";
    let e = app
        .err_as(
            Some(&token),
            change,
            json!({ "c": "not my password", "n": "another good password" }),
        )
        .await;
    assert_eq!(
        (e["code"].as_str(), e["field"].as_str()),
        (Some("BAD_USER_INPUT"), Some("currentPassword"))
    );
    let e = app
        .err_as(
            Some(&token),
            change,
            json!({ "c": "correct horse battery", "n": "short" }),
        )
        .await;
    assert_eq!(
        (e["code"].as_str(), e["field"].as_str()),
        (Some("BAD_USER_INPUT"), Some("newPassword"))
    );
    app.ok_as(
        &token,
        change,
        json!({ "c": "correct horse battery", "n": "another good password" }),
    )
    .await;
    // This session goes on; the other login session ended; the new password works.
    app.ok_as(&token, ME, json!({})).await;
    assert_eq!(
        app.err_as(Some(&other_session), ME, json!({})).await["code"],
        "UNAUTHENTICATED"
    );
    assert!(login(&app, "leader.pw", "another good password").await["data"]["login"].is_object());
    assert!(login(&app, "leader.pw", "correct horse battery").await["errors"].is_array());
    // The password never appears anywhere an admin can read.
    let audit = app
        .ok(
            "{ auditEvents(first: 100) { nodes { details } } }",
            json!({}),
        )
        .await;
    assert!(!audit.to_string().contains("another good password"));
}

/// The newest audit events and how many there are.
async fn audit_count(app: &TestApp) -> Value {
    app.ok(
        "{ auditEvents { totalCount nodes { actor operation } } }",
        json!({}),
    )
    .await["auditEvents"]
        .clone()
}

/// Every mutation of the API, in an order where each one's inputs exist.
async fn every_mutation_leaves_exactly_one_audit_event_and_a_failure_none(app: TestApp) {
    let mut expected = audit_count(&app).await["totalCount"].as_i64().unwrap();
    let run = |query: String, vars: Value| {
        let app = &app;
        async move { app.gql(Some(&app.admin), &query, vars).await }
    };
    let id = |r: &Value, field: &str| r["data"][field]["id"].as_str().unwrap().to_owned();
    let mut check = |r: &Value, operation: &str, events: Value| {
        assert!(r.get("errors").is_none(), "{operation}: {r}");
        expected += 1;
        assert_eq!(
            events["totalCount"].as_i64().unwrap(),
            expected,
            "{operation}"
        );
        assert_eq!(events["nodes"][0]["operation"], operation);
        assert_eq!(events["nodes"][0]["actor"], "admin");
    };
    let r = run("mutation { createSchool(input: { name: \"审计学校\", township: \"琴江镇\", area: URBAN, stages: [PRIMARY, JUNIOR] }) { id } }".into(), json!({})).await;
    check(&r, "createSchool", audit_count(&app).await);
    let s = id(&r, "createSchool");
    let r = run("mutation($s: UUID!) { setEnrollment(input: { schoolId: $s, schoolYear: 2025, stage: PRIMARY, students: 300 }) { students } }".into(), json!({ "s": s })).await;
    check(&r, "setEnrollment", audit_count(&app).await);
    let mut teachers = Vec::new();
    for n in 0..3 {
        let r = run(
            "mutation($s: UUID!, $n: String!) { createTeacher(input: { staffNo: $n, name: \"审计\", gender: MALE, schoolId: $s, stage: PRIMARY, subject: \"语文\", education: BACHELOR, hiredOn: \"2010-09-01\" }) { id } }".into(),
            json!({ "s": s, "n": format!("AU-{n}") }),
        )
        .await;
        check(&r, "createTeacher", audit_count(&app).await);
        teachers.push(id(&r, "createTeacher"));
    }
    let (t0, t1, t2) = (
        teachers[0].clone(),
        teachers[1].clone(),
        teachers[2].clone(),
    );
    let r = run(
        "mutation($t: UUID!) { updateTeacher(id: $t, input: { name: \"审计改\" }) { id } }".into(),
        json!({ "t": t2 }),
    )
    .await;
    check(&r, "updateTeacher", audit_count(&app).await);
    let r = run("mutation($t: UUID!) { awardDesignation(input: { teacherId: $t, kind: KEY_TEACHER, level: COUNTY, awardedOn: \"2024-09-10\" }) { id } }".into(), json!({ "t": t0 })).await;
    check(&r, "awardDesignation", audit_count(&app).await);
    let d = id(&r, "awardDesignation");
    let r = run("mutation($d: UUID!) { revokeDesignation(id: $d, revokedOn: \"2025-01-01\", reason: \"审计\") { id } }".into(), json!({ "d": d })).await;
    check(&r, "revokeDesignation", audit_count(&app).await);
    let r = run("mutation($t: UUID!) { enterReservePool(input: { teacherId: $t, pool: KEY_TEACHER, enteredOn: \"2024-01-01\" }) { id } }".into(), json!({ "t": t1 })).await;
    check(&r, "enterReservePool", audit_count(&app).await);
    let e = id(&r, "enterReservePool");
    let r = run(
        "mutation($e: UUID!) { leaveReservePool(id: $e, leftOn: \"2025-01-01\") { id } }".into(),
        json!({ "e": e }),
    )
    .await;
    check(&r, "leaveReservePool", audit_count(&app).await);
    let r = run("mutation($s: UUID!, $h: UUID!) { createStudio(input: { name: \"审计工作室\", subject: \"语文\", level: COUNTY, schoolId: $s, hostTeacherId: $h }) { id } }".into(), json!({ "s": s, "h": t0 })).await;
    check(&r, "createStudio", audit_count(&app).await);
    let st = id(&r, "createStudio");
    let r = run(
        "mutation($id: UUID!) { establishStudio(id: $id, establishedOn: \"2024-03-01\") { id } }"
            .into(),
        json!({ "id": st }),
    )
    .await;
    check(&r, "establishStudio", audit_count(&app).await);
    let r = run("mutation($s: UUID!, $t: UUID!) { addStudioMember(input: { studioId: $s, teacherId: $t, joinedOn: \"2024-03-02\" }) { id } }".into(), json!({ "s": st, "t": t1 })).await;
    check(&r, "addStudioMember", audit_count(&app).await);
    let m = id(&r, "addStudioMember");
    let r = run("mutation($s: UUID!, $a: UUID!, $b: UUID!) { createMentoringPair(input: { studioId: $s, mentorTeacherId: $a, menteeTeacherId: $b, startedOn: \"2024-04-01\" }) { id } }".into(), json!({ "s": st, "a": t1, "b": t2 })).await;
    check(&r, "createMentoringPair", audit_count(&app).await);
    let p = id(&r, "createMentoringPair");
    let r = run("mutation($p: UUID!) { logMentoringActivity(input: { pairId: $p, date: \"2024-05-01\", kind: LECTURE, hours: 2 }) { id } }".into(), json!({ "p": p })).await;
    check(&r, "logMentoringActivity", audit_count(&app).await);
    let r = run("mutation($p: UUID!) { endMentoringPair(id: $p, endedOn: \"2024-12-31\", status: COMPLETED) { id } }".into(), json!({ "p": p })).await;
    check(&r, "endMentoringPair", audit_count(&app).await);
    let r = run(
        "mutation($m: UUID!) { removeStudioMember(id: $m, leftOn: \"2025-01-01\") { id } }".into(),
        json!({ "m": m }),
    )
    .await;
    check(&r, "removeStudioMember", audit_count(&app).await);
    let r = run("mutation($s: UUID!) { assessStudio(input: { studioId: $s, cycle: \"2024\", result: PASS, assessedOn: \"2024-12-20\" }) { studio { id } } }".into(), json!({ "s": st })).await;
    check(&r, "assessStudio", audit_count(&app).await);
    let r = run(
        "mutation($s: UUID!) { closeStudio(id: $s, closedOn: \"2025-06-30\") { id } }".into(),
        json!({ "s": st }),
    )
    .await;
    check(&r, "closeStudio", audit_count(&app).await);
    let r = run(
        "mutation($t: UUID!) { recordDeparture(teacherId: $t, leftOn: \"2025-07-01\") { id } }"
            .into(),
        json!({ "t": t2 }),
    )
    .await;
    check(&r, "recordDeparture", audit_count(&app).await);
    let r = run("mutation { createTarget(input: { code: \"AUDIT_T\", title: \"审计目标\", metric: STUDIOS, goal: 3, baselineOn: \"2026-01-01\", deadline: \"2027-01-01\" }) { id } }".into(), json!({})).await;
    check(&r, "createTarget", audit_count(&app).await);
    let r = run(
        "mutation { updateTarget(code: \"AUDIT_T\", input: { goal: 4 }) { id } }".into(),
        json!({}),
    )
    .await;
    check(&r, "updateTarget", audit_count(&app).await);
    let r = run(
        "mutation { retireTarget(code: \"AUDIT_T\", retiredOn: \"2026-06-01\") { id } }".into(),
        json!({}),
    )
    .await;
    check(&r, "retireTarget", audit_count(&app).await);
    let r = run("mutation { createUser(input: { username: \"audit.user\", role: LEADER, password: \"correct horse battery\" }) { user { id } } }".into(), json!({})).await;
    check(&r, "createUser", audit_count(&app).await);
    let u = r["data"]["createUser"]["user"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let r = run("mutation($u: UUID!) { setPassword(userId: $u, password: \"another good password\") { id } }".into(), json!({ "u": u })).await;
    check(&r, "setPassword", audit_count(&app).await);
    let tokens = app
        .ok(
            "{ users(first: 100) { nodes { id tokens { id } } } }",
            json!({}),
        )
        .await;
    let user_token = tokens["users"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["id"] == u.as_str())
        .unwrap()["tokens"][0]["id"]
        .clone();
    let r = run(
        "mutation($t: UUID!) { revokeToken(id: $t) { id } }".into(),
        json!({ "t": user_token }),
    )
    .await;
    check(&r, "revokeToken", audit_count(&app).await);
    let r = run(
        "mutation($u: UUID!) { disableUser(id: $u) { id } }".into(),
        json!({ "u": u }),
    )
    .await;
    check(&r, "disableUser", audit_count(&app).await);
    let r = run(
        "mutation($u: UUID!) { enableUser(id: $u) { id } }".into(),
        json!({ "u": u }),
    )
    .await;
    check(&r, "enableUser", audit_count(&app).await);
    // The user's own operations name the user.
    let session = login(&app, "audit.user", "another good password").await;
    let token = session["data"]["login"]["token"]
        .as_str()
        .unwrap()
        .to_owned();
    let events = audit_count(&app).await;
    expected += 1;
    assert_eq!(events["totalCount"].as_i64().unwrap(), expected);
    assert_eq!(
        events["nodes"][0],
        json!({ "actor": "audit.user", "operation": "login" })
    );
    app.ok_as(&token, "mutation { changePassword(currentPassword: \"another good password\", newPassword: \"a third good password\") }", json!({})).await;
    app.ok_as(&token, "mutation { logout }", json!({})).await;
    let events = audit_count(&app).await;
    expected += 2;
    assert_eq!(events["totalCount"].as_i64().unwrap(), expected);
    assert_eq!(
        (&events["nodes"][0], &events["nodes"][1]),
        (
            &json!({ "actor": "audit.user", "operation": "logout" }),
            &json!({ "actor": "audit.user", "operation": "changePassword" })
        )
    );
    // Failures leave none: a refused write of each kind of rule.
    for (query, vars) in [
        (
            "mutation { createSchool(input: { name: \"审计学校\", township: \"x\", area: URBAN, stages: [PRIMARY] }) { id } }",
            json!({}),
        ),
        (
            "mutation($t: UUID!) { recordDeparture(teacherId: $t, leftOn: \"2026-01-01\") { id } }",
            json!({ "t": t2 }),
        ),
        (
            "mutation($p: UUID!) { endMentoringPair(id: $p, endedOn: \"2025-01-01\", status: WITHDRAWN) { id } }",
            json!({ "p": p }),
        ),
        (
            "mutation { createTarget(input: { code: \"AUDIT_T\", title: \"x\", metric: STUDIOS, goal: 3, baselineOn: \"2026-01-01\", deadline: \"2027-01-01\" }) { id } }",
            json!({}),
        ),
    ] {
        let r = app.gql(Some(&app.admin), query, vars).await;
        assert!(r["errors"].is_array(), "{query}");
    }
    assert_eq!(
        audit_count(&app).await["totalCount"].as_i64().unwrap(),
        expected
    );
}

async fn the_audit_trail_filters_by_actor_operation_entity_and_time(app: TestApp) {
    let hr = app.create_user("hr.aud", "HR", None).await;
    let s = app.create_school("筛选学校", "琴江镇", "URBAN").await;
    let started = chrono::Utc::now();
    let t = app
        .ok_as(&hr, "mutation($s: UUID!) { createTeacher(input: { staffNo: \"F-1\", name: \"筛选\", gender: MALE, schoolId: $s, stage: PRIMARY, subject: \"语文\", education: BACHELOR }) { id } }", json!({ "s": s }))
        .await["createTeacher"]["id"]
        .clone();
    app.ok_as(
        &hr,
        "mutation($t: UUID!) { updateTeacher(id: $t, input: { name: \"筛选二\" }) { id } }",
        json!({ "t": t }),
    )
    .await;
    let q = "query($f: AuditEventFilter) { auditEvents(filter: $f) { totalCount nodes { actor operation entityId } } }";
    let count = |f: Value| {
        let app = &app;
        async move {
            app.ok(q, json!({ "f": f })).await["auditEvents"]["totalCount"]
                .as_i64()
                .unwrap()
        }
    };
    assert_eq!(count(json!({ "actor": "hr.aud" })).await, 2);
    assert_eq!(count(json!({ "operation": "createSchool" })).await, 1);
    assert_eq!(count(json!({ "entityId": t })).await, 2);
    assert_eq!(
        count(json!({ "actor": "hr.aud", "operation": "updateTeacher" })).await,
        1
    );
    assert_eq!(count(json!({ "from": started.to_rfc3339() })).await, 2);
    assert_eq!(
        count(json!({ "to": started.to_rfc3339() })).await,
        3,
        "first start, createUser, createSchool"
    );
    assert_eq!(count(json!({ "actor": "nobody" })).await, 0);
}

async fn abusive_requests_are_refused_before_they_run(app: TestApp) {
    let admin = app.admin.clone();
    // Too deep.
    let deep = format!(
        "{{ teachers {{ nodes {{ {} }} }} }}",
        "designations { teacher { ".repeat(6) + "id" + &" } }".repeat(6)
    );
    let started = Instant::now();
    let e = app.err(&deep, json!({})).await;
    assert_eq!(e["code"], "BAD_USER_INPUT");
    assert!(e["message"].as_str().unwrap().contains("deep"), "{e}");
    assert!(
        started.elapsed().as_millis() < 1000,
        "refused in {:?}",
        started.elapsed()
    );
    // Too complex: a hundred teachers, each with a hundred fields, over many aliases.
    let fields: String = (0..150).map(|i| format!("f{i}: name ")).collect();
    let wide = format!(
        "{{ a: teachers(first: 100) {{ nodes {{ {fields} }} }} b: teachers(first: 100) {{ nodes {{ {fields} }} }} }}"
    );
    let e = app.err(&wide, json!({})).await;
    assert_eq!(e["code"], "BAD_USER_INPUT");
    assert!(e["message"].as_str().unwrap().contains("complex"), "{e}");
    // A body over the size limit is refused on its headers, before a byte of it is read:
    // the request below announces 2 MiB and sends none of it, yet is answered at once. (A
    // client that sends the whole body may instead see the connection closed under it, which
    // is why this speaks HTTP on a raw socket.) A body without a length is refused too.
    let announced = 2 * 1024 * 1024;
    let (status, body) =
        raw_answer(app.addr, &admin, &format!("Content-Length: {announced}")).await;
    assert_eq!(status, "413", "an announced 2 MiB body");
    assert_eq!(body["errors"][0]["extensions"]["code"], "BAD_USER_INPUT");
    assert!(
        body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("limit"),
        "{body}"
    );
    let (status, body) = raw_answer(app.addr, &admin, "Transfer-Encoding: chunked").await;
    assert_eq!(status, "411", "a body of unknown length");
    assert_eq!(body["errors"][0]["extensions"]["code"], "BAD_USER_INPUT");
    let client = reqwest::Client::new();
    // Batches: within the limit they run, over it they are refused as a whole.
    let batch = |n: usize| {
        json!(
            (0..n)
                .map(|_| json!({ "query": "{ me { username } }" }))
                .collect::<Vec<_>>()
        )
    };
    let resp: Value = client
        .post(app.url("/graphql"))
        .bearer_auth(&admin)
        .json(&batch(3))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(resp.as_array().unwrap().len(), 3);
    assert_eq!(resp[2]["data"]["me"]["username"], "admin");
    let resp = client
        .post(app.url("/graphql"))
        .bearer_auth(&admin)
        .json(&batch(11))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 400);
    let body: Value = resp.json().await.unwrap();
    assert_eq!(body["errors"][0]["extensions"]["code"], "BAD_USER_INPUT");
    // A request that runs past the timeout is stopped, writes nothing and says so.
    // (Hashing a password takes argon2 far longer than the 1 ms allowed here.)
    let slow = app
        .server_with(Settings {
            request_timeout_ms: 1,
            ..Settings::default()
        })
        .await;
    let before = app.row_counts().await;
    let r = app
        .gql_at(&slow, Some(&admin), "mutation { createUser(input: { username: \"too.slow\", role: HR, password: \"correct horse battery\" }) { token } }", json!({}))
        .await;
    // A limit the request ran into, not a fault of the server: BAD_USER_INPUT naming it.
    assert_eq!(
        r["errors"][0]["extensions"]["code"], "BAD_USER_INPUT",
        "{r}"
    );
    assert_eq!(r["errors"][0]["extensions"]["limit"], "request-timeout-ms");
    assert!(
        r["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("ms and was stopped. Nothing was changed.")
    );
    assert_eq!(app.row_counts().await, before);
    // Every response carries a request id.
    let resp = client
        .post(app.url("/graphql"))
        .bearer_auth(&admin)
        .json(&json!({ "query": "{ me { id } }" }))
        .send()
        .await
        .unwrap();
    assert!(resp.headers().get("x-request-id").is_some());
}

async fn introspection_and_graphiql_follow_the_settings(app: TestApp) {
    let introspect = "{ __schema { queryType { name } } }";
    let e = app.err_as(None, introspect, json!({})).await;
    assert_eq!(e["code"], "UNAUTHENTICATED");
    let r = app.ok(introspect, json!({})).await;
    assert_eq!(r["__schema"]["queryType"]["name"], "Query");
    // Without a token, nothing but login runs, whatever it is wrapped in.
    for query in [
        "{ __typename }",
        "mutation { createSchool(input: { name: \"x\", township: \"y\", area: URBAN, stages: [PRIMARY] }) { id } login(username: \"a\", password: \"b\") { token } }",
    ] {
        let e = app.err_as(None, query, json!({})).await;
        assert_eq!(e["code"], "UNAUTHENTICATED", "{query}");
    }
    let client = reqwest::Client::new();
    assert_eq!(
        client
            .get(app.url("/graphql"))
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
    let locked = app
        .server_with(Settings {
            introspection: false,
            graphiql: false,
            ..Settings::default()
        })
        .await;
    let r = app
        .gql_at(&locked, Some(&app.admin), introspect, json!({}))
        .await;
    assert_eq!(r["errors"][0]["extensions"]["code"], "FORBIDDEN", "{r}");
    assert_eq!(
        client
            .get(format!("{locked}/graphql"))
            .send()
            .await
            .unwrap()
            .status(),
        404
    );
    // The SDL stays public: it is part of the contract.
    assert_eq!(
        client
            .get(format!("{locked}/schema.graphql"))
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
}

/// Sends the head of a `POST /graphql` with `framing` (a length header) and no body, and
/// returns the status code of the answer and its body as JSON; the whole answer must come
/// within five seconds, without the server waiting for the body.
async fn raw_answer(addr: std::net::SocketAddr, token: &str, framing: &str) -> (String, Value) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut socket = tokio::net::TcpStream::connect(addr).await.unwrap();
    let head = format!(
        "POST /graphql HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {token}\r\n\
         Content-Type: application/json\r\n{framing}\r\nConnection: close\r\n\r\n"
    );
    socket.write_all(head.as_bytes()).await.unwrap();
    let mut answer = Vec::new();
    tokio::time::timeout(
        std::time::Duration::from_secs(5),
        socket.read_to_end(&mut answer),
    )
    .await
    .expect("the server answers without waiting for the body")
    .unwrap();
    let answer = String::from_utf8_lossy(&answer);
    let status = answer.split(' ').nth(1).unwrap_or_default().to_owned();
    let body = answer.split("\r\n\r\n").nth(1).unwrap_or_default();
    (status, serde_json::from_str(body).unwrap_or(Value::Null))
}

async fn a_page_of_users_and_their_tokens_costs_a_fixed_number_of_statements(app: TestApp) {
    // Measured on a server whose loaders wait 50 ms, so that a busy machine cannot split a
    // batch (see running_a_studio's studio page).
    let patient = app
        .server_with(Settings {
            loader_delay_ms: 50,
            ..Settings::default()
        })
        .await;
    let admin = app.admin.clone();
    let page = "{ users(first: 100) { totalCount nodes { username tokens { id origin } } } }";
    let mut costs = Vec::new();
    for (first, last) in [(0, 2), (2, 12)] {
        for i in first..last {
            app.create_user(&format!("staff.{i}"), "HR", None).await;
        }
        app.reset_statements();
        let r = app.gql_at(&patient, Some(&admin), page, json!({})).await;
        costs.push(app.statements());
        assert!(r.get("errors").is_none(), "{r}");
        // The admin and the users made so far, each with the token it was created with.
        assert_eq!(r["data"]["users"]["totalCount"], last + 1);
        for user in r["data"]["users"]["nodes"].as_array().unwrap() {
            assert_eq!(user["tokens"].as_array().unwrap().len(), 1, "{user}");
        }
    }
    // Ten more users add no statement (a batch split on a loaded machine might add one);
    // one query per user would add ten.
    assert!(costs[1] <= costs[0] + 1, "3 and 13 users: {costs:?}");
}
