//! Real files built in the tests: CSV in three encodings, header languages in shuffled order,
//! an xlsx workbook written with rust_xlsxwriter, and sheets full of mistakes.

use chrono::NaiveDate;
use rust_xlsxwriter::{ExcelDateTime, Format as XlsxFormat, Workbook};

use super::*;
use crate::domain::{Education, Gender, Level, Stage};

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

/// Reads every row, splitting good rows from problems.
fn all<T: SheetRow>(name: &str, bytes: &[u8]) -> (Vec<Numbered<T>>, Vec<Problem>) {
    let mut good = Vec::new();
    let mut problems = Vec::new();
    for row in read::<T>(name, bytes).unwrap() {
        match row {
            Ok(row) => good.push(row),
            Err(mut p) => problems.append(&mut p),
        }
    }
    (good, problems)
}

const TEACHERS_CSV: &str = "\
工号,姓名,性别,出生日期,身份证号,学校,学段,学科,学历,入职日期
T001,李明,男,1985-03-15,360730198503150129,石城一小,小学,语文,本科,2008/9/1
T002,王芳,女,1990年1月2日,,石城中学,初中,数学,硕士,
";

fn check_teachers(rows: &[Numbered<TeacherRow>]) {
    assert_eq!(rows.len(), 2);
    let first = &rows[0];
    assert_eq!(first.row, 2);
    assert_eq!(first.value.staff_no.clone().into_string(), "T001");
    assert_eq!(first.value.gender, Gender::Male);
    assert_eq!(first.value.birth_date, Some(day(1985, 3, 15)));
    assert_eq!(first.value.school.as_str(), "石城一小");
    assert_eq!(first.value.hired_on, Some(day(2008, 9, 1)));
    let second = &rows[1];
    assert_eq!(second.row, 3);
    assert_eq!(second.value.name.clone().into_string(), "王芳");
    assert_eq!(second.value.birth_date, Some(day(1990, 1, 2)));
    assert_eq!(second.value.id_number, None);
    assert_eq!(second.value.stage, Stage::Junior);
    assert_eq!(second.value.education, Education::Master);
    assert_eq!(second.value.hired_on, None);
}

#[test]
fn csv_in_utf8_with_and_without_bom_and_in_gb18030() {
    let plain = TEACHERS_CSV.as_bytes().to_vec();
    let bom = [b"\xEF\xBB\xBF".as_slice(), TEACHERS_CSV.as_bytes()].concat();
    let (gb, _, unmappable) = encoding_rs::GB18030.encode(TEACHERS_CSV);
    assert!(!unmappable);
    assert!(
        std::str::from_utf8(&gb).is_err(),
        "the GB18030 file is not UTF-8 by chance"
    );
    for bytes in [plain, bom, gb.into_owned()] {
        let (rows, problems) = all::<TeacherRow>("教师.csv", &bytes);
        assert_eq!(problems, vec![]);
        check_teachers(&rows);
    }
}

#[test]
fn headers_in_either_language_in_any_order() {
    let csv = "\
入职日期, education ,subject,学段,school,idNumber,性别,birthDate,name,工号
2008/9/1,本科,语文,PRIMARY,石城一小,360730198503150129,MALE,1985-03-15,李明,T001
,MASTER,数学,初中,石城中学,,女,1990年1月2日,王芳,T002
";
    let sheet = read::<TeacherRow>("teachers.CSV", csv.as_bytes()).unwrap();
    assert_eq!(sheet.format, Format::Csv);
    assert!(sheet.unknown_columns().is_empty());
    let rows: Vec<_> = sheet.map(Result::unwrap).collect();
    check_teachers(&rows);
}

#[test]
fn unknown_columns_are_listed_and_their_cells_ignored() {
    let csv = "学校,乡镇,城区/农村,学段,校长,备注\n石城一小,琴江镇,城区,小学;初中,张三,x\n";
    let sheet = read::<SchoolRow>("schools.csv", csv.as_bytes()).unwrap();
    assert_eq!(sheet.unknown_columns(), ["校长", "备注"]);
    let rows: Vec<_> = sheet.map(Result::unwrap).collect();
    assert_eq!(rows[0].value.stages, vec![Stage::Primary, Stage::Junior]);
}

#[test]
fn missing_required_columns_are_refused_before_any_row() {
    // The only data row is bad too: the refusal comes from the header alone.
    let csv = "工号,姓名,学段,入职日期\n,,,\nT001,李明,高中,x\n";
    let Err(refusal) = read::<TeacherRow>("t.csv", csv.as_bytes()) else {
        panic!("a sheet without required columns was accepted");
    };
    assert_eq!(
        refusal,
        SheetError::MissingColumns(vec![
            "性别 (gender)".into(),
            "学校 (school)".into(),
            "学科 (subject)".into(),
            "学历 (education)".into(),
        ])
    );
    // Optional columns may be left out altogether.
    let csv = "学校,学年,学段,在校生数\n石城一小,2024-2025,小学,420\n";
    let rows: Vec<_> = read::<EnrollmentRow>("e.csv", csv.as_bytes())
        .unwrap()
        .collect();
    assert_eq!(rows.len(), 1);
    let twice = read::<SchoolRow>("s.csv", "学校,name,乡镇,城区/农村,学段\n".as_bytes());
    assert!(matches!(twice, Err(SheetError::DuplicateColumns(c)) if c == ["name"]));
}

#[test]
fn every_problem_is_reported_with_excel_row_and_column() {
    // Row 3 is blank (skipped but counted, as Excel shows it); row 5 has a line break in a
    // quoted cell, so row 6 starts two lines later in the file.
    let csv = "\
工号,称号,级别,学科,批次,认定日期,有效期至,证书编号
T001,骨干教师,县级,语文,2024年县级骨干教师评选,2024-09-10,2027-09-09,XJ-001

T 002,骨干,县级,,,2024-02-30,,
T003,名师,MUNICIPAL,数学,,2023/9/1,,SJ-9
T004,学科带头人,省级,\"数\n学\",,2023年9月1日,,
T005,名师,,,,,someday,
";
    // Excel on Windows ends lines with CRLF; the rows must number the same.
    let crlf = csv.replace('\n', "\r\n").replace("数\r\n学", "数\n学");
    let (_, crlf_problems) = all::<DesignationRow>("d.csv", crlf.as_bytes());
    let (rows, problems) = all::<DesignationRow>("d.csv", csv.as_bytes());
    assert_eq!(crlf_problems, problems);
    assert_eq!(rows.iter().map(|r| r.row).collect::<Vec<_>>(), [2, 5]);
    assert_eq!(rows[1].value.level, Level::Municipal);
    let found: Vec<(u32, &str, &str)> = problems
        .iter()
        .map(|p| (p.row, p.column.as_str(), p.value.as_str()))
        .collect();
    assert_eq!(
        found,
        [
            (4, "工号", "T 002"),
            (4, "称号", "骨干"),
            (4, "认定日期", "2024-02-30"),
            (6, "学科", "数\n学"),
            (7, "级别", ""),
            (7, "认定日期", ""),
            (7, "有效期至", "someday"),
        ]
    );
    assert_eq!(
        problems[0].reason,
        "may hold only letters, digits, '-' and '_'"
    );
    assert_eq!(
        problems[1].reason,
        "must be one of 骨干教师, 学科带头人, 名师 (or KEY_TEACHER, SUBJECT_LEADER, MASTER_TEACHER)"
    );
    assert_eq!(problems[4].reason, "must not be empty");
    assert_eq!(
        problems[3].reason,
        "must not contain control characters (found U+000A)"
    );
}

#[test]
fn bad_id_numbers_are_refused_in_the_apis_words() {
    let csv = "工号,姓名,性别,身份证号,学校,学段,学科,学历\nT1,李明,男,110105194912310021,一小,小学,语文,本科\n";
    let (_, problems) = all::<TeacherRow>("t.csv", csv.as_bytes());
    assert_eq!(problems.len(), 1);
    assert_eq!(problems[0].column, "身份证号");
    assert_eq!(
        problems[0].reason,
        "the check character does not match (GB 11643)"
    );
}

/// A teachers workbook: English headers, Excel date cells, a text date, a numeric staff
/// number, an empty row, and a bad row.
fn teachers_workbook() -> Vec<u8> {
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    let date = XlsxFormat::new().set_num_format("yyyy-mm-dd");
    let header = [
        "staffNo",
        "name",
        "gender",
        "birthDate",
        "school",
        "stage",
        "subject",
        "education",
        "hiredOn",
        "备注",
    ];
    for (col, title) in header.iter().enumerate() {
        sheet.write_string(0, col as u16, *title).unwrap();
    }
    sheet.write_number(1, 0, 1001).unwrap();
    for (col, text) in [
        (1, "李明"),
        (2, "男"),
        (4, "石城一小"),
        (5, "小学"),
        (6, "语文"),
        (7, "本科"),
    ] {
        sheet.write_string(1, col, text).unwrap();
    }
    let born = ExcelDateTime::from_ymd(1985, 3, 15).unwrap();
    sheet
        .write_datetime_with_format(1, 3, &born, &date)
        .unwrap();
    sheet.write_string(1, 8, "2008年9月1日").unwrap();
    // Row 3 left empty; row 4 is bad in two cells.
    for (col, text) in [
        (0, "T002"),
        (1, "王芳"),
        (2, "女"),
        (4, "石城中学"),
        (5, "高中"),
        (6, "数学"),
        (7, "硕士"),
    ] {
        sheet.write_string(3, col, text).unwrap();
    }
    sheet.write_number(3, 3, 1.5).unwrap();
    let hired = ExcelDateTime::from_ymd(2015, 8, 31).unwrap();
    sheet
        .write_datetime_with_format(3, 8, &hired, &date)
        .unwrap();
    workbook.save_to_buffer().unwrap()
}

#[test]
fn xlsx_with_date_cells_text_dates_and_bad_rows() {
    let bytes = teachers_workbook();
    // The zip magic wins over a name without an extension.
    let sheet = read::<TeacherRow>("upload", &bytes).unwrap();
    assert_eq!(sheet.format, Format::Xlsx);
    assert_eq!(sheet.unknown_columns(), ["备注"]);
    let (rows, problems) = all::<TeacherRow>("teachers.xlsx", &bytes);
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].row, 2);
    assert_eq!(rows[0].value.staff_no.clone().into_string(), "1001");
    assert_eq!(rows[0].value.birth_date, Some(day(1985, 3, 15)));
    assert_eq!(rows[0].value.hired_on, Some(day(2008, 9, 1)));
    let found: Vec<(u32, &str, &str)> = problems
        .iter()
        .map(|p| (p.row, p.column.as_str(), p.value.as_str()))
        .collect();
    assert_eq!(found, [(4, "birthDate", "1.5"), (4, "stage", "高中")]);
}

#[test]
fn enrollments_and_formats_that_are_refused() {
    let csv = "school,schoolYear,stage,students\n一小,2024,小学,420\n一小,2024-2026,初中,-3\n";
    let (rows, problems) = all::<EnrollmentRow>("e.csv", csv.as_bytes());
    assert_eq!(rows[0].value.school_year, 2024);
    assert_eq!(rows[0].value.students, 420);
    // A negative count is the service's rule, written once there.
    assert_eq!(problems.len(), 1);
    assert_eq!(problems[0].column, "schoolYear");
    assert!(matches!(
        read::<EnrollmentRow>("e.xls", b"\xD0\xCF\x11\xE0"),
        Err(SheetError::UnknownFormat(_))
    ));
    assert!(matches!(
        read::<EnrollmentRow>("e.xlsx", b"school"),
        Err(SheetError::Unreadable(_))
    ));
    assert!(matches!(
        read::<EnrollmentRow>("e.csv", b"\n\n"),
        Err(SheetError::NoHeader)
    ));
}

#[test]
fn reading_goes_on_after_a_bad_row() {
    let csv = "学校,学年,学段,在校生数\n一小,x,小学,1\n一小,2024,小学,2\n";
    let rows: Vec<_> = read::<EnrollmentRow>("e.csv", csv.as_bytes())
        .unwrap()
        .collect();
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0].as_ref().map_err(|p| p[0].row), Err(2));
    assert_eq!(rows[1].as_ref().map(|r| r.row), Ok(3));
}
