//! HTTP routes: `POST /graphql`, GraphiQL on `GET /graphql`, `GET /schema.graphql`,
//! `GET /healthz`.

use std::net::SocketAddr;
use std::sync::Arc;

use async_graphql::http::GraphiQLSource;
use async_graphql_poem::{GraphQLRequest, GraphQLResponse};
use poem::listener::{Acceptor, Listener, TcpListener};
use poem::web::{Data, Html};
use poem::{EndpointExt, IntoResponse, Request, Response, Route, Server, get, handler};

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
        AppState {
            db,
            settings: Arc::new(settings),
            schema: build_schema(),
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

#[handler]
async fn graphql(
    req: &Request,
    Data(app): Data<&AppState>,
    gql: GraphQLRequest,
) -> GraphQLResponse {
    // An unknown token is the same as none: resolvers answer UNAUTHENTICATED, and `login`
    // still works. Only a database failure stops the request here.
    let actor = match bearer(req) {
        None => None,
        Some(token) => match authenticate(&app.db, token).await {
            Ok(actor) => Some(actor),
            Err(Error::Unauthenticated(_)) => None,
            Err(e) => {
                let err = to_graphql(&e).into_server_error(Default::default());
                return async_graphql::Response::from_errors(vec![err]).into();
            }
        },
    };
    let state = RequestState {
        db: app.db.clone(),
        settings: app.settings.clone(),
        actor,
    };
    let mut response = app.schema.execute(state.into_request(gql.0)).await;
    // async-graphql's own errors (a malformed query, a variable of the wrong type, an unknown
    // enum value, a bad Date) carry no code; they are all the client's input.
    for err in &mut response.errors {
        let ext = err.extensions.get_or_insert_with(Default::default);
        if ext.get("code").is_none() {
            ext.set("code", "BAD_USER_INPUT");
        }
    }
    response.into()
}

#[handler]
fn graphiql() -> Html<String> {
    Html(GraphiQLSource::build().endpoint("/graphql").finish())
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
    Route::new()
        .at("/graphql", get(graphiql).post(graphql))
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
        .run_with_graceful_shutdown(
            app(state),
            shutdown,
            Some(std::time::Duration::from_secs(10)),
        )
        .await
}
