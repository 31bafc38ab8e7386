//! HR asks how many key teachers the county has: counts follow rules 1–4 to the day, by every
//! dimension, on dates that sit exactly on award, expiry, revocation, hire and departure days.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde_json::{Value, json};
use teacher_registry::domain::rules::{designation_in_force_on, employed_on};

use crate::helpers::{Lcg, TestApp};

on_both_databases!(
    counts_follow_the_rules_on_boundary_days,
    counts_group_by_every_dimension,
    top_designation_groups_each_person_once_among_qualifying_designations,
    counts_agree_with_the_rules_on_generated_registries,
    bad_count_arguments_are_refused,
    a_corrected_hire_date_or_school_moves_the_counts,
    counts_built_from_nothing_after_the_migration_are_the_same,
);

struct County {
    school_a: String,
    school_b: String,
}

/// Five teachers whose designations start, expire, get revoked and whose employment starts and
/// ends on known days (see each line).
async fn county(app: &TestApp) -> County {
    let school_a = app.create_school("石城一小", "琴江镇", "URBAN").await;
    let school_b = app.create_school("小松中心小学", "小松镇", "RURAL").await;
    // t1: county key teacher 2023-09-10 .. 2026-09-09, municipal subject leader from 2024-09-10.
    let t1 = app
        .create_teacher(
            &school_a,
            "T1",
            json!({ "subject": "语文", "gender": "FEMALE" }),
        )
        .await;
    app.award(
        &t1,
        "KEY_TEACHER",
        "COUNTY",
        "2023-09-10",
        json!({ "expiresOn": "2026-09-09" }),
    )
    .await;
    app.award(&t1, "SUBJECT_LEADER", "MUNICIPAL", "2024-09-10", json!({}))
        .await;
    // t2: county master teacher 2023-09-10, revoked 2025-03-01.
    let t2 = app
        .create_teacher(
            &school_a,
            "T2",
            json!({ "stage": "JUNIOR", "subject": "数学", "gender": "MALE" }),
        )
        .await;
    let d2 = app
        .award(&t2, "MASTER_TEACHER", "COUNTY", "2023-09-10", json!({}))
        .await;
    app.revoke(&d2, "2025-03-01").await;
    // t3: school-level key teacher 2023-01-01, provincial key teacher 2024-01-01, left 2025-07-01.
    let t3 = app
        .create_teacher(
            &school_b,
            "T3",
            json!({ "subject": "体育与健康", "gender": "MALE" }),
        )
        .await;
    app.award(&t3, "KEY_TEACHER", "SCHOOL", "2023-01-01", json!({}))
        .await;
    app.award(&t3, "KEY_TEACHER", "PROVINCIAL", "2024-01-01", json!({}))
        .await;
    app.depart(&t3, "2025-07-01").await;
    // t4: county key teacher from 2024-03-01, but hired only on 2024-09-01.
    let t4 = app
        .create_teacher(
            &school_b,
            "T4",
            json!({ "stage": "JUNIOR", "subject": "语文", "gender": "FEMALE", "hiredOn": "2024-09-01" }),
        )
        .await;
    app.award(&t4, "KEY_TEACHER", "COUNTY", "2024-03-01", json!({}))
        .await;
    // t5: no designation at all.
    app.create_teacher(&school_a, "T5", json!({ "subject": "英语" }))
        .await;
    County { school_a, school_b }
}

/// Rows as (dimension values…) → count, independent of row order.
fn table(rows: &Value, dims: &[&str]) -> BTreeMap<Vec<String>, i64> {
    rows.as_array()
        .expect("rows")
        .iter()
        .map(|r| {
            let key = dims
                .iter()
                .map(|d| match &r[*d] {
                    Value::Object(o) => o["name"].as_str().unwrap_or_default().to_owned(),
                    Value::String(s) => s.clone(),
                    other => other.to_string(),
                })
                .collect();
            (key, r["count"].as_i64().expect("count"))
        })
        .collect()
}

fn expect(pairs: &[(&[&str], i64)]) -> BTreeMap<Vec<String>, i64> {
    pairs
        .iter()
        .map(|(k, n)| (k.iter().map(|s| (*s).to_owned()).collect(), *n))
        .collect()
}

async fn counts_follow_the_rules_on_boundary_days(app: TestApp) {
    county(&app).await;
    let at = |d: &str| format!("asOf: \"{d}\"");
    // Nothing is in force at county level the day before the first awards: no group at all.
    assert_eq!(app.counts(&at("2023-09-09"), "").await, json!([]));
    // Award day: in force from that day.
    assert_eq!(app.total(&at("2023-09-10")).await, 2);
    assert_eq!(app.total(&at("2024-01-01")).await, 3);
    // t4's designation dates from 2024-03-01, but t4 is employed only from 2024-09-01.
    assert_eq!(app.total(&at("2024-08-31")).await, 3);
    assert_eq!(app.total(&at("2024-09-01")).await, 4);
    // Revocation day: no longer in force on it.
    assert_eq!(app.total(&at("2025-02-28")).await, 4);
    assert_eq!(app.total(&at("2025-03-01")).await, 3);
    // Departure day: no longer employed on it.
    assert_eq!(app.total(&at("2025-06-30")).await, 3);
    assert_eq!(app.total(&at("2025-07-01")).await, 2);
    // Expiry day is the last valid day: t1's county key-teacher title counts on it, not after.
    let key_only = |d: &str| format!("asOf: \"{d}\", kinds: [KEY_TEACHER]");
    assert_eq!(app.total(&key_only("2026-09-09")).await, 2);
    assert_eq!(app.total(&key_only("2026-09-10")).await, 1);
    // t1 still counts after the expiry through the municipal subject-leader title.
    assert_eq!(app.total(&at("2026-09-10")).await, 2);
    assert_eq!(
        app.total(&format!("{}, minLevel: MUNICIPAL", at("2026-09-10")))
            .await,
        1
    );
    // School level counts only when asked for.
    assert_eq!(
        app.total(&format!("{}, minLevel: SCHOOL", at("2023-09-09")))
            .await,
        1
    );
}

async fn counts_group_by_every_dimension(app: TestApp) {
    let c = county(&app).await;
    let d = "asOf: \"2024-09-10\"";
    let by = |dim: &str| format!("{d}, groupBy: [{dim}]");
    let rows = app.counts(&by("LEVEL"), "level").await;
    assert_eq!(
        table(&rows, &["level"]),
        expect(&[(&["COUNTY"], 2), (&["MUNICIPAL"], 1), (&["PROVINCIAL"], 1)])
    );
    let rows = app.counts(&by("KIND"), "kind").await;
    assert_eq!(
        table(&rows, &["kind"]),
        expect(&[
            (&["KEY_TEACHER"], 2),
            (&["MASTER_TEACHER"], 1),
            (&["SUBJECT_LEADER"], 1)
        ])
    );
    let rows = app.counts(&by("SCHOOL"), "school { id name }").await;
    assert_eq!(
        table(&rows, &["school"]),
        expect(&[(&["小松中心小学"], 2), (&["石城一小"], 2)])
    );
    let rows = app.counts(&by("TOWNSHIP"), "township").await;
    assert_eq!(
        table(&rows, &["township"]),
        expect(&[(&["小松镇"], 2), (&["琴江镇"], 2)])
    );
    let rows = app.counts(&by("STAGE"), "stage").await;
    assert_eq!(
        table(&rows, &["stage"]),
        expect(&[(&["JUNIOR"], 2), (&["PRIMARY"], 2)])
    );
    let rows = app.counts(&by("AREA"), "area").await;
    assert_eq!(
        table(&rows, &["area"]),
        expect(&[(&["RURAL"], 2), (&["URBAN"], 2)])
    );
    let rows = app.counts(&by("SUBJECT"), "subject").await;
    assert_eq!(
        table(&rows, &["subject"]),
        expect(&[(&["体育与健康"], 1), (&["数学"], 1), (&["语文"], 2)])
    );
    let rows = app.counts(&by("GENDER"), "gender").await;
    assert_eq!(
        table(&rows, &["gender"]),
        expect(&[(&["FEMALE"], 2), (&["MALE"], 2)])
    );
    // Two dimensions at once; the dimensions not grouped by are null.
    let rows = app
        .counts(
            &format!("{d}, groupBy: [AREA, GENDER]"),
            "area gender level school { id }",
        )
        .await;
    assert_eq!(
        table(&rows, &["area", "gender"]),
        expect(&[
            (&["RURAL", "FEMALE"], 1),
            (&["RURAL", "MALE"], 1),
            (&["URBAN", "FEMALE"], 1),
            (&["URBAN", "MALE"], 1),
        ])
    );
    assert!(
        rows.as_array()
            .unwrap()
            .iter()
            .all(|r| r["level"].is_null() && r["school"].is_null())
    );
    // Filters.
    assert_eq!(
        app.total(&format!("{d}, filter: {{ area: RURAL }}")).await,
        2
    );
    assert_eq!(
        app.total(&format!(
            "{d}, filter: {{ stage: JUNIOR, township: \"琴江镇\" }}"
        ))
        .await,
        1
    );
    assert_eq!(
        app.total(&format!("{d}, filter: {{ schoolId: \"{}\" }}", c.school_b))
            .await,
        2
    );
    assert_eq!(
        app.total(&format!("{d}, filter: {{ subject: \"语文\" }}"))
            .await,
        2
    );
    // By township and level within one school and within one area (counted per school first).
    let rows = app
        .counts(
            &format!(
                "{d}, groupBy: [TOWNSHIP, LEVEL, KIND], filter: {{ schoolId: \"{}\" }}",
                c.school_b
            ),
            "township level kind",
        )
        .await;
    assert_eq!(
        table(&rows, &["township", "level", "kind"]),
        expect(&[
            (&["小松镇", "COUNTY", "KEY_TEACHER"], 1),
            (&["小松镇", "PROVINCIAL", "KEY_TEACHER"], 1),
        ])
    );
    let rows = app
        .counts(
            &format!("{d}, groupBy: [AREA, LEVEL], filter: {{ area: URBAN }}"),
            "area level",
        )
        .await;
    assert_eq!(
        table(&rows, &["area", "level"]),
        expect(&[(&["URBAN", "COUNTY"], 1), (&["URBAN", "MUNICIPAL"], 1)])
    );
    // After t3's departure and t2's revocation, each school has one left.
    let rows = app
        .counts("asOf: \"2025-07-01\", groupBy: [SCHOOL]", "school { id }")
        .await;
    let mut ids: Vec<&str> = rows
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["school"]["id"].as_str().unwrap())
        .collect();
    ids.sort();
    let mut want = vec![c.school_a.as_str(), c.school_b.as_str()];
    want.sort();
    assert_eq!(ids, want);
}

async fn top_designation_groups_each_person_once_among_qualifying_designations(app: TestApp) {
    county(&app).await;
    // Restricted to key teachers, t1's municipal subject-leader title does not qualify, so t1
    // sits in the county group through the county key-teacher title.
    let rows = app
        .counts(
            "asOf: \"2024-09-10\", kinds: [KEY_TEACHER], groupBy: [LEVEL]",
            "level",
        )
        .await;
    assert_eq!(
        table(&rows, &["level"]),
        expect(&[(&["COUNTY"], 2), (&["PROVINCIAL"], 1)])
    );
    // Level first, then kind: t1 (municipal subject leader) outranks a county master teacher.
    let rows = app
        .counts("asOf: \"2024-09-10\", groupBy: [LEVEL, KIND]", "level kind")
        .await;
    assert_eq!(
        table(&rows, &["level", "kind"]),
        expect(&[
            (&["COUNTY", "KEY_TEACHER"], 1),
            (&["COUNTY", "MASTER_TEACHER"], 1),
            (&["MUNICIPAL", "SUBJECT_LEADER"], 1),
            (&["PROVINCIAL", "KEY_TEACHER"], 1),
        ])
    );
    // The sum of groups is the number of people.
    let sum: i64 = table(&rows, &["level", "kind"]).values().sum();
    assert_eq!(sum, app.total("asOf: \"2024-09-10\"").await);
}

const LEVELS: [&str; 5] = ["SCHOOL", "COUNTY", "MUNICIPAL", "PROVINCIAL", "NATIONAL"];
const KINDS: [&str; 3] = ["KEY_TEACHER", "SUBJECT_LEADER", "MASTER_TEACHER"];

/// (level index, kind index, awarded, expires, revoked)
type RefDesignation = (
    usize,
    usize,
    NaiveDate,
    Option<NaiveDate>,
    Option<NaiveDate>,
);

struct RefTeacher {
    gender: &'static str,
    hired: Option<NaiveDate>,
    left: Option<NaiveDate>,
    designations: Vec<RefDesignation>,
}

/// The rules restated over the generated rows: the API must agree with them everywhere.
fn reference(
    teachers: &[RefTeacher],
    d: NaiveDate,
    min_level: usize,
    kinds: &[usize],
) -> BTreeMap<Vec<String>, i64> {
    let mut out = BTreeMap::new();
    for t in teachers {
        if !employed_on(t.hired, t.left, d) {
            continue;
        }
        let top = t
            .designations
            .iter()
            .filter(|(lvl, kind, a, e, r)| {
                *lvl >= min_level && kinds.contains(kind) && designation_in_force_on(*a, *e, *r, d)
            })
            .map(|(lvl, kind, ..)| (*lvl, *kind))
            .max();
        if let Some((lvl, kind)) = top {
            let key = vec![
                LEVELS[lvl].to_owned(),
                KINDS[kind].to_owned(),
                t.gender.to_owned(),
            ];
            *out.entry(key).or_insert(0) += 1;
        }
    }
    out
}

async fn counts_agree_with_the_rules_on_generated_registries(app: TestApp) {
    let school = app.create_school("东城中小学", "琴江镇", "URBAN").await;
    let mut rng = Lcg(20231010);
    let mut teachers = Vec::new();
    for i in 0..40 {
        let gender = if rng.next(2) == 0 { "FEMALE" } else { "MALE" };
        let hired = (rng.next(3) > 0)
            .then(|| rng.day_after(NaiveDate::from_ymd_opt(2022, 1, 1).unwrap(), 1800));
        let mut extra = json!({ "gender": gender });
        if let Some(h) = hired {
            extra["hiredOn"] = json!(h.to_string());
        }
        let id = app
            .create_teacher(&school, &format!("G{i:03}"), extra)
            .await;
        let mut designations: Vec<RefDesignation> = Vec::new();
        for _ in 0..rng.next(4) {
            let (lvl, kind) = (rng.next(5) as usize, rng.next(3) as usize);
            let awarded = rng.day_after(NaiveDate::from_ymd_opt(2022, 1, 1).unwrap(), 1800);
            let expires =
                (rng.next(2) == 0).then(|| awarded + chrono::Duration::days(rng.next(1200) as i64));
            let mut input = json!({ "teacherId": id, "kind": KINDS[kind], "level": LEVELS[lvl],
                                    "awardedOn": awarded.to_string() });
            if let Some(e) = expires {
                input["expiresOn"] = json!(e.to_string());
            }
            let resp = app
                .gql(
                    Some(&app.admin),
                    "mutation($i: AwardDesignationInput!) { awardDesignation(input: $i) { id } }",
                    json!({ "i": input }),
                )
                .await;
            let Some(did) = resp["data"]["awardDesignation"]["id"].as_str() else {
                // The same title (kind and level) twice on one day is refused by design; such a
                // draw is skipped. Any other refusal is a failure, not a draw to skip.
                let repeat = designations
                    .iter()
                    .any(|&(l, k, a, ..)| (l, k, a) == (lvl, kind, awarded));
                let error = &resp["errors"][0];
                assert!(
                    repeat
                        && error["extensions"]["code"] == "CONFLICT"
                        && error["message"]
                            .as_str()
                            .is_some_and(|m| m.contains("already holds this")),
                    "only a same-day duplicate award may be refused: {resp}"
                );
                continue;
            };
            let revoked = if rng.next(4) == 0 {
                let r = awarded + chrono::Duration::days(rng.next(900) as i64);
                app.revoke(did, &r.to_string()).await;
                Some(r)
            } else {
                None
            };
            designations.push((lvl, kind, awarded, expires, revoked));
        }
        let left = match (rng.next(4), hired) {
            (0, Some(h)) => Some(h + chrono::Duration::days(1 + rng.next(900) as i64)),
            (0, None) => Some(rng.day_after(NaiveDate::from_ymd_opt(2022, 1, 1).unwrap(), 1800)),
            _ => None,
        };
        if let Some(l) = left {
            app.depart(&id, &l.to_string()).await;
        }
        teachers.push(RefTeacher {
            gender,
            hired,
            left,
            designations,
        });
    }
    let all_kinds = [0, 1, 2];
    let mut checked = 0;
    for _ in 0..12 {
        let d = rng.day_after(NaiveDate::from_ymd_opt(2022, 1, 1).unwrap(), 1800);
        for (min_level, kinds) in [(1, &all_kinds[..]), (0, &[0][..]), (2, &[1, 2][..])] {
            let kinds_arg: Vec<&str> = kinds.iter().map(|k| KINDS[*k]).collect();
            let args = format!(
                "asOf: \"{d}\", minLevel: {}, kinds: [{}], groupBy: [LEVEL, KIND, GENDER]",
                LEVELS[min_level],
                kinds_arg.join(", ")
            );
            let rows = app.counts(&args, "level kind gender").await;
            let got = table(&rows, &["level", "kind", "gender"]);
            assert_eq!(got, reference(&teachers, d, min_level, kinds), "{args}");
            checked += got.len();
        }
    }
    // The generated registry must exercise the rules, not compare empty tables.
    assert!(checked > 20, "only {checked} groups compared");
}

async fn bad_count_arguments_are_refused(app: TestApp) {
    let e = app
        .err("{ keyTeacherCounts(kinds: []) { count } }", json!({}))
        .await;
    assert_eq!(e["code"], "BAD_USER_INPUT");
    assert_eq!(e["field"], "kinds");
    let e = app
        .err(
            "{ keyTeacherCounts(groupBy: [LEVEL, LEVEL]) { count } }",
            json!({}),
        )
        .await;
    assert_eq!(e["code"], "BAD_USER_INPUT");
    assert_eq!(e["field"], "groupBy");
    let e = app
        .err(
            "{ keyTeacherCounts(asOf: \"2024-13-01\") { count } }",
            json!({}),
        )
        .await;
    assert_eq!(e["code"], "BAD_USER_INPUT");
    let e = app
        .err(
            "{ keyTeacherCounts(minLevel: DISTRICT) { count } }",
            json!({}),
        )
        .await;
    assert_eq!(e["code"], "BAD_USER_INPUT");
}

/// Counts read the key-teacher spans, which a correction of the teacher's record must rewrite
/// in the same transaction: a later hire date and a move to another school show at once.
async fn a_corrected_hire_date_or_school_moves_the_counts(app: TestApp) {
    let c = county(&app).await;
    let by_school = "asOf: \"2024-09-10\", groupBy: [SCHOOL]";
    let before = table(&app.counts(by_school, "school { name }").await, &["school"]);
    assert_eq!(
        before,
        expect(&[(&["小松中心小学"], 2), (&["石城一小"], 2)])
    );
    // T2 (石城一小, county master teacher 2023-09-10 until revoked 2025-03-01) moves to
    // 小松中心小学 and turns out to have been hired only on 2024-01-01.
    let t2 = teacher_id(&app, "T2").await;
    app.ok(
        "mutation($id: UUID!, $s: UUID!) { updateTeacher(id: $id, input: { schoolId: $s, hiredOn: \"2024-01-01\" }) { id } }",
        json!({ "id": t2, "s": c.school_b }),
    )
    .await;
    let after = table(&app.counts(by_school, "school { name }").await, &["school"]);
    assert_eq!(after, expect(&[(&["小松中心小学"], 3), (&["石城一小"], 1)]));
    // Before the corrected hire date T2 no longer counts anywhere.
    assert_eq!(app.total("asOf: \"2023-09-10\"").await, 1);
    assert_eq!(app.total("asOf: \"2024-01-01\"").await, 3);
}

async fn teacher_id(app: &TestApp, staff_no: &str) -> String {
    let page = app
        .ok(
            "query($s: String!) { teachers(first: 1, filter: { staffNo: $s }) { nodes { id } } }",
            json!({ "s": staff_no }),
        )
        .await;
    page["teachers"]["nodes"][0]["id"]
        .as_str()
        .expect("teacher found")
        .to_owned()
}

/// A registry migrated from before the spans existed (or restored from such a backup) has them
/// built on opening; built from nothing they give the same counts as built change by change.
async fn counts_built_from_nothing_after_the_migration_are_the_same(app: TestApp) {
    use sea_orm::ConnectionTrait;
    county(&app).await;
    let days = [
        "2023-09-09",
        "2023-09-10",
        "2024-09-01",
        "2025-03-01",
        "2025-07-01",
        "2026-09-10",
    ];
    let grouped =
        |d: &str| format!("asOf: \"{d}\", minLevel: SCHOOL, groupBy: [LEVEL, KIND, SCHOOL]");
    let mut before = Vec::new();
    for d in days {
        before.push(app.counts(&grouped(d), "level kind school { name }").await);
    }
    // A target's monthly history reads the spans' changes.
    let history_query = "{ targetProgress(code: \"KEY_TEACHERS_2025\", asOf: \"2026-09-10\") { history(every: MONTH) { date value } } }";
    let history = app.ok(history_query, json!({})).await;
    let values: Vec<i64> = history["targetProgress"]["history"]
        .as_array()
        .expect("history")
        .iter()
        .filter_map(|p| p["value"].as_i64())
        .collect();
    assert!(values.contains(&4) && values.contains(&2), "{values:?}");
    // As the migration leaves them: empty, and marked unbuilt.
    let tx = app.db.begin().await.expect("begin");
    for sql in [
        "DELETE FROM key_teacher_spans",
        "DELETE FROM key_teacher_changes",
        "UPDATE derived_tables SET built_at = NULL",
    ] {
        tx.execute_unprepared(sql).await.expect(sql);
    }
    tx.commit().await.expect("commit");
    assert_eq!(
        app.total("asOf: \"2024-09-10\"").await,
        0,
        "the counts read the spans"
    );
    let built = teacher_registry::store::key_span::build_if_unbuilt(&app.db)
        .await
        .expect("build");
    assert!(built, "an unbuilt registry is built");
    for (d, expected) in days.iter().zip(&before) {
        let now = app.counts(&grouped(d), "level kind school { name }").await;
        assert_eq!(&now, expected, "on {d}");
    }
    assert_eq!(before[2].as_array().map(Vec::len), Some(4));
    assert_eq!(app.ok(history_query, json!({})).await, history);
    // Built once: a second server opening the registry finds it built.
    let again = teacher_registry::store::key_span::build_if_unbuilt(&app.db)
        .await
        .expect("build");
    assert!(!again);
}
