//! Dataloaders: nested fields of a page load in one query per kind of row, not one per row.
//! Each load goes through a `service::reads` function with the request's actor, so nested
//! fields are read under the same permissions as top-level ones.

use std::collections::HashMap;
use std::sync::Arc;

use chrono::NaiveDate;
use uuid::Uuid;

use crate::domain::{Actor, Level, OutputKind};
use crate::error::Error;
use crate::service::{reads, studios};
use crate::store::conversion::Figures;
use crate::store::mentoring_pair::PairsBy;
use crate::store::{
    Db, designation, enrollment, mentoring_activity, mentoring_pair, reserve_entry, school, studio,
    studio_assessment, studio_member, teacher, token, training_record,
};

/// One loader struct, one key type per kind of row; per request, with its actor.
pub struct Loaders {
    db: Db,
    actor: Option<Actor>,
}

impl Loaders {
    pub fn new(db: Db, actor: Option<Actor>) -> Self {
        Loaders { db, actor }
    }

    fn actor(&self) -> Result<&Actor, Failed> {
        reads::acting(self.actor.as_ref()).map_err(|e| Failed(Arc::new(e)))
    }
}

/// A failed load. It deliberately does not implement `Display`: async-graphql converts any
/// displayable error with `?` into a plain error that carries its text and no code, which
/// leaked a database error's text to the client as BAD_USER_INPUT. Without `Display` the only
/// way out of a resolver is `.api()` (see `graphql::error`), which logs the cause and answers
/// with the contract's code.
#[derive(Clone)]
pub struct Failed(pub Arc<Error>);

impl From<Error> for Failed {
    fn from(e: Error) -> Self {
        Failed(Arc::new(e))
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
pub struct TrainingRecordsOf(pub Uuid);
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
/// A studio's outputs dated within a range (both ends).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct OutputsIn(pub Uuid, pub NaiveDate, pub NaiveDate);
/// A studio's output counts by kind and level within a range (both ends).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct OutputCountsIn(pub Uuid, pub NaiveDate, pub NaiveDate);
/// A studio's conversion on a day (rule 12).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ConversionOn(pub Uuid, pub NaiveDate);

type LoadResult<K, V> = Result<HashMap<K, V>, Failed>;

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

impl async_graphql::dataloader::Loader<SchoolId> for Loaders {
    type Value = school::Model;
    type Error = Failed;
    async fn load(&self, ids: &[SchoolId]) -> LoadResult<SchoolId, school::Model> {
        let rows = reads::schools(&self.db, self.actor()?, &keys(ids, |k| k.0)).await?;
        Ok(rows.into_iter().map(|r| (SchoolId(r.id), r)).collect())
    }
}

impl async_graphql::dataloader::Loader<TeacherId> for Loaders {
    type Value = teacher::Model;
    type Error = Failed;
    async fn load(&self, ids: &[TeacherId]) -> LoadResult<TeacherId, teacher::Model> {
        let rows = reads::teachers(&self.db, self.actor()?, &keys(ids, |k| k.0)).await?;
        Ok(rows.into_iter().map(|r| (TeacherId(r.id), r)).collect())
    }
}

impl async_graphql::dataloader::Loader<DesignationsOf> for Loaders {
    type Value = Vec<designation::Model>;
    type Error = Failed;
    async fn load(&self, ids: &[DesignationsOf]) -> LoadResult<DesignationsOf, Self::Value> {
        let rows = reads::designations_of(&self.db, self.actor()?, &keys(ids, |k| k.0)).await?;
        Ok(grouped(ids, rows, |r| DesignationsOf(r.teacher_id)))
    }
}

impl async_graphql::dataloader::Loader<TrainingRecordsOf> for Loaders {
    type Value = Vec<training_record::Model>;
    type Error = Failed;
    async fn load(&self, ids: &[TrainingRecordsOf]) -> LoadResult<TrainingRecordsOf, Self::Value> {
        let rows = reads::training_records_of(&self.db, self.actor()?, &keys(ids, |k| k.0)).await?;
        Ok(grouped(ids, rows, |r| TrainingRecordsOf(r.teacher_id)))
    }
}

impl async_graphql::dataloader::Loader<ReserveEntriesOf> for Loaders {
    type Value = Vec<reserve_entry::Model>;
    type Error = Failed;
    async fn load(&self, ids: &[ReserveEntriesOf]) -> LoadResult<ReserveEntriesOf, Self::Value> {
        let rows = reads::reserve_entries_of(&self.db, self.actor()?, &keys(ids, |k| k.0)).await?;
        Ok(grouped(ids, rows, |r| ReserveEntriesOf(r.teacher_id)))
    }
}

impl async_graphql::dataloader::Loader<EnrollmentsOf> for Loaders {
    type Value = Vec<enrollment::Model>;
    type Error = Failed;
    async fn load(&self, ids: &[EnrollmentsOf]) -> LoadResult<EnrollmentsOf, Self::Value> {
        let rows = reads::enrollments_of(&self.db, self.actor()?, &keys(ids, |k| k.0)).await?;
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
    type Error = Failed;
    async fn load(&self, ids: &[StudioId]) -> LoadResult<StudioId, studio::Model> {
        let rows = reads::studios(&self.db, self.actor()?, &keys(ids, |k| k.0)).await?;
        Ok(rows.into_iter().map(|r| (StudioId(r.id), r)).collect())
    }
}

impl async_graphql::dataloader::Loader<MembersOn> for Loaders {
    type Value = Vec<studio_member::Model>;
    type Error = Failed;
    async fn load(&self, asked: &[MembersOn]) -> LoadResult<MembersOn, Self::Value> {
        let mut out: HashMap<MembersOn, Vec<studio_member::Model>> =
            asked.iter().map(|k| (*k, Vec::new())).collect();
        for (day, ids) in by_day(asked, |k| (k.0, k.1)) {
            for row in reads::members_in_force(&self.db, self.actor()?, &ids, day).await? {
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
    type Error = Failed;
    async fn load(&self, asked: &[MenteeCountOn]) -> LoadResult<MenteeCountOn, i64> {
        let mut out: HashMap<MenteeCountOn, i64> = asked.iter().map(|k| (*k, 0)).collect();
        for (day, ids) in by_day(asked, |k| (k.0, k.1)) {
            for (member, n) in reads::mentee_counts(&self.db, self.actor()?, &ids, day).await? {
                out.insert(MenteeCountOn(member, day), n);
            }
        }
        Ok(out)
    }
}

/// Loads pairs by one of their keys, grouped by that key.
async fn pairs_by<K: Copy + Eq + std::hash::Hash>(
    loaders: &Loaders,
    asked: &[K],
    id: impl Fn(K) -> Uuid,
    by: PairsBy,
    key: impl Fn(&mentoring_pair::Model) -> K,
) -> LoadResult<K, Vec<mentoring_pair::Model>> {
    let rows = reads::pairs(&loaders.db, loaders.actor()?, by, &keys(asked, id)).await?;
    Ok(grouped(asked, rows, key))
}

impl async_graphql::dataloader::Loader<PairsOfStudio> for Loaders {
    type Value = Vec<mentoring_pair::Model>;
    type Error = Failed;
    async fn load(&self, ids: &[PairsOfStudio]) -> LoadResult<PairsOfStudio, Self::Value> {
        pairs_by(
            self,
            ids,
            |k| k.0,
            PairsBy::Studio,
            |r| PairsOfStudio(r.studio_id),
        )
        .await
    }
}

impl async_graphql::dataloader::Loader<PairsAsMentor> for Loaders {
    type Value = Vec<mentoring_pair::Model>;
    type Error = Failed;
    async fn load(&self, ids: &[PairsAsMentor]) -> LoadResult<PairsAsMentor, Self::Value> {
        pairs_by(
            self,
            ids,
            |k| k.0,
            PairsBy::Mentor,
            |r| PairsAsMentor(r.mentor_teacher_id),
        )
        .await
    }
}

impl async_graphql::dataloader::Loader<PairsAsMentee> for Loaders {
    type Value = Vec<mentoring_pair::Model>;
    type Error = Failed;
    async fn load(&self, ids: &[PairsAsMentee]) -> LoadResult<PairsAsMentee, Self::Value> {
        pairs_by(
            self,
            ids,
            |k| k.0,
            PairsBy::Mentee,
            |r| PairsAsMentee(r.mentee_teacher_id),
        )
        .await
    }
}

impl async_graphql::dataloader::Loader<PairId> for Loaders {
    type Value = mentoring_pair::Model;
    type Error = Failed;
    async fn load(&self, ids: &[PairId]) -> LoadResult<PairId, mentoring_pair::Model> {
        let rows = reads::pairs(&self.db, self.actor()?, PairsBy::Id, &keys(ids, |k| k.0)).await?;
        Ok(rows.into_iter().map(|r| (PairId(r.id), r)).collect())
    }
}

impl async_graphql::dataloader::Loader<ActivitiesOf> for Loaders {
    type Value = Vec<mentoring_activity::Model>;
    type Error = Failed;
    async fn load(&self, ids: &[ActivitiesOf]) -> LoadResult<ActivitiesOf, Self::Value> {
        let rows = reads::activities_of(&self.db, self.actor()?, &keys(ids, |k| k.0)).await?;
        Ok(grouped(ids, rows, |r| ActivitiesOf(r.pair_id)))
    }
}

impl async_graphql::dataloader::Loader<MembershipsOf> for Loaders {
    type Value = Vec<studio_member::Model>;
    type Error = Failed;
    async fn load(&self, ids: &[MembershipsOf]) -> LoadResult<MembershipsOf, Self::Value> {
        let rows = reads::memberships_of(&self.db, self.actor()?, &keys(ids, |k| k.0)).await?;
        Ok(grouped(ids, rows, |r| MembershipsOf(r.teacher_id)))
    }
}

impl async_graphql::dataloader::Loader<TokensOf> for Loaders {
    type Value = Vec<token::Model>;
    type Error = Failed;
    async fn load(&self, ids: &[TokensOf]) -> LoadResult<TokensOf, Self::Value> {
        let rows = reads::tokens_of(&self.db, self.actor()?, &keys(ids, |k| k.0)).await?;
        Ok(grouped(ids, rows, |r| TokensOf(r.user_id)))
    }
}

impl async_graphql::dataloader::Loader<AssessmentsOf> for Loaders {
    type Value = Vec<studio_assessment::Model>;
    type Error = Failed;
    async fn load(&self, ids: &[AssessmentsOf]) -> LoadResult<AssessmentsOf, Self::Value> {
        let rows = reads::assessments_of(&self.db, self.actor()?, &keys(ids, |k| k.0)).await?;
        Ok(grouped(ids, rows, |r| AssessmentsOf(r.studio_id)))
    }
}

impl async_graphql::dataloader::Loader<QuotaOn> for Loaders {
    type Value = crate::store::series::Point;
    type Error = Failed;
    async fn load(&self, asked: &[QuotaOn]) -> LoadResult<QuotaOn, Self::Value> {
        let mut groups: HashMap<(NaiveDate, i64), Vec<Uuid>> = HashMap::new();
        for k in asked {
            groups.entry((k.1, k.2)).or_default().push(k.0);
        }
        let mut out: HashMap<QuotaOn, Self::Value> =
            asked.iter().map(|k| (*k, Default::default())).collect();
        for ((day, q), ids) in groups {
            for (studio, point) in reads::quotas(&self.db, self.actor()?, &ids, day, q).await? {
                out.insert(QuotaOn(studio, day, q), point);
            }
        }
        Ok(out)
    }
}

/// Groups range keys by their range: one statement per range asked, however many studios.
fn by_range<K: Copy>(
    keys: &[K],
    split: impl Fn(K) -> (Uuid, NaiveDate, NaiveDate),
) -> HashMap<(NaiveDate, NaiveDate), Vec<Uuid>> {
    let mut ranges: HashMap<(NaiveDate, NaiveDate), Vec<Uuid>> = HashMap::new();
    for k in keys {
        let (id, from, to) = split(*k);
        ranges.entry((from, to)).or_default().push(id);
    }
    ranges
}

impl async_graphql::dataloader::Loader<OutputsIn> for Loaders {
    type Value = Vec<studios::Output>;
    type Error = Failed;
    async fn load(&self, asked: &[OutputsIn]) -> LoadResult<OutputsIn, Self::Value> {
        let mut out: HashMap<OutputsIn, Self::Value> =
            asked.iter().map(|k| (*k, Vec::new())).collect();
        for ((from, to), ids) in by_range(asked, |k| (k.0, k.1, k.2)) {
            for o in studios::outputs(&self.db, self.actor()?, &ids, from, to).await? {
                out.entry(OutputsIn(o.output.studio_id, from, to))
                    .or_default()
                    .push(o);
            }
        }
        Ok(out)
    }
}

impl async_graphql::dataloader::Loader<OutputCountsIn> for Loaders {
    type Value = Vec<(OutputKind, Level, i64)>;
    type Error = Failed;
    async fn load(&self, asked: &[OutputCountsIn]) -> LoadResult<OutputCountsIn, Self::Value> {
        let mut out: HashMap<OutputCountsIn, Self::Value> =
            asked.iter().map(|k| (*k, Vec::new())).collect();
        for ((from, to), ids) in by_range(asked, |k| (k.0, k.1, k.2)) {
            let rows = studios::output_counts(&self.db, self.actor()?, &ids, from, to).await?;
            for (studio, kind, level, n) in rows {
                out.entry(OutputCountsIn(studio, from, to))
                    .or_default()
                    .push((kind, level, n));
            }
        }
        Ok(out)
    }
}

impl async_graphql::dataloader::Loader<ConversionOn> for Loaders {
    type Value = Figures;
    type Error = Failed;
    async fn load(&self, asked: &[ConversionOn]) -> LoadResult<ConversionOn, Figures> {
        let mut out: HashMap<ConversionOn, Figures> =
            asked.iter().map(|k| (*k, Figures::default())).collect();
        for (day, ids) in by_day(asked, |k| (k.0, k.1)) {
            for (studio, f) in
                studios::studio_conversions(&self.db, self.actor()?, &ids, day).await?
            {
                out.insert(ConversionOn(studio, day), f);
            }
        }
        Ok(out)
    }
}
