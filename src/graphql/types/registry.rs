//! The registry's types: schools and their enrollments, teachers with their designations
//! and reserve-pool entries, and the rows of `keyTeacherCounts`. Personal data (birth date, ID
//! number) is shown or masked by the service's rule, not decided here.

use async_graphql::{ComplexObject, Context, Object, Result, SimpleObject};
use uuid::Uuid;

use super::{load_school, load_teacher, prefetch, selects, stored};
use crate::domain::{self, rules};
use crate::error::FieldContext;
use crate::graphql::connection::{connection, node_selections};
use crate::graphql::enums::{Area, DesignationKind, Education, Gender, Level, ReservePool, Stage};
use crate::graphql::error::Api;
use crate::graphql::loaders::{
    DesignationsOf, EnrollmentsOf, MembershipsOf, PairsAsMentee, PairsAsMentor, ReserveEntriesOf,
    SchoolId, TrainingRecordsOf,
};
use crate::graphql::scalars::Date;
use crate::graphql::studios::{MentoringPair, StudioMember};
use crate::graphql::{loaders, viewer};
use crate::service::{self, schools as school_service};
use crate::store::{designation, enrollment, reserve_entry, school, teacher};

/// A school (学校).
#[derive(Clone)]
pub struct School(pub school::Model);

/// A school (学校).
#[Object]
impl School {
    /// Identifier.
    async fn id(&self) -> Uuid {
        self.0.id
    }
    /// Name, unique in the registry (校名).
    async fn name(&self) -> &str {
        &self.0.name
    }
    /// Township (乡镇).
    async fn township(&self) -> &str {
        &self.0.township
    }
    /// Urban or rural (城区/农村).
    async fn area(&self) -> Result<Area> {
        Ok(stored(domain::Area::from_code(&self.0.area))?.into())
    }
    /// Stages taught (学段); a nine-year school teaches both.
    async fn stages(&self) -> Vec<Stage> {
        school_service::stages(&self.0)
            .into_iter()
            .map(Into::into)
            .collect()
    }
    /// Enrollment figures (在校生数), newest school year first.
    async fn enrollments(&self, ctx: &Context<'_>) -> Result<Vec<Enrollment>> {
        let rows = loaders(ctx)?
            .load_one(EnrollmentsOf(self.0.id))
            .await
            .api()?;
        Ok(rows
            .unwrap_or_default()
            .into_iter()
            .map(Enrollment)
            .collect())
    }
}

/// Students of one school, stage and school year (在校生数).
#[derive(Clone)]
pub struct Enrollment(pub enrollment::Model);

/// Students of one school, stage and school year (在校生数).
#[Object]
impl Enrollment {
    /// The school.
    async fn school(&self, ctx: &Context<'_>) -> Result<School> {
        load_school(ctx, self.0.school_id).await
    }
    /// The calendar year the school year starts in (2024 = the 2024–2025 school year).
    async fn school_year(&self) -> i32 {
        self.0.school_year
    }
    /// Stage.
    async fn stage(&self) -> Result<Stage> {
        Ok(stored(domain::Stage::from_code(&self.0.stage))?.into())
    }
    /// Number of students.
    async fn students(&self) -> i32 {
        self.0.students
    }
}

/// A teacher (教师).
#[derive(Clone)]
pub struct Teacher(pub teacher::Model);

impl Teacher {
    /// Loads what the query asks of a page of teachers (through `nodes` or `edges.node`), one
    /// batch per kind of row, into the request's cache (see [`prefetch`]): a page of 100
    /// teachers with their school, designations and memberships then costs the page and three
    /// batches (and the token, when not cached), whatever the load.
    pub(crate) async fn prefetch_page(ctx: &Context<'_>, teachers: &[Teacher]) -> Result<()> {
        // Decided before the first await: a look-ahead borrows the query and stays behind.
        let [
            school,
            designations,
            memberships,
            mentor,
            mentee,
            reserve,
            training,
        ] = {
            let nodes = node_selections(ctx);
            let asks = |field: &str| selects(&nodes, field);
            [
                asks("school"),
                asks("designations") || asks("topDesignation"),
                asks("memberships"),
                asks("mentorPairs"),
                asks("menteePairs"),
                asks("reserveEntries"),
                asks("trainingHours") || asks("trainingRecords"),
            ]
        };
        let ids = || teachers.iter().map(|t| t.0.id);
        tokio::try_join!(
            prefetch(
                ctx,
                school,
                teachers.iter().map(|t| SchoolId(t.0.school_id))
            ),
            prefetch(ctx, designations, ids().map(DesignationsOf)),
            prefetch(ctx, memberships, ids().map(MembershipsOf)),
            prefetch(ctx, mentor, ids().map(PairsAsMentor)),
            prefetch(ctx, mentee, ids().map(PairsAsMentee)),
            prefetch(ctx, reserve, ids().map(ReserveEntriesOf)),
            prefetch(ctx, training, ids().map(TrainingRecordsOf)),
        )?;
        Ok(())
    }
}

/// A teacher (教师).
#[Object]
impl Teacher {
    /// Identifier.
    async fn id(&self) -> Uuid {
        self.0.id
    }
    /// Staff number (工号), unique in the registry.
    async fn staff_no(&self) -> &str {
        &self.0.staff_no
    }
    /// Name (姓名).
    async fn name(&self) -> &str {
        &self.0.name
    }
    /// Gender (性别).
    async fn gender(&self) -> Result<Gender> {
        Ok(stored(domain::Gender::from_code(&self.0.gender))?.into())
    }
    /// Birth date (出生日期); null for roles other than ADMIN and HR, since it is personal
    /// data and would also undo the ID number's masking.
    async fn birth_date(&self, ctx: &Context<'_>) -> Result<Option<Date>> {
        let (actor, _) = viewer(ctx)?;
        Ok(service::teachers::birth_date_shown(actor, &self.0).map(Date))
    }
    /// Resident ID number (身份证号); masked (first 6 and last 4 characters kept) for roles
    /// other than ADMIN and HR.
    async fn id_number(&self, ctx: &Context<'_>) -> Result<Option<String>> {
        let (actor, _) = viewer(ctx)?;
        Ok(service::teachers::id_number_shown(actor, &self.0))
    }
    /// The school the teacher works at.
    async fn school(&self, ctx: &Context<'_>) -> Result<School> {
        load_school(ctx, self.0.school_id).await
    }
    /// Stage taught (学段).
    async fn stage(&self) -> Result<Stage> {
        Ok(stored(domain::Stage::from_code(&self.0.stage))?.into())
    }
    /// Subject taught (学科), from the reference list.
    async fn subject(&self) -> &str {
        &self.0.subject
    }
    /// Highest education (学历).
    async fn education(&self) -> Result<Education> {
        Ok(stored(domain::Education::from_rank(self.0.education))?.into())
    }
    /// First day of employment, if known.
    async fn hired_on(&self) -> Option<Date> {
        self.0.hired_on.map(Date)
    }
    /// Day of departure: employed up to the day before.
    async fn left_on(&self) -> Option<Date> {
        self.0.left_on.map(Date)
    }
    /// Why the teacher left, as recorded.
    async fn leave_reason(&self) -> Option<&str> {
        self.0.leave_reason.as_deref()
    }
    /// Every designation ever awarded, oldest first, revoked and expired ones included.
    async fn designations(&self, ctx: &Context<'_>) -> Result<Vec<Designation>> {
        let rows = loaders(ctx)?
            .load_one(DesignationsOf(self.0.id))
            .await
            .api()?;
        Ok(rows
            .unwrap_or_default()
            .into_iter()
            .map(Designation)
            .collect())
    }
    /// The highest designation in force on `asOf` (default today) at any level: highest level
    /// first, then highest kind. Null when none is in force.
    async fn top_designation(
        &self,
        ctx: &Context<'_>,
        as_of: Option<Date>,
    ) -> Result<Option<Designation>> {
        let d = as_of.map_or_else(rules::today, |d| d.0);
        let rows = loaders(ctx)?
            .load_one(DesignationsOf(self.0.id))
            .await
            .api()?;
        Ok(service::designations::top_in_force(rows.unwrap_or_default(), d).map(Designation))
    }
    /// Studio memberships, any time, oldest first (for a studio host, in its studios).
    async fn memberships(&self, ctx: &Context<'_>) -> Result<Vec<StudioMember>> {
        let rows = loaders(ctx)?
            .load_one(MembershipsOf(self.0.id))
            .await
            .api()?;
        let rows = rows.unwrap_or_default();
        Ok(rows.into_iter().map(StudioMember).collect())
    }
    /// Pairs in which this teacher mentors, oldest first (for a studio host, in its studios).
    async fn mentor_pairs(&self, ctx: &Context<'_>) -> Result<Vec<MentoringPair>> {
        let rows = loaders(ctx)?
            .load_one(PairsAsMentor(self.0.id))
            .await
            .api()?;
        let rows = rows.unwrap_or_default();
        Ok(rows.into_iter().map(MentoringPair).collect())
    }
    /// Pairs in which this teacher is mentored, oldest first (for a studio host, in its
    /// studios).
    async fn mentee_pairs(&self, ctx: &Context<'_>) -> Result<Vec<MentoringPair>> {
        let rows = loaders(ctx)?
            .load_one(PairsAsMentee(self.0.id))
            .await
            .api()?;
        let rows = rows.unwrap_or_default();
        Ok(rows.into_iter().map(MentoringPair).collect())
    }
    /// Training hours (继续教育学时) on `asOf` (rule 10): the cycle's records ended on or before
    /// the day, the hours expected and whether the teacher is on track. `asOf` defaults to
    /// today, or with only `cycle` (e.g. 2021-2025) to the cycle's last day (today while it
    /// runs); given both, `asOf` must lie in the cycle.
    async fn training_hours(
        &self,
        ctx: &Context<'_>,
        cycle: Option<String>,
        as_of: Option<Date>,
    ) -> Result<crate::graphql::training::TrainingHours> {
        let cycle = match cycle {
            Some(c) => Some(domain::training::Cycle::parse(&c).field("cycle").api()?),
            None => None,
        };
        let d = service::training::hours_day(cycle, as_of.map(|d| d.0), rules::today()).api()?;
        let rows = loaders(ctx)?
            .load_one(TrainingRecordsOf(self.0.id))
            .await
            .api()?;
        let hours = service::training::hours_on(&self.0, rows.unwrap_or_default(), d);
        Ok(crate::graphql::training::TrainingHours(hours))
    }
    /// Every training record (培训记录), oldest first.
    async fn training_records(
        &self,
        ctx: &Context<'_>,
    ) -> Result<Vec<crate::graphql::training::TrainingRecord>> {
        let rows = loaders(ctx)?
            .load_one(TrainingRecordsOf(self.0.id))
            .await
            .api()?;
        Ok(rows
            .unwrap_or_default()
            .into_iter()
            .map(crate::graphql::training::TrainingRecord)
            .collect())
    }
    /// Reserve-pool entries, oldest first.
    async fn reserve_entries(&self, ctx: &Context<'_>) -> Result<Vec<ReserveEntry>> {
        let rows = loaders(ctx)?
            .load_one(ReserveEntriesOf(self.0.id))
            .await
            .api()?;
        Ok(rows
            .unwrap_or_default()
            .into_iter()
            .map(ReserveEntry)
            .collect())
    }
}

/// A designation (称号): key teacher, subject leader or master teacher at a level.
#[derive(Clone)]
pub struct Designation(pub designation::Model);

/// A designation (称号): key teacher, subject leader or master teacher at a level.
#[Object]
impl Designation {
    /// Identifier.
    async fn id(&self) -> Uuid {
        self.0.id
    }
    /// The teacher who holds it.
    async fn teacher(&self, ctx: &Context<'_>) -> Result<Teacher> {
        load_teacher(ctx, self.0.teacher_id).await
    }
    /// Kind (骨干教师 / 学科带头人 / 名师).
    async fn kind(&self) -> Result<DesignationKind> {
        Ok(stored(domain::DesignationKind::from_rank(self.0.kind))?.into())
    }
    /// Level (级别).
    async fn level(&self) -> Result<Level> {
        Ok(stored(domain::Level::from_rank(self.0.level))?.into())
    }
    /// Subject named on the certificate, if any.
    async fn subject(&self) -> Option<&str> {
        self.0.subject.as_deref()
    }
    /// Selection batch (评选批次), e.g. 2024年县级骨干教师评选.
    async fn batch(&self) -> Option<&str> {
        self.0.batch.as_deref()
    }
    /// Day awarded: in force from this day.
    async fn awarded_on(&self) -> Date {
        Date(self.0.awarded_on)
    }
    /// Last day in force, if it expires.
    async fn expires_on(&self) -> Option<Date> {
        self.0.expires_on.map(Date)
    }
    /// Day revoked (撤销): no longer in force from this day.
    async fn revoked_on(&self) -> Option<Date> {
        self.0.revoked_on.map(Date)
    }
    /// Why it was revoked.
    async fn revoke_reason(&self) -> Option<&str> {
        self.0.revoke_reason.as_deref()
    }
    /// Certificate number (证书编号), unique when given.
    async fn certificate_no(&self) -> Option<&str> {
        self.0.certificate_no.as_deref()
    }
    /// Whether it is in force on `asOf` (default today): awarded, not expired, not revoked.
    async fn in_force(&self, as_of: Option<Date>) -> bool {
        let d = as_of.map_or_else(rules::today, |d| d.0);
        rules::designation_in_force_on(self.0.awarded_on, self.0.expires_on, self.0.revoked_on, d)
    }
}

/// A stay in a reserve pool (后备库).
#[derive(Clone)]
pub struct ReserveEntry(pub reserve_entry::Model);

/// A stay in a reserve pool (后备库).
#[Object]
impl ReserveEntry {
    /// Identifier.
    async fn id(&self) -> Uuid {
        self.0.id
    }
    /// The teacher in the pool.
    async fn teacher(&self, ctx: &Context<'_>) -> Result<Teacher> {
        load_teacher(ctx, self.0.teacher_id).await
    }
    /// Which pool.
    async fn pool(&self) -> Result<ReservePool> {
        Ok(stored(domain::ReservePool::from_code(&self.0.pool))?.into())
    }
    /// Day entered.
    async fn entered_on(&self) -> Date {
        Date(self.0.entered_on)
    }
    /// Day left, if the teacher has left the pool.
    async fn left_on(&self) -> Option<Date> {
        self.0.left_on.map(Date)
    }
}

/// One group of key teachers. Dimensions not grouped by are null.
#[derive(SimpleObject, Clone)]
#[graphql(complex)]
pub struct CountRow {
    /// Level of the group's top designation (grouped by LEVEL).
    pub level: Option<Level>,
    /// Kind of the group's top designation (grouped by KIND).
    pub kind: Option<DesignationKind>,
    /// Subject (grouped by SUBJECT).
    pub subject: Option<String>,
    #[graphql(skip)]
    pub school_id: Option<Uuid>,
    /// Township (grouped by TOWNSHIP).
    pub township: Option<String>,
    /// Stage (grouped by STAGE).
    pub stage: Option<Stage>,
    /// Area (grouped by AREA).
    pub area: Option<Area>,
    /// Gender (grouped by GENDER).
    pub gender: Option<Gender>,
    /// Distinct teachers in the group.
    pub count: i32,
}

#[ComplexObject]
impl CountRow {
    /// School (grouped by SCHOOL).
    async fn school(&self, ctx: &Context<'_>) -> Result<Option<School>> {
        match self.school_id {
            Some(id) => load_school(ctx, id).await.map(Some),
            None => Ok(None),
        }
    }
}

impl From<crate::store::counts::CountRow> for CountRow {
    fn from(r: crate::store::counts::CountRow) -> Self {
        CountRow {
            level: r.level.map(Into::into),
            kind: r.kind.map(Into::into),
            subject: r.subject,
            school_id: r.school_id,
            township: r.township,
            stage: r.stage.map(Into::into),
            area: r.area.map(Into::into),
            gender: r.gender.map(Into::into),
            count: i32::try_from(r.count).unwrap_or(i32::MAX),
        }
    }
}

connection!(SchoolConnection, SchoolEdge, School, "schools");
connection!(TeacherConnection, TeacherEdge, Teacher, "teachers");
