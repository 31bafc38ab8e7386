//! The accounts' types: users and their tokens, the payloads of `createUser` and `login`,
//! and the audit trail's events. A token is described, never shown, except once when issued.

use async_graphql::{Context, Object, Result, SimpleObject};
use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::{Teacher, load_teacher, stored};
use crate::domain;
use crate::graphql::connection::connection;
use crate::graphql::enums::Role;
use crate::graphql::error::Api;
use crate::graphql::loaders;
use crate::graphql::loaders::TokensOf;
use crate::store::{audit, user};

/// A user of the service.
#[derive(Clone)]
pub struct User(pub user::Model);

/// A user of the service.
#[Object]
impl User {
    /// Identifier.
    async fn id(&self) -> Uuid {
        self.0.id
    }
    /// Login name.
    async fn username(&self) -> &str {
        &self.0.username
    }
    /// Role, which decides what the user may read and change.
    async fn role(&self) -> Result<Role> {
        Ok(stored(domain::Role::from_code(&self.0.role))?.into())
    }
    /// The teacher this user is (studio hosts), if linked.
    async fn teacher(&self, ctx: &Context<'_>) -> Result<Option<Teacher>> {
        match self.0.teacher_id {
            Some(id) => load_teacher(ctx, id).await.map(Some),
            None => Ok(None),
        }
    }
    /// When the user was created.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
    /// When the user was disabled; a disabled user's tokens do not work.
    async fn disabled_at(&self) -> Option<DateTime<Utc>> {
        self.0.disabled_at
    }
    /// Whether the user can log in with a password.
    async fn has_password(&self) -> bool {
        self.0.password_hash.is_some()
    }
    /// The user's tokens, newest first (the user itself, or an admin). Batched over a page
    /// of users.
    async fn tokens(&self, ctx: &Context<'_>) -> Result<Vec<ApiToken>> {
        let rows = loaders(ctx)?
            .load_one(TokensOf(self.0.id))
            .await
            .api()?
            .unwrap_or_default();
        Ok(rows.into_iter().map(ApiToken).collect())
    }
}

/// A bearer token, described (the token itself is shown only when issued).
#[derive(Clone)]
pub struct ApiToken(pub crate::store::token::Model);

/// A bearer token, described (the token itself is shown only when issued).
#[Object]
impl ApiToken {
    /// Identifier, for revoking it.
    async fn id(&self) -> Uuid {
        self.0.id
    }
    /// Where it came from: cli, first-start, createUser or login.
    async fn origin(&self) -> &str {
        &self.0.label
    }
    /// When it was issued.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
    /// When it expires; null for tokens that last until revoked.
    async fn expires_at(&self) -> Option<DateTime<Utc>> {
        self.0.expires_at
    }
    /// When it was revoked.
    async fn revoked_at(&self) -> Option<DateTime<Utc>> {
        self.0.revoked_at
    }
}

/// A new user and its first bearer token (shown only this once).
#[derive(SimpleObject)]
pub struct CreatedUser {
    /// The user.
    pub user: User,
    /// Bearer token for the user; it does not expire until revoked.
    pub token: String,
}

/// A logged-in session.
#[derive(SimpleObject)]
pub struct Session {
    /// Bearer token; it expires after the configured lifetime.
    pub token: String,
    /// Who logged in.
    pub user: User,
}

/// One successful change, as the audit trail keeps it.
#[derive(Clone)]
pub struct AuditEvent(pub audit::Model);

/// One successful change, as the audit trail keeps it.
#[Object]
impl AuditEvent {
    /// Identifier.
    async fn id(&self) -> Uuid {
        self.0.id
    }
    /// When it happened.
    async fn at(&self) -> DateTime<Utc> {
        self.0.at
    }
    /// Username of who did it (`system` for the first start and command-line setup).
    async fn actor(&self) -> &str {
        &self.0.actor
    }
    /// The mutation's name, e.g. `createTeacher`.
    async fn operation(&self) -> &str {
        &self.0.operation
    }
    /// The record it changed.
    async fn entity_id(&self) -> Option<Uuid> {
        self.0.entity_id
    }
    /// What changed, as JSON (before/after for corrections; personal data only as "changed").
    async fn details(&self) -> Option<&str> {
        self.0.details.as_deref()
    }
}

connection!(
    AuditEventConnection,
    AuditEventEdge,
    AuditEvent,
    "audit events"
);
connection!(UserConnection, UserEdge, User, "users");
