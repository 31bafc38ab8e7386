//! Storage: sea-orm entities and the queries over them; the only place that writes SQL.
//!
//! [`Db`] holds two handles. On PostgreSQL both are the same pool. On SQLite, writes go through
//! a pool of exactly one connection and every write transaction starts with `BEGIN IMMEDIATE`:
//! writers queue in the pool instead of racing for the file lock, so no write transaction can
//! fail with SQLITE_BUSY, while reads use a separate pool and, in WAL mode, never wait on them.

pub mod audit;
pub mod balance;
pub mod compliance;
pub mod conversion;
pub mod counts;
pub mod designation;
pub mod enrollment;
pub mod gate;
pub mod key_span;
pub mod mentoring_activity;
pub mod mentoring_pair;
pub mod page;
pub mod reserve_entry;
pub mod school;
pub mod series;
pub mod studio;
pub mod studio_assessment;
pub mod studio_member;
pub mod studio_output;
pub mod subject;
pub mod target;
pub mod teacher;
pub mod token;
pub mod training_record;
pub mod user;

use std::sync::Arc;
use std::time::Duration;

use migration::{Migrator, MigratorTrait};
use sea_orm::{
    ConnectOptions, Database, DatabaseConnection, DatabaseTransaction, DbBackend, DbErr,
    SqliteTransactionMode, TransactionOptions, TransactionTrait,
};

/// How to reach the database.
#[derive(Debug, Clone)]
pub struct DbConfig {
    pub url: String,
    /// Connections in the PostgreSQL pool (and the SQLite read pool).
    pub max_connections: u32,
    /// Log every SQL statement at DEBUG (target `sqlx::query`).
    pub log_statements: bool,
    /// PostgreSQL schema to work in (its `search_path`); `None` uses the server's default.
    /// Lets several registries, or test runs, share one database.
    pub pg_schema: Option<String>,
    /// PostgreSQL: the longest a statement of the serving pools may run (`statement_timeout`).
    /// `serve` sets it to the request timeout: a request stopped by its timeout drops its
    /// query, but the server would run the statement on, holding a connection and a core,
    /// until it ended; this ends it. The migrations' connection has none.
    pub statement_timeout: Option<Duration>,
    /// The longest a statement waits for a connection: for one of the pool's to come free, or
    /// for a new one to open (PostgreSQL). sqlx keeps retrying a refused connection until
    /// then, so this is also how long a request may wait on a server that has gone away
    /// before the [`gate`] closes. SQLite's write queue is bounded apart ([`WRITE_QUEUE`]).
    pub acquire_timeout: Duration,
}

/// The default of [`DbConfig::acquire_timeout`] (`--db-acquire-timeout-ms`).
pub const DEFAULT_ACQUIRE_TIMEOUT: Duration = Duration::from_secs(5);

/// How long a SQLite write may wait for the one write connection. Writers queue there by
/// design, behind an import that may hold it for many seconds, so it is the request timeout's
/// default rather than the acquire timeout: a waiting writer is stopped by its request's
/// timeout, which tells the client so, not by the queue.
const WRITE_QUEUE: Duration = Duration::from_secs(30);

impl DbConfig {
    pub fn new(url: impl Into<String>) -> Self {
        DbConfig {
            url: url.into(),
            max_connections: 10,
            log_statements: false,
            pg_schema: None,
            statement_timeout: None,
            acquire_timeout: DEFAULT_ACQUIRE_TIMEOUT,
        }
    }
}

/// The database handles a service needs: `read` for queries, `begin()` for a write transaction.
#[derive(Clone, Debug)]
pub struct Db {
    pub read: DatabaseConnection,
    write: DatabaseConnection,
    /// PostgreSQL: shut while the server cannot be reached (see [`gate`]); SQLite: none.
    gate: Option<Arc<gate::Gate>>,
    /// SQLite: the file the pools opened, checked before each request (see [`OpenedFile`]).
    file: Option<Arc<OpenedFile>>,
    /// Statements run through these handles since they were opened (`/metrics`, and the
    /// benchmark's statements per request).
    statements: Arc<std::sync::atomic::AtomicU64>,
}

/// The SQLite file the pools opened, by device and inode. Should it be removed or replaced
/// under a running server (a clean-up script, a mistaken `mv`), the open connections would
/// carry on in the file no longer there, acknowledging writes that no one will find again,
/// while new connections would find no file. So a request first checks that the path still
/// names the file opened, one `stat`, and is answered "database unavailable" while it does
/// not; moved back, the file serves again. (New connections do not create a missing file
/// either: [`Db::connect`] turns `create_if_missing` off once the file exists.)
#[derive(Debug)]
struct OpenedFile {
    path: std::path::PathBuf,
    id: (u64, u64),
    /// Whether the file was last found missing, so that the log says so once, not per request.
    missing: std::sync::atomic::AtomicBool,
}

impl OpenedFile {
    fn id_of(path: &std::path::Path) -> Option<(u64, u64)> {
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt;
            std::fs::metadata(path).ok().map(|m| (m.dev(), m.ino()))
        }
        #[cfg(not(unix))]
        {
            let _ = path;
            None
        }
    }

    /// The file at the path, unless there is none to check (an in-memory database, or a
    /// platform without inodes).
    fn of(path: &std::path::Path) -> Option<OpenedFile> {
        Some(OpenedFile {
            path: path.to_owned(),
            id: Self::id_of(path)?,
            missing: false.into(),
        })
    }

    fn check(&self) -> Result<(), gate::Unavailable> {
        use std::sync::atomic::Ordering;
        let there = Self::id_of(&self.path) == Some(self.id);
        let was_missing = self.missing.swap(!there, Ordering::Relaxed);
        match (there, was_missing) {
            (false, false) => tracing::error!(
                path = %self.path.display(),
                "the database file is gone or replaced; answering \"database unavailable\" \
                 until it is back (or the server restarts on the new one)"
            ),
            (true, true) => {
                tracing::info!(path = %self.path.display(), "the database file is back")
            }
            _ => {}
        }
        if there {
            Ok(())
        } else {
            Err(gate::Unavailable)
        }
    }
}

impl Db {
    /// Connects, creating a SQLite file on first use.
    pub async fn connect(config: &DbConfig) -> Result<Db, DbErr> {
        if is_postgres(&config.url) {
            let mut opts = pg_options(config, config.max_connections);
            if let Some(limit) = config.statement_timeout {
                let ms = limit.as_millis().to_string();
                opts.map_sqlx_postgres_opts(move |o| o.options([("statement_timeout", &ms)]));
            }
            let pool = Database::connect(opts).await?;
            return Ok(Db {
                read: pool.clone(),
                write: pool,
                gate: Some(Arc::new(gate::Gate::new(config.acquire_timeout))),
                file: None,
                statements: Arc::default(),
            }
            .counting());
        }
        let url = sqlite_url(&config.url);
        let sqlite = |max: u32| {
            let mut opts = options(
                &DbConfig {
                    url: url.clone(),
                    ..config.clone()
                },
                max,
            );
            opts.map_sqlx_sqlite_opts(|o| {
                o.create_if_missing(true)
                    .journal_mode(sea_orm::sqlx::sqlite::SqliteJournalMode::Wal)
                    .synchronous(sea_orm::sqlx::sqlite::SqliteSynchronous::Normal)
                    .foreign_keys(true)
                    .busy_timeout(Duration::from_secs(10))
            });
            opts
        };
        let mut write = sqlite(1);
        write.acquire_timeout(WRITE_QUEUE.max(config.acquire_timeout));
        let write = Database::connect(write).await?;
        let read = Database::connect(sqlite(config.max_connections.max(2))).await?;
        // The file exists now; a connection opened later must not make an empty one in place
        // of a file taken away (see `OpenedFile`).
        for pool in [&read, &write].map(|c| c.get_sqlite_connection_pool()) {
            let options = pool.connect_options().as_ref().clone();
            pool.set_connect_options(options.create_if_missing(false));
        }
        let opened = read.get_sqlite_connection_pool().connect_options();
        Ok(Db {
            file: OpenedFile::of(opened.get_filename()).map(Arc::new),
            read,
            write,
            gate: None,
            statements: Arc::default(),
        }
        .counting())
    }

    /// Connects and applies pending migrations: every command starts this way.
    pub async fn open(config: &DbConfig) -> Result<Db, DbErr> {
        let db = Db::connect(config).await?;
        if is_postgres(&config.url) {
            migrate_postgres(config).await?;
        } else {
            db.migrate().await?;
        }
        // Derived tables a migration created empty are built before anything reads them.
        if key_span::build_if_unbuilt(&db).await? {
            tracing::info!("built the key-teacher spans from the registry");
        }
        Ok(db)
    }

    /// Applies pending migrations through the write handle. On PostgreSQL, with other servers
    /// possibly starting at the same moment, [`Db::open`] takes the migration lock instead.
    pub async fn migrate(&self) -> Result<(), DbErr> {
        Migrator::up(&self.write, None).await
    }

    /// Starts a write transaction (`BEGIN IMMEDIATE` on SQLite).
    pub async fn begin(&self) -> Result<DatabaseTransaction, DbErr> {
        self.write
            .begin_with_options(TransactionOptions {
                sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
                ..Default::default()
            })
            .await
    }

    /// Collects the query planner's statistics on `tables` (`ANALYZE`), through the write
    /// handle: run after a bulk load has committed. SQLite reads every index through (about
    /// 2 s for a registry of a million teachers): its `analysis_limit` would make that
    /// milliseconds, but it reads only an index's first rows, so a column of two values (the
    /// stage) looks as selective as a name. PostgreSQL samples (30,000 rows a table), and is
    /// also asked to `VACUUM` them: a freshly loaded table's pages are not yet marked all
    /// visible, so every count and covering read must visit the rows behind an index until
    /// autovacuum (which a bureau may have turned off) comes by.
    pub async fn analyze(&self, tables: &[&str]) -> Result<(), DbErr> {
        use sea_orm::ConnectionTrait;
        // The names are the code's own, but quoted all the same.
        let quoted: Vec<String> = tables
            .iter()
            .map(|t| format!("\"{}\"", t.replace('"', "\"\"")))
            .collect();
        match self.backend() {
            DbBackend::Postgres => {
                self.write
                    .execute_unprepared(&format!("VACUUM (ANALYZE) {}", quoted.join(", ")))
                    .await?;
            }
            _ => {
                // One transaction: the statistics of all the tables change together.
                let tx = self.begin().await?;
                for table in &quoted {
                    tx.execute_unprepared(&format!("ANALYZE {table}")).await?;
                }
                tx.commit().await?;
            }
        }
        Ok(())
    }

    /// Calls `f` with every statement run through these handles (tests count them to prove
    /// that nested fields load in a fixed number of queries), still counting them all.
    pub fn observe_statements(&mut self, f: impl Fn(&str) + Send + Sync + Clone + 'static) {
        for conn in [&mut self.read, &mut self.write] {
            let (f, counter) = (f.clone(), self.statements.clone());
            conn.set_metric_callback(move |info| {
                counter.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                f(&info.statement.sql)
            });
        }
    }

    /// Counts every statement (sea-orm calls the callback once a statement, after it ran).
    fn counting(mut self) -> Db {
        self.observe_statements(|_| {});
        self
    }

    /// Statements run through these handles (and their clones) since they were opened.
    pub fn statements_run(&self) -> u64 {
        self.statements.load(std::sync::atomic::Ordering::Relaxed)
    }

    pub fn backend(&self) -> DbBackend {
        self.read.get_database_backend()
    }

    /// The connection pools' use, for `/metrics`: on PostgreSQL the one pool both handles
    /// share, on SQLite the read pool and the one-connection write pool.
    pub fn pool_stats(&self) -> Vec<PoolStats> {
        let stats = |name, size, idle, max| PoolStats {
            name,
            size,
            idle,
            max,
        };
        match self.backend() {
            DbBackend::Postgres => {
                let pool = self.read.get_postgres_connection_pool();
                let max = pool.options().get_max_connections();
                vec![stats("shared", pool.size(), pool.num_idle(), max)]
            }
            DbBackend::Sqlite => [("read", &self.read), ("write", &self.write)]
                .into_iter()
                .map(|(name, conn)| {
                    let pool = conn.get_sqlite_connection_pool();
                    let max = pool.options().get_max_connections();
                    stats(name, pool.size(), pool.num_idle(), max)
                })
                .collect(),
            _ => Vec::new(),
        }
    }

    /// Answers while the database does (for `/healthz`). Through the gate: while the
    /// database is known to be away this answers at once instead of waiting on the pool.
    pub async fn ping(&self) -> Result<(), gate::Unavailable> {
        self.admit().await?;
        self.read.ping().await.map_err(|e| {
            tracing::warn!(error = %e, "health check failed");
            self.note_failure(&e);
            gate::Unavailable
        })
    }

    /// Whether a request should try the database: `Unavailable` at once while it is known to
    /// be away, except for a probe now and then that lets the gate open again (see [`gate`]);
    /// on SQLite, while the path no longer names the file opened.
    pub async fn admit(&self) -> Result<(), gate::Unavailable> {
        if let Some(file) = &self.file {
            file.check()?;
        }
        match &self.gate {
            Some(gate) => gate.admit(&self.read).await,
            None => Ok(()),
        }
    }

    /// A request failed with `err`: when it says the database is unreachable, the gate closes.
    pub fn note_failure(&self, err: &DbErr) {
        if is_unreachable(err) {
            self.database_unreachable();
        }
    }

    /// A request met the database unreachable (its error already classified by
    /// [`is_unreachable`]): the gate closes.
    pub fn database_unreachable(&self) {
        if let Some(gate) = &self.gate {
            gate.close();
        }
    }
}

/// Whether `err` says the database could not be reached, as opposed to a statement it refused:
/// no connection within the acquire timeout, a connection that failed to open or broke, or
/// PostgreSQL shutting down, starting up, or out of connection slots.
pub fn is_unreachable(err: &DbErr) -> bool {
    use sea_orm::sqlx::Error as Sqlx;
    let sqlx = match err {
        DbErr::ConnectionAcquire(_) | DbErr::Conn(_) => return true,
        DbErr::Exec(sea_orm::RuntimeErr::SqlxError(e))
        | DbErr::Query(sea_orm::RuntimeErr::SqlxError(e)) => e,
        _ => return false,
    };
    match &**sqlx {
        Sqlx::Io(_)
        | Sqlx::Tls(_)
        | Sqlx::PoolTimedOut
        | Sqlx::PoolClosed
        | Sqlx::WorkerCrashed => true,
        Sqlx::Database(e) => e.code().is_some_and(|code| {
            // SQLSTATE class 08 (connection exception); 57P01-57P03 (the server shutting down,
            // crashed, or not yet accepting connections); 53300 (no connection slots left).
            code.starts_with("08") || matches!(&*code, "57P01" | "57P02" | "57P03" | "53300")
        }),
        _ => false,
    }
}

/// One pool's connections: open, idle among them, and the most it may open.
#[derive(Debug, Clone, Copy)]
pub struct PoolStats {
    pub name: &'static str,
    pub size: u32,
    pub idle: usize,
    pub max: u32,
}

/// The key of the PostgreSQL advisory lock held while migrations run ("TRMIGRAT" in ASCII).
/// Fixed rather than derived from the schema: registries in other schemas of the same database
/// then wait for each other's migrations, which costs a moment at start and nothing else.
const MIGRATION_LOCK_KEY: i64 = 0x5452_4d49_4752_4154;

pub(crate) fn is_postgres(url: &str) -> bool {
    url.starts_with("postgres://") || url.starts_with("postgresql://")
}

/// Applies pending migrations while holding a session-level advisory lock, so that of several
/// servers started at once on a fresh database exactly one creates the tables and the others,
/// let in after it, find nothing pending. Unguarded, they race on `CREATE TABLE` and the losers
/// fail with a duplicate key in PostgreSQL's catalogue (`pg_type_typname_nsp_index`).
///
/// The lock belongs to a session, so it is taken and released on one dedicated connection
/// (a pool of one) that also runs the migrations; should this process die meanwhile, its
/// session ends and PostgreSQL releases the lock by itself.
async fn migrate_postgres(config: &DbConfig) -> Result<(), DbErr> {
    use sea_orm::ConnectionTrait;
    let conn = Database::connect(pg_options(config, 1)).await?;
    conn.execute_unprepared(&format!("SELECT pg_advisory_lock({MIGRATION_LOCK_KEY})"))
        .await?;
    let migrated = Migrator::up(&conn, None).await;
    // Released whatever the migrations' outcome; closing the connection would release it too.
    let unlocked = conn
        .execute_unprepared(&format!("SELECT pg_advisory_unlock({MIGRATION_LOCK_KEY})"))
        .await;
    conn.close().await.ok();
    migrated?;
    unlocked.map(|_| ())
}

/// [`options`] in the configured schema (its `search_path`), for PostgreSQL.
fn pg_options(config: &DbConfig, max_connections: u32) -> ConnectOptions {
    let mut opts = options(config, max_connections);
    if let Some(schema) = &config.pg_schema {
        opts.set_schema_search_path(schema.clone());
    }
    opts
}

fn options(config: &DbConfig, max_connections: u32) -> ConnectOptions {
    let mut opts = ConnectOptions::new(config.url.clone());
    opts.max_connections(max_connections)
        .min_connections(1)
        .acquire_timeout(config.acquire_timeout)
        .sqlx_logging(config.log_statements);
    opts
}

/// `registry.db`, `./x.db` and `sqlite:…` all name a SQLite file.
fn sqlite_url(url: &str) -> String {
    if url.starts_with("sqlite:") {
        url.to_owned()
    } else {
        format!("sqlite://{url}")
    }
}

/// A row by its id (every table's key is a UUID v7).
pub async fn by_id<E>(
    db: &impl sea_orm::ConnectionTrait,
    id: uuid::Uuid,
) -> Result<Option<E::Model>, DbErr>
where
    E: sea_orm::EntityTrait,
    <E::PrimaryKey as sea_orm::PrimaryKeyTrait>::ValueType: From<uuid::Uuid>,
{
    E::find_by_id(id).one(db).await
}

/// Bulk inserts in chunks of 400 rows: at most 15 columns a row keeps a statement's bound
/// parameters well under SQLite's limit (32,766) and PostgreSQL's (65,535).
pub async fn insert_chunks<E, A>(
    db: &impl sea_orm::ConnectionTrait,
    rows: Vec<A>,
) -> Result<(), DbErr>
where
    E: sea_orm::EntityTrait,
    A: sea_orm::ActiveModelTrait<Entity = E> + Send,
{
    let mut rows = rows.into_iter().peekable();
    while rows.peek().is_some() {
        let chunk: Vec<A> = rows.by_ref().take(400).collect();
        E::insert_many(chunk).exec_without_returning(db).await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use sea_orm::{ConnAcquireErr, RuntimeErr};

    #[test]
    fn a_connection_that_cannot_be_had_is_unreachable_and_a_refused_statement_is_not() {
        let unreachable = [
            DbErr::ConnectionAcquire(ConnAcquireErr::Timeout),
            DbErr::ConnectionAcquire(ConnAcquireErr::ConnectionClosed),
            DbErr::Conn(RuntimeErr::Internal("connection refused".to_owned())),
        ];
        for err in &unreachable {
            assert!(is_unreachable(err), "{err}");
        }
        let refused = [
            DbErr::Query(RuntimeErr::Internal("no such table: teachers".to_owned())),
            DbErr::Exec(RuntimeErr::Internal("syntax error".to_owned())),
            DbErr::RecordNotFound("teacher".to_owned()),
            DbErr::Custom("anything".to_owned()),
        ];
        for err in &refused {
            assert!(!is_unreachable(err), "{err}");
        }
    }
}
