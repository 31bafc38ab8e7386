//! The studio mutations' input objects and their one payload. Inputs stay plain GraphQL
//! values here; `mutation.rs` parses them into the service's types.

use async_graphql::{InputObject, SimpleObject};
use uuid::Uuid;

use super::types::{Studio, StudioAssessment};
use crate::graphql::enums::{ActivityKind, AssessmentResult, Level, OutputKind};
use crate::graphql::scalars::Date;

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

/// A studio output to log (工作室成果), or the new values of one corrected.
#[derive(InputObject)]
pub struct StudioOutputInput {
    /// The studio; in force on `date`. A correction keeps the output's studio and must name it.
    pub studio_id: Uuid,
    /// What it is.
    pub kind: OutputKind,
    /// Title (1–200 characters).
    pub title: String,
    /// Day published, given or awarded; not in the future.
    pub date: Date,
    /// Level (级别) of the output, e.g. the level of the award or of the journal.
    pub level: Level,
    /// The authors (作者): each a member in force of the studio on `date`; 1–50, a repeat
    /// counts once.
    pub author_ids: Vec<Uuid>,
}
