//! The teachers list: everyone employed on the day (narrowed by the filters given), each with
//! their top designation in force that day (rule 4's order). It pages through the `teachers`
//! service a page at a time and writes each page's rows before reading the next, so a large
//! registry is never held as models; it is counted first and refused above `max_rows`.
//!
//! Personal data follows the GraphQL `Teacher` type: the birth date only for roles that may
//! read personal data (`birth_date_shown`), and no ID numbers at all — a report file is copied
//! and mailed about, and nobody needs the number in it to act on a list.

use std::collections::HashMap;

use chrono::NaiveDate;
use uuid::Uuid;

use super::{Column, Format, Kind, Value, Writer, column, params::ExportParams};
use crate::domain::{Actor, DesignationKind, Education, Gender, Level, Stage};
use crate::error::{Error, Result};
use crate::service::{self, designations::top_in_force};
use crate::store::page::PageRequest;
use crate::store::{Db, designation, school, teacher};

/// Teachers read per page: a few statements each, a bounded amount of memory.
const PAGE: u64 = 500;

const COLUMNS: [Column; 14] = [
    column("工号", 12.0, Kind::Text),
    column("姓名", 10.0, Kind::Text),
    column("性别", 6.0, Kind::Text),
    column("出生日期", 12.0, Kind::Date),
    column("学校", 26.0, Kind::Text),
    column("乡镇", 12.0, Kind::Text),
    column("学段", 6.0, Kind::Text),
    column("学科", 12.0, Kind::Text),
    column("学历", 8.0, Kind::Text),
    column("入职日期", 12.0, Kind::Date),
    column("最高称号", 12.0, Kind::Text),
    column("称号级别", 10.0, Kind::Text),
    column("认定日期", 12.0, Kind::Date),
    column("有效期至", 12.0, Kind::Date),
];

/// A stored code or rank that does not parse is the data's fault, reported as INTERNAL.
fn label<T>(
    parsed: Result<T, crate::domain::Invalid>,
    label: fn(T) -> &'static str,
) -> Result<Value> {
    parsed.map(|v| Value::text(label(v))).map_err(Error::stored)
}

fn row(
    actor: &Actor,
    t: &teacher::Model,
    school: Option<&school::Model>,
    top: Option<&designation::Model>,
) -> Result<Vec<Value>> {
    let mut cells = vec![
        Value::text(&t.staff_no),
        Value::text(&t.name),
        label(Gender::from_code(&t.gender), Gender::label)?,
        Value::date(service::teachers::birth_date_shown(actor, t)),
        school.map_or(Value::Empty, |s| Value::text(&s.name)),
        school.map_or(Value::Empty, |s| Value::text(&s.township)),
        label(Stage::from_code(&t.stage), Stage::label)?,
        Value::text(&t.subject),
        label(Education::from_rank(t.education), Education::label)?,
        Value::date(t.hired_on),
    ];
    match top {
        Some(d) => cells.extend([
            label(DesignationKind::from_rank(d.kind), DesignationKind::label)?,
            label(Level::from_rank(d.level), Level::label)?,
            Value::Date(d.awarded_on),
            Value::date(d.expires_on),
        ]),
        None => cells.extend([Value::Empty, Value::Empty, Value::Empty, Value::Empty]),
    }
    Ok(cells)
}

/// Each teacher's top designation in force on `d`.
async fn tops(
    db: &Db,
    actor: &Actor,
    ids: &[Uuid],
    d: NaiveDate,
) -> Result<HashMap<Uuid, designation::Model>> {
    let mut by_teacher: HashMap<Uuid, Vec<designation::Model>> = HashMap::new();
    for row in service::reads::designations_of(db, actor, ids).await? {
        by_teacher.entry(row.teacher_id).or_default().push(row);
    }
    Ok(by_teacher
        .into_iter()
        .filter_map(|(id, rows)| top_in_force(rows, d).map(|top| (id, top)))
        .collect())
}

/// Writes the list in `format`, page by page.
pub async fn write(
    db: &Db,
    actor: &Actor,
    params: &ExportParams,
    format: Format,
    max_rows: u64,
) -> Result<Vec<u8>> {
    let as_of = params.as_of()?;
    let filter = params.teacher_filter()?;
    let total = service::teachers::teacher_count(db, actor, &filter).await?;
    if total > max_rows {
        return Err(Error::Limit {
            limit: "max-export-rows",
            message: format!(
                "{total} teachers are over the {max_rows} an export may hold: narrow it with \
                 township, schoolId, stage or subject"
            ),
        });
    }
    let mut writer = Writer::new(format, "教师名单", &COLUMNS)?;
    // Schools are few and every page names the same ones: kept across pages.
    let mut schools: HashMap<Uuid, school::Model> = HashMap::new();
    let mut after = None;
    loop {
        let req = PageRequest { first: PAGE, after };
        let page = service::teachers::teachers(db, actor, &filter, req).await?;
        let ids: Vec<Uuid> = page.rows.iter().map(|(id, _)| *id).collect();
        let missing: Vec<Uuid> = page
            .rows
            .iter()
            .map(|(_, t)| t.school_id)
            .filter(|id| !schools.contains_key(id))
            .collect();
        if !missing.is_empty() {
            schools.extend(super::exports::school_names(db, actor, missing).await?);
        }
        let tops = tops(db, actor, &ids, as_of).await?;
        for (id, t) in &page.rows {
            writer.row(&row(actor, t, schools.get(&t.school_id), tops.get(id))?)?;
        }
        match (page.has_next_page, ids.last()) {
            (true, Some(last)) => after = Some(*last),
            _ => break,
        }
    }
    writer.finish()
}
