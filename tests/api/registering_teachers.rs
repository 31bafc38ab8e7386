//! HR registers schools, enrollments and teachers, corrects records and keeps reserve pools.

use serde_json::json;

use crate::helpers::{TestApp, join_all};

on_both_databases!(
    hr_registers_a_school_with_enrollments,
    hr_registers_a_teacher_and_reads_every_field_back,
    registration_refuses_bad_input_and_changes_nothing,
    hr_corrects_a_teacher_and_the_audit_trail_shows_before_and_after,
    teachers_enter_and_leave_reserve_pools,
    concurrent_registrations_neither_fail_nor_duplicate,
);

async fn hr_registers_a_school_with_enrollments(app: TestApp) {
    let hr = app.create_user("hr.wang", "HR", None).await;
    let school = app
        .ok_as(
            &hr,
            "mutation { createSchool(input: { name: \"东城中小学\", township: \"琴江镇\", area: URBAN, stages: [PRIMARY, JUNIOR] }) { id name township area stages } }",
            json!({}),
        )
        .await["createSchool"]
        .clone();
    assert_eq!(school["stages"], json!(["PRIMARY", "JUNIOR"]));
    assert_eq!(school["area"], "URBAN");
    let id = school["id"].as_str().unwrap();
    let set = "mutation($i: SetEnrollmentInput!) { setEnrollment(input: $i) { schoolYear stage students school { name } } }";
    let e = app
        .ok_as(&hr, set, json!({ "i": { "schoolId": id, "schoolYear": 2024, "stage": "PRIMARY", "students": 1200 } }))
        .await;
    assert_eq!(e["setEnrollment"]["students"], 1200);
    assert_eq!(e["setEnrollment"]["school"]["name"], "东城中小学");
    // Setting it again replaces the figure rather than adding a second one.
    app.ok_as(&hr, set, json!({ "i": { "schoolId": id, "schoolYear": 2024, "stage": "PRIMARY", "students": 1250 } }))
        .await;
    app.ok_as(
        &hr,
        set,
        json!({ "i": { "schoolId": id, "schoolYear": 2024, "stage": "JUNIOR", "students": 800 } }),
    )
    .await;
    let school = app
        .ok(
            "query($id: UUID!) { school(id: $id) { enrollments { schoolYear stage students } } }",
            json!({ "id": id }),
        )
        .await;
    assert_eq!(
        school["school"]["enrollments"],
        json!([
            { "schoolYear": 2024, "stage": "JUNIOR", "students": 800 },
            { "schoolYear": 2024, "stage": "PRIMARY", "students": 1250 },
        ])
    );
    // A primary-only school has no junior enrollment; students are never negative.
    let small = app
        .ok("mutation { createSchool(input: { name: \"琴江中心小学\", township: \"琴江镇\", area: URBAN, stages: [PRIMARY] }) { id } }", json!({}))
        .await["createSchool"]["id"]
        .clone();
    let e = app
        .err(set, json!({ "i": { "schoolId": small, "schoolYear": 2024, "stage": "JUNIOR", "students": 10 } }))
        .await;
    assert_eq!(
        (e["code"].as_str(), e["field"].as_str()),
        (Some("BAD_USER_INPUT"), Some("stage"))
    );
    let e = app
        .err(set, json!({ "i": { "schoolId": small, "schoolYear": 2024, "stage": "PRIMARY", "students": -1 } }))
        .await;
    assert_eq!(
        (e["code"].as_str(), e["field"].as_str()),
        (Some("BAD_USER_INPUT"), Some("students"))
    );
    // School names are unique.
    let e = app
        .err("mutation { createSchool(input: { name: \"东城中小学\", township: \"琴江镇\", area: URBAN, stages: [PRIMARY] }) { id } }", json!({}))
        .await;
    assert_eq!(e["code"], "CONFLICT");
    let e = app
        .err("mutation { createSchool(input: { name: \"空\", township: \"琴江镇\", area: URBAN, stages: [] }) { id } }", json!({}))
        .await;
    assert_eq!(
        (e["code"].as_str(), e["field"].as_str()),
        (Some("BAD_USER_INPUT"), Some("stages"))
    );
}

async fn hr_registers_a_teacher_and_reads_every_field_back(app: TestApp) {
    let school = app.create_school("横江中心小学", "横江镇", "RURAL").await;
    let hr = app.create_user("hr.li", "HR", None).await;
    let created = app
        .ok_as(
            &hr,
            "mutation($i: CreateTeacherInput!) { createTeacher(input: $i) {
                id staffNo name gender birthDate idNumber stage subject education hiredOn leftOn
                school { name } designations { id } topDesignation { id } reserveEntries { id } } }",
            json!({ "i": {
                "staffNo": " HJ-001 ", "name": " 李明 ", "gender": "MALE",
                "idNumber": "36073019850315009x", "schoolId": school, "stage": "PRIMARY",
                "subject": "数学", "education": "ASSOCIATE", "hiredOn": "2008-09-01" } }),
        )
        .await["createTeacher"]
        .clone();
    assert_eq!(created["staffNo"], "HJ-001");
    assert_eq!(created["name"], "李明");
    // The birth date comes from the ID number, which is stored upper-case.
    assert_eq!(created["birthDate"], "1985-03-15");
    assert_eq!(created["idNumber"], "36073019850315009X");
    assert_eq!(created["education"], "ASSOCIATE");
    assert_eq!(created["hiredOn"], "2008-09-01");
    assert_eq!(created["leftOn"], json!(null));
    assert_eq!(created["school"]["name"], "横江中心小学");
    assert_eq!(created["designations"], json!([]));
    assert_eq!(created["topDesignation"], json!(null));
    let id = created["id"].as_str().unwrap();
    let read = app
        .ok_as(
            &hr,
            "query($id: UUID!) { teacher(id: $id) { staffNo subject } }",
            json!({ "id": id }),
        )
        .await;
    assert_eq!(
        read["teacher"],
        json!({ "staffNo": "HJ-001", "subject": "数学" })
    );
    // An unknown id reads as null.
    let none = app
        .ok(
            "{ teacher(id: \"01890000-0000-7000-8000-000000000000\") { id } }",
            json!({}),
        )
        .await;
    assert_eq!(none["teacher"], json!(null));
}

async fn registration_refuses_bad_input_and_changes_nothing(app: TestApp) {
    let school = app.create_school("高田中心小学", "高田镇", "RURAL").await;
    app.create_teacher(
        &school,
        "GT-001",
        json!({ "idNumber": "11010519491231002X" }),
    )
    .await;
    let before = app.row_counts().await;
    let create = "mutation($i: CreateTeacherInput!) { createTeacher(input: $i) { id } }";
    let base = json!({ "staffNo": "GT-002", "name": "王芳", "gender": "FEMALE", "schoolId": school,
                       "stage": "PRIMARY", "subject": "语文", "education": "BACHELOR" });
    let with = |k: &str, v: serde_json::Value| {
        let mut i = base.clone();
        i[k] = v;
        json!({ "i": i })
    };
    let cases = [
        (with("staffNo", json!("GT-001")), "CONFLICT", None),
        (
            with("idNumber", json!("11010519491231002X")),
            "CONFLICT",
            None,
        ),
        (
            with("idNumber", json!("110105194912310021")),
            "BAD_USER_INPUT",
            Some("idNumber"),
        ),
        (
            with("idNumber", json!("1101051949")),
            "BAD_USER_INPUT",
            Some("idNumber"),
        ),
        // The ID number carries 1985-03-15, which contradicts the birth date given.
        (
            json!({ "i": { "staffNo": "GT-002", "name": "王芳", "gender": "FEMALE", "schoolId": school,
                           "stage": "PRIMARY", "subject": "语文", "education": "BACHELOR",
                           "birthDate": "1950-01-01", "idNumber": "36073019850315009X" } }),
            "BAD_USER_INPUT",
            Some("idNumber"),
        ),
        (
            with("subject", json!("书法")),
            "BAD_USER_INPUT",
            Some("subject"),
        ),
        (with("name", json!("   ")), "BAD_USER_INPUT", Some("name")),
        (
            with("staffNo", json!("GT 002")),
            "BAD_USER_INPUT",
            Some("staffNo"),
        ),
        (
            with("schoolId", json!("01890000-0000-7000-8000-000000000000")),
            "NOT_FOUND",
            None,
        ),
        (
            with("birthDate", json!("2030-01-01")),
            "BAD_USER_INPUT",
            Some("birthDate"),
        ),
        (
            with("birthDate", json!("1990-02-30")),
            "BAD_USER_INPUT",
            None,
        ),
        (with("education", json!("PHD")), "BAD_USER_INPUT", None),
    ];
    for (vars, code, field) in cases {
        let e = app.err(create, vars.clone()).await;
        assert_eq!(e["code"], code, "{vars}: {e}");
        if let Some(field) = field {
            assert_eq!(e["field"], field, "{vars}: {e}");
        }
    }
    let primary_only = app
        .ok("mutation { createSchool(input: { name: \"赣江源小学\", township: \"赣江源镇\", area: RURAL, stages: [PRIMARY] }) { id } }", json!({}))
        .await["createSchool"]["id"]
        .clone();
    let before = {
        let mut b = before;
        // The school just created and its audit event are the only new rows.
        for (table, n) in &mut b {
            if table == "schools" || table == "audit_events" {
                *n += 1;
            }
        }
        b
    };
    let mut junior_there = with("schoolId", primary_only);
    junior_there["i"]["stage"] = json!("JUNIOR");
    let e = app.err(create, junior_there).await;
    assert_eq!(
        (e["code"].as_str(), e["field"].as_str()),
        (Some("BAD_USER_INPUT"), Some("stage"))
    );
    assert_eq!(
        app.row_counts().await,
        before,
        "a failed mutation wrote something"
    );
}

async fn hr_corrects_a_teacher_and_the_audit_trail_shows_before_and_after(app: TestApp) {
    let a = app
        .create_school("石城一小城北校区", "琴江镇", "URBAN")
        .await;
    let b = app.create_school("温坊初中", "琴江镇", "URBAN").await;
    let t = app
        .create_teacher(&a, "CB-001", json!({ "hiredOn": "2015-09-01" }))
        .await;
    let hr = app.create_user("hr.zhao", "HR", None).await;
    let update = "mutation($id: UUID!, $i: UpdateTeacherInput!) { updateTeacher(id: $id, input: $i) { name subject education stage school { name } hiredOn } }";
    let after = app
        .ok_as(
            &hr,
            update,
            json!({ "id": t, "i": { "name": "赵敏", "schoolId": b, "stage": "JUNIOR", "subject": "物理", "education": "MASTER" } }),
        )
        .await;
    assert_eq!(
        after["updateTeacher"],
        json!({ "name": "赵敏", "subject": "物理", "education": "MASTER", "stage": "JUNIOR",
                "school": { "name": "温坊初中" }, "hiredOn": "2015-09-01" })
    );
    let events = app
        .ok(
            "{ auditEvents(first: 1) { nodes { actor operation entityId details } } }",
            json!({}),
        )
        .await;
    let event = &events["auditEvents"]["nodes"][0];
    assert_eq!(event["actor"], "hr.zhao");
    assert_eq!(event["operation"], "updateTeacher");
    assert_eq!(event["entityId"], t.as_str());
    let details: serde_json::Value =
        serde_json::from_str(event["details"].as_str().unwrap()).unwrap();
    assert_eq!(
        details["subject"],
        json!({ "before": "语文", "after": "物理" })
    );
    assert_eq!(details["education"], json!({ "before": 3, "after": 4 }));
    assert!(
        details.get("gender").is_none(),
        "unchanged fields are not listed"
    );
    // A move to a school that does not teach the stage is refused.
    let primary_only = app
        .ok("mutation { createSchool(input: { name: \"小松中心小学\", township: \"小松镇\", area: RURAL, stages: [PRIMARY] }) { id } }", json!({}))
        .await["createSchool"]["id"]
        .clone();
    let e = app
        .err(
            update,
            json!({ "id": t, "i": { "schoolId": primary_only } }),
        )
        .await;
    assert_eq!(
        (e["code"].as_str(), e["field"].as_str()),
        (Some("BAD_USER_INPUT"), Some("stage"))
    );
    let e = app
        .err(
            update,
            json!({ "id": "01890000-0000-7000-8000-000000000000", "i": { "name": "x" } }),
        )
        .await;
    assert_eq!(e["code"], "NOT_FOUND");
}

async fn teachers_enter_and_leave_reserve_pools(app: TestApp) {
    let s = app.create_school("屏山中心小学", "屏山镇", "RURAL").await;
    let t = app.create_teacher(&s, "PS-001", json!({})).await;
    let enter = "mutation($i: EnterReservePoolInput!) { enterReservePool(input: $i) { id pool enteredOn leftOn teacher { staffNo } } }";
    let entry = app
        .ok(
            enter,
            json!({ "i": { "teacherId": t, "pool": "KEY_TEACHER", "enteredOn": "2024-03-01" } }),
        )
        .await["enterReservePool"]
        .clone();
    assert_eq!(entry["pool"], "KEY_TEACHER");
    assert_eq!(entry["teacher"]["staffNo"], "PS-001");
    // Once at a time per pool; another pool is fine.
    let e = app
        .err(
            enter,
            json!({ "i": { "teacherId": t, "pool": "KEY_TEACHER", "enteredOn": "2024-05-01" } }),
        )
        .await;
    assert_eq!(e["code"], "CONFLICT");
    app.ok(
        enter,
        json!({ "i": { "teacherId": t, "pool": "PRINCIPAL", "enteredOn": "2024-05-01" } }),
    )
    .await;
    let filter = "{ teachers(filter: { reservePool: KEY_TEACHER }) { totalCount } }";
    assert_eq!(app.ok(filter, json!({})).await["teachers"]["totalCount"], 1);
    let leave =
        "mutation($id: UUID!, $on: Date!) { leaveReservePool(id: $id, leftOn: $on) { leftOn } }";
    let e = app
        .err(leave, json!({ "id": entry["id"], "on": "2024-02-01" }))
        .await;
    assert_eq!(
        (e["code"].as_str(), e["field"].as_str()),
        (Some("BAD_USER_INPUT"), Some("leftOn"))
    );
    let left = app
        .ok(leave, json!({ "id": entry["id"], "on": "2025-01-01" }))
        .await;
    assert_eq!(left["leaveReservePool"]["leftOn"], "2025-01-01");
    let e = app
        .err(leave, json!({ "id": entry["id"], "on": "2025-02-01" }))
        .await;
    assert_eq!(e["code"], "CONFLICT");
    assert_eq!(app.ok(filter, json!({})).await["teachers"]["totalCount"], 0);
    // A leave recorded ahead of its day keeps the teacher in the pool until then.
    let principal = "{ teachers(filter: { reservePool: PRINCIPAL }) { totalCount } }";
    let entries = app
        .ok(
            "query($t: UUID!) { teacher(id: $t) { reserveEntries { id pool } } }",
            json!({ "t": t }),
        )
        .await;
    let principal_entry = entries["teacher"]["reserveEntries"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["pool"] == "PRINCIPAL")
        .unwrap()["id"]
        .clone();
    assert_eq!(
        app.ok(principal, json!({})).await["teachers"]["totalCount"],
        1
    );
    app.ok(leave, json!({ "id": principal_entry, "on": "2035-09-01" }))
        .await;
    assert_eq!(
        app.ok(principal, json!({})).await["teachers"]["totalCount"],
        1
    );
    // Counts per pool on a day: the entry runs from its day up to the day before leaving.
    let counts = |d: &str| {
        let q = format!("{{ reservePoolCounts(asOf: \"{d}\") {{ pool count }} }}");
        let app = &app;
        async move { app.ok(&q, json!({})).await["reservePoolCounts"].clone() }
    };
    assert_eq!(counts("2024-02-29").await, json!([]));
    assert_eq!(
        counts("2024-03-01").await,
        json!([{ "pool": "KEY_TEACHER", "count": 1 }])
    );
    assert_eq!(
        counts("2024-12-31").await,
        json!([{ "pool": "KEY_TEACHER", "count": 1 }, { "pool": "PRINCIPAL", "count": 1 }])
    );
    assert_eq!(
        counts("2025-01-01").await,
        json!([{ "pool": "PRINCIPAL", "count": 1 }])
    );
    // Re-entering after leaving is allowed, and the history is kept.
    app.ok(
        enter,
        json!({ "i": { "teacherId": t, "pool": "KEY_TEACHER", "enteredOn": "2025-09-01" } }),
    )
    .await;
    let entries = app
        .ok(
            "query($id: UUID!) { teacher(id: $id) { reserveEntries { pool enteredOn leftOn } } }",
            json!({ "id": t }),
        )
        .await;
    assert_eq!(
        entries["teacher"]["reserveEntries"],
        json!([
            { "pool": "KEY_TEACHER", "enteredOn": "2024-03-01", "leftOn": "2025-01-01" },
            { "pool": "PRINCIPAL", "enteredOn": "2024-05-01", "leftOn": "2035-09-01" },
            { "pool": "KEY_TEACHER", "enteredOn": "2025-09-01", "leftOn": null },
        ])
    );
    // A new entry may not overlap one that is left only later.
    let e = app
        .err(
            enter,
            json!({ "i": { "teacherId": t, "pool": "PRINCIPAL", "enteredOn": "2030-01-01" } }),
        )
        .await;
    assert_eq!(e["code"], "CONFLICT");
    assert!(
        e["message"].as_str().unwrap().contains("until 2035-09-01"),
        "{e}"
    );
}

async fn concurrent_registrations_neither_fail_nor_duplicate(app: TestApp) {
    let s = app.create_school("观下中心小学", "观下乡", "RURAL").await;
    let create = "mutation($i: CreateTeacherInput!) { createTeacher(input: $i) { id } }";
    let input = |staff_no: String| {
        json!({ "i": { "staffNo": staff_no, "name": "并发", "gender": "MALE", "schoolId": s,
                       "stage": "PRIMARY", "subject": "语文", "education": "BACHELOR" } })
    };
    // Sixteen different teachers at once: every write succeeds (no SQLITE_BUSY).
    let distinct = (0..16).map(|i| app.gql(Some(&app.admin), create, input(format!("GX-{i}"))));
    for resp in join_all(distinct).await {
        assert!(resp.get("errors").is_none(), "{resp}");
    }
    // Sixteen copies of one staff number at once: exactly one wins, the rest are CONFLICT.
    let same = (0..16).map(|_| app.gql(Some(&app.admin), create, input("GX-SAME".into())));
    let results = join_all(same).await;
    let won = results.iter().filter(|r| r.get("errors").is_none()).count();
    assert_eq!(won, 1);
    for r in results.iter().filter(|r| r.get("errors").is_some()) {
        assert_eq!(r["errors"][0]["extensions"]["code"], "CONFLICT", "{r}");
    }
    let total = app
        .ok("{ teachers(first: 100) { totalCount } }", json!({}))
        .await;
    assert_eq!(total["teachers"]["totalCount"], 17);
}
