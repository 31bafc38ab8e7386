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
pub mod training;

use sea_orm::DatabaseTransaction;
use uuid::Uuid;

use crate::domain::{Actor, Permission};
use crate::error::{Error, Result};
use crate::store::Db;
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

/// Collects the planner's statistics on `tables` once a bulk load (the demo, an import) has
/// committed: without them the planner guesses from none (SQLite) or from those of the tables
/// when they were small (PostgreSQL, until autovacuum comes round), and may pick a plan that
/// scans a million rows. A failure is logged, not returned: the load is in, and outdated
/// statistics cost only speed.
pub(crate) async fn analyze_after_load(db: &Db, tables: &[&str]) {
    let started = std::time::Instant::now();
    match db.analyze(tables).await {
        // Quiet at the command line, where it would cut through the progress bar.
        Ok(()) => tracing::debug!(
            ?tables,
            elapsed_ms = started.elapsed().as_millis() as u64,
            "statistics collected"
        ),
        Err(e) => tracing::warn!(
            error = %e,
            ?tables,
            "could not collect statistics after a bulk load; queries may be slow until the next ANALYZE"
        ),
    }
}

/// The record or `NOT_FOUND`.
pub(crate) fn found<T>(row: Option<T>, what: &'static str) -> Result<T> {
    row.ok_or(Error::NotFound(what))
}
