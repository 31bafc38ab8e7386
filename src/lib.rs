//! teacher-registry: a county education bureau's registry of teachers, master-teacher studios
//! and mentoring, served as GraphQL.
//!
//! Module map (dependencies run downwards only):
//! - [`cli`], [`http`], [`graphql`]: the edges — command line, HTTP routes, GraphQL schema.
//! - [`demo`]: the fictional county behind `teacher-registry demo`, written through the
//!   service's permission check and audit and the store's entities.
//! - [`service`]: use cases; permission checks, one transaction per mutation, audit events.
//! - [`store`]: sea-orm entities and every SQL query, for SQLite and PostgreSQL alike.
//! - [`report`]: the registry's numbers as xlsx and CSV files (built through the services, so
//!   with the same permissions), and the import's empty templates.
//! - [`sheet`]: HR's spreadsheets (xlsx, CSV) read into typed rows with every problem listed;
//!   no database — the import service writes them.
//! - [`domain`]: the rules — enums, parsed inputs, date rules, the role matrix. No I/O.
//! - [`config`]: the one place that reads flags and environment variables.
//! - [`error`]: the service error and its mapping to the contract's codes.

pub mod cli;
pub mod config;
pub mod demo;
pub mod domain;
pub mod error;
pub mod graphql;
pub mod http;
pub mod report;
pub mod service;
pub mod sheet;
pub mod store;
