//! The tokens this server checked a moment ago, so that a client's next requests skip the
//! token's database lookup (once every `--auth-cache-ms` per token instead of once a request).
//!
//! Keyed by the token's SHA-256, as the database keys it: the process keeps no token itself.
//! An entry holds the actor the token stood for, when that was read, and how long the token
//! is known not to expire. It is trusted for at most the cache's lifetime (default 2 s) and
//! never past that bound on the token's expiry: the lookup that fills an entry asks for a
//! token still valid at the end of the lifetime ([`TokenCache::horizon`]), so a token that
//! expires sooner is never kept, and an expired one is refused even if a clock jumps.
//!
//! Revocation. Every change in this process that ends a token or narrows what it may do
//! (logout, `revokeToken`, disabling a user, a password changed or set, a studio host's
//! teacher leaving) forgets the entries concerned before it answers, so this server never
//! honours a revoked token or a disabled user. A lookup that began before such a change and
//! ends after it does not put back what it read: every forgetting moves an epoch on, and an
//! entry read under an older epoch is dropped instead of kept.
//!
//! Another server on the same PostgreSQL database does not hear of the change: it honours a
//! token it checked within the last `--auth-cache-ms` for at most that much longer. That is
//! safe for the same reason a request already running when the token was revoked is allowed
//! to finish: the window is bounded and short (2 s by default, the length of one slow
//! request), the token's owner is no more powerful in it than a moment before, and the
//! database stays the authority for every change a request makes. `--auth-cache-ms 0` turns
//! the cache off for a deployment that wants the database asked every time.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::domain::Actor;

/// Tokens kept at most; a full cache first drops what has gone stale, then starts afresh
/// (a busy server refills it within its lifetime, one lookup per token).
pub const CAPACITY: usize = 10_000;

/// The recently checked tokens of this process (see the module's header).
pub struct TokenCache {
    lifetime: Duration,
    capacity: usize,
    state: Mutex<State>,
}

#[derive(Default)]
struct State {
    entries: HashMap<String, Entry>,
    /// Moves on with every forgetting; an entry read under an older one is not kept.
    epoch: u64,
}

struct Entry {
    actor: Actor,
    /// The teacher the user is linked to, which `actor.teacher_id` omits once that teacher has
    /// left: so the entry is forgotten when that teacher's employment changes.
    teacher_id: Option<Uuid>,
    read_at: Instant,
    /// The token's expiry, if it has one, is later than this.
    unexpired_until: DateTime<Utc>,
}

/// What [`TokenCache::epoch`] returns before a lookup, for [`TokenCache::keep`] after it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Epoch(u64);

/// What the database said of a token, to keep.
pub struct Checked {
    pub actor: Actor,
    pub teacher_id: Option<Uuid>,
    /// The instant the lookup asked the token to be valid at (its [`TokenCache::horizon`]).
    pub unexpired_until: DateTime<Utc>,
}

impl TokenCache {
    /// A cache trusting its entries for `lifetime`; zero keeps nothing.
    pub fn new(lifetime: Duration) -> Self {
        Self::with_capacity(lifetime, CAPACITY)
    }

    fn with_capacity(lifetime: Duration, capacity: usize) -> Self {
        TokenCache {
            lifetime,
            capacity: capacity.max(1),
            state: Mutex::new(State::default()),
        }
    }

    /// A cache that keeps nothing (the command line, `--auth-cache-ms 0`).
    pub fn off() -> Self {
        Self::new(Duration::ZERO)
    }

    pub fn is_on(&self) -> bool {
        !self.lifetime.is_zero()
    }

    /// The instant a token read at `now` must still be valid at to be kept: the end of the
    /// entry's lifetime. `None` when the cache is off (then nothing is kept).
    pub fn horizon(&self, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
        if !self.is_on() {
            return None;
        }
        let lifetime = chrono::Duration::from_std(self.lifetime).ok()?;
        now.checked_add_signed(lifetime)
    }

    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        // A panic while holding the lock cannot leave the map half-written in a way that
        // matters: at worst an entry is missing, and the database is asked again.
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The actor of the token with this hash, if it was checked within the lifetime and has
    /// not expired since.
    pub fn get(&self, token_hash: &str, now: DateTime<Utc>) -> Option<Actor> {
        if !self.is_on() {
            return None;
        }
        let mut state = self.state();
        let entry = state.entries.get(token_hash)?;
        if entry.read_at.elapsed() < self.lifetime && now < entry.unexpired_until {
            return Some(entry.actor.clone());
        }
        state.entries.remove(token_hash);
        None
    }

    /// Taken before reading a token from the database, and handed to [`keep`](Self::keep).
    pub fn epoch(&self) -> Epoch {
        Epoch(self.state().epoch)
    }

    /// Keeps what the database said of a token, unless something was forgotten since `epoch`
    /// was taken (the read may predate a revocation).
    pub fn keep(&self, token_hash: String, epoch: Epoch, checked: Checked) {
        if !self.is_on() {
            return;
        }
        let mut state = self.state();
        if state.epoch != epoch.0 {
            return;
        }
        if state.entries.len() >= self.capacity && !state.entries.contains_key(&token_hash) {
            let lifetime = self.lifetime;
            state.entries.retain(|_, e| e.read_at.elapsed() < lifetime);
            if state.entries.len() >= self.capacity {
                state.entries.clear();
            }
        }
        state.entries.insert(
            token_hash,
            Entry {
                actor: checked.actor,
                teacher_id: checked.teacher_id,
                read_at: Instant::now(),
                unexpired_until: checked.unexpired_until,
            },
        );
    }

    fn forget_where(&self, gone: impl Fn(&Entry) -> bool) {
        let mut state = self.state();
        state.epoch += 1;
        state.entries.retain(|_, e| !gone(e));
    }

    /// Forgets every token of a user (revoked, disabled, password changed).
    pub fn forget_user(&self, user_id: Uuid) {
        self.forget_where(|e| e.actor.user_id == user_id);
    }

    /// Forgets every token of a user when the returned guard is dropped: on every way out of
    /// a revocation, its success, its error and its cancellation by the request timeout (which
    /// may stop a request after its commit reached the database but before it heard so).
    pub fn forget_user_on_exit(&self, user_id: Uuid) -> ForgetOnExit<'_> {
        ForgetOnExit {
            cache: self,
            whose: Whose::User(user_id),
        }
    }

    /// Forgets, when dropped, the tokens of users linked to a teacher (a studio host's teacher
    /// leaving): taken before a departure may commit, so that it runs however the request ends.
    pub fn forget_teacher_on_exit(&self, teacher_id: Uuid) -> ForgetOnExit<'_> {
        ForgetOnExit {
            cache: self,
            whose: Whose::Teacher(teacher_id),
        }
    }

    /// Forgets the tokens of users linked to a teacher whose employment changed.
    pub fn forget_teacher(&self, teacher_id: Uuid) {
        self.forget_where(|e| e.teacher_id == Some(teacher_id));
    }

    /// Tokens kept now.
    pub fn len(&self) -> usize {
        self.state().entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// See [`TokenCache::forget_user_on_exit`].
pub struct ForgetOnExit<'a> {
    cache: &'a TokenCache,
    whose: Whose,
}

/// Whose tokens a [`ForgetOnExit`] forgets.
enum Whose {
    User(Uuid),
    Teacher(Uuid),
}

impl Drop for ForgetOnExit<'_> {
    fn drop(&mut self) {
        match self.whose {
            Whose::User(id) => self.cache.forget_user(id),
            Whose::Teacher(id) => self.cache.forget_teacher(id),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Role;

    fn actor(user: u128, teacher: Option<u128>) -> Checked {
        Checked {
            actor: Actor {
                user_id: Uuid::from_u128(user),
                username: format!("user.{user}"),
                role: Role::Hr,
                teacher_id: teacher.map(Uuid::from_u128),
                token_id: Some(Uuid::from_u128(user + 100)),
            },
            teacher_id: teacher.map(Uuid::from_u128),
            unexpired_until: Utc::now() + chrono::Duration::days(1),
        }
    }

    fn long() -> TokenCache {
        TokenCache::new(Duration::from_secs(3600))
    }

    #[test]
    fn a_kept_token_is_found_until_its_user_is_forgotten() {
        let cache = long();
        let now = Utc::now();
        cache.keep("a".into(), cache.epoch(), actor(1, None));
        cache.keep("b".into(), cache.epoch(), actor(2, None));
        assert_eq!(
            cache.get("a", now).map(|a| a.user_id),
            Some(Uuid::from_u128(1))
        );
        cache.forget_user(Uuid::from_u128(1));
        assert!(cache.get("a", now).is_none());
        assert!(cache.get("b", now).is_some(), "another user's token stays");
    }

    #[test]
    fn a_revocation_forgets_the_user_however_it_ends() {
        let cache = long();
        cache.keep("a".into(), cache.epoch(), actor(1, None));
        let failed = || -> Result<(), ()> {
            let _forget = cache.forget_user_on_exit(Uuid::from_u128(1));
            Err(())
        };
        assert!(failed().is_err());
        assert!(cache.get("a", Utc::now()).is_none());
    }

    #[test]
    fn an_expired_token_is_not_served_from_the_cache() {
        let cache = long();
        let now = Utc::now();
        let mut checked = actor(1, None);
        checked.unexpired_until = now + chrono::Duration::seconds(1);
        cache.keep("a".into(), cache.epoch(), checked);
        assert!(cache.get("a", now).is_some());
        assert!(cache.get("a", now + chrono::Duration::seconds(1)).is_none());
        assert!(cache.is_empty(), "the expired entry is dropped");
    }

    #[test]
    fn a_read_that_began_before_a_revocation_is_not_kept() {
        let cache = long();
        let before = cache.epoch();
        cache.forget_user(Uuid::from_u128(9));
        cache.keep("a".into(), before, actor(1, None));
        assert!(cache.get("a", Utc::now()).is_none());
    }

    #[test]
    fn a_teachers_departure_forgets_the_users_linked_to_it() {
        let cache = long();
        cache.keep("host".into(), cache.epoch(), actor(1, Some(7)));
        cache.keep("other".into(), cache.epoch(), actor(2, Some(8)));
        cache.forget_teacher(Uuid::from_u128(7));
        assert!(cache.get("host", Utc::now()).is_none());
        assert!(cache.get("other", Utc::now()).is_some());
    }

    #[test]
    fn a_full_cache_never_holds_more_than_its_capacity() {
        let cache = TokenCache::with_capacity(Duration::from_secs(3600), 3);
        for i in 0..10 {
            cache.keep(format!("t{i}"), cache.epoch(), actor(i, None));
            assert!(cache.len() <= 3);
        }
        assert!(cache.get("t9", Utc::now()).is_some(), "the newest is kept");
    }

    #[test]
    fn a_kept_token_must_be_valid_to_the_end_of_the_lifetime() {
        let now = Utc::now();
        let cache = TokenCache::new(Duration::from_millis(2000));
        assert_eq!(
            cache.horizon(now),
            Some(now + chrono::Duration::milliseconds(2000))
        );
        assert_eq!(TokenCache::off().horizon(now), None);
    }

    #[test]
    fn a_cache_with_no_lifetime_keeps_nothing() {
        let cache = TokenCache::off();
        cache.keep("a".into(), cache.epoch(), actor(1, None));
        assert!(cache.get("a", Utc::now()).is_none());
        assert!(cache.is_empty());
    }
}
