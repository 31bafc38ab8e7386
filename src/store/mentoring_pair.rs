//! Mentoring pairs (结对培养): a studio member mentors a teacher.

use chrono::NaiveDate;
use sea_orm::QueryOrder;
use sea_orm::QueryTrait;
use sea_orm::entity::prelude::*;
use sea_orm::sea_query::{Alias, Expr, ExprTrait, SimpleExpr};

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "mentoring_pairs")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub studio_id: Uuid,
    pub mentor_teacher_id: Uuid,
    pub mentee_teacher_id: Uuid,
    pub started_on: Date,
    pub ended_on: Option<Date>,
    pub status: String,
    #[sea_orm(column_type = "Text", nullable)]
    pub goal: Option<String>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

/// Rule 7's exclusion, on the pair table aliased `p`: a pair still counts on `d` unless it was
/// WITHDRAWN with an end on or before `d` (a COMPLETED pair keeps counting).
pub fn counts_on(p: Alias, d: NaiveDate) -> SimpleExpr {
    Expr::col((p.clone(), Column::Status))
        .ne("WITHDRAWN")
        .or(Expr::col((p.clone(), Column::EndedOn)).is_null())
        .or(Expr::col((p, Column::EndedOn)).gt(d))
}

pub async fn by_id(db: &impl ConnectionTrait, id: Uuid) -> Result<Option<Model>, DbErr> {
    Entity::find_by_id(id).one(db).await
}

/// Which key pairs are looked up by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PairsBy {
    Id,
    Studio,
    Mentor,
    Mentee,
}

/// Pairs whose `column` is one of `ids`, oldest first.
pub async fn by(
    db: &impl ConnectionTrait,
    by: PairsBy,
    ids: &[Uuid],
    hosted: Option<Uuid>,
) -> Result<Vec<Model>, DbErr> {
    let column = match by {
        PairsBy::Id => Column::Id,
        PairsBy::Studio => Column::StudioId,
        PairsBy::Mentor => Column::MentorTeacherId,
        PairsBy::Mentee => Column::MenteeTeacherId,
    };
    Entity::find()
        .filter(column.is_in(ids.iter().copied()))
        .apply_if(hosted, |q, host| {
            q.filter(Column::StudioId.in_subquery(super::studio::hosted_ids(host)))
        })
        .order_by_asc(Column::StartedOn)
        .order_by_asc(Column::Id)
        .all(db)
        .await
}

/// The mentee's ACTIVE pair in the studio, if any.
pub async fn active_for_mentee(
    db: &impl ConnectionTrait,
    studio_id: Uuid,
    mentee: Uuid,
) -> Result<Option<Model>, DbErr> {
    Entity::find()
        .filter(Column::StudioId.eq(studio_id))
        .filter(Column::MenteeTeacherId.eq(mentee))
        .filter(Column::Status.eq("ACTIVE"))
        .one(db)
        .await
}

/// How many ACTIVE pairs the mentor has in the studio.
pub async fn active_count_for_mentor(
    db: &impl ConnectionTrait,
    studio_id: Uuid,
    mentor: Uuid,
) -> Result<u64, DbErr> {
    Entity::find()
        .filter(Column::StudioId.eq(studio_id))
        .filter(Column::MentorTeacherId.eq(mentor))
        .filter(Column::Status.eq("ACTIVE"))
        .count(db)
        .await
}
