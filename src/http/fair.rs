//! Fair shares of the expensive work: the requests that aggregate over the registry (progress
//! and its histories, key-teacher counts, the balance table, reserve-pool counts) run at most
//! `--max-expensive-requests` at once in the process, and at most
//! `--max-expensive-per-user` of them for one user; the others wait their turn within their
//! request timeout. The complexity limit bounds what one request may ask; this bounds how
//! many such requests hold database connections at once, so that one user (a studio host
//! included) cannot take the read pool from everyone else, and cheap requests (`me`, a page of
//! teachers) always find a connection.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use uuid::Uuid;

/// The root fields that aggregate over the registry.
pub const EXPENSIVE: &[&str] = &[
    "progress",
    "targetProgress",
    "keyTeacherCounts",
    "balancedDevelopment",
    "reservePoolCounts",
];

/// The process's share and each user's.
pub struct FairShare {
    all: Arc<Semaphore>,
    per_user: usize,
    users: Mutex<HashMap<Uuid, Arc<Semaphore>>>,
}

/// Held while an expensive request runs; dropping it lets the next one in.
pub struct Turn {
    _user: OwnedSemaphorePermit,
    _all: OwnedSemaphorePermit,
}

impl FairShare {
    pub fn new(all: usize, per_user: usize) -> Self {
        FairShare {
            all: Arc::new(Semaphore::new(all.max(1))),
            per_user: per_user.max(1),
            users: Mutex::new(HashMap::new()),
        }
    }

    /// Waits for the user's turn, then the process's: a user's queue holds none of the
    /// process's slots while it waits. `None` only if a semaphore was closed, which never
    /// happens; the caller then runs without a turn rather than failing.
    pub async fn turn(&self, user: Uuid) -> Option<Turn> {
        let mine = {
            let mut users = self.users.lock().unwrap_or_else(|p| p.into_inner());
            // Users with nothing running are forgotten, so the map holds only the active ones.
            users.retain(|_, s| Arc::strong_count(s) > 1);
            users
                .entry(user)
                .or_insert_with(|| Arc::new(Semaphore::new(self.per_user)))
                .clone()
        };
        let user_turn = mine.acquire_owned().await.ok()?;
        let all_turn = self.all.clone().acquire_owned().await.ok()?;
        Some(Turn {
            _user: user_turn,
            _all: all_turn,
        })
    }
}

/// Whether a request's root fields ask for expensive work; a root field behind a fragment
/// spread (unnamed here) counts as expensive.
pub fn is_expensive(fields: &[Option<String>]) -> bool {
    fields
        .iter()
        .any(|f| f.as_deref().is_none_or(|name| EXPENSIVE.contains(&name)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_user_waits_for_their_own_turn_without_taking_the_others() {
        let share = FairShare::new(2, 1);
        let (alice, bob) = (Uuid::from_u128(1), Uuid::from_u128(2));
        let first = share.turn(alice).await;
        assert!(first.is_some());
        // A zero timeout polls the turn once: ready at once, or waiting. No clock involved.
        let now = std::time::Duration::ZERO;
        // Alice's second request waits for her first; Bob still gets the other slot.
        let second = tokio::time::timeout(now, share.turn(alice));
        assert!(second.await.is_err(), "alice's second request waits");
        let bobs = tokio::time::timeout(now, share.turn(bob));
        assert!(
            bobs.await.is_ok_and(|t| t.is_some()),
            "bob is not kept waiting"
        );
        drop(first);
        assert!(share.turn(alice).await.is_some());
    }

    #[test]
    fn aggregates_and_fragment_spreads_are_expensive() {
        let names = |v: &[Option<&str>]| v.iter().map(|s| s.map(str::to_owned)).collect::<Vec<_>>();
        assert!(is_expensive(&names(&[Some("me"), Some("progress")])));
        assert!(is_expensive(&names(&[None])));
        assert!(!is_expensive(&names(&[Some("me"), Some("teachers")])));
    }
}
