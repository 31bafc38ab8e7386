//! The studio queries: one studio, or a page of them, as far as the viewer may read.

use std::sync::Arc;

use async_graphql::{Context, Object, Result};
use uuid::Uuid;

use super::types::{Conversion, CountyConversion, Studio, StudioConnection};
use crate::domain::rules;
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
}
