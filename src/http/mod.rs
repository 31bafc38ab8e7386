//! HTTP routes: `POST /graphql`, GraphiQL on `GET /graphql`, `GET /schema.graphql`,
//! `GET /healthz`.
//!
//! The GraphQL handler is where the API is hardened: connection limits and header timeouts
//! ([`conn`]), a body-size limit (before the body is read) and a body-read timeout, a nesting
//! bound on the raw body and query text before anything recursive parses them, a batch-size
//! limit, a bound on the fields a query selects and on every text it carries
//! ([`crate::graphql::limits`]), the rule that without a valid token only `login` runs
//! (introspection included), query depth and complexity limits (in the schema), a per-request
//! timeout that says truthfully what a stopped request kept, and a request id on every
//! response that INTERNAL errors and the log both carry.

pub mod conn;

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use std::time::Duration;

use async_graphql::http::GraphiQLSource;
use async_graphql::parser::types::{OperationType, Selection};
use async_graphql::{BatchResponse, ErrorExtensionValues, ServerError};
use poem::error::SizedLimitError;
use poem::listener::{Acceptor, Listener, TcpListener};
use poem::middleware::SizeLimit;
use poem::web::{Data, Html};
use poem::{Body, EndpointExt, IntoResponse, Request, Response, Route, Server, get, handler};
use tracing::Instrument;
use uuid::Uuid;

use crate::config::Settings;
use crate::error::Error;
use crate::graphql::limits::{self, Refusal};
use crate::graphql::{RegistrySchema, RequestState, build_schema, error::to_graphql};
use crate::service::auth::authenticate;
use crate::service::journal::{Committed, Journal};
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
        crate::service::passwords::limit_concurrent(settings.max_concurrent_hashes);
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

/// The kind of operation a request runs and its root fields' names (see [`root_fields`]).
type Root = Option<(OperationType, Vec<Option<String>>)>;

/// The operation a request would run, and the names of its root fields (`None` for a root
/// fragment spread, which is judged conservatively). `None` when the document names no single
/// operation; execution then reports the problem.
fn root_fields(
    doc: &async_graphql::parser::types::ExecutableDocument,
    operation_name: Option<&str>,
) -> Root {
    let ops: Vec<_> = doc.operations.iter().collect();
    let op = match operation_name {
        Some(name) => {
            ops.into_iter()
                .find(|(n, _)| n.is_some_and(|n| n.as_str() == name))?
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

/// A request refused by a bound before it ran: `BAD_USER_INPUT`, naming the setting.
fn refused_by(refusal: Refusal) -> async_graphql::Response {
    let mut err = error("BAD_USER_INPUT", refusal.message);
    if let Some(ext) = err.extensions.as_mut() {
        ext.set("limit", refusal.limit);
    }
    async_graphql::Response::from_errors(vec![err])
}

/// The shape checks, before the token gate and before anything runs: nesting on the text
/// (before it is parsed), then the parsed document's field count and every text it carries.
/// The parse is kept in the request, so async-graphql does not parse again.
fn check_shape(
    request: &mut async_graphql::Request,
    settings: &Settings,
) -> Result<Root, Box<async_graphql::Response>> {
    let refused = |r: Refusal| Box::new(refused_by(r));
    limits::check_nesting(request.query.as_bytes(), settings.max_nesting, "query")
        .map_err(refused)?;
    let operation_name = request.operation_name.clone();
    let variables = request.variables.clone();
    let doc = request
        .parsed_query()
        .map_err(|e| Box::new(async_graphql::Response::from_errors(vec![e])))?;
    limits::check_fields(doc, settings.max_fields).map_err(refused)?;
    limits::check_strings(doc, &variables, settings.max_text_chars).map_err(refused)?;
    Ok(root_fields(doc, operation_name.as_deref()))
}

/// The answer to a request stopped by the timeout: which of its changes were kept (each
/// committed with its audit event), which one's fate is unknown (stopped while committing),
/// and that nothing else was done.
fn timed_out(limit_ms: u64, kept: &[Committed]) -> async_graphql::Response {
    let list = |confirmed: bool| {
        kept.iter()
            .filter(|c| c.confirmed == confirmed)
            .map(|c| format!("{} {}", c.operation, c.entity_id))
            .collect::<Vec<_>>()
    };
    let (done, unsure) = (list(true), list(false));
    let mut message = format!("the request ran longer than {limit_ms} ms and was stopped.");
    if done.is_empty() && unsure.is_empty() {
        message.push_str(" Nothing was changed.");
    } else {
        if !done.is_empty() {
            message.push_str(&format!(
                " These changes were made before the stop and were kept, each with its audit \
                 event: {}.",
                done.join(", ")
            ));
        }
        if !unsure.is_empty() {
            message.push_str(&format!(
                " This change was being committed when the request stopped; whether it was kept \
                 shows in auditEvents: {}.",
                unsure.join(", ")
            ));
        }
        message.push_str(" Nothing else the request asked for was done.");
    }
    let mut err = error("BAD_USER_INPUT", message);
    if let Some(ext) = err.extensions.as_mut() {
        ext.set("limit", "request-timeout-ms");
        let kept: Vec<async_graphql::Value> = kept
            .iter()
            .map(|c| {
                let mut m = async_graphql::indexmap::IndexMap::new();
                m.insert(
                    async_graphql::Name::new("operation"),
                    async_graphql::Value::from(c.operation.clone()),
                );
                m.insert(
                    async_graphql::Name::new("id"),
                    async_graphql::Value::from(c.entity_id.to_string()),
                );
                m.insert(
                    async_graphql::Name::new("confirmed"),
                    async_graphql::Value::from(c.confirmed),
                );
                async_graphql::Value::Object(m)
            })
            .collect();
        ext.set("kept", async_graphql::Value::List(kept));
    }
    async_graphql::Response::from_errors(vec![err])
}

/// Whether a request may run without a token: a mutation asking only for `login`.
fn is_login_only(root: &Root) -> bool {
    root.as_ref().is_some_and(|(ty, fields)| {
        *ty == OperationType::Mutation
            && fields
                .iter()
                .all(|f| matches!(f.as_deref(), Some("login" | "__typename")))
    })
}

fn asks_introspection(root: &Root) -> bool {
    root.as_ref().is_some_and(|(_, fields)| {
        fields
            .iter()
            .any(|f| matches!(f.as_deref(), Some("__schema" | "__type")))
    })
}

/// Runs one operation: the shape checks, the token gate, the timeout, then the codes the
/// contract promises.
async fn execute(
    app: &AppState,
    actor: Option<crate::domain::Actor>,
    mut request: async_graphql::Request,
    request_id: Uuid,
    login_spent: &Arc<AtomicBool>,
) -> async_graphql::Response {
    let mut response = match check_shape(&mut request, &app.settings) {
        Err(refusal) => *refusal,
        Ok(root) => run(app, actor, request, root, login_spent).await,
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

async fn run(
    app: &AppState,
    actor: Option<crate::domain::Actor>,
    mut request: async_graphql::Request,
    root: Root,
    login_spent: &Arc<AtomicBool>,
) -> async_graphql::Response {
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
        login_spent: login_spent.clone(),
    };
    let limit = Duration::from_millis(app.settings.request_timeout_ms);
    let journal = Journal::new();
    let work = journal.scope(app.schema.execute(state.into_request(request)));
    match tokio::time::timeout(limit, work).await {
        Ok(response) => response,
        // Dropping the execution rolls back the change under way; those committed before it
        // stay, and the answer names them.
        Err(_) => {
            let kept = journal.entries();
            tracing::warn!(kept = kept.len(), "request timed out");
            timed_out(app.settings.request_timeout_ms, &kept)
        }
    }
}

/// A body that is not a GraphQL request: what is wrong, and the setting it broke, if any.
struct BadBody {
    message: String,
    limit: Option<&'static str>,
}

impl BadBody {
    fn new(message: String) -> Self {
        BadBody {
            message,
            limit: None,
        }
    }

    fn into_response(self, request_id: Uuid) -> Response {
        let mut err = error("BAD_USER_INPUT", self.message);
        if let (Some(limit), Some(ext)) = (self.limit, err.extensions.as_mut()) {
            ext.set("limit", limit);
        }
        let body = async_graphql::Response::from_errors(vec![err]);
        Response::builder()
            .status(poem::http::StatusCode::BAD_REQUEST)
            .header("x-request-id", request_id.to_string())
            .content_type("application/json")
            .body(serde_json::to_string(&body).unwrap_or_default())
    }
}

/// The body as one or several GraphQL requests. The raw text's nesting is bounded first: serde
/// recurses too, and the variables are nested values. Messages name what is wrong in the
/// request, not the types that parse it.
fn parse_body(
    bytes: &[u8],
    settings: &Settings,
) -> Result<(Vec<async_graphql::Request>, bool), BadBody> {
    // The envelope (a batch's list, the request object, its variables) adds three levels.
    let max = settings.max_nesting + 3;
    limits::check_nesting(bytes, max, "body").map_err(|r| BadBody {
        message: r.message,
        limit: Some(r.limit),
    })?;
    let value: serde_json::Value = serde_json::from_slice(bytes)
        .map_err(|e| BadBody::new(format!("the body is not JSON: {e}")))?;
    let one = |v: serde_json::Value, what: &str| {
        serde_json::from_value::<async_graphql::Request>(v).map_err(|e| {
            BadBody::new(format!(
                "{what} is not a GraphQL request {{query, variables, operationName}}: {e}"
            ))
        })
    };
    match value {
        serde_json::Value::Array(items) => {
            if items.len() > settings.max_batch {
                return Err(BadBody {
                    message: format!("at most {} operations per request", settings.max_batch),
                    limit: Some("max-batch"),
                });
            }
            let requests = items
                .into_iter()
                .enumerate()
                .map(|(i, v)| one(v, &format!("operation {} of the batch", i + 1)))
                .collect::<Result<Vec<_>, _>>()?;
            Ok((requests, true))
        }
        v @ serde_json::Value::Object(_) => Ok((vec![one(v, "the body")?], false)),
        _ => Err(BadBody::new(
            "the body must be a GraphQL request object or a list of them".to_owned(),
        )),
    }
}

#[handler]
async fn graphql(req: &Request, body: Body, Data(app): Data<&AppState>) -> Response {
    let request_id = Uuid::now_v7();
    let span = tracing::info_span!("graphql", %request_id);
    async move {
        let bad = poem::http::StatusCode::BAD_REQUEST;
        // The body must arrive within its own time: a client sending a few bytes a minute
        // would otherwise hold the connection (the request timeout starts after the body).
        let limit = Duration::from_millis(app.settings.body_timeout_ms);
        let bytes = match tokio::time::timeout(limit, body.into_bytes()).await {
            Ok(Ok(bytes)) => bytes,
            Ok(Err(e)) => return refuse(bad, "BAD_USER_INPUT", &e.to_string(), request_id),
            Err(_) => {
                let message = format!(
                    "the body did not arrive within {} ms (body-timeout-ms)",
                    app.settings.body_timeout_ms
                );
                return refuse(
                    poem::http::StatusCode::REQUEST_TIMEOUT,
                    "BAD_USER_INPUT",
                    &message,
                    request_id,
                );
            }
        };
        let (requests, is_batch) = match parse_body(&bytes, &app.settings) {
            Ok(parsed) => parsed,
            Err(bad) => return bad.into_response(request_id),
        };
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
        let login_spent = Arc::new(AtomicBool::new(false));
        let mut responses = Vec::with_capacity(requests.len());
        for request in requests {
            responses.push(execute(app, actor.clone(), request, request_id, &login_spent).await);
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
