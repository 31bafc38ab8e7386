//! The studio queries: one studio, or a page of them, as far as the viewer may read.

use std::sync::Arc;

use async_graphql::{Context, Object, Result};
use uuid::Uuid;

use super::types::{Studio, StudioConnection};
use crate::graphql::connection::{Counter, Paged, page_cost, page_request};
use crate::graphql::error::Api;
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
}
