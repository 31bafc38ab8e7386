//! Users, bearer tokens and passwords.
//!
//! A token is `trg_` + 256 random bits (base64url); the database keeps only its SHA-256, so a
//! copy of the table lets no one in. Passwords are argon2id PHC strings, hashed off the async
//! runtime because they are deliberately slow. Failed logins are counted per user in the
//! database (so several servers share the count); too many lock the user out for a while.
//!
//! Hashing is bounded in [`super::passwords`]. Every failed login answers the same words after the
//! same work (one hash): a wrong username, a wrong password, a locked or a disabled account
//! cannot be told apart, so a login reveals neither which accounts exist nor a password.
//!
//! A token checked a moment ago is answered from [`cache::TokenCache`] (`--auth-cache-ms`);
//! every function here that ends tokens or disables a user forgets that user's entries before
//! it returns, however it ends once its change may have reached the database.

mod cache;

pub use cache::TokenCache;

use base64::Engine as _;
use chrono::{Duration, Utc};
use sea_orm::{ActiveModelTrait, ConnectionTrait, IntoActiveModel, Set};
use serde_json::json;
use sha2::{Digest, Sha256};
use uuid::Uuid;

use super::{commit_recorded, found, passwords, require};
use crate::domain::text::parse_username;
use crate::domain::{Actor, Permission, Role, rules};
use crate::error::{Error, Result};
use crate::store::page::{Page, PageRequest};
use crate::store::{self, Db, teacher, token, user};

/// A user to create.
#[derive(Debug, Clone)]
pub struct NewUser {
    pub username: String,
    pub role: Role,
    pub teacher_id: Option<Uuid>,
    pub password: Option<String>,
}

/// How logins behave.
#[derive(Debug, Clone, Copy)]
pub struct LoginPolicy {
    /// Lifetime of a token from `login`.
    pub token_ttl: Duration,
    /// Failed logins in a row that lock a user out.
    pub max_failures: i32,
    /// How long a lockout lasts.
    pub lockout: Duration,
}

impl Default for LoginPolicy {
    fn default() -> Self {
        LoginPolicy {
            token_ttl: Duration::hours(12),
            max_failures: 5,
            lockout: Duration::minutes(15),
        }
    }
}

/// The actor commands run as when no user is involved (first start, `user add`).
pub fn system_actor() -> Actor {
    Actor {
        user_id: Uuid::nil(),
        username: "system".to_owned(),
        role: Role::Admin,
        teacher_id: None,
        token_id: None,
    }
}

pub fn hash_token(token: &str) -> String {
    Sha256::digest(token.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn new_token() -> Result<String> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| Error::internal(format!("no randomness: {e}")))?;
    Ok(format!(
        "trg_{}",
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
    ))
}

/// Issues a token for a user; `ttl` of `None` never expires (command-line and API-key tokens).
pub async fn issue_token(
    conn: &impl ConnectionTrait,
    user_id: Uuid,
    label: &str,
    ttl: Option<Duration>,
) -> Result<String> {
    let token = new_token()?;
    let now = Utc::now();
    token::ActiveModel {
        id: Set(Uuid::now_v7()),
        user_id: Set(user_id),
        token_hash: Set(hash_token(&token)),
        label: Set(label.to_owned()),
        created_at: Set(now),
        expires_at: Set(ttl.map(|ttl| now + ttl)),
        revoked_at: Set(None),
    }
    .insert(conn)
    .await?;
    Ok(token)
}

pub fn actor_of(user: &user::Model, token_id: Option<Uuid>) -> Result<Actor> {
    Ok(Actor {
        user_id: user.id,
        username: user.username.clone(),
        role: Role::from_code(&user.role).map_err(Error::stored)?,
        teacher_id: user.teacher_id,
        token_id,
    })
}

/// The actor a bearer token stands for, or `UNAUTHENTICATED`: from `tokens` when this server
/// checked the token a moment ago, else from the database (then kept in `tokens`).
pub async fn authenticate(db: &Db, tokens: &TokenCache, bearer: &str) -> Result<Actor> {
    let now = Utc::now();
    let hash = hash_token(bearer.trim());
    if let Some(actor) = tokens.get(&hash, now) {
        return Ok(actor);
    }
    let epoch = tokens.epoch();
    // Asked as of the end of an entry's lifetime, a token found cannot expire while its entry
    // is trusted: one statement, as without the cache, and no read of the exact expiry. A
    // token that expires sooner (or any, with the cache off, or an unknown one) is asked as of
    // now, and not kept.
    if let Some(horizon) = tokens.horizon(now)
        && let Some((user, token_id)) = token::active_user(&db.read, &hash, horizon).await?
    {
        let actor = actor_acting(db, &user, token_id).await?;
        let checked = cache::Checked {
            actor: actor.clone(),
            teacher_id: user.teacher_id,
            unexpired_until: horizon,
        };
        tokens.keep(hash, epoch, checked);
        return Ok(actor);
    }
    let (user, token_id) = token::active_user(&db.read, &hash, now)
        .await?
        .ok_or_else(|| Error::Unauthenticated("the token is unknown, expired or revoked".into()))?;
    actor_acting(db, &user, token_id).await
}

/// The actor of a user's token as it acts today.
async fn actor_acting(db: &Db, user: &user::Model, token_id: Uuid) -> Result<Actor> {
    let mut actor = actor_of(user, Some(token_id))?;
    // A studio host acts through its teacher; once that teacher has left the county's schools
    // it hosts nothing (rule 6), for reads as for changes, whatever the studio's records say.
    if actor.role == Role::StudioHost
        && let Some(t) = actor.teacher_id
        && !teacher::is_employed_on(&db.read, t, rules::today()).await?
    {
        actor.teacher_id = None;
    }
    Ok(actor)
}

async fn hash_password(password: String) -> Result<String> {
    passwords::hash(password)
        .await
        .map_err(|e| Error::internal(format!("password hashing failed: {e}")))
}

/// A PHC string of a password nobody has, verified against when there is no real hash to
/// check (unknown user, no password, locked or disabled account), so that every failure costs
/// one hash like a wrong password does.
const DECOY_PHC: &str = "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0c2FsdA$2Yl0QbTtyMnd0h1QGXW0Az4m4O0m4J6m2a4iU5tLkQs";

async fn verify_password(password: String, phc: String) -> Result<bool> {
    passwords::verify(password, phc)
        .await
        .map_err(|e| Error::internal(format!("password checking failed: {e}")))
}

fn check_password(field: &str, password: &str) -> Result<()> {
    let n = password.chars().count();
    if (10..=128).contains(&n) {
        Ok(())
    } else {
        Err(Error::invalid(field, "must be 10 to 128 characters"))
    }
}

/// Creates a user and a first token for it (no expiry).
pub async fn create_user(db: &Db, actor: &Actor, input: NewUser) -> Result<(user::Model, String)> {
    require(actor, Permission::ManageUsers)?;
    let username = parse_username(&input.username).map_err(|e| Error::invalid("username", e))?;
    if input.role == Role::StudioHost && input.teacher_id.is_none() {
        return Err(Error::invalid(
            "teacherId",
            "a studio host must be linked to the teacher who hosts",
        ));
    }
    let password_hash = match input.password {
        Some(p) => {
            check_password("password", &p)?;
            Some(hash_password(p).await?)
        }
        None => None,
    };
    let tx = db.begin().await?;
    if let Some(teacher_id) = input.teacher_id {
        found(
            store::by_id::<teacher::Entity>(&tx, teacher_id).await?,
            "teacher",
        )?;
    }
    if user::by_username(&tx, &username).await?.is_some() {
        return Err(Error::Conflict(format!("username {username} is taken")));
    }
    let model = new_user(&tx, &username, input.role, input.teacher_id, password_hash).await?;
    let token = issue_token(&tx, model.id, "createUser", None).await?;
    commit_recorded(
        tx,
        actor,
        "createUser",
        model.id,
        json!({ "username": model.username, "role": model.role, "teacherId": model.teacher_id }),
    )
    .await?;
    Ok((model, token))
}

async fn new_user(
    conn: &impl ConnectionTrait,
    username: &str,
    role: Role,
    teacher_id: Option<Uuid>,
    password_hash: Option<String>,
) -> Result<user::Model> {
    Ok(user::ActiveModel {
        id: Set(Uuid::now_v7()),
        username: Set(username.to_owned()),
        role: Set(role.code().to_owned()),
        teacher_id: Set(teacher_id),
        password_hash: Set(password_hash),
        disabled_at: Set(None),
        created_at: Set(Utc::now()),
        failed_logins: Set(0),
        locked_until: Set(None),
    }
    .insert(conn)
    .await?)
}

/// The one answer to every failed login.
pub const LOGIN_REFUSED: &str = "wrong username or password (an account is also refused while \
     it is disabled, or for a while after repeated failures)";

/// Counts a failed login; the failure that reaches the limit locks the user out.
async fn count_failure(db: &Db, user_id: Uuid, policy: &LoginPolicy) -> Result<()> {
    let tx = db.begin().await?;
    user::add_failed_login(&tx, user_id).await?;
    let user = found(store::by_id::<user::Entity>(&tx, user_id).await?, "user")?;
    if user.failed_logins >= policy.max_failures {
        let mut active = user.into_active_model();
        active.failed_logins = Set(0);
        active.locked_until = Set(Some(Utc::now() + policy.lockout));
        active.update(&tx).await?;
    }
    tx.commit().await?;
    Ok(())
}

/// Exchanges a username and password for a token that expires after the policy's lifetime.
/// A failed attempt writes no audit event, only the user's failure count.
pub async fn login(
    db: &Db,
    policy: &LoginPolicy,
    username: &str,
    password: &str,
) -> Result<(user::Model, String)> {
    let refused = || Error::Unauthenticated(LOGIN_REFUSED.to_owned());
    let now = Utc::now();
    let user = user::by_username(&db.read, username.trim()).await?;
    // Only an enabled account out of lockout has a hash worth checking; every other case
    // checks the decoy, so that each failure costs the same one hash.
    let open = user
        .as_ref()
        .filter(|u| u.disabled_at.is_none() && u.locked_until.is_none_or(|t| t <= now));
    let phc = open.and_then(|u| u.password_hash.clone());
    let right = verify_password(
        password.to_owned(),
        phc.clone().unwrap_or_else(|| DECOY_PHC.to_owned()),
    )
    .await?
        && phc.is_some();
    let Some(user) = open.filter(|_| right).cloned() else {
        if let Some(u) = open.filter(|u| u.password_hash.is_some()) {
            count_failure(db, u.id, policy).await?;
        }
        return Err(refused());
    };
    let tx = db.begin().await?;
    let mut active = user.clone().into_active_model();
    active.failed_logins = Set(0);
    active.locked_until = Set(None);
    let user = active.update(&tx).await?;
    let token = issue_token(&tx, user.id, "login", Some(policy.token_ttl)).await?;
    commit_recorded(tx, &actor_of(&user, None)?, "login", user.id, json!({})).await?;
    Ok((user, token))
}

/// Revokes the token the actor came with.
pub async fn logout(db: &Db, tokens: &TokenCache, actor: &Actor) -> Result<()> {
    let token_id = actor
        .token_id
        .ok_or_else(|| Error::Conflict("no token to log out of".to_owned()))?;
    let tx = db.begin().await?;
    let mut active =
        found(store::by_id::<token::Entity>(&tx, token_id).await?, "token")?.into_active_model();
    active.revoked_at = Set(Some(Utc::now()));
    active.update(&tx).await?;
    let _forget = tokens.forget_user_on_exit(actor.user_id);
    commit_recorded(tx, actor, "logout", token_id, json!({})).await?;
    Ok(())
}

/// Changes one's own password; other login sessions end.
pub async fn change_password(
    db: &Db,
    tokens: &TokenCache,
    actor: &Actor,
    current: &str,
    new: String,
) -> Result<()> {
    check_password("newPassword", &new)?;
    let me = found(
        store::by_id::<user::Entity>(&db.read, actor.user_id).await?,
        "user",
    )?;
    // A token alone must not plant a first password: whoever stole one could then log in
    // with it after the token is revoked. Only an admin's setPassword gives a first password.
    let Some(phc) = me.password_hash.clone() else {
        return Err(Error::invalid(
            "currentPassword",
            "this account has no password yet; an administrator sets the first one (setPassword)",
        ));
    };
    if !verify_password(current.to_owned(), phc).await? {
        return Err(Error::invalid(
            "currentPassword",
            "is not the current password",
        ));
    }
    let hash = hash_password(new).await?;
    let tx = db.begin().await?;
    let mut active = me.into_active_model();
    active.password_hash = Set(Some(hash));
    active.update(&tx).await?;
    let ended = token::revoke_all(
        &tx,
        actor.user_id,
        Some("login"),
        actor.token_id,
        Utc::now(),
    )
    .await?;
    let _forget = tokens.forget_user_on_exit(actor.user_id);
    commit_recorded(
        tx,
        actor,
        "changePassword",
        actor.user_id,
        json!({ "sessionsEnded": ended }),
    )
    .await?;
    Ok(())
}

/// An admin sets another user's password; that user's login sessions end.
pub async fn set_password(
    db: &Db,
    tokens: &TokenCache,
    actor: &Actor,
    user_id: Uuid,
    password: String,
) -> Result<user::Model> {
    require(actor, Permission::ManageUsers)?;
    check_password("password", &password)?;
    let hash = hash_password(password).await?;
    let tx = db.begin().await?;
    let mut active =
        found(store::by_id::<user::Entity>(&tx, user_id).await?, "user")?.into_active_model();
    active.password_hash = Set(Some(hash));
    active.failed_logins = Set(0);
    active.locked_until = Set(None);
    let user = active.update(&tx).await?;
    let ended = token::revoke_all(&tx, user_id, Some("login"), None, Utc::now()).await?;
    let _forget = tokens.forget_user_on_exit(user_id);
    commit_recorded(
        tx,
        actor,
        "setPassword",
        user_id,
        json!({ "sessionsEnded": ended }),
    )
    .await?;
    Ok(user)
}

/// Disables (or enables again) a user: a disabled user's tokens stop working at once, and are
/// revoked, so that enabling the user again does not bring back tokens that may have leaked
/// meanwhile (the user logs in again, or an admin sets a password).
pub async fn set_disabled(
    db: &Db,
    tokens: &TokenCache,
    actor: &Actor,
    user_id: Uuid,
    disabled: bool,
) -> Result<user::Model> {
    require(actor, Permission::ManageUsers)?;
    if disabled && user_id == actor.user_id {
        return Err(Error::Conflict("you cannot disable yourself".to_owned()));
    }
    let tx = db.begin().await?;
    let before = found(store::by_id::<user::Entity>(&tx, user_id).await?, "user")?;
    if before.disabled_at.is_some() == disabled {
        return Err(Error::Conflict(format!(
            "{} is already {}",
            before.username,
            if disabled { "disabled" } else { "enabled" }
        )));
    }
    let mut active = before.into_active_model();
    active.disabled_at = Set(disabled.then(Utc::now));
    active.failed_logins = Set(0);
    active.locked_until = Set(None);
    let user = active.update(&tx).await?;
    let revoked = if disabled {
        token::revoke_all(&tx, user_id, None, None, Utc::now()).await?
    } else {
        0
    };
    let _forget = tokens.forget_user_on_exit(user_id);
    let op = if disabled {
        "disableUser"
    } else {
        "enableUser"
    };
    commit_recorded(
        tx,
        actor,
        op,
        user_id,
        json!({ "username": user.username, "tokensRevoked": revoked }),
    )
    .await?;
    Ok(user)
}

/// A user's tokens: an admin sees anyone's, a user their own.
pub async fn tokens_of(db: &Db, actor: &Actor, user_id: Uuid) -> Result<Vec<token::Model>> {
    may_read_tokens(actor, user_id)?;
    Ok(token::of_user(&db.read, user_id).await?)
}

/// A user reads its own tokens; an admin reads anyone's.
pub fn may_read_tokens(actor: &Actor, user_id: Uuid) -> Result<()> {
    if user_id != actor.user_id {
        require(actor, Permission::ManageUsers)?;
    }
    Ok(())
}

/// Revokes a token: an admin any, a user their own.
pub async fn revoke_token(
    db: &Db,
    tokens: &TokenCache,
    actor: &Actor,
    token_id: Uuid,
) -> Result<token::Model> {
    let tx = db.begin().await?;
    let before = found(store::by_id::<token::Entity>(&tx, token_id).await?, "token")?;
    if before.user_id != actor.user_id {
        require(actor, Permission::ManageUsers)?;
    }
    if let Some(at) = before.revoked_at {
        return Err(Error::Conflict(format!("the token was revoked at {at}")));
    }
    let mut active = before.into_active_model();
    active.revoked_at = Set(Some(Utc::now()));
    let after = active.update(&tx).await?;
    let _forget = tokens.forget_user_on_exit(after.user_id);
    commit_recorded(
        tx,
        actor,
        "revokeToken",
        token_id,
        json!({ "userId": after.user_id, "label": after.label }),
    )
    .await?;
    Ok(after)
}

/// On a database with no users, creates `admin` (role ADMIN) and returns its token.
///
/// Several servers started at once on one fresh PostgreSQL database may all find no user (a
/// read committed transaction does not see the others' uncommitted rows) and all try to create
/// `admin`. The unique username decides: the first to commit wins and prints the token; the
/// others' inserts wait for it, then fail with a uniqueness violation, and those servers go on
/// without one. (SQLite's `BEGIN IMMEDIATE` already lets one writer in at a time.)
pub async fn ensure_first_admin(db: &Db) -> Result<Option<String>> {
    let tx = db.begin().await?;
    if user::any_exists(&tx).await? {
        return Ok(None);
    }
    let model = match new_user(&tx, "admin", Role::Admin, None, None).await {
        Ok(model) => model,
        Err(Error::Conflict(_)) => return Ok(None),
        Err(e) => return Err(e),
    };
    let token = issue_token(&tx, model.id, "first-start", None).await?;
    commit_recorded(
        tx,
        &system_actor(),
        "createUser",
        model.id,
        json!({ "username": "admin", "role": "ADMIN", "firstStart": true }),
    )
    .await?;
    Ok(Some(token))
}

pub async fn user_by_username(db: &Db, username: &str) -> Result<user::Model> {
    found(user::by_username(&db.read, username.trim()).await?, "user")
}

/// Users by id (for `me` and nested fields): the actor itself, or anyone for an admin.
pub async fn users_by_ids(db: &Db, ids: &[Uuid]) -> Result<Vec<user::Model>> {
    Ok(user::by_ids(&db.read, ids).await?)
}

/// All users, in creation order (ADMIN).
pub async fn users(db: &Db, actor: &Actor, req: PageRequest) -> Result<Page<user::Model>> {
    require(actor, Permission::ManageUsers)?;
    Ok(user::page(&db.read, req).await?)
}

pub async fn user_count(db: &Db) -> Result<u64> {
    Ok(user::count(&db.read).await?)
}
