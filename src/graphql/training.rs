//! Training records and hours (培训记录, 继续教育学时; rules 9 and 10): the record type, a
//! teacher's hours in a cycle, the compliance counts, and HR's mutations.

use async_graphql::{ComplexObject, Context, InputObject, Object, Result, SimpleObject};
use uuid::Uuid;

use super::enums::{ComplianceDimension, Level, Stage, TrainingKind, to_domain};
use super::error::Api;
use super::query::CountFilter;
use super::scalars::Date;
use super::types::stored;
use super::types::{School, Teacher};
use super::types::{load_school, load_teacher};
use super::viewer;
use crate::domain::training::{Cycle, Tenths};
use crate::domain::{self, Label, StaffNo, rules};
use crate::error::{FieldContext, Result as ServiceResult};
use crate::service::training::{self as service, ComplianceRequest, Training, TrainingPatch};
use crate::store::counts::CountFilter as StoreCountFilter;
use crate::store::training_record;

/// A teacher's completed training (培训记录).
#[derive(Clone)]
pub struct TrainingRecord(pub training_record::Model);

/// A teacher's completed training (培训记录).
#[Object]
impl TrainingRecord {
    /// Identifier.
    async fn id(&self) -> Uuid {
        self.0.id
    }
    /// The teacher who took part.
    async fn teacher(&self, ctx: &Context<'_>) -> Result<Teacher> {
        load_teacher(ctx, self.0.teacher_id).await
    }
    /// Title (培训名称).
    async fn title(&self) -> &str {
        &self.0.title
    }
    /// Level (级别): NATIONAL 国培, PROVINCIAL 省培, MUNICIPAL 市培, COUNTY 县培, SCHOOL 校本.
    async fn level(&self) -> Result<Level> {
        Ok(stored(domain::Level::from_rank(self.0.level))?.into())
    }
    /// Kind (类型).
    async fn kind(&self) -> Result<TrainingKind> {
        Ok(stored(domain::TrainingKind::from_code(&self.0.kind))?.into())
    }
    /// Organiser (主办单位).
    async fn organiser(&self) -> &str {
        &self.0.organiser
    }
    /// First day (开始日期).
    async fn started_on(&self) -> Date {
        Date(self.0.started_on)
    }
    /// Last day (结束日期): the record belongs to the cycle holding it.
    async fn ended_on(&self) -> Date {
        Date(self.0.ended_on)
    }
    /// Hours (学时), one decimal at most.
    async fn hours(&self) -> f64 {
        Tenths::from_tenths(i64::from(self.0.tenths)).hours()
    }
    /// The training cycle it counts in, e.g. 2021-2025.
    async fn cycle(&self) -> String {
        Cycle::of(self.0.ended_on).label()
    }
}

/// A teacher's training hours on a day (rule 10).
pub struct TrainingHours(pub service::HoursOn);

/// A teacher's training hours on a day (继续教育学时, rule 10).
#[Object]
impl TrainingHours {
    /// The five-year cycle, e.g. 2026-2030.
    async fn cycle(&self) -> String {
        self.0.cycle.label()
    }
    /// The day the hours are counted on.
    async fn as_of(&self) -> Date {
        Date(self.0.as_of)
    }
    /// Hours of the cycle's records that ended on or before `asOf`.
    async fn hours(&self) -> f64 {
        Tenths::from_tenths(self.0.tenths).hours()
    }
    /// Cycle years owed on `asOf`: over, and employed on their 1 January and 31 December.
    async fn owed_years(&self) -> i32 {
        i32::try_from(self.0.owed_years).unwrap_or(i32::MAX)
    }
    /// Hours expected on `asOf`: 72 an owed year, at most 360.
    async fn expected_hours(&self) -> f64 {
        Tenths::from_tenths(self.0.expected_tenths).hours()
    }
    /// Whether the teacher is employed on `asOf`.
    async fn employed(&self) -> bool {
        self.0.employed
    }
    /// Employed on `asOf` with hours at least those expected (达标); behind otherwise.
    async fn on_track(&self) -> bool {
        self.0.on_track
    }
    /// The records counted, oldest first.
    async fn records(&self) -> Vec<TrainingRecord> {
        self.0.records.iter().cloned().map(TrainingRecord).collect()
    }
}

/// One group of training compliance (rule 10). Dimensions not grouped by are null.
#[derive(SimpleObject, Clone)]
#[graphql(complex)]
pub struct ComplianceRow {
    #[graphql(skip)]
    pub school_id: Option<Uuid>,
    /// Township (grouped by TOWNSHIP).
    pub township: Option<String>,
    /// Stage (grouped by STAGE).
    pub stage: Option<Stage>,
    /// Subject (grouped by SUBJECT).
    pub subject: Option<String>,
    /// Teachers employed on the day.
    pub employed: i32,
    /// Of them, on track (达标): hours at least those expected.
    pub on_track: i32,
    /// Of them, behind (未达标).
    pub behind: i32,
    /// On track ÷ employed; 0 when nobody is employed.
    pub compliance: f64,
}

#[ComplexObject]
impl ComplianceRow {
    /// School (grouped by SCHOOL).
    async fn school(&self, ctx: &Context<'_>) -> Result<Option<School>> {
        match self.school_id {
            Some(id) => load_school(ctx, id).await.map(Some),
            None => Ok(None),
        }
    }
}

impl From<crate::store::compliance::ComplianceRow> for ComplianceRow {
    fn from(r: crate::store::compliance::ComplianceRow) -> Self {
        let int = |n: i64| i32::try_from(n).unwrap_or(i32::MAX);
        ComplianceRow {
            school_id: r.school_id,
            township: r.township,
            stage: r.stage.map(Into::into),
            subject: r.subject,
            employed: int(r.employed),
            on_track: int(r.on_track),
            behind: int(r.employed - r.on_track),
            compliance: crate::domain::progress::share(r.on_track, r.employed),
        }
    }
}

/// A training as its certificate describes it (rule 9).
#[derive(InputObject)]
pub struct TrainingInput {
    /// Title (培训名称).
    pub title: String,
    /// Level (级别).
    pub level: Level,
    /// Kind (类型).
    pub kind: TrainingKind,
    /// Organiser (主办单位).
    pub organiser: String,
    /// First day.
    pub started_on: Date,
    /// Last day, not before `startedOn`; the teacher must be employed on it.
    pub ended_on: Date,
    /// Hours (学时): more than 0, one decimal at most, at most 10 a calendar day of the training.
    pub hours: f64,
}

impl TrainingInput {
    fn parse(self) -> ServiceResult<Training> {
        Ok(Training {
            title: Label::parse(&self.title).field("title")?,
            level: self.level.into(),
            kind: self.kind.into(),
            organiser: Label::parse(&self.organiser).field("organiser")?,
            started_on: self.started_on.0,
            ended_on: self.ended_on.0,
            hours: Tenths::parse(self.hours).field("hours")?,
        })
    }
}

/// Corrections to a training record; fields left out stay as they are.
#[derive(InputObject)]
pub struct UpdateTrainingInput {
    /// Title.
    pub title: Option<String>,
    /// Level.
    pub level: Option<Level>,
    /// Kind.
    pub kind: Option<TrainingKind>,
    /// Organiser.
    pub organiser: Option<String>,
    /// First day.
    pub started_on: Option<Date>,
    /// Last day.
    pub ended_on: Option<Date>,
    /// Hours.
    pub hours: Option<f64>,
}

/// Training queries.
#[derive(Default)]
pub struct TrainingQuery;

/// Training queries.
#[Object]
impl TrainingQuery {
    /// Training compliance on `asOf` (default today), rule 10: per group, the teachers employed
    /// on the day, those on track (hours of the day's cycle up to the day at least 72 per owed
    /// year) and those behind. No `groupBy` gives one row for everyone the filter keeps.
    #[graphql(complexity = "super::cost::counts(group_by.len(), child_complexity)")]
    async fn training_compliance(
        &self,
        ctx: &Context<'_>,
        #[graphql(default)] group_by: Vec<ComplianceDimension>,
        as_of: Option<Date>,
        filter: Option<CountFilter>,
    ) -> Result<Vec<ComplianceRow>> {
        let (actor, db) = viewer(ctx)?;
        let req = ComplianceRequest {
            group_by: to_domain(&group_by),
            as_of: as_of.map_or_else(rules::today, |d| d.0),
            filter: StoreCountFilter::try_from(filter.unwrap_or_default()).api()?,
        };
        let rows = service::compliance(db, actor, req).await.api()?;
        Ok(rows.into_iter().map(ComplianceRow::from).collect())
    }
}

/// Training mutations.
#[derive(Default)]
pub struct TrainingMutation;

/// Training mutations.
#[Object]
impl TrainingMutation {
    /// Records a teacher's completed training (ADMIN, HR).
    async fn record_training(
        &self,
        ctx: &Context<'_>,
        teacher_id: Uuid,
        input: TrainingInput,
    ) -> Result<TrainingRecord> {
        let (actor, db) = viewer(ctx)?;
        let training = input.parse().api()?;
        Ok(TrainingRecord(
            service::record(db, actor, teacher_id, training)
                .await
                .api()?,
        ))
    }

    /// Records one training for each of its participants, named by staff number (ADMIN, HR):
    /// all or nothing.
    async fn record_group_training(
        &self,
        ctx: &Context<'_>,
        input: TrainingInput,
        staff_nos: Vec<String>,
    ) -> Result<Vec<TrainingRecord>> {
        let (actor, db) = viewer(ctx)?;
        let training = input.parse().api()?;
        let staff_nos = staff_nos
            .iter()
            .map(|s| StaffNo::parse(s).field("staffNos"))
            .collect::<ServiceResult<Vec<_>>>()
            .api()?;
        let rows = service::record_for_participants(db, actor, training, staff_nos)
            .await
            .api()?;
        Ok(rows.into_iter().map(TrainingRecord).collect())
    }

    /// Corrects a training record (ADMIN, HR).
    async fn update_training_record(
        &self,
        ctx: &Context<'_>,
        id: Uuid,
        input: UpdateTrainingInput,
    ) -> Result<TrainingRecord> {
        let (actor, db) = viewer(ctx)?;
        let patch = (|| -> ServiceResult<TrainingPatch> {
            Ok(TrainingPatch {
                title: input
                    .title
                    .as_deref()
                    .map(Label::parse)
                    .transpose()
                    .field("title")?,
                level: input.level.map(Into::into),
                kind: input.kind.map(Into::into),
                organiser: input
                    .organiser
                    .as_deref()
                    .map(Label::parse)
                    .transpose()
                    .field("organiser")?,
                started_on: input.started_on.map(|d| d.0),
                ended_on: input.ended_on.map(|d| d.0),
                hours: input.hours.map(Tenths::parse).transpose().field("hours")?,
            })
        })()
        .api()?;
        Ok(TrainingRecord(
            service::update(db, actor, id, patch).await.api()?,
        ))
    }

    /// Deletes a training record entered by mistake (ADMIN, HR); returns it as it was.
    async fn delete_training_record(&self, ctx: &Context<'_>, id: Uuid) -> Result<TrainingRecord> {
        let (actor, db) = viewer(ctx)?;
        Ok(TrainingRecord(service::delete(db, actor, id).await.api()?))
    }
}
