//! Targets (目标): what the plan (and later plans) ask for, as data.

use sea_orm::QueryOrder;
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "targets")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub code: String,
    pub title: String,
    pub metric: String,
    /// The fixed goal (studios, key teachers); `None` for the mentoring quota.
    pub goal: Option<i32>,
    /// The per-member quota Q of a mentoring target.
    pub per_member: Option<i32>,
    /// The goal of a ratio target (training compliance) in basis points: 9500 is 0.95.
    pub goal_ratio_bp: Option<i32>,
    /// Rank of `Level`: designations (key teachers) or studios (the others) at or above it.
    pub min_level: i16,
    /// Designation kind codes, comma-separated (key-teacher targets).
    pub kinds: String,
    pub baseline_on: Date,
    pub deadline: Date,
    /// When leadership retired the target; retired targets leave `progress`.
    pub retired_on: Option<Date>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

/// Targets in force on `on` (not retired by then: retirement counts from `retiredOn`), or
/// all of them, oldest deadline first.
pub async fn list(
    db: &impl ConnectionTrait,
    include_retired: bool,
    on: chrono::NaiveDate,
) -> Result<Vec<Model>, DbErr> {
    let mut query = Entity::find();
    if !include_retired {
        query = query.filter(
            sea_orm::Condition::any()
                .add(Column::RetiredOn.is_null())
                .add(Column::RetiredOn.gt(on)),
        );
    }
    query
        .order_by_asc(Column::Deadline)
        .order_by_asc(Column::Code)
        .all(db)
        .await
}

pub async fn by_code(db: &impl ConnectionTrait, code: &str) -> Result<Option<Model>, DbErr> {
    Entity::find().filter(Column::Code.eq(code)).one(db).await
}
