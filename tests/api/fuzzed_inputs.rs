//! Inputs that fuzzing (fuzz/run, schemathesis against /graphql) and the property tests of the
//! parsers (proptest, beside src/domain/ and src/sheet/cell.rs) turned up: each is refused as
//! the client's mistake, never answered as the server's.

use serde_json::json;

use crate::helpers::TestApp;

on_both_databases!(
    a_date_is_read_only_as_yyyy_mm_dd,
    an_exported_day_is_a_date_the_registry_takes,
    a_school_year_past_the_last_year_is_refused_in_its_row,
);

/// The `Date` scalar took anything chrono's `%Y-%m-%d` took in ten characters, so " 2024-1-01"
/// and "+2024-1-01" read as 2024-01-01; the API documents YYYY-MM-DD and nothing else.
async fn a_date_is_read_only_as_yyyy_mm_dd(app: TestApp) {
    let counts = "query($d: Date) { keyTeacherCounts(asOf: $d) { count } }";
    for typed in [
        " 2024-1-01",
        "+2024-1-01",
        "2024-9-1",
        "2024-02-30",
        "２０２４-01-01",
    ] {
        let e = app.err(counts, json!({ "d": typed })).await;
        assert_eq!(e["code"], "BAD_USER_INPUT", "{typed:?}: {e}");
    }
    app.ok(counts, json!({ "d": "2024-01-01" })).await;
}

/// `GET /export/…?asOf=` parsed its day with chrono alone and checked no range: a year 9999
/// went to the database. It now takes the dates the API's `Date` takes, in the same words.
async fn an_exported_day_is_a_date_the_registry_takes(app: TestApp) {
    let client = reqwest::Client::new();
    for as_of in ["9999-12-31", "1899-12-31", "+2024-1-01", "2024-1-1"] {
        let resp = client
            .get(app.url(&format!("/export/counts.csv?asOf={as_of}")))
            .bearer_auth(&app.admin)
            .send()
            .await
            .expect("sent");
        assert_eq!(resp.status(), 400, "{as_of}");
        let body: serde_json::Value = resp.json().await.expect("JSON");
        let ext = &body["errors"][0]["extensions"];
        assert_eq!(ext["code"], "BAD_USER_INPUT", "{as_of}: {body}");
        assert_eq!(ext["field"], "asOf", "{as_of}: {body}");
    }
    let resp = client
        .get(app.url("/export/counts.csv?asOf=2024-01-01"))
        .bearer_auth(&app.admin)
        .send()
        .await
        .expect("sent");
    assert_eq!(resp.status(), 200);
}

/// "2147483647-…" in a sheet's 学年 column: the year after it overflowed `i32` (a panic in a
/// debug build; in release "2147483647--2147483648" read as a pair of years). Each row is now
/// a problem of its own, and nothing is written.
async fn a_school_year_past_the_last_year_is_refused_in_its_row(app: TestApp) {
    app.create_school("琴江小学", "琴江镇", "URBAN").await;
    let before = app.row_counts().await;
    let sheet = "学校,学年,学段,在校生数\n\
                 琴江小学,2147483647-0,小学,10\n\
                 琴江小学,2147483647--2147483648,小学,10\n";
    let r = app
        .upload(
            Some(&app.admin.clone()),
            "mutation($file: Upload!) { importEnrollments(file: $file) { rows } }",
            &json!({}),
            ("enrollments.csv", sheet.as_bytes().to_vec()),
        )
        .await;
    let ext = &r["errors"][0]["extensions"];
    assert_eq!(ext["code"], "BAD_USER_INPUT", "{r}");
    let problems: Vec<(u64, String)> = ext["problems"]
        .as_array()
        .expect("problems")
        .iter()
        .map(|p| {
            (
                p["row"].as_u64().expect("row"),
                p["column"].as_str().expect("column").to_owned(),
            )
        })
        .collect();
    assert_eq!(
        problems,
        [(2, "学年".to_owned()), (3, "学年".to_owned())],
        "{r}"
    );
    assert_eq!(app.row_counts().await, before);
}
