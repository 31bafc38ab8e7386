//! The balanced-development report as the inspection form (《县域义务教育优质均衡发展督导评估
//! 办法》) lays it out: per stage, one row per school with its students and, for each of the
//! three teacher indicators, the teachers counted and the value per 100 students; then the
//! stage's county value, threshold, 差异系数 and its limit, whether it passes, and the schools
//! below the threshold. Values are written unrounded; only the xlsx display rounds.

use std::collections::HashMap;

use chrono::NaiveDate;
use uuid::Uuid;

use super::{Column, Kind, Table, Value, column};
use crate::domain::balance::{Indicator, Summary, per_100};
use crate::domain::{Actor, Stage};
use crate::error::Result;
use crate::service::balance::{StageReport, balanced_development};
use crate::store::balance::UnitRow;
use crate::store::{Db, school};

const COLUMNS: [Column; 9] = [
    column("学段", 8.0, Kind::Text),
    column("学校", 28.0, Kind::Text),
    column("在校生数", 10.0, Kind::Integer),
    column("县级及以上骨干教师数", 12.0, Kind::Integer),
    column("每百名学生拥有县级及以上骨干教师数", 16.0, Kind::Decimal),
    column("高于规定学历教师数", 12.0, Kind::Integer),
    column("每百名学生拥有高于规定学历教师数", 16.0, Kind::Decimal),
    column("体育、艺术（美术、音乐）专任教师数", 14.0, Kind::Integer),
    column("每百名学生拥有体育、艺术专任教师数", 16.0, Kind::Decimal),
];

fn counted(unit: &UnitRow, indicator: Indicator) -> i64 {
    match indicator {
        Indicator::KeyTeachers => unit.key_teachers,
        Indicator::HigherEducation => unit.higher_education,
        Indicator::PeArts => unit.pe_arts,
    }
}

/// One school's row: students, then counted and value for each indicator.
fn unit_row(stage: Stage, unit: &UnitRow, name: String) -> Vec<Value> {
    let mut cells = vec![
        Value::text(stage.label()),
        Value::Text(name),
        Value::Integer(unit.students),
    ];
    for indicator in Indicator::ALL {
        let n = counted(unit, indicator);
        cells.push(Value::Integer(n));
        cells.push(Value::Decimal(per_100(n, unit.students)));
    }
    cells
}

/// A summary row of a stage: a label in the school column and one value per indicator (in its
/// value column), or the totals of the stage when `totals` is given.
fn summary_row(
    report: &StageReport,
    label: &str,
    value: impl Fn(&Summary) -> Value,
    totals: bool,
) -> Vec<Value> {
    let students: i64 = report.units.iter().map(|u| u.students).sum();
    let mut cells = vec![
        Value::text(report.stage.label()),
        Value::text(label),
        if totals {
            Value::Integer(students)
        } else {
            Value::Empty
        },
    ];
    for indicator in Indicator::ALL {
        let total: i64 = report.units.iter().map(|u| counted(u, indicator)).sum();
        cells.push(if totals {
            Value::Integer(total)
        } else {
            Value::Empty
        });
        let summary = report
            .indicators
            .iter()
            .find(|(i, _)| *i == indicator)
            .map(|(_, s)| s);
        cells.push(summary.map_or(Value::Empty, &value));
    }
    cells
}

/// The rows closing a stage, as the form gives them below its schools.
fn stage_summary(report: &StageReport) -> Vec<Vec<Value>> {
    let yes_no = |passes: bool| Value::text(if passes { "是" } else { "否" });
    vec![
        summary_row(
            report,
            "县域值（合计）",
            |s| Value::Decimal(s.county_value),
            true,
        ),
        summary_row(report, "标准值", |s| Value::Decimal(s.threshold), false),
        summary_row(
            report,
            "差异系数",
            |s| Value::Decimal(s.gap_coefficient),
            false,
        ),
        summary_row(
            report,
            "差异系数上限",
            |s| Value::Decimal(s.gap_limit),
            false,
        ),
        summary_row(report, "差异系数达标", |s| yes_no(s.passes), false),
        summary_row(
            report,
            "低于标准值的学校数",
            |s| Value::Integer(s.units_below_threshold),
            false,
        ),
    ]
}

/// The report for a school year, teachers counted on `as_of`; refused for a role that may
/// not read `balancedDevelopment`.
pub async fn table(db: &Db, actor: &Actor, school_year: i32, as_of: NaiveDate) -> Result<Table> {
    let stages = balanced_development(db, actor, school_year, as_of).await?;
    let ids: Vec<Uuid> = stages
        .iter()
        .flat_map(|s| s.units.iter().map(|u| u.school_id))
        .collect();
    let schools: HashMap<Uuid, school::Model> =
        super::exports::school_names(db, actor, ids).await?;
    let name = |id: Uuid| {
        schools
            .get(&id)
            .map_or_else(|| id.to_string(), |s| s.name.clone())
    };
    let mut rows = Vec::new();
    for report in &stages {
        let mut units: Vec<(String, &UnitRow)> = report
            .units
            .iter()
            .map(|u| (name(u.school_id), u))
            .collect();
        // The SQL groups without an order; the form lists schools by name.
        units.sort_by(|a, b| a.0.cmp(&b.0).then(a.1.school_id.cmp(&b.1.school_id)));
        for (school_name, unit) in units {
            rows.push(unit_row(report.stage, unit, school_name));
        }
        rows.extend(stage_summary(report));
    }
    Ok(Table {
        sheet: "优质均衡教师指标",
        columns: COLUMNS.to_vec(),
        rows,
    })
}
