//! Integration tests: each module is one user story, driving the real GraphQL endpoint of a
//! server on a fresh database. Every test runs on SQLite, and on PostgreSQL when
//! `TEST_DATABASE_URL` is set (CI sets it; there a missing URL fails instead of skipping).

#[macro_use]
mod helpers;

mod auth_and_roles;
mod backups;
mod balanced_development;
mod browser;
mod command_line;
mod costly_queries;
mod counting_key_teachers;
mod database_failures;
mod database_outage;
mod demo_county;
mod departures;
mod designations;
mod errors;
mod exporting_reports;
mod fuzzed_inputs;
mod growth_targets;
mod hardening_the_api;
mod host_departure;
mod importing_sheets;
mod importing_training_records;
mod metrics;
mod operating_the_server;
mod paging_and_filters;
mod province_scale;
mod racing_clients;
mod registering_teachers;
mod role_matrix;
mod running_a_studio;
mod schema_drift;
mod several_servers;
mod studio_growth;
mod surviving_a_probe;
mod surviving_crashes;
mod tracking_targets;
mod training_hours;
