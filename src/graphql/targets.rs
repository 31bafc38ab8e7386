//! Targets, progress and the balanced-development indicators over GraphQL.

use async_graphql::{Context, InputObject, Object, Result, SimpleObject};
use uuid::Uuid;

use super::enums::{
    DesignationKind, Interval, Level, Stage, TargetMetric, TargetStatus, to_domain,
};
use super::error::Api;
use super::scalars::Date;
use super::types::{School, load_school};
use super::viewer;
use crate::domain::progress::GoalRatio;
use crate::domain::{self, Label, rules};
use crate::error::FieldContext;
use crate::service::balance::{self as balance_service, StageReport};
use crate::service::targets::{self as service, NewTarget, TargetPatch};
use crate::store::balance::UnitRow;
use crate::store::target;

fn day(as_of: Option<Date>) -> chrono::NaiveDate {
    as_of.map_or_else(rules::today, |d| d.0)
}

fn int(n: i64) -> i32 {
    i32::try_from(n).unwrap_or(i32::MAX)
}

fn ratio(r: Option<f64>) -> Result<Option<GoalRatio>> {
    r.map(GoalRatio::parse).transpose().field("goalRatio").api()
}

/// A target of the plan (or a later plan).
#[derive(Clone)]
pub struct Target(pub target::Model);

/// A target of the plan (or a later plan).
#[Object]
impl Target {
    /// Identifier.
    async fn id(&self) -> Uuid {
        self.0.id
    }
    /// Stable code, e.g. KEY_TEACHERS_2025.
    async fn code(&self) -> &str {
        &self.0.code
    }
    /// What the plan says, in its words.
    async fn title(&self) -> &str {
        &self.0.title
    }
    /// What is measured.
    async fn metric(&self) -> Result<TargetMetric> {
        Ok(service::metric(&self.0).api()?.into())
    }
    /// The fixed goal; null for a mentoring quota, whose goal is perMember × members in force,
    /// and for a compliance target, whose goal is goalRatio × teachers employed.
    async fn goal(&self) -> Option<i32> {
        self.0.goal
    }
    /// The share of employed teachers to have on track (TRAINING_COMPLIANCE only), e.g. 0.95.
    async fn goal_ratio(&self) -> Result<Option<f64>> {
        Ok(service::goal_ratio(&self.0).api()?.map(GoalRatio::as_f64))
    }
    /// Mentees each studio member should mentor (mentoring quotas only).
    async fn per_member(&self) -> Option<i32> {
        self.0.per_member
    }
    /// Lowest level counted: of designations for key teachers, of studios for the others.
    async fn min_level(&self) -> Result<Level> {
        Ok(service::min_level(&self.0).api()?.into())
    }
    /// Designation kinds counted (key-teacher targets).
    async fn kinds(&self) -> Result<Vec<DesignationKind>> {
        Ok(service::kinds(&self.0)
            .api()?
            .into_iter()
            .map(Into::into)
            .collect())
    }
    /// The baseline day the projection starts from.
    async fn baseline_on(&self) -> Date {
        Date(self.0.baseline_on)
    }
    /// The deadline.
    async fn deadline(&self) -> Date {
        Date(self.0.deadline)
    }
    /// When the target was retired, if it was.
    async fn retired_on(&self) -> Option<Date> {
        self.0.retired_on.map(Date)
    }
}

/// One point of a progress history.
#[derive(SimpleObject, Clone)]
pub struct ProgressPoint {
    /// The day measured: a period's last day, or the day asked for the last point.
    pub date: Date,
    /// The value on that day.
    pub value: i32,
    /// The value's share of its whole that day, for TRAINING_COMPLIANCE (on track ÷
    /// employed) and CONVERTED_MENTEES (converted ÷ mentees); null for the other metrics.
    pub rate: Option<f64>,
}

/// A target's progress on a day.
pub struct TargetProgress(pub service::TargetProgress);

/// A target's progress on a day.
#[Object]
impl TargetProgress {
    /// The target.
    async fn target(&self) -> Target {
        Target(self.0.target.clone())
    }
    /// The day measured.
    async fn as_of(&self) -> Date {
        Date(self.0.as_of)
    }
    /// The value on that day.
    async fn current(&self) -> i32 {
        int(self.0.progress.current)
    }
    /// The goal on that day (for a mentoring quota, perMember × members in force; for a
    /// compliance target, the least number on track that meets goalRatio × employed).
    async fn goal(&self) -> i32 {
        int(self.0.progress.goal)
    }
    /// For TRAINING_COMPLIANCE, the compliance on the day (on track ÷ employed, rule 10); for
    /// CONVERTED_MENTEES, the county's conversion rate (converted ÷ mentees, rule 12); null
    /// for the other metrics.
    async fn rate(&self) -> Option<f64> {
        self.0.rate()
    }
    /// What the value is out of on the day: teachers employed (TRAINING_COMPLIANCE), mentees
    /// (CONVERTED_MENTEES), members in force (MENTEES_PER_MEMBER); null for the others.
    async fn whole(&self) -> Result<Option<i32>> {
        let metric = service::metric(&self.0.target).api()?;
        let has_whole =
            service::has_rate(metric) || metric == domain::progress::TargetMetric::MenteesPerMember;
        Ok(has_whole.then(|| int(self.0.whole)))
    }
    /// current / goal; 0 when the goal is 0.
    async fn ratio(&self) -> f64 {
        self.0.progress.ratio
    }
    /// How far from the goal: max(goal − current, 0).
    async fn remaining(&self) -> i32 {
        int(self.0.progress.remaining)
    }
    /// Days from the day measured to the deadline; negative once overdue.
    async fn days_left(&self) -> i32 {
        int(self.0.progress.days_left)
    }
    /// The value at the deadline on a straight line from the baseline; null on or before the
    /// baseline and from the deadline on.
    async fn projected_at_deadline(&self) -> Option<f64> {
        self.0.progress.projected_at_deadline
    }
    /// Achieved, on track, at risk or missed.
    async fn status(&self) -> TargetStatus {
        self.0.progress.status.into()
    }
    /// The value at the end of each month (quarter, year) from the baseline's to the day
    /// measured, the last point dated that day. Computed in one query.
    #[graphql(complexity = "super::cost::history(every.is_none_or(|e| e == Interval::Month))")]
    async fn history(
        &self,
        ctx: &Context<'_>,
        #[graphql(default_with = "Some(Interval::Month)")] every: Option<Interval>,
    ) -> Result<Vec<ProgressPoint>> {
        let (_, db) = viewer(ctx)?;
        let every = every.unwrap_or(Interval::Month).into();
        let points = service::history(db, &self.0.target, self.0.as_of, every)
            .await
            .api()?;
        let rated = service::has_rate(service::metric(&self.0.target).api()?);
        Ok(points
            .into_iter()
            .map(|(date, p)| ProgressPoint {
                date: Date(date),
                value: int(p.value),
                rate: rated.then(|| domain::progress::share(p.value, p.members)),
            })
            .collect())
    }
}

/// The balanced-development indicators for teachers (优质均衡 teacher indicators).
pub struct BalanceReport {
    school_year: i32,
    as_of: chrono::NaiveDate,
    stages: Vec<StageReport>,
}

/// The balanced-development indicators for teachers (优质均衡 teacher indicators).
#[Object]
impl BalanceReport {
    /// The school year whose enrollments weigh the units.
    async fn school_year(&self) -> i32 {
        self.school_year
    }
    /// The day teachers are counted on.
    async fn as_of(&self) -> Date {
        Date(self.as_of)
    }
    /// Per stage with students: the indicators and their units.
    async fn stages(&self) -> Vec<StageBalance> {
        self.stages.iter().cloned().map(StageBalance).collect()
    }
}

/// One stage of the report.
pub struct StageBalance(StageReport);

/// One stage of the report.
#[Object]
impl StageBalance {
    /// The stage.
    async fn stage(&self) -> Stage {
        self.0.stage.into()
    }
    /// The three teacher indicators for the stage.
    async fn indicators(&self) -> Vec<IndicatorSummary> {
        self.0
            .indicators
            .iter()
            .map(|(ind, s)| IndicatorSummary {
                indicator: ind.code().to_owned(),
                county_value: s.county_value,
                threshold: s.threshold,
                gap_coefficient: s.gap_coefficient,
                gap_limit: s.gap_limit,
                passes: s.passes,
                units_below_threshold: int(s.units_below_threshold),
            })
            .collect()
    }
    /// The (school, stage) units with students, in the order schools were registered.
    async fn units(&self) -> Vec<UnitBalance> {
        self.0.units.iter().cloned().map(UnitBalance).collect()
    }
}

/// One indicator over a stage, unrounded.
#[derive(SimpleObject)]
pub struct IndicatorSummary {
    /// KEY_TEACHERS, HIGHER_EDUCATION or PE_ARTS.
    pub indicator: String,
    /// Teachers per 100 students over the county: 100 × Σ counted / Σ students.
    pub county_value: f64,
    /// Teachers per 100 students each unit should reach.
    pub threshold: f64,
    /// The student-weighted gap coefficient (差异系数); 0 when the county value is 0.
    pub gap_coefficient: f64,
    /// The most the gap coefficient may be (0.50 primary, 0.45 junior).
    pub gap_limit: f64,
    /// Whether the gap coefficient is within its limit.
    pub passes: bool,
    /// Units whose value is below the threshold.
    pub units_below_threshold: i32,
}

/// One school's stage in the report.
pub struct UnitBalance(UnitRow);

/// One school's stage in the report.
#[Object]
impl UnitBalance {
    /// The school.
    async fn school(&self, ctx: &Context<'_>) -> Result<School> {
        load_school(ctx, self.0.school_id).await
    }
    /// Students of the stage that school year.
    async fn students(&self) -> i32 {
        int(self.0.students)
    }
    /// Key teachers (county level or above) employed there on the day.
    async fn key_teachers(&self) -> i32 {
        int(self.0.key_teachers)
    }
    /// Teachers above the required education (primary: associate or more; junior: bachelor).
    async fn higher_education(&self) -> i32 {
        int(self.0.higher_education)
    }
    /// PE and arts teachers (体育与健康, 音乐, 美术).
    async fn pe_arts(&self) -> i32 {
        int(self.0.pe_arts)
    }
    /// Key teachers per 100 students.
    async fn key_teachers_per100(&self) -> f64 {
        domain::balance::per_100(self.0.key_teachers, self.0.students)
    }
    /// Higher-educated teachers per 100 students.
    async fn higher_education_per100(&self) -> f64 {
        domain::balance::per_100(self.0.higher_education, self.0.students)
    }
    /// PE and arts teachers per 100 students.
    async fn pe_arts_per100(&self) -> f64 {
        domain::balance::per_100(self.0.pe_arts, self.0.students)
    }
}

/// A new target.
#[derive(InputObject)]
pub struct CreateTargetInput {
    /// Stable code: 2–40 upper-case letters, digits or '_'.
    pub code: String,
    /// What the plan says.
    pub title: String,
    /// What is measured.
    pub metric: TargetMetric,
    /// The fixed goal (studios, key teachers, converted mentees).
    pub goal: Option<i32>,
    /// Mentees per member (mentoring quotas).
    pub per_member: Option<i32>,
    /// The share of employed teachers to have on track, in (0, 1] with at most four decimals
    /// (TRAINING_COMPLIANCE only, which takes no goal).
    pub goal_ratio: Option<f64>,
    /// Lowest level counted (default COUNTY; SCHOOL for MENTEES_PER_MEMBER, as the plan's
    /// quota covers every studio). Not taken by TRAINING_COMPLIANCE or CONVERTED_MENTEES,
    /// whose rules fix what they count.
    pub min_level: Option<Level>,
    /// Designation kinds counted (default the whole family). Not taken by
    /// TRAINING_COMPLIANCE or CONVERTED_MENTEES.
    pub kinds: Option<Vec<DesignationKind>>,
    /// The baseline day.
    pub baseline_on: Date,
    /// The deadline, after the baseline.
    pub deadline: Date,
}

/// Changes to a target; fields left out stay as they are.
#[derive(InputObject, Default)]
pub struct UpdateTargetInput {
    /// What the plan says.
    pub title: Option<String>,
    /// The fixed goal.
    pub goal: Option<i32>,
    /// Mentees per member.
    pub per_member: Option<i32>,
    /// The share to have on track (TRAINING_COMPLIANCE).
    pub goal_ratio: Option<f64>,
    /// Lowest level counted.
    pub min_level: Option<Level>,
    /// Designation kinds counted.
    pub kinds: Option<Vec<DesignationKind>>,
    /// The baseline day.
    pub baseline_on: Option<Date>,
    /// The deadline.
    pub deadline: Option<Date>,
}

/// Target and indicator queries.
#[derive(Default)]
pub struct TargetQuery;

/// Target and indicator queries.
#[Object]
impl TargetQuery {
    /// The targets in force (and retired ones when asked), earliest deadline first.
    async fn targets(
        &self,
        ctx: &Context<'_>,
        #[graphql(default = false)] include_retired: bool,
    ) -> Result<Vec<Target>> {
        let (actor, db) = viewer(ctx)?;
        let rows = service::targets(db, actor, include_retired).await.api()?;
        Ok(rows.into_iter().map(Target).collect())
    }

    /// Progress of every target in force on `asOf` (default today).
    #[graphql(complexity = "super::cost::progress(child_complexity)")]
    async fn progress(
        &self,
        ctx: &Context<'_>,
        as_of: Option<Date>,
    ) -> Result<Vec<TargetProgress>> {
        let (actor, db) = viewer(ctx)?;
        let rows = service::progress(db, actor, day(as_of)).await.api()?;
        Ok(rows.into_iter().map(TargetProgress).collect())
    }

    /// Progress of one target on `asOf` (default today), or null for an unknown code.
    #[graphql(complexity = "super::cost::one_target(child_complexity)")]
    async fn target_progress(
        &self,
        ctx: &Context<'_>,
        code: String,
        as_of: Option<Date>,
    ) -> Result<Option<TargetProgress>> {
        let (actor, db) = viewer(ctx)?;
        let row = service::target_progress(db, actor, &code, day(as_of))
            .await
            .api()?;
        Ok(row.map(TargetProgress))
    }

    /// The balanced-development teacher indicators for a school year, teachers counted on
    /// `asOf` (default today). Units are (school, stage) pairs with students that year.
    #[graphql(complexity = "super::cost::balance(child_complexity)")]
    async fn balanced_development(
        &self,
        ctx: &Context<'_>,
        school_year: i32,
        as_of: Option<Date>,
    ) -> Result<BalanceReport> {
        let (actor, db) = viewer(ctx)?;
        let as_of = day(as_of);
        let stages = balance_service::balanced_development(db, actor, school_year, as_of)
            .await
            .api()?;
        Ok(BalanceReport {
            school_year,
            as_of,
            stages,
        })
    }
}

/// Target mutations (ADMIN only).
#[derive(Default)]
pub struct TargetMutation;

/// Target mutations (ADMIN only).
#[Object]
impl TargetMutation {
    /// Adds a target, e.g. of a 2026–2028 plan (ADMIN). A duplicate code is CONFLICT.
    async fn create_target(&self, ctx: &Context<'_>, input: CreateTargetInput) -> Result<Target> {
        let (actor, db) = viewer(ctx)?;
        let new = NewTarget {
            code: input.code,
            title: Label::parse(&input.title).field("title").api()?,
            metric: input.metric.into(),
            goal: input.goal,
            per_member: input.per_member,
            goal_ratio: ratio(input.goal_ratio)?,
            min_level: input.min_level.map(Into::into),
            kinds: input.kinds.map(|k| to_domain(&k)),
            baseline_on: input.baseline_on.0,
            deadline: input.deadline.0,
        };
        Ok(Target(service::create_target(db, actor, new).await.api()?))
    }

    /// Changes a target (ADMIN).
    async fn update_target(
        &self,
        ctx: &Context<'_>,
        code: String,
        input: UpdateTargetInput,
    ) -> Result<Target> {
        let (actor, db) = viewer(ctx)?;
        let title = match input.title {
            Some(t) => Some(Label::parse(&t).field("title").api()?),
            None => None,
        };
        let patch = TargetPatch {
            title,
            goal: input.goal,
            per_member: input.per_member,
            goal_ratio: ratio(input.goal_ratio)?,
            min_level: input.min_level.map(Into::into),
            kinds: input.kinds.map(|k| to_domain(&k)),
            baseline_on: input.baseline_on.map(|d| d.0),
            deadline: input.deadline.map(|d| d.0),
        };
        Ok(Target(
            service::update_target(db, actor, &code, patch)
                .await
                .api()?,
        ))
    }

    /// Retires a target from `retiredOn` (ADMIN): it leaves `targets` and `progress`.
    async fn retire_target(
        &self,
        ctx: &Context<'_>,
        code: String,
        retired_on: Date,
    ) -> Result<Target> {
        let (actor, db) = viewer(ctx)?;
        Ok(Target(
            service::retire_target(db, actor, &code, retired_on.0)
                .await
                .api()?,
        ))
    }
}
