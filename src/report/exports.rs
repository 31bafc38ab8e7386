//! The four reports and their file names. Each is built from the service function its GraphQL
//! query calls (`keyTeacherCounts`, `teachers`, `progress`, `balancedDevelopment`) with the
//! caller's actor: the same permission check, the same numbers, counted in SQL.

use std::collections::HashMap;

use chrono::NaiveDate;
use uuid::Uuid;

use super::{Column, Format, Kind, Table, Value, column, params::ExportParams, write_table};
use crate::domain::progress::{TargetMetric, TargetStatus};
use crate::domain::{Actor, CountDimension};
use crate::error::Result;
use crate::service::{self, targets::TargetProgress};
use crate::store::counts::CountRow;
use crate::store::{Db, school};

/// Which report to export, as the URL and the command line name it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Report {
    /// `keyTeacherCounts`, any grouping.
    Counts,
    /// Teachers employed on the day, each with their top designation.
    Teachers,
    /// `progress`: every target in force on the day.
    Progress,
    /// `balancedDevelopment` as the inspection form lays it out.
    Balance,
}

impl Report {
    /// Every report, in the order the help text lists them.
    pub const ALL: [Report; 4] = [
        Report::Counts,
        Report::Teachers,
        Report::Progress,
        Report::Balance,
    ];

    /// The name in `/export/NAME.xlsx` and `export NAME`.
    pub fn name(self) -> &'static str {
        match self {
            Report::Counts => "counts",
            Report::Teachers => "teachers",
            Report::Progress => "progress",
            Report::Balance => "balance",
        }
    }

    /// The report a name names, if any.
    pub fn parse(name: &str) -> Option<Report> {
        Report::ALL.into_iter().find(|r| r.name() == name)
    }

    /// The start of the file name, in ASCII so every browser and shell keeps it.
    fn file_stem(self) -> &'static str {
        match self {
            Report::Counts => "key-teacher-counts",
            Report::Teachers => "teachers",
            Report::Progress => "target-progress",
            Report::Balance => "balanced-development",
        }
    }
}

/// A finished export: the file's name (with the day it speaks of) and its bytes.
#[derive(Debug, Clone)]
pub struct Export {
    pub file_name: String,
    pub format: Format,
    pub bytes: Vec<u8>,
}

/// Builds a report as `actor` may read it. `max_rows` bounds the teachers list (the other
/// reports are small by nature: a row per group, target or school).
pub async fn export(
    db: &Db,
    actor: &Actor,
    report: Report,
    format: Format,
    params: &ExportParams,
    max_rows: u64,
) -> Result<Export> {
    let as_of = params.as_of()?;
    let (stem, bytes) = match report {
        Report::Counts => {
            let table = counts(db, actor, params).await?;
            (report.file_stem().to_owned(), write_table(format, &table)?)
        }
        Report::Teachers => {
            let bytes = super::teachers::write(db, actor, params, format, max_rows).await?;
            (report.file_stem().to_owned(), bytes)
        }
        Report::Progress => {
            let table = progress(db, actor, as_of).await?;
            (report.file_stem().to_owned(), write_table(format, &table)?)
        }
        Report::Balance => {
            let year = params.school_year()?;
            let table = super::balance::table(db, actor, year, as_of).await?;
            let stem = format!("{}-{year}", report.file_stem());
            (stem, write_table(format, &table)?)
        }
    };
    Ok(Export {
        file_name: format!("{stem}-{as_of}.{}", format.extension()),
        format,
        bytes,
    })
}

/// Schools by id, for the names a report shows where the services give ids.
pub(super) async fn school_names(
    db: &Db,
    actor: &Actor,
    ids: Vec<Uuid>,
) -> Result<HashMap<Uuid, school::Model>> {
    let mut ids = ids;
    ids.sort();
    ids.dedup();
    let schools = service::reads::schools(db, actor, &ids).await?;
    Ok(schools.into_iter().map(|s| (s.id, s)).collect())
}

fn dimension_column(dim: CountDimension) -> Column {
    let (label, width) = match dim {
        CountDimension::Level => ("级别", 10.0),
        CountDimension::Kind => ("称号", 12.0),
        CountDimension::Subject => ("学科", 14.0),
        CountDimension::School => ("学校", 26.0),
        CountDimension::Township => ("乡镇", 14.0),
        CountDimension::Stage => ("学段", 8.0),
        CountDimension::Area => ("城区/农村", 11.0),
        CountDimension::Gender => ("性别", 8.0),
    };
    column(label, width, Kind::Text)
}

fn dimension_value(
    dim: CountDimension,
    row: &CountRow,
    schools: &HashMap<Uuid, school::Model>,
) -> Value {
    let text = match dim {
        CountDimension::Level => row.level.map(|v| v.label().to_owned()),
        CountDimension::Kind => row.kind.map(|v| v.label().to_owned()),
        CountDimension::Subject => row.subject.clone(),
        CountDimension::School => row.school_id.map(|id| {
            schools
                .get(&id)
                .map_or_else(|| id.to_string(), |s| s.name.clone())
        }),
        CountDimension::Township => row.township.clone(),
        CountDimension::Stage => row.stage.map(|v| v.label().to_owned()),
        CountDimension::Area => row.area.map(|v| v.label().to_owned()),
        CountDimension::Gender => row.gender.map(|v| v.label().to_owned()),
    };
    text.map_or(Value::Empty, Value::Text)
}

/// `keyTeacherCounts`: one column per grouping dimension, then the count and the day.
async fn counts(db: &Db, actor: &Actor, params: &ExportParams) -> Result<Table> {
    let req = params.count_request()?;
    let (dims, as_of) = (req.group_by.clone(), req.as_of);
    let rows = service::counts::key_teacher_counts(db, actor, req).await?;
    let schools = if dims.contains(&CountDimension::School) {
        school_names(db, actor, rows.iter().filter_map(|r| r.school_id).collect()).await?
    } else {
        HashMap::new()
    };
    let mut columns: Vec<Column> = dims.iter().map(|d| dimension_column(*d)).collect();
    columns.push(column("人数", 10.0, Kind::Integer));
    columns.push(column("统计日期", 12.0, Kind::Date));
    let rows = rows
        .iter()
        .map(|row| {
            let mut cells: Vec<Value> = dims
                .iter()
                .map(|d| dimension_value(*d, row, &schools))
                .collect();
            cells.push(Value::Integer(row.count));
            cells.push(Value::Date(as_of));
            cells
        })
        .collect();
    Ok(Table {
        sheet: "骨干教师人数",
        columns,
        rows,
    })
}

const PROGRESS_COLUMNS: [Column; 13] = [
    column("目标代码", 20.0, Kind::Text),
    column("目标", 36.0, Kind::Text),
    column("统计内容", 12.0, Kind::Text),
    column("当前值", 10.0, Kind::Integer),
    column("目标值", 10.0, Kind::Integer),
    column("完成率", 10.0, Kind::Decimal),
    column("尚差", 8.0, Kind::Integer),
    column("剩余天数", 10.0, Kind::Integer),
    column("截止日预计", 12.0, Kind::Decimal),
    column("状态", 10.0, Kind::Text),
    column("基准日期", 12.0, Kind::Date),
    column("截止日期", 12.0, Kind::Date),
    column("统计日期", 12.0, Kind::Date),
];

fn metric_label(metric: TargetMetric) -> &'static str {
    match metric {
        TargetMetric::Studios => "名师工作室",
        TargetMetric::KeyTeachers => "骨干教师",
        TargetMetric::MenteesPerMember => "结对培养",
        TargetMetric::TrainingCompliance => "继续教育学时达标",
        TargetMetric::ConvertedMentees => "结对培养转化",
    }
}

fn status_label(status: TargetStatus) -> &'static str {
    match status {
        TargetStatus::Achieved => "已完成",
        TargetStatus::OnTrack => "进度正常",
        TargetStatus::AtRisk => "有风险",
        TargetStatus::Missed => "未完成",
    }
}

fn progress_row(p: &TargetProgress) -> Result<Vec<Value>> {
    let (t, g) = (&p.target, &p.progress);
    let metric = service::targets::metric(t)?;
    Ok(vec![
        Value::text(&t.code),
        Value::text(&t.title),
        Value::text(metric_label(metric)),
        Value::Integer(g.current),
        Value::Integer(g.goal),
        Value::Decimal(g.ratio),
        Value::Integer(g.remaining),
        Value::Integer(g.days_left),
        g.projected_at_deadline.map_or(Value::Empty, Value::Decimal),
        Value::text(status_label(g.status)),
        Value::Date(t.baseline_on),
        Value::Date(t.deadline),
        Value::Date(p.as_of),
    ])
}

/// `progress`: one row per target in force on the day.
async fn progress(db: &Db, actor: &Actor, as_of: NaiveDate) -> Result<Table> {
    let rows = service::targets::progress(db, actor, as_of).await?;
    Ok(Table {
        sheet: "目标进度",
        columns: PROGRESS_COLUMNS.to_vec(),
        rows: rows.iter().map(progress_row).collect::<Result<_>>()?,
    })
}
