//! Accounts over GraphQL: users, tokens, passwords, logging out and disabling users.

use std::sync::Arc;

use async_graphql::{Context, Object, Result};
use uuid::Uuid;

use super::connection::{Counter, Paged, page_cost, page_request};
use super::error::Api;
use super::types::{ApiToken, User, UserConnection};
use super::{state, viewer};
use crate::service::auth as service;

/// Account queries.
#[derive(Default)]
pub struct AccountQuery;

/// Account queries.
#[Object]
impl AccountQuery {
    /// Every user, in creation order (ADMIN).
    #[graphql(complexity = "page_cost(first, child_complexity)")]
    async fn users(
        &self,
        ctx: &Context<'_>,
        #[graphql(default_with = "Some(50)")] first: Option<i32>,
        after: Option<String>,
    ) -> Result<UserConnection> {
        let (actor, db) = viewer(ctx)?;
        let req = page_request(first.unwrap_or(50), after.as_deref()).api()?;
        let page = service::users(db, actor, req).await.api()?;
        let db = db.clone();
        let counter: Counter = Arc::new(move || {
            let db = db.clone();
            Box::pin(async move { service::user_count(&db).await })
        });
        Ok(UserConnection(Paged::new(page, User, counter)))
    }
}

/// Account mutations.
#[derive(Default)]
pub struct AccountMutation;

/// Account mutations.
#[Object]
impl AccountMutation {
    /// Revokes the token this request came with.
    async fn logout(&self, ctx: &Context<'_>) -> Result<bool> {
        let (actor, db) = viewer(ctx)?;
        service::logout(db, &state(ctx)?.tokens, actor)
            .await
            .api()?;
        Ok(true)
    }

    /// Changes one's own password (10–128 characters); one's other login sessions end.
    async fn change_password(
        &self,
        ctx: &Context<'_>,
        current_password: String,
        new_password: String,
    ) -> Result<bool> {
        let (actor, db) = viewer(ctx)?;
        let tokens = &state(ctx)?.tokens;
        service::change_password(db, tokens, actor, &current_password, new_password)
            .await
            .api()?;
        Ok(true)
    }

    /// Sets a user's password and ends their login sessions (ADMIN).
    async fn set_password(
        &self,
        ctx: &Context<'_>,
        user_id: Uuid,
        password: String,
    ) -> Result<User> {
        let (actor, db) = viewer(ctx)?;
        let tokens = &state(ctx)?.tokens;
        Ok(User(
            service::set_password(db, tokens, actor, user_id, password)
                .await
                .api()?,
        ))
    }

    /// Disables a user; its tokens stop working at once (ADMIN).
    async fn disable_user(&self, ctx: &Context<'_>, id: Uuid) -> Result<User> {
        let (actor, db) = viewer(ctx)?;
        let tokens = &state(ctx)?.tokens;
        Ok(User(
            service::set_disabled(db, tokens, actor, id, true)
                .await
                .api()?,
        ))
    }

    /// Enables a disabled user again (ADMIN).
    async fn enable_user(&self, ctx: &Context<'_>, id: Uuid) -> Result<User> {
        let (actor, db) = viewer(ctx)?;
        let tokens = &state(ctx)?.tokens;
        Ok(User(
            service::set_disabled(db, tokens, actor, id, false)
                .await
                .api()?,
        ))
    }

    /// Revokes a token: one's own, or anyone's for an admin.
    async fn revoke_token(&self, ctx: &Context<'_>, id: Uuid) -> Result<ApiToken> {
        let (actor, db) = viewer(ctx)?;
        let tokens = &state(ctx)?.tokens;
        Ok(ApiToken(
            service::revoke_token(db, tokens, actor, id).await.api()?,
        ))
    }
}
