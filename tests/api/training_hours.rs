//! HR records teachers' trainings and leadership asks who is behind on hours (issue 14, item
//! 1; rules 9 and 10 of the domain page): the 10-hours-a-day limit, the cycle edge between 31
//! December 2025 and 1 January 2026, owed years for teachers hired or leaving mid-cycle, a
//! training recorded for all its participants or none, and compliance counted by school and
//! township, with exact numbers.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde_json::{Value, json};
use teacher_registry::domain::rules::employed_on;
use teacher_registry::domain::training::{self, Cycle};

use crate::helpers::{Lcg, TestApp};

on_both_databases!(
    hours_beyond_ten_a_day_are_refused_and_nothing_is_written,
    a_record_counts_in_the_cycle_holding_its_last_day,
    owed_years_follow_hiring_and_leaving,
    compliance_is_counted_by_school_and_township,
    a_training_is_recorded_for_all_its_participants_or_none,
    records_are_corrected_and_deleted_with_an_audit_trail,
    compliance_agrees_with_the_rules_on_generated_registries,
    a_page_of_teachers_reads_its_hours_in_one_batch,
);

const RECORD: &str = "mutation($t: UUID!, $i: TrainingInput!) { recordTraining(teacherId: $t, input: $i) { id hours cycle level kind } }";

fn training(started: &str, ended: &str, hours: f64) -> Value {
    json!({ "title": "县级骨干教师培训", "level": "COUNTY", "kind": "COURSE",
            "organiser": "县教师进修学校", "startedOn": started, "endedOn": ended, "hours": hours })
}

async fn record(app: &TestApp, teacher: &str, started: &str, ended: &str, hours: f64) -> String {
    app.ok(
        RECORD,
        json!({ "t": teacher, "i": training(started, ended, hours) }),
    )
    .await["recordTraining"]["id"]
        .as_str()
        .expect("id")
        .to_owned()
}

async fn hours(app: &TestApp, teacher: &str, args: &str) -> Value {
    let q = format!(
        "query($t: UUID!) {{ teacher(id: $t) {{ trainingHours{args} {{ cycle asOf hours owedYears expectedHours employed onTrack records {{ hours }} }} }} }}"
    );
    app.ok(&q, json!({ "t": teacher })).await["teacher"]["trainingHours"].clone()
}

async fn hours_beyond_ten_a_day_are_refused_and_nothing_is_written(app: TestApp) {
    let school = app.create_school("琴江小学", "琴江镇", "URBAN").await;
    let t = app.create_teacher(&school, "T1", json!({})).await;
    let before = app.row_counts().await;
    for (started, ended, h, field) in [
        ("2024-05-06", "2024-05-06", 10.1, "hours"),
        ("2024-05-06", "2024-05-06", 400.0, "hours"),
        ("2024-05-06", "2024-05-08", 30.1, "hours"),
        ("2024-05-06", "2024-05-06", 12.25, "hours"),
        ("2024-05-06", "2024-05-06", 0.0, "hours"),
        ("2024-05-06", "2024-05-05", 1.0, "endedOn"),
    ] {
        let e = app
            .err(RECORD, json!({ "t": t, "i": training(started, ended, h) }))
            .await;
        assert_eq!(e["code"], "BAD_USER_INPUT", "{h} h: {e}");
        assert_eq!(e["field"], field, "{h} h: {e}");
    }
    assert_eq!(
        app.row_counts().await,
        before,
        "a refused record writes nothing"
    );

    // Exactly 10 hours a calendar day, both ends of the training included, is allowed.
    let one = app
        .ok(
            RECORD,
            json!({ "t": t, "i": training("2024-05-06", "2024-05-06", 10.0) }),
        )
        .await;
    assert_eq!(one["recordTraining"]["hours"], 10.0);
    assert_eq!(one["recordTraining"]["cycle"], "2021-2025");
    let three = app
        .ok(
            RECORD,
            json!({ "t": t, "i": training("2024-05-06", "2024-05-08", 30.0) }),
        )
        .await;
    assert_eq!(three["recordTraining"]["hours"], 30.0);

    // The teacher must be employed on the training's last day.
    let late = app
        .create_teacher(&school, "T2", json!({ "hiredOn": "2024-09-01" }))
        .await;
    let before = app.row_counts().await;
    let e = app
        .err(
            RECORD,
            json!({ "t": late, "i": training("2024-08-30", "2024-08-31", 12.0) }),
        )
        .await;
    assert_eq!(e["code"], "CONFLICT", "{e}");
    let e = app
        .err(
            RECORD,
            json!({ "t": "00000000-0000-7000-8000-000000000000", "i": training("2024-08-30", "2024-08-31", 12.0) }),
        )
        .await;
    assert_eq!(e["code"], "NOT_FOUND", "{e}");
    assert_eq!(app.row_counts().await, before);
    record(&app, &late, "2024-08-31", "2024-09-01", 12.0).await;
}

async fn a_record_counts_in_the_cycle_holding_its_last_day(app: TestApp) {
    let school = app.create_school("琴江小学", "琴江镇", "URBAN").await;
    let t = app.create_teacher(&school, "T1", json!({})).await;
    record(&app, &t, "2025-12-31", "2025-12-31", 10.0).await;
    record(&app, &t, "2026-01-01", "2026-01-01", 8.0).await;
    // Spanning New Year: it belongs to the cycle of its last day.
    record(&app, &t, "2025-12-31", "2026-01-01", 20.0).await;

    let old = hours(&app, &t, "(asOf: \"2025-12-31\")").await;
    assert_eq!(old["cycle"], "2021-2025");
    assert_eq!(old["hours"], 10.0);
    assert_eq!(old["owedYears"], 5);
    assert_eq!(old["expectedHours"], 360.0);
    assert_eq!(old["onTrack"], false);
    assert_eq!(old["records"].as_array().unwrap().len(), 1);

    let new = hours(&app, &t, "(asOf: \"2026-01-01\")").await;
    assert_eq!(new["cycle"], "2026-2030");
    assert_eq!(new["hours"], 28.0);
    assert_eq!(new["owedYears"], 0);
    assert_eq!(new["expectedHours"], 0.0);
    assert_eq!(new["onTrack"], true);

    // A cycle alone is asked about on its last day once over.
    let by_cycle = hours(&app, &t, "(cycle: \"2021-2025\")").await;
    assert_eq!(by_cycle["asOf"], "2025-12-31");
    assert_eq!(by_cycle["hours"], 10.0);
    // A day outside the cycle asked about is refused.
    let e = app
        .err(
            "query($t: UUID!) { teacher(id: $t) { trainingHours(cycle: \"2021-2025\", asOf: \"2026-01-01\") { hours } } }",
            json!({ "t": t }),
        )
        .await;
    assert_eq!(
        (e["code"].as_str(), e["field"].as_str()),
        (Some("BAD_USER_INPUT"), Some("asOf"))
    );
    let e = app
        .err(
            "query($t: UUID!) { teacher(id: $t) { trainingHours(cycle: \"2022-2026\") { hours } } }",
            json!({ "t": t }),
        )
        .await;
    assert_eq!(
        (e["code"].as_str(), e["field"].as_str()),
        (Some("BAD_USER_INPUT"), Some("cycle"))
    );
}

async fn owed_years_follow_hiring_and_leaving(app: TestApp) {
    let school = app.create_school("琴江小学", "琴江镇", "URBAN").await;
    // Hired mid-2023: owes 2024 and 2025 on 31 Dec 2025, 144 hours.
    let hired = app
        .create_teacher(&school, "HIRED", json!({ "hiredOn": "2023-07-01" }))
        .await;
    record(&app, &hired, "2024-03-01", "2024-03-15", 143.9).await;
    let h = hours(&app, &hired, "(asOf: \"2025-12-31\")").await;
    assert_eq!(
        (
            &h["owedYears"],
            &h["expectedHours"],
            &h["hours"],
            &h["onTrack"]
        ),
        (&json!(2), &json!(144.0), &json!(143.9), &json!(false))
    );
    // On 30 Dec 2025 only 2024 is owed.
    let h = hours(&app, &hired, "(asOf: \"2025-12-30\")").await;
    assert_eq!((&h["owedYears"], &h["onTrack"]), (&json!(1), &json!(true)));
    record(&app, &hired, "2025-05-06", "2025-05-06", 0.1).await;
    let h = hours(&app, &hired, "(asOf: \"2025-12-31\")").await;
    assert_eq!((&h["hours"], &h["onTrack"]), (&json!(144.0), &json!(true)));

    // Leaving on 1 July 2025: owes 2021–2024 (and not 2025) and counts for nothing once gone.
    let leaver = app
        .create_teacher(&school, "LEAVER", json!({ "hiredOn": "2019-09-01" }))
        .await;
    record(&app, &leaver, "2022-01-01", "2022-02-15", 300.0).await;
    app.depart(&leaver, "2025-07-01").await;
    let h = hours(&app, &leaver, "(asOf: \"2025-06-30\")").await;
    assert_eq!(
        (
            &h["owedYears"],
            &h["expectedHours"],
            &h["employed"],
            &h["onTrack"]
        ),
        (&json!(4), &json!(288.0), &json!(true), &json!(true))
    );
    let h = hours(&app, &leaver, "(asOf: \"2025-12-31\")").await;
    assert_eq!(
        (&h["owedYears"], &h["employed"], &h["onTrack"]),
        (&json!(4), &json!(false), &json!(false))
    );
    // And no record may end after the departure.
    let e = app
        .err(
            RECORD,
            json!({ "t": leaver, "i": training("2025-07-01", "2025-07-01", 2.0) }),
        )
        .await;
    assert_eq!(e["code"], "CONFLICT");
}

async fn compliance(app: &TestApp, args: &str) -> Value {
    let q = format!(
        "{{ trainingCompliance{args} {{ school {{ name }} township stage subject employed onTrack behind compliance }} }}"
    );
    app.ok(&q, json!({})).await["trainingCompliance"].clone()
}

async fn compliance_is_counted_by_school_and_township(app: TestApp) {
    let a = app.create_school("琴江小学", "琴江镇", "URBAN").await;
    let b = app.create_school("琴江中学", "琴江镇", "URBAN").await;
    let c = app.create_school("南溪小学", "南溪乡", "RURAL").await;
    let empty = app.create_school("空小学", "北山乡", "RURAL").await;
    let hire = |on: &str| json!({ "hiredOn": on });
    // School A: on track (360 h), behind (100 h), hired mid-2023 on track (144 h), departed.
    let a1 = app.create_teacher(&a, "A1", hire("2020-08-01")).await;
    record(&app, &a1, "2022-01-01", "2022-02-15", 360.0).await;
    let a2 = app.create_teacher(&a, "A2", hire("2020-08-01")).await;
    record(&app, &a2, "2023-04-01", "2023-04-10", 100.0).await;
    let a3 = app.create_teacher(&a, "A3", hire("2023-07-01")).await;
    record(&app, &a3, "2024-03-01", "2024-03-15", 144.0).await;
    let a4 = app.create_teacher(&a, "A4", hire("2020-08-01")).await;
    app.depart(&a4, "2025-07-01").await;
    // School B: no hours at all.
    app.create_teacher(
        &b,
        "B1",
        json!({ "hiredOn": "2020-08-01", "stage": "JUNIOR" }),
    )
    .await;
    // School C: hired after the day; hired long ago with 360 h; hired mid-2025 (owes nothing).
    app.create_teacher(&c, "C1", hire("2026-01-01")).await;
    let c2 = app.create_teacher(&c, "C2", json!({})).await;
    record(&app, &c2, "2021-03-01", "2021-04-30", 360.0).await;
    app.create_teacher(&c, "C3", hire("2025-06-01")).await;

    let d = "(asOf: \"2025-12-31\"";
    let by_school = compliance(&app, &format!("{d}, groupBy: [SCHOOL])")).await;
    let rows: Vec<(String, i64, i64, i64, f64)> = by_school
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["school"]["name"].as_str().unwrap().to_owned(),
                r["employed"].as_i64().unwrap(),
                r["onTrack"].as_i64().unwrap(),
                r["behind"].as_i64().unwrap(),
                r["compliance"].as_f64().unwrap(),
            )
        })
        .collect();
    let mut rows = rows;
    rows.sort_by(|x, y| x.0.cmp(&y.0));
    assert_eq!(
        rows,
        vec![
            ("南溪小学".to_owned(), 2, 2, 0, 1.0),
            ("琴江中学".to_owned(), 1, 0, 1, 0.0),
            ("琴江小学".to_owned(), 3, 2, 1, 2.0 / 3.0),
        ]
    );

    let by_township = compliance(&app, &format!("{d}, groupBy: [TOWNSHIP])")).await;
    assert_eq!(
        by_township,
        json!([
            { "school": null, "township": "南溪乡", "stage": null, "subject": null,
              "employed": 2, "onTrack": 2, "behind": 0, "compliance": 1.0 },
            { "school": null, "township": "琴江镇", "stage": null, "subject": null,
              "employed": 4, "onTrack": 2, "behind": 2, "compliance": 0.5 },
        ])
    );
    let total = compliance(&app, &format!("{d})")).await;
    assert_eq!(
        (
            &total[0]["employed"],
            &total[0]["onTrack"],
            &total[0]["behind"]
        ),
        (&json!(6), &json!(4), &json!(2))
    );
    let by_stage = compliance(&app, &format!("{d}, groupBy: [STAGE, SUBJECT])")).await;
    assert_eq!(by_stage.as_array().unwrap().len(), 2);
    assert_eq!(
        (&by_stage[0]["stage"], &by_stage[0]["behind"]),
        (&json!("JUNIOR"), &json!(1))
    );
    assert_eq!(
        (&by_stage[1]["stage"], &by_stage[1]["employed"]),
        (&json!("PRIMARY"), &json!(5))
    );
    let nanxi = compliance(&app, &format!("{d}, filter: {{ township: \"琴江镇\" }})")).await;
    assert_eq!(
        (&nanxi[0]["employed"], &nanxi[0]["onTrack"]),
        (&json!(4), &json!(2))
    );
    // Nobody employed: compliance 0.
    let none = compliance(&app, &format!("{d}, filter: {{ schoolId: \"{empty}\" }})")).await;
    assert_eq!(
        (
            &none[0]["employed"],
            &none[0]["behind"],
            &none[0]["compliance"]
        ),
        (&json!(0), &json!(0), &json!(0.0))
    );

    // On 1 January 2026 a new cycle owes nothing: everyone employed is on track, C1 included.
    let new_cycle = compliance(&app, "(asOf: \"2026-01-01\")").await;
    assert_eq!(
        (&new_cycle[0]["employed"], &new_cycle[0]["onTrack"]),
        (&json!(7), &json!(7))
    );

    // Who is behind, by name.
    let behind = app
        .ok(
            "{ teachers(filter: { trainingBehindOn: \"2025-12-31\" }) { totalCount nodes { staffNo } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        behind["teachers"],
        json!({ "totalCount": 2, "nodes": [{ "staffNo": "A2" }, { "staffNo": "B1" }] })
    );
    let behind_in_a = app
        .ok(
            "query($a: UUID!) { teachers(filter: { trainingBehindOn: \"2025-12-31\", schoolId: $a }) { nodes { staffNo } } }",
            json!({ "a": a }),
        )
        .await;
    assert_eq!(
        behind_in_a["teachers"]["nodes"],
        json!([{ "staffNo": "A2" }])
    );
}

const GROUP: &str = "mutation($i: TrainingInput!, $s: [String!]!) { recordGroupTraining(input: $i, staffNos: $s) { teacher { staffNo } hours } }";

async fn a_training_is_recorded_for_all_its_participants_or_none(app: TestApp) {
    let school = app.create_school("琴江小学", "琴江镇", "URBAN").await;
    for no in ["P1", "P2", "P3"] {
        app.create_teacher(&school, no, json!({})).await;
    }
    let gone = app.create_teacher(&school, "GONE", json!({})).await;
    app.depart(&gone, "2025-03-01").await;
    let visit = json!({ "title": "赴上海跟岗学习", "level": "MUNICIPAL", "kind": "STUDY_VISIT",
                        "organiser": "市教育局", "startedOn": "2025-04-01", "endedOn": "2025-04-05",
                        "hours": 40 });
    let before = app.row_counts().await;
    for (staff, code) in [
        (json!(["P1", "P2", "GONE"]), "CONFLICT"),
        (json!(["P1", "NOBODY"]), "BAD_USER_INPUT"),
        (json!(["P1", "P1"]), "BAD_USER_INPUT"),
        (json!([]), "BAD_USER_INPUT"),
    ] {
        let e = app.err(GROUP, json!({ "i": visit, "s": staff })).await;
        assert_eq!(e["code"], code, "{staff}: {e}");
    }
    assert_eq!(app.row_counts().await, before, "all or nothing");

    let done = app
        .ok(GROUP, json!({ "i": visit, "s": ["P1", "P2", "P3"] }))
        .await;
    assert_eq!(
        done["recordGroupTraining"],
        json!([
            { "teacher": { "staffNo": "P1" }, "hours": 40.0 },
            { "teacher": { "staffNo": "P2" }, "hours": 40.0 },
            { "teacher": { "staffNo": "P3" }, "hours": 40.0 },
        ])
    );
    let audit = app
        .ok(
            "{ auditEvents(filter: { operation: \"recordGroupTraining\" }) { totalCount } }",
            json!({}),
        )
        .await;
    assert_eq!(audit["auditEvents"]["totalCount"], 1);
    let total = compliance(&app, "(asOf: \"2025-04-05\")").await;
    assert_eq!(total[0]["employed"], 3);
}

async fn records_are_corrected_and_deleted_with_an_audit_trail(app: TestApp) {
    let school = app.create_school("琴江小学", "琴江镇", "URBAN").await;
    let t = app.create_teacher(&school, "T1", json!({})).await;
    let id = record(&app, &t, "2025-05-06", "2025-05-06", 6.0).await;
    let update = "mutation($id: UUID!, $i: UpdateTrainingInput!) { updateTrainingRecord(id: $id, input: $i) { hours title level kind } }";
    let before = app.row_counts().await;
    let e = app
        .err(update, json!({ "id": id, "i": { "hours": 400 } }))
        .await;
    assert_eq!(
        (e["code"].as_str(), e["field"].as_str()),
        (Some("BAD_USER_INPUT"), Some("hours"))
    );
    assert_eq!(app.row_counts().await, before);
    let fixed = app
        .ok(
            update,
            json!({ "id": id, "i": { "hours": 9.5, "level": "NATIONAL", "kind": "ONLINE" } }),
        )
        .await;
    assert_eq!(
        fixed["updateTrainingRecord"],
        json!({ "hours": 9.5, "title": "县级骨干教师培训", "level": "NATIONAL", "kind": "ONLINE" })
    );
    assert_eq!(
        hours(&app, &t, "(asOf: \"2025-12-31\")").await["hours"],
        9.5
    );

    let delete = "mutation($id: UUID!) { deleteTrainingRecord(id: $id) { hours } }";
    app.ok(delete, json!({ "id": id })).await;
    assert_eq!(
        hours(&app, &t, "(asOf: \"2025-12-31\")").await["hours"],
        0.0
    );
    let e = app.err(delete, json!({ "id": id })).await;
    assert_eq!(e["code"], "NOT_FOUND");
    let audit = app
        .ok(
            "query($id: UUID!) { auditEvents(filter: { entityId: $id }) { nodes { operation } } }",
            json!({ "id": id }),
        )
        .await;
    assert_eq!(
        audit["auditEvents"]["nodes"],
        json!([
            { "operation": "deleteTrainingRecord" },
            { "operation": "updateTrainingRecord" },
            { "operation": "recordTraining" },
        ])
    );
}

/// A generated teacher: staff number, school index, hired, left, records as (ended, tenths).
type Person = (
    String,
    usize,
    Option<NaiveDate>,
    Option<NaiveDate>,
    Vec<(NaiveDate, i64)>,
);

/// A generated county: random hire and leave dates and random records through the API, then
/// `trainingCompliance` and the `trainingBehindOn` filter on several days compared with a model
/// written here from `domain::rules` and `domain::training`.
async fn compliance_agrees_with_the_rules_on_generated_registries(app: TestApp) {
    let schools = [
        app.create_school("东城小学", "琴江镇", "URBAN").await,
        app.create_school("西城小学", "琴江镇", "URBAN").await,
        app.create_school("南溪小学", "南溪乡", "RURAL").await,
    ];
    let mut rng = Lcg(20261130);
    let mut people: Vec<Person> = Vec::new();
    for i in 0..36 {
        let school = rng.next(3) as usize;
        let hired = (rng.next(4) > 0)
            .then(|| rng.day_after(NaiveDate::from_ymd_opt(2019, 1, 1).unwrap(), 3000));
        let staff = format!("G{i:03}");
        let mut extra = json!({});
        if let Some(h) = hired {
            extra["hiredOn"] = json!(h.to_string());
        }
        let id = app.create_teacher(&schools[school], &staff, extra).await;
        let mut records = Vec::new();
        for _ in 0..rng.next(6) {
            let ended = rng.day_after(NaiveDate::from_ymd_opt(2019, 1, 1).unwrap(), 3000);
            let days = rng.next(20) as i64;
            let started = ended - chrono::Duration::days(days);
            let tenths = 1 + rng.next(((days + 1) * 100) as u64) as i64;
            let input = json!({ "title": "培训", "level": "COUNTY", "kind": "ONLINE", "organiser": "县",
                                "startedOn": started.to_string(), "endedOn": ended.to_string(),
                                "hours": tenths as f64 / 10.0 });
            let resp = app
                .gql(Some(&app.admin), RECORD, json!({ "t": id, "i": input }))
                .await;
            let employed = employed_on(hired, None, ended);
            if employed {
                assert!(resp.get("errors").is_none(), "{resp}");
                records.push((ended, tenths));
            } else {
                assert_eq!(
                    resp["errors"][0]["extensions"]["code"], "CONFLICT",
                    "{resp}"
                );
            }
        }
        let left = (rng.next(4) == 0)
            .then(|| rng.day_after(NaiveDate::from_ymd_opt(2019, 1, 1).unwrap(), 3000))
            .filter(|l| hired.is_none_or(|h| *l > h) && records.iter().all(|(e, _)| e < l));
        if let Some(l) = left {
            app.depart(&id, &l.to_string()).await;
        }
        people.push((staff, school, hired, left, records));
    }
    let townships = ["琴江镇", "琴江镇", "南溪乡"];
    let (mut seen_on_track, mut seen_behind) = (0, 0);
    // Rule 10 restated: each teacher employed on the day, with whether they are on track.
    let standing = |day: NaiveDate| -> Vec<(String, usize, bool)> {
        let cycle = Cycle::of(day);
        people
            .iter()
            .filter(|(_, _, hired, left, _)| employed_on(*hired, *left, day))
            .map(|(staff, school, hired, left, records)| {
                let tenths: i64 = records
                    .iter()
                    .filter(|(e, _)| Cycle::of(*e) == cycle && *e <= day)
                    .map(|(_, t)| t)
                    .sum();
                let owed = training::owed_years(*hired, *left, day);
                let ok = training::on_track(true, tenths, training::expected_tenths(owed));
                (staff.clone(), *school, ok)
            })
            .collect()
    };
    for d in [
        "2021-06-30",
        "2023-12-31",
        "2024-01-01",
        "2025-12-31",
        "2026-01-01",
        "2026-11-30",
    ] {
        let day = NaiveDate::parse_from_str(d, "%Y-%m-%d").unwrap();
        // The model: per township, employed and on track; and who is behind.
        let mut model: BTreeMap<&str, (i64, i64)> = BTreeMap::new();
        let mut behind: Vec<String> = Vec::new();
        for (staff, school, ok) in standing(day) {
            let entry = model.entry(townships[school]).or_default();
            entry.0 += 1;
            entry.1 += i64::from(ok);
            if !ok {
                behind.push(staff);
            }
        }
        let got = compliance(&app, &format!("(asOf: \"{d}\", groupBy: [TOWNSHIP])")).await;
        let got: BTreeMap<&str, (i64, i64)> = got
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                (
                    r["township"].as_str().unwrap(),
                    (
                        r["employed"].as_i64().unwrap(),
                        r["onTrack"].as_i64().unwrap(),
                    ),
                )
            })
            .collect();
        assert_eq!(got, model, "on {d}");
        seen_on_track += model.values().map(|m| m.1).sum::<i64>();
        seen_behind += behind.len();
        let listed = app
            .ok(
                &format!("{{ teachers(first: 100, filter: {{ trainingBehindOn: \"{d}\" }}) {{ nodes {{ staffNo }} }} }}"),
                json!({}),
            )
            .await;
        let listed: Vec<String> = listed["teachers"]["nodes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|n| n["staffNo"].as_str().unwrap().to_owned())
            .collect();
        assert_eq!(listed, behind, "behind on {d}");
    }
    // Not vacuous: the draw holds teachers on track and teachers behind.
    assert!(
        seen_on_track > 10 && seen_behind > 10,
        "{seen_on_track} {seen_behind}"
    );
    // A compliance target's history reads every point in one statement: each point is the
    // county's figure on its day, as the model has it (quarters over both cycles).
    let county_on = |day: NaiveDate| -> (i64, i64) {
        let s = standing(day);
        let on_track = s.iter().filter(|(_, _, ok)| *ok).count();
        (s.len() as i64, on_track as i64)
    };
    app.ok(
        "mutation { createTarget(input: { code: \"TRAINING_MODEL\", title: \"学时达标\",
            metric: TRAINING_COMPLIANCE, goalRatio: 0.9, baselineOn: \"2021-02-10\",
            deadline: \"2030-12-31\" }) { id } }",
        json!({}),
    )
    .await;
    let history = app
        .ok(
            "{ targetProgress(code: \"TRAINING_MODEL\", asOf: \"2026-11-30\") { history(every: QUARTER) { date value rate } } }",
            json!({}),
        )
        .await;
    let points = history["targetProgress"]["history"].as_array().unwrap();
    assert_eq!(points.len(), 24, "2021 Q1 to 2026 Q4");
    for p in points {
        let d = p["date"].as_str().unwrap();
        let (employed, on_track) = county_on(NaiveDate::parse_from_str(d, "%Y-%m-%d").unwrap());
        assert_eq!(p["value"].as_i64(), Some(on_track), "history on {d}");
        let rate = if employed > 0 {
            on_track as f64 / employed as f64
        } else {
            0.0
        };
        assert!(
            (p["rate"].as_f64().unwrap() - rate).abs() < 1e-12,
            "rate on {d}: {p}"
        );
    }
}

/// `trainingHours` and `trainingRecords` on a page of teachers load every teacher's records in
/// one batch: twelve teachers cost the statements of three.
async fn a_page_of_teachers_reads_its_hours_in_one_batch(app: TestApp) {
    let school = app.create_school("琴江小学", "琴江镇", "URBAN").await;
    let page = "{ teachers(first: 100) { nodes { staffNo trainingHours(asOf: \"2025-12-31\") { hours onTrack } trainingRecords { hours } } } }";
    let mut costs = Vec::new();
    for (from, to) in [(0, 3), (3, 12)] {
        for i in from..to {
            let t = app
                .create_teacher(&school, &format!("T{i:02}"), json!({}))
                .await;
            record(&app, &t, "2024-05-06", "2024-05-06", 10.0).await;
            record(&app, &t, "2026-05-06", "2026-05-06", 10.0).await;
        }
        app.reset_statements();
        let r = app.ok(page, json!({})).await;
        costs.push(app.statements());
        let nodes = r["teachers"]["nodes"].as_array().unwrap();
        assert_eq!(nodes.len(), to);
        assert!(nodes.iter().all(|n| n["trainingHours"]["hours"] == 10.0
            && n["trainingRecords"].as_array().unwrap().len() == 2));
    }
    assert_eq!(
        costs[0], costs[1],
        "statements for 3 and for 12 teachers: {costs:?}"
    );
}
