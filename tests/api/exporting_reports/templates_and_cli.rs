//! HR download the import's templates without a token, and the import's reader accepts them;
//! an operator exports from the command line.

use teacher_registry::domain::Stage;
use teacher_registry::sheet::{
    self, DesignationRow, EnrollmentRow, SchoolRow, SheetRow, TeacherRow, TrainingRow,
};

use super::{DAY, XLSX, csv_rows, get, xlsx_rows};
use crate::helpers::{TestApp, run};

/// Opens a template with the import's reader: the header is the kind's labels, the example row
/// reads without a problem.
fn reads_back<T: SheetRow>(file: &str, bytes: &[u8]) {
    let read = sheet::read::<T>(file, bytes).unwrap_or_else(|e| panic!("{file}: {e}"));
    assert!(read.unknown_columns().is_empty(), "{file}");
    let rows: Vec<_> = read.collect();
    assert_eq!(rows.len(), 1, "{file}: one example row");
    if let Err(problems) = &rows[0] {
        panic!("{file}: {problems:?}");
    }
}

#[tokio::test]
async fn templates_need_no_token_and_the_import_reads_them() {
    let app = TestApp::sqlite().await;
    for kind in [
        "schools",
        "teachers",
        "designations",
        "enrollments",
        "training-records",
    ] {
        for ext in ["xlsx", "csv"] {
            let got = get(&app, None, &format!("/templates/{kind}.{ext}")).await;
            assert_eq!(got.status, 200, "{kind}.{ext}");
            assert!(got.disposition.starts_with(&format!(
                "attachment; filename=\"{kind}-template.{ext}\"; filename*=UTF-8''"
            )));
            let file = format!("{kind}.{ext}");
            match kind {
                "schools" => reads_back::<SchoolRow>(&file, &got.body),
                "teachers" => reads_back::<TeacherRow>(&file, &got.body),
                "designations" => reads_back::<DesignationRow>(&file, &got.body),
                "training-records" => reads_back::<TrainingRow>(&file, &got.body),
                _ => reads_back::<EnrollmentRow>(&file, &got.body),
            }
        }
    }
    let got = get(&app, None, "/templates/teachers.xlsx").await;
    assert_eq!(got.content_type, XLSX);
    let rows = xlsx_rows(&got.body);
    let labels: Vec<&str> = TeacherRow::COLUMNS.iter().map(|c| c.label).collect();
    assert_eq!(rows[0], labels);
    assert_eq!(rows[1][..4], ["DC-001", "李明", "男", "1985-03-15"]);
    assert_eq!(rows[1][6], Stage::Primary.label());
}

#[tokio::test]
async fn the_export_command_writes_the_counts_the_service_gives() {
    use teacher_registry::service::{auth::system_actor, counts};
    let dir = std::env::temp_dir().join(format!("registry-export-{}", uuid::Uuid::now_v7()));
    std::fs::create_dir_all(&dir).unwrap();
    let db_arg = dir.join("r.db").display().to_string();
    let out = run(&["demo", "--teachers", "100", "--database-url", &db_arg]);
    assert!(out.status.success(), "{}", out.stderr);
    let file = dir.join("levels.csv").display().to_string();
    let args = [
        "export",
        "counts",
        "--format",
        "csv",
        "--group-by",
        "LEVEL",
        "--as-of",
        DAY,
    ];
    let out = run(&[&args[..], &["--out", &file, "--database-url", &db_arg]].concat());
    assert!(out.status.success(), "{}", out.stderr);
    let rows = csv_rows(&std::fs::read(&file).unwrap());
    let db = teacher_registry::store::Db::open(&teacher_registry::store::DbConfig::new(&db_arg))
        .await
        .unwrap();
    let params = teacher_registry::report::ExportParams {
        group_by: Some("LEVEL".into()),
        as_of: Some(DAY.into()),
        ..Default::default()
    };
    let by_level =
        counts::key_teacher_counts(&db, &system_actor(), params.count_request().unwrap())
            .await
            .unwrap();
    let want: Vec<Vec<String>> = by_level
        .iter()
        .map(|r| {
            vec![
                r.level.unwrap().label().to_owned(),
                r.count.to_string(),
                DAY.to_owned(),
            ]
        })
        .collect();
    assert!(!want.is_empty(), "the demo county has key teachers");
    assert_eq!(rows[0], ["级别", "人数", "统计日期"]);
    assert_eq!(rows[1..], want);
    // The balance report needs its school year: one line, exit 1.
    let out = run(&[
        "export",
        "balance",
        "--format",
        "xlsx",
        "--database-url",
        &db_arg,
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        out.stderr
            .trim()
            .lines()
            .last()
            .unwrap_or_default()
            .contains("schoolYear"),
        "{}",
        out.stderr
    );
    std::fs::remove_dir_all(&dir).ok();
}
