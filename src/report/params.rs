//! What an export asks, as text from a URL's query string or the command line, parsed into
//! the services' requests. Both edges share this parse, so `groupBy=TOWNSHIP,LEVEL` and
//! `--group-by TOWNSHIP,LEVEL` are read alike and refused alike, naming the field as the URL
//! spells it (`asOf`, `groupBy`…) with the code BAD_USER_INPUT.

use chrono::NaiveDate;
use serde::Deserialize;
use uuid::Uuid;

use crate::domain::{Area, CountDimension, DesignationKind, Invalid, Level, Stage, rules, text};
use crate::error::{Error, FieldContext, Result};
use crate::service::counts::CountRequest;
use crate::store::counts::CountFilter;
use crate::store::teacher::TeacherFilter;

/// The parameters of any export; each report reads those it needs. Unknown names are refused
/// so that a typo (`groupby`) is not silently ignored.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ExportParams {
    /// `YYYY-MM-DD`; today (Beijing time) when left out, as in the queries.
    pub as_of: Option<String>,
    /// Comma-separated `CountDimension` codes, e.g. `TOWNSHIP,LEVEL` (counts).
    pub group_by: Option<String>,
    /// A `Level` code or label (counts); county when left out.
    pub min_level: Option<String>,
    /// Comma-separated `DesignationKind` codes or labels (counts); the whole family when left
    /// out.
    pub kinds: Option<String>,
    /// The school year whose enrollments weigh the units (balance; required there).
    pub school_year: Option<String>,
    /// Only this school (counts, teachers).
    pub school_id: Option<String>,
    /// Only schools of this township (counts, teachers).
    pub township: Option<String>,
    /// Only this stage, code or label (counts, teachers).
    pub stage: Option<String>,
    /// Only urban or only rural schools, code or label (counts).
    pub area: Option<String>,
    /// Only this subject (counts, teachers).
    pub subject: Option<String>,
}

/// The non-empty, trimmed text of an optional parameter.
fn given(value: &Option<String>) -> Option<&str> {
    value.as_deref().map(str::trim).filter(|v| !v.is_empty())
}

/// The parts of a comma-separated list, each parsed; empty parts are skipped.
fn list<T>(text: &str, parse: impl Fn(&str) -> Result<T, Invalid>) -> Result<Vec<T>, Invalid> {
    text.split(',')
        .map(str::trim)
        .filter(|part| !part.is_empty())
        .map(parse)
        .collect()
}

impl ExportParams {
    /// The day asked for; today when left out.
    pub fn as_of(&self) -> Result<NaiveDate> {
        match given(&self.as_of) {
            None => Ok(rules::today()),
            // The same date, within the same range, as the API's `Date` takes.
            Some(d) => {
                rules::parse_client_date(d, rules::today()).map_err(|e| Error::invalid("asOf", e))
            }
        }
    }

    /// The dimensions to group counts by, in the order given.
    pub fn group_by(&self) -> Result<Vec<CountDimension>> {
        let Some(text) = given(&self.group_by) else {
            return Ok(Vec::new());
        };
        list(text, |part| {
            CountDimension::from_code(&part.to_ascii_uppercase()).map_err(|_| {
                let codes: Vec<&str> = CountDimension::ALL.iter().map(|d| d.code()).collect();
                Invalid(format!("{part:?} is not one of {}", codes.join(", ")))
            })
        })
        .field("groupBy")
    }

    /// The school year of the balanced-development report.
    pub fn school_year(&self) -> Result<i32> {
        let text = given(&self.school_year).ok_or_else(|| {
            Error::invalid(
                "schoolYear",
                "is required: the year the school year starts in",
            )
        })?;
        text.parse()
            .map_err(|_| Error::invalid("schoolYear", format!("must be a year, not {text:?}")))
    }

    fn school(&self) -> Result<Option<Uuid>> {
        given(&self.school_id)
            .map(|id| Uuid::parse_str(id).map_err(|_| Error::invalid("schoolId", "must be a UUID")))
            .transpose()
    }

    fn stage(&self) -> Result<Option<Stage>> {
        given(&self.stage)
            .map(Stage::parse)
            .transpose()
            .field("stage")
    }

    /// Text filters are cleaned and bounded as the GraphQL filters are.
    fn term(value: &Option<String>, field: &str, max_chars: usize) -> Result<Option<String>> {
        text::search_term(value.as_deref(), max_chars).field(field)
    }

    /// The `keyTeacherCounts` question these parameters ask.
    pub fn count_request(&self) -> Result<CountRequest> {
        let min_level = given(&self.min_level)
            .map(Level::parse)
            .transpose()
            .field("minLevel")?;
        let kinds = given(&self.kinds)
            .map(|k| list(k, DesignationKind::parse))
            .transpose()
            .field("kinds")?;
        let filter = CountFilter {
            school_id: self.school()?,
            township: Self::term(&self.township, "township", text::LABEL_MAX_CHARS)?,
            stage: self.stage()?,
            area: given(&self.area)
                .map(Area::parse)
                .transpose()
                .field("area")?,
            subject: Self::term(&self.subject, "subject", text::NAME_MAX_CHARS)?,
        };
        Ok(CountRequest {
            group_by: self.group_by()?,
            min_level: min_level.unwrap_or(Level::County),
            kinds,
            as_of: self.as_of()?,
            filter,
        })
    }

    /// The teachers to list: those employed on `asOf`, narrowed by the filters given.
    pub fn teacher_filter(&self) -> Result<TeacherFilter> {
        Ok(TeacherFilter {
            school_id: self.school()?,
            township: Self::term(&self.township, "township", text::LABEL_MAX_CHARS)?,
            stage: self.stage()?,
            subject: Self::term(&self.subject, "subject", text::NAME_MAX_CHARS)?,
            employed_on: Some(self.as_of()?),
            ..TeacherFilter::default()
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(f: impl FnOnce(&mut ExportParams)) -> ExportParams {
        let mut p = ExportParams::default();
        f(&mut p);
        p
    }

    fn field_of(e: Error) -> String {
        match e {
            Error::Invalid { field, .. } => field,
            other => panic!("expected Invalid, got {other:?}"),
        }
    }

    #[test]
    fn counts_read_group_by_codes_in_any_case_and_labels_for_levels() {
        let p = params(|p| {
            p.group_by = Some("township, level".into());
            p.min_level = Some("市级".into());
            p.kinds = Some("KEY_TEACHER,名师".into());
            p.as_of = Some("2025-12-31".into());
        });
        let req = p.count_request().unwrap();
        assert_eq!(
            req.group_by,
            vec![CountDimension::Township, CountDimension::Level]
        );
        assert_eq!(req.min_level, Level::Municipal);
        assert_eq!(
            req.kinds,
            Some(vec![
                DesignationKind::KeyTeacher,
                DesignationKind::MasterTeacher
            ])
        );
        assert_eq!(req.as_of, NaiveDate::from_ymd_opt(2025, 12, 31).unwrap());
    }

    #[test]
    fn bad_values_name_their_field() {
        let bad_day = params(|p| p.as_of = Some("2025-13-01".into()));
        assert_eq!(field_of(bad_day.as_of().unwrap_err()), "asOf");
        let bad_dim = params(|p| p.group_by = Some("TOWNSHIP,COLOR".into()));
        assert_eq!(field_of(bad_dim.group_by().unwrap_err()), "groupBy");
        let no_year = ExportParams::default();
        assert_eq!(field_of(no_year.school_year().unwrap_err()), "schoolYear");
        let bad_stage = params(|p| p.stage = Some("高中".into()));
        assert_eq!(field_of(bad_stage.count_request().unwrap_err()), "stage");
    }
}
