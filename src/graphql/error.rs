//! The one place where service errors become GraphQL errors with `extensions.code`.
//!
//! Resolvers convert with `.api()`; async-graphql's own errors (malformed queries, wrong
//! variable types, unknown enum values) carry no code and get `BAD_USER_INPUT` in the HTTP
//! layer. A database error is logged with its cause inside the request's span (which carries
//! the request id); the client gets only `INTERNAL` and, from the HTTP layer, that request id.
//! A database that cannot be reached says so ("database unavailable"), and the error carries
//! [`Unavailable`] as its source, so the HTTP layer can close the gate (`store::gate`).

use async_graphql::ErrorExtensions;

use crate::error::Error;
use crate::store::gate::Unavailable;

/// What a client reads when the database cannot be reached: a passing state, nothing of the
/// cause (which is in the log under the request id).
pub const UNAVAILABLE_MESSAGE: &str =
    "database unavailable; try again shortly, or quote the request id to the administrator";

pub fn to_graphql(err: &Error) -> async_graphql::Error {
    let code = err.code();
    let error = match err {
        Error::Db(_) | Error::Internal(_) => {
            tracing::error!(error = %err, "internal error");
            async_graphql::Error::new("internal error; quote the request id to the administrator")
        }
        Error::Unavailable(cause) => {
            // Once per request that met the outage; those the closed gate turns away are not
            // logged one by one (the gate logs when it closes and opens).
            if cause.is_some() {
                tracing::error!(error = %err, "database unavailable");
            }
            // The source marks a request that met the outage, for the HTTP layer to close the
            // gate; one the closed gate answered has nothing new to tell.
            let mut error = match cause {
                Some(_) => async_graphql::Error::new_with_source(Unavailable),
                None => async_graphql::Error::new(""),
            };
            error.message = UNAVAILABLE_MESSAGE.to_owned();
            error
        }
        other => async_graphql::Error::new(other.to_string()),
    };
    error.extend_with(|_, e| {
        e.set("code", code);
        match err {
            Error::Invalid { field, .. } => e.set("field", field.as_str()),
            Error::Limit { limit, .. } => e.set("limit", *limit),
            Error::Sheet { problems, count } => {
                e.set("problemCount", *count as u64);
                e.set("problems", problem_list(problems));
            }
            _ => {}
        }
    })
}

/// A sheet's problems as `extensions.problems`: `{row, column, value, reason}` each.
fn problem_list(problems: &[crate::sheet::Problem]) -> async_graphql::Value {
    let item = |p: &crate::sheet::Problem| {
        let mut map = async_graphql::indexmap::IndexMap::new();
        map.insert(
            async_graphql::Name::new("row"),
            async_graphql::Value::from(p.row),
        );
        map.insert(async_graphql::Name::new("column"), p.column.clone().into());
        map.insert(async_graphql::Name::new("value"), p.value.clone().into());
        map.insert(async_graphql::Name::new("reason"), p.reason.clone().into());
        async_graphql::Value::Object(map)
    };
    async_graphql::Value::List(problems.iter().map(item).collect())
}

/// `.api()` turns a service result into a resolver result.
pub trait Api<T> {
    fn api(self) -> async_graphql::Result<T>;
}

impl<T> Api<T> for Result<T, Error> {
    fn api(self) -> async_graphql::Result<T> {
        self.map_err(|e| to_graphql(&e))
    }
}

impl<T> Api<T> for Result<T, super::loaders::Failed> {
    fn api(self) -> async_graphql::Result<T> {
        self.map_err(|e| to_graphql(&e.0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The HTTP layer closes the database gate on the source marker, so a request that met
    /// the outage must carry it, and one the shut gate turned away must not (it would close
    /// the gate again just after a probe opened it).
    #[test]
    fn only_a_request_that_met_the_outage_marks_it() {
        let met = Error::Unavailable(Some(sea_orm::DbErr::ConnectionAcquire(
            sea_orm::ConnAcquireErr::Timeout,
        )));
        let turned_away = Error::Unavailable(None);
        for (err, marked) in [(met, true), (turned_away, false)] {
            let server_error = to_graphql(&err).into_server_error(Default::default());
            assert_eq!(server_error.message, UNAVAILABLE_MESSAGE);
            assert_eq!(server_error.source::<Unavailable>().is_some(), marked);
            let code = server_error.extensions.as_ref().and_then(|e| e.get("code"));
            assert_eq!(code, Some(&async_graphql::Value::from("INTERNAL")));
        }
    }
}
