//! HR load their own Excel and CSV sheets over GraphQL (a multipart upload): schools, then
//! teachers, designations and enrollments. A sheet loads all or nothing, lists every bad row
//! at once, and loading it again changes nothing.

use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
use serde_json::{Value, json};

use crate::helpers::TestApp;

on_both_databases!(
    a_county_loads_from_its_sheets_and_loading_them_again_changes_nothing,
    every_bad_row_is_listed_and_nothing_is_written,
    an_updated_sheet_updates_by_staff_number_and_a_dry_run_writes_nothing,
    gb18030_csv_with_english_headers_and_codes_loads_the_same,
    the_import_keeps_the_registrys_rules_across_sheets,
    who_may_import_and_what_the_upload_may_be,
    a_hostile_workbook_is_answered_and_the_server_keeps_serving,
);

/// A cell of a workbook built in a test.
pub(crate) enum C {
    T(&'static str),
    D(u16, u8, u8),
    /// A number as Excel stores it (hours typed into a cell).
    N(f64),
    Empty,
}

/// An .xlsx workbook with one sheet of these rows (the first the header); dates as real Excel
/// dates, as HR's sheets hold them.
pub(crate) fn xlsx(rows: &[Vec<C>]) -> Vec<u8> {
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    let date = Format::new().set_num_format("yyyy-mm-dd");
    for (r, row) in rows.iter().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            let (r, c) = (r as u32, c as u16);
            match cell {
                C::T(t) => sheet.write_string(r, c, *t).map(|_| ()),
                C::D(y, m, d) => {
                    let day = ExcelDateTime::from_ymd(*y, *m, *d).unwrap();
                    sheet
                        .write_datetime_with_format(r, c, &day, &date)
                        .map(|_| ())
                }
                C::N(n) => sheet.write_number(r, c, *n).map(|_| ()),
                C::Empty => Ok(()),
            }
            .unwrap();
        }
    }
    workbook.save_to_buffer().unwrap()
}

fn with_bom(text: &str) -> Vec<u8> {
    [b"\xEF\xBB\xBF".as_slice(), text.as_bytes()].concat()
}

const REPORT: &str = "kind fileName rows created updated unchanged unknownColumns dryRun";

/// Uploads a sheet to `import<Kind>` as the GraphQL multipart request spec lays it out, and
/// returns the whole response.
pub(crate) async fn upload(
    app: &TestApp,
    token: Option<&str>,
    mutation: &str,
    file_name: &str,
    bytes: Vec<u8>,
    dry_run: bool,
) -> Value {
    let query = format!(
        "mutation($file: Upload!, $dry: Boolean) {{ {mutation}(file: $file, dryRun: $dry) {{ {REPORT} }} }}"
    );
    app.upload(
        token,
        &query,
        &json!({ "dry": dry_run }),
        (file_name, bytes),
    )
    .await
}

/// An upload that must succeed: its report.
pub(crate) async fn loaded(
    app: &TestApp,
    mutation: &str,
    file_name: &str,
    bytes: Vec<u8>,
) -> Value {
    let resp = upload(app, Some(&app.admin), mutation, file_name, bytes, false).await;
    assert!(resp.get("errors").is_none(), "unexpected errors: {resp:#}");
    resp["data"][mutation].clone()
}

/// An upload that must be refused: its first error's extensions, with the message.
pub(crate) async fn refused(
    app: &TestApp,
    mutation: &str,
    file_name: &str,
    bytes: Vec<u8>,
) -> Value {
    let resp = upload(app, Some(&app.admin), mutation, file_name, bytes, false).await;
    let mut ext = resp["errors"][0]["extensions"].clone();
    assert!(ext.is_object(), "expected an error, got {resp:#}");
    ext["message"] = resp["errors"][0]["message"].clone();
    ext
}

/// `(row, column, reason)` of each listed problem.
pub(crate) fn problems(ext: &Value) -> Vec<(i64, String, String)> {
    ext["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["row"].as_i64().unwrap(),
                p["column"].as_str().unwrap().to_owned(),
                p["reason"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

pub(crate) fn counts(report: &Value) -> (i64, i64, i64, i64) {
    (
        report["rows"].as_i64().unwrap(),
        report["created"].as_i64().unwrap(),
        report["updated"].as_i64().unwrap(),
        report["unchanged"].as_i64().unwrap(),
    )
}

const SCHOOLS_CSV: &str = "\
学校,乡镇,城区/农村,学段
琴江小学,琴江镇,城区,小学
琴江中学,琴江镇,城区,初中
高田学校,高田镇,农村,小学;初中
";

fn teachers_xlsx() -> Vec<u8> {
    use C::*;
    xlsx(&[
        vec![
            T("工号"),
            T("姓名"),
            T("性别"),
            T("出生日期"),
            T("身份证号"),
            T("学校"),
            T("学段"),
            T("学科"),
            T("学历"),
            T("入职日期"),
        ],
        vec![
            T("QJ-001"),
            T("李敏"),
            T("女"),
            D(1985, 3, 15),
            Empty,
            T("琴江小学"),
            T("小学"),
            T("语文"),
            T("本科"),
            D(2008, 9, 1),
        ],
        vec![
            T("QJ-002"),
            T("王强"),
            T("男"),
            Empty,
            T("11010519491231002X"),
            T("琴江中学"),
            T("初中"),
            T("数学"),
            T("硕士"),
            T("1972/9/1"),
        ],
        vec![
            T("GT-001"),
            T("赖芳"),
            T("女"),
            T("1990年5月4日"),
            Empty,
            T("高田学校"),
            T("初中"),
            T("英语"),
            T("大专"),
            Empty,
        ],
    ])
}

const DESIGNATIONS_CSV: &str = "\
工号,称号,级别,学科,批次,认定日期,有效期至,证书编号
QJ-001,骨干教师,县级,语文,2023年县级骨干,2023-09-10,2026-09-09,SC-2023-001
QJ-002,学科带头人,市级,数学,,2022/1/1,,
GT-001,骨干教师,校级,,,2024-01-01,,
";

const ENROLLMENTS_CSV: &str = "\
学校,学年,学段,在校生数
琴江小学,2025-2026,小学,1200
琴江中学,2025,初中,800
高田学校,2025学年,小学,300
高田学校,2025,初中,150
";

/// The whole county from four sheets; the numbers the API then gives are the sheets'.
async fn a_county_loads_from_its_sheets_and_loading_them_again_changes_nothing(app: TestApp) {
    let schools = loaded(&app, "importSchools", "学校.csv", with_bom(SCHOOLS_CSV)).await;
    assert_eq!(counts(&schools), (3, 3, 0, 0));
    assert_eq!(schools["kind"], "SCHOOLS");
    let teachers = loaded(&app, "importTeachers", "教师.xlsx", teachers_xlsx()).await;
    assert_eq!(counts(&teachers), (3, 3, 0, 0));
    assert_eq!(teachers["fileName"], "教师.xlsx");
    let designations = loaded(
        &app,
        "importDesignations",
        "称号.csv",
        DESIGNATIONS_CSV.as_bytes().to_vec(),
    )
    .await;
    assert_eq!(counts(&designations), (3, 3, 0, 0));
    let enrollments = loaded(
        &app,
        "importEnrollments",
        "在校生.csv",
        ENROLLMENTS_CSV.as_bytes().to_vec(),
    )
    .await;
    assert_eq!(counts(&enrollments), (4, 4, 0, 0));

    // The registry holds what the sheets say, dates and all.
    let t = app
        .ok(
            "{ teachers(filter: { staffNo: \"QJ-002\" }) { nodes { name gender birthDate hiredOn education stage subject school { name } } } }",
            json!({}),
        )
        .await["teachers"]["nodes"][0]
        .clone();
    assert_eq!(
        t,
        json!({ "name": "王强", "gender": "MALE", "birthDate": "1949-12-31", "hiredOn": "1972-09-01",
                "education": "MASTER", "stage": "JUNIOR", "subject": "数学", "school": { "name": "琴江中学" } })
    );
    // County level or above, in force on 2025-12-31: QJ-001 (county) and QJ-002 (city).
    assert_eq!(app.total("asOf: \"2025-12-31\"").await, 2);
    assert_eq!(
        app.total("asOf: \"2026-09-10\"").await,
        1,
        "QJ-001's expired"
    );
    let school = app
        .ok(
            "{ schools { nodes { name stages enrollments { schoolYear stage students } } } }",
            json!({}),
        )
        .await["schools"]["nodes"]
        .clone();
    assert_eq!(
        school[2],
        json!({ "name": "高田学校", "stages": ["PRIMARY", "JUNIOR"], "enrollments": [
            { "schoolYear": 2025, "stage": "JUNIOR", "students": 150 },
            { "schoolYear": 2025, "stage": "PRIMARY", "students": 300 } ] })
    );

    // Again: nothing created, nothing updated.
    let before = app.row_counts().await;
    let again = [
        loaded(&app, "importSchools", "学校.csv", with_bom(SCHOOLS_CSV)).await,
        loaded(&app, "importTeachers", "教师.xlsx", teachers_xlsx()).await,
        loaded(
            &app,
            "importDesignations",
            "称号.csv",
            DESIGNATIONS_CSV.as_bytes().to_vec(),
        )
        .await,
        loaded(
            &app,
            "importEnrollments",
            "在校生.csv",
            ENROLLMENTS_CSV.as_bytes().to_vec(),
        )
        .await,
    ];
    let again: Vec<_> = again.iter().map(counts).collect();
    assert_eq!(
        again,
        vec![(3, 0, 0, 3), (3, 0, 0, 3), (3, 0, 0, 3), (4, 0, 0, 4)]
    );
    let after = app.row_counts().await;
    let grew: Vec<_> = before
        .iter()
        .zip(&after)
        .filter(|(b, a)| b != a)
        .map(|(_, a)| a.clone())
        .collect();
    assert_eq!(
        grew.iter().map(|(t, _)| t.as_str()).collect::<Vec<_>>(),
        vec!["audit_events"],
        "only the four imports' audit events were added"
    );

    // One audit event per import, naming the sheet and what it did.
    let events = app
        .ok(
            "{ auditEvents(first: 8) { nodes { actor operation details } } }",
            json!({}),
        )
        .await["auditEvents"]["nodes"]
        .clone();
    let ops: Vec<&str> = events
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["operation"].as_str().unwrap())
        .collect();
    assert_eq!(ops.iter().filter(|o| **o == "importTeachers").count(), 2);
    let first_teachers = events
        .as_array()
        .unwrap()
        .iter()
        .rev()
        .find(|e| e["operation"] == "importTeachers")
        .unwrap();
    let details: Value = serde_json::from_str(first_teachers["details"].as_str().unwrap()).unwrap();
    assert_eq!(
        details,
        json!({ "kind": "teachers", "fileName": "教师.xlsx", "rows": 3, "created": 3, "updated": 0, "unchanged": 0 })
    );
    assert_eq!(first_teachers["actor"], "admin");
}

/// Mistakes of every sort in one sheet: each listed with its Excel row, its column as the
/// sheet wrote it, its value and the API's words; nothing written.
async fn every_bad_row_is_listed_and_nothing_is_written(app: TestApp) {
    loaded(&app, "importSchools", "学校.csv", with_bom(SCHOOLS_CSV)).await;
    app.create_teacher_in_registry().await;
    let before = app.row_counts().await;
    let sheet = "\
工号,姓名,性别,出生日期,身份证号,学校,学段,学科,学历,入职日期,备注
QJ-101,刘洋,男,1988-02-30,,琴江小学,小学,语文,本科,2010-09-01,
QJ-102,陈静,女,1991-07-07,,琴江小学,初中,数学,本科,2013-09-01,新调入

QJ-103,周磊,男,,,不存在的学校,小学,火星语,本科,,
QJ-102,重复,男,,,琴江小学,小学,语文,本科,,
QJ-104,,女,2015-01-01,,琴江中学,初中,物理,研究生,2020-09-01,
QJ-105,黄丽,女,1980-01-01,11010519491231002X,琴江中学,初中,化学,本科,2001-09-01,
";
    let ext = refused(&app, "importTeachers", "bad.csv", sheet.as_bytes().to_vec()).await;
    assert_eq!(ext["code"], "BAD_USER_INPUT");
    assert_eq!(ext["problemCount"], 9);
    assert_eq!(
        ext["message"],
        "9 problems in the sheet; nothing was written"
    );
    // A row whose cells do not read is listed with those problems; the registry's rules are
    // checked on every row that reads, all of them, not only the first.
    let expected: Vec<(i64, &str, &str)> = vec![
        (2, "出生日期", "1988-02-30 is not a day of the calendar"),
        (3, "学段", "琴江小学 does not teach the JUNIOR stage"),
        (5, "学校", "no school named 不存在的学校 is registered"),
        (5, "学科", "火星语 is not on the subject reference list"),
        (
            6,
            "工号",
            "the same as row 3: a sheet names each record once",
        ),
        (7, "姓名", "must not be empty"),
        (
            7,
            "学历",
            "must be one of 中专, 大专, 本科, 硕士, 博士 (or SECONDARY, ASSOCIATE, BACHELOR, MASTER, DOCTORATE)",
        ),
        (
            8,
            "身份证号",
            "the ID number is already registered to staff number QJ-900",
        ),
        (
            8,
            "身份证号",
            "carries birth date 1949-12-31, not 1980-01-01",
        ),
    ];
    let got = problems(&ext);
    let got: Vec<(i64, &str, &str)> = got
        .iter()
        .map(|(r, c, why)| (*r, c.as_str(), why.as_str()))
        .collect();
    assert_eq!(got, expected);
    assert_eq!(ext["problems"][2]["value"], "不存在的学校");
    assert_eq!(ext["problems"][0]["value"], "1988-02-30");
    assert_eq!(app.row_counts().await, before, "nothing written");

    // A sheet without a required column is refused before any row is read.
    let ext = refused(
        &app,
        "importTeachers",
        "short.csv",
        "工号,姓名\nQJ-1,李敏\n".as_bytes().to_vec(),
    )
    .await;
    assert_eq!(ext["code"], "BAD_USER_INPUT");
    assert_eq!(ext["field"], "file");
    assert_eq!(
        ext["message"],
        "file: missing required columns: 性别 (gender), 学校 (school), 学段 (stage), 学科 (subject), 学历 (education)"
    );
    assert_eq!(app.row_counts().await, before);
}

/// The same staff number with new values updates the teacher; an empty optional cell leaves
/// the registered value; a dry run reports the same and writes nothing.
async fn an_updated_sheet_updates_by_staff_number_and_a_dry_run_writes_nothing(app: TestApp) {
    loaded(&app, "importSchools", "学校.csv", with_bom(SCHOOLS_CSV)).await;
    loaded(&app, "importTeachers", "教师.xlsx", teachers_xlsx()).await;
    let updated = "\
工号,姓名,性别,出生日期,身份证号,学校,学段,学科,学历,入职日期
QJ-001,李敏,女,,,琴江小学,小学,语文,硕士,
QJ-002,王强,男,,,琴江中学,初中,数学,硕士,1972-09-01
GT-009,新老师,男,1995-01-01,,高田学校,小学,体育与健康,本科,2018-09-01
";
    let before = app.row_counts().await;
    let resp = upload(
        &app,
        Some(&app.admin),
        "importTeachers",
        "教师.csv",
        updated.as_bytes().to_vec(),
        true,
    )
    .await;
    let dry = resp["data"]["importTeachers"].clone();
    assert_eq!(counts(&dry), (3, 1, 1, 1));
    assert_eq!(dry["dryRun"], true);
    assert_eq!(app.row_counts().await, before, "a dry run writes nothing");

    let real = loaded(
        &app,
        "importTeachers",
        "教师.csv",
        updated.as_bytes().to_vec(),
    )
    .await;
    assert_eq!(counts(&real), (3, 1, 1, 1));
    assert_eq!(real["dryRun"], false);
    let t = app
        .ok(
            "{ teachers(filter: { staffNo: \"QJ-001\" }) { totalCount nodes { education birthDate hiredOn } } }",
            json!({}),
        )
        .await["teachers"]
        .clone();
    assert_eq!(
        t,
        json!({ "totalCount": 1, "nodes": [{ "education": "MASTER", "birthDate": "1985-03-15", "hiredOn": "2008-09-01" }] })
    );
    let all = app.ok("{ teachers { totalCount } }", json!({})).await;
    assert_eq!(all["teachers"]["totalCount"], 4);
}

/// What Excel in China saves as CSV: GB18030, here with the API's field names as headers in
/// another order, enum codes instead of Chinese, and a column the import does not know.
async fn gb18030_csv_with_english_headers_and_codes_loads_the_same(app: TestApp) {
    loaded(&app, "importSchools", "学校.csv", with_bom(SCHOOLS_CSV)).await;
    let text = "\
name,staffNo,school,stage,subject,education,gender,hiredOn,note
李敏,QJ-001,琴江小学,PRIMARY,语文,BACHELOR,FEMALE,2008/9/1,班主任
赖芳,GT-001,高田学校,junior,英语,associate,女,,
";
    let (gb, _, unmappable) = encoding_rs::GB18030.encode(text);
    assert!(!unmappable && std::str::from_utf8(&gb).is_err());
    let report = loaded(&app, "importTeachers", "教师.csv", gb.into_owned()).await;
    assert_eq!(counts(&report), (2, 2, 0, 0));
    assert_eq!(report["unknownColumns"], json!(["note"]));
    let t = app
        .ok(
            "{ teachers { nodes { staffNo name gender stage education hiredOn school { name } } } }",
            json!({}),
        )
        .await["teachers"]["nodes"]
        .clone();
    assert_eq!(
        t,
        json!([
            { "staffNo": "QJ-001", "name": "李敏", "gender": "FEMALE", "stage": "PRIMARY",
              "education": "BACHELOR", "hiredOn": "2008-09-01", "school": { "name": "琴江小学" } },
            { "staffNo": "GT-001", "name": "赖芳", "gender": "FEMALE", "stage": "JUNIOR",
              "education": "ASSOCIATE", "hiredOn": null, "school": { "name": "高田学校" } }
        ])
    );
}

/// The rules of the mutations hold for sheets: a stage still taught by teachers cannot be
/// taken from a school, a departed teacher gets no new designation, a certificate number is
/// recorded once, an enrollment needs a stage the school teaches.
async fn the_import_keeps_the_registrys_rules_across_sheets(app: TestApp) {
    loaded(&app, "importSchools", "学校.csv", with_bom(SCHOOLS_CSV)).await;
    loaded(&app, "importTeachers", "教师.xlsx", teachers_xlsx()).await;
    loaded(
        &app,
        "importDesignations",
        "称号.csv",
        DESIGNATIONS_CSV.as_bytes().to_vec(),
    )
    .await;
    let id = app
        .ok(
            "{ teachers(filter: { staffNo: \"GT-001\" }) { nodes { id } } }",
            json!({}),
        )
        .await["teachers"]["nodes"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    app.depart(&id, "2025-07-01").await;
    let before = app.row_counts().await;

    let schools = "学校,乡镇,城区/农村,学段\n高田学校,高田镇,农村,小学\n";
    let ext = refused(&app, "importSchools", "s.csv", schools.as_bytes().to_vec()).await;
    assert_eq!(
        problems(&ext),
        vec![(
            2,
            "学段".to_owned(),
            "高田学校 has 1 teachers registered at the JUNIOR stage, which it would no longer teach"
                .to_owned()
        )]
    );
    let designations = "\
工号,称号,级别,认定日期,有效期至,证书编号
GT-001,骨干教师,县级,2025-09-01,,
QJ-002,骨干教师,县级,2024-01-01,2023-12-31,SC-2023-001
QJ-404,名师,县级,2024-01-01,,
";
    let ext = refused(
        &app,
        "importDesignations",
        "d.csv",
        designations.as_bytes().to_vec(),
    )
    .await;
    assert_eq!(
        problems(&ext),
        vec![
            (
                2,
                "认定日期".to_owned(),
                "赖芳 left on 2025-07-01 and cannot be awarded a designation after that".to_owned()
            ),
            (
                3,
                "证书编号".to_owned(),
                "certificate number SC-2023-001 is already recorded".to_owned()
            ),
            (
                3,
                "有效期至".to_owned(),
                "must not be before awardedOn".to_owned()
            ),
            (
                4,
                "工号".to_owned(),
                "no teacher has staff number QJ-404".to_owned()
            ),
        ]
    );
    let enrollments = "学校,学年,学段,在校生数\n琴江小学,2025,初中,10\n琴江中学,1999,初中,-5\n";
    let ext = refused(
        &app,
        "importEnrollments",
        "e.csv",
        enrollments.as_bytes().to_vec(),
    )
    .await;
    assert_eq!(
        problems(&ext),
        vec![
            (
                2,
                "学段".to_owned(),
                "琴江小学 does not teach the JUNIOR stage".to_owned()
            ),
            (
                3,
                "学年".to_owned(),
                "must be a year between 2000 and 2100".to_owned()
            ),
            (3, "在校生数".to_owned(), "must not be negative".to_owned()),
        ]
    );
    assert_eq!(app.row_counts().await, before);
}

/// Only HR and ADMIN import; a token is needed; an upload has its own size limit, and a
/// JSON request cannot carry a file.
async fn who_may_import_and_what_the_upload_may_be(app: TestApp) {
    let leader = app.create_user("leader.li", "LEADER", None).await;
    let hr = app.create_user("hr.wu", "HR", None).await;
    let bytes = with_bom(SCHOOLS_CSV);
    let resp = upload(
        &app,
        Some(&leader),
        "importSchools",
        "s.csv",
        bytes.clone(),
        false,
    )
    .await;
    assert_eq!(resp["errors"][0]["extensions"]["code"], "FORBIDDEN");
    let resp = upload(&app, None, "importSchools", "s.csv", bytes.clone(), false).await;
    assert_eq!(resp["errors"][0]["extensions"]["code"], "UNAUTHENTICATED");
    let resp = upload(
        &app,
        Some(&hr),
        "importSchools",
        "s.csv",
        bytes.clone(),
        false,
    )
    .await;
    assert_eq!(counts(&resp["data"]["importSchools"]), (3, 3, 0, 0));

    // A JSON request has no file to give.
    let ext = app
        .err(
            "mutation { importSchools(file: \"x\") { rows } }",
            json!({}),
        )
        .await;
    assert_eq!(ext["code"], "BAD_USER_INPUT");

    // A server whose uploads may be 1 KiB: a larger sheet is refused before it is read,
    // while an ordinary request of that size still passes.
    let settings = teacher_registry::config::Settings {
        max_upload_bytes: 1024,
        ..Default::default()
    };
    let base = app.server_with(settings).await;
    let big = "学校,乡镇,城区/农村,学段\n".to_owned() + &"某校,某镇,城区,小学\n".repeat(100);
    let resp = app
        .upload_at(
            &base,
            Some(&app.admin),
            "mutation($file: Upload!) { importSchools(file: $file) { rows } }",
            &json!({}),
            ("big.csv", big.into_bytes()),
        )
        .await;
    assert_eq!(resp.status(), 413);
    let body: Value = resp.json().await.unwrap();
    assert_eq!(body["errors"][0]["extensions"]["limit"], "max-upload-bytes");
    let padding = "x".repeat(1500);
    let ok = app
        .gql_at(
            &base,
            Some(&app.admin),
            &format!("{{ me {{ username }} }} # {padding}"),
            json!({}),
        )
        .await;
    assert_eq!(ok["data"]["me"]["username"], "admin");
}

/// A workbook whose used range is every cell Excel has (a header in A1, a stray cell in
/// XFD1048576) would have calamine allocate 17 billion cells; a file named .xlsx that is no
/// workbook. Both get an answer, and the server goes on.
async fn a_hostile_workbook_is_answered_and_the_server_keeps_serving(app: TestApp) {
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    for (c, h) in ["学校", "乡镇", "城区/农村", "学段"].iter().enumerate() {
        sheet.write_string(0, c as u16, *h).unwrap();
    }
    sheet.write_string(1_048_575, 16_383, "x").unwrap();
    let report = loaded(
        &app,
        "importSchools",
        "corner.xlsx",
        workbook.save_to_buffer().unwrap(),
    )
    .await;
    assert_eq!(counts(&report), (0, 0, 0, 0));
    let ext = refused(&app, "importSchools", "fake.xlsx", b"not a zip".to_vec()).await;
    assert_eq!(ext["code"], "BAD_USER_INPUT");
    assert_eq!(
        ext["message"],
        "file: the file cannot be read: the file is not an xlsx workbook"
    );
    let me = app.ok("{ me { username } }", json!({})).await;
    assert_eq!(me["me"]["username"], "admin");
}

impl TestApp {
    /// A teacher registered through the API whose ID number a sheet will try to reuse.
    async fn create_teacher_in_registry(&self) {
        let school = self
            .ok("{ schools { nodes { id name } } }", json!({}))
            .await["schools"]["nodes"][1]["id"]
            .as_str()
            .unwrap()
            .to_owned();
        self.create_teacher(
            &school,
            "QJ-900",
            json!({ "stage": "JUNIOR", "idNumber": "11010519491231002X" }),
        )
        .await;
    }
}
