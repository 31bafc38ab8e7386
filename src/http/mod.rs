//! HTTP routes: `POST /graphql`, GraphiQL on `GET /graphql`, `GET /schema.graphql`,
//! `GET /healthz`.
//!
//! The GraphQL handler is where the API is hardened: a body-size limit (before the body is
//! read), a batch-size limit, the rule that without a valid token only `login` runs
//! (introspection included), query depth and complexity limits (in the schema), a per-request
//! timeout, and a request id on every response that INTERNAL errors and the log both carry.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use async_graphql::http::GraphiQLSource;
use async_graphql::parser::types::{OperationType, Selection};
use async_graphql::{BatchRequest, BatchResponse, ErrorExtensionValues, ServerError};
use poem::error::SizedLimitError;
use poem::listener::{Acceptor, Listener, TcpListener};
use poem::middleware::SizeLimit;
use poem::web::{Data, Html};
use poem::{Body, EndpointExt, IntoResponse, Request, Response, Route, Server, get, handler};
use tracing::Instrument;
use uuid::Uuid;

use crate::config::Settings;
use crate::error::Error;
use crate::graphql::{RegistrySchema, RequestState, build_schema, error::to_graphql};
use crate::service::auth::authenticate;
use crate::store::Db;

/// What every request shares.
#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    pub settings: Arc<Settings>,
    pub schema: RegistrySchema,
}

impl AppState {
    pub fn new(db: Db, settings: Settings) -> Self {
        let schema = build_schema(Some(&settings));
        AppState {
            db,
            settings: Arc::new(settings),
            schema,
        }
    }
}

fn bearer(req: &Request) -> Option<&str> {
    let value = req.headers().get("authorization")?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then_some(token.trim())
}

fn error(code: &str, message: impl Into<String>) -> ServerError {
    let mut err = ServerError::new(message, None);
    let mut ext = ErrorExtensionValues::default();
    ext.set("code", code);
    err.extensions = Some(ext);
    err
}

/// A whole-request failure (bad JSON, too many operations) as a GraphQL error body.
fn refuse(status: poem::http::StatusCode, code: &str, message: &str, request_id: Uuid) -> Response {
    let body = async_graphql::Response::from_errors(vec![error(code, message)]);
    Response::builder()
        .status(status)
        .header("x-request-id", request_id.to_string())
        .content_type("application/json")
        .body(serde_json::to_string(&body).unwrap_or_default())
}

/// A body refused on its headers by the size limit, answered like every other refusal: a
/// GraphQL error with a code, so that clients need one way of reading failures.
async fn too_large(e: SizedLimitError, max_body: usize) -> Response {
    let (status, message) = match e {
        SizedLimitError::PayloadTooLarge => (
            poem::http::StatusCode::PAYLOAD_TOO_LARGE,
            format!("the body is over the limit of {max_body} bytes"),
        ),
        SizedLimitError::MissingContentLength => (
            poem::http::StatusCode::LENGTH_REQUIRED,
            "the body must announce its length (Content-Length)".to_owned(),
        ),
    };
    refuse(status, "BAD_USER_INPUT", &message, Uuid::now_v7())
}

/// The operation a request would run, and the names of its root fields (`None` for a root
/// fragment spread, which is judged conservatively). `None` when the query does not parse or
/// names no single operation; execution then reports the problem.
fn root_fields(request: &async_graphql::Request) -> Option<(OperationType, Vec<Option<String>>)> {
    let doc = async_graphql::parser::parse_query(&request.query).ok()?;
    let ops: Vec<_> = doc.operations.iter().collect();
    let op = match &request.operation_name {
        Some(name) => {
            ops.into_iter()
                .find(|(n, _)| n.is_some_and(|n| n.as_str() == name.as_str()))?
                .1
        }
        None if ops.len() == 1 => ops.into_iter().next()?.1,
        None => return None,
    };
    let fields = op
        .node
        .selection_set
        .node
        .items
        .iter()
        .map(|item| match &item.node {
            Selection::Field(f) => Some(f.node.name.node.to_string()),
            _ => None,
        })
        .collect();
    Some((op.node.ty, fields))
}

/// Whether a request may run without a token: a mutation asking only for `login`.
fn is_login_only(root: &Option<(OperationType, Vec<Option<String>>)>) -> bool {
    root.as_ref().is_some_and(|(ty, fields)| {
        *ty == OperationType::Mutation
            && fields
                .iter()
                .all(|f| matches!(f.as_deref(), Some("login" | "__typename")))
    })
}

fn asks_introspection(root: &Option<(OperationType, Vec<Option<String>>)>) -> bool {
    root.as_ref().is_some_and(|(_, fields)| {
        fields
            .iter()
            .any(|f| matches!(f.as_deref(), Some("__schema" | "__type")))
    })
}

/// Runs one operation: the token gate, the timeout, then the codes the contract promises.
async fn execute(
    app: &AppState,
    actor: Option<crate::domain::Actor>,
    mut request: async_graphql::Request,
    request_id: Uuid,
) -> async_graphql::Response {
    let root = root_fields(&request);
    if actor.is_none() && !is_login_only(&root) {
        let err = to_graphql(&Error::Unauthenticated(
            "send Authorization: Bearer TOKEN (only the login mutation answers without one)"
                .to_owned(),
        ));
        return async_graphql::Response::from_errors(vec![
            err.into_server_error(Default::default()),
        ]);
    }
    if !app.settings.introspection {
        if asks_introspection(&root) {
            return async_graphql::Response::from_errors(vec![error(
                "FORBIDDEN",
                "introspection is turned off on this server; the schema is at /schema.graphql",
            )]);
        }
        // Nested `__type` lookups too.
        request = request.disable_introspection();
    }
    let state = RequestState {
        db: app.db.clone(),
        settings: app.settings.clone(),
        actor,
    };
    let limit = Duration::from_millis(app.settings.request_timeout_ms);
    let mut response =
        match tokio::time::timeout(limit, app.schema.execute(state.into_request(request))).await {
            Ok(response) => response,
            // Dropping the execution rolls back any open transaction: nothing is written.
            Err(_) => {
                tracing::warn!(%request_id, "request timed out");
                async_graphql::Response::from_errors(vec![error(
                    "INTERNAL",
                    format!(
                        "the request ran longer than {} ms and was stopped; nothing was changed",
                        app.settings.request_timeout_ms
                    ),
                )])
            }
        };
    for err in &mut response.errors {
        let ext = err.extensions.get_or_insert_with(Default::default);
        match ext.get("code") {
            // async-graphql's own errors (a malformed query, a variable of the wrong type, an
            // unknown enum value, a bad Date, a query too deep or complex) are the client's.
            None => ext.set("code", "BAD_USER_INPUT"),
            Some(async_graphql::Value::String(code)) if code == "INTERNAL" => {
                ext.set("requestId", request_id.to_string());
            }
            Some(_) => {}
        }
    }
    response
}

#[handler]
async fn graphql(req: &Request, body: Body, Data(app): Data<&AppState>) -> Response {
    let request_id = Uuid::now_v7();
    let span = tracing::info_span!("graphql", %request_id);
    async move {
        let bad = poem::http::StatusCode::BAD_REQUEST;
        let bytes = match body.into_bytes().await {
            Ok(bytes) => bytes,
            Err(e) => return refuse(bad, "BAD_USER_INPUT", &e.to_string(), request_id),
        };
        let batch: BatchRequest = match serde_json::from_slice(&bytes) {
            Ok(batch) => batch,
            Err(e) => {
                let message = format!("the body is not a GraphQL request in JSON: {e}");
                return refuse(bad, "BAD_USER_INPUT", &message, request_id);
            }
        };
        let (requests, is_batch) = match batch {
            BatchRequest::Single(r) => (vec![r], false),
            BatchRequest::Batch(rs) => (rs, true),
        };
        if requests.len() > app.settings.max_batch {
            let message = format!("at most {} operations per request", app.settings.max_batch);
            return refuse(bad, "BAD_USER_INPUT", &message, request_id);
        }
        // An unknown token is the same as none: only `login` runs. Only a database failure
        // stops the request here.
        let actor = match bearer(req) {
            None => None,
            Some(token) => match authenticate(&app.db, token).await {
                Ok(actor) => Some(actor),
                Err(Error::Unauthenticated(_)) => None,
                Err(e) => {
                    let mut err = to_graphql(&e).into_server_error(Default::default());
                    if let Some(ext) = err.extensions.as_mut() {
                        ext.set("requestId", request_id.to_string());
                    }
                    let body = async_graphql::Response::from_errors(vec![err]);
                    return Response::builder()
                        .header("x-request-id", request_id.to_string())
                        .content_type("application/json")
                        .body(serde_json::to_string(&body).unwrap_or_default());
                }
            },
        };
        let mut responses = Vec::with_capacity(requests.len());
        for request in requests {
            responses.push(execute(app, actor.clone(), request, request_id).await);
        }
        let batch = if is_batch {
            BatchResponse::Batch(responses)
        } else {
            BatchResponse::Single(responses.remove(0))
        };
        let mut response = async_graphql_poem::GraphQLBatchResponse(batch).into_response();
        if let Ok(value) = request_id.to_string().parse() {
            response.headers_mut().insert("x-request-id", value);
        }
        response
    }
    .instrument(span)
    .await
}

#[handler]
fn graphiql(Data(app): Data<&AppState>) -> Response {
    if !app.settings.graphiql {
        return poem::http::StatusCode::NOT_FOUND.into_response();
    }
    Html(GraphiQLSource::build().endpoint("/graphql").finish()).into_response()
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
    match app.db.ping().await {
        Ok(()) => "ok".into_response(),
        Err(e) => {
            tracing::error!(error = %e, "health check failed");
            Response::builder()
                .status(poem::http::StatusCode::SERVICE_UNAVAILABLE)
                .body("database unavailable")
        }
    }
}

/// The routes, with the state attached.
pub fn app(state: AppState) -> impl poem::Endpoint {
    let max_body = state.settings.max_body_bytes;
    Route::new()
        .at(
            "/graphql",
            get(graphiql).post(
                graphql
                    .with(SizeLimit::new(max_body))
                    .catch_error(move |e: SizedLimitError| too_large(e, max_body)),
            ),
        )
        .at("/schema.graphql", get(schema_sdl))
        .at("/healthz", get(healthz))
        .data(state)
}

/// Binds `listen` and serves until `shutdown` resolves; returns the bound address at once
/// through `on_bound` (port 0 picks a free port, as the tests do).
pub async fn serve(
    state: AppState,
    listen: &str,
    on_bound: impl FnOnce(SocketAddr),
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let acceptor = TcpListener::bind(listen.to_owned()).into_acceptor().await?;
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
