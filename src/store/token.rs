//! Bearer tokens. Only a SHA-256 of each token is stored: a token is 256 random bits, so a
//! fast hash is enough (nothing to brute-force), and a leaked table grants nothing.

use sea_orm::entity::prelude::*;
use sea_orm::{JoinType, QuerySelect, RelationTrait};

use super::user;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "api_tokens")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub user_id: Uuid,
    pub token_hash: String,
    /// Where it came from: `cli`, `first-start`, `createUser`, `login`.
    pub label: String,
    pub created_at: DateTimeUtc,
    pub expires_at: Option<DateTimeUtc>,
    pub revoked_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter)]
pub enum Relation {
    User,
}

impl RelationTrait for Relation {
    fn def(&self) -> RelationDef {
        match self {
            Relation::User => Entity::belongs_to(user::Entity)
                .from(Column::UserId)
                .to(user::Column::Id)
                .into(),
        }
    }
}

impl ActiveModelBehavior for ActiveModel {}

/// Tokens of a user, newest first.
pub async fn of_user(db: &impl ConnectionTrait, user_id: Uuid) -> Result<Vec<Model>, DbErr> {
    use sea_orm::QueryOrder;
    Entity::find()
        .filter(Column::UserId.eq(user_id))
        .order_by_desc(Column::Id)
        .all(db)
        .await
}

/// Tokens of several users (for a page of users), each user's newest first.
pub async fn of_users(db: &impl ConnectionTrait, user_ids: &[Uuid]) -> Result<Vec<Model>, DbErr> {
    use sea_orm::QueryOrder;
    Entity::find()
        .filter(Column::UserId.is_in(user_ids.iter().copied()))
        .order_by_desc(Column::Id)
        .all(db)
        .await
}

/// Revokes a user's unrevoked tokens with `label`, except `keep`; returns how many.
pub async fn revoke_all(
    db: &impl ConnectionTrait,
    user_id: Uuid,
    label: Option<&str>,
    keep: Option<Uuid>,
    at: DateTimeUtc,
) -> Result<u64, DbErr> {
    let mut update = Entity::update_many()
        .col_expr(Column::RevokedAt, sea_orm::sea_query::Expr::val(at))
        .filter(Column::UserId.eq(user_id))
        .filter(Column::RevokedAt.is_null());
    if let Some(label) = label {
        update = update.filter(Column::Label.eq(label));
    }
    if let Some(keep) = keep {
        update = update.filter(Column::Id.ne(keep));
    }
    Ok(update.exec(db).await?.rows_affected)
}

/// The user a token hash belongs to, if the token is neither revoked nor expired and the user
/// is not disabled. One indexed query per request.
pub async fn active_user(
    db: &impl ConnectionTrait,
    token_hash: &str,
    now: DateTimeUtc,
) -> Result<Option<(user::Model, Uuid)>, DbErr> {
    let found = user::Entity::find()
        .select_also(Entity)
        .join(JoinType::InnerJoin, Relation::User.def().rev())
        .filter(Column::TokenHash.eq(token_hash))
        .filter(Column::RevokedAt.is_null())
        .filter(
            sea_orm::Condition::any()
                .add(Column::ExpiresAt.is_null())
                .add(Column::ExpiresAt.gt(now)),
        )
        .filter(user::Column::DisabledAt.is_null())
        .one(db)
        .await?;
    Ok(found.and_then(|(user, token)| token.map(|t| (user, t.id))))
}
