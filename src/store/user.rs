//! Users of the service: a username, a role and, for studio hosts, the teacher they are.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "users")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub username: String,
    pub role: String,
    pub teacher_id: Option<Uuid>,
    /// An argon2id PHC string; never leaves the service.
    pub password_hash: Option<String>,
    pub disabled_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    /// Failed logins since the last success (or the last lockout).
    pub failed_logins: i32,
    /// While in the future, `login` refuses this user.
    pub locked_until: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
pub async fn by_username(
    db: &impl ConnectionTrait,
    username: &str,
) -> Result<Option<Model>, DbErr> {
    Entity::find()
        .filter(Column::Username.eq(username))
        .one(db)
        .await
}

pub async fn by_ids(db: &impl ConnectionTrait, ids: &[Uuid]) -> Result<Vec<Model>, DbErr> {
    Entity::find()
        .filter(Column::Id.is_in(ids.iter().copied()))
        .all(db)
        .await
}

/// A page of users in creation order.
pub async fn page(
    db: &impl ConnectionTrait,
    req: super::page::PageRequest,
) -> Result<super::page::Page<Model>, DbErr> {
    super::page::fetch(db, Entity::find(), Column::Id, req, false, |m| m.id).await
}

pub async fn count(db: &impl ConnectionTrait) -> Result<u64, DbErr> {
    Entity::find().count(db).await
}

pub async fn any_exists(db: &impl ConnectionTrait) -> Result<bool, DbErr> {
    Ok(Entity::find().one(db).await?.is_some())
}

/// Adds one to the user's failed logins, in the database (so concurrent failures all count).
pub async fn add_failed_login(db: &impl ConnectionTrait, id: Uuid) -> Result<(), DbErr> {
    Entity::update_many()
        .col_expr(
            Column::FailedLogins,
            sea_orm::sea_query::ExprTrait::add(
                sea_orm::sea_query::Expr::col(Column::FailedLogins),
                1,
            ),
        )
        .filter(Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}
