//! The command line and environment: the one place that reads either. Every setting has a
//! flag, an environment variable and a documented default (see README).

use clap::{Args, Parser, Subcommand};

/// teacher-registry: the county's registry of teachers, studios and mentoring, over GraphQL.
#[derive(Debug, Parser)]
#[command(name = "teacher-registry", version, about)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
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
}

#[derive(Debug, Clone, Args)]
pub struct DemoArgs {
    /// About how many teachers to create.
    #[arg(long, default_value_t = 3000, value_parser = clap::value_parser!(u32).range(100..=200_000))]
    pub teachers: u32,
    #[command(flatten)]
    pub db: DbArgs,
}

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Create a user and print its bearer token as the last line.
    Add(UserAddArgs),
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
}

impl DbArgs {
    pub fn db_config(&self) -> crate::store::DbConfig {
        crate::store::DbConfig {
            url: self.database_url.clone(),
            max_connections: self.db_max_connections,
            log_statements: self.log_sql,
            pg_schema: None,
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

/// Settings the API consults while serving.
#[derive(Debug, Clone, Args)]
pub struct Settings {
    /// Lifetime of tokens issued by `login`, in hours.
    #[arg(long, env = "REGISTRY_TOKEN_TTL_HOURS", default_value_t = 12)]
    pub token_ttl_hours: u32,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            token_ttl_hours: 12,
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
