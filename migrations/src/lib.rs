//! Database migrations, one file per change (`mYYYYMMDD_HHMMSS_what.rs`).
//!
//! The same migrations run on SQLite and PostgreSQL: tables are described with sea-query's
//! builder so each backend gets its own types; the few statements the builder cannot express
//! (partial unique indexes) are plain SQL both backends accept. A migration that has landed is
//! never edited: a change gets a new file.

pub use sea_orm_migration::prelude::*;

mod m20261129_000001_registry_core;
mod m20261129_000002_studios;
mod m20261129_000003_targets;
mod m20261129_000004_accounts;
mod m20261130_000005_key_teacher_spans;
mod m20261130_000006_training;
mod m20261130_000007_studio_outputs;
mod m20261130_000008_growth_targets;
mod util;

/// Runs the registry's migrations in order.
pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261129_000001_registry_core::Migration),
            Box::new(m20261129_000002_studios::Migration),
            Box::new(m20261129_000003_targets::Migration),
            Box::new(m20261129_000004_accounts::Migration),
            Box::new(m20261130_000005_key_teacher_spans::Migration),
            Box::new(m20261130_000006_training::Migration),
            Box::new(m20261130_000007_studio_outputs::Migration),
            Box::new(m20261130_000008_growth_targets::Migration),
        ]
    }
}
