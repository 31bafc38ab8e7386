//! Training records (培训记录, rules 9 and 10): a teacher's completed training, its hours kept
//! as whole tenths; and the SQL pieces of rule 10 — which records count on D ([`counted_on`]),
//! the owed years and expected hours, keeping up ([`keeps_up`]) — that `trainingCompliance`
//! (`store::compliance`) and the `trainingBehindOn` filter ([`behind_on`]) share.

use chrono::NaiveDate;
use sea_orm::QueryOrder;
use sea_orm::entity::prelude::*;
use sea_orm::sea_query::{Expr, ExprTrait, Func, IntoIden, Query, SimpleExpr, SubQueryStatement};

use super::teacher;
use crate::domain::training::{Cycle, HOURS_PER_YEAR};

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "training_records")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub teacher_id: Uuid,
    pub title: String,
    /// Rank of `Level`, 1 = SCHOOL.
    pub level: i16,
    /// Code of `TrainingKind`.
    pub kind: String,
    pub organiser: String,
    pub started_on: Date,
    pub ended_on: Date,
    /// Hours × 10.
    pub tenths: i32,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

pub async fn by_id(db: &impl ConnectionTrait, id: Uuid) -> Result<Option<Model>, DbErr> {
    Entity::find_by_id(id).one(db).await
}

/// The records of several teachers, oldest end first (a page's nested `trainingHours`).
pub async fn by_teachers(db: &impl ConnectionTrait, ids: &[Uuid]) -> Result<Vec<Model>, DbErr> {
    Entity::find()
        .filter(Column::TeacherId.is_in(ids.iter().copied()))
        .order_by_asc(Column::EndedOn)
        .order_by_asc(Column::Id)
        .all(db)
        .await
}

/// Rule 10's owed years on D of the teacher rows `t`, in SQL: for each year Y of D's cycle
/// already over on D (at most five, known here), 1 when employed on 1 Jan Y and 31 Dec Y.
pub fn owed_years<T: IntoIden + Clone>(t: T, d: NaiveDate) -> SimpleExpr {
    let mut owed: Option<SimpleExpr> = None;
    for y in Cycle::of(d).years() {
        let (Some(first), Some(last)) = (
            NaiveDate::from_ymd_opt(y, 1, 1),
            NaiveDate::from_ymd_opt(y, 12, 31),
        ) else {
            continue;
        };
        if last > d {
            continue;
        }
        let served = teacher::employed_at(t.clone(), Expr::val(first))
            .and(teacher::employed_at(t.clone(), Expr::val(last)));
        let year: SimpleExpr = Expr::case(served, Expr::val(1))
            .finally(Expr::val(0))
            .into();
        owed = Some(match owed {
            Some(sum) => sum.add(year),
            None => year,
        });
    }
    owed.unwrap_or_else(|| Expr::val(0))
}

/// Rule 10's expected hours on D in tenths: 72 an owed year. Owed years are at most the
/// cycle's five, so the cap of 360 is never passed and needs no LEAST/MIN (which the two
/// backends spell differently).
pub fn expected_tenths<T: IntoIden + Clone>(t: T, d: NaiveDate) -> SimpleExpr {
    owed_years(t, d).mul(HOURS_PER_YEAR * 10)
}

/// Rule 10: the records whose hours count on D — those of D's cycle ended on or before D.
pub fn counted_on(d: NaiveDate) -> SimpleExpr {
    let first = Cycle::of(d).first_day().unwrap_or(d);
    Expr::col((Entity, Column::EndedOn)).between(first, d)
}

/// Rule 10: the teacher rows `t` with `hours` (tenths) on D have the hours expected of them.
pub fn keeps_up<T: IntoIden + Clone>(t: T, hours: SimpleExpr, d: NaiveDate) -> SimpleExpr {
    hours.gte(expected_tenths(t, d))
}

/// The hours on D (tenths) of the teacher row `t`, as a correlated subquery; 0 without records.
fn hours_of<T: IntoIden + Clone>(t: T, d: NaiveDate) -> SimpleExpr {
    let sum = Query::select()
        .expr(Expr::col(Column::Tenths).sum())
        .from(Entity)
        .and_where(Expr::col((Entity, Column::TeacherId)).equals((t, teacher::Column::Id)))
        .and_where(counted_on(d))
        .to_owned();
    let sub = SimpleExpr::SubQuery(None, Box::new(SubQueryStatement::SelectStatement(sum)));
    Func::coalesce([sub, Expr::val(0)]).into()
}

/// Rule 10 on the teacher rows `t`: employed on D and behind (not keeping up).
pub fn behind_on<T: IntoIden + Clone>(t: T, d: NaiveDate) -> SimpleExpr {
    teacher::employed_at(t.clone(), Expr::val(d)).and(keeps_up(t.clone(), hours_of(t, d), d).not())
}
