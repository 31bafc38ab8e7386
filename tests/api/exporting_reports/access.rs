//! Who may export what: the teachers list follows the `Teacher` type's rules for personal
//! data, and a refusal carries the contract's code with its HTTP status.

use serde_json::{Value, json};

use super::{DAY, county, csv_rows, get, xlsx_rows};
use crate::helpers::TestApp;

on_both_databases!(
    the_teachers_export_shows_top_designations_and_hides_birth_dates_from_leaders,
    exports_are_refused_as_their_queries_are,
);

const TEACHER_HEADER: [&str; 14] = [
    "工号",
    "姓名",
    "性别",
    "出生日期",
    "学校",
    "乡镇",
    "学段",
    "学科",
    "学历",
    "入职日期",
    "最高称号",
    "称号级别",
    "认定日期",
    "有效期至",
];

async fn the_teachers_export_shows_top_designations_and_hides_birth_dates_from_leaders(
    app: TestApp,
) {
    let c = county(&app).await;
    let got = get(
        &app,
        Some(&c.hr),
        &format!("/export/teachers.csv?asOf={DAY}"),
    )
    .await;
    assert_eq!(
        got.disposition,
        "attachment; filename=\"teachers-2025-12-31.csv\""
    );
    let rows = csv_rows(&got.body);
    assert_eq!(rows[0], TEACHER_HEADER, "no ID numbers in a report");
    let staff: Vec<&str> = rows[1..].iter().map(|r| r[0].as_str()).collect();
    assert_eq!(
        staff,
        ["EX-1", "EX-2", "EX-3", "EX-4"],
        "the departed teacher is not listed"
    );
    assert_eq!(
        rows[1][..9],
        [
            "EX-1",
            "李明",
            "男",
            "1985-03-15",
            "东城中小学",
            "琴江镇",
            "小学",
            "语文",
            "本科"
        ]
    );
    assert_eq!(
        rows[2][10..13],
        ["学科带头人", "市级", "2024-09-10"],
        "the top designation"
    );
    assert_eq!(rows[3][10..12], ["骨干教师", "校级"]);
    // A leader reads teachers, but not their birth dates (as `Teacher.birthDate`).
    let got = get(
        &app,
        Some(&c.leader),
        &format!("/export/teachers.xlsx?asOf={DAY}&schoolId={}", c.dongcheng),
    )
    .await;
    let rows = xlsx_rows(&got.body);
    assert_eq!(rows[0], TEACHER_HEADER);
    assert_eq!(rows.len(), 4, "three teachers of 东城中小学");
    assert_eq!((rows[1][1].as_str(), rows[1][3].as_str()), ("李明", ""));
    let shown = app
        .ok_as(
            &c.leader,
            "query($id: UUID!) { teacher(id: $id) { birthDate } }",
            json!({ "id": c.li }),
        )
        .await;
    assert_eq!(shown["teacher"]["birthDate"], Value::Null);
}

async fn exports_are_refused_as_their_queries_are(app: TestApp) {
    let c = county(&app).await;
    let balance = "/export/balance.xlsx?schoolYear=2025";
    for token in [None, Some("trg_not-a-token")] {
        assert_eq!(
            get(&app, token, balance).await.code(),
            (401, "UNAUTHENTICATED".into())
        );
    }
    let host = app
        .create_user("host.export", "STUDIO_HOST", Some(&c.li))
        .await;
    assert_eq!(
        get(&app, Some(&host), balance).await.code(),
        (403, "FORBIDDEN".into())
    );
    let asked = app
        .err_as(
            Some(&host),
            "{ balancedDevelopment(schoolYear: 2025) { schoolYear } }",
            json!({}),
        )
        .await;
    assert_eq!(asked["code"], "FORBIDDEN", "the query refuses the host too");
    // A studio host may read counts, as `keyTeacherCounts` allows.
    assert_eq!(
        get(&app, Some(&host), "/export/counts.csv").await.status,
        200
    );
    for (path, field) in [
        ("/export/counts.xlsx?asOf=2025-13-01", "asOf"),
        ("/export/counts.xlsx?groupBy=TOWNSHIP,COLOUR", "groupBy"),
        ("/export/counts.csv?minLevel=PREFECTURE", "minLevel"),
        ("/export/balance.csv", "schoolYear"),
        ("/export/teachers.csv?stage=高中", "stage"),
        ("/export/counts.csv?groupby=LEVEL", "query"),
    ] {
        let got = get(&app, Some(&c.hr), path).await;
        assert_eq!(got.code(), (400, "BAD_USER_INPUT".into()), "{path}");
        assert_eq!(
            got.json()["errors"][0]["extensions"]["field"],
            field,
            "{path}"
        );
    }
    for path in [
        "/export/users.xlsx",
        "/export/counts.pdf",
        "/templates/users.xlsx",
    ] {
        assert_eq!(
            get(&app, Some(&c.hr), path).await.code(),
            (404, "NOT_FOUND".into()),
            "{path}"
        );
    }
}
