//! The studio and mentoring mutations: each parses its input into the service's types and
//! calls one service function, which checks the permission and runs the transaction.

use async_graphql::{Context, Object, Result};
use uuid::Uuid;

use super::inputs::{
    AddStudioMemberInput, AssessStudioInput, AssessedStudio, CreateMentoringPairInput,
    CreateStudioInput, LogMentoringActivityInput, StudioOutputInput,
};
use super::types::{
    MentoringActivity, MentoringPair, Studio, StudioAssessment, StudioMember, StudioOutput,
};
use crate::domain::{Label, SubjectName};
use crate::error::FieldContext;
use crate::graphql::enums::PairStatus;
use crate::graphql::error::Api;
use crate::graphql::scalars::Date;
use crate::graphql::viewer;
use crate::service::studios::{self as service, NewActivity, NewOutput, NewPair, NewStudio};

/// Free text of several lines, cleaned by the domain's one text rule; blank is none.
fn notes(text: Option<String>, field: &str) -> crate::error::Result<Option<String>> {
    crate::domain::text::optional_note(text.as_deref()).field(field)
}

/// Parses an output's input into the service's type.
fn new_output(input: StudioOutputInput) -> crate::error::Result<NewOutput> {
    Ok(NewOutput {
        studio_id: input.studio_id,
        kind: input.kind.into(),
        title: Label::parse(&input.title).field("title")?,
        date: input.date.0,
        level: input.level.into(),
        author_ids: input.author_ids,
    })
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

    /// Logs a studio output (工作室成果; the studio's host in force, ADMIN, HR): the studio
    /// in force on its date, every author a member in force of it that day (rule 11), or
    /// nothing is written.
    async fn log_studio_output(
        &self,
        ctx: &Context<'_>,
        input: StudioOutputInput,
    ) -> Result<StudioOutput> {
        let (actor, db) = viewer(ctx)?;
        let new = new_output(input).api()?;
        Ok(StudioOutput(
            service::log_output(db, actor, new).await.api()?,
        ))
    }

    /// Corrects a studio output (the same roles as `logStudioOutput`): its kind, title, date,
    /// level and authors are replaced and checked again; it stays in its studio.
    async fn correct_studio_output(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The output.")] id: Uuid,
        input: StudioOutputInput,
    ) -> Result<StudioOutput> {
        let (actor, db) = viewer(ctx)?;
        let new = new_output(input).api()?;
        Ok(StudioOutput(
            service::correct_output(db, actor, id, new).await.api()?,
        ))
    }

    /// Deletes a studio output logged in error (the same roles as `logStudioOutput`); returns
    /// its id.
    async fn delete_studio_output(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The output.")] id: Uuid,
    ) -> Result<Uuid> {
        let (actor, db) = viewer(ctx)?;
        Ok(service::delete_output(db, actor, id).await.api()?.id)
    }
}
