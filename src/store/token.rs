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

/// The user a token hash belongs to, if the token is neither revoked nor expired and the user
/// is not disabled. One indexed query per request.
pub async fn active_user(
    db: &impl ConnectionTrait,
    token_hash: &str,
    now: DateTimeUtc,
) -> Result<Option<user::Model>, DbErr> {
    user::Entity::find()
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
        .await
}
