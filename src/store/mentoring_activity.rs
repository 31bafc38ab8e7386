//! What a mentoring pair did together (听课, 示范课, 集体教研, 讲座, 课题…).

use sea_orm::QueryOrder;
use sea_orm::QueryTrait;
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "mentoring_activities")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub pair_id: Uuid,
    pub date: Date,
    pub kind: String,
    pub hours: f64,
    #[sea_orm(column_type = "Text", nullable)]
    pub notes: Option<String>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

/// Activities of several pairs, in date order; `hosted` keeps those of studios the teacher
/// hosts.
pub async fn by_pairs(
    db: &impl ConnectionTrait,
    ids: &[Uuid],
    hosted: Option<Uuid>,
) -> Result<Vec<Model>, DbErr> {
    Entity::find()
        .filter(Column::PairId.is_in(ids.iter().copied()))
        .apply_if(hosted, |q, host| {
            let pairs = sea_orm::sea_query::Query::select()
                .column(super::mentoring_pair::Column::Id)
                .from(super::mentoring_pair::Entity)
                .and_where(
                    super::mentoring_pair::Column::StudioId
                        .in_subquery(super::studio::hosted_ids(host)),
                )
                .to_owned();
            q.filter(Column::PairId.in_subquery(pairs))
        })
        .order_by_asc(Column::Date)
        .order_by_asc(Column::Id)
        .all(db)
        .await
}
