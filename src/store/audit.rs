//! The audit trail: one event per successful mutation, written in its transaction, never
//! updated or deleted by the service.

use sea_orm::Set;
use sea_orm::entity::prelude::*;

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

/// Which events to list; the given filters combine with AND.
#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    pub actor: Option<String>,
    pub operation: Option<String>,
    pub entity_id: Option<Uuid>,
    /// At or after this instant.
    pub from: Option<DateTimeUtc>,
    /// Before this instant.
    pub to: Option<DateTimeUtc>,
}

impl AuditFilter {
    fn condition(&self) -> sea_orm::Condition {
        let mut cond = sea_orm::Condition::all();
        if let Some(actor) = &self.actor {
            cond = cond.add(Column::Actor.eq(actor.as_str()));
        }
        if let Some(op) = &self.operation {
            cond = cond.add(Column::Operation.eq(op.as_str()));
        }
        if let Some(id) = self.entity_id {
            cond = cond.add(Column::EntityId.eq(id));
        }
        if let Some(from) = self.from {
            cond = cond.add(Column::At.gte(from));
        }
        if let Some(to) = self.to {
            cond = cond.add(Column::At.lt(to));
        }
        cond
    }
}

/// A page of events, newest first; the cursor is the last id seen.
pub async fn page(
    db: &impl ConnectionTrait,
    filter: &AuditFilter,
    req: PageRequest,
) -> Result<Page<Model>, DbErr> {
    let query = Entity::find().filter(filter.condition());
    super::page::fetch(db, query, Column::Id, req, true, |m| m.id).await
}

pub async fn count(db: &impl ConnectionTrait, filter: &AuditFilter) -> Result<u64, DbErr> {
    Entity::find().filter(filter.condition()).count(db).await
}
