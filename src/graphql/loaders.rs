//! Dataloaders: nested fields of a page load in one query per kind of row, not one per row.

use std::collections::HashMap;
use std::sync::Arc;

use uuid::Uuid;

use crate::error::Error;
use chrono::NaiveDate;

use crate::store::mentoring_pair::Column as PairColumn;
use crate::store::{
    Db, designation, enrollment, mentoring_activity, mentoring_pair, reserve_entry, school, studio,
    studio_assessment, studio_member, teacher, token,
};

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

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct StudioId(pub Uuid);
/// Members in force of a studio on a day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct MembersOn(pub Uuid, pub NaiveDate);
/// Rule 7's uncapped count of a membership on a day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct MenteeCountOn(pub Uuid, pub NaiveDate);
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct PairsOfStudio(pub Uuid);
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct PairsAsMentor(pub Uuid);
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct PairsAsMentee(pub Uuid);
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct PairId(pub Uuid);
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ActivitiesOf(pub Uuid);
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct MembershipsOf(pub Uuid);
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct AssessmentsOf(pub Uuid);
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct TokensOf(pub Uuid);
/// A studio's mentoring quota on a day with a per-member quota.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct QuotaOn(pub Uuid, pub NaiveDate, pub i64);

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

/// Keys that carry a day, split by day: one query per distinct day (usually one).
fn by_day<K: Copy>(
    keys: &[K],
    split: impl Fn(K) -> (Uuid, NaiveDate),
) -> HashMap<NaiveDate, Vec<Uuid>> {
    let mut days: HashMap<NaiveDate, Vec<Uuid>> = HashMap::new();
    for k in keys {
        let (id, day) = split(*k);
        days.entry(day).or_default().push(id);
    }
    days
}

impl async_graphql::dataloader::Loader<StudioId> for Loaders {
    type Value = studio::Model;
    type Error = Arc<Error>;
    async fn load(&self, ids: &[StudioId]) -> LoadResult<StudioId, studio::Model> {
        let rows = studio::by_ids(&self.db.read, &keys(ids, |k| k.0))
            .await
            .map_err(db_err)?;
        Ok(rows.into_iter().map(|r| (StudioId(r.id), r)).collect())
    }
}

impl async_graphql::dataloader::Loader<MembersOn> for Loaders {
    type Value = Vec<studio_member::Model>;
    type Error = Arc<Error>;
    async fn load(&self, asked: &[MembersOn]) -> LoadResult<MembersOn, Self::Value> {
        let mut out: HashMap<MembersOn, Vec<studio_member::Model>> =
            asked.iter().map(|k| (*k, Vec::new())).collect();
        for (day, ids) in by_day(asked, |k| (k.0, k.1)) {
            for row in studio_member::in_force(&self.db.read, &ids, day)
                .await
                .map_err(db_err)?
            {
                out.entry(MembersOn(row.studio_id, day))
                    .or_default()
                    .push(row);
            }
        }
        Ok(out)
    }
}

impl async_graphql::dataloader::Loader<MenteeCountOn> for Loaders {
    type Value = i64;
    type Error = Arc<Error>;
    async fn load(&self, asked: &[MenteeCountOn]) -> LoadResult<MenteeCountOn, i64> {
        let mut out: HashMap<MenteeCountOn, i64> = asked.iter().map(|k| (*k, 0)).collect();
        for (day, ids) in by_day(asked, |k| (k.0, k.1)) {
            for (member, n) in studio_member::mentee_counts(&self.db.read, &ids, day)
                .await
                .map_err(db_err)?
            {
                out.insert(MenteeCountOn(member, day), n);
            }
        }
        Ok(out)
    }
}

/// Loads pairs whose `column` is among the keys, grouped by that column.
async fn pairs_by<K: Copy + Eq + std::hash::Hash>(
    db: &Db,
    asked: &[K],
    id: impl Fn(K) -> Uuid,
    column: PairColumn,
    key: impl Fn(&mentoring_pair::Model) -> K,
) -> LoadResult<K, Vec<mentoring_pair::Model>> {
    let rows = mentoring_pair::by(&db.read, column, &keys(asked, id))
        .await
        .map_err(db_err)?;
    Ok(grouped(asked, rows, key))
}

impl async_graphql::dataloader::Loader<PairsOfStudio> for Loaders {
    type Value = Vec<mentoring_pair::Model>;
    type Error = Arc<Error>;
    async fn load(&self, ids: &[PairsOfStudio]) -> LoadResult<PairsOfStudio, Self::Value> {
        pairs_by(
            &self.db,
            ids,
            |k| k.0,
            PairColumn::StudioId,
            |r| PairsOfStudio(r.studio_id),
        )
        .await
    }
}

impl async_graphql::dataloader::Loader<PairsAsMentor> for Loaders {
    type Value = Vec<mentoring_pair::Model>;
    type Error = Arc<Error>;
    async fn load(&self, ids: &[PairsAsMentor]) -> LoadResult<PairsAsMentor, Self::Value> {
        pairs_by(
            &self.db,
            ids,
            |k| k.0,
            PairColumn::MentorTeacherId,
            |r| PairsAsMentor(r.mentor_teacher_id),
        )
        .await
    }
}

impl async_graphql::dataloader::Loader<PairsAsMentee> for Loaders {
    type Value = Vec<mentoring_pair::Model>;
    type Error = Arc<Error>;
    async fn load(&self, ids: &[PairsAsMentee]) -> LoadResult<PairsAsMentee, Self::Value> {
        pairs_by(
            &self.db,
            ids,
            |k| k.0,
            PairColumn::MenteeTeacherId,
            |r| PairsAsMentee(r.mentee_teacher_id),
        )
        .await
    }
}

impl async_graphql::dataloader::Loader<PairId> for Loaders {
    type Value = mentoring_pair::Model;
    type Error = Arc<Error>;
    async fn load(&self, ids: &[PairId]) -> LoadResult<PairId, mentoring_pair::Model> {
        let rows = mentoring_pair::by(&self.db.read, PairColumn::Id, &keys(ids, |k| k.0))
            .await
            .map_err(db_err)?;
        Ok(rows.into_iter().map(|r| (PairId(r.id), r)).collect())
    }
}

impl async_graphql::dataloader::Loader<ActivitiesOf> for Loaders {
    type Value = Vec<mentoring_activity::Model>;
    type Error = Arc<Error>;
    async fn load(&self, ids: &[ActivitiesOf]) -> LoadResult<ActivitiesOf, Self::Value> {
        let rows = mentoring_activity::by_pairs(&self.db.read, &keys(ids, |k| k.0))
            .await
            .map_err(db_err)?;
        Ok(grouped(ids, rows, |r| ActivitiesOf(r.pair_id)))
    }
}

impl async_graphql::dataloader::Loader<MembershipsOf> for Loaders {
    type Value = Vec<studio_member::Model>;
    type Error = Arc<Error>;
    async fn load(&self, ids: &[MembershipsOf]) -> LoadResult<MembershipsOf, Self::Value> {
        let rows = studio_member::by_teachers(&self.db.read, &keys(ids, |k| k.0))
            .await
            .map_err(db_err)?;
        Ok(grouped(ids, rows, |r| MembershipsOf(r.teacher_id)))
    }
}

impl async_graphql::dataloader::Loader<TokensOf> for Loaders {
    type Value = Vec<token::Model>;
    type Error = Arc<Error>;
    async fn load(&self, ids: &[TokensOf]) -> LoadResult<TokensOf, Self::Value> {
        let rows = token::of_users(&self.db.read, &keys(ids, |k| k.0))
            .await
            .map_err(db_err)?;
        Ok(grouped(ids, rows, |r| TokensOf(r.user_id)))
    }
}

impl async_graphql::dataloader::Loader<AssessmentsOf> for Loaders {
    type Value = Vec<studio_assessment::Model>;
    type Error = Arc<Error>;
    async fn load(&self, ids: &[AssessmentsOf]) -> LoadResult<AssessmentsOf, Self::Value> {
        let rows = studio_assessment::by_studios(&self.db.read, &keys(ids, |k| k.0))
            .await
            .map_err(db_err)?;
        Ok(grouped(ids, rows, |r| AssessmentsOf(r.studio_id)))
    }
}

impl async_graphql::dataloader::Loader<QuotaOn> for Loaders {
    type Value = crate::store::series::Point;
    type Error = Arc<Error>;
    async fn load(&self, asked: &[QuotaOn]) -> LoadResult<QuotaOn, Self::Value> {
        let mut groups: HashMap<(NaiveDate, i64), Vec<Uuid>> = HashMap::new();
        for k in asked {
            groups.entry((k.1, k.2)).or_default().push(k.0);
        }
        let mut out: HashMap<QuotaOn, Self::Value> =
            asked.iter().map(|k| (*k, Default::default())).collect();
        for ((day, q), ids) in groups {
            for (studio, point) in
                crate::store::series::mentoring_by_studio(&self.db.read, &ids, day, q)
                    .await
                    .map_err(db_err)?
            {
                out.insert(QuotaOn(studio, day, q), point);
            }
        }
        Ok(out)
    }
}
