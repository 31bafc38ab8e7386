//! Fair shares of the expensive work: the requests that aggregate over the registry (progress
//! and its histories, key-teacher counts, the balance table, reserve-pool counts) run at most
//! `--max-expensive-requests` at once in the process, and at most
//! `--max-expensive-per-user` of them for one user; the others wait their turn within their
//! request timeout. The complexity limit bounds what one request may ask; this bounds how
//! many such requests hold database connections at once, so that one user (a studio host
//! included) cannot take the read pool from everyone else, and cheap requests (`me`, a page of
//! teachers) always find a connection.
//!
//! The turn is taken by a schema extension ([`TakeTurns`]) once the request has been parsed
//! and validated, just before it runs: a request the depth or complexity limit refuses is
//! refused at once, without queueing behind the work it would have waited for (measured with
//! `examples/under_attack.rs`: taken before validation, twenty aliased histories that were
//! always going to be refused each waited seconds for a turn, and held a place in the queue).
//! The HTTP endpoint says which requests need a turn by putting a [`TurnClaim`] in their data.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use async_graphql::extensions::{
    Extension, ExtensionContext, ExtensionFactory, NextExecute, NextValidation,
};
use async_graphql::{ServerError, ValidationResult};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use uuid::Uuid;

use super::cost;

/// The root fields that aggregate over the registry.
pub const EXPENSIVE: &[&str] = &[
    "progress",
    "targetProgress",
    "keyTeacherCounts",
    "balancedDevelopment",
    "reservePoolCounts",
];

/// The process's shares, one per lane, and each user's.
///
/// Two lanes: a request whose complexity is at most [`cost::LIGHT`] (one count, one grouped
/// count, the balance table) takes its turn in the light lane, and anything heavier (progress
/// with histories, many aggregates) in the heavy one, each with `all` places. So a plain count
/// waits behind other counts, a fraction of a second at most, and not behind someone's
/// history series, which may take seconds on a large registry.
pub struct FairShare {
    heavy: Arc<Semaphore>,
    light: Arc<Semaphore>,
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
            heavy: Arc::new(Semaphore::new(all.max(1))),
            light: Arc::new(Semaphore::new(all.max(1))),
            per_user: per_user.max(1),
            users: Mutex::new(HashMap::new()),
        }
    }

    /// Waits for the user's turn, then the process's in the lane: a user's queue holds none of
    /// the process's slots while it waits. `None` only if a semaphore was closed, which never
    /// happens; the caller then runs without a turn rather than failing.
    pub async fn turn(&self, user: Uuid, heavy: bool) -> Option<Turn> {
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
        let lane = if heavy { &self.heavy } else { &self.light };
        let all_turn = lane.clone().acquire_owned().await.ok()?;
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

/// In a request's data: this request aggregates, so it runs in `user`'s turn from `share`.
pub struct TurnClaim {
    pub share: Arc<FairShare>,
    pub user: Uuid,
}

/// The schema extension that waits for a [`TurnClaim`]'s turn after validation, in the lane
/// its complexity calls for, and holds it while the operation runs.
pub struct TakeTurns;

impl ExtensionFactory for TakeTurns {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(Turns::default())
    }
}

/// One request's extension: the complexity validation found, for the lane.
#[derive(Default)]
struct Turns {
    complexity: Mutex<Option<usize>>,
}

#[async_graphql::async_trait::async_trait]
impl Extension for Turns {
    async fn validation(
        &self,
        ctx: &ExtensionContext<'_>,
        next: NextValidation<'_>,
    ) -> Result<ValidationResult, Vec<ServerError>> {
        let result = next.run(ctx).await;
        if let Ok(valid) = &result {
            *self.complexity.lock().unwrap_or_else(|p| p.into_inner()) = Some(valid.complexity);
        }
        result
    }

    async fn execute(
        &self,
        ctx: &ExtensionContext<'_>,
        operation_name: Option<&str>,
        next: NextExecute<'_>,
    ) -> async_graphql::Response {
        let heavy = self
            .complexity
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .is_none_or(|c| c > cost::LIGHT);
        let _turn = match ctx.data_opt::<TurnClaim>() {
            Some(claim) => claim.share.turn(claim.user, heavy).await,
            None => None,
        };
        next.run(ctx, operation_name).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_user_waits_for_their_own_turn_without_taking_the_others() {
        let share = FairShare::new(2, 1);
        let (alice, bob) = (Uuid::from_u128(1), Uuid::from_u128(2));
        let first = share.turn(alice, true).await;
        assert!(first.is_some());
        // A zero timeout polls the turn once: ready at once, or waiting. No clock involved.
        let now = std::time::Duration::ZERO;
        // Alice's second request waits for her first; Bob still gets the other slot.
        let second = tokio::time::timeout(now, share.turn(alice, true));
        assert!(second.await.is_err(), "alice's second request waits");
        let bobs = tokio::time::timeout(now, share.turn(bob, true));
        assert!(
            bobs.await.is_ok_and(|t| t.is_some()),
            "bob is not kept waiting"
        );
        drop(first);
        assert!(share.turn(alice, true).await.is_some());
    }

    #[tokio::test]
    async fn a_light_request_does_not_wait_behind_heavy_ones() {
        let share = FairShare::new(1, 1);
        let (alice, bob) = (Uuid::from_u128(1), Uuid::from_u128(2));
        let heavy = share.turn(alice, true).await;
        assert!(heavy.is_some());
        let now = std::time::Duration::ZERO;
        let bobs_heavy = tokio::time::timeout(now, share.turn(bob, true));
        assert!(bobs_heavy.await.is_err(), "the heavy lane is full");
        let bobs_light = tokio::time::timeout(now, share.turn(bob, false));
        assert!(
            bobs_light.await.is_ok_and(|t| t.is_some()),
            "the light lane has room"
        );
    }

    /// With the user's only turn held elsewhere, a request the complexity limit refuses is
    /// answered (it never waits), while one that passes waits for the turn.
    #[tokio::test]
    async fn a_refused_request_does_not_wait_for_a_turn() {
        let settings = crate::config::Settings::default();
        let schema = crate::graphql::build_schema(Some(&settings));
        let share = Arc::new(FairShare::new(4, 1));
        let alice = Uuid::from_u128(1);
        let held = share.turn(alice, true).await;
        let claimed = |query: &str| {
            async_graphql::Request::new(query).data(TurnClaim {
                share: share.clone(),
                user: alice,
            })
        };
        let aliases: Vec<String> = (0..20)
            .map(|i| format!("a{i}: progress {{ history(every: MONTH) {{ value }} }}"))
            .collect();
        let refused = claimed(&format!("{{ {} }}", aliases.join(" ")));
        // Without the fix this never finishes while the turn is held: the bound only turns a
        // hang into a failure, it does not time anything.
        let answer =
            tokio::time::timeout(std::time::Duration::from_secs(60), schema.execute(refused))
                .await
                .expect("answered without waiting for a turn");
        assert!(
            answer.errors[0].message.contains("too complex"),
            "{:?}",
            answer.errors
        );
        let waits = tokio::time::timeout(
            std::time::Duration::ZERO,
            schema.execute(claimed("{ keyTeacherCounts { count } }")),
        );
        assert!(waits.await.is_err(), "an accepted aggregate waits its turn");
        drop(held);
    }

    #[test]
    fn aggregates_and_fragment_spreads_are_expensive() {
        let names = |v: &[Option<&str>]| v.iter().map(|s| s.map(str::to_owned)).collect::<Vec<_>>();
        assert!(is_expensive(&names(&[Some("me"), Some("progress")])));
        assert!(is_expensive(&names(&[None])));
        assert!(!is_expensive(&names(&[Some("me"), Some("teachers")])));
    }
}
