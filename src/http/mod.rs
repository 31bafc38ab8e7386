//! HTTP routes: `POST /graphql` ([`endpoint`]), GraphiQL on `GET /graphql`,
//! `GET /schema.graphql`, `GET /healthz`, `GET /metrics` ([`metrics`]), and reports and import templates as files
//! (`GET /export/…`, `GET /templates/…`, [`export`]).
//!
//! Hardening runs from the socket inwards: connection limits and header and idle timeouts
//! ([`conn`]); then, in [`endpoint`], a body-size limit checked on the headers before the body
//! is read (uploads, which are multipart, have their own, larger one), a body-read timeout, a nesting bound on the raw body and query text before
//! anything recursive parses them, a batch-size limit, a bound on the fields a query selects
//! and on every text it carries ([`crate::graphql::limits`]), the rule that without a valid
//! token only `login` runs, query depth and complexity limits (in the schema), and a
//! per-request timeout that says truthfully what a stopped request kept. Every response carries
//! a request id that INTERNAL errors and the log both carry. Every refusal is a GraphQL error
//! built from [`Error`], so its code comes from [`Error::code`].

pub mod conn;
mod endpoint;
mod export;
pub mod metrics;
mod web;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use poem::http::StatusCode;
use poem::listener::{Acceptor, Listener, TcpListener};
use poem::web::Data;
use poem::{Endpoint as _, EndpointExt, IntoResponse, Response, Route, Server, get, handler};
use uuid::Uuid;

use crate::config::Settings;
use crate::error::Error;
use crate::graphql::error::to_graphql;
use crate::graphql::fair::FairShare;
use crate::graphql::{RegistrySchema, build_schema};
use crate::service::auth::TokenCache;
use crate::store::Db;

/// What every request shares.
#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    pub settings: Arc<Settings>,
    pub schema: RegistrySchema,
    /// Turns for the expensive requests ([`fair`](crate::graphql::fair)).
    fair: Arc<FairShare>,
    /// This server's figures for `GET /metrics`.
    pub metrics: Arc<metrics::Metrics>,
    /// The tokens this server checked within `--auth-cache-ms`.
    pub tokens: Arc<TokenCache>,
}

impl AppState {
    pub fn new(db: Db, settings: Settings) -> Self {
        crate::service::passwords::limit_concurrent(settings.max_concurrent_hashes);
        let schema = build_schema(Some(&settings));
        let metrics = Arc::new(metrics::Metrics::new(&schema.sdl()));
        let fair = FairShare::new(
            settings.max_expensive_requests,
            settings.max_expensive_per_user,
        );
        let tokens = Arc::new(TokenCache::new(Duration::from_millis(
            settings.auth_cache_ms,
        )));
        AppState {
            tokens,
            fair: Arc::new(fair),
            db,
            settings: Arc::new(settings),
            schema,
            metrics,
        }
    }
}

/// One error as a whole GraphQL response, with the request id where the contract wants it.
fn graphql_error(err: &Error, request_id: Uuid) -> async_graphql::Response {
    let mut server_error = to_graphql(err).into_server_error(Default::default());
    if err.code() == Error::INTERNAL
        && let Some(ext) = server_error.extensions.as_mut()
    {
        ext.set("requestId", request_id.to_string());
    }
    async_graphql::Response::from_errors(vec![server_error])
}

/// Closes the database gate when `err` says a request met the database unreachable (see
/// `store::gate`); errors the closed gate itself produced carry no cause and change nothing.
fn note_unreachable(app: &AppState, err: &Error) {
    if matches!(err, Error::Unavailable(Some(_))) {
        app.db.database_unreachable();
    }
}

/// A whole-request failure (a body too large, slow or malformed) as a GraphQL error body, so
/// that clients need one way of reading failures.
fn refuse(status: StatusCode, err: &Error, request_id: Uuid) -> Response {
    let body = graphql_error(err, request_id);
    Response::builder()
        .status(status)
        .header("x-request-id", request_id.to_string())
        .content_type("application/json")
        .body(serde_json::to_string(&body).unwrap_or_default())
}

/// GraphiQL's page: React, ReactDOM and GraphiQL from `/assets/vendor/graphiql/` (vendored,
/// see `web/vendor/README.md`) and our bootstrap `/assets/graphiql.js`, which sends the
/// dashboard's token when the tab has one. Nothing is fetched from anywhere else.
const GRAPHIQL_PAGE: &str = r#"<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>GraphiQL · 教师队伍建设监测</title>
<link rel="stylesheet" href="/assets/vendor/graphiql/graphiql.min.css">
<link rel="stylesheet" href="/assets/pages.css">
</head>
<body class="graphiql-page">
<div id="graphiql">正在加载 GraphiQL…</div>
<script src="/assets/vendor/graphiql/react.production.min.js"></script>
<script src="/assets/vendor/graphiql/react-dom.production.min.js"></script>
<script src="/assets/vendor/graphiql/graphiql.min.js"></script>
<script src="/assets/graphiql.js"></script>
</body>
</html>
"#;

/// The pages' policy (only this server), but GraphiQL's stylesheet carries its fonts inline
/// as `data:` URLs, which `font-src` must then allow.
const GRAPHIQL_CSP: &str = "default-src 'self'; img-src 'self' data: blob:; font-src 'self' data:; \
                            style-src 'self'; script-src 'self'; connect-src 'self'; \
                            object-src 'none'; base-uri 'none'; frame-ancestors 'none'; \
                            form-action 'self'";

#[handler]
fn graphiql(Data(app): Data<&AppState>) -> Response {
    if !app.settings.graphiql {
        return StatusCode::NOT_FOUND.into_response();
    }
    Response::builder()
        .content_type("text/html; charset=utf-8")
        .header("content-security-policy", GRAPHIQL_CSP)
        .header("x-content-type-options", "nosniff")
        .header("referrer-policy", "no-referrer")
        .body(GRAPHIQL_PAGE)
}

#[handler]
fn schema_sdl(Data(app): Data<&AppState>) -> Response {
    app.schema
        .sdl()
        .with_content_type("text/plain; charset=utf-8")
        .into_response()
}

#[handler]
async fn healthz(Data(app): Data<&AppState>) -> Response {
    // Through the database gate: while the database is known to be away this answers at once
    // (a probe now and then excepted), so a balancer's checks never pile up on the pool.
    match app.db.ping().await {
        Ok(()) => "ok".into_response(),
        Err(_) => Response::builder()
            .status(StatusCode::SERVICE_UNAVAILABLE)
            .body("database unavailable"),
    }
}

/// The figures in Prometheus text, without a token (they hold no registry data), or 404 when
/// `--metrics false`.
#[handler]
fn metrics_text(Data(app): Data<&AppState>) -> Response {
    if !app.settings.metrics {
        return StatusCode::NOT_FOUND.into_response();
    }
    Response::builder()
        .content_type("text/plain; version=0.0.4; charset=utf-8")
        .body(app.metrics.render(&app.db))
}

/// The routes, with the state attached; every answer is counted for `/metrics`.
pub fn app(state: AppState) -> impl poem::Endpoint {
    let figures = state.metrics.clone();
    Route::new()
        .at("/", get(web::index))
        .at("/assets/*name", get(web::asset_file))
        .at("/favicon.ico", get(web::favicon))
        .at("/graphql", get(graphiql).post(endpoint::graphql))
        .at("/schema.graphql", get(schema_sdl))
        .at("/healthz", get(healthz))
        .at("/export/:file", get(export::report))
        .at("/templates/:file", get(export::template_file))
        .at("/metrics", get(metrics_text))
        .data(state)
        .around(move |ep, req| {
            let figures = figures.clone();
            async move {
                let (method, path) = (req.method().clone(), req.uri().path().to_owned());
                let response = ep.get_response(req).await;
                figures.request(method.as_str(), &path, response.status().as_u16());
                Ok(response)
            }
        })
}

/// Binds `listen` and serves until `shutdown` resolves; returns the bound address at once
/// through `on_bound` (port 0 picks a free port, as the tests do).
pub async fn serve(
    state: AppState,
    listen: &str,
    on_bound: impl FnOnce(SocketAddr),
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let limits = conn::ConnLimits {
        max_connections: state.settings.max_connections,
        header_timeout: Duration::from_millis(state.settings.header_timeout_ms),
        idle_timeout: Duration::from_millis(state.settings.idle_timeout_ms),
    };
    let acceptor = conn::GuardedAcceptor::new(
        TcpListener::bind(listen.to_owned()).into_acceptor().await?,
        limits,
    );
    let addr = acceptor
        .local_addr()
        .first()
        .and_then(|a| a.as_socket_addr().copied())
        .ok_or_else(|| std::io::Error::other("the listener has no address"))?;
    on_bound(addr);
    Server::new_with_acceptor(acceptor)
        .run_with_graceful_shutdown(app(state), shutdown, Some(Duration::from_secs(10)))
        .await
}
