//! The gate in front of a PostgreSQL server that has gone away.
//!
//! While the server is down, every attempt to get a connection from sqlx's pool waits out the
//! whole acquire timeout: the pool takes a refused connection for a server still starting and
//! tries again, and again, until its deadline. Left at that, every request during an outage
//! would hang for the acquire timeout and then fail, and piled-up requests would hold the
//! server's connections and memory meanwhile.
//!
//! So once a request meets the database unreachable, the gate closes: from then on requests
//! are answered "database unavailable" at once, without touching the pool. At most once a
//! [`PROBE_EVERY`], one request (or `/healthz`) probes first, on a connection of its own
//! outside the pool: a refused connection fails in a millisecond, where the pool would retry
//! for seconds; a silent network is cut off by the acquire timeout. The first probe that gets
//! an answer opens the gate again, and the pool's own `test_before_acquire` ping then replaces
//! the dead connections it still holds. No background task: an idle server probes nothing.
//!
//! SQLite has no gate: a file that cannot be opened fails at once, with nothing to wait for.
//! What it has instead is a check that the file is still the one opened (`OpenedFile` in the
//! parent module).

use std::sync::Mutex;
use std::time::{Duration, Instant};

use sea_orm::DatabaseConnection;
use sea_orm::sqlx::Connection as _;

/// How often, at most, a closed gate lets a probe through.
pub const PROBE_EVERY: Duration = Duration::from_secs(1);

/// The database cannot be reached now; the request was answered without trying it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("database unavailable")]
pub struct Unavailable;

#[derive(Debug)]
enum State {
    Open,
    Closed {
        /// The earliest moment the next probe may run.
        next_probe: Instant,
        /// A probe is under way; the others do not wait for it.
        probing: bool,
    },
}

#[derive(Debug)]
pub struct Gate {
    state: Mutex<State>,
    /// The longest a probe may take (the pool's acquire timeout): a network that drops
    /// packets instead of refusing them would otherwise hold the probing request for the
    /// operating system's connect timeout.
    probe_timeout: Duration,
}

impl Gate {
    pub fn new(probe_timeout: Duration) -> Gate {
        Gate {
            state: Mutex::new(State::Open),
            probe_timeout,
        }
    }

    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        // Nothing that holds the lock can panic; should it anyway, the state is still whole.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Ok while the database is thought reachable. When it is not: `Unavailable` at once, or,
    /// when a probe is due, after the probe (on `pool`'s server) has failed.
    pub async fn admit(&self, pool: &DatabaseConnection) -> Result<(), Unavailable> {
        {
            let mut state = self.state();
            match &mut *state {
                State::Open => return Ok(()),
                State::Closed {
                    next_probe,
                    probing,
                } => {
                    if *probing || Instant::now() < *next_probe {
                        return Err(Unavailable);
                    }
                    *probing = true;
                }
            }
        }
        // Should the probing request be dropped halfway (its client gone), the guard lets the
        // next request probe instead of leaving the gate shut for good.
        let mut guard = ProbeGuard {
            gate: self,
            done: false,
        };
        let answered = self.probe(pool).await;
        guard.done = true;
        let mut state = self.state();
        if answered {
            tracing::info!("the database answers again; requests go through");
            *state = State::Open;
            Ok(())
        } else {
            *state = State::Closed {
                next_probe: Instant::now() + PROBE_EVERY,
                probing: false,
            };
            Err(Unavailable)
        }
    }

    /// A request met the database unreachable: close the gate, letting the next request
    /// probe at once (the failure may have been a pool too busy rather than a server gone,
    /// and one fast probe tells them apart).
    pub fn close(&self) {
        let mut state = self.state();
        if matches!(*state, State::Open) {
            tracing::warn!(
                "the database cannot be reached; answering \"database unavailable\" until it does"
            );
            *state = State::Closed {
                next_probe: Instant::now(),
                probing: false,
            };
        }
    }

    /// A connection of its own, outside the pool (whose retries would make a refused
    /// connection take the whole acquire timeout), asked for one round trip.
    async fn probe(&self, pool: &DatabaseConnection) -> bool {
        let options = pool.get_postgres_connection_pool().connect_options();
        let attempt = async {
            let mut conn = sea_orm::sqlx::PgConnection::connect_with(&options).await?;
            conn.ping().await?;
            conn.close().await
        };
        match tokio::time::timeout(self.probe_timeout, attempt).await {
            Ok(Ok(())) => true,
            Ok(Err(e)) => {
                tracing::debug!(error = %e, "the database probe failed");
                false
            }
            Err(_) => {
                tracing::debug!("the database probe timed out");
                false
            }
        }
    }
}

struct ProbeGuard<'a> {
    gate: &'a Gate,
    done: bool,
}

impl Drop for ProbeGuard<'_> {
    fn drop(&mut self) {
        if !self.done
            && let State::Closed { probing, .. } = &mut *self.gate.state()
        {
            *probing = false;
        }
    }
}
