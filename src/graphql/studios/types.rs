//! The studio API types (名师工作室, 成员, 结对培养, 考核): each wraps the store's row and loads
//! what it links to through the dataloaders, so a page of studios costs a fixed handful of
//! queries however deep the selection goes.

use async_graphql::{Context, Object, Result, SimpleObject};
use uuid::Uuid;

use crate::domain::progress::{PerMember, QuotaStanding};
use crate::domain::{self, rules};
use crate::error::{Error, FieldContext};
use crate::graphql::connection::connection;
use crate::graphql::enums::{
    ActivityKind, AssessmentResult, Level, MemberRole, OutputKind, PairStatus, StudioStatus,
};
use crate::graphql::error::{Api, to_graphql};
use crate::graphql::loaders;
use crate::graphql::loaders::{
    ActivitiesOf, AssessmentsOf, ConversionOn, MembersOn, MenteeCountOn, OutputCountsIn, OutputsIn,
    PairId, PairsOfStudio, QuotaOn, StudioId, TeacherId,
};
use crate::graphql::scalars::Date;
use crate::graphql::types::{
    Designation, School, Teacher, load_school, load_teacher, prefetch, selects, stored,
};
use crate::graphql::{cost, viewer};
use crate::service::studios as service;
use crate::store::conversion::Cohort;
use crate::store::{mentoring_activity, mentoring_pair, studio, studio_assessment, studio_member};

pub(crate) async fn load_studio(ctx: &Context<'_>, id: Uuid) -> Result<Studio> {
    loaders(ctx)?
        .load_one(StudioId(id))
        .await
        .api()?
        .map(Studio)
        .ok_or_else(|| to_graphql(&Error::NotFound("studio")))
}

async fn load_pair(ctx: &Context<'_>, id: Uuid) -> Result<MentoringPair> {
    loaders(ctx)?
        .load_one(PairId(id))
        .await
        .api()?
        .map(MentoringPair)
        .ok_or_else(|| to_graphql(&Error::NotFound("mentoring pair")))
}

/// A master-teacher studio (名师工作室).
#[derive(Clone)]
pub struct Studio(pub studio::Model);

/// A master-teacher studio (名师工作室).
#[Object]
impl Studio {
    /// Identifier.
    async fn id(&self) -> Uuid {
        self.0.id
    }
    /// Name, unique in the registry.
    async fn name(&self) -> &str {
        &self.0.name
    }
    /// Subject, from the reference list.
    async fn subject(&self) -> &str {
        &self.0.subject
    }
    /// Level (county studios and above count toward the plan's target).
    async fn level(&self) -> Result<Level> {
        Ok(stored(domain::Level::from_rank(self.0.level))?.into())
    }
    /// Planned, active or closed today, by its dates (rule 5): PLANNED until the establishment
    /// day, even when that day is recorded ahead; CLOSED from the closing day.
    async fn status(&self) -> StudioStatus {
        rules::studio_status_on(self.0.established_on, self.0.closed_on, rules::today()).into()
    }
    /// The school hosting the studio.
    async fn school(&self, ctx: &Context<'_>) -> Result<School> {
        load_school(ctx, self.0.school_id).await
    }
    /// The host on record (主持人): named at creation or by the latest `changeStudioHost`. It
    /// stays non-null as the contract has it, even after the host has left the county's schools;
    /// who actually hosts on a day (rule 6) is `hostInForce`.
    async fn host(&self, ctx: &Context<'_>) -> Result<Teacher> {
        load_teacher(ctx, self.0.host_teacher_id).await
    }
    /// The host in force (在任主持人) on `asOf` (default today): the member in force with role
    /// HOST (rule 6). Null when there is none: a planned or closed studio, or one whose host
    /// has left the county's schools, until HR hands it on with `changeStudioHost`.
    async fn host_in_force(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The day asked (default today).")] as_of: Option<Date>,
    ) -> Result<Option<Teacher>> {
        let d = as_of.map_or_else(rules::today, |d| d.0);
        let members = loaders(ctx)?
            .load_one(MembersOn(self.0.id, d))
            .await
            .api()?
            .unwrap_or_default();
        match members
            .into_iter()
            .find(|m| m.role == domain::MemberRole::Host.code())
        {
            Some(m) => Ok(Some(load_teacher(ctx, m.teacher_id).await?)),
            None => Ok(None),
        }
    }
    /// Day established: in force from this day. Null while planned.
    async fn established_on(&self) -> Option<Date> {
        self.0.established_on.map(Date)
    }
    /// Day closed: no longer in force from this day.
    async fn closed_on(&self) -> Option<Date> {
        self.0.closed_on.map(Date)
    }
    /// Most ACTIVE pairs per member, if the studio sets one.
    async fn mentee_capacity(&self) -> Option<i32> {
        self.0.mentee_capacity
    }
    /// Members in force on `asOf` (default today), the host first.
    async fn members(&self, ctx: &Context<'_>, as_of: Option<Date>) -> Result<Vec<StudioMember>> {
        let d = as_of.map_or_else(rules::today, |d| d.0);
        let rows = loaders(ctx)?
            .load_one(MembersOn(self.0.id, d))
            .await
            .api()?
            .unwrap_or_default();
        // The members' own fields in one batch each (see `types::prefetch`).
        let (teacher, mentees) = {
            let look = [ctx.look_ahead()];
            (selects(&look, "teacher"), selects(&look, "menteeCount"))
        };
        let today = rules::today();
        tokio::try_join!(
            prefetch(ctx, teacher, rows.iter().map(|m| TeacherId(m.teacher_id))),
            prefetch(
                ctx,
                mentees,
                rows.iter().map(|m| MenteeCountOn(m.id, today))
            ),
        )?;
        Ok(rows.into_iter().map(StudioMember).collect())
    }
    /// Every mentoring pair of the studio, oldest first.
    async fn pairs(&self, ctx: &Context<'_>) -> Result<Vec<MentoringPair>> {
        let rows = loaders(ctx)?
            .load_one(PairsOfStudio(self.0.id))
            .await
            .api()?;
        Ok(rows
            .unwrap_or_default()
            .into_iter()
            .map(MentoringPair)
            .collect())
    }
    /// The studio's mentoring quota on `asOf` (default today), counted as rule 7 counts it:
    /// each member in force mentors up to `perMember` (default 3).
    async fn quota(
        &self,
        ctx: &Context<'_>,
        as_of: Option<Date>,
        #[graphql(default = 3)] per_member: i32,
    ) -> Result<StudioQuota> {
        let q = PerMember::parse(per_member).field("perMember").api()?;
        let d = as_of.map_or_else(rules::today, |d| d.0);
        let point = loaders(ctx)?
            .load_one(QuotaOn(self.0.id, d, q.0))
            .await
            .api()?
            .unwrap_or_default();
        Ok(StudioQuota::new(d, point, q))
    }
    /// Outputs (工作室成果) dated from `from` to `to`, both included, in date order.
    #[graphql(complexity = "cost::outputs(child_complexity)")]
    async fn outputs(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "First day of the range.")] from: Date,
        #[graphql(desc = "Last day of the range, included.")] to: Date,
    ) -> Result<Vec<StudioOutput>> {
        service::range(from.0, to.0).api()?;
        let rows = loaders(ctx)?
            .load_one(OutputsIn(self.0.id, from.0, to.0))
            .await
            .api()?;
        Ok(rows
            .unwrap_or_default()
            .into_iter()
            .map(StudioOutput)
            .collect())
    }
    /// Outputs dated from `from` to `to` (both included) counted by kind and level (rule 11):
    /// one group per kind and level with at least one output.
    #[graphql(complexity = "cost::outputs(child_complexity)")]
    async fn output_counts(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "First day of the range.")] from: Date,
        #[graphql(desc = "Last day of the range, included.")] to: Date,
    ) -> Result<Vec<OutputCount>> {
        service::range(from.0, to.0).api()?;
        let rows = loaders(ctx)?
            .load_one(OutputCountsIn(self.0.id, from.0, to.0))
            .await
            .api()?;
        Ok(rows
            .unwrap_or_default()
            .into_iter()
            .map(OutputCount::from)
            .collect())
    }
    /// Conversion of the studio's mentees on `asOf` (default today), rule 12.
    #[graphql(complexity = "cost::conversion(child_complexity)")]
    async fn conversion(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The day asked (default today).")] as_of: Option<Date>,
    ) -> Result<Conversion> {
        let (actor, _) = viewer(ctx)?;
        let d = as_of.map_or_else(rules::today, |d| d.0);
        // A studio reached through another path (a teacher's memberships) is checked here;
        // the figures of a page of studios then load in one statement.
        if !service::may_read(actor, &self.0).api()? {
            return Err(Error::NotFound("studio")).api();
        }
        let figures = loaders(ctx)?
            .load_one(ConversionOn(self.0.id, d))
            .await
            .api()?
            .unwrap_or_default();
        Ok(Conversion(service::Conversion {
            cohort: Cohort::Studio(self.0.id),
            as_of: d,
            figures,
        }))
    }
    /// Periodic assessments (考核), oldest first.
    async fn assessments(&self, ctx: &Context<'_>) -> Result<Vec<StudioAssessment>> {
        let rows = loaders(ctx)?
            .load_one(AssessmentsOf(self.0.id))
            .await
            .api()?;
        Ok(rows
            .unwrap_or_default()
            .into_iter()
            .map(StudioAssessment)
            .collect())
    }
}

/// A membership of a studio (成员), the host's included.
#[derive(Clone)]
pub struct StudioMember(pub studio_member::Model);

/// A membership of a studio (成员), the host's included.
#[Object]
impl StudioMember {
    /// Identifier (of the membership).
    async fn id(&self) -> Uuid {
        self.0.id
    }
    /// The studio.
    async fn studio(&self, ctx: &Context<'_>) -> Result<Studio> {
        load_studio(ctx, self.0.studio_id).await
    }
    /// The member.
    async fn teacher(&self, ctx: &Context<'_>) -> Result<Teacher> {
        load_teacher(ctx, self.0.teacher_id).await
    }
    /// Host or member.
    async fn role(&self) -> Result<MemberRole> {
        Ok(stored(domain::MemberRole::from_code(&self.0.role))?.into())
    }
    /// Day joined.
    async fn joined_on(&self) -> Date {
        Date(self.0.joined_on)
    }
    /// Day left: no longer a member from this day.
    async fn left_on(&self) -> Option<Date> {
        self.0.left_on.map(Date)
    }
    /// This member's pairs in this studio counted as the mentoring quota counts them (rule 7),
    /// uncapped, today: started by today, less those withdrawn by today.
    async fn mentee_count(&self, ctx: &Context<'_>) -> Result<i32> {
        let n = loaders(ctx)?
            .load_one(MenteeCountOn(self.0.id, rules::today()))
            .await
            .api()?
            .unwrap_or(0);
        Ok(i32::try_from(n).unwrap_or(i32::MAX))
    }
}

/// A mentoring pair (结对培养): a studio member mentors a teacher.
#[derive(Clone)]
pub struct MentoringPair(pub mentoring_pair::Model);

/// A mentoring pair (结对培养): a studio member mentors a teacher.
#[Object]
impl MentoringPair {
    /// Identifier.
    async fn id(&self) -> Uuid {
        self.0.id
    }
    /// The studio the pair belongs to.
    async fn studio(&self, ctx: &Context<'_>) -> Result<Studio> {
        load_studio(ctx, self.0.studio_id).await
    }
    /// The mentor, a member of the studio.
    async fn mentor(&self, ctx: &Context<'_>) -> Result<Teacher> {
        load_teacher(ctx, self.0.mentor_teacher_id).await
    }
    /// The mentee.
    async fn mentee(&self, ctx: &Context<'_>) -> Result<Teacher> {
        load_teacher(ctx, self.0.mentee_teacher_id).await
    }
    /// Day started.
    async fn started_on(&self) -> Date {
        Date(self.0.started_on)
    }
    /// Day ended, once ended.
    async fn ended_on(&self) -> Option<Date> {
        self.0.ended_on.map(Date)
    }
    /// Active, completed or withdrawn.
    async fn status(&self) -> Result<PairStatus> {
        Ok(stored(domain::PairStatus::from_code(&self.0.status))?.into())
    }
    /// What the pair aims for.
    async fn goal(&self) -> Option<&str> {
        self.0.goal.as_deref()
    }
    /// What the pair did together, in date order.
    async fn activities(&self, ctx: &Context<'_>) -> Result<Vec<MentoringActivity>> {
        let rows = loaders(ctx)?
            .load_one(ActivitiesOf(self.0.id))
            .await
            .api()?;
        Ok(rows
            .unwrap_or_default()
            .into_iter()
            .map(MentoringActivity)
            .collect())
    }
}

/// Something a mentoring pair did together.
#[derive(Clone)]
pub struct MentoringActivity(pub mentoring_activity::Model);

/// Something a mentoring pair did together.
#[Object]
impl MentoringActivity {
    /// Identifier.
    async fn id(&self) -> Uuid {
        self.0.id
    }
    /// The pair.
    async fn pair(&self, ctx: &Context<'_>) -> Result<MentoringPair> {
        load_pair(ctx, self.0.pair_id).await
    }
    /// Day it happened.
    async fn date(&self) -> Date {
        Date(self.0.date)
    }
    /// What it was.
    async fn kind(&self) -> Result<ActivityKind> {
        Ok(stored(domain::ActivityKind::from_code(&self.0.kind))?.into())
    }
    /// Hours spent.
    async fn hours(&self) -> f64 {
        self.0.hours
    }
    /// Notes.
    async fn notes(&self) -> Option<&str> {
        self.0.notes.as_deref()
    }
}

/// A studio's standing against the mentoring quota on a day.
#[derive(SimpleObject)]
pub struct StudioQuota {
    /// The day counted.
    pub as_of: Date,
    /// Members in force (the host included).
    pub members: i32,
    /// Their pairs counted as rule 7 counts them, each member capped at the quota.
    pub mentees: i32,
    /// Quota × members in force.
    pub goal: i32,
}

impl StudioQuota {
    /// Rule 7's standing from a measured point (members in force, capped sum) on `d`.
    fn new(d: chrono::NaiveDate, point: crate::store::series::Point, q: PerMember) -> Self {
        let standing = QuotaStanding::new(point.members, point.value, q);
        let int = |n: i64| i32::try_from(n).unwrap_or(i32::MAX);
        StudioQuota {
            as_of: Date(d),
            members: int(standing.members),
            mentees: int(standing.mentees),
            goal: int(standing.goal),
        }
    }
}

/// A studio's assessment for one cycle (考核).
#[derive(Clone)]
pub struct StudioAssessment(pub studio_assessment::Model);

/// A studio's assessment for one cycle (考核).
#[Object]
impl StudioAssessment {
    /// The cycle assessed, e.g. 2024.
    async fn cycle(&self) -> &str {
        &self.0.cycle
    }
    /// Excellent, pass or fail.
    async fn result(&self) -> Result<AssessmentResult> {
        Ok(stored(domain::AssessmentResult::from_code(&self.0.result))?.into())
    }
    /// Day assessed.
    async fn assessed_on(&self) -> Date {
        Date(self.0.assessed_on)
    }
    /// Notes.
    async fn notes(&self) -> Option<&str> {
        self.0.notes.as_deref()
    }
}

connection!(StudioConnection, StudioEdge, Studio, "studios");

/// A studio output (工作室成果, rule 11): a paper, open lesson, research project, award,
/// outreach or resource the studio produced.
#[derive(Clone)]
pub struct StudioOutput(pub service::Output);

/// A studio output (工作室成果, rule 11): a paper, open lesson, research project, award,
/// outreach or resource the studio produced.
#[Object]
impl StudioOutput {
    /// Identifier.
    async fn id(&self) -> Uuid {
        self.0.output.id
    }
    /// The studio it belongs to.
    async fn studio(&self, ctx: &Context<'_>) -> Result<Studio> {
        load_studio(ctx, self.0.output.studio_id).await
    }
    /// What it is.
    async fn kind(&self) -> Result<OutputKind> {
        Ok(stored(domain::OutputKind::from_code(&self.0.output.kind))?.into())
    }
    /// Title.
    async fn title(&self) -> &str {
        &self.0.output.title
    }
    /// Day published, given or awarded.
    async fn date(&self) -> Date {
        Date(self.0.output.date)
    }
    /// Level (级别).
    async fn level(&self) -> Result<Level> {
        Ok(stored(domain::Level::from_rank(self.0.output.level))?.into())
    }
    /// The authors (作者), members in force of the studio on the date.
    async fn authors(&self, ctx: &Context<'_>) -> Result<Vec<Teacher>> {
        // One batch for all of them (awaiting one at a time made a round of statements each).
        let mut found = loaders(ctx)?
            .load_many(self.0.author_ids.iter().map(|id| TeacherId(*id)))
            .await
            .api()?;
        self.0
            .author_ids
            .iter()
            .map(|id| {
                found
                    .remove(&TeacherId(*id))
                    .map(Teacher)
                    .ok_or_else(|| to_graphql(&Error::NotFound("teacher")))
            })
            .collect()
    }
}

/// How many outputs of one kind and level a studio produced over a range (rule 11).
#[derive(SimpleObject)]
pub struct OutputCount {
    /// The kind.
    pub kind: OutputKind,
    /// The level.
    pub level: Level,
    /// Outputs dated within the range, both ends included.
    pub count: i32,
}

impl From<(domain::OutputKind, domain::Level, i64)> for OutputCount {
    fn from((kind, level, n): (domain::OutputKind, domain::Level, i64)) -> Self {
        OutputCount {
            kind: kind.into(),
            level: level.into(),
            count: i32::try_from(n).unwrap_or(i32::MAX),
        }
    }
}

/// Conversion on a day (rule 12): of a cohort — a studio's mentees, the county's, or the
/// key-teacher reserve pool's teachers — how many are key teachers (COUNTY or above) through a
/// designation awarded on or after they joined the cohort.
pub struct Conversion(pub service::Conversion);

/// Conversion on a day (rule 12): of a cohort — a studio's mentees, the county's, or the
/// key-teacher reserve pool's teachers — how many are key teachers (COUNTY or above) through a
/// designation awarded on or after they joined the cohort.
#[Object]
impl Conversion {
    /// The day counted.
    async fn as_of(&self) -> Date {
        Date(self.0.as_of)
    }
    /// Teachers in the cohort on the day: the distinct mentees of pairs started by then, less
    /// pairs withdrawn by then (for the reserve pool, the teachers with a KEY_TEACHER entry
    /// entered by then). Each person once.
    async fn mentees(&self) -> i32 {
        i32::try_from(self.0.figures.cohort).unwrap_or(i32::MAX)
    }
    /// Of them, key teachers on the day (rule 3 at COUNTY, whole family) through a designation
    /// awarded on or after the start of their earliest counted pair (for the reserve pool, their
    /// first entry).
    async fn converted(&self) -> i32 {
        i32::try_from(self.0.figures.converted).unwrap_or(i32::MAX)
    }
    /// Converted ÷ mentees; 0 with no mentees.
    async fn rate(&self) -> f64 {
        self.0.rate()
    }
    /// The converted people, earliest in the cohort first, at most `first` (1–200).
    #[graphql(complexity = "cost::converted_people(child_complexity)")]
    async fn converted_people(
        &self,
        ctx: &Context<'_>,
        #[graphql(default = 50, desc = "How many to list, 1–200.")] first: i32,
    ) -> Result<Vec<ConvertedPerson>> {
        let (actor, db) = viewer(ctx)?;
        let rows = service::converted_people(db, actor, &self.0, first)
            .await
            .api()?;
        Ok(rows.into_iter().map(ConvertedPerson).collect())
    }
}

/// A converted teacher (rule 12) and the designation that converted them.
pub struct ConvertedPerson(pub crate::store::conversion::Converted);

/// A converted teacher (rule 12) and the designation that converted them.
#[Object]
impl ConvertedPerson {
    /// The teacher.
    async fn teacher(&self, ctx: &Context<'_>) -> Result<Teacher> {
        load_teacher(ctx, self.0.teacher_id).await
    }
    /// Day they joined the cohort: the start of their earliest counted pair (for the reserve
    /// pool, their first KEY_TEACHER entry).
    async fn since(&self) -> Date {
        Date(self.0.since)
    }
    /// The designation that converted them: of those in force on the day at COUNTY or above
    /// awarded on or after `since`, the first awarded (ties: the higher level, then kind).
    async fn designation(&self) -> Designation {
        Designation(self.0.designation.clone())
    }
}

/// The county's conversion on a day (rule 12).
#[derive(SimpleObject)]
pub struct CountyConversion {
    /// Every studio's mentees, each person once across studios (since their earliest counted
    /// pair in any studio); a studio host sees the studios it hosts.
    pub mentees: Conversion,
    /// The key-teacher reserve pool (骨干教师后备库).
    pub reserve_pool: Conversion,
}

/// A kind of mentoring activity over a range: how many and how many hours.
#[derive(SimpleObject)]
pub struct ActivityTotal {
    /// The kind.
    pub kind: ActivityKind,
    /// Activities dated within the range, both ends included.
    pub count: i32,
    /// Their hours, summed.
    pub hours: f64,
}

/// What a studio's periodic assessment (考核) looks at over a range, in one answer: members,
/// the mentoring quota, activities, outputs and conversion.
pub struct StudioReport(pub service::Report, pub crate::domain::progress::PerMember);

/// What a studio's periodic assessment (考核) looks at over a range, in one answer: members,
/// the mentoring quota, activities, outputs and conversion.
#[Object]
impl StudioReport {
    /// The studio.
    async fn studio(&self) -> Studio {
        Studio(self.0.studio.clone())
    }
    /// First day of the range.
    async fn from(&self) -> Date {
        Date(self.0.from)
    }
    /// Last day of the range, included; the day members, quota and conversion are counted.
    async fn to(&self) -> Date {
        Date(self.0.to)
    }
    /// Members in force on `to` (rule 6), the host included.
    async fn members(&self) -> i32 {
        i32::try_from(self.0.quota.members).unwrap_or(i32::MAX)
    }
    /// The mentoring quota on `to` (rule 7).
    async fn quota(&self) -> StudioQuota {
        StudioQuota::new(self.0.to, self.0.quota, self.1)
    }
    /// The pairs' activities within the range by kind (kinds with none left out).
    async fn activities(&self) -> Vec<ActivityTotal> {
        self.0
            .activities
            .iter()
            .map(|(kind, n, hours)| ActivityTotal {
                kind: (*kind).into(),
                count: i32::try_from(*n).unwrap_or(i32::MAX),
                hours: *hours,
            })
            .collect()
    }
    /// Outputs within the range by kind and level (rule 11; groups with none left out).
    async fn outputs(&self) -> Vec<OutputCount> {
        self.0
            .outputs
            .iter()
            .copied()
            .map(OutputCount::from)
            .collect()
    }
    /// Conversion of the studio's mentees on `to` (rule 12).
    async fn conversion(&self) -> Conversion {
        Conversion(self.0.conversion)
    }
}
