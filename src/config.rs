//! The command line and environment: the one place that reads either. Every setting has a
//! flag, an environment variable and a documented default (see README).

use clap::builder::TypedValueParser as _;
use clap::{Args, Parser, Subcommand};

/// teacher-registry: the county's registry of teachers, studios and mentoring, over GraphQL.
#[derive(Debug, Parser)]
#[command(name = "teacher-registry", version, about)]
pub struct Cli {
    /// How log lines on standard error look: `text` for people, `json` (one object a line,
    /// with the request's span and its `request_id`) for a log collector.
    #[arg(
        long,
        global = true,
        env = "REGISTRY_LOG_FORMAT",
        value_enum,
        default_value_t = LogFormat::Text
    )]
    pub log_format: LogFormat,
    #[command(subcommand)]
    pub command: Command,
}

/// The shape of log lines (`--log-format`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum LogFormat {
    Text,
    Json,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the GraphQL API (applies pending migrations first).
    Serve(ServeArgs),
    /// Apply pending migrations and exit.
    Migrate(DbArgs),
    /// Manage users.
    #[command(subcommand)]
    User(UserCommand),
    /// Fill an empty database with a fictional county (leaves a non-empty one alone).
    Demo(DemoArgs),
    /// Load a sheet of HR's (.xlsx or .csv) all or nothing; every bad row is listed.
    Import(ImportArgs),
    /// Write a report as xlsx or CSV: counts, teachers, progress or balance.
    Export(ExportArgs),
    /// Copy a SQLite registry to FILE while it keeps serving (PostgreSQL: use pg_dump -Fc).
    Backup(BackupArgs),
    /// Put a backup in place of the SQLite database, with the server stopped (PostgreSQL: use
    /// pg_restore).
    Restore(RestoreArgs),
}

/// `backup FILE`: a consistent copy of the database as it was when the copy began.
#[derive(Debug, Clone, Args)]
pub struct BackupArgs {
    /// The backup to write; must not exist yet.
    pub file: std::path::PathBuf,
    #[command(flatten)]
    pub db: DbArgs,
}

/// `restore FILE`: the backup checked, then copied into place of `--database-url`.
#[derive(Debug, Clone, Args)]
pub struct RestoreArgs {
    /// A file written by `backup`.
    pub file: std::path::PathBuf,
    #[command(flatten)]
    pub db: DbArgs,
}

/// The kinds of sheet the import takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum SheetArg {
    Schools,
    Teachers,
    Designations,
    Enrollments,
    /// Training records (培训记录), spelled `training-records`.
    TrainingRecords,
}

impl SheetArg {
    pub fn kind(self) -> crate::service::import::SheetKind {
        use crate::service::import::SheetKind;
        match self {
            SheetArg::Schools => SheetKind::Schools,
            SheetArg::Teachers => SheetKind::Teachers,
            SheetArg::Designations => SheetKind::Designations,
            SheetArg::Enrollments => SheetKind::Enrollments,
            SheetArg::TrainingRecords => SheetKind::TrainingRecords,
        }
    }
}

#[derive(Debug, Clone, Args)]
pub struct ImportArgs {
    /// What the sheet holds.
    #[arg(value_enum)]
    pub sheet: SheetArg,
    /// The .xlsx or .csv file (CSV in UTF-8 or GB18030).
    pub file: std::path::PathBuf,
    /// Check every row and say what would change, writing nothing.
    #[arg(long)]
    pub dry_run: bool,
    #[command(flatten)]
    pub db: DbArgs,
}

/// `export REPORT --format csv|xlsx`: the same reports as `GET /export/REPORT.FORMAT`, with
/// the same parameters as flags.
#[derive(Debug, Clone, Args)]
pub struct ExportArgs {
    /// counts, teachers, progress or balance.
    pub report: String,
    /// csv or xlsx.
    #[arg(long)]
    pub format: String,
    /// The file to write; standard output when left out.
    #[arg(long)]
    pub out: Option<std::path::PathBuf>,
    /// The day the report speaks of (YYYY-MM-DD); today when left out.
    #[arg(long)]
    pub as_of: Option<String>,
    /// counts: dimensions to group by, e.g. TOWNSHIP,LEVEL.
    #[arg(long)]
    pub group_by: Option<String>,
    /// counts: the lowest designation level counted (default COUNTY).
    #[arg(long)]
    pub min_level: Option<String>,
    /// counts: designation kinds counted, e.g. KEY_TEACHER,SUBJECT_LEADER (default all).
    #[arg(long)]
    pub kinds: Option<String>,
    /// balance: the school year whose enrollments weigh the units (required there).
    #[arg(long)]
    pub school_year: Option<String>,
    /// counts, teachers: only schools of this township.
    #[arg(long)]
    pub township: Option<String>,
    /// counts, teachers: only this stage (PRIMARY or JUNIOR).
    #[arg(long)]
    pub stage: Option<String>,
    /// counts: only URBAN or only RURAL schools.
    #[arg(long)]
    pub area: Option<String>,
    /// counts, teachers: only this subject.
    #[arg(long)]
    pub subject: Option<String>,
    #[command(flatten)]
    pub db: DbArgs,
}

#[derive(Debug, Clone, Args)]
pub struct DemoArgs {
    /// About how many teachers to create: the plan's 25 schools take up to 10,000; more go to
    /// generated districts of 20,000 around them (schools of about 400 teachers each).
    #[arg(long, default_value_t = 3000, value_parser = clap::value_parser!(u32).range(100..=crate::demo::MAX_TEACHERS as i64))]
    pub teachers: u32,
    #[command(flatten)]
    pub db: DbArgs,
}

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Create a user and print its bearer token as the last line.
    Add(UserAddArgs),
    /// List a user's tokens (id, origin, created, expires, revoked).
    Tokens(UserNameArgs),
    /// Revoke a token by its id (from `user tokens`).
    RevokeToken(TokenIdArgs),
    /// Disable a user: its tokens stop working at once.
    Disable(UserNameArgs),
    /// Enable a disabled user again.
    Enable(UserNameArgs),
}

#[derive(Debug, Clone, Args)]
pub struct UserNameArgs {
    /// The user's login name.
    pub username: String,
    #[command(flatten)]
    pub db: DbArgs,
}

#[derive(Debug, Clone, Args)]
pub struct TokenIdArgs {
    /// The token's id (not the token itself).
    pub token_id: uuid::Uuid,
    #[command(flatten)]
    pub db: DbArgs,
}

/// Where the database is.
#[derive(Debug, Clone, Args)]
pub struct DbArgs {
    /// SQLite file path or `sqlite:` URL, or a `postgres://` URL.
    #[arg(long, env = "DATABASE_URL", default_value = "registry.db")]
    pub database_url: String,
    /// Most connections in the pool (PostgreSQL; SQLite readers).
    #[arg(long, env = "REGISTRY_DB_MAX_CONNECTIONS", default_value_t = 10)]
    pub db_max_connections: u32,
    /// Log every SQL statement (at DEBUG, target sqlx::query).
    #[arg(long, env = "REGISTRY_LOG_SQL", default_value_t = false)]
    pub log_sql: bool,
    /// Longest a statement waits for a database connection, in milliseconds: for a busy
    /// pool's, or for a new one while PostgreSQL refuses them (sqlx retries until then). It is
    /// what the first requests of a database outage wait before "database unavailable"; the
    /// ones after are answered at once.
    #[arg(long, env = "REGISTRY_DB_ACQUIRE_TIMEOUT_MS", default_value_t = 5_000, value_parser = clap::value_parser!(u64).range(100..=600_000))]
    pub db_acquire_timeout_ms: u64,
}

impl DbArgs {
    pub fn db_config(&self) -> crate::store::DbConfig {
        crate::store::DbConfig {
            url: self.database_url.clone(),
            max_connections: self.db_max_connections,
            log_statements: self.log_sql,
            pg_schema: None,
            statement_timeout: None,
            acquire_timeout: std::time::Duration::from_millis(self.db_acquire_timeout_ms),
        }
    }
}

#[derive(Debug, Clone, Args)]
pub struct ServeArgs {
    /// Address to listen on.
    #[arg(long, env = "REGISTRY_LISTEN", default_value = "127.0.0.1:8080")]
    pub listen: String,
    #[command(flatten)]
    pub db: DbArgs,
    #[command(flatten)]
    pub settings: Settings,
}

/// Settings the API consults while serving. Each is a flag and an environment variable; the
/// defaults suit a county bureau and are listed in the README.
#[derive(Debug, Clone, Args)]
pub struct Settings {
    /// Lifetime of tokens issued by `login`, in hours.
    #[arg(long, env = "REGISTRY_TOKEN_TTL_HOURS", default_value_t = 12, value_parser = clap::value_parser!(u32).range(1..=2160))]
    pub token_ttl_hours: u32,
    /// Failed logins in a row that lock a user out.
    #[arg(long, env = "REGISTRY_MAX_FAILED_LOGINS", default_value_t = 5, value_parser = clap::value_parser!(u32).range(1..=100))]
    pub max_failed_logins: u32,
    /// How long a lockout lasts, in minutes.
    #[arg(long, env = "REGISTRY_LOCKOUT_MINUTES", default_value_t = 15)]
    pub lockout_minutes: u32,
    /// Deepest nesting a query may have.
    #[arg(long, env = "REGISTRY_MAX_DEPTH", default_value_t = 12)]
    pub max_depth: usize,
    /// Highest complexity a query may have (a field costs 1; a page costs its `first` times
    /// what each item asks for).
    #[arg(long, env = "REGISTRY_MAX_COMPLEXITY", default_value_t = 20_000)]
    pub max_complexity: usize,
    /// Largest request body, in bytes.
    #[arg(long, env = "REGISTRY_MAX_BODY_BYTES", default_value_t = 1_048_576)]
    pub max_body_bytes: usize,
    /// Largest upload (a multipart request carrying a sheet for an import), in bytes. Only
    /// multipart requests get this limit; all others keep max-body-bytes.
    #[arg(long, env = "REGISTRY_MAX_UPLOAD_BYTES", default_value_t = 20 * 1_048_576)]
    pub max_upload_bytes: usize,
    /// Requests that aggregate over the registry (progress, counts, the balance table) running
    /// at once in the process, in each of two lanes (light: a count or the balance table;
    /// heavy: histories and many aggregates); the rest wait their turn. The work is the
    /// database's CPU: more at once than it has cores only slows every one of them down
    /// (`examples/under_attack.rs` measured 2 against 4 on two cores: a bystander's count took
    /// half the time, and the attackers got as much done). Keep twice this under the read
    /// pool's size (`--db-max-connections`) so cheap requests always find a connection.
    #[arg(long, env = "REGISTRY_MAX_EXPENSIVE_REQUESTS", default_value_t = 2, value_parser = clap::value_parser!(u64).range(1..=1024).map(|v| v as usize))]
    pub max_expensive_requests: usize,
    /// Of those, how many one user may run at once (in both lanes together): the dashboard's
    /// requests take turns, so one user never holds both of a lane's places.
    #[arg(long, env = "REGISTRY_MAX_EXPENSIVE_PER_USER", default_value_t = 1, value_parser = clap::value_parser!(u64).range(1..=1024).map(|v| v as usize))]
    pub max_expensive_per_user: usize,
    /// Most operations in one batched request.
    #[arg(long, env = "REGISTRY_MAX_BATCH", default_value_t = 10)]
    pub max_batch: usize,
    /// Deepest nesting of brackets in a query's text or a body's JSON (values in arguments and
    /// variables included), checked before anything parses it.
    #[arg(long, env = "REGISTRY_MAX_NESTING", default_value_t = 64, value_parser = clap::value_parser!(u64).range(4..=256).map(|v| v as usize))]
    pub max_nesting: usize,
    /// Most fields one request's query may select, aliases and fragments counted as often as
    /// they are used.
    #[arg(long, env = "REGISTRY_MAX_FIELDS", default_value_t = 1000)]
    pub max_fields: usize,
    /// Longest text a request may carry in any argument or variable, in characters (each input
    /// has its own, smaller bound: names 50, labels 200, notes 2,000).
    #[arg(long, env = "REGISTRY_MAX_TEXT_CHARS", default_value_t = 10_000)]
    pub max_text_chars: usize,
    /// Password hashes (login, password changes) computed at once; the rest wait. Each takes
    /// about 19 MiB while it runs.
    #[arg(long, env = "REGISTRY_MAX_CONCURRENT_HASHES", default_value_t = 2, value_parser = clap::value_parser!(u64).range(1..=64).map(|v| v as usize))]
    pub max_concurrent_hashes: usize,
    /// Open connections at most; past that new ones wait until one closes.
    #[arg(long, env = "REGISTRY_MAX_CONNECTIONS", default_value_t = 512, value_parser = clap::value_parser!(u64).range(1..=65_536).map(|v| v as usize))]
    pub max_connections: usize,
    /// Longest a client may take to send a request's headers, in milliseconds.
    #[arg(long, env = "REGISTRY_HEADER_TIMEOUT_MS", default_value_t = 10_000)]
    pub header_timeout_ms: u64,
    /// Longest a client may take to send a request's body, in milliseconds.
    #[arg(long, env = "REGISTRY_BODY_TIMEOUT_MS", default_value_t = 10_000)]
    pub body_timeout_ms: u64,
    /// Longest a connection may sit idle between requests, in milliseconds.
    #[arg(long, env = "REGISTRY_IDLE_TIMEOUT_MS", default_value_t = 60_000)]
    pub idle_timeout_ms: u64,
    /// Longest a request may run, in milliseconds.
    #[arg(long, env = "REGISTRY_REQUEST_TIMEOUT_MS", default_value_t = 30_000)]
    pub request_timeout_ms: u64,
    /// Answer introspection queries (from authenticated users only). `false` in production
    /// hides the schema from the endpoint; `/schema.graphql` still serves it.
    #[arg(long, env = "REGISTRY_INTROSPECTION", default_value_t = true, action = clap::ArgAction::Set)]
    pub introspection: bool,
    /// Serve GraphiQL on `GET /graphql`.
    #[arg(long, env = "REGISTRY_GRAPHIQL", default_value_t = true, action = clap::ArgAction::Set)]
    pub graphiql: bool,
    /// How long a dataloader waits after the first key of a batch for the rest, in
    /// milliseconds. Sibling fields ask for their keys within microseconds, so 1 ms batches a
    /// page's nested rows into one statement per kind; on a host so busy that a thread can be
    /// held up longer, a batch splits into a few (never into one statement per row).
    #[arg(long, env = "REGISTRY_LOADER_DELAY_MS", default_value_t = 1, value_parser = clap::value_parser!(u64).range(0..=1000))]
    pub loader_delay_ms: u64,
    /// How long a token checked against the database is trusted without asking again, in
    /// milliseconds (0: ask every request). Revocations in this process take effect at once;
    /// another server on the same database honours a revoked token at most this much longer.
    #[arg(long, env = "REGISTRY_AUTH_CACHE_MS", default_value_t = 2000, value_parser = clap::value_parser!(u64).range(0..=60_000))]
    pub auth_cache_ms: u64,
    /// Most teachers one export file may list (`GET /export/teachers.xlsx`); a larger list is
    /// refused before it is read, to be narrowed by township, school, stage or subject.
    #[arg(long, env = "REGISTRY_MAX_EXPORT_ROWS", default_value_t = 100_000, value_parser = clap::value_parser!(u64).range(1..=1_000_000))]
    pub max_export_rows: u64,
    /// Serve `GET /metrics` (Prometheus text) without a token. It shows operation names and
    /// counts, no data; keep it internal at the proxy, or turn it off here.
    #[arg(long, env = "REGISTRY_METRICS", default_value_t = true, action = clap::ArgAction::Set)]
    pub metrics: bool,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            token_ttl_hours: 12,
            max_failed_logins: 5,
            lockout_minutes: 15,
            max_depth: 12,
            max_complexity: 20_000,
            max_body_bytes: 1_048_576,
            max_upload_bytes: 20 * 1_048_576,
            max_expensive_requests: 2,
            max_expensive_per_user: 1,
            max_batch: 10,
            request_timeout_ms: 30_000,
            max_nesting: 64,
            max_fields: 1000,
            max_text_chars: 10_000,
            max_concurrent_hashes: 2,
            max_connections: 512,
            header_timeout_ms: 10_000,
            body_timeout_ms: 10_000,
            idle_timeout_ms: 60_000,
            introspection: true,
            graphiql: true,
            loader_delay_ms: 1,
            auth_cache_ms: 2000,
            max_export_rows: 100_000,
            metrics: true,
        }
    }
}

impl Settings {
    pub fn login_policy(&self) -> crate::service::auth::LoginPolicy {
        crate::service::auth::LoginPolicy {
            token_ttl: chrono::Duration::hours(i64::from(self.token_ttl_hours)),
            max_failures: i32::try_from(self.max_failed_logins).unwrap_or(5),
            lockout: chrono::Duration::minutes(i64::from(self.lockout_minutes)),
        }
    }
}

#[derive(Debug, Clone, Args)]
pub struct UserAddArgs {
    /// Login name: 3–64 lower-case letters, digits, '.', '-' or '_'.
    pub username: String,
    /// admin, hr, leader or studio-host.
    #[arg(long)]
    pub role: String,
    /// The teacher a studio host is (UUID); required for studio-host.
    #[arg(long)]
    pub teacher: Option<uuid::Uuid>,
    #[command(flatten)]
    pub db: DbArgs,
}
