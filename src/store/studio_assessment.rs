//! A studio's periodic assessment (考核): EXCELLENT, PASS or FAIL (a FAIL closes the studio).

use sea_orm::QueryOrder;
use sea_orm::QueryTrait;
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "studio_assessments")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub studio_id: Uuid,
    /// The assessment cycle, e.g. `2024`.
    pub cycle: String,
    pub result: String,
    pub assessed_on: Date,
    #[sea_orm(column_type = "Text", nullable)]
    pub notes: Option<String>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

pub async fn find(
    db: &impl ConnectionTrait,
    studio_id: Uuid,
    cycle: &str,
) -> Result<Option<Model>, DbErr> {
    Entity::find()
        .filter(Column::StudioId.eq(studio_id))
        .filter(Column::Cycle.eq(cycle))
        .one(db)
        .await
}

/// Assessments of several studios, oldest first; `hosted` keeps those of studios the teacher
/// hosts.
pub async fn by_studios(
    db: &impl ConnectionTrait,
    ids: &[Uuid],
    hosted: Option<Uuid>,
) -> Result<Vec<Model>, DbErr> {
    Entity::find()
        .filter(Column::StudioId.is_in(ids.iter().copied()))
        .apply_if(hosted, |q, host| {
            q.filter(Column::StudioId.in_subquery(super::studio::hosted_ids(host)))
        })
        .order_by_asc(Column::AssessedOn)
        .order_by_asc(Column::Id)
        .all(db)
        .await
}
