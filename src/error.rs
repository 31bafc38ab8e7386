//! The one error type of the service layer, and its mapping to the contract's error codes.
//!
//! Domain parse failures become `Invalid` with the API field at fault; uniqueness violations
//! the database reports become `Conflict` (the services check first for a friendly message,
//! the constraint is the backstop under races). A database error keeps its cause for the log
//! and shows the client nothing but `INTERNAL`; one that says the database cannot be reached
//! becomes `Unavailable`, also `INTERNAL`, whose message says only that.

use sea_orm::{DbErr, SqlErr};

use crate::domain::Invalid;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// An id names nothing.
    #[error("{0} not found")]
    NotFound(&'static str),
    /// Invalid input; `field` is the input field at fault as the API spells it.
    #[error("{field}: {reason}")]
    Invalid { field: String, reason: String },
    /// A uniqueness or state rule would break.
    #[error("{0}")]
    Conflict(String),
    /// The role or scope does not allow it.
    #[error("{0}")]
    Forbidden(String),
    /// No valid credentials.
    #[error("{0}")]
    Unauthenticated(String),
    /// A bound on what a request may ask (a setting), named by its flag in `extensions.limit`.
    #[error("{message}")]
    Limit {
        limit: &'static str,
        message: String,
    },
    /// A sheet of HR's import with bad rows: nothing was written. Holds every problem up to
    /// a bound (`problems`) and how many there were in all (`count`).
    #[error("{count} problems in the sheet; nothing was written")]
    Sheet {
        problems: Vec<crate::sheet::Problem>,
        count: usize,
    },
    /// Anything from the database that is not a rule of ours.
    #[error("database error: {0}")]
    Db(DbErr),
    /// The database cannot be reached (down, restarting, out of connections), or is known to
    /// be away and was not tried (`None`; see `store::gate`). Holds the cause for the log.
    #[error("database unavailable{}", .0.as_ref().map(|e| format!(": {e}")).unwrap_or_default())]
    Unavailable(Option<DbErr>),
    /// A failure of ours that is not the database's (a stored value that does not parse, no
    /// randomness, a hashing thread that died): logged with its cause, shown as `INTERNAL`.
    #[error("internal error: {0}")]
    Internal(String),
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    pub fn invalid(field: &str, reason: impl std::fmt::Display) -> Self {
        Error::Invalid {
            field: field.to_owned(),
            reason: reason.to_string(),
        }
    }

    pub fn forbidden() -> Self {
        Error::Forbidden("your role does not allow this".to_owned())
    }

    /// A failure of ours that is not the database's.
    pub fn internal(what: impl std::fmt::Display) -> Self {
        Error::Internal(what.to_string())
    }

    /// A value read back from the database that does not parse: the data is at fault, not the
    /// request.
    pub fn stored(e: Invalid) -> Self {
        Error::Internal(format!("a stored value does not parse: {e}"))
    }

    /// The contract's codes, for the places that answer without an `Error` at hand.
    pub const BAD_USER_INPUT: &'static str = "BAD_USER_INPUT";
    pub const INTERNAL: &'static str = "INTERNAL";

    /// The contract's `extensions.code`.
    pub fn code(&self) -> &'static str {
        match self {
            Error::NotFound(_) => "NOT_FOUND",
            Error::Invalid { .. } | Error::Limit { .. } | Error::Sheet { .. } => {
                Self::BAD_USER_INPUT
            }
            Error::Conflict(_) => "CONFLICT",
            Error::Forbidden(_) => "FORBIDDEN",
            Error::Unauthenticated(_) => "UNAUTHENTICATED",
            Error::Db(_) | Error::Unavailable(_) | Error::Internal(_) => Self::INTERNAL,
        }
    }
}

impl From<DbErr> for Error {
    fn from(err: DbErr) -> Self {
        match err.sql_err() {
            Some(SqlErr::UniqueConstraintViolation(_)) => {
                Error::Conflict("a record with the same unique value already exists".to_owned())
            }
            Some(SqlErr::ForeignKeyConstraintViolation(_)) => Error::Conflict(
                "the change refers to a record that does not exist, or removes one still in use"
                    .to_owned(),
            ),
            _ if crate::store::is_unreachable(&err) => Error::Unavailable(Some(err)),
            _ => Error::Db(err),
        }
    }
}

impl From<crate::store::gate::Unavailable> for Error {
    fn from(_: crate::store::gate::Unavailable) -> Self {
        Error::Unavailable(None)
    }
}

/// Attaches the input field's name to a domain parse failure.
pub trait FieldContext<T> {
    fn field(self, field: &str) -> Result<T>;
}

impl<T> FieldContext<T> for std::result::Result<T, Invalid> {
    fn field(self, field: &str) -> Result<T> {
        self.map_err(|e| Error::invalid(field, e))
    }
}
