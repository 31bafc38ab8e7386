//! `GET /metrics`: the server's figures in the Prometheus text format (version 0.0.4), written
//! by hand from a few maps behind a mutex — a request touches them twice, which costs far
//! less than the request itself, and no metrics crate is needed for that.
//!
//! Labels take values from fixed sets only (routes, the schema's root fields, the error
//! codes), never from raw client text: a client sending made-up field names or paths must not
//! grow the server's memory. Each family is further capped at [`MAX_SERIES`] series.
//!
//! Access: the figures are operation names and counts, no registry data, so they are served
//! without a token while `--metrics` allows; a proxy in front should keep `/metrics` internal.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::sync::Mutex;
use std::time::Duration;

use async_graphql::parser::types::OperationType;

use crate::store::Db;

/// Upper bounds of the latency histogram's buckets, in seconds (`+Inf` is added).
const BUCKETS: [f64; 12] = [
    0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0,
];

/// Most series one family keeps; later label sets are counted under `other`.
const MAX_SERIES: usize = 1000;

/// What one label set of the latency histogram holds.
#[derive(Default, Clone)]
struct Histogram {
    /// Observations at or under each bound of [`BUCKETS`] (cumulative, as Prometheus wants).
    buckets: [u64; BUCKETS.len()],
    count: u64,
    sum: f64,
}

#[derive(Default)]
struct Figures {
    /// (method, route, status) → requests.
    requests: BTreeMap<(String, &'static str, u16), u64>,
    /// (operation type, root field) → operations, with their latency.
    operations: BTreeMap<(&'static str, String), Histogram>,
    /// `extensions.code` → errors.
    errors: BTreeMap<String, u64>,
}

/// The figures of one server (one [`super::AppState`]).
pub struct Metrics {
    figures: Mutex<Figures>,
    /// The schema's root fields, as "query.name" / "mutation.name": the only field labels.
    known: BTreeSet<String>,
    /// When the process started, in seconds since the epoch.
    started: f64,
}

impl Metrics {
    /// `sdl` is the served schema, from which the root fields are read.
    pub fn new(sdl: &str) -> Metrics {
        Metrics {
            figures: Mutex::default(),
            known: root_fields_of(sdl),
            started: process_start(),
        }
    }

    /// The figures, even if a thread panicked while holding them: counters stay usable.
    fn figures(&self) -> std::sync::MutexGuard<'_, Figures> {
        self.figures
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// One HTTP request answered with `status`.
    pub fn request(&self, method: &str, path: &str, status: u16) {
        let method = match method {
            "GET" | "POST" | "HEAD" | "OPTIONS" | "PUT" | "DELETE" | "PATCH" => method,
            _ => "other",
        };
        let key = (method.to_owned(), route_of(path), status);
        let mut figures = self.figures();
        bump(&mut figures.requests, key, ("other".to_owned(), "other", 0));
    }

    /// One GraphQL operation: its type and root fields (`None` when it was refused before its
    /// document was understood), how long it took, and the codes of its errors.
    pub fn operation<'a>(
        &self,
        root: Option<(OperationType, &[Option<String>])>,
        took: Duration,
        codes: impl Iterator<Item = &'a str>,
    ) {
        let (ty, fields): (&'static str, Vec<String>) = match root {
            None => ("none", vec!["(none)".to_owned()]),
            Some((ty, fields)) => {
                let ty = match ty {
                    OperationType::Query => "query",
                    OperationType::Mutation => "mutation",
                    OperationType::Subscription => "subscription",
                };
                let names = fields.iter().map(|f| self.field_label(ty, f.as_deref()));
                (ty, names.collect())
            }
        };
        let seconds = took.as_secs_f64();
        let mut figures = self.figures();
        for field in fields {
            let entry = entry(
                &mut figures.operations,
                (ty, field),
                ("other", "other".into()),
            );
            observe(entry, seconds);
        }
        for code in codes {
            self.error_locked(&mut figures, code);
        }
    }

    /// One error refused before any operation ran (a body too large, slow or malformed).
    pub fn error(&self, code: &str) {
        let mut figures = self.figures();
        self.error_locked(&mut figures, code);
    }

    fn error_locked(&self, figures: &mut Figures, code: &str) {
        // Codes are ours (SCREAMING_SNAKE_CASE); anything else is not trusted as a label.
        let code = if !code.is_empty() && code.chars().all(|c| c.is_ascii_uppercase() || c == '_') {
            code
        } else {
            "other"
        };
        bump(&mut figures.errors, code.to_owned(), "other".to_owned());
    }

    /// A root field's label: its name when the schema has it, else `(unknown)`.
    fn field_label(&self, ty: &str, field: Option<&str>) -> String {
        match field {
            None => "(fragment)".to_owned(),
            Some(f @ ("__typename" | "__schema" | "__type")) => f.to_owned(),
            Some(f) if self.known.contains(&format!("{ty}.{f}")) => f.to_owned(),
            Some(_) => "(unknown)".to_owned(),
        }
    }

    /// Everything, as Prometheus text.
    pub fn render(&self, db: &Db) -> String {
        let mut out = String::with_capacity(4096);
        self.render_counters(&mut out);
        render_pools(&mut out, db);
        let _ = writeln!(
            out,
            "# HELP process_start_time_seconds When the process started, in seconds since the epoch.\n\
             # TYPE process_start_time_seconds gauge\n\
             process_start_time_seconds {}",
            self.started
        );
        out
    }

    fn render_counters(&self, out: &mut String) {
        let figures = self.figures();
        family(
            out,
            "registry_http_requests_total",
            "counter",
            "HTTP requests answered, by method, route and status.",
        );
        for ((method, route, status), n) in &figures.requests {
            let _ = writeln!(
                out,
                "registry_http_requests_total{{method=\"{method}\",route=\"{route}\",status=\"{status}\"}} {n}"
            );
        }
        family(
            out,
            "registry_graphql_operations_total",
            "counter",
            "GraphQL operations, once per root field they ask for.",
        );
        for ((ty, field), h) in &figures.operations {
            let _ = writeln!(
                out,
                "registry_graphql_operations_total{{type=\"{ty}\",field=\"{field}\"}} {}",
                h.count
            );
        }
        let name = "registry_graphql_operation_duration_seconds";
        family(
            out,
            name,
            "histogram",
            "How long GraphQL operations took, by root field.",
        );
        for ((ty, field), h) in &figures.operations {
            let labels = format!("type=\"{ty}\",field=\"{field}\"");
            for (bound, n) in BUCKETS.iter().zip(h.buckets) {
                let _ = writeln!(out, "{name}_bucket{{{labels},le=\"{bound}\"}} {n}");
            }
            let _ = writeln!(out, "{name}_bucket{{{labels},le=\"+Inf\"}} {}", h.count);
            let _ = writeln!(out, "{name}_sum{{{labels}}} {}", h.sum);
            let _ = writeln!(out, "{name}_count{{{labels}}} {}", h.count);
        }
        family(
            out,
            "registry_graphql_errors_total",
            "counter",
            "GraphQL errors, by extensions.code.",
        );
        for (code, n) in &figures.errors {
            let _ = writeln!(out, "registry_graphql_errors_total{{code=\"{code}\"}} {n}");
        }
    }
}

fn family(out: &mut String, name: &str, kind: &str, help: &str) {
    let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} {kind}");
}

/// The database pools: connections open, idle and at most. On SQLite the read pool and the
/// one-connection write pool; on PostgreSQL the one pool both use.
fn render_pools(out: &mut String, db: &Db) {
    family(
        out,
        "registry_db_statements_total",
        "counter",
        "SQL statements run, by every request and by the server itself.",
    );
    let _ = writeln!(out, "registry_db_statements_total {}", db.statements_run());
    family(
        out,
        "registry_db_pool_connections",
        "gauge",
        "Open database connections, by pool and state.",
    );
    let pools = db.pool_stats();
    for p in &pools {
        let in_use = (p.size as usize).saturating_sub(p.idle);
        let _ = writeln!(
            out,
            "registry_db_pool_connections{{pool=\"{}\",state=\"idle\"}} {}",
            p.name, p.idle
        );
        let _ = writeln!(
            out,
            "registry_db_pool_connections{{pool=\"{}\",state=\"in_use\"}} {in_use}",
            p.name
        );
    }
    family(
        out,
        "registry_db_pool_max_connections",
        "gauge",
        "Most connections a pool may open.",
    );
    for p in &pools {
        let _ = writeln!(
            out,
            "registry_db_pool_max_connections{{pool=\"{}\"}} {}",
            p.name, p.max
        );
    }
}

/// Adds one to `key`'s counter, or to `overflow`'s once the family holds [`MAX_SERIES`].
fn bump<K: Ord>(map: &mut BTreeMap<K, u64>, key: K, overflow: K) {
    *entry(map, key, overflow) += 1;
}

fn entry<K: Ord, V: Default>(map: &mut BTreeMap<K, V>, key: K, overflow: K) -> &mut V {
    let key = if map.len() >= MAX_SERIES && !map.contains_key(&key) {
        overflow
    } else {
        key
    };
    map.entry(key).or_default()
}

fn observe(h: &mut Histogram, seconds: f64) {
    for (bound, n) in BUCKETS.iter().zip(h.buckets.iter_mut()) {
        if seconds <= *bound {
            *n += 1;
        }
    }
    h.count += 1;
    h.sum += seconds;
}

/// A request path as one of the routes (so raw paths, which a client chooses, never become
/// labels).
fn route_of(path: &str) -> &'static str {
    match path {
        "/" => "/",
        "/graphql" => "/graphql",
        "/schema.graphql" => "/schema.graphql",
        "/healthz" => "/healthz",
        "/metrics" => "/metrics",
        "/favicon.ico" => "/favicon.ico",
        p if p.starts_with("/assets/") => "/assets/*",
        p if p.starts_with("/export/") => "/export/*",
        p if p.starts_with("/templates/") => "/templates/*",
        _ => "other",
    }
}

/// "query.field" and "mutation.field" for every root field of the schema's text.
fn root_fields_of(sdl: &str) -> BTreeSet<String> {
    use async_graphql::parser::types::{TypeKind, TypeSystemDefinition};
    let mut known = BTreeSet::new();
    let Ok(doc) = async_graphql::parser::parse_schema(sdl) else {
        return known;
    };
    for def in doc.definitions {
        let TypeSystemDefinition::Type(ty) = def else {
            continue;
        };
        let prefix = match ty.node.name.node.as_str() {
            "Query" | "QueryRoot" => "query",
            "Mutation" | "MutationRoot" => "mutation",
            _ => continue,
        };
        if let TypeKind::Object(object) = &ty.node.kind {
            for field in &object.fields {
                known.insert(format!("{prefix}.{}", field.node.name.node));
            }
        }
    }
    known
}

/// When this process started, in seconds since the epoch: fixed by the first call, which
/// `serve` makes before anything else (see [`mark_start`]).
fn process_start() -> f64 {
    *START
}

static START: std::sync::LazyLock<f64> = std::sync::LazyLock::new(|| {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0.0, |d| d.as_secs_f64())
});

/// Fixes the start time now. `serve` calls it first thing, so the gauge is the process's start
/// to within the parsing of its command line, not the end of its migrations.
pub fn mark_start() {
    std::sync::LazyLock::force(&START);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn histogram_buckets_are_cumulative() {
        let mut h = Histogram::default();
        observe(&mut h, 0.003);
        observe(&mut h, 0.2);
        observe(&mut h, 100.0);
        assert_eq!(h.buckets[0], 1);
        assert_eq!(h.buckets[5], 2);
        assert_eq!(h.buckets[BUCKETS.len() - 1], 2);
        assert_eq!(h.count, 3);
    }

    #[test]
    fn made_up_names_do_not_become_labels() {
        let m = Metrics::new("type Query { me: Int }\ntype Mutation { login: Int }");
        assert_eq!(m.field_label("query", Some("me")), "me");
        assert_eq!(m.field_label("query", Some("login")), "(unknown)");
        assert_eq!(m.field_label("mutation", Some("x1234")), "(unknown)");
        assert_eq!(route_of("/etc/passwd"), "other");
        let mut map = BTreeMap::new();
        for i in 0..MAX_SERIES + 10 {
            bump(&mut map, i, usize::MAX);
        }
        assert_eq!(map.len(), MAX_SERIES + 1);
        assert_eq!(map[&usize::MAX], 10);
    }
}
