//! Reading the audit trail (ADMIN only). Events are written by each mutation itself.

use super::require;
use crate::domain::{Actor, Permission};
use crate::error::Result;
use crate::store::audit::AuditFilter;
use crate::store::page::{Page, PageRequest};
use crate::store::{Db, audit};

pub async fn events(
    db: &Db,
    actor: &Actor,
    filter: &AuditFilter,
    req: PageRequest,
) -> Result<Page<audit::Model>> {
    require(actor, Permission::ReadAudit)?;
    Ok(audit::page(&db.read, filter, req).await?)
}

pub async fn count(db: &Db, filter: &AuditFilter) -> Result<u64> {
    Ok(audit::count(&db.read, filter).await?)
}
