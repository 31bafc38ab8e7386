//! Keyset paging by id. Ids are UUID v7, so id order is creation order and "after cursor" is an
//! index range scan, as fast on page 10,000 as on page 1 (no OFFSET).

use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Select,
};
use uuid::Uuid;

/// What a connection field asked for, already checked (`first` within bounds).
#[derive(Debug, Clone, Copy)]
pub struct PageRequest {
    pub first: u64,
    pub after: Option<Uuid>,
}

impl PageRequest {
    /// One row more than asked, to know whether another page follows.
    pub fn fetch_limit(&self) -> u64 {
        self.first + 1
    }
}

/// A page of rows and whether more follow.
#[derive(Debug, Clone)]
pub struct Page<T> {
    pub rows: Vec<(Uuid, T)>,
    pub has_next_page: bool,
}

impl<T> Page<T> {
    pub fn from_rows(mut rows: Vec<T>, req: PageRequest, id: impl Fn(&T) -> Uuid) -> Self {
        let has_next_page = rows.len() as u64 > req.first;
        rows.truncate(req.first as usize);
        Page {
            rows: rows.into_iter().map(|r| (id(&r), r)).collect(),
            has_next_page,
        }
    }
}

/// Runs `query` as one keyset page over the id column `id`: ascending (creation order), or
/// descending (newest first), starting after the request's cursor.
pub async fn fetch<E>(
    db: &impl ConnectionTrait,
    query: Select<E>,
    id: E::Column,
    req: PageRequest,
    newest_first: bool,
    key: impl Fn(&E::Model) -> Uuid,
) -> Result<Page<E::Model>, DbErr>
where
    E: EntityTrait,
{
    let query = if newest_first {
        query.order_by_desc(id)
    } else {
        query.order_by_asc(id)
    };
    let query = match req.after {
        Some(after) if newest_first => query.filter(id.lt(after)),
        Some(after) => query.filter(id.gt(after)),
        None => query,
    };
    let rows = query.limit(req.fetch_limit()).all(db).await?;
    Ok(Page::from_rows(rows, req, key))
}
