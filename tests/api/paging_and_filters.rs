//! HR pages through the registry and narrows it with every filter of `teachers`.

use serde_json::json;

use crate::helpers::TestApp;

on_both_databases!(
    teachers_page_by_cursor_with_a_total,
    every_teacher_filter_narrows_the_list,
    schools_page_too,
);

async fn teachers_page_by_cursor_with_a_total(app: TestApp) {
    let s = app.create_school("丰山中心小学", "丰山乡", "RURAL").await;
    for i in 0..7 {
        app.create_teacher(&s, &format!("FS-{i:03}"), json!({}))
            .await;
    }
    let q = "query($after: String) { teachers(first: 3, after: $after) {
        totalCount pageInfo { hasNextPage endCursor } edges { cursor node { staffNo } } nodes { staffNo } } }";
    let mut after = serde_json::Value::Null;
    let mut seen = Vec::new();
    let mut pages = 0;
    loop {
        let page = app.ok(q, json!({ "after": after })).await["teachers"].clone();
        assert_eq!(page["totalCount"], 7);
        let edges = page["edges"].as_array().unwrap();
        let nodes = page["nodes"].as_array().unwrap();
        assert_eq!(edges.len(), nodes.len());
        for (e, n) in edges.iter().zip(nodes) {
            assert_eq!(e["node"], *n);
            seen.push(n["staffNo"].as_str().unwrap().to_owned());
        }
        pages += 1;
        if !page["pageInfo"]["hasNextPage"].as_bool().unwrap() {
            assert_eq!(edges.len(), 1);
            break;
        }
        assert_eq!(
            page["pageInfo"]["endCursor"],
            edges.last().unwrap()["cursor"]
        );
        after = page["pageInfo"]["endCursor"].clone();
    }
    assert_eq!(pages, 3);
    let want: Vec<String> = (0..7).map(|i| format!("FS-{i:03}")).collect();
    assert_eq!(seen, want, "creation order, no gaps, no repeats");
    // Page size limits and cursors.
    let e = app
        .err("{ teachers(first: 101) { totalCount } }", json!({}))
        .await;
    assert_eq!(
        (e["code"].as_str(), e["field"].as_str()),
        (Some("BAD_USER_INPUT"), Some("first"))
    );
    let e = app
        .err("{ teachers(first: -1) { totalCount } }", json!({}))
        .await;
    assert_eq!(e["code"], "BAD_USER_INPUT");
    let e = app
        .err("{ teachers(after: \"garbage\") { totalCount } }", json!({}))
        .await;
    assert_eq!(
        (e["code"].as_str(), e["field"].as_str()),
        (Some("BAD_USER_INPUT"), Some("after"))
    );
    let full = app
        .ok(
            "{ teachers(first: 100) { nodes { id } pageInfo { hasNextPage } } }",
            json!({}),
        )
        .await;
    assert_eq!(full["teachers"]["nodes"].as_array().unwrap().len(), 7);
    assert_eq!(full["teachers"]["pageInfo"]["hasNextPage"], false);
    // Default page size is 50; an empty page has no end cursor.
    let none = app.ok("{ teachers(filter: { staffNo: \"nobody\" }) { totalCount pageInfo { hasNextPage endCursor } } }", json!({})).await;
    assert_eq!(
        none["teachers"],
        json!({ "totalCount": 0, "pageInfo": { "hasNextPage": false, "endCursor": null } })
    );
}

async fn every_teacher_filter_narrows_the_list(app: TestApp) {
    let a = app.create_school("石城中学", "琴江镇", "URBAN").await;
    let b = app.create_school("龙岗中心小学", "龙岗乡", "RURAL").await;
    let t1 = app
        .create_teacher(&a, "F-1", json!({ "name": "张伟", "stage": "JUNIOR", "subject": "物理", "hiredOn": "2020-09-01" }))
        .await;
    let t2 = app
        .create_teacher(&b, "F-2", json!({ "name": "张_芳" }))
        .await;
    let t3 = app
        .create_teacher(&b, "F-3", json!({ "name": "李100%", "subject": "音乐" }))
        .await;
    app.award(
        &t1,
        "KEY_TEACHER",
        "COUNTY",
        "2023-09-10",
        json!({ "expiresOn": "2024-09-09" }),
    )
    .await;
    app.award(&t2, "SUBJECT_LEADER", "MUNICIPAL", "2024-01-01", json!({}))
        .await;
    app.award(&t3, "KEY_TEACHER", "SCHOOL", "2024-01-01", json!({}))
        .await;
    app.ok(
        "mutation($t: UUID!) { enterReservePool(input: { teacherId: $t, pool: PRINCIPAL, enteredOn: \"2024-01-01\" }) { id } }",
        json!({ "t": t3 }),
    )
    .await;
    app.depart(&t2, "2025-01-01").await;
    let staff = |filter: String| {
        let app = &app;
        async move {
            let q =
                format!("{{ teachers(filter: {filter}) {{ totalCount nodes {{ staffNo }} }} }}");
            let r = app.ok(&q, json!({})).await["teachers"].clone();
            let list: Vec<String> = r["nodes"]
                .as_array()
                .unwrap()
                .iter()
                .map(|n| n["staffNo"].as_str().unwrap().to_owned())
                .collect();
            assert_eq!(
                r["totalCount"].as_u64().unwrap() as usize,
                list.len(),
                "{filter}"
            );
            list
        }
    };
    assert_eq!(
        staff(format!("{{ schoolId: \"{b}\" }}")).await,
        ["F-2", "F-3"]
    );
    assert_eq!(staff("{ township: \"琴江镇\" }".into()).await, ["F-1"]);
    assert_eq!(staff("{ stage: JUNIOR }".into()).await, ["F-1"]);
    assert_eq!(staff("{ subject: \"音乐\" }".into()).await, ["F-3"]);
    assert_eq!(
        staff("{ nameContains: \"张\" }".into()).await,
        ["F-1", "F-2"]
    );
    // LIKE wildcards typed by the user are literal characters.
    assert_eq!(staff("{ nameContains: \"_\" }".into()).await, ["F-2"]);
    assert_eq!(staff("{ nameContains: \"%\" }".into()).await, ["F-3"]);
    assert_eq!(staff("{ staffNo: \"F-3\" }".into()).await, ["F-3"]);
    assert_eq!(
        staff("{ designationKind: KEY_TEACHER }".into()).await,
        ["F-1", "F-3"]
    );
    assert_eq!(staff("{ minLevel: COUNTY }".into()).await, ["F-1", "F-2"]);
    assert_eq!(
        staff("{ designationKind: KEY_TEACHER, minLevel: COUNTY }".into()).await,
        ["F-1"]
    );
    // inForceOn: t1's title expired on 2024-09-09 (its last day).
    assert_eq!(
        staff("{ minLevel: COUNTY, inForceOn: \"2024-09-09\" }".into()).await,
        ["F-1", "F-2"]
    );
    assert_eq!(
        staff("{ minLevel: COUNTY, inForceOn: \"2024-09-10\" }".into()).await,
        ["F-2"]
    );
    assert_eq!(staff("{ inForceOn: \"2023-12-31\" }".into()).await, ["F-1"]);
    assert_eq!(staff("{ reservePool: PRINCIPAL }".into()).await, ["F-3"]);
    assert_eq!(
        staff("{ reservePool: KEY_TEACHER }".into()).await,
        Vec::<String>::new()
    );
    assert_eq!(
        staff("{ employedOn: \"2025-01-01\" }".into()).await,
        ["F-1", "F-3"]
    );
    assert_eq!(
        staff("{ employedOn: \"2020-08-31\" }".into()).await,
        ["F-2", "F-3"]
    );
    // Filters combine with AND.
    assert_eq!(
        staff(format!(
            "{{ schoolId: \"{b}\", employedOn: \"2025-01-01\", nameContains: \"李\" }}"
        ))
        .await,
        ["F-3"]
    );
}

async fn schools_page_too(app: TestApp) {
    for i in 0..3 {
        app.create_school(&format!("学校{i}"), "琴江镇", "URBAN")
            .await;
    }
    let first = app
        .ok("{ schools(first: 2) { totalCount pageInfo { hasNextPage endCursor } nodes { name } } }", json!({}))
        .await["schools"]
        .clone();
    assert_eq!(first["totalCount"], 3);
    assert_eq!(
        first["nodes"],
        json!([{ "name": "学校0" }, { "name": "学校1" }])
    );
    let next = app
        .ok(
            "query($a: String) { schools(first: 2, after: $a) { pageInfo { hasNextPage } nodes { name } } }",
            json!({ "a": first["pageInfo"]["endCursor"] }),
        )
        .await["schools"]
        .clone();
    assert_eq!(
        next,
        json!({ "pageInfo": { "hasNextPage": false }, "nodes": [{ "name": "学校2" }] })
    );
}
