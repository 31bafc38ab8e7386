//! The GraphQL edge: schema, resolvers, API types and dataloaders. Resolvers are thin: read the
//! context, call one service function, convert the result.

pub mod accounts;
pub mod connection;
pub mod cost;
pub mod enums;
pub mod error;
pub mod fair;
pub mod imports;
pub mod limits;
pub mod loaders;
pub mod mutation;
pub mod query;
pub mod scalars;
pub mod studios;
pub mod targets;
pub mod training;
pub mod types;

use std::sync::Arc;

use async_graphql::dataloader::{DataLoader, HashMapCache};
use async_graphql::{Context, EmptySubscription, MergedObject, Schema};

use crate::config::Settings;
use crate::domain::Actor;
use crate::error::Error;
use crate::service::auth::TokenCache;
use crate::store::Db;
use error::to_graphql;
use loaders::Loaders;

pub type RegistrySchema = Schema<Query, Mutation, EmptySubscription>;

/// The root of every read.
#[derive(MergedObject, Default)]
pub struct Query(
    query::RegistryQuery,
    studios::StudioQuery,
    targets::TargetQuery,
    accounts::AccountQuery,
    training::TrainingQuery,
);

/// The root of every change.
#[derive(MergedObject, Default)]
pub struct Mutation(
    mutation::RegistryMutation,
    studios::StudioMutation,
    targets::TargetMutation,
    accounts::AccountMutation,
    imports::ImportMutation,
    training::TrainingMutation,
);

/// The schema, without data: the HTTP layer adds a [`RequestState`] and loaders to each
/// request, so the SDL can be printed with no database at all. With settings, the depth and
/// complexity limits apply (they do not change the SDL).
pub fn build_schema(settings: Option<&Settings>) -> RegistrySchema {
    let mut builder = Schema::build(Query::default(), Mutation::default(), EmptySubscription)
        .extension(fair::TakeTurns);
    if let Some(s) = settings {
        builder = builder
            .limit_depth(s.max_depth)
            .limit_complexity(s.max_complexity);
    }
    builder.finish()
}

/// The SDL as `schema/schema.graphql` holds it.
pub fn sdl() -> String {
    build_schema(None).sdl()
}

/// What every resolver may need: the database, the settings, and who is asking.
#[derive(Clone)]
pub struct RequestState {
    pub db: Db,
    pub settings: Arc<Settings>,
    pub actor: Option<Actor>,
    /// Set by the first `login` of the HTTP request (shared by a batch's operations): a second
    /// one is refused before it hashes anything.
    pub login_spent: Arc<std::sync::atomic::AtomicBool>,
    /// Whether the request's loaders keep what they loaded (see [`RequestState::into_request`]).
    pub loads_cached: bool,
    /// The server's recently checked tokens, which a revocation must forget.
    pub tokens: Arc<TokenCache>,
}

/// The request's dataloaders, with the request's cache of what they loaded.
pub type RequestLoaders = DataLoader<Loaders, HashMapCache>;

impl RequestState {
    /// The request data for one GraphQL request: this state and fresh dataloaders.
    ///
    /// The loaders' cache lives and dies with the request, so it never serves a row another
    /// request changed. It is on only when `loads_cached` says so, which the endpoint sets for
    /// a query: a list resolver then loads its page's nested rows in one batch per kind ahead
    /// of the nodes (see `types::prefetch`), which each find theirs in the cache, so a page
    /// costs the same statements however the batches' timing falls under load. A mutation's
    /// fields run one after another and each may change what an earlier one loaded, so its
    /// loaders keep nothing and every nested field reads afresh.
    pub fn into_request(self, request: async_graphql::Request) -> async_graphql::Request {
        let delay = std::time::Duration::from_millis(self.settings.loader_delay_ms);
        let loaders = DataLoader::with_cache(
            Loaders::new(self.db.clone(), self.actor.clone()),
            tokio::spawn,
            HashMapCache::default(),
        )
        .delay(delay);
        loaders.enable_all_cache(self.loads_cached);
        request.data(self).data(loaders)
    }
}

pub(crate) fn state<'a>(ctx: &Context<'a>) -> async_graphql::Result<&'a RequestState> {
    ctx.data::<RequestState>()
}

pub(crate) fn loaders<'a>(ctx: &Context<'a>) -> async_graphql::Result<&'a RequestLoaders> {
    ctx.data::<RequestLoaders>()
}

/// The authenticated actor and the database, or `UNAUTHENTICATED`.
pub(crate) fn viewer<'a>(ctx: &Context<'a>) -> async_graphql::Result<(&'a Actor, &'a Db)> {
    let state = state(ctx)?;
    match &state.actor {
        Some(actor) => Ok((actor, &state.db)),
        None => Err(to_graphql(&Error::Unauthenticated(
            "send Authorization: Bearer TOKEN (or use the login mutation)".to_owned(),
        ))),
    }
}
