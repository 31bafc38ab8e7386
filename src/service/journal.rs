//! What a unit of work (one HTTP request) has committed so far, so that a request stopped part
//! way — by the request timeout — can say truthfully which of its changes were kept.
//!
//! A request's mutations commit one by one, each with its audit event. When the request runs
//! past its time limit it is dropped: the change under way rolls back, those before it stay.
//! The journal is a task-local the HTTP layer opens around the request; `commit_recorded`
//! notes each commit in it (nothing is noted outside a request, e.g. on the command line).

use std::sync::{Arc, Mutex};

use uuid::Uuid;

/// A change a request committed (or was committing when it was stopped).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Committed {
    /// The mutation's name, as in the audit trail.
    pub operation: String,
    /// The record it changed.
    pub entity_id: Uuid,
    /// False while the commit is under way: if the request is stopped then, whether it was
    /// kept is unknown (the audit trail tells).
    pub confirmed: bool,
}

/// The journal of one request.
#[derive(Debug, Clone, Default)]
pub struct Journal(Arc<Mutex<Vec<Committed>>>);

tokio::task_local! {
    static CURRENT: Journal;
}

impl Journal {
    pub fn new() -> Self {
        Journal::default()
    }

    /// Runs `work` with this journal open: commits inside it are noted here.
    pub async fn scope<F: std::future::Future>(&self, work: F) -> F::Output {
        CURRENT.scope(self.clone(), work).await
    }

    /// What was noted, in commit order.
    pub fn entries(&self) -> Vec<Committed> {
        self.0.lock().map(|v| v.clone()).unwrap_or_default()
    }
}

/// Where an entry sits, to confirm it after the commit.
pub(crate) struct Entry(Option<(Journal, usize)>);

pub(crate) fn begin(operation: &str, entity_id: Uuid) -> Entry {
    Entry(
        CURRENT
            .try_with(|journal| {
                let mut entries = journal.0.lock().ok()?;
                entries.push(Committed {
                    operation: operation.to_owned(),
                    entity_id,
                    confirmed: false,
                });
                Some((journal.clone(), entries.len() - 1))
            })
            .ok()
            .flatten(),
    )
}

/// Confirms the entry when its commit succeeded, and drops it when the commit failed.
pub(crate) fn finish(entry: Entry, kept: bool) {
    if let Some((journal, i)) = entry.0
        && let Ok(mut entries) = journal.0.lock()
        && i < entries.len()
    {
        if kept {
            entries[i].confirmed = true;
        } else {
            entries.remove(i);
        }
    }
}
