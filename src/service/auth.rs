//! Users, bearer tokens and passwords.
//!
//! A token is `trg_` + 256 random bits (base64url); the database keeps only its SHA-256, so a
//! copy of the table lets no one in. Passwords are argon2id PHC strings, hashed off the async
//! runtime because they are deliberately slow.

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use base64::Engine as _;
use chrono::{Duration, Utc};
use sea_orm::{ActiveModelTrait, ConnectionTrait, EntityTrait, Set};
use serde_json::json;
use sha2::{Digest, Sha256};
use uuid::Uuid;

use super::{found, record, require};
use crate::domain::text::parse_username;
use crate::domain::{Actor, Permission, Role};
use crate::error::{Error, Result};
use crate::store::{Db, teacher, token, user};

/// A user to create.
#[derive(Debug, Clone)]
pub struct NewUser {
    pub username: String,
    pub role: Role,
    pub teacher_id: Option<Uuid>,
    pub password: Option<String>,
}

/// The actor commands run as when no user is involved (first start, `user add`).
pub fn system_actor() -> Actor {
    Actor {
        user_id: Uuid::nil(),
        username: "system".to_owned(),
        role: Role::Admin,
        teacher_id: None,
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
    getrandom::fill(&mut bytes)
        .map_err(|e| Error::Db(sea_orm::DbErr::Custom(format!("no randomness: {e}"))))?;
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

pub fn actor_of(user: &user::Model) -> Result<Actor> {
    Ok(Actor {
        user_id: user.id,
        username: user.username.clone(),
        role: Role::from_code(&user.role).map_err(|e| Error::Db(sea_orm::DbErr::Type(e.0)))?,
        teacher_id: user.teacher_id,
    })
}

/// The actor a bearer token stands for, or `UNAUTHENTICATED`.
pub async fn authenticate(db: &Db, bearer: &str) -> Result<Actor> {
    let user = token::active_user(&db.read, &hash_token(bearer.trim()), Utc::now())
        .await?
        .ok_or_else(|| Error::Unauthenticated("the token is unknown, expired or revoked".into()))?;
    actor_of(&user)
}

async fn hash_password(password: String) -> Result<String> {
    tokio::task::spawn_blocking(move || {
        let mut salt = [0u8; 16];
        getrandom::fill(&mut salt).map_err(|e| e.to_string())?;
        let salt = SaltString::encode_b64(&salt).map_err(|e| e.to_string())?;
        Argon2::default()
            .hash_password(password.as_bytes(), &salt)
            .map(|h| h.to_string())
            .map_err(|e| e.to_string())
    })
    .await
    .map_err(|e| Error::Db(sea_orm::DbErr::Custom(e.to_string())))?
    .map_err(|e| {
        Error::Db(sea_orm::DbErr::Custom(format!(
            "password hashing failed: {e}"
        )))
    })
}

async fn verify_password(password: String, phc: String) -> bool {
    tokio::task::spawn_blocking(move || {
        PasswordHash::new(&phc)
            .map(|parsed| {
                Argon2::default()
                    .verify_password(password.as_bytes(), &parsed)
                    .is_ok()
            })
            .unwrap_or(false)
    })
    .await
    .unwrap_or(false)
}

fn check_password(password: &str) -> Result<()> {
    let n = password.chars().count();
    if (10..=128).contains(&n) {
        Ok(())
    } else {
        Err(Error::invalid("password", "must be 10 to 128 characters"))
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
            check_password(&p)?;
            Some(hash_password(p).await?)
        }
        None => None,
    };
    let tx = db.begin().await?;
    if let Some(teacher_id) = input.teacher_id {
        found(
            teacher::Entity::find_by_id(teacher_id).one(&tx).await?,
            "teacher",
        )?;
    }
    if user::by_username(&tx, &username).await?.is_some() {
        return Err(Error::Conflict(format!("username {username} is taken")));
    }
    let model = user::ActiveModel {
        id: Set(Uuid::now_v7()),
        username: Set(username),
        role: Set(input.role.code().to_owned()),
        teacher_id: Set(input.teacher_id),
        password_hash: Set(password_hash),
        disabled_at: Set(None),
        created_at: Set(Utc::now()),
    }
    .insert(&tx)
    .await?;
    let token = issue_token(&tx, model.id, "createUser", None).await?;
    record(
        &tx,
        actor,
        "createUser",
        model.id,
        json!({ "username": model.username, "role": model.role, "teacherId": model.teacher_id }),
    )
    .await?;
    tx.commit().await?;
    Ok((model, token))
}

/// Exchanges a username and password for a token that expires after `ttl`.
pub async fn login(
    db: &Db,
    username: &str,
    password: &str,
    ttl: Duration,
) -> Result<(user::Model, String)> {
    let refused = || Error::Unauthenticated("wrong username or password".to_owned());
    let user = user::by_username(&db.read, username.trim())
        .await?
        .filter(|u| u.disabled_at.is_none())
        .ok_or_else(refused)?;
    let phc = user.password_hash.clone().ok_or_else(refused)?;
    if !verify_password(password.to_owned(), phc).await {
        return Err(refused());
    }
    let tx = db.begin().await?;
    let token = issue_token(&tx, user.id, "login", Some(ttl)).await?;
    record(&tx, &actor_of(&user)?, "login", user.id, json!({})).await?;
    tx.commit().await?;
    Ok((user, token))
}

/// On a database with no users, creates `admin` (role ADMIN) and returns its token.
pub async fn ensure_first_admin(db: &Db) -> Result<Option<String>> {
    let tx = db.begin().await?;
    if user::any_exists(&tx).await? {
        return Ok(None);
    }
    let model = user::ActiveModel {
        id: Set(Uuid::now_v7()),
        username: Set("admin".to_owned()),
        role: Set(Role::Admin.code().to_owned()),
        teacher_id: Set(None),
        password_hash: Set(None),
        disabled_at: Set(None),
        created_at: Set(Utc::now()),
    }
    .insert(&tx)
    .await?;
    let token = issue_token(&tx, model.id, "first-start", None).await?;
    record(
        &tx,
        &system_actor(),
        "createUser",
        model.id,
        json!({ "username": "admin", "role": "ADMIN", "firstStart": true }),
    )
    .await?;
    tx.commit().await?;
    Ok(Some(token))
}

pub async fn users_by_ids(db: &Db, ids: &[Uuid]) -> Result<Vec<user::Model>> {
    Ok(user::by_ids(&db.read, ids).await?)
}
