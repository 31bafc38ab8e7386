//! Enrollments (在校生数): students per school, stage and school year.

use sea_orm::QueryOrder;
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "enrollments")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub school_id: Uuid,
    pub school_year: i32,
    pub stage: String,
    pub students: i32,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

pub async fn find(
    db: &impl ConnectionTrait,
    school_id: Uuid,
    school_year: i32,
    stage: &str,
) -> Result<Option<Model>, DbErr> {
    Entity::find()
        .filter(Column::SchoolId.eq(school_id))
        .filter(Column::SchoolYear.eq(school_year))
        .filter(Column::Stage.eq(stage))
        .one(db)
        .await
}

/// Enrollments of several schools, newest school year first.
pub async fn by_schools(db: &impl ConnectionTrait, ids: &[Uuid]) -> Result<Vec<Model>, DbErr> {
    Entity::find()
        .filter(Column::SchoolId.is_in(ids.iter().copied()))
        .order_by_desc(Column::SchoolYear)
        .order_by_asc(Column::Stage)
        .all(db)
        .await
}

/// Sets a school's students for a year and stage: an upsert, so two HR clerks entering the
/// same figure at once cannot collide.
pub async fn upsert(
    db: &impl ConnectionTrait,
    school_id: Uuid,
    school_year: i32,
    stage: &str,
    students: i32,
) -> Result<(), DbErr> {
    use sea_orm::Set;
    use sea_orm::sea_query::OnConflict;
    Entity::insert(ActiveModel {
        id: Set(Uuid::now_v7()),
        school_id: Set(school_id),
        school_year: Set(school_year),
        stage: Set(stage.to_owned()),
        students: Set(students),
        updated_at: Set(chrono::Utc::now()),
    })
    .on_conflict(
        OnConflict::columns([Column::SchoolId, Column::SchoolYear, Column::Stage])
            .update_columns([Column::Students, Column::UpdatedAt])
            .to_owned(),
    )
    .exec(db)
    .await?;
    Ok(())
}
