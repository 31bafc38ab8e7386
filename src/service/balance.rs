//! The balanced-development report: unit counts from SQL, then the county values and gap
//! coefficients per stage and indicator (domain::balance).

use chrono::NaiveDate;

use super::require;
use crate::domain::balance::{Indicator, Summary, UnitCount, summarize};
use crate::domain::{Actor, Permission, Stage};
use crate::error::{Error, Result};
use crate::store::Db;
use crate::store::balance::{UnitRow, units};

/// One stage of the report.
#[derive(Debug, Clone)]
pub struct StageReport {
    pub stage: Stage,
    pub indicators: Vec<(Indicator, Summary)>,
    pub units: Vec<UnitRow>,
}

fn counted(unit: &UnitRow, indicator: Indicator) -> i64 {
    match indicator {
        Indicator::KeyTeachers => unit.key_teachers,
        Indicator::HigherEducation => unit.higher_education,
        Indicator::PeArts => unit.pe_arts,
    }
}

/// The report for a school year on `d`; a stage with no unit (no students) is left out.
pub async fn balanced_development(
    db: &Db,
    actor: &Actor,
    school_year: i32,
    d: NaiveDate,
) -> Result<Vec<StageReport>> {
    require(actor, Permission::ReadBalance)?;
    if !(2000..=2100).contains(&school_year) {
        return Err(Error::invalid(
            "schoolYear",
            "must be a year between 2000 and 2100",
        ));
    }
    let all = units(&db.read, school_year, d).await?;
    let mut report = Vec::new();
    for stage in Stage::ALL {
        let units: Vec<UnitRow> = all.iter().filter(|u| u.stage == *stage).cloned().collect();
        if units.is_empty() {
            continue;
        }
        let indicators = Indicator::ALL
            .iter()
            .map(|ind| {
                let counts: Vec<UnitCount> = units
                    .iter()
                    .map(|u| UnitCount {
                        students: u.students,
                        counted: counted(u, *ind),
                    })
                    .collect();
                (*ind, summarize(*ind, *stage, &counts))
            })
            .collect();
        report.push(StageReport {
            stage: *stage,
            indicators,
            units,
        });
    }
    Ok(report)
}
