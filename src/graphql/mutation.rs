//! Mutations. Each parses its input into domain types at the edge (a parse failure names the
//! input field), then calls one service function, which checks the role, runs one transaction
//! and records one audit event.

use async_graphql::{Context, InputObject, Object, Result};
use uuid::Uuid;

use super::enums::{Area, DesignationKind, Education, Gender, Level, ReservePool, Role, Stage};
use super::error::Api;
use super::scalars::Date;
use super::types::{
    CreatedUser, Designation, Enrollment, ReserveEntry, School, Session, Teacher, User,
};
use super::{state, viewer};
use crate::domain::{IdNumber, Label, PersonName, StaffNo, SubjectName};
use crate::error::{Error, FieldContext, Result as ServiceResult};
use crate::service::{self, designations::NewDesignation, schools::NewSchool};
use crate::service::{
    auth::NewUser, schools::SetEnrollment, teachers::NewTeacher, teachers::TeacherPatch,
};

/// Parses an optional text input; blank counts as not given.
fn optional<T>(
    text: Option<String>,
    field: &str,
    parse: impl Fn(&str) -> std::result::Result<T, crate::domain::Invalid>,
) -> ServiceResult<Option<T>> {
    match text {
        Some(t) if !t.trim().is_empty() => parse(&t).field(field).map(Some),
        _ => Ok(None),
    }
}

/// A new user.
#[derive(InputObject)]
pub struct CreateUserInput {
    /// Login name: 3–64 lower-case letters, digits, '.', '-' or '_'.
    pub username: String,
    /// Role.
    pub role: Role,
    /// The teacher this user is; required for STUDIO_HOST.
    pub teacher_id: Option<Uuid>,
    /// Password for `login` (10–128 characters); without one the user signs in with its token.
    pub password: Option<String>,
}

/// A new school.
#[derive(InputObject)]
pub struct CreateSchoolInput {
    /// Name, unique in the registry.
    pub name: String,
    /// Township (乡镇).
    pub township: String,
    /// Urban or rural.
    pub area: Area,
    /// Stages taught: at least one.
    pub stages: Vec<Stage>,
}

/// Students of one school, stage and school year; setting it again replaces the figure.
#[derive(InputObject)]
pub struct SetEnrollmentInput {
    /// The school.
    pub school_id: Uuid,
    /// The calendar year the school year starts in (2024 = 2024–2025).
    pub school_year: i32,
    /// A stage the school teaches.
    pub stage: Stage,
    /// Number of students, 0 or more.
    pub students: i32,
}

/// A new teacher.
#[derive(InputObject)]
pub struct CreateTeacherInput {
    /// Staff number (工号): 1–32 letters, digits, '-' or '_'; unique.
    pub staff_no: String,
    /// Name.
    pub name: String,
    /// Gender.
    pub gender: Gender,
    /// Birth date; taken from the ID number when left out.
    pub birth_date: Option<Date>,
    /// 18-character resident ID number, checked against its GB 11643 check character.
    pub id_number: Option<String>,
    /// The school.
    pub school_id: Uuid,
    /// A stage the school teaches.
    pub stage: Stage,
    /// Subject, from the reference list.
    pub subject: String,
    /// Highest education.
    pub education: Education,
    /// First day of employment.
    pub hired_on: Option<Date>,
}

/// Corrections to a teacher's record; fields left out stay as they are.
#[derive(InputObject)]
pub struct UpdateTeacherInput {
    /// Name.
    pub name: Option<String>,
    /// Gender.
    pub gender: Option<Gender>,
    /// Birth date.
    pub birth_date: Option<Date>,
    /// Resident ID number.
    pub id_number: Option<String>,
    /// The school (a transfer).
    pub school_id: Option<Uuid>,
    /// Stage.
    pub stage: Option<Stage>,
    /// Subject, from the reference list.
    pub subject: Option<String>,
    /// Highest education.
    pub education: Option<Education>,
    /// First day of employment.
    pub hired_on: Option<Date>,
}

/// A designation to award.
#[derive(InputObject)]
pub struct AwardDesignationInput {
    /// The teacher.
    pub teacher_id: Uuid,
    /// Kind.
    pub kind: DesignationKind,
    /// Level.
    pub level: Level,
    /// Subject on the certificate, from the reference list.
    pub subject: Option<String>,
    /// Selection batch, e.g. 2024年县级骨干教师评选.
    pub batch: Option<String>,
    /// Day awarded.
    pub awarded_on: Date,
    /// Last day in force; not before `awardedOn`.
    pub expires_on: Option<Date>,
    /// Certificate number; unique.
    pub certificate_no: Option<String>,
}

/// A teacher entering a reserve pool.
#[derive(InputObject)]
pub struct EnterReservePoolInput {
    /// The teacher.
    pub teacher_id: Uuid,
    /// Which pool.
    pub pool: ReservePool,
    /// Day entered.
    pub entered_on: Date,
}

/// Registry mutations.
#[derive(Default)]
pub struct RegistryMutation;

/// Registry mutations.
#[Object]
impl RegistryMutation {
    /// Exchanges a username and password for a bearer token that expires. The only operation
    /// that answers without a token; one per HTTP request (batch included).
    async fn login(
        &self,
        ctx: &Context<'_>,
        username: String,
        password: String,
    ) -> Result<Session> {
        let state = state(ctx)?;
        // A password hash is deliberately costly: aliases or a batch must not multiply it.
        if state
            .login_spent
            .swap(true, std::sync::atomic::Ordering::SeqCst)
        {
            return Err(super::error::to_graphql(&Error::invalid(
                "login",
                "one login per request: send each attempt in a request of its own",
            )));
        }
        let policy = state.settings.login_policy();
        let (user, token) = service::auth::login(&state.db, &policy, &username, &password)
            .await
            .api()?;
        Ok(Session {
            token,
            user: User(user),
        })
    }

    /// Creates a user and returns its first token (ADMIN only).
    async fn create_user(&self, ctx: &Context<'_>, input: CreateUserInput) -> Result<CreatedUser> {
        let (actor, db) = viewer(ctx)?;
        let new = NewUser {
            username: input.username,
            role: input.role.into(),
            teacher_id: input.teacher_id,
            password: input.password,
        };
        let (user, token) = service::auth::create_user(db, actor, new).await.api()?;
        Ok(CreatedUser {
            user: User(user),
            token,
        })
    }

    /// Registers a school (ADMIN, HR).
    async fn create_school(&self, ctx: &Context<'_>, input: CreateSchoolInput) -> Result<School> {
        let (actor, db) = viewer(ctx)?;
        let new = NewSchool {
            name: Label::parse(&input.name).field("name").api()?,
            township: Label::parse(&input.township).field("township").api()?,
            area: input.area.into(),
            stages: input.stages.into_iter().map(Into::into).collect(),
        };
        Ok(School(
            service::schools::create_school(db, actor, new)
                .await
                .api()?,
        ))
    }

    /// Sets the students of a school, stage and school year (ADMIN, HR).
    async fn set_enrollment(
        &self,
        ctx: &Context<'_>,
        input: SetEnrollmentInput,
    ) -> Result<Enrollment> {
        let (actor, db) = viewer(ctx)?;
        let set = SetEnrollment {
            school_id: input.school_id,
            school_year: input.school_year,
            stage: input.stage.into(),
            students: input.students,
        };
        Ok(Enrollment(
            service::schools::set_enrollment(db, actor, set)
                .await
                .api()?,
        ))
    }

    /// Registers a teacher (ADMIN, HR).
    async fn create_teacher(
        &self,
        ctx: &Context<'_>,
        input: CreateTeacherInput,
    ) -> Result<Teacher> {
        let (actor, db) = viewer(ctx)?;
        let new = (|| -> ServiceResult<NewTeacher> {
            Ok(NewTeacher {
                staff_no: StaffNo::parse(&input.staff_no).field("staffNo")?,
                name: PersonName::parse(&input.name).field("name")?,
                gender: input.gender.into(),
                birth_date: input.birth_date.map(|d| d.0),
                id_number: optional(input.id_number.clone(), "idNumber", IdNumber::parse)?,
                school_id: input.school_id,
                stage: input.stage.into(),
                subject: SubjectName::parse(&input.subject).field("subject")?,
                education: input.education.into(),
                hired_on: input.hired_on.map(|d| d.0),
            })
        })()
        .api()?;
        Ok(Teacher(
            service::teachers::create_teacher(db, actor, new)
                .await
                .api()?,
        ))
    }

    /// Corrects a teacher's record (ADMIN, HR). Departures use `recordDeparture`.
    async fn update_teacher(
        &self,
        ctx: &Context<'_>,
        id: Uuid,
        input: UpdateTeacherInput,
    ) -> Result<Teacher> {
        let (actor, db) = viewer(ctx)?;
        let patch = (|| -> ServiceResult<TeacherPatch> {
            Ok(TeacherPatch {
                name: optional(input.name.clone(), "name", PersonName::parse)?,
                gender: input.gender.map(Into::into),
                birth_date: input.birth_date.map(|d| d.0),
                id_number: optional(input.id_number.clone(), "idNumber", IdNumber::parse)?,
                school_id: input.school_id,
                stage: input.stage.map(Into::into),
                subject: optional(input.subject.clone(), "subject", SubjectName::parse)?,
                education: input.education.map(Into::into),
                hired_on: input.hired_on.map(|d| d.0),
            })
        })()
        .api()?;
        Ok(Teacher(
            service::teachers::update_teacher(db, actor, id, patch)
                .await
                .api()?,
        ))
    }

    /// Records that a teacher left on `leftOn`: employed up to the day before (ADMIN, HR).
    async fn record_departure(
        &self,
        ctx: &Context<'_>,
        teacher_id: Uuid,
        left_on: Date,
        reason: Option<String>,
    ) -> Result<Teacher> {
        let (actor, db) = viewer(ctx)?;
        let reason = optional(reason, "reason", Label::parse).api()?;
        let tokens = &super::state(ctx)?.tokens;
        let teacher =
            service::teachers::record_departure(db, actor, tokens, teacher_id, left_on.0, reason)
                .await
                .api()?;
        Ok(Teacher(teacher))
    }

    /// Awards a designation (ADMIN, HR).
    async fn award_designation(
        &self,
        ctx: &Context<'_>,
        input: AwardDesignationInput,
    ) -> Result<Designation> {
        let (actor, db) = viewer(ctx)?;
        let new = (|| -> ServiceResult<NewDesignation> {
            Ok(NewDesignation {
                teacher_id: input.teacher_id,
                kind: input.kind.into(),
                level: input.level.into(),
                subject: optional(input.subject.clone(), "subject", SubjectName::parse)?,
                batch: optional(input.batch.clone(), "batch", Label::parse)?,
                awarded_on: input.awarded_on.0,
                expires_on: input.expires_on.map(|d| d.0),
                certificate_no: optional(
                    input.certificate_no.clone(),
                    "certificateNo",
                    Label::parse,
                )?,
            })
        })()
        .api()?;
        Ok(Designation(
            service::designations::award(db, actor, new).await.api()?,
        ))
    }

    /// Revokes a designation from `revokedOn` (ADMIN, HR).
    async fn revoke_designation(
        &self,
        ctx: &Context<'_>,
        id: Uuid,
        revoked_on: Date,
        reason: String,
    ) -> Result<Designation> {
        let (actor, db) = viewer(ctx)?;
        let reason = Label::parse(&reason).field("reason").api()?;
        Ok(Designation(
            service::designations::revoke(db, actor, id, revoked_on.0, reason)
                .await
                .api()?,
        ))
    }

    /// Puts a teacher into a reserve pool (ADMIN, HR).
    async fn enter_reserve_pool(
        &self,
        ctx: &Context<'_>,
        input: EnterReservePoolInput,
    ) -> Result<ReserveEntry> {
        let (actor, db) = viewer(ctx)?;
        Ok(ReserveEntry(
            service::reserve::enter(
                db,
                actor,
                input.teacher_id,
                input.pool.into(),
                input.entered_on.0,
            )
            .await
            .api()?,
        ))
    }

    /// Records that a teacher left a reserve pool (ADMIN, HR).
    async fn leave_reserve_pool(
        &self,
        ctx: &Context<'_>,
        id: Uuid,
        left_on: Date,
    ) -> Result<ReserveEntry> {
        let (actor, db) = viewer(ctx)?;
        Ok(ReserveEntry(
            service::reserve::leave(db, actor, id, left_on.0)
                .await
                .api()?,
        ))
    }
}
