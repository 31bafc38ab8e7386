//! Studio members (成员), the host included (role HOST).

use chrono::NaiveDate;
use sea_orm::entity::prelude::*;
use sea_orm::sea_query::{Alias, Expr, ExprTrait, JoinType, Query};
use sea_orm::{Condition, QueryOrder};

use super::{mentoring_pair, studio};

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "studio_members")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub studio_id: Uuid,
    pub teacher_id: Uuid,
    pub role: String,
    pub joined_on: Date,
    pub left_on: Option<Date>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

/// Rule 6 in SQL, the membership half: joined on or before `d` and not yet left.
pub fn membership_on(d: NaiveDate) -> Condition {
    Condition::all().add(Column::JoinedOn.lte(d)).add(
        Condition::any()
            .add(Column::LeftOn.is_null())
            .add(Column::LeftOn.gt(d)),
    )
}

/// Members in force on `d` of several studios (rule 6: in a studio in force on `d`), host first.
pub async fn in_force(
    db: &impl ConnectionTrait,
    studio_ids: &[Uuid],
    d: NaiveDate,
) -> Result<Vec<Model>, DbErr> {
    Entity::find()
        .filter(Column::StudioId.is_in(studio_ids.iter().copied()))
        .filter(membership_on(d))
        .filter(
            Column::StudioId.in_subquery(
                Query::select()
                    .column(studio::Column::Id)
                    .from(studio::Entity)
                    .cond_where(studio::in_force_on(d))
                    .to_owned(),
            ),
        )
        .order_by_asc(Column::Role)
        .order_by_asc(Column::JoinedOn)
        .order_by_asc(Column::Id)
        .all(db)
        .await
}

/// The teacher's memberships of a studio, any time.
pub async fn of_teacher_in(
    db: &impl ConnectionTrait,
    studio_id: Uuid,
    teacher_id: Uuid,
) -> Result<Vec<Model>, DbErr> {
    Entity::find()
        .filter(Column::StudioId.eq(studio_id))
        .filter(Column::TeacherId.eq(teacher_id))
        .all(db)
        .await
}

/// Memberships of several teachers, any time, oldest first.
pub async fn by_teachers(db: &impl ConnectionTrait, ids: &[Uuid]) -> Result<Vec<Model>, DbErr> {
    Entity::find()
        .filter(Column::TeacherId.is_in(ids.iter().copied()))
        .order_by_asc(Column::JoinedOn)
        .order_by_asc(Column::Id)
        .all(db)
        .await
}

pub async fn by_ids(db: &impl ConnectionTrait, ids: &[Uuid]) -> Result<Vec<Model>, DbErr> {
    Entity::find()
        .filter(Column::Id.is_in(ids.iter().copied()))
        .all(db)
        .await
}

/// Whether the teacher is the host in force on `d` of the studio (the studio-host scope).
pub async fn is_host_on(
    db: &impl ConnectionTrait,
    studio_id: Uuid,
    teacher_id: Uuid,
    d: NaiveDate,
) -> Result<bool, DbErr> {
    let found = Entity::find()
        .filter(Column::StudioId.eq(studio_id))
        .filter(Column::TeacherId.eq(teacher_id))
        .filter(Column::Role.eq("HOST"))
        .filter(membership_on(d))
        .filter(
            Column::StudioId.in_subquery(
                Query::select()
                    .column(studio::Column::Id)
                    .from(studio::Entity)
                    .cond_where(studio::in_force_on(d))
                    .to_owned(),
            ),
        )
        .one(db)
        .await?;
    Ok(found.is_some())
}

/// Rule 7's count per membership on `d`, uncapped: the member's pairs in that studio started on
/// or before `d`, less those WITHDRAWN with an end on or before `d`. One grouped query for
/// all the members asked; members with no pairs are absent (their count is 0).
pub async fn mentee_counts(
    db: &impl ConnectionTrait,
    member_ids: &[Uuid],
    d: NaiveDate,
) -> Result<Vec<(Uuid, i64)>, DbErr> {
    let m = Alias::new("m");
    let p = Alias::new("p");
    let stmt = Query::select()
        .expr_as(Expr::col((m.clone(), Column::Id)), Alias::new("member_id"))
        .expr_as(
            Expr::col((p.clone(), mentoring_pair::Column::Id)).count(),
            Alias::new("n"),
        )
        .from_as(Entity, m.clone())
        .join_as(
            JoinType::InnerJoin,
            mentoring_pair::Entity,
            p.clone(),
            Expr::col((p.clone(), mentoring_pair::Column::StudioId))
                .equals((m.clone(), Column::StudioId))
                .and(
                    Expr::col((p.clone(), mentoring_pair::Column::MentorTeacherId))
                        .equals((m.clone(), Column::TeacherId)),
                ),
        )
        .and_where(Expr::col((m.clone(), Column::Id)).is_in(member_ids.iter().copied()))
        .and_where(Expr::col((p.clone(), mentoring_pair::Column::StartedOn)).lte(d))
        .and_where(mentoring_pair::counts_on(p.clone(), d))
        .group_by_col((m, Column::Id))
        .to_owned();
    let rows = db.query_all(&stmt).await?;
    rows.iter()
        .map(|r| Ok((r.try_get("", "member_id")?, r.try_get("", "n")?)))
        .collect()
}
