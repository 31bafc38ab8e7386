//! Teachers (教师) and the registry's teacher filter.

use chrono::NaiveDate;
use sea_orm::Condition;
use sea_orm::entity::prelude::*;
use sea_orm::sea_query::{Expr, ExprTrait, IntoIden, LikeExpr, Query, SimpleExpr};

use super::page::{Page, PageRequest};
use super::{designation, reserve_entry, school};
use crate::domain::{DesignationKind, Level, ReservePool, Stage};

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "teachers")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub staff_no: String,
    pub name: String,
    pub gender: String,
    pub birth_date: Option<Date>,
    pub id_number: Option<String>,
    pub school_id: Uuid,
    pub stage: String,
    pub subject: String,
    /// Rank of `Education`, 1 = SECONDARY.
    pub education: i16,
    pub hired_on: Option<Date>,
    pub left_on: Option<Date>,
    pub leave_reason: Option<String>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

/// Rule 1 in SQL: employed on `d`.
pub fn employed_on(d: NaiveDate) -> Condition {
    Condition::all().add(employed_at(Entity, Expr::val(d)))
}

/// Rule 1 on the teacher rows `t` (the table or an alias) for a `day` that may be a column of a
/// table of days.
pub fn employed_at<T: IntoIden>(t: T, day: SimpleExpr) -> SimpleExpr {
    employed_between(t, day.clone(), day)
}

/// Employed on some day from `first` to `last`: employment is one stretch (hired on
/// `hiredOn`, gone from `leftOn`), so hired by `last` and not gone by `first`. Rule 1 when the
/// two are one day.
pub fn employed_between<T: IntoIden>(t: T, first: SimpleExpr, last: SimpleExpr) -> SimpleExpr {
    let t = t.into_iden();
    let col = |c: Column| -> SimpleExpr { Expr::col((t.clone(), c)) };
    col(Column::HiredOn)
        .is_null()
        .or(col(Column::HiredOn).lte(last))
        .and(
            col(Column::LeftOn)
                .is_null()
                .or(col(Column::LeftOn).gt(first)),
        )
}

/// The `teachers` query's filters; the given ones combine with AND.
#[derive(Debug, Clone, Default)]
pub struct TeacherFilter {
    pub school_id: Option<Uuid>,
    pub township: Option<String>,
    pub stage: Option<Stage>,
    pub subject: Option<String>,
    pub name_contains: Option<String>,
    pub staff_no: Option<String>,
    pub designation_kind: Option<DesignationKind>,
    pub min_level: Option<Level>,
    pub in_force_on: Option<NaiveDate>,
    /// The pool, and the day on which its entry must not have been left (today).
    pub reserve_pool: Option<(ReservePool, NaiveDate)>,
    pub employed_on: Option<NaiveDate>,
    pub training_behind_on: Option<NaiveDate>,
}

impl TeacherFilter {
    fn condition(&self) -> Condition {
        let mut cond = Condition::all();
        if let Some(id) = self.school_id {
            cond = cond.add(Column::SchoolId.eq(id));
        }
        if let Some(township) = &self.township {
            cond = cond.add(
                Column::SchoolId.in_subquery(
                    Query::select()
                        .column(school::Column::Id)
                        .from(school::Entity)
                        .and_where(school::Column::Township.eq(township.as_str()))
                        .to_owned(),
                ),
            );
        }
        if let Some(stage) = self.stage {
            cond = cond.add(Column::Stage.eq(stage.code()));
        }
        if let Some(subject) = &self.subject {
            cond = cond.add(Column::Subject.eq(subject.as_str()));
        }
        if let Some(part) = &self.name_contains {
            cond = cond.add(Column::Name.like(LikeExpr::new(like_pattern(part)).escape('\\')));
        }
        if let Some(staff_no) = &self.staff_no {
            cond = cond.add(Column::StaffNo.eq(staff_no.as_str()));
        }
        if self.designation_kind.is_some() || self.min_level.is_some() || self.in_force_on.is_some()
        {
            let mut holding = Condition::all();
            if let Some(kind) = self.designation_kind {
                holding = holding.add(designation::Column::Kind.eq(kind.rank()));
            }
            if let Some(level) = self.min_level {
                holding = holding.add(designation::Column::Level.gte(level.rank()));
            }
            if let Some(d) = self.in_force_on {
                holding = holding.add(designation::in_force_on(d));
            }
            // Correlated EXISTS, not `id IN (…)`: SQLite builds the whole IN list (every
            // designation at level ≥ L in the registry) before the first row of the page, and
            // probes the teacher's own designations (by index) for EXISTS.
            holding = holding.add(
                Expr::col((designation::Entity, designation::Column::TeacherId))
                    .equals((Entity, Column::Id)),
            );
            cond = cond.add(Expr::exists(
                Query::select()
                    .expr(Expr::val(1))
                    .from(designation::Entity)
                    .cond_where(holding)
                    .to_owned(),
            ));
        }
        if let Some((pool, on)) = self.reserve_pool {
            cond = cond.add(
                Column::Id.in_subquery(
                    Query::select()
                        .column(reserve_entry::Column::TeacherId)
                        .from(reserve_entry::Entity)
                        .and_where(reserve_entry::Column::Pool.eq(pool.code()))
                        .cond_where(
                            Condition::any()
                                .add(reserve_entry::Column::LeftOn.is_null())
                                .add(reserve_entry::Column::LeftOn.gt(on)),
                        )
                        .to_owned(),
                ),
            );
        }
        if let Some(d) = self.employed_on {
            cond = cond.add(employed_on(d));
        }
        if let Some(d) = self.training_behind_on {
            cond = cond.add(super::training_record::behind_on(Entity, d));
        }
        cond
    }
}

/// `%part%` with LIKE's own wildcards in `part` taken literally.
fn like_pattern(part: &str) -> String {
    let escaped = part
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    format!("%{escaped}%")
}

/// Whether the teacher is employed on `d` (rule 1); false for an unknown id.
pub async fn is_employed_on(
    db: &impl ConnectionTrait,
    id: Uuid,
    d: NaiveDate,
) -> Result<bool, DbErr> {
    Ok(Entity::find_by_id(id)
        .filter(employed_on(d))
        .one(db)
        .await?
        .is_some())
}

pub async fn by_ids(db: &impl ConnectionTrait, ids: &[Uuid]) -> Result<Vec<Model>, DbErr> {
    Entity::find()
        .filter(Column::Id.is_in(ids.iter().copied()))
        .all(db)
        .await
}

pub async fn by_staff_no(
    db: &impl ConnectionTrait,
    staff_no: &str,
) -> Result<Option<Model>, DbErr> {
    Entity::find()
        .filter(Column::StaffNo.eq(staff_no))
        .one(db)
        .await
}

pub async fn by_id_number(
    db: &impl ConnectionTrait,
    id_number: &str,
) -> Result<Option<Model>, DbErr> {
    Entity::find()
        .filter(Column::IdNumber.eq(id_number))
        .one(db)
        .await
}

/// The teachers with any of these staff numbers: the import looks a sheet up a chunk at a time.
pub async fn by_staff_nos(
    db: &impl ConnectionTrait,
    staff_nos: &[String],
) -> Result<Vec<Model>, DbErr> {
    Entity::find()
        .filter(Column::StaffNo.is_in(staff_nos.iter().cloned()))
        .all(db)
        .await
}

/// The teachers holding any of these ID numbers.
pub async fn by_id_numbers(
    db: &impl ConnectionTrait,
    id_numbers: &[String],
) -> Result<Vec<Model>, DbErr> {
    Entity::find()
        .filter(Column::IdNumber.is_in(id_numbers.iter().cloned()))
        .all(db)
        .await
}

/// How many teachers (present or departed) a school has registered at a stage: a stage in
/// use cannot be taken from the school.
pub async fn count_at(
    db: &impl ConnectionTrait,
    school_id: Uuid,
    stage: &str,
) -> Result<u64, DbErr> {
    Entity::find()
        .filter(Column::SchoolId.eq(school_id))
        .filter(Column::Stage.eq(stage))
        .count(db)
        .await
}

/// A page of the teachers the filter keeps, in creation order.
pub async fn page(
    db: &impl ConnectionTrait,
    filter: &TeacherFilter,
    req: PageRequest,
) -> Result<Page<Model>, DbErr> {
    let query = Entity::find().filter(filter.condition());
    super::page::fetch(db, query, Column::Id, req, false, |m| m.id).await
}

/// How many teachers the filter keeps (one COUNT query).
pub async fn count(db: &impl ConnectionTrait, filter: &TeacherFilter) -> Result<u64, DbErr> {
    Entity::find().filter(filter.condition()).count(db).await
}

#[cfg(test)]
mod tests {
    #[test]
    fn like_wildcards_in_input_are_literal() {
        assert_eq!(super::like_pattern("5%_a\\"), "%5\\%\\_a\\\\%");
    }
}
