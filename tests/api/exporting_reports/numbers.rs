//! The counts, balance and progress files hold exactly what `keyTeacherCounts`,
//! `balancedDevelopment` and `progress` answer for the same data, and the exact numbers.

use serde_json::json;
use teacher_registry::domain::Level;

use super::{DAY, XLSX, county, csv_rows, get, xlsx_rows};
use crate::helpers::TestApp;

on_both_databases!(
    the_counts_export_holds_what_key_teacher_counts_answers,
    the_balance_export_lays_out_the_inspection_form,
    the_progress_export_lists_every_target,
);

async fn the_counts_export_holds_what_key_teacher_counts_answers(app: TestApp) {
    let c = county(&app).await;
    let got = get(
        &app,
        Some(&c.hr),
        &format!("/export/counts.xlsx?groupBy=TOWNSHIP,LEVEL&asOf={DAY}"),
    )
    .await;
    assert_eq!((got.status, got.content_type.as_str()), (200, XLSX));
    assert_eq!(
        got.disposition,
        "attachment; filename=\"key-teacher-counts-2025-12-31.xlsx\""
    );
    let rows = xlsx_rows(&got.body);
    assert_eq!(rows[0], ["乡镇", "级别", "人数", "统计日期"]);
    let exported: Vec<(String, String, String)> = rows[1..]
        .iter()
        .map(|r| (r[0].clone(), r[1].clone(), r[2].clone()))
        .collect();
    let asked = app
        .counts(
            &format!("asOf: \"{DAY}\", groupBy: [TOWNSHIP, LEVEL]"),
            "township level",
        )
        .await;
    let answered: Vec<(String, String, String)> = asked
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            let level = Level::from_code(r["level"].as_str().unwrap())
                .unwrap()
                .label();
            (
                r["township"].as_str().unwrap().to_owned(),
                level.to_owned(),
                r["count"].to_string(),
            )
        })
        .collect();
    assert_eq!(exported, answered);
    let s = |a: &str, b: &str, n: &str| (a.to_owned(), b.to_owned(), n.to_owned());
    assert_eq!(
        exported,
        [
            s("横江镇", "县级", "1"),
            s("琴江镇", "县级", "1"),
            s("琴江镇", "市级", "1")
        ]
    );
    assert!(
        rows[1..].iter().all(|r| r[3] == DAY),
        "the day is a date cell: {rows:?}"
    );

    // The same as CSV, and the total without grouping.
    let got = get(
        &app,
        Some(&c.hr),
        &format!("/export/counts.csv?groupBy=township,level&asOf={DAY}"),
    )
    .await;
    assert_eq!(
        (got.status, got.content_type.as_str()),
        (200, "text/csv; charset=utf-8")
    );
    let csv = csv_rows(&got.body);
    assert_eq!(csv[0], ["乡镇", "级别", "人数", "统计日期"]);
    assert_eq!(csv[1..].len(), 3);
    assert_eq!(csv[3], ["琴江镇", "市级", "1", DAY]);
    let got = get(&app, Some(&c.hr), &format!("/export/counts.csv?asOf={DAY}")).await;
    let total = app.total(&format!("asOf: \"{DAY}\"")).await;
    assert_eq!(
        csv_rows(&got.body),
        [vec!["人数", "统计日期"], vec![&total.to_string(), DAY]]
    );
    assert_eq!(total, 3);
}

const BALANCE: &str = "query($d: Date) { balancedDevelopment(schoolYear: 2025, asOf: $d) { stages { stage
    indicators { countyValue threshold gapCoefficient gapLimit passes unitsBelowThreshold }
    units { school { name } students keyTeachers keyTeachersPer100 higherEducation higherEducationPer100 peArts peArtsPer100 } } } }";

fn number(text: &str) -> f64 {
    text.parse()
        .unwrap_or_else(|_| panic!("a number, not {text:?}"))
}

async fn the_balance_export_lays_out_the_inspection_form(app: TestApp) {
    let c = county(&app).await;
    let got = get(
        &app,
        Some(&c.leader),
        &format!("/export/balance.xlsx?schoolYear=2025&asOf={DAY}"),
    )
    .await;
    assert_eq!(got.status, 200, "{}", String::from_utf8_lossy(&got.body));
    assert_eq!(
        got.disposition,
        "attachment; filename=\"balanced-development-2025-2025-12-31.xlsx\""
    );
    let rows = xlsx_rows(&got.body);
    assert_eq!(rows[0][..3], ["学段", "学校", "在校生数"]);
    assert_eq!(
        rows.len(),
        1 + 2 + 6,
        "two schools, then six summary rows: {rows:?}"
    );
    // Per school: students, then counted and per-100 value for each of the three indicators.
    assert_eq!(
        rows[1],
        [
            "小学",
            "东城中小学",
            "200",
            "2",
            "1",
            "3",
            "1.5",
            "1",
            "0.5"
        ]
    );
    assert_eq!(
        rows[2],
        ["小学", "横江小学", "100", "1", "1", "1", "1", "0", "0"]
    );
    let labels: Vec<&str> = rows[3..].iter().map(|r| r[1].as_str()).collect();
    assert_eq!(
        labels,
        [
            "县域值（合计）",
            "标准值",
            "差异系数",
            "差异系数上限",
            "差异系数达标",
            "低于标准值的学校数"
        ]
    );
    assert_eq!(rows[3][2..5], ["300", "3", "1"]);
    let cv_higher = (1.0f64 / 18.0).sqrt() * 0.75;
    assert!(
        (number(&rows[5][6]) - cv_higher).abs() < 1e-12,
        "{:?}",
        rows[5]
    );
    assert_eq!(
        (
            rows[7][4].as_str(),
            rows[7][6].as_str(),
            rows[7][8].as_str()
        ),
        ("是", "是", "否")
    );
    assert_same_as_the_query(&app, &c.leader, &rows).await;
}

/// Every number of the balance file is the one `balancedDevelopment` answers.
async fn assert_same_as_the_query(app: &TestApp, token: &str, rows: &[Vec<String>]) {
    let r = app.ok_as(token, BALANCE, json!({ "d": DAY })).await["balancedDevelopment"].clone();
    let stage = &r["stages"][0];
    assert_eq!(stage["stage"], "PRIMARY");
    for (unit, row) in stage["units"].as_array().unwrap().iter().zip(&rows[1..3]) {
        assert_eq!(unit["school"]["name"].as_str().unwrap(), row[1]);
        let fields = [
            "students",
            "keyTeachers",
            "keyTeachersPer100",
            "higherEducation",
            "higherEducationPer100",
            "peArts",
            "peArtsPer100",
        ];
        for (field, exported) in fields.iter().zip(&row[2..]) {
            assert_eq!(unit[field].as_f64().unwrap(), number(exported), "{field}");
        }
    }
    let summary = |label: &str| rows.iter().find(|r| r[1] == label).unwrap().clone();
    for (i, ind) in stage["indicators"].as_array().unwrap().iter().enumerate() {
        let col = 4 + 2 * i;
        assert_eq!(
            ind["countyValue"].as_f64().unwrap(),
            number(&summary("县域值（合计）")[col])
        );
        assert_eq!(
            ind["gapCoefficient"].as_f64().unwrap(),
            number(&summary("差异系数")[col])
        );
        assert_eq!(
            ind["threshold"].as_f64().unwrap(),
            number(&summary("标准值")[col])
        );
        assert_eq!(
            ind["unitsBelowThreshold"].as_f64().unwrap(),
            number(&summary("低于标准值的学校数")[col])
        );
    }
}

async fn the_progress_export_lists_every_target(app: TestApp) {
    let c = county(&app).await;
    let got = get(
        &app,
        Some(&c.leader),
        &format!("/export/progress.xlsx?asOf={DAY}"),
    )
    .await;
    assert_eq!(got.status, 200);
    let rows = xlsx_rows(&got.body);
    assert_eq!(
        rows[0][..5],
        ["目标代码", "目标", "统计内容", "当前值", "目标值"]
    );
    let asked = app
        .ok_as(
            &c.leader,
            "query($d: Date) { progress(asOf: $d) { target { code } current goal status } }",
            json!({ "d": DAY }),
        )
        .await;
    let answered: Vec<Vec<String>> = asked["progress"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            vec![
                p["target"]["code"].as_str().unwrap().to_owned(),
                p["current"].to_string(),
                p["goal"].to_string(),
            ]
        })
        .collect();
    let exported: Vec<Vec<String>> = rows[1..]
        .iter()
        .map(|r| vec![r[0].clone(), r[3].clone(), r[4].clone()])
        .collect();
    assert_eq!(exported, answered);
    let key = rows
        .iter()
        .find(|r| r[0] == "KEY_TEACHERS_2025")
        .expect("the key-teacher target");
    assert_eq!(
        (key[3].as_str(), key[4].as_str(), key[9].as_str()),
        ("3", "450", "有风险")
    );
    let key_status = asked["progress"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["target"]["code"] == "KEY_TEACHERS_2025")
        .map(|p| p["status"].clone());
    assert_eq!(
        key_status,
        Some(json!("AT_RISK")),
        "on its deadline, short of it"
    );
}
