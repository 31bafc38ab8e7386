//! The studio queries: one studio, or a page of them, as far as the viewer may read.

use std::sync::Arc;

use async_graphql::{Context, Object, Result};
use uuid::Uuid;

use super::types::{Conversion, CountyConversion, Studio, StudioConnection, StudioReport};
use crate::domain::progress::PerMember;
use crate::domain::rules;
use crate::error::FieldContext;
use crate::graphql::connection::{Counter, Paged, page_cost, page_request};
use crate::graphql::cost;
use crate::graphql::error::Api;
use crate::graphql::scalars::Date;
use crate::graphql::viewer;
use crate::service::studios as service;

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

    /// Whether mentoring grows key teachers (rule 12) on `asOf` (default today): the county's
    /// mentees, each person once across studios, and the key-teacher reserve pool. A studio host
    /// sees the mentees of the studios it hosts.
    #[graphql(complexity = "cost::county_conversion(child_complexity)")]
    async fn conversion(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The day asked (default today).")] as_of: Option<Date>,
    ) -> Result<CountyConversion> {
        let (actor, db) = viewer(ctx)?;
        let d = as_of.map_or_else(rules::today, |d| d.0);
        let (mentees, pool) = service::county_conversion(db, actor, d).await.api()?;
        Ok(CountyConversion {
            mentees: Conversion(mentees),
            reserve_pool: Conversion(pool),
        })
    }

    /// A studio's report over `from`..`to` (both included) for its periodic assessment (考核):
    /// members and quota on `to`, activities and outputs within the range, conversion on `to`.
    /// Null for a studio the viewer may not read (a studio host reads only its own).
    #[graphql(complexity = "cost::report(child_complexity)")]
    async fn studio_report(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The studio.")] id: Uuid,
        #[graphql(desc = "First day of the range.")] from: Date,
        #[graphql(desc = "Last day of the range, included.")] to: Date,
        #[graphql(default = 3, desc = "The quota per member (rule 7).")] per_member: i32,
    ) -> Result<Option<StudioReport>> {
        let (actor, db) = viewer(ctx)?;
        let q = PerMember::parse(per_member).field("perMember").api()?;
        let report = service::studio_report(db, actor, id, from.0, to.0, q.0)
            .await
            .api()?;
        Ok(report.map(|r| StudioReport(r, q)))
    }
}
