//! Master-teacher studios (名师工作室).

use sea_orm::QuerySelect;
use sea_orm::QueryTrait;
use sea_orm::entity::prelude::*;
use sea_orm::sea_query::{Expr, ExprTrait, IntoIden, SimpleExpr};

use super::page::{Page, PageRequest};

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "studios")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub name: String,
    pub subject: String,
    /// Rank of `Level`, 1 = SCHOOL.
    pub level: i16,
    pub school_id: Uuid,
    pub host_teacher_id: Uuid,
    pub status: String,
    pub established_on: Option<Date>,
    pub closed_on: Option<Date>,
    pub mentee_capacity: Option<i32>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

/// Rule 5 in SQL: in force on `day` (a PLANNED studio has no establishment date and never is),
/// on the studio rows `s` (the table or an alias); `day` may be a column of a table of days.
pub fn in_force_at<S: IntoIden>(s: S, day: SimpleExpr) -> SimpleExpr {
    let s = s.into_iden();
    let col = |c: Column| -> SimpleExpr { Expr::col((s.clone(), c)) };
    col(Column::EstablishedOn)
        .is_not_null()
        .and(col(Column::EstablishedOn).lte(day.clone()))
        .and(
            col(Column::ClosedOn)
                .is_null()
                .or(col(Column::ClosedOn).gt(day)),
        )
}

/// The ids of the studios a teacher hosts: the studio-host read scope, as a subquery other
/// tables filter their `studio_id` by, so that the scope is applied in SQL wherever rows of
/// studios are read.
pub fn hosted_ids(host: Uuid) -> sea_orm::sea_query::SelectStatement {
    sea_orm::sea_query::Query::select()
        .column(Column::Id)
        .from(Entity)
        .and_where(Column::HostTeacherId.eq(host))
        .to_owned()
}

/// Studios by id; `hosted` keeps those the teacher hosts.
pub async fn by_ids(
    db: &impl ConnectionTrait,
    ids: &[Uuid],
    hosted: Option<Uuid>,
) -> Result<Vec<Model>, DbErr> {
    Entity::find()
        .filter(Column::Id.is_in(ids.iter().copied()))
        .apply_if(hosted, |q, host| q.filter(Column::HostTeacherId.eq(host)))
        .all(db)
        .await
}

pub async fn by_name(db: &impl ConnectionTrait, name: &str) -> Result<Option<Model>, DbErr> {
    Entity::find().filter(Column::Name.eq(name)).one(db).await
}

/// Reads a studio and locks its row until the transaction ends (PostgreSQL `FOR UPDATE`;
/// SQLite's single writer already serialises). Every change to a studio's members and pairs
/// takes this lock first, so checks like the per-member capacity cannot race.
pub async fn lock(db: &impl ConnectionTrait, id: Uuid) -> Result<Option<Model>, DbErr> {
    Entity::find_by_id(id).lock_exclusive().one(db).await
}

/// A page of studios in creation order; `hosted_by` keeps those a teacher hosts.
pub async fn page(
    db: &impl ConnectionTrait,
    hosted_by: Option<Uuid>,
    req: PageRequest,
) -> Result<Page<Model>, DbErr> {
    let mut query = Entity::find();
    if let Some(host) = hosted_by {
        query = query.filter(Column::HostTeacherId.eq(host));
    }
    super::page::fetch(db, query, Column::Id, req, false, |m| m.id).await
}

pub async fn count(db: &impl ConnectionTrait, hosted_by: Option<Uuid>) -> Result<u64, DbErr> {
    let mut query = Entity::find();
    if let Some(host) = hosted_by {
        query = query.filter(Column::HostTeacherId.eq(host));
    }
    query.count(db).await
}

/// Ids of the studios a teacher hosts.
pub async fn hosted_by(
    db: &impl ConnectionTrait,
    teacher_ids: &[Uuid],
) -> Result<Vec<Model>, DbErr> {
    Entity::find()
        .filter(Column::HostTeacherId.is_in(teacher_ids.iter().copied()))
        .all(db)
        .await
}
