//! The audit trail: one event per successful mutation, written in its transaction, never
//! updated or deleted by the service.

use sea_orm::entity::prelude::*;
use sea_orm::{QueryOrder, QuerySelect, Set};

use super::page::{Page, PageRequest};

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "audit_events")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub at: DateTimeUtc,
    pub actor: String,
    pub operation: String,
    pub entity_id: Option<Uuid>,
    #[sea_orm(column_type = "Text", nullable)]
    pub details: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

pub async fn record(
    db: &impl ConnectionTrait,
    actor: &str,
    operation: &str,
    entity_id: Option<Uuid>,
    details: Option<String>,
) -> Result<(), DbErr> {
    ActiveModel {
        id: Set(Uuid::now_v7()),
        at: Set(chrono::Utc::now()),
        actor: Set(actor.to_owned()),
        operation: Set(operation.to_owned()),
        entity_id: Set(entity_id),
        details: Set(details),
    }
    .insert(db)
    .await?;
    Ok(())
}

/// A page of events, newest first; the cursor is the last id seen.
pub async fn page(db: &impl ConnectionTrait, req: PageRequest) -> Result<Page<Model>, DbErr> {
    let mut query = Entity::find().order_by_desc(Column::Id);
    if let Some(after) = req.after {
        query = query.filter(Column::Id.lt(after));
    }
    let rows = query.limit(req.fetch_limit()).all(db).await?;
    Ok(Page::from_rows(rows, req, |m| m.id))
}

pub async fn count(db: &impl ConnectionTrait) -> Result<u64, DbErr> {
    Entity::find().count(db).await
}
