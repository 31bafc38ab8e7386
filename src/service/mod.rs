//! Use cases. Each mutation checks the actor's permission, opens one write transaction, checks
//! the rules, writes, records its audit event and commits — or writes nothing. Reads go to the
//! read handle. Nothing here knows about GraphQL or HTTP, so the command line and imports go
//! through the same rules.

pub mod audit;
pub mod auth;
pub mod balance;
pub mod counts;
pub mod designations;
pub mod import;
pub mod journal;
pub mod passwords;
pub mod reads;
pub mod reserve;
pub mod schools;
pub mod studios;
pub mod targets;
pub mod teachers;

use sea_orm::DatabaseTransaction;
use uuid::Uuid;

use crate::domain::{Actor, Permission};
use crate::error::{Error, Result};
use crate::store::audit as audit_store;

/// Refuses unless the actor's role allows `permission`.
pub fn require(actor: &Actor, permission: Permission) -> Result<()> {
    if actor.can(permission) {
        Ok(())
    } else {
        Err(Error::forbidden())
    }
}

/// Records the mutation's audit event in its transaction and commits: the one way a mutation
/// ends, so that every committed change has exactly one event and a failed one has none.
pub(crate) async fn commit_recorded(
    tx: DatabaseTransaction,
    actor: &Actor,
    operation: &str,
    entity_id: Uuid,
    details: serde_json::Value,
) -> Result<()> {
    audit_store::record(
        &tx,
        &actor.username,
        operation,
        Some(entity_id),
        Some(details.to_string()),
    )
    .await?;
    // Noted before the commit and confirmed after it, so that a request stopped while the
    // commit is under way can say so instead of guessing.
    let entry = journal::begin(operation, entity_id);
    let committed = tx.commit().await;
    journal::finish(entry, committed.is_ok());
    committed?;
    Ok(())
}

/// The record or `NOT_FOUND`.
pub(crate) fn found<T>(row: Option<T>, what: &'static str) -> Result<T> {
    row.ok_or(Error::NotFound(what))
}
