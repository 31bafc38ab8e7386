//! The import's empty sheets: what HR download, fill in and upload. Headers are the import's
//! own columns (`crate::sheet::SheetRow::COLUMNS`), so a template always reads back; the
//! allowed values of enum columns are the domain enums' Chinese labels, offered as an Excel
//! drop-down list; required columns have a bold header and every header a note saying whether
//! it is required and what it takes; one example row shows the forms the import accepts.
//! Templates hold nothing from the registry, so they need no token.

use chrono::NaiveDate;
use rust_xlsxwriter::{DataValidation, Format as CellFormat, Note, Workbook};

use super::to_xlsx::{col_num, date_format, excel_date, header_format};
use super::{Column, Format, Kind, Value, Writer, write_failed};
use crate::domain::training;
use crate::domain::{Area, DesignationKind, Education, Gender, Level, Stage, TrainingKind};
use crate::error::Result;
use crate::sheet::{
    self, DesignationRow, EnrollmentRow, SchoolRow, SheetRow, TeacherRow, TrainingRow,
};

/// The last row a drop-down list covers (Excel's last).
const LAST_ROW: u32 = 1_048_575;

/// A kind of import sheet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Template {
    Schools,
    Teachers,
    Designations,
    Enrollments,
    TrainingRecords,
}

impl Template {
    /// Every template, in the order HR fill them (schools before their teachers…).
    pub const ALL: [Template; 5] = [
        Template::Schools,
        Template::Teachers,
        Template::Designations,
        Template::Enrollments,
        Template::TrainingRecords,
    ];

    /// The name in `/templates/NAME.xlsx`: the import's `SheetRow::KIND`.
    pub fn name(self) -> &'static str {
        match self {
            Template::Schools => SchoolRow::KIND,
            Template::Teachers => TeacherRow::KIND,
            Template::Designations => DesignationRow::KIND,
            Template::Enrollments => EnrollmentRow::KIND,
            Template::TrainingRecords => TrainingRow::KIND,
        }
    }

    /// The template a name names, if any.
    pub fn parse(name: &str) -> Option<Template> {
        Template::ALL.into_iter().find(|t| t.name() == name)
    }

    /// The import's columns for this kind.
    pub fn columns(self) -> &'static [sheet::Column] {
        match self {
            Template::Schools => SchoolRow::COLUMNS,
            Template::Teachers => TeacherRow::COLUMNS,
            Template::Designations => DesignationRow::COLUMNS,
            Template::Enrollments => EnrollmentRow::COLUMNS,
            Template::TrainingRecords => TrainingRow::COLUMNS,
        }
    }

    /// The sheet's name, and the Chinese file name browsers offer to save it as.
    pub fn title(self) -> &'static str {
        match self {
            Template::Schools => "学校导入模板",
            Template::Teachers => "教师导入模板",
            Template::Designations => "称号导入模板",
            Template::Enrollments => "在校生数导入模板",
            Template::TrainingRecords => "培训记录导入模板",
        }
    }

    /// The example row's cell for a field (the README's example teacher and school).
    fn example(self, field: &str) -> Value {
        let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).map_or(Value::Empty, Value::Date);
        match (self, field) {
            // A training's level and kind are not a designation's: their own labels first.
            (Template::TrainingRecords, "level") => {
                Value::text(training::level_label(Level::County))
            }
            (Template::TrainingRecords, "kind") => Value::text(TrainingKind::Course.label()),
            (Template::Schools, "name") | (_, "school") => Value::text("东城中小学"),
            (_, "township") => Value::text("琴江镇"),
            (_, "area") => Value::text(Area::Urban.label()),
            (_, "stages") => Value::Text(all_stages()),
            (_, "staffNo") => Value::text("DC-001"),
            (_, "name") => Value::text("李明"),
            (_, "gender") => Value::text(Gender::Male.label()),
            (_, "birthDate") => day(1985, 3, 15),
            (_, "idNumber") => Value::text("36073019850315009X"),
            (_, "stage") => Value::text(Stage::Primary.label()),
            (_, "subject") => Value::text("数学"),
            (_, "education") => Value::text(Education::Bachelor.label()),
            (_, "hiredOn") => day(2008, 9, 1),
            (_, "kind") => Value::text(DesignationKind::KeyTeacher.label()),
            (_, "level") => Value::text(Level::County.label()),
            (_, "batch") => Value::text("2023年县级骨干教师评选"),
            (_, "awardedOn") => day(2023, 9, 10),
            (_, "expiresOn") => day(2026, 9, 9),
            (_, "certificateNo") => Value::text("SC-2023-001"),
            (_, "schoolYear") => Value::Integer(2024),
            (_, "students") => Value::Integer(1250),
            (_, "title") => Value::text("2024年县级骨干教师培训"),
            (_, "organiser") => Value::text("县教师进修学校"),
            (_, "startedOn") => day(2024, 7, 15),
            (_, "endedOn") => day(2024, 7, 19),
            (_, "hours") => Value::Decimal(40.0),
            _ => Value::Empty,
        }
    }

    /// The example row, in the columns' order.
    pub fn example_row(self) -> Vec<Value> {
        self.columns()
            .iter()
            .map(|c| self.example(c.field))
            .collect()
    }
}

/// Both stages as one cell, as a school teaching both writes them (`cell::stages` reads it).
fn all_stages() -> String {
    let labels: Vec<&str> = Stage::ALL.iter().map(|s| s.label()).collect();
    labels.join(";")
}

/// The values an enum column of a template allows, from the domain's labels; `None` for free
/// columns. A training sheet's 级别 and 类型 take the training labels (县培, 集中培训), not a
/// designation's (县级, 骨干教师).
pub fn allowed_values(kind: Template, field: &str) -> Option<Vec<String>> {
    Some(match (kind, field) {
        (Template::TrainingRecords, "level") => training::LEVEL_LABELS
            .iter()
            .map(|(_, label)| (*label).to_owned())
            .collect(),
        (Template::TrainingRecords, "kind") => labels(TrainingKind::ALL, TrainingKind::label),
        (_, field) => return allowed_value(field),
    })
}

/// An enum's labels, in its order.
fn labels<T: Copy>(all: &[T], label: fn(T) -> &'static str) -> Vec<String> {
    all.iter().map(|v| label(*v).to_owned()).collect()
}

/// The values an enum column allows where every template names it alike.
fn allowed_value(field: &str) -> Option<Vec<String>> {
    Some(match field {
        "gender" => labels(Gender::ALL, Gender::label),
        "education" => labels(Education::ALL, Education::label),
        "kind" => labels(DesignationKind::ALL, DesignationKind::label),
        "level" => labels(Level::ALL, Level::label),
        "area" => labels(Area::ALL, Area::label),
        "stage" => labels(Stage::ALL, Stage::label),
        "stages" => {
            let mut values = labels(Stage::ALL, Stage::label);
            values.push(all_stages());
            values
        }
        _ => return None,
    })
}

/// What a header's note says: required or not, and the values or form it takes.
fn note_text(kind: Template, column: &sheet::Column, example: &Value) -> String {
    let mut text = if column.required {
        "必填。"
    } else {
        "选填。"
    }
    .to_owned();
    if let Some(values) = allowed_values(kind, column.field) {
        text.push_str(&format!("可选：{}。", values.join("、")));
    } else if matches!(example, Value::Date(_)) {
        text.push_str("日期，如 2024-09-01、2024/9/1 或 2024年9月1日。");
    }
    text
}

/// The column as the report writers see it; its kind from the example.
fn report_column(column: &sheet::Column, example: &Value) -> Column {
    let kind = match example {
        Value::Date(_) => Kind::Date,
        Value::Integer(_) => Kind::Integer,
        Value::Decimal(_) => Kind::Decimal,
        Value::Text(_) | Value::Empty => Kind::Text,
    };
    let width = match column.field {
        "name" | "school" | "batch" | "idNumber" | "title" | "organiser" => 22.0,
        _ => 14.0,
    };
    super::column(column.label, width, kind)
}

/// The template as a file: xlsx with lists and notes, or CSV with the header and example row.
pub fn template(kind: Template, format: Format) -> Result<Vec<u8>> {
    let example = kind.example_row();
    let columns: Vec<Column> = kind
        .columns()
        .iter()
        .zip(&example)
        .map(|(c, e)| report_column(c, e))
        .collect();
    match format {
        Format::Xlsx => xlsx(kind, &columns, &example),
        Format::Csv => {
            let mut writer = Writer::new(format, kind.title(), &columns)?;
            writer.row(&example)?;
            writer.finish()
        }
    }
}

fn xlsx(kind: Template, columns: &[Column], example: &[Value]) -> Result<Vec<u8>> {
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet.set_name(kind.title()).map_err(write_failed)?;
    let required = header_format();
    let optional = CellFormat::new().set_background_color(rust_xlsxwriter::Color::RGB(0xF2F2F2));
    // Text columns are formatted as text, so Excel keeps an ID number's 18 digits and a staff
    // number's leading zeros as typed.
    let (text, date) = (CellFormat::new().set_num_format("@"), date_format());
    for (i, ((spec, column), value)) in kind.columns().iter().zip(columns).zip(example).enumerate()
    {
        let col = col_num(i)?;
        let header = if spec.required { &required } else { &optional };
        sheet
            .write_string_with_format(0, col, spec.label, header)
            .map_err(write_failed)?;
        let note = Note::new(note_text(kind, spec, value)).add_author_prefix(false);
        sheet.insert_note(0, col, &note).map_err(write_failed)?;
        sheet
            .set_column_width(col, column.width)
            .map_err(write_failed)?;
        match column.kind {
            Kind::Text => sheet.set_column_format(col, &text),
            Kind::Date => sheet.set_column_format(col, &date),
            Kind::Integer | Kind::Decimal => Ok(&mut *sheet),
        }
        .map_err(write_failed)?;
        match value {
            Value::Text(t) => sheet.write_string_with_format(1, col, t, &text),
            Value::Integer(n) => sheet.write_number(1, col, *n as f64),
            Value::Decimal(x) => sheet.write_number(1, col, *x),
            Value::Date(d) => sheet.write_date_with_format(1, col, excel_date(*d)?, &date),
            Value::Empty => Ok(&mut *sheet),
        }
        .map_err(write_failed)?;
        if let Some(values) = allowed_values(kind, spec.field) {
            let list = DataValidation::new()
                .allow_list_strings(&values)
                .and_then(|v| v.set_error_message("请从下拉列表中选择。"))
                .map_err(write_failed)?;
            sheet
                .add_data_validation(1, col, LAST_ROW, col, &list)
                .map_err(write_failed)?;
        }
    }
    sheet.set_freeze_panes(1, 0).map_err(write_failed)?;
    workbook.save_to_buffer().map_err(write_failed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_template_reads_back_with_its_example_row() {
        for kind in Template::ALL {
            for format in [Format::Xlsx, Format::Csv] {
                let bytes = template(kind, format).unwrap();
                let file = format!("t.{}", format.extension());
                let problems = match kind {
                    Template::Schools => read_all::<SchoolRow>(&file, &bytes),
                    Template::Teachers => read_all::<TeacherRow>(&file, &bytes),
                    Template::Designations => read_all::<DesignationRow>(&file, &bytes),
                    Template::Enrollments => read_all::<EnrollmentRow>(&file, &bytes),
                    Template::TrainingRecords => read_all::<TrainingRow>(&file, &bytes),
                };
                assert_eq!(problems, (1, 0), "{kind:?} as {format:?}");
            }
        }
    }

    /// (rows read, rows with problems), with no unknown columns.
    fn read_all<T: SheetRow>(file: &str, bytes: &[u8]) -> (usize, usize) {
        let sheet = sheet::read::<T>(file, bytes).unwrap();
        assert!(sheet.unknown_columns().is_empty());
        let rows: Vec<_> = sheet.collect();
        (rows.len(), rows.iter().filter(|r| r.is_err()).count())
    }

    #[test]
    fn lists_come_from_the_domain_labels() {
        assert_eq!(
            allowed_values(Template::Teachers, "gender"),
            Some(vec!["女".into(), "男".into()])
        );
        assert_eq!(
            allowed_values(Template::Schools, "stages"),
            Some(vec!["小学".into(), "初中".into(), "小学;初中".into()])
        );
        assert_eq!(allowed_values(Template::Teachers, "staffNo"), None);
        assert_eq!(
            allowed_values(Template::Designations, "level").map(|v| v[1].clone()),
            Some("县级".into())
        );
        assert_eq!(
            allowed_values(Template::TrainingRecords, "level"),
            Some(
                ["国培", "省培", "市培", "县培", "校本研修"]
                    .map(String::from)
                    .to_vec()
            )
        );
        assert_eq!(
            allowed_values(Template::TrainingRecords, "kind"),
            Some(
                ["集中培训", "外出学习", "校本研修", "网络研修"]
                    .map(String::from)
                    .to_vec()
            )
        );
    }
}
