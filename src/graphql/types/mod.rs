//! The API's object types, built from store rows. The database layout is not the API: each
//! type wraps a row and decides what to show, masking personal data for roles that may not
//! see it.
//!
//! - `registry.rs`: schools, enrollments, teachers, designations, reserve entries, count rows
//! - `accounts.rs`: users, tokens, sessions and the audit trail
//!
//! The studio types live in `graphql::studios`. Here are the helpers every type shares, and
//! the re-exports that keep one path, `graphql::types::Teacher`, whichever file holds a type.

mod accounts;
mod registry;

use async_graphql::{Context, Result};
use uuid::Uuid;

use super::error::Api;
use super::loaders;
use super::loaders::{SchoolId, TeacherId};
use crate::domain;
use crate::error::Error;

pub use accounts::{
    ApiToken, AuditEvent, AuditEventConnection, AuditEventEdge, CreatedUser, Session, User,
    UserConnection, UserEdge,
};
pub use registry::{
    CountRow, Designation, Enrollment, ReserveEntry, School, SchoolConnection, SchoolEdge, Teacher,
    TeacherConnection, TeacherEdge,
};

/// A stored code or rank that no longer parses is a broken database, not bad input.
pub(crate) fn stored<T>(r: std::result::Result<T, domain::Invalid>) -> Result<T> {
    r.map_err(Error::stored).api()
}

pub(crate) async fn load_school(ctx: &Context<'_>, id: Uuid) -> Result<School> {
    loaders(ctx)?
        .load_one(SchoolId(id))
        .await
        .api()?
        .map(School)
        .ok_or_else(|| super::error::to_graphql(&Error::NotFound("school")))
}

pub(crate) async fn load_teacher(ctx: &Context<'_>, id: Uuid) -> Result<Teacher> {
    loaders(ctx)?
        .load_one(TeacherId(id))
        .await
        .api()?
        .map(Teacher)
        .ok_or_else(|| super::error::to_graphql(&Error::NotFound("teacher")))
}
