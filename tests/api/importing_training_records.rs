//! HR load the county's training records from a sheet (issue 14, item 1; rules 9 and 10): the
//! hours a teacher then shows are the sheet's to the tenth, every row is checked as
//! `recordTraining` checks it, a sheet with any bad row writes nothing, loading it again
//! changes nothing, a changed sheet corrects its records, and only HR and ADMIN may load one.

use serde_json::{Value, json};

use crate::helpers::TestApp;
use crate::importing_sheets::{C, counts, loaded, problems, refused, upload, xlsx};

on_both_databases!(
    a_training_sheet_loads_and_the_hours_are_the_sheets_to_the_tenth,
    every_bad_training_row_is_listed_and_nothing_is_written,
    a_changed_training_sheet_corrects_its_records_and_a_dry_run_writes_nothing,
    only_hr_and_admin_load_training_records,
    a_sheet_of_many_chunks_costs_a_few_statements_a_chunk,
    a_record_entered_twice_by_hand_is_not_guessed_at,
);

const MUTATION: &str = "importTrainingRecords";

/// A school and three teachers: T1 and T2 serving since 2010, T3 left on 2024-06-30.
async fn county(app: &TestApp) -> (String, String, String) {
    let school = app.create_school("琴江小学", "琴江镇", "URBAN").await;
    let hired = json!({ "hiredOn": "2010-09-01" });
    let t1 = app.create_teacher(&school, "T1", hired.clone()).await;
    let t2 = app.create_teacher(&school, "T2", hired.clone()).await;
    let t3 = app.create_teacher(&school, "T3", hired).await;
    app.depart(&t3, "2024-06-30").await;
    (t1, t2, t3)
}

/// The sheet as HR keep it: Excel dates and numbers, training labels for levels and kinds,
/// one row with the codes (in lower case) instead, one record in the next cycle.
fn training_xlsx(t1_course_hours: f64, t1_course_organiser: &'static str) -> Vec<u8> {
    use C::*;
    xlsx(&[
        vec![
            T("工号"),
            T("培训名称"),
            T("级别"),
            T("类型"),
            T("主办单位"),
            T("开始日期"),
            T("结束日期"),
            T("学时"),
        ],
        vec![
            T("T1"),
            T("县级骨干教师培训"),
            T("县培"),
            T("集中培训"),
            T(t1_course_organiser),
            D(2024, 7, 15),
            D(2024, 7, 19),
            N(t1_course_hours),
        ],
        vec![
            T("T1"),
            T("国培计划网络研修"),
            T("国培"),
            T("网络研修"),
            T("教育部"),
            D(2024, 3, 1),
            D(2024, 6, 30),
            N(50.5),
        ],
        vec![
            T("T1"),
            T("校本研修2025"),
            T("校本研修"),
            T("校本研修"),
            T("琴江小学"),
            T("2025/9/1"),
            T("2025年12月31日"),
            T("12.5"),
        ],
        vec![
            T("T2"),
            T("赴上海跟岗学习"),
            T("provincial"),
            T("study_visit"),
            T("省教育厅"),
            D(2025, 4, 7),
            D(2025, 4, 11),
            N(45.0),
        ],
        vec![
            T("T1"),
            T("新周期第一课"),
            T("市培"),
            T("集中培训"),
            T("市教育局"),
            D(2026, 1, 5),
            D(2026, 1, 5),
            N(8.0),
        ],
    ])
}

async fn hours(app: &TestApp, teacher: &str, cycle: &str, as_of: &str) -> Value {
    let q = "query($t: UUID!, $c: String, $d: Date) { teacher(id: $t) { trainingHours(cycle: $c, asOf: $d) { hours expectedHours onTrack records { title level kind organiser startedOn endedOn hours } } } }";
    app.ok(q, json!({ "t": teacher, "c": cycle, "d": as_of }))
        .await["teacher"]["trainingHours"]
        .clone()
}

/// A clean sheet: its records are the teachers' hours, to the tenth, in the cycle of their
/// last day; a record already entered by hand matches its row; loading the sheet again
/// changes nothing but the audit trail.
async fn a_training_sheet_loads_and_the_hours_are_the_sheets_to_the_tenth(app: TestApp) {
    let (t1, t2, _) = county(&app).await;
    // T2's study visit was recorded by hand before the sheet came: its row matches it.
    app.ok(
        "mutation($t: UUID!, $i: TrainingInput!) { recordTraining(teacherId: $t, input: $i) { id } }",
        json!({ "t": t2, "i": { "title": "赴上海跟岗学习", "level": "PROVINCIAL", "kind": "STUDY_VISIT",
                "organiser": "省教育厅", "startedOn": "2025-04-07", "endedOn": "2025-04-11", "hours": 45.0 } }),
    )
    .await;

    let report = loaded(
        &app,
        MUTATION,
        "培训记录.xlsx",
        training_xlsx(40.0, "县教师进修学校"),
    )
    .await;
    assert_eq!(counts(&report), (5, 4, 0, 1));
    assert_eq!(report["kind"], "TRAINING_RECORDS");
    assert_eq!(report["dryRun"], false);

    // 40 + 50.5 + 12.5 = 103 hours in 2021–2025; five owed years expect 360.
    let h1 = hours(&app, &t1, "2021-2025", "2025-12-31").await;
    assert_eq!(h1["hours"], 103.0);
    assert_eq!(h1["expectedHours"], 360.0);
    assert_eq!(h1["onTrack"], false);
    assert_eq!(
        h1["records"],
        json!([
            { "title": "国培计划网络研修", "level": "NATIONAL", "kind": "ONLINE", "organiser": "教育部",
              "startedOn": "2024-03-01", "endedOn": "2024-06-30", "hours": 50.5 },
            { "title": "县级骨干教师培训", "level": "COUNTY", "kind": "COURSE", "organiser": "县教师进修学校",
              "startedOn": "2024-07-15", "endedOn": "2024-07-19", "hours": 40.0 },
            { "title": "校本研修2025", "level": "SCHOOL", "kind": "SCHOOL_BASED", "organiser": "琴江小学",
              "startedOn": "2025-09-01", "endedOn": "2025-12-31", "hours": 12.5 },
        ])
    );
    // The 2026 record counts in the next cycle only.
    assert_eq!(
        hours(&app, &t1, "2026-2030", "2026-01-31").await["hours"],
        8.0
    );
    let h2 = hours(&app, &t2, "2021-2025", "2025-12-31").await;
    assert_eq!(h2["hours"], 45.0);
    assert_eq!(
        h2["records"].as_array().map(Vec::len),
        Some(1),
        "matched, not doubled"
    );

    // Again: nothing created, nothing updated; only the audit trail grows.
    let before = app.row_counts().await;
    let again = loaded(
        &app,
        MUTATION,
        "培训记录.xlsx",
        training_xlsx(40.0, "县教师进修学校"),
    )
    .await;
    assert_eq!(counts(&again), (5, 0, 0, 5));
    let after = app.row_counts().await;
    let grew: Vec<&str> = before
        .iter()
        .zip(&after)
        .filter(|(b, a)| b != a)
        .map(|(_, a)| a.0.as_str())
        .collect();
    assert_eq!(grew, vec!["audit_events"]);
    assert_eq!(
        hours(&app, &t1, "2021-2025", "2025-12-31").await["hours"],
        103.0
    );

    // One audit event per load, naming the sheet and what it did.
    let events = app
        .ok(
            "{ auditEvents(first: 5) { nodes { actor operation details } } }",
            json!({}),
        )
        .await["auditEvents"]["nodes"]
        .clone();
    let loads: Vec<&Value> = events
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["operation"] == "importTrainingRecords")
        .collect();
    assert_eq!(loads.len(), 2);
    let first: Value = serde_json::from_str(loads[1]["details"].as_str().unwrap()).unwrap();
    assert_eq!(
        first,
        json!({ "kind": "training-records", "fileName": "培训记录.xlsx", "rows": 5, "created": 4,
                "updated": 0, "unchanged": 1 })
    );
    assert_eq!(loads[1]["actor"], "admin");
}

/// Rule 9 and the registry, row by row: 400 hours for one day, an unknown staff number, a
/// teacher who had left, a level no certificate names, dates the wrong way round, a row named
/// twice and hours with two decimals — every one listed with its Excel row and the column as
/// the sheet names it; the clean row is not written either.
async fn every_bad_training_row_is_listed_and_nothing_is_written(app: TestApp) {
    county(&app).await;
    let before = app.row_counts().await;
    let sheet = "\
工号,培训名称,级别,类型,主办单位,开始日期,结束日期,学时
T1,一日专题培训,县培,集中培训,县教师进修学校,2024-05-06,2024-05-06,400
T404,一日专题培训,县培,集中培训,县教师进修学校,2024-05-06,2024-05-06,6
T3,暑期研修,市培,集中培训,市教育局,2024-09-01,2024-09-02,16
T1,区级培训,区培,集中培训,区教育局,2024-05-07,2024-05-07,6
T1,读书分享,校本研修,校本研修,琴江小学,2024-10-08,2024-10-08,2
T1,读书分享,校本研修,校本研修,琴江小学,2024-10-08,2024-10-08,3
T2,倒填日期,县培,网络研修,县教师进修学校,2024-06-02,2024-06-01,4
T2,两位小数,县培,网络研修,县教师进修学校,2024-06-01,2024-06-01,1.25
";
    let ext = refused(&app, MUTATION, "培训.csv", sheet.as_bytes().to_vec()).await;
    assert_eq!(ext["code"], "BAD_USER_INPUT");
    assert_eq!(ext["problemCount"], 7);
    assert_eq!(
        ext["message"],
        "7 problems in the sheet; nothing was written"
    );
    let expected: Vec<(i64, &str, &str)> = vec![
        (
            2,
            "学时",
            "a training of 1 day(s) counts at most 10 hours (10 a day)",
        ),
        (3, "工号", "no teacher has staff number T404"),
        (
            4,
            "结束日期",
            "教师T3 (T3) was not employed on 2024-09-02, the training's last day",
        ),
        (
            5,
            "级别",
            "must be one of 国培, 省培, 市培, 县培, 校本研修 (or NATIONAL, PROVINCIAL, MUNICIPAL, COUNTY, SCHOOL)",
        ),
        (
            7,
            "工号",
            "the same as row 6: a sheet names each record once",
        ),
        (
            8,
            "结束日期",
            "must not be before the training on 2024-06-02",
        ),
        (9, "学时", "may have one decimal at most"),
    ];
    let got = problems(&ext);
    let got: Vec<(i64, &str, &str)> = got
        .iter()
        .map(|(r, c, why)| (*r, c.as_str(), why.as_str()))
        .collect();
    assert_eq!(got, expected);
    assert_eq!(ext["problems"][0]["value"], "400");
    assert_eq!(ext["problems"][3]["value"], "区培");
    assert_eq!(app.row_counts().await, before, "nothing written");
}

/// HR correct a sheet's hours and organiser: a dry run says what would change and writes
/// nothing; the real load updates that record in place and leaves the others.
async fn a_changed_training_sheet_corrects_its_records_and_a_dry_run_writes_nothing(app: TestApp) {
    let (t1, _, _) = county(&app).await;
    loaded(
        &app,
        MUTATION,
        "培训记录.xlsx",
        training_xlsx(40.0, "县教师进修学校"),
    )
    .await;
    let ids = |h: &Value| h["records"].clone();
    let first = hours(&app, &t1, "2021-2025", "2025-12-31").await;

    let before = app.row_counts().await;
    let corrected = training_xlsx(35.5, "县教育局");
    let resp = upload(
        &app,
        Some(&app.admin),
        MUTATION,
        "培训记录.xlsx",
        corrected.clone(),
        true,
    )
    .await;
    let dry = resp["data"][MUTATION].clone();
    assert_eq!(counts(&dry), (5, 0, 1, 4), "{resp:#}");
    assert_eq!(dry["dryRun"], true);
    assert_eq!(app.row_counts().await, before, "a dry run writes nothing");
    assert_eq!(
        hours(&app, &t1, "2021-2025", "2025-12-31").await,
        first,
        "a dry run changes nothing"
    );

    let real = loaded(&app, MUTATION, "培训记录.xlsx", corrected).await;
    assert_eq!(counts(&real), (5, 0, 1, 4));
    let after = hours(&app, &t1, "2021-2025", "2025-12-31").await;
    // 35.5 + 50.5 + 12.5 = 98.5.
    assert_eq!(after["hours"], 98.5);
    assert_eq!(ids(&after)[1]["hours"], 35.5);
    assert_eq!(ids(&after)[1]["organiser"], "县教育局");
    assert_eq!(ids(&after)[0], ids(&first)[0]);
    assert_eq!(
        app.ok(
            "query($t: UUID!) { teacher(id: $t) { trainingRecords { id } } }",
            json!({ "t": t1 })
        )
        .await["teacher"]["trainingRecords"]
            .as_array()
            .map(Vec::len),
        Some(4),
        "corrected in place, not added"
    );
}

/// Training records are HR's: a leader is refused with FORBIDDEN and nothing is written, a
/// request without a token is UNAUTHENTICATED, HR load the sheet.
async fn only_hr_and_admin_load_training_records(app: TestApp) {
    county(&app).await;
    let leader = app.create_user("leader.li", "LEADER", None).await;
    let hr = app.create_user("hr.wu", "HR", None).await;
    let before = app.row_counts().await;
    let sheet = || training_xlsx(40.0, "县教师进修学校");
    let resp = upload(&app, Some(&leader), MUTATION, "t.xlsx", sheet(), false).await;
    assert_eq!(resp["errors"][0]["extensions"]["code"], "FORBIDDEN");
    assert!(resp["data"].is_null() || resp["data"][MUTATION].is_null());
    let resp = upload(&app, None, MUTATION, "t.xlsx", sheet(), false).await;
    assert_eq!(resp["errors"][0]["extensions"]["code"], "UNAUTHENTICATED");
    assert_eq!(app.row_counts().await, before, "a refusal writes nothing");
    let resp = upload(&app, Some(&hr), MUTATION, "t.xlsx", sheet(), false).await;
    assert_eq!(counts(&resp["data"][MUTATION]), (5, 5, 0, 0), "{resp:#}");
}

/// 1,200 rows (three chunks of the import) for 400 teachers: each chunk looks its teachers
/// and their records up in one query each and inserts in bulk, so the load costs a few
/// statements a chunk, not a few a row; a row named twice across chunks is still caught.
async fn a_sheet_of_many_chunks_costs_a_few_statements_a_chunk(app: TestApp) {
    app.create_school("琴江小学", "琴江镇", "URBAN").await;
    let mut teachers = String::from("工号,姓名,性别,学校,学段,学科,学历,入职日期\n");
    for i in 0..400 {
        teachers.push_str(&format!(
            "T{i:03},教师{i},女,琴江小学,小学,语文,本科,2010-09-01\n"
        ));
    }
    loaded(&app, "importTeachers", "t.csv", teachers.into_bytes()).await;
    let header = "工号,培训名称,级别,类型,主办单位,开始日期,结束日期,学时\n";
    let mut sheet = String::from(header);
    for i in 0..1200 {
        // Three trainings each; 0.5 hours more per teacher number, so sums are exact.
        let teacher = i % 400;
        let (title, day) = match i / 400 {
            0 => ("县级培训", "2024-03-01"),
            1 => ("市级培训", "2024-04-01"),
            _ => ("网络研修", "2024-05-01"),
        };
        let hours = 1.0 + f64::from(teacher % 10) * 0.5;
        sheet.push_str(&format!(
            "T{teacher:03},{title},县培,集中培训,县教师进修学校,{day},{day},{hours}\n"
        ));
    }
    app.reset_statements();
    let report = loaded(&app, MUTATION, "big.csv", sheet.clone().into_bytes()).await;
    let statements = app.statements();
    assert_eq!(counts(&report), (1200, 1200, 0, 0));
    // 12 on both backends today (two lookups and an insert a chunk, the transaction, the
    // audit event, ANALYZE); a lookup or insert per row would be over 1,200.
    assert!(
        statements <= 20,
        "{statements} statements for 1,200 rows in three chunks"
    );
    // T009 took 5.5 hours at each of the three trainings: 16.5.
    let t009 = app
        .ok(
            "{ teachers(filter: { staffNo: \"T009\" }) { nodes { trainingHours(asOf: \"2025-12-31\") { hours } } } }",
            json!({}),
        )
        .await["teachers"]["nodes"][0]["trainingHours"]["hours"]
        .clone();
    assert_eq!(t009, 16.5);
    let again = loaded(&app, MUTATION, "big.csv", sheet.clone().into_bytes()).await;
    assert_eq!(counts(&again), (1200, 0, 0, 1200));

    // Row 1202 (the last) repeats row 2, two chunks earlier.
    sheet.push_str("T000,县级培训,县培,集中培训,县教师进修学校,2024-03-01,2024-03-01,1\n");
    let ext = refused(&app, MUTATION, "big.csv", sheet.into_bytes()).await;
    assert_eq!(
        problems(&ext),
        vec![(
            1202,
            "工号".to_owned(),
            "the same as row 2: a sheet names each record once".to_owned()
        )]
    );
}

/// Two records of one teacher with the same title and dates, entered by hand: the sheet's row
/// cannot tell which it means, so it is refused on 培训名称 instead of one being picked.
async fn a_record_entered_twice_by_hand_is_not_guessed_at(app: TestApp) {
    let (t1, _, _) = county(&app).await;
    for _ in 0..2 {
        app.ok(
            "mutation($t: UUID!, $i: TrainingInput!) { recordTraining(teacherId: $t, input: $i) { id } }",
            json!({ "t": t1, "i": { "title": "县级骨干教师培训", "level": "COUNTY", "kind": "COURSE",
                    "organiser": "县教师进修学校", "startedOn": "2024-07-15", "endedOn": "2024-07-19", "hours": 40.0 } }),
        )
        .await;
    }
    let before = app.row_counts().await;
    let ext = refused(
        &app,
        MUTATION,
        "培训记录.xlsx",
        training_xlsx(40.0, "县教师进修学校"),
    )
    .await;
    assert_eq!(
        problems(&ext),
        vec![(
            2,
            "培训名称".to_owned(),
            "2 records of T1 have this title and these dates: correct or delete the double with updateTrainingRecord or deleteTrainingRecord first".to_owned()
        )]
    );
    assert_eq!(app.row_counts().await, before);
}
