//! HR records that teachers left; a teacher is employed up to the day before leaving.

use serde_json::json;

use crate::helpers::TestApp;

on_both_databases!(
    a_departure_ends_employment_the_day_it_happens,
    departures_are_recorded_once_and_after_the_hire_date,
);

async fn a_departure_ends_employment_the_day_it_happens(app: TestApp) {
    let s = app.create_school("大由中心小学", "大由乡", "RURAL").await;
    let t = app
        .create_teacher(&s, "DY-001", json!({ "hiredOn": "2010-09-01" }))
        .await;
    app.create_teacher(&s, "DY-002", json!({ "hiredOn": "2024-09-01" }))
        .await;
    app.award(&t, "KEY_TEACHER", "COUNTY", "2020-09-10", json!({}))
        .await;
    let left = app
        .ok(
            "mutation($id: UUID!) { recordDeparture(teacherId: $id, leftOn: \"2025-07-01\", reason: \"调往赣州\") { leftOn leaveReason } }",
            json!({ "id": t }),
        )
        .await;
    assert_eq!(
        left["recordDeparture"],
        json!({ "leftOn": "2025-07-01", "leaveReason": "调往赣州" })
    );
    let employed = |d: &str| {
        format!(
            "{{ teachers(filter: {{ employedOn: \"{d}\" }}) {{ totalCount nodes {{ staffNo }} }} }}"
        )
    };
    let on = |v: serde_json::Value| v["teachers"]["totalCount"].as_i64().unwrap();
    assert_eq!(on(app.ok(&employed("2010-08-31"), json!({})).await), 0);
    assert_eq!(on(app.ok(&employed("2010-09-01"), json!({})).await), 1);
    assert_eq!(on(app.ok(&employed("2024-09-01"), json!({})).await), 2);
    assert_eq!(on(app.ok(&employed("2025-06-30"), json!({})).await), 2);
    let after = app.ok(&employed("2025-07-01"), json!({})).await;
    assert_eq!(after["teachers"]["nodes"], json!([{ "staffNo": "DY-002" }]));
    // The departed teacher stops counting as a key teacher on the same day.
    assert_eq!(app.total("asOf: \"2025-06-30\"").await, 1);
    assert_eq!(app.total("asOf: \"2025-07-01\"").await, 0);
}

async fn departures_are_recorded_once_and_after_the_hire_date(app: TestApp) {
    let s = app.create_school("珠坑乡中心小学", "珠坑乡", "RURAL").await;
    let t = app
        .create_teacher(&s, "ZK-001", json!({ "hiredOn": "2020-09-01" }))
        .await;
    let depart = "mutation($id: UUID!, $on: Date!) { recordDeparture(teacherId: $id, leftOn: $on) { leftOn } }";
    let before = app.row_counts().await;
    let e = app
        .err(depart, json!({ "id": t, "on": "2020-09-01" }))
        .await;
    assert_eq!(
        (e["code"].as_str(), e["field"].as_str()),
        (Some("BAD_USER_INPUT"), Some("leftOn"))
    );
    let e = app
        .err(
            depart,
            json!({ "id": "01890000-0000-7000-8000-000000000000", "on": "2021-01-01" }),
        )
        .await;
    assert_eq!(e["code"], "NOT_FOUND");
    assert_eq!(app.row_counts().await, before);
    app.ok(depart, json!({ "id": t, "on": "2020-09-02" })).await;
    let e = app
        .err(depart, json!({ "id": t, "on": "2021-01-01" }))
        .await;
    assert_eq!(e["code"], "CONFLICT");
    // A hire date moved onto or past the departure is refused too.
    let e = app
        .err(
            "mutation($id: UUID!) { updateTeacher(id: $id, input: { hiredOn: \"2020-09-02\" }) { id } }",
            json!({ "id": t }),
        )
        .await;
    assert_eq!(
        (e["code"].as_str(), e["field"].as_str()),
        (Some("BAD_USER_INPUT"), Some("hiredOn"))
    );
}
