//! The GraphQL endpoint: from the body's bytes to the answer. Each step refuses what it
//! bounds before the next, more costly one runs: the body within its time, its nesting before
//! serde parses it, its batch size, then per operation the query's nesting before the parser,
//! its fields and texts, the token gate, and the run itself within its time — whose answer,
//! when it is stopped, names the changes it kept.

use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use std::time::Duration;

use async_graphql::BatchResponse;
use async_graphql::parser::types::{ExecutableDocument, OperationType, Selection};
use poem::http::StatusCode;
use poem::web::Data;
use poem::{Body, IntoResponse, Request, Response, handler};
use tracing::Instrument;
use uuid::Uuid;

use super::{AppState, graphql_error, refuse};
use crate::config::Settings;
use crate::error::Error;
use crate::graphql::RequestState;
use crate::graphql::limits;
use crate::service::auth::authenticate;
use crate::service::journal::{Committed, Journal};
use crate::store::gate::Unavailable;

/// The token of an `Authorization: Bearer` header (also read by the export routes).
pub(super) fn bearer(req: &Request) -> Option<&str> {
    let value = req.headers().get("authorization")?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then_some(token.trim())
}

/// The kind of operation a request runs and its root fields' names (see [`root_fields`]).
type Root = Option<(OperationType, Vec<Option<String>>)>;

/// The operation a request would run, and the names of its root fields (`None` for a root
/// fragment spread, which is judged conservatively). `None` when the document names no single
/// operation; execution then reports the problem.
fn root_fields(doc: &ExecutableDocument, operation_name: Option<&str>) -> Root {
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

/// The shape checks, before the token gate and before anything runs: nesting on the text
/// (before it is parsed), then the parsed document's field count and every text it carries.
/// The parse is kept in the request, so async-graphql does not parse again.
fn check_shape(
    request: &mut async_graphql::Request,
    settings: &Settings,
) -> Result<Root, Box<async_graphql::Response>> {
    let refused = |e: Error| Box::new(graphql_error(&e, Uuid::nil()));
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
    let limit = "request-timeout-ms";
    let mut response = graphql_error(&Error::Limit { limit, message }, Uuid::nil());
    if let Some(ext) = response.errors[0].extensions.as_mut() {
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
    response
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

/// async-graphql's refusals of a query too deep or too costly, said in our words with the
/// setting named in `extensions.limit`, as every other bound is.
fn name_the_limit(err: &mut async_graphql::ServerError, settings: &Settings) {
    let (limit, message) = match err.message.as_str() {
        "Query is too complex." => (
            "max-complexity",
            format!(
                "the query is too complex for one request: it asks more of the database than \
                 a cost of {} (aggregates, counts and histories cost what they scan); ask for \
                 fewer at once",
                settings.max_complexity
            ),
        ),
        "Query is nested too deep." => (
            "max-depth",
            format!(
                "the query is nested deeper than {} levels",
                settings.max_depth
            ),
        ),
        _ => return,
    };
    err.message = message;
    let ext = err.extensions.get_or_insert_with(Default::default);
    ext.set("code", Error::BAD_USER_INPUT);
    ext.set("limit", limit);
}

/// Runs one operation: the shape checks, the token gate, the timeout, then the codes the
/// contract promises. Its root fields, time and error codes are counted for `/metrics`.
async fn execute(
    app: &AppState,
    actor: Option<crate::domain::Actor>,
    mut request: async_graphql::Request,
    request_id: Uuid,
    login_spent: &Arc<AtomicBool>,
) -> async_graphql::Response {
    let started = std::time::Instant::now();
    let (root, mut response) = match check_shape(&mut request, &app.settings) {
        Err(refusal) => (None, *refusal),
        Ok(root) => {
            let response = run(app, actor, request, &root, login_spent).await;
            (root, response)
        }
    };
    if response
        .errors
        .iter()
        .any(|e| e.source::<Unavailable>().is_some())
    {
        app.db.database_unreachable();
    }
    for err in &mut response.errors {
        name_the_limit(err, &app.settings);
        let ext = err.extensions.get_or_insert_with(Default::default);
        match ext.get("code") {
            // async-graphql's own errors (a malformed query, a variable of the wrong type, an
            // unknown enum value, a bad Date, a query too deep or complex) are the client's.
            None => ext.set("code", Error::BAD_USER_INPUT),
            Some(async_graphql::Value::String(code)) if code == Error::INTERNAL => {
                ext.set("requestId", request_id.to_string());
            }
            Some(_) => {}
        }
    }
    let codes =
        response
            .errors
            .iter()
            .filter_map(|e| match e.extensions.as_ref()?.get("code")? {
                async_graphql::Value::String(code) => Some(code.as_str()),
                _ => None,
            });
    let root = root.as_ref().map(|(ty, fields)| (*ty, fields.as_slice()));
    app.metrics.operation(root, started.elapsed(), codes);
    response
}

async fn run(
    app: &AppState,
    actor: Option<crate::domain::Actor>,
    mut request: async_graphql::Request,
    root: &Root,
    login_spent: &Arc<AtomicBool>,
) -> async_graphql::Response {
    if actor.is_none() && !is_login_only(root) {
        let err = Error::Unauthenticated(
            "send Authorization: Bearer TOKEN (only the login mutation answers without one)"
                .to_owned(),
        );
        return graphql_error(&err, Uuid::nil());
    }
    if !app.settings.introspection {
        if asks_introspection(root) {
            let err = Error::Forbidden(
                "introspection is turned off on this server; the schema is at /schema.graphql"
                    .to_owned(),
            );
            return graphql_error(&err, Uuid::nil());
        }
        // Nested `__type` lookups too.
        request = request.disable_introspection();
    }
    // A login without a token reaches the database here first; the others passed the gate
    // before their token was checked, and pass again at once.
    if let Err(away) = app.db.admit().await {
        return graphql_error(&away.into(), Uuid::nil());
    }
    let actor_id = actor.as_ref().map(|a| a.user_id);
    let state = RequestState {
        db: app.db.clone(),
        settings: app.settings.clone(),
        actor,
        login_spent: login_spent.clone(),
        loads_cached: matches!(root, Some((OperationType::Query, _))),
        tokens: app.tokens.clone(),
    };
    let limit = Duration::from_millis(app.settings.request_timeout_ms);
    let journal = Journal::new();
    // An expensive request waits for its turn within its timeout, once it has passed
    // validation (see `graphql::fair`).
    let expensive = root
        .as_ref()
        .is_none_or(|(_, f)| crate::graphql::fair::is_expensive(f));
    let mut request = state.into_request(request);
    if let (true, Some(actor)) = (expensive, actor_id) {
        request = request.data(crate::graphql::fair::TurnClaim {
            share: app.fair.clone(),
            user: actor,
        });
    }
    let work = journal.scope(app.schema.execute(request));
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

/// The body as one or several GraphQL requests. The raw text's nesting is bounded first: serde
/// recurses too, and the variables are nested values. Messages name what is wrong in the
/// request, not the types that parse it.
fn parse_body(
    bytes: &[u8],
    settings: &Settings,
) -> Result<(Vec<async_graphql::Request>, bool), Error> {
    let bad = |message: String| Error::invalid("body", message);
    // The envelope (a batch's list, the request object, its variables) adds three levels.
    limits::check_nesting(bytes, settings.max_nesting + 3, "body")?;
    let value: serde_json::Value =
        serde_json::from_slice(bytes).map_err(|e| bad(format!("is not JSON: {e}")))?;
    let one = |v: serde_json::Value, what: &str| {
        serde_json::from_value::<async_graphql::Request>(v).map_err(|e| {
            bad(format!(
                "{what} is not a GraphQL request {{query, variables, operationName}}: {e}"
            ))
        })
    };
    match value {
        serde_json::Value::Array(items) => {
            if items.len() > settings.max_batch {
                return Err(Error::Limit {
                    limit: "max-batch",
                    message: format!("at most {} operations per request", settings.max_batch),
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
        _ => Err(bad(
            "must be a GraphQL request object or a list of them".to_owned()
        )),
    }
}

/// Reads the body within its time: a client sending a few bytes a minute would otherwise
/// hold the connection (the request timeout starts after the body).
async fn read_body(body: Body, settings: &Settings) -> Result<Vec<u8>, (StatusCode, Error)> {
    let limit = Duration::from_millis(settings.body_timeout_ms);
    match tokio::time::timeout(limit, body.into_bytes()).await {
        Ok(Ok(bytes)) => Ok(bytes.to_vec()),
        Ok(Err(e)) => Err((StatusCode::BAD_REQUEST, Error::invalid("body", e))),
        Err(_) => Err((
            StatusCode::REQUEST_TIMEOUT,
            Error::Limit {
                limit: "body-timeout-ms",
                message: format!(
                    "the body did not arrive within {} ms",
                    settings.body_timeout_ms
                ),
            },
        )),
    }
}

/// A multipart request's content type: the only kind that may carry a file, and the only one
/// the larger upload limit applies to.
fn multipart_type(req: &Request) -> Option<String> {
    let value = req.headers().get("content-type")?.to_str().ok()?;
    value
        .trim_start()
        .to_ascii_lowercase()
        .starts_with("multipart/")
        .then(|| value.to_owned())
}

/// The body's size checked on its announced length, before any of it is read: an upload
/// (multipart) against max-upload-bytes, anything else against max-body-bytes.
fn check_length(
    req: &Request,
    settings: &Settings,
    upload: bool,
) -> Result<(), (StatusCode, Error)> {
    let (max, limit) = if upload {
        (settings.max_upload_bytes, "max-upload-bytes")
    } else {
        (settings.max_body_bytes, "max-body-bytes")
    };
    let length = req
        .headers()
        .get("content-length")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok());
    match length {
        None => Err((
            StatusCode::LENGTH_REQUIRED,
            Error::Limit {
                limit,
                message: "the body must announce its length (Content-Length)".to_owned(),
            },
        )),
        Some(n) if n > max as u64 => Err((
            StatusCode::PAYLOAD_TOO_LARGE,
            Error::Limit {
                limit,
                message: format!("the body is over the limit of {max} bytes"),
            },
        )),
        Some(_) => Ok(()),
    }
}

/// A multipart body (the GraphQL multipart request spec) as requests: one file at most, of
/// at most max-upload-bytes, held in memory (the limit bounds it).
async fn parse_multipart(
    content_type: &str,
    bytes: &[u8],
    settings: &Settings,
) -> Result<(Vec<async_graphql::Request>, bool), Error> {
    let options = async_graphql::http::MultipartOptions::default()
        .max_file_size(settings.max_upload_bytes)
        .max_num_files(1);
    let batch = async_graphql::http::receive_batch_body(Some(content_type), bytes, options)
        .await
        .map_err(|e| Error::invalid("body", format!("is not a GraphQL multipart request: {e}")))?;
    match batch {
        async_graphql::BatchRequest::Single(one) => Ok((vec![one], false)),
        async_graphql::BatchRequest::Batch(many) if many.len() > settings.max_batch => {
            Err(Error::Limit {
                limit: "max-batch",
                message: format!("at most {} operations per request", settings.max_batch),
            })
        }
        async_graphql::BatchRequest::Batch(many) => Ok((many, true)),
    }
}

/// The body read within its bounds and parsed as one or several requests.
async fn requests_of(
    req: &Request,
    body: Body,
    settings: &Settings,
) -> Result<(Vec<async_graphql::Request>, bool), (StatusCode, Error)> {
    let multipart = multipart_type(req);
    check_length(req, settings, multipart.is_some())?;
    let bytes = read_body(body, settings).await?;
    let parsed = match &multipart {
        Some(content_type) => parse_multipart(content_type, &bytes, settings).await,
        None => parse_body(&bytes, settings),
    };
    parsed.map_err(|e| (StatusCode::BAD_REQUEST, e))
}

#[handler]
pub(super) async fn graphql(req: &Request, body: Body, Data(app): Data<&AppState>) -> Response {
    let request_id = Uuid::now_v7();
    let span = tracing::info_span!("graphql", %request_id);
    async move {
        let parsed = requests_of(req, body, &app.settings).await;
        let (requests, is_batch) = match parsed {
            Ok(parsed) => parsed,
            Err((status, err)) => {
                app.metrics.error(err.code());
                return refuse(status, &err, request_id);
            }
        };
        // An unknown token is the same as none: only `login` runs. Only a database failure
        // stops the request here.
        let actor = match bearer(req) {
            None => None,
            Some(token) => {
                let checked = match app.db.admit().await {
                    Ok(()) => authenticate(&app.db, &app.tokens, token).await,
                    Err(away) => Err(away.into()),
                };
                match checked {
                    Ok(actor) => Some(actor),
                    Err(Error::Unauthenticated(_)) => None,
                    Err(e) => {
                        super::note_unreachable(app, &e);
                        app.metrics.error(e.code());
                        return refuse(StatusCode::OK, &e, request_id);
                    }
                }
            }
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
        // Inside the span, so with `RUST_LOG=teacher_registry=debug` every request leaves a
        // line carrying its request id (in JSON logs too), not only the failed ones.
        tracing::debug!(status = response.status().as_u16(), "request answered");
        response
    }
    .instrument(span)
    .await
}
