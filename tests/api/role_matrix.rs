//! The role matrix of the API contract as one table: every role tries every operation, and
//! each either succeeds or is FORBIDDEN, exactly as the table says.

use serde_json::{Value, json};

use crate::helpers::TestApp;

on_both_databases!(every_role_may_do_exactly_what_the_matrix_says);

const ROLES: [&str; 4] = ["ADMIN", "HR", "LEADER", "STUDIO_HOST"];

/// (operation, query with `$k` a per-role number, allowed for [ADMIN, HR, LEADER, STUDIO_HOST])
const TABLE: &[(&str, &str, [bool; 4])] = &[
    (
        "me",
        "query($k: Int) { me { username } }",
        [true, true, true, true],
    ),
    (
        "teachers",
        "query($k: Int) { teachers(first: $k) { totalCount nodes { idNumber } } }",
        [true, true, true, true],
    ),
    (
        "schools",
        "query($k: Int) { schools(first: $k) { totalCount } }",
        [true, true, true, true],
    ),
    (
        "keyTeacherCounts",
        "query($k: Int) { keyTeacherCounts(groupBy: [SCHOOL]) { count } }",
        [true, true, true, true],
    ),
    (
        "studios",
        "query($k: Int) { studios(first: $k) { totalCount } }",
        [true, true, true, true],
    ),
    (
        "studio (the host's)",
        "query($k: Int, $s: UUID!) { studio(id: $s) { name } }",
        [true, true, true, true],
    ),
    (
        "progress",
        "query($k: Int) { progress { status } targets { code } }",
        [true, true, true, true],
    ),
    (
        "balancedDevelopment",
        "query($k: Int) { balancedDevelopment(schoolYear: 2025) { schoolYear } }",
        [true, true, true, false],
    ),
    (
        "auditEvents",
        "query($k: Int) { auditEvents(first: $k) { totalCount } }",
        [true, false, false, false],
    ),
    (
        "users",
        "query($k: Int) { users(first: $k) { totalCount } }",
        [true, false, false, false],
    ),
    (
        "createSchool",
        "mutation($k: Int) { createSchool(input: { name: \"学校\", township: \"镇\", area: URBAN, stages: [PRIMARY] }) { id } }",
        [true, true, false, false],
    ),
    (
        "setEnrollment",
        "mutation($k: Int!, $school: UUID!) { setEnrollment(input: { schoolId: $school, schoolYear: 2025, stage: PRIMARY, students: $k }) { students } }",
        [true, true, false, false],
    ),
    (
        "createTeacher",
        "mutation($k: Int, $school: UUID!, $staff: String!) { createTeacher(input: { staffNo: $staff, name: \"甲\", gender: MALE, schoolId: $school, stage: PRIMARY, subject: \"语文\", education: BACHELOR }) { id } }",
        [true, true, false, false],
    ),
    (
        "updateTeacher",
        "mutation($k: Int, $t: UUID!) { updateTeacher(id: $t, input: { name: \"乙\" }) { id } }",
        [true, true, false, false],
    ),
    (
        "awardDesignation",
        "mutation($k: Int, $t: UUID!, $on: Date!) { awardDesignation(input: { teacherId: $t, kind: KEY_TEACHER, level: SCHOOL, awardedOn: $on }) { id } }",
        [true, true, false, false],
    ),
    (
        "enterReservePool",
        "mutation($k: Int, $t: UUID!, $pool: ReservePool!) { enterReservePool(input: { teacherId: $t, pool: $pool, enteredOn: \"2025-01-01\" }) { id } }",
        [true, true, false, false],
    ),
    (
        "createStudio",
        "mutation($k: Int, $school: UUID!, $t: UUID!, $name: String!) { createStudio(input: { name: $name, subject: \"语文\", level: COUNTY, schoolId: $school, hostTeacherId: $t }) { id } }",
        [true, true, false, false],
    ),
    (
        "addStudioMember",
        "mutation($k: Int, $s: UUID!, $m: UUID!) { addStudioMember(input: { studioId: $s, teacherId: $m, joinedOn: \"2024-04-01\" }) { id } }",
        [true, true, false, true],
    ),
    (
        "createMentoringPair",
        "mutation($k: Int, $s: UUID!, $host: UUID!, $m: UUID!) { createMentoringPair(input: { studioId: $s, mentorTeacherId: $host, menteeTeacherId: $m, startedOn: \"2024-05-01\" }) { id } }",
        [true, true, false, true],
    ),
    (
        "createTarget",
        "mutation($k: Int, $code: String!) { createTarget(input: { code: $code, title: \"目标\", metric: STUDIOS, goal: 3, baselineOn: \"2026-01-01\", deadline: \"2027-01-01\" }) { id } }",
        [true, false, false, false],
    ),
    (
        "createUser",
        "mutation($k: Int, $user: String!) { createUser(input: { username: $user, role: LEADER }) { token } }",
        [true, false, false, false],
    ),
];

async fn every_role_may_do_exactly_what_the_matrix_says(app: TestApp) {
    let school = app.create_school("矩阵学校", "琴江镇", "URBAN").await;
    let host_teacher = app.create_teacher(&school, "RM-HOST", json!({})).await;
    let studio = app
        .create_studio(
            "矩阵工作室",
            &school,
            &host_teacher,
            Some("2024-03-01"),
            None,
        )
        .await;
    let mut tokens = vec![app.admin.clone()];
    tokens.push(app.create_user("rm.hr", "HR", None).await);
    tokens.push(app.create_user("rm.leader", "LEADER", None).await);
    tokens.push(
        app.create_user("rm.host", "STUDIO_HOST", Some(&host_teacher))
            .await,
    );
    let mut failures = Vec::new();
    for (role, token) in ROLES.iter().zip(&tokens) {
        let n = ROLES.iter().position(|r| r == role).unwrap() as i64 + 1;
        // Fresh teachers per role, so each allowed write has something new to act on.
        let t = app
            .create_teacher(&school, &format!("RM-T-{role}"), json!({}))
            .await;
        let member = app
            .create_teacher(&school, &format!("RM-M-{role}"), json!({}))
            .await;
        let vars = json!({
            "k": n, "school": school, "t": t, "s": studio, "host": host_teacher, "m": member,
            "staff": format!("RM-NEW-{role}"), "name": format!("矩阵工作室{n}"),
            "code": format!("RM_{role}"), "user": format!("rm.new.{n}"),
            "on": format!("2024-0{n}-01"), "pool": "KEY_TEACHER",
        });
        for (operation, query, allowed) in TABLE {
            let mut vars = vars.clone();
            if *operation == "createSchool" {
                let q = query.replace("\"学校\"", &format!("\"学校{n}\""));
                check(
                    &app,
                    token,
                    &q,
                    &vars,
                    allowed[n as usize - 1],
                    role,
                    operation,
                    &mut failures,
                )
                .await;
                continue;
            }
            if *operation == "createMentoringPair" {
                // The mentee may not be the member added just before; a fresh one per role.
                vars["m"] = json!(
                    app.create_teacher(&school, &format!("RM-E-{role}"), json!({}))
                        .await
                );
            }
            check(
                &app,
                token,
                query,
                &vars,
                allowed[n as usize - 1],
                role,
                operation,
                &mut failures,
            )
            .await;
        }
    }
    assert!(
        failures.is_empty(),
        "the role matrix is broken:\n{}",
        failures.join("\n")
    );
}

#[allow(clippy::too_many_arguments)]
async fn check(
    app: &TestApp,
    token: &str,
    query: &str,
    vars: &Value,
    allowed: bool,
    role: &str,
    operation: &str,
    failures: &mut Vec<String>,
) {
    // Every query declares `$k`; where it is not used, the declaration goes (GraphQL refuses
    // unused variables), and undeclared variables are ignored.
    let query = if query.matches("$k").count() == 1 {
        query
            .replace("($k: Int) ", "")
            .replace("$k: Int, ", "")
            .replace("$k: Int!, ", "")
    } else {
        query.to_owned()
    };
    let resp = app.gql(Some(token), &query, vars.clone()).await;
    let code = resp["errors"][0]["extensions"]["code"]
        .as_str()
        .map(str::to_owned);
    match (allowed, code.as_deref()) {
        (true, None) | (false, Some("FORBIDDEN")) => {}
        (true, Some(code)) => failures.push(format!(
            "{role} {operation}: expected success, got {code}: {resp}"
        )),
        (false, other) => failures.push(format!(
            "{role} {operation}: expected FORBIDDEN, got {other:?}"
        )),
    }
}
