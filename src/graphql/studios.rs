//! Studios and mentoring over GraphQL: the types, the queries and the mutations.

use std::sync::Arc;

use async_graphql::{Context, InputObject, Object, Result, SimpleObject};
use uuid::Uuid;

use super::connection::{Counter, Paged, connection, page_cost, page_request};
use super::enums::{ActivityKind, AssessmentResult, Level, MemberRole, PairStatus, StudioStatus};
use super::error::{Api, to_graphql};
use super::loaders::{
    ActivitiesOf, AssessmentsOf, MembersOn, MenteeCountOn, PairId, PairsOfStudio, QuotaOn, StudioId,
};
use super::scalars::Date;
use super::types::{School, Teacher, load_school, load_teacher, stored};
use super::{loaders, viewer};
use crate::domain::progress::{PerMember, QuotaStanding};
use crate::domain::{self, Label, SubjectName, rules};
use crate::error::{Error, FieldContext};
use crate::service::studios::{self as service, NewActivity, NewPair, NewStudio};
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
            .api()?;
        Ok(rows
            .unwrap_or_default()
            .into_iter()
            .map(StudioMember)
            .collect())
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
        let standing = QuotaStanding::new(point.members, point.value, q);
        let int = |n: i64| i32::try_from(n).unwrap_or(i32::MAX);
        Ok(StudioQuota {
            as_of: Date(d),
            members: int(standing.members),
            mentees: int(standing.mentees),
            goal: int(standing.goal),
        })
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

/// A new studio.
#[derive(InputObject)]
pub struct CreateStudioInput {
    /// Name, unique.
    pub name: String,
    /// Subject, from the reference list.
    pub subject: String,
    /// Level.
    pub level: Level,
    /// The hosting school.
    pub school_id: Uuid,
    /// The host (主持人); joins as HOST when the studio is established.
    pub host_teacher_id: Uuid,
    /// Day established; left out, the studio is PLANNED until `establishStudio`.
    pub established_on: Option<Date>,
    /// Most ACTIVE pairs per member, if the studio sets one.
    pub mentee_capacity: Option<i32>,
}

/// A new member of a studio.
#[derive(InputObject)]
pub struct AddStudioMemberInput {
    /// The studio.
    pub studio_id: Uuid,
    /// The teacher joining.
    pub teacher_id: Uuid,
    /// Day joined; the studio must be in force then.
    pub joined_on: Date,
}

/// A new mentoring pair.
#[derive(InputObject)]
pub struct CreateMentoringPairInput {
    /// The studio.
    pub studio_id: Uuid,
    /// The mentor: a member in force of the studio on `startedOn`.
    pub mentor_teacher_id: Uuid,
    /// The mentee: any employed teacher but the mentor.
    pub mentee_teacher_id: Uuid,
    /// Day started.
    pub started_on: Date,
    /// What the pair aims for.
    pub goal: Option<String>,
}

/// A mentoring activity to log.
#[derive(InputObject)]
pub struct LogMentoringActivityInput {
    /// The pair.
    pub pair_id: Uuid,
    /// Day it happened, within the pair's time and not in the future.
    pub date: Date,
    /// What it was.
    pub kind: ActivityKind,
    /// Hours spent, more than 0 and at most 24.
    pub hours: f64,
    /// Notes.
    pub notes: Option<String>,
}

/// A studio's assessment for one cycle.
#[derive(InputObject)]
pub struct AssessStudioInput {
    /// The studio.
    pub studio_id: Uuid,
    /// The cycle, e.g. 2024; one assessment per cycle.
    pub cycle: String,
    /// The result; FAIL closes an active studio on `assessedOn`.
    pub result: AssessmentResult,
    /// Day assessed.
    pub assessed_on: Date,
    /// Notes.
    pub notes: Option<String>,
}

/// A studio after its assessment.
#[derive(SimpleObject)]
pub struct AssessedStudio {
    /// The assessment recorded.
    pub assessment: StudioAssessment,
    /// The studio, closed if it failed.
    pub studio: Studio,
}

/// Free text of several lines, cleaned by the domain's one text rule; blank is none.
fn notes(text: Option<String>, field: &str) -> crate::error::Result<Option<String>> {
    crate::domain::text::optional_note(text.as_deref()).field(field)
}

/// Studio queries.
#[derive(Default)]
pub struct StudioQuery;

/// Studio queries.
#[Object]
impl StudioQuery {
    /// One studio, or null (a studio host reads only the studios it hosts).
    async fn studio(&self, ctx: &Context<'_>, id: Uuid) -> Result<Option<Studio>> {
        let (actor, db) = viewer(ctx)?;
        Ok(service::studio(db, actor, id).await.api()?.map(Studio))
    }

    /// Studios in the order they were created (for a studio host, those it hosts).
    #[graphql(complexity = "page_cost(first, child_complexity)")]
    async fn studios(
        &self,
        ctx: &Context<'_>,
        #[graphql(default_with = "Some(50)")] first: Option<i32>,
        after: Option<String>,
    ) -> Result<StudioConnection> {
        let (actor, db) = viewer(ctx)?;
        let req = page_request(first.unwrap_or(50), after.as_deref()).api()?;
        let page = service::studios(db, actor, req).await.api()?;
        let (db, actor) = (db.clone(), actor.clone());
        let counter: Counter = Arc::new(move || {
            let (db, actor) = (db.clone(), actor.clone());
            Box::pin(async move { service::studio_count(&db, &actor).await })
        });
        Ok(StudioConnection(Paged::new(page, Studio, counter)))
    }
}

/// Studio mutations.
#[derive(Default)]
pub struct StudioMutation;

/// Studio mutations.
#[Object]
impl StudioMutation {
    /// Creates a studio (ADMIN, HR); with `establishedOn` it is ACTIVE and its host joins that
    /// day, without it is PLANNED.
    async fn create_studio(&self, ctx: &Context<'_>, input: CreateStudioInput) -> Result<Studio> {
        let (actor, db) = viewer(ctx)?;
        let new = NewStudio {
            name: Label::parse(&input.name).field("name").api()?,
            subject: SubjectName::parse(&input.subject).field("subject").api()?,
            level: input.level.into(),
            school_id: input.school_id,
            host_teacher_id: input.host_teacher_id,
            established_on: input.established_on.map(|d| d.0),
            mentee_capacity: input.mentee_capacity,
        };
        Ok(Studio(service::create_studio(db, actor, new).await.api()?))
    }

    /// Opens a PLANNED studio (ADMIN, HR); its host joins that day.
    async fn establish_studio(
        &self,
        ctx: &Context<'_>,
        id: Uuid,
        established_on: Date,
    ) -> Result<Studio> {
        let (actor, db) = viewer(ctx)?;
        Ok(Studio(
            service::establish_studio(db, actor, id, established_on.0)
                .await
                .api()?,
        ))
    }

    /// Hands a studio to a new host from `on` (主持人变更; ADMIN, HR): the open HOST membership
    /// ends on `on`, and the new host, employed on `on`, joins as HOST that day (a membership
    /// they already hold ends that day too). The studio must be in force on `on`. The way to
    /// give a studio whose host has left a host again.
    async fn change_studio_host(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The studio (工作室).")] studio_id: Uuid,
        #[graphql(desc = "The new host (新主持人), employed on `on`.")] teacher_id: Uuid,
        #[graphql(desc = "Day of the handover: the old host's last day is the day before.")]
        on: Date,
    ) -> Result<Studio> {
        let (actor, db) = viewer(ctx)?;
        Ok(Studio(
            service::change_host(db, actor, studio_id, teacher_id, on.0)
                .await
                .api()?,
        ))
    }

    /// Closes an ACTIVE studio from `closedOn` (ADMIN, HR).
    async fn close_studio(&self, ctx: &Context<'_>, id: Uuid, closed_on: Date) -> Result<Studio> {
        let (actor, db) = viewer(ctx)?;
        Ok(Studio(
            service::close_studio(db, actor, id, closed_on.0)
                .await
                .api()?,
        ))
    }

    /// Records a studio's assessment for a cycle (ADMIN, HR); a FAIL closes it.
    async fn assess_studio(
        &self,
        ctx: &Context<'_>,
        input: AssessStudioInput,
    ) -> Result<AssessedStudio> {
        let (actor, db) = viewer(ctx)?;
        let cycle = Label::parse(&input.cycle).field("cycle").api()?;
        let notes = notes(input.notes, "notes").api()?;
        let (assessment, studio) = service::assess_studio(
            db,
            actor,
            input.studio_id,
            cycle,
            input.result.into(),
            input.assessed_on.0,
            notes,
        )
        .await
        .api()?;
        Ok(AssessedStudio {
            assessment: StudioAssessment(assessment),
            studio: Studio(studio),
        })
    }

    /// Adds a member (the studio's host in force, ADMIN, HR).
    async fn add_studio_member(
        &self,
        ctx: &Context<'_>,
        input: AddStudioMemberInput,
    ) -> Result<StudioMember> {
        let (actor, db) = viewer(ctx)?;
        Ok(StudioMember(
            service::add_member(
                db,
                actor,
                input.studio_id,
                input.teacher_id,
                input.joined_on.0,
            )
            .await
            .api()?,
        ))
    }

    /// Records that a member left on `leftOn` (the studio's host in force, ADMIN, HR). The host
    /// cannot leave, nor a member with active pairs.
    async fn remove_studio_member(
        &self,
        ctx: &Context<'_>,
        id: Uuid,
        left_on: Date,
    ) -> Result<StudioMember> {
        let (actor, db) = viewer(ctx)?;
        Ok(StudioMember(
            service::remove_member(db, actor, id, left_on.0)
                .await
                .api()?,
        ))
    }

    /// Pairs a mentee with a member (the studio's host in force, ADMIN, HR).
    async fn create_mentoring_pair(
        &self,
        ctx: &Context<'_>,
        input: CreateMentoringPairInput,
    ) -> Result<MentoringPair> {
        let (actor, db) = viewer(ctx)?;
        let new = NewPair {
            studio_id: input.studio_id,
            mentor_teacher_id: input.mentor_teacher_id,
            mentee_teacher_id: input.mentee_teacher_id,
            started_on: input.started_on.0,
            goal: notes(input.goal, "goal").api()?,
        };
        Ok(MentoringPair(
            service::create_pair(db, actor, new).await.api()?,
        ))
    }

    /// Ends a pair COMPLETED or WITHDRAWN on `endedOn` (the studio's host in force, ADMIN, HR).
    async fn end_mentoring_pair(
        &self,
        ctx: &Context<'_>,
        id: Uuid,
        ended_on: Date,
        status: PairStatus,
    ) -> Result<MentoringPair> {
        let (actor, db) = viewer(ctx)?;
        Ok(MentoringPair(
            service::end_pair(db, actor, id, ended_on.0, status.into())
                .await
                .api()?,
        ))
    }

    /// Logs what a pair did (the studio's host in force, ADMIN, HR).
    async fn log_mentoring_activity(
        &self,
        ctx: &Context<'_>,
        input: LogMentoringActivityInput,
    ) -> Result<MentoringActivity> {
        let (actor, db) = viewer(ctx)?;
        let new = NewActivity {
            pair_id: input.pair_id,
            date: input.date.0,
            kind: input.kind.into(),
            hours: input.hours,
            notes: notes(input.notes, "notes").api()?,
        };
        Ok(MentoringActivity(
            service::log_activity(db, actor, new).await.api()?,
        ))
    }
}
