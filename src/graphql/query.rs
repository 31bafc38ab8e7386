//! Queries. Every one needs an authenticated actor; the service decides what its role may read.

use std::sync::Arc;

use async_graphql::{Context, InputObject, Object, Result};
use uuid::Uuid;

use super::connection::{Counter, Paged, page_cost, page_request};
use super::enums::{Area, CountDimension, DesignationKind, Level, ReservePool, Stage, to_domain};
use super::error::Api;
use super::scalars::Date;
use super::types::{
    AuditEvent, AuditEventConnection, CountRow, School, SchoolConnection, Teacher,
    TeacherConnection, User,
};
use super::viewer;
use crate::domain::{rules, text};
use crate::error::{Error, FieldContext};
use crate::service::{self, counts::CountRequest};
use crate::store::audit::AuditFilter as StoreAuditFilter;
use crate::store::{
    counts::CountFilter as StoreCountFilter, teacher::TeacherFilter as StoreFilter,
};

/// Filters for `teachers`; the given ones combine with AND.
#[derive(InputObject, Default)]
pub struct TeacherFilter {
    /// Teachers of this school.
    pub school_id: Option<Uuid>,
    /// Teachers of schools in this township.
    pub township: Option<String>,
    /// Teachers of this stage.
    pub stage: Option<Stage>,
    /// Teachers of this subject.
    pub subject: Option<String>,
    /// Teachers whose name contains this text.
    pub name_contains: Option<String>,
    /// The teacher with this staff number.
    pub staff_no: Option<String>,
    /// With `minLevel` and `inForceOn`: holding a designation of this kind.
    pub designation_kind: Option<DesignationKind>,
    /// With `designationKind` and `inForceOn`: holding a designation at this level or above.
    pub min_level: Option<Level>,
    /// With `designationKind` and `minLevel`: holding a designation in force on this day.
    pub in_force_on: Option<Date>,
    /// Teachers with an entry in this reserve pool that has not been left (as of today: a
    /// `leftOn` recorded ahead of time takes effect on that day).
    pub reserve_pool: Option<ReservePool>,
    /// Teachers employed on this day.
    pub employed_on: Option<Date>,
    /// Teachers behind on training hours on this day (rule 10): employed, with fewer hours of
    /// the day's cycle up to the day than the 72 a year they owe.
    pub training_behind_on: Option<Date>,
}

/// A filter's text, cleaned as stored text is (so it matches it) and bounded like it; the
/// field is named as the API spells it, inside `filter`.
fn term(
    text: Option<String>,
    field: &str,
    max_chars: usize,
) -> crate::error::Result<Option<String>> {
    text::search_term(text.as_deref(), max_chars).field(&format!("filter.{field}"))
}

impl TryFrom<TeacherFilter> for StoreFilter {
    type Error = Error;
    fn try_from(f: TeacherFilter) -> crate::error::Result<Self> {
        Ok(StoreFilter {
            school_id: f.school_id,
            township: term(f.township, "township", text::LABEL_MAX_CHARS)?,
            stage: f.stage.map(Into::into),
            subject: term(f.subject, "subject", text::NAME_MAX_CHARS)?,
            name_contains: term(f.name_contains, "nameContains", text::NAME_MAX_CHARS)?,
            staff_no: term(f.staff_no, "staffNo", text::STAFF_NO_MAX_CHARS)?,
            designation_kind: f.designation_kind.map(Into::into),
            min_level: f.min_level.map(Into::into),
            in_force_on: f.in_force_on.map(|d| d.0),
            reserve_pool: f.reserve_pool.map(|p| (p.into(), rules::today())),
            employed_on: f.employed_on.map(|d| d.0),
            training_behind_on: f.training_behind_on.map(|d| d.0),
        })
    }
}

/// Teachers in a reserve pool on a day.
#[derive(async_graphql::SimpleObject)]
pub struct ReservePoolCount {
    /// The pool.
    pub pool: ReservePool,
    /// Distinct teachers in it.
    pub count: i32,
}

/// Which audit events to list; the given filters combine with AND.
#[derive(InputObject, Default)]
pub struct AuditEventFilter {
    /// Events of this username.
    pub actor: Option<String>,
    /// Events of this operation (a mutation's name, e.g. updateTeacher).
    pub operation: Option<String>,
    /// Events about this record.
    pub entity_id: Option<Uuid>,
    /// Events at or after this instant.
    pub from: Option<chrono::DateTime<chrono::Utc>>,
    /// Events before this instant.
    pub to: Option<chrono::DateTime<chrono::Utc>>,
}

impl TryFrom<AuditEventFilter> for StoreAuditFilter {
    type Error = Error;
    fn try_from(f: AuditEventFilter) -> crate::error::Result<Self> {
        Ok(StoreAuditFilter {
            actor: term(f.actor, "actor", text::USERNAME_MAX_CHARS)?,
            operation: term(f.operation, "operation", text::USERNAME_MAX_CHARS)?,
            entity_id: f.entity_id,
            from: f.from,
            to: f.to,
        })
    }
}

/// Which teachers a count considers; the given filters combine with AND.
#[derive(InputObject, Default)]
pub struct CountFilter {
    /// Only this school.
    pub school_id: Option<Uuid>,
    /// Only schools in this township.
    pub township: Option<String>,
    /// Only this stage.
    pub stage: Option<Stage>,
    /// Only urban or only rural schools.
    pub area: Option<Area>,
    /// Only this subject.
    pub subject: Option<String>,
}

impl TryFrom<CountFilter> for StoreCountFilter {
    type Error = Error;
    fn try_from(f: CountFilter) -> crate::error::Result<Self> {
        Ok(StoreCountFilter {
            school_id: f.school_id,
            township: term(f.township, "township", text::LABEL_MAX_CHARS)?,
            stage: f.stage.map(Into::into),
            area: f.area.map(Into::into),
            subject: term(f.subject, "subject", text::NAME_MAX_CHARS)?,
        })
    }
}

/// Registry queries.
#[derive(Default)]
pub struct RegistryQuery;

/// Registry queries.
#[Object]
impl RegistryQuery {
    /// The user the bearer token belongs to.
    async fn me(&self, ctx: &Context<'_>) -> Result<User> {
        let (actor, db) = viewer(ctx)?;
        service::auth::users_by_ids(db, &[actor.user_id])
            .await
            .api()?
            .into_iter()
            .next()
            .map(User)
            .ok_or_else(|| super::error::to_graphql(&Error::NotFound("user")))
    }

    /// One school, or null.
    async fn school(&self, ctx: &Context<'_>, id: Uuid) -> Result<Option<School>> {
        let (actor, db) = viewer(ctx)?;
        Ok(service::schools::school(db, actor, id)
            .await
            .api()?
            .map(School))
    }

    /// Schools in the order they were registered.
    #[graphql(complexity = "page_cost(first, child_complexity)")]
    async fn schools(
        &self,
        ctx: &Context<'_>,
        #[graphql(default_with = "Some(50)")] first: Option<i32>,
        after: Option<String>,
    ) -> Result<SchoolConnection> {
        let (actor, db) = viewer(ctx)?;
        let req = page_request(first.unwrap_or(50), after.as_deref()).api()?;
        let page = service::schools::schools(db, actor, req).await.api()?;
        let (db, actor) = (db.clone(), actor.clone());
        let counter: Counter = Arc::new(move || {
            let (db, actor) = (db.clone(), actor.clone());
            Box::pin(async move { service::schools::school_count(&db, &actor).await })
        });
        Ok(SchoolConnection(Paged::new(page, School, counter)))
    }

    /// One teacher, or null.
    async fn teacher(&self, ctx: &Context<'_>, id: Uuid) -> Result<Option<Teacher>> {
        let (actor, db) = viewer(ctx)?;
        Ok(service::teachers::teacher(db, actor, id)
            .await
            .api()?
            .map(Teacher))
    }

    /// Teachers the filter keeps, in the order they were registered.
    #[graphql(complexity = "page_cost(first, child_complexity)")]
    async fn teachers(
        &self,
        ctx: &Context<'_>,
        filter: Option<TeacherFilter>,
        #[graphql(default_with = "Some(50)")] first: Option<i32>,
        after: Option<String>,
    ) -> Result<TeacherConnection> {
        let (actor, db) = viewer(ctx)?;
        let req = page_request(first.unwrap_or(50), after.as_deref()).api()?;
        let filter = StoreFilter::try_from(filter.unwrap_or_default()).api()?;
        let page = service::teachers::teachers(db, actor, &filter, req)
            .await
            .api()?;
        let (db, actor) = (db.clone(), actor.clone());
        let counter: Counter = Arc::new(move || {
            let (db, actor, filter) = (db.clone(), actor.clone(), filter.clone());
            Box::pin(async move { service::teachers::teacher_count(&db, &actor, &filter).await })
        });
        let paged = Paged::new(page, Teacher, counter);
        Teacher::prefetch_page(ctx, &paged.nodes).await?;
        Ok(TeacherConnection(paged))
    }

    /// Key teachers on `asOf` (default today), each person counted once (counting rules 1–4):
    /// employed, holding a designation in force at `minLevel` or above of one of `kinds` (default
    /// the whole family), grouped by `groupBy` (by level or kind: in their top designation's
    /// group). Groups with no one are left out; no `groupBy` gives one row with the total.
    #[graphql(complexity = "super::cost::counts(group_by.len(), child_complexity)")]
    async fn key_teacher_counts(
        &self,
        ctx: &Context<'_>,
        #[graphql(default)] group_by: Vec<CountDimension>,
        #[graphql(default_with = "Some(Level::County)")] min_level: Option<Level>,
        kinds: Option<Vec<DesignationKind>>,
        as_of: Option<Date>,
        filter: Option<CountFilter>,
    ) -> Result<Vec<CountRow>> {
        let (actor, db) = viewer(ctx)?;
        let req = CountRequest {
            group_by: to_domain(&group_by),
            min_level: min_level.unwrap_or(Level::County).into(),
            kinds: kinds.map(|k| to_domain(&k)),
            as_of: as_of.map_or_else(rules::today, |d| d.0),
            filter: StoreCountFilter::try_from(filter.unwrap_or_default()).api()?,
        };
        let rows = service::counts::key_teacher_counts(db, actor, req)
            .await
            .api()?;
        Ok(rows.into_iter().map(CountRow::from).collect())
    }

    /// The audit trail, newest first (ADMIN only): one event per successful change.
    #[graphql(complexity = "page_cost(first, child_complexity)")]
    async fn audit_events(
        &self,
        ctx: &Context<'_>,
        #[graphql(default_with = "Some(50)")] first: Option<i32>,
        after: Option<String>,
        filter: Option<AuditEventFilter>,
    ) -> Result<AuditEventConnection> {
        let (actor, db) = viewer(ctx)?;
        let req = page_request(first.unwrap_or(50), after.as_deref()).api()?;
        let filter = StoreAuditFilter::try_from(filter.unwrap_or_default()).api()?;
        let page = service::audit::events(db, actor, &filter, req)
            .await
            .api()?;
        let db = db.clone();
        let counter: Counter = Arc::new(move || {
            let (db, filter) = (db.clone(), filter.clone());
            Box::pin(async move { service::audit::count(&db, &filter).await })
        });
        Ok(AuditEventConnection(Paged::new(page, AuditEvent, counter)))
    }

    /// Teachers in each reserve pool on `asOf` (default today): employed, entered, not left.
    #[graphql(complexity = "super::cost::reserve(child_complexity)")]
    async fn reserve_pool_counts(
        &self,
        ctx: &Context<'_>,
        as_of: Option<Date>,
    ) -> Result<Vec<ReservePoolCount>> {
        let (actor, db) = viewer(ctx)?;
        let d = as_of.map_or_else(rules::today, |d| d.0);
        let rows = service::reserve::counts(db, actor, d).await.api()?;
        Ok(rows
            .into_iter()
            .map(|(pool, n)| ReservePoolCount {
                pool: pool.into(),
                count: i32::try_from(n).unwrap_or(i32::MAX),
            })
            .collect())
    }

    /// The subject reference list (学科), in its order.
    async fn subjects(&self, ctx: &Context<'_>) -> Result<Vec<String>> {
        let (actor, db) = viewer(ctx)?;
        service::schools::subjects(db, actor).await.api()
    }
}
