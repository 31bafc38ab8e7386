//! Dataloaders: nested fields of a page load in one query per kind of row, not one per row.

use std::collections::HashMap;
use std::sync::Arc;

use uuid::Uuid;

use crate::error::Error;
use crate::store::{Db, designation, enrollment, reserve_entry, school, teacher};

/// One loader struct, one key type per kind of row.
pub struct Loaders {
    db: Db,
}

impl Loaders {
    pub fn new(db: Db) -> Self {
        Loaders { db }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct SchoolId(pub Uuid);
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct TeacherId(pub Uuid);
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct DesignationsOf(pub Uuid);
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ReserveEntriesOf(pub Uuid);
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct EnrollmentsOf(pub Uuid);

type LoadResult<K, V> = Result<HashMap<K, V>, Arc<Error>>;

fn keys<K: Copy>(keys: &[K], id: impl Fn(K) -> Uuid) -> Vec<Uuid> {
    keys.iter().map(|k| id(*k)).collect()
}

/// Groups rows by owner, every asked key present (an empty list for none).
fn grouped<K: Copy + Eq + std::hash::Hash, V>(
    asked: &[K],
    rows: Vec<V>,
    key: impl Fn(&V) -> K,
) -> HashMap<K, Vec<V>> {
    let mut map: HashMap<K, Vec<V>> = asked.iter().map(|k| (*k, Vec::new())).collect();
    for row in rows {
        map.entry(key(&row)).or_default().push(row);
    }
    map
}

fn db_err(e: sea_orm::DbErr) -> Arc<Error> {
    Arc::new(Error::from(e))
}

impl async_graphql::dataloader::Loader<SchoolId> for Loaders {
    type Value = school::Model;
    type Error = Arc<Error>;
    async fn load(&self, ids: &[SchoolId]) -> LoadResult<SchoolId, school::Model> {
        let rows = school::by_ids(&self.db.read, &keys(ids, |k| k.0))
            .await
            .map_err(db_err)?;
        Ok(rows.into_iter().map(|r| (SchoolId(r.id), r)).collect())
    }
}

impl async_graphql::dataloader::Loader<TeacherId> for Loaders {
    type Value = teacher::Model;
    type Error = Arc<Error>;
    async fn load(&self, ids: &[TeacherId]) -> LoadResult<TeacherId, teacher::Model> {
        let rows = teacher::by_ids(&self.db.read, &keys(ids, |k| k.0))
            .await
            .map_err(db_err)?;
        Ok(rows.into_iter().map(|r| (TeacherId(r.id), r)).collect())
    }
}

impl async_graphql::dataloader::Loader<DesignationsOf> for Loaders {
    type Value = Vec<designation::Model>;
    type Error = Arc<Error>;
    async fn load(&self, ids: &[DesignationsOf]) -> LoadResult<DesignationsOf, Self::Value> {
        let rows = designation::by_teachers(&self.db.read, &keys(ids, |k| k.0))
            .await
            .map_err(db_err)?;
        Ok(grouped(ids, rows, |r| DesignationsOf(r.teacher_id)))
    }
}

impl async_graphql::dataloader::Loader<ReserveEntriesOf> for Loaders {
    type Value = Vec<reserve_entry::Model>;
    type Error = Arc<Error>;
    async fn load(&self, ids: &[ReserveEntriesOf]) -> LoadResult<ReserveEntriesOf, Self::Value> {
        let rows = reserve_entry::by_teachers(&self.db.read, &keys(ids, |k| k.0))
            .await
            .map_err(db_err)?;
        Ok(grouped(ids, rows, |r| ReserveEntriesOf(r.teacher_id)))
    }
}

impl async_graphql::dataloader::Loader<EnrollmentsOf> for Loaders {
    type Value = Vec<enrollment::Model>;
    type Error = Arc<Error>;
    async fn load(&self, ids: &[EnrollmentsOf]) -> LoadResult<EnrollmentsOf, Self::Value> {
        let rows = enrollment::by_schools(&self.db.read, &keys(ids, |k| k.0))
            .await
            .map_err(db_err)?;
        Ok(grouped(ids, rows, |r| EnrollmentsOf(r.school_id)))
    }
}
