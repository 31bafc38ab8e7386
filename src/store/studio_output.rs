//! Studio outputs (工作室成果, rule 11) and their authors.

use chrono::NaiveDate;
use sea_orm::QueryOrder;
use sea_orm::QueryTrait;
use sea_orm::entity::prelude::*;
use sea_orm::sea_query::{Alias, Expr, ExprTrait, Query};

use super::studio;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "studio_outputs")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub studio_id: Uuid,
    pub kind: String,
    pub title: String,
    pub date: Date,
    /// Rank of `Level`, 1 = SCHOOL.
    pub level: i16,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

/// One author of one output.
pub mod author {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "studio_output_authors")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub output_id: Uuid,
        #[sea_orm(primary_key, auto_increment = false)]
        pub teacher_id: Uuid,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// A studio's outputs dated within `from..=to` (both ends included, rule 11), in date order;
/// `hosted` keeps those of studios the teacher hosts.
pub async fn in_range(
    db: &impl ConnectionTrait,
    studio_ids: &[Uuid],
    from: NaiveDate,
    to: NaiveDate,
    hosted: Option<Uuid>,
) -> Result<Vec<Model>, DbErr> {
    Entity::find()
        .filter(Column::StudioId.is_in(studio_ids.iter().copied()))
        .filter(Column::Date.gte(from))
        .filter(Column::Date.lte(to))
        .apply_if(hosted, |q, host| {
            q.filter(Column::StudioId.in_subquery(studio::hosted_ids(host)))
        })
        .order_by_asc(Column::StudioId)
        .order_by_asc(Column::Date)
        .order_by_asc(Column::Id)
        .all(db)
        .await
}

/// The authors of several outputs, as (output, teacher) pairs.
pub async fn authors_of(
    db: &impl ConnectionTrait,
    output_ids: &[Uuid],
) -> Result<Vec<author::Model>, DbErr> {
    author::Entity::find()
        .filter(author::Column::OutputId.is_in(output_ids.iter().copied()))
        .order_by_asc(author::Column::OutputId)
        .order_by_asc(author::Column::TeacherId)
        .all(db)
        .await
}

/// Rule 11's counts: each of some studios' outputs dated within `from..=to` (both ends), grouped by kind
/// and level rank, one `GROUP BY`; groups with none are absent. `hosted` as for [`in_range`].
pub async fn counts(
    db: &impl ConnectionTrait,
    studio_ids: &[Uuid],
    from: NaiveDate,
    to: NaiveDate,
    hosted: Option<Uuid>,
) -> Result<Vec<(Uuid, String, i16, i64)>, DbErr> {
    let o = Alias::new("o");
    let stmt = Query::select()
        .column((o.clone(), Column::StudioId))
        .column((o.clone(), Column::Kind))
        .column((o.clone(), Column::Level))
        .expr_as(Expr::col((o.clone(), Column::Id)).count(), Alias::new("n"))
        .from_as(Entity, o.clone())
        .and_where(Expr::col((o.clone(), Column::StudioId)).is_in(studio_ids.iter().copied()))
        .and_where(Expr::col((o.clone(), Column::Date)).gte(from))
        .and_where(Expr::col((o.clone(), Column::Date)).lte(to))
        .apply_if(hosted, |q, host| {
            q.and_where(
                Expr::col((o.clone(), Column::StudioId)).in_subquery(studio::hosted_ids(host)),
            );
        })
        .group_by_col((o.clone(), Column::StudioId))
        .group_by_col((o.clone(), Column::Kind))
        .group_by_col((o.clone(), Column::Level))
        .order_by((o.clone(), Column::StudioId), sea_orm::Order::Asc)
        .order_by((o.clone(), Column::Kind), sea_orm::Order::Asc)
        .order_by((o, Column::Level), sea_orm::Order::Asc)
        .to_owned();
    let rows = db.query_all(&stmt).await?;
    rows.iter()
        .map(|r| {
            Ok((
                r.try_get("", "studio_id")?,
                r.try_get("", "kind")?,
                r.try_get("", "level")?,
                r.try_get("", "n")?,
            ))
        })
        .collect()
}

/// Which of `teacher_ids` are members in force of the studio on `d` (rule 6, through the one
/// SQL condition of `studio_member::in_force_at`, so a departed teacher is none).
pub async fn authors_in_force(
    db: &impl ConnectionTrait,
    studio_id: Uuid,
    teacher_ids: &[Uuid],
    d: NaiveDate,
) -> Result<Vec<Uuid>, DbErr> {
    use super::studio_member;
    let rows = studio_member::Entity::find()
        .filter(studio_member::Column::StudioId.eq(studio_id))
        .filter(studio_member::Column::TeacherId.is_in(teacher_ids.iter().copied()))
        .filter(studio_member::in_force_on(d))
        .all(db)
        .await?;
    Ok(rows.into_iter().map(|m| m.teacher_id).collect())
}

/// Removes an output's authors (before the output itself, or before naming new ones).
pub async fn delete_authors(db: &impl ConnectionTrait, output_id: Uuid) -> Result<(), DbErr> {
    author::Entity::delete_many()
        .filter(author::Column::OutputId.eq(output_id))
        .exec(db)
        .await?;
    Ok(())
}
