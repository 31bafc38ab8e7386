//! Designations (称号): key teacher, subject leader, master teacher at a level, awarded in a
//! batch, possibly expiring or revoked.

use chrono::NaiveDate;
use sea_orm::entity::prelude::*;
use sea_orm::{Condition, QueryOrder};

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "designations")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub teacher_id: Uuid,
    /// Rank of `DesignationKind`, 1 = KEY_TEACHER.
    pub kind: i16,
    /// Rank of `Level`, 1 = SCHOOL.
    pub level: i16,
    pub subject: Option<String>,
    pub batch: Option<String>,
    pub awarded_on: Date,
    pub expires_on: Option<Date>,
    pub revoked_on: Option<Date>,
    pub revoke_reason: Option<String>,
    pub certificate_no: Option<String>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

/// Rule 2 in SQL: in force on `d` ([`in_force_at`] on this table and a bound date).
pub fn in_force_on(d: NaiveDate) -> Condition {
    Condition::all().add(in_force_at(Entity, sea_orm::sea_query::Expr::val(d)))
}

pub async fn by_id(db: &impl ConnectionTrait, id: Uuid) -> Result<Option<Model>, DbErr> {
    Entity::find_by_id(id).one(db).await
}

/// The designations recorded under any of these certificate numbers.
pub async fn by_certificate_nos(
    db: &impl ConnectionTrait,
    certificate_nos: &[String],
) -> Result<Vec<Model>, DbErr> {
    Entity::find()
        .filter(Column::CertificateNo.is_in(certificate_nos.iter().cloned()))
        .all(db)
        .await
}

pub async fn by_certificate_no(
    db: &impl ConnectionTrait,
    certificate_no: &str,
) -> Result<Option<Model>, DbErr> {
    Entity::find()
        .filter(Column::CertificateNo.eq(certificate_no))
        .one(db)
        .await
}

/// Designations of several teachers, oldest award first.
pub async fn by_teachers(db: &impl ConnectionTrait, ids: &[Uuid]) -> Result<Vec<Model>, DbErr> {
    Entity::find()
        .filter(Column::TeacherId.is_in(ids.iter().copied()))
        .order_by_asc(Column::AwardedOn)
        .order_by_asc(Column::Id)
        .all(db)
        .await
}

/// The teacher's designation of this kind and level awarded on this day, if recorded (an
/// award is recorded once).
pub async fn same_award(
    db: &impl ConnectionTrait,
    teacher_id: Uuid,
    kind: i16,
    level: i16,
    awarded_on: chrono::NaiveDate,
) -> Result<Option<Model>, DbErr> {
    Entity::find()
        .filter(Column::TeacherId.eq(teacher_id))
        .filter(Column::Kind.eq(kind))
        .filter(Column::Level.eq(level))
        .filter(Column::AwardedOn.eq(awarded_on))
        .one(db)
        .await
}

/// Rule 2 in SQL on the designation rows `d` (the table or an alias) for a `day` that may be a
/// bound date or a column: awarded by then, not expired (the expiry is the last valid day),
/// not revoked (revocation takes effect on its day).
pub fn in_force_at<D: sea_orm::sea_query::IntoIden>(
    d: D,
    day: sea_orm::sea_query::SimpleExpr,
) -> sea_orm::sea_query::SimpleExpr {
    use sea_orm::sea_query::{Expr, ExprTrait, SimpleExpr};
    let d = d.into_iden();
    let col = |c: Column| -> SimpleExpr { Expr::col((d.clone(), c)) };
    col(Column::AwardedOn)
        .lte(day.clone())
        .and(
            col(Column::ExpiresOn)
                .is_null()
                .or(col(Column::ExpiresOn).gte(day.clone())),
        )
        .and(
            col(Column::RevokedOn)
                .is_null()
                .or(col(Column::RevokedOn).gt(day)),
        )
}
