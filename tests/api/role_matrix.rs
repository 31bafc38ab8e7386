//! The roles table of the API contract as one table: each role (and a request with no token)
//! tries every query and mutation of the schema, and each is allowed, `FORBIDDEN`,
//! `UNAUTHENTICATED` or hidden (a studio host reading another's studio gets null, or a list
//! without it), exactly as the table says. A refused request changes nothing; an allowed
//! mutation writes one audit event naming its actor. Another test checks the table has a row
//! for every root field the schema serves, so a new query or mutation cannot go unlisted.
//!
//! Beyond the table: tokens, logins and masked personal data are in `auth_and_roles.rs`; a
//! studio host's scope in detail (days, departed hosts) in `running_a_studio.rs` and
//! `host_departure.rs`.

use std::collections::BTreeSet;

use async_graphql::parser::types::{DocumentOperations, Selection, TypeKind, TypeSystemDefinition};
use async_graphql::parser::{parse_query, parse_schema};
use serde_json::{Value, json};

use crate::helpers::TestApp;

on_both_databases!(every_role_may_do_exactly_what_the_roles_table_says);

/// What a request of a column's user gets.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Outcome {
    /// Answered without error (and, on a row about studio S, with S in the answer).
    A,
    /// `FORBIDDEN`.
    F,
    /// `UNAUTHENTICATED`.
    U,
    /// Answered without error, but studio S is not in the answer (null, or not listed).
    H,
}
use Outcome::{A, F, H, U};

/// The columns: who sends the requests. The two studio hosts are one role; studio-scoped rows
/// name studio S, which the first hosts and the second does not (it hosts another).
const COLUMNS: [&str; 6] = [
    "ADMIN",
    "HR",
    "LEADER",
    "STUDIO_HOST (its studio)",
    "STUDIO_HOST (another's)",
    "no token",
];

/// A request for one root field (several rows may ask for the same one), declaring only the
/// variables it uses from the column's set (see `setup`), and what each column gets.
struct Row {
    query: &'static str,
    expect: [Outcome; 6],
    /// A sheet the request uploads as `$file` (file name, content): sent as a multipart
    /// request.
    upload: Option<(&'static str, &'static str)>,
}

const fn row(query: &'static str, expect: [Outcome; 6]) -> Row {
    Row {
        query,
        expect,
        upload: None,
    }
}

const fn upload(
    query: &'static str,
    sheet: (&'static str, &'static str),
    expect: [Outcome; 6],
) -> Row {
    Row {
        query,
        expect,
        upload: Some(sheet),
    }
}

/// A row's request: JSON, or multipart with its sheet as `$file`.
async fn send(app: &TestApp, token: Option<&str>, r: &Row, vars: &Value) -> Value {
    let Some((file_name, content)) = r.upload else {
        return app.gql(token, r.query, vars.clone()).await;
    };
    app.upload(
        token,
        r.query,
        vars,
        (file_name, content.as_bytes().to_vec()),
    )
    .await
}

/// The one root field a row's request asks for.
fn root_field(query: &str) -> String {
    let doc = parse_query(query).unwrap_or_else(|e| panic!("{query}: {e}"));
    let DocumentOperations::Single(op) = doc.operations else {
        panic!("one operation per row: {query}");
    };
    let fields: Vec<String> = op
        .node
        .selection_set
        .node
        .items
        .iter()
        .filter_map(|s| match &s.node {
            Selection::Field(f) => Some(f.node.name.node.to_string()),
            _ => None,
        })
        .collect();
    assert_eq!(fields.len(), 1, "one root field per row: {query}");
    fields[0].clone()
}

/// Rows run in this order for each column; the last ones (a token revoked, a password
/// changed, the column's own token logged out) must come last.
#[rustfmt::skip]
const TABLE: &[Row] = &[
    // Columns: [ADMIN, HR, LEADER, host of S, host of another studio, no token].
    // Queries.
    row("{ me { username } }", [A, A, A, A, A, U]),
    row("query($school: UUID!) { school(id: $school) { id } }", [A, A, A, A, A, U]),
    row("{ schools(first: 5) { totalCount } }", [A, A, A, A, A, U]),
    row("query($t: UUID!) { teacher(id: $t) { id idNumber } }", [A, A, A, A, A, U]),
    row("{ teachers(first: 5) { totalCount nodes { idNumber } } }", [A, A, A, A, A, U]),
    row("{ keyTeacherCounts(groupBy: [SCHOOL]) { count } }", [A, A, A, A, A, U]),
    row("{ reservePoolCounts { pool count } }", [A, A, A, A, A, U]),
    row("{ trainingCompliance(groupBy: [TOWNSHIP]) { employed onTrack } }", [A, A, A, A, A, U]),
    row("{ subjects }", [A, A, A, A, A, U]),
    row("{ conversion(asOf: \"2024-12-31\") { mentees { mentees } reservePool { mentees } } }", [A, A, A, A, A, U]),
    row("query($s: UUID!) { studio(id: $s) { id } }", [A, A, A, A, H, U]),
    row("{ studios(first: 100) { nodes { id } } }", [A, A, A, A, H, U]),
    row("query($s: UUID!) { studioReport(id: $s, from: \"2024-01-01\", to: \"2024-12-31\") { studio { id } members conversion { mentees } } }", [A, A, A, A, H, U]),
    row("{ targets { code } }", [A, A, A, A, A, U]),
    row("{ progress { status } }", [A, A, A, A, A, U]),
    row("{ targetProgress(code: \"KEY_TEACHERS_2025\") { status } }", [A, A, A, A, A, U]),
    row("{ balancedDevelopment(schoolYear: 2025) { schoolYear } }", [A, A, A, F, F, U]),
    row("{ auditEvents(first: 5) { totalCount } }", [A, F, F, F, F, U]),
    row("{ users(first: 5) { totalCount } }", [A, F, F, F, F, U]),
    // The registry: ADMIN and HR.
    row("mutation($schoolName: String!) { createSchool(input: { name: $schoolName, township: \"琴江镇\", area: URBAN, stages: [PRIMARY] }) { id } }", [A, A, F, F, F, U]),
    row("mutation($school: UUID!, $n: Int!) { setEnrollment(input: { schoolId: $school, schoolYear: 2025, stage: PRIMARY, students: $n }) { students } }", [A, A, F, F, F, U]),
    row("mutation($school: UUID!, $staff: String!) { createTeacher(input: { staffNo: $staff, name: \"甲\", gender: MALE, schoolId: $school, stage: PRIMARY, subject: \"语文\", education: BACHELOR }) { id } }", [A, A, F, F, F, U]),
    row("mutation($t: UUID!) { updateTeacher(id: $t, input: { name: \"乙\" }) { id } }", [A, A, F, F, F, U]),
    row("mutation($leaver: UUID!) { recordDeparture(teacherId: $leaver, leftOn: \"2025-07-01\", reason: \"调出\") { id } }", [A, A, F, F, F, U]),
    row("mutation($t: UUID!) { awardDesignation(input: { teacherId: $t, kind: KEY_TEACHER, level: SCHOOL, awardedOn: \"2024-05-01\" }) { id } }", [A, A, F, F, F, U]),
    // HR's sheets, uploaded: each allowed import writes one audit event, even when the sheet
    // changes nothing (a second column loading the same rows).
    upload("mutation($file: Upload!) { importSchools(file: $file) { rows } }", ("s.csv", "学校,乡镇,城区/农村,学段\n矩阵导入学校,琴江镇,城区,小学\n"), [A, A, F, F, F, U]),
    upload("mutation($file: Upload!) { importTeachers(file: $file) { rows } }", ("t.csv", "工号,姓名,性别,学校,学段,学科,学历\nRM-IMPORTED,甲,男,矩阵学校,小学,语文,本科\n"), [A, A, F, F, F, U]),
    upload("mutation($file: Upload!) { importDesignations(file: $file) { rows } }", ("d.csv", "工号,称号,级别,认定日期\nRM-IMPORTED,骨干教师,校级,2024-05-01\n"), [A, A, F, F, F, U]),
    upload("mutation($file: Upload!) { importEnrollments(file: $file) { rows } }", ("e.csv", "学校,学年,学段,在校生数\n矩阵学校,2025,小学,321\n"), [A, A, F, F, F, U]),
    upload("mutation($file: Upload!) { importTrainingRecords(file: $file) { rows } }", ("r.csv", "工号,培训名称,级别,类型,主办单位,开始日期,结束日期,学时\nRM-IMPORTED,矩阵培训,县培,集中培训,县教师进修学校,2025-03-01,2025-03-02,12.5\n"), [A, A, F, F, F, U]),
    row("mutation($d: UUID!) { revokeDesignation(id: $d, revokedOn: \"2025-01-01\", reason: \"违规\") { id } }", [A, A, F, F, F, U]),
    row("mutation($t: UUID!) { enterReservePool(input: { teacherId: $t, pool: KEY_TEACHER, enteredOn: \"2024-01-01\" }) { id } }", [A, A, F, F, F, U]),
    row("mutation($r: UUID!) { leaveReservePool(id: $r, leftOn: \"2025-01-01\") { id } }", [A, A, F, F, F, U]),
    // Training records: ADMIN and HR.
    row("mutation($t: UUID!) { recordTraining(teacherId: $t, input: { title: \"培训\", level: COUNTY, kind: COURSE, organiser: \"县教师进修学校\", startedOn: \"2025-03-01\", endedOn: \"2025-03-02\", hours: 12.5 }) { id } }", [A, A, F, F, F, U]),
    row("mutation($tStaff: String!) { recordGroupTraining(input: { title: \"国培\", level: NATIONAL, kind: ONLINE, organiser: \"教育部\", startedOn: \"2025-04-01\", endedOn: \"2025-04-10\", hours: 50 }, staffNos: [$tStaff]) { id } }", [A, A, F, F, F, U]),
    row("mutation($tr: UUID!) { updateTrainingRecord(id: $tr, input: { hours: 2 }) { id } }", [A, A, F, F, F, U]),
    row("mutation($tr: UUID!) { deleteTrainingRecord(id: $tr) { id } }", [A, A, F, F, F, U]),
    // Studios: ADMIN and HR; members, pairs and activities also the host of S in force.
    row("mutation($school: UUID!, $newHost: UUID!, $studioName: String!) { createStudio(input: { name: $studioName, subject: \"语文\", level: COUNTY, schoolId: $school, hostTeacherId: $newHost, establishedOn: \"2024-03-01\" }) { id } }", [A, A, F, F, F, U]),
    row("mutation($planned: UUID!) { establishStudio(id: $planned, establishedOn: \"2024-06-01\") { id } }", [A, A, F, F, F, U]),
    row("mutation($handed: UUID!, $successor: UUID!) { changeStudioHost(studioId: $handed, teacherId: $successor, on: \"2025-06-01\") { id } }", [A, A, F, F, F, U]),
    row("mutation($closing: UUID!) { closeStudio(id: $closing, closedOn: \"2025-06-01\") { id } }", [A, A, F, F, F, U]),
    row("mutation($assessed: UUID!) { assessStudio(input: { studioId: $assessed, cycle: \"2025\", result: PASS, assessedOn: \"2025-06-01\" }) { studio { id } } }", [A, A, F, F, F, U]),
    row("mutation($s: UUID!, $joiner: UUID!) { addStudioMember(input: { studioId: $s, teacherId: $joiner, joinedOn: \"2024-04-01\" }) { id } }", [A, A, F, A, F, U]),
    row("mutation($leaving: UUID!) { removeStudioMember(id: $leaving, leftOn: \"2025-01-01\") { id } }", [A, A, F, A, F, U]),
    row("mutation($s: UUID!, $mentor: UUID!, $mentee: UUID!) { createMentoringPair(input: { studioId: $s, mentorTeacherId: $mentor, menteeTeacherId: $mentee, startedOn: \"2024-05-01\" }) { id } }", [A, A, F, A, F, U]),
    row("mutation($ending: UUID!) { endMentoringPair(id: $ending, endedOn: \"2025-01-01\", status: COMPLETED) { id } }", [A, A, F, A, F, U]),
    row("mutation($s: UUID!, $host: UUID!) { logStudioOutput(input: { studioId: $s, kind: PAPER, title: \"论文\", date: \"2024-06-01\", level: COUNTY, authorIds: [$host] }) { id } }", [A, A, F, A, F, U]),
    row("mutation($s: UUID!, $host: UUID!, $output: UUID!) { correctStudioOutput(id: $output, input: { studioId: $s, kind: AWARD, title: \"获奖\", date: \"2024-06-02\", level: COUNTY, authorIds: [$host] }) { id } }", [A, A, F, A, F, U]),
    row("mutation($doomed: UUID!) { deleteStudioOutput(id: $doomed) }", [A, A, F, A, F, U]),
    row("mutation($pair: UUID!) { logMentoringActivity(input: { pairId: $pair, date: \"2024-06-01\", kind: LECTURE, hours: 1.5 }) { id } }", [A, A, F, A, F, U]),
    // Targets and users: ADMIN only.
    row("mutation($code: String!) { createTarget(input: { code: $code, title: \"目标\", metric: STUDIOS, goal: 3, baselineOn: \"2026-01-01\", deadline: \"2027-12-31\" }) { id } }", [A, F, F, F, F, U]),
    row("mutation($updated: String!) { updateTarget(code: $updated, input: { title: \"改\" }) { id } }", [A, F, F, F, F, U]),
    row("mutation($retired: String!) { retireTarget(code: $retired, retiredOn: \"2026-06-01\") { id } }", [A, F, F, F, F, U]),
    row("mutation($newUser: String!) { createUser(input: { username: $newUser, role: LEADER }) { token } }", [A, F, F, F, F, U]),
    row("mutation($victim: UUID!) { setPassword(userId: $victim, password: \"another long password\") { id } }", [A, F, F, F, F, U]),
    row("mutation($victimToken: UUID!) { revokeToken(id: $victimToken) { id } }", [A, F, F, F, F, U]),
    row("mutation($victim: UUID!) { disableUser(id: $victim) { id } }", [A, F, F, F, F, U]),
    row("mutation($victim: UUID!) { enableUser(id: $victim) { id } }", [A, F, F, F, F, U]),
    // One's own account: every role; without a token only login.
    row("mutation($username: String!, $password: String!) { login(username: $username, password: $password) { token } }", [A, A, A, A, A, A]),
    row("mutation($ownToken: UUID!) { revokeToken(id: $ownToken) { id } }", [A, A, A, A, A, U]),
    row("mutation($password: String!) { changePassword(currentPassword: $password, newPassword: \"a new long password\") }", [A, A, A, A, A, U]),
    row("mutation { logout }", [A, A, A, A, A, U]),
];

const PASSWORD: &str = "correct horse battery";

/// The tables' root fields and the schema's must be the same: a new query or mutation fails
/// here until it has a row (and a row for a field that is gone fails too).
#[test]
fn the_table_has_a_row_for_every_root_field_of_the_schema() {
    let doc = parse_schema(teacher_registry::graphql::sdl()).expect("valid SDL");
    let mut served = BTreeSet::new();
    for def in doc.definitions {
        let TypeSystemDefinition::Type(t) = def else {
            continue;
        };
        let name = t.node.name.node.to_string();
        if let ("Query" | "Mutation", TypeKind::Object(o)) = (name.as_str(), &t.node.kind) {
            served.extend(o.fields.iter().map(|f| f.node.name.node.to_string()));
        }
    }
    assert!(
        served.contains("me") && served.contains("login"),
        "{served:?}"
    );
    let rows: BTreeSet<String> = TABLE.iter().map(|r| root_field(r.query)).collect();
    let unlisted: Vec<_> = served.difference(&rows).collect();
    let unknown: Vec<_> = rows.difference(&served).collect();
    assert!(
        unlisted.is_empty() && unknown.is_empty(),
        "root fields without a row in the roles table: {unlisted:?}; rows for no root field: {unknown:?}"
    );
}

/// A user with a password; returns its token.
async fn user_with_password(
    app: &TestApp,
    username: &str,
    role: &str,
    teacher: Option<&str>,
) -> String {
    let data = app
        .ok(
            "mutation($i: CreateUserInput!) { createUser(input: $i) { token } }",
            json!({ "i": { "username": username, "role": role, "teacherId": teacher, "password": PASSWORD } }),
        )
        .await;
    data["createUser"]["token"]
        .as_str()
        .expect("token")
        .to_owned()
}

async fn login(app: &TestApp, username: &str) {
    let r = app
        .gql(
            None,
            "mutation($u: String!, $p: String!) { login(username: $u, password: $p) { token } }",
            json!({ "u": username, "p": PASSWORD }),
        )
        .await;
    assert!(r["data"]["login"]["token"].is_string(), "{r}");
}

/// Creates what column `n` acts on, fresh for it so that each allowed change has something new
/// to change; returns the column's variables, which the rows' requests name (`$t`, `$s`…).
async fn setup(
    app: &TestApp,
    n: usize,
    school: &str,
    studio: &str,
    host: &str,
    user: &str,
) -> Value {
    let admin = app.admin.clone();
    let teacher = async |what: &str| {
        app.create_teacher(school, &format!("RM{n}-{what}"), json!({}))
            .await
    };
    let t = teacher("T").await;
    let leaver = teacher("LEAVER").await;
    let pooled = teacher("POOLED").await;
    let d = app
        .award(&pooled, "KEY_TEACHER", "COUNTY", "2024-01-01", json!({}))
        .await;
    let r = app
        .ok(
            "mutation($t: UUID!) { enterReservePool(input: { teacherId: $t, pool: PRINCIPAL, enteredOn: \"2024-01-01\" }) { id } }",
            json!({ "t": pooled }),
        )
        .await["enterReservePool"]["id"]
        .clone();
    let tr = app
        .ok(
            "mutation($t: UUID!) { recordTraining(teacherId: $t, input: { title: \"校本研修\", level: SCHOOL, kind: SCHOOL_BASED, organiser: \"本校\", startedOn: \"2025-02-01\", endedOn: \"2025-02-01\", hours: 3 }) { id } }",
            json!({ "t": t }),
        )
        .await["recordTraining"]["id"]
        .clone();
    let mut studios = Vec::new();
    for (what, established) in [
        ("PLANNED", None),
        ("CLOSING", Some("2024-03-01")),
        ("ASSESSED", Some("2024-03-01")),
        ("HANDED", Some("2024-03-01")),
    ] {
        let host = teacher(&format!("HOST-{what}")).await;
        let name = format!("矩阵{n}{what}工作室");
        studios.push(
            app.create_studio(&name, school, &host, established, None)
                .await,
        );
    }
    let leaving = teacher("LEAVING").await;
    let leaving = app.add_member(&admin, studio, &leaving, "2024-03-10").await;
    let mentor = teacher("MENTOR").await;
    app.add_member(&admin, studio, &mentor, "2024-03-10").await;
    let ending = teacher("ENDING").await;
    let ending = app
        .pair(&admin, studio, &mentor, &ending, "2024-04-01")
        .await;
    let pair = app
        .pair(
            &admin,
            studio,
            host,
            &teacher("MENTEE-0").await,
            "2024-04-01",
        )
        .await;
    let mut outputs = Vec::new();
    for title in ["改正", "删除"] {
        let o = app
            .ok(
                "mutation($s: UUID!, $host: UUID!, $title: String!) { logStudioOutput(input: { studioId: $s, kind: PAPER, title: $title, date: \"2024-05-01\", level: COUNTY, authorIds: [$host] }) { id } }",
                json!({ "s": studio, "host": host, "title": title }),
            )
            .await;
        outputs.push(o["logStudioOutput"]["id"].clone());
    }
    for code in [format!("RM_UPD_{n}"), format!("RM_RET_{n}")] {
        app.ok(
            "mutation($c: String!) { createTarget(input: { code: $c, title: \"目标\", metric: STUDIOS, goal: 3, baselineOn: \"2026-01-01\", deadline: \"2027-12-31\" }) { id } }",
            json!({ "c": code }),
        )
        .await;
    }
    let victim = format!("rm.victim.{n}");
    app.create_user(&victim, "LEADER", None).await;
    // A second token of the column's user, from a login, for it to revoke.
    login(app, user).await;
    let users = app
        .ok(
            "{ users(first: 100) { nodes { id username tokens { id origin } } } }",
            json!({}),
        )
        .await;
    let user_node = |name: &str| {
        users["users"]["nodes"]
            .as_array()
            .unwrap()
            .iter()
            .find(|u| u["username"] == name)
            .unwrap_or_else(|| panic!("user {name}"))
            .clone()
    };
    let victim = user_node(&victim);
    let own_token = user_node(user)["tokens"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["origin"] == "login")
        .expect("the login's token")["id"]
        .clone();
    json!({
        "school": school, "s": studio, "n": 100 + n, "t": t, "leaver": leaver, "d": d, "r": r, "tr": tr,
        "tStaff": format!("RM{n}-T"),
        "schoolName": format!("矩阵学校{n}"), "staff": format!("RM{n}-NEW"),
        "newHost": teacher("NEW-HOST").await, "studioName": format!("矩阵{n}新工作室"),
        "planned": studios[0], "closing": studios[1], "assessed": studios[2], "handed": studios[3],
        "successor": teacher("SUCCESSOR").await,
        "joiner": teacher("JOINER").await, "leaving": leaving,
        "mentor": mentor, "mentee": teacher("MENTEE").await, "ending": ending, "pair": pair,
        "host": host, "output": outputs[0], "doomed": outputs[1],
        "code": format!("RM_NEW_{n}"), "updated": format!("RM_UPD_{n}"), "retired": format!("RM_RET_{n}"),
        "newUser": format!("rm.new.{n}"), "victim": victim["id"], "victimToken": victim["tokens"][0]["id"],
        "username": user, "password": PASSWORD, "ownToken": own_token,
    })
}

async fn every_role_may_do_exactly_what_the_roles_table_says(app: TestApp) {
    let school = app.create_school("矩阵学校", "琴江镇", "URBAN").await;
    let host = app.create_teacher(&school, "RM-HOST", json!({})).await;
    let other_host = app
        .create_teacher(&school, "RM-OTHER-HOST", json!({}))
        .await;
    let studio = app
        .create_studio("矩阵工作室", &school, &host, Some("2024-03-01"), None)
        .await;
    app.create_studio("他人工作室", &school, &other_host, Some("2024-03-01"), None)
        .await;
    // One user per column (the ADMIN column's own, so that its logout spares the test's admin);
    // the no-token column logs in as a guest.
    let users = [
        ("rm.admin", "ADMIN", None),
        ("rm.hr", "HR", None),
        ("rm.leader", "LEADER", None),
        ("rm.host", "STUDIO_HOST", Some(host.as_str())),
        ("rm.other.host", "STUDIO_HOST", Some(other_host.as_str())),
        ("rm.guest", "LEADER", None),
    ];
    let mut failures = Vec::new();
    for (n, (column, (user, role, teacher))) in COLUMNS.iter().zip(users).enumerate() {
        let token = user_with_password(&app, user, role, teacher).await;
        let token = (n < 5).then_some(token);
        let vars = setup(&app, n, &school, &studio, &host, user).await;
        let mut counts = app.row_counts().await;
        for r in TABLE {
            let field = root_field(r.query);
            let cell = format!("{column} × {field} ({})", r.query);
            let resp = send(&app, token.as_deref(), r, &vars).await;
            let expected = r.expect[n];
            // A row with a hidden cell is about studio S: allowed means S is in the answer.
            let about_studio = r.expect.contains(&H);
            let got = match resp["errors"][0]["extensions"]["code"].as_str() {
                Some("FORBIDDEN") => Some(F),
                Some("UNAUTHENTICATED") => Some(U),
                Some(_) => None,
                None if about_studio => Some(if resp["data"].to_string().contains(&studio) {
                    A
                } else {
                    H
                }),
                None => (!resp["data"][&field].is_null()).then_some(A),
            };
            if got != Some(expected) {
                failures.push(format!("{cell}: expected {expected:?}, got {resp}"));
            }
            let after = app.row_counts().await;
            let is_write = r.query.starts_with("mutation");
            if got == Some(A) && is_write {
                // One audit event, naming the actor and the mutation.
                let rows_in = |table: &str, counts: &[(String, i64)]| {
                    counts
                        .iter()
                        .find(|(t, _)| t == table)
                        .map_or(0, |(_, n)| *n)
                };
                let newest = app
                    .ok(
                        "{ auditEvents(first: 1) { nodes { actor operation } } }",
                        json!({}),
                    )
                    .await;
                let audited = rows_in("audit_events", &after) - rows_in("audit_events", &counts);
                if audited != 1
                    || newest["auditEvents"]["nodes"][0]
                        != json!({ "actor": user, "operation": field })
                {
                    failures.push(format!(
                        "{cell}: {audited} audit events, the newest {}",
                        newest["auditEvents"]["nodes"][0]
                    ));
                }
            } else if after != counts {
                failures.push(format!("{cell}: a read or a refused request changed rows"));
            }
            counts = after;
        }
    }
    assert!(
        failures.is_empty(),
        "the roles table is broken in {} cells:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
