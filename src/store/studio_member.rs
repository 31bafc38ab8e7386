//! Studio members (成员), the host included (role HOST).

use chrono::NaiveDate;
use sea_orm::QueryOrder;
use sea_orm::QueryTrait;
use sea_orm::entity::prelude::*;
use sea_orm::sea_query::{Alias, Expr, ExprTrait, IntoIden, JoinType, Query, SimpleExpr};

use super::{mentoring_pair, studio, teacher};

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

/// Rule 6 in SQL, the one statement of "member in force on a day" that every query uses: on
/// the membership rows `m` (the table or an alias) and a `day` (a bound date, or the column of a
/// table of days), the membership has begun and not yet ended, its studio is in force that day
/// (rule 5), and its teacher is employed that day (rule 1). The last clause is why a host who
/// left the county's schools stops counting (and hosting) from their `leftOn` although their
/// membership row stays open until HR hands the studio on. The studio and teacher are checked
/// with `EXISTS` on their own aliases, so the condition drops into any query unchanged.
pub fn in_force_at<M: IntoIden>(m: M, day: SimpleExpr) -> SimpleExpr {
    let m = m.into_iden();
    let col = |c: Column| -> SimpleExpr { Expr::col((m.clone(), c)) };
    let (ms, mt) = (Alias::new("member_studio"), Alias::new("member_teacher"));
    let studio_in_force = Query::select()
        .expr(Expr::val(1))
        .from_as(studio::Entity, ms.clone())
        .and_where(
            Expr::col((ms.clone(), studio::Column::Id)).equals((m.clone(), Column::StudioId)),
        )
        .and_where(studio::in_force_at(ms, day.clone()))
        .to_owned();
    let teacher_employed = Query::select()
        .expr(Expr::val(1))
        .from_as(teacher::Entity, mt.clone())
        .and_where(
            Expr::col((mt.clone(), teacher::Column::Id)).equals((m.clone(), Column::TeacherId)),
        )
        .and_where(teacher::employed_at(mt, day.clone()))
        .to_owned();
    col(Column::JoinedOn)
        .lte(day.clone())
        .and(
            col(Column::LeftOn)
                .is_null()
                .or(col(Column::LeftOn).gt(day)),
        )
        .and(Expr::exists(studio_in_force))
        .and(Expr::exists(teacher_employed))
}

/// [`in_force_at`] on the `studio_members` table for one day.
pub fn in_force_on(d: NaiveDate) -> SimpleExpr {
    in_force_at(Entity, Expr::val(d))
}

/// Members in force on `d` of several studios (rule 6), host first.
pub async fn in_force(
    db: &impl ConnectionTrait,
    studio_ids: &[Uuid],
    d: NaiveDate,
    hosted: Option<Uuid>,
) -> Result<Vec<Model>, DbErr> {
    Entity::find()
        .filter(Column::StudioId.is_in(studio_ids.iter().copied()))
        .filter(in_force_on(d))
        .apply_if(hosted, |q, host| {
            q.filter(Column::StudioId.in_subquery(studio::hosted_ids(host)))
        })
        .order_by_asc(Column::Role)
        .order_by_asc(Column::JoinedOn)
        .order_by_asc(Column::Id)
        .all(db)
        .await
}

/// The teacher's membership of the studio in force on `d` (rule 6), if any: at most one, as a
/// teacher is a member once at a time.
pub async fn membership_in_force(
    db: &impl ConnectionTrait,
    studio_id: Uuid,
    teacher_id: Uuid,
    d: NaiveDate,
) -> Result<Option<Model>, DbErr> {
    Entity::find()
        .filter(Column::StudioId.eq(studio_id))
        .filter(Column::TeacherId.eq(teacher_id))
        .filter(in_force_on(d))
        .one(db)
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
/// Memberships of several teachers, any time; `hosted` keeps those of studios the teacher
/// `hosted` hosts.
pub async fn by_teachers(
    db: &impl ConnectionTrait,
    ids: &[Uuid],
    hosted: Option<Uuid>,
) -> Result<Vec<Model>, DbErr> {
    Entity::find()
        .filter(Column::TeacherId.is_in(ids.iter().copied()))
        .apply_if(hosted, |q, host| {
            q.filter(Column::StudioId.in_subquery(studio::hosted_ids(host)))
        })
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
    Ok(membership_in_force(db, studio_id, teacher_id, d)
        .await?
        .is_some_and(|m| m.role == "HOST"))
}

/// Every membership of a studio, any time, oldest first.
pub async fn of_studio(db: &impl ConnectionTrait, studio_id: Uuid) -> Result<Vec<Model>, DbErr> {
    Entity::find()
        .filter(Column::StudioId.eq(studio_id))
        .order_by_asc(Column::JoinedOn)
        .order_by_asc(Column::Id)
        .all(db)
        .await
}

/// Rule 7's count per membership on `d`, uncapped: for a membership in force on `d` (rule 6),
/// the member's pairs in that studio started on or before `d`, less those WITHDRAWN with an end
/// on or before `d`. One grouped query for all the members asked; memberships with no pairs,
/// or not in force on `d` (left, closed studio, departed teacher), are absent (their count is 0):
/// rule 7 counts only members in force.
pub async fn mentee_counts(
    db: &impl ConnectionTrait,
    member_ids: &[Uuid],
    d: NaiveDate,
    hosted: Option<Uuid>,
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
        .and_where(in_force_at(m.clone(), Expr::val(d)))
        .apply_if(hosted, |q, host| {
            q.and_where(
                Expr::col((m.clone(), Column::StudioId)).in_subquery(studio::hosted_ids(host)),
            );
        })
        .and_where(Expr::col((p.clone(), mentoring_pair::Column::StartedOn)).lte(d))
        .and_where(mentoring_pair::counts_on(p.clone(), d))
        .group_by_col((m, Column::Id))
        .to_owned();
    let rows = db.query_all(&stmt).await?;
    rows.iter()
        .map(|r| Ok((r.try_get("", "member_id")?, r.try_get("", "n")?)))
        .collect()
}
