//! `backup FILE` and `restore FILE` for a SQLite registry.
//!
//! The backup is SQLite's `VACUUM INTO`: one read transaction, so the copy is the database as
//! it stood when the copy began, while the server goes on writing (in WAL mode writers never
//! wait on a reader). It is written beside FILE under a temporary name, synced, checked and
//! only then given FILE's name, so a FILE that exists is always a whole, checked backup.
//!
//! Restore is done with the server stopped: it refuses while a process holds the target's
//! shared-memory lock (every SQLite connection in WAL mode holds it). It copies the backup
//! beside the target, checks the copy (`PRAGMA integrity_check`, the migrations table),
//! syncs it, moves the database it replaces aside (its WAL folded in first), removes the
//! target's stale `-wal` and `-shm` files (a WAL left by the old database would otherwise be
//! replayed onto the restored one) and renames the copy into place.
//!
//! PostgreSQL has its own tools (`pg_dump -Fc`, `pg_restore`); both commands say so.

use std::path::{Path, PathBuf};

use anyhow::{Context as _, Result, bail};
use sea_orm::ConnectionTrait as _;
use sea_orm::sqlx::{self, ConnectOptions as _, Connection as _};

use crate::config::{BackupArgs, RestoreArgs};
use crate::store::Db;

pub async fn backup(args: BackupArgs) -> Result<()> {
    let source = sqlite_file(
        &args.db.database_url,
        "for PostgreSQL use pg_dump -Fc, e.g. `pg_dump -Fc -d \"$DATABASE_URL\" -f registry.dump`",
    )?;
    if !source.is_file() {
        bail!("there is no database at {}", source.display());
    }
    if args.file.exists() {
        bail!(
            "{} exists already; a backup never overwrites a file",
            args.file.display()
        );
    }
    let partial = Partial(beside(&args.file)?);
    let into = partial
        .0
        .to_str()
        .with_context(|| format!("the path {} is not valid UTF-8", partial.0.display()))?;
    // Without migrations: a backup copies the database as it is and changes nothing.
    let db = Db::connect(&args.db.db_config())
        .await
        .with_context(|| format!("cannot open the database at {}", source.display()))?;
    db.read
        .execute_unprepared(&format!("VACUUM INTO {}", sql_text(into)))
        .await
        .with_context(|| format!("cannot write the backup to {}", args.file.display()))?;
    // VACUUM INTO does not sync what it wrote; a backup must survive a power cut.
    sync(&partial.0)?;
    let migrations = check(&partial.0).await?;
    publish(&partial.0, &args.file)?;
    let bytes = std::fs::metadata(&args.file).map_or(0, |m| m.len());
    println!(
        "backup written to {} ({bytes} bytes, integrity ok, {migrations} migrations)",
        args.file.display()
    );
    Ok(())
}

pub async fn restore(args: RestoreArgs) -> Result<()> {
    let target = sqlite_file(
        &args.db.database_url,
        "for PostgreSQL use pg_restore, e.g. \
         `pg_restore --clean --if-exists -d \"$DATABASE_URL\" registry.dump`",
    )?;
    if !args.file.is_file() {
        bail!("there is no backup at {}", args.file.display());
    }
    refuse_if_open(&target)?;
    let partial = Partial(beside(&target)?);
    std::fs::copy(&args.file, &partial.0).with_context(|| {
        format!(
            "cannot copy {} to {}",
            args.file.display(),
            partial.0.display()
        )
    })?;
    let migrations = check(&partial.0)
        .await
        .with_context(|| format!("{} is not a usable backup", args.file.display()))?;
    sync(&partial.0)?;
    // Checked again just before the swap: the check above may have taken a while.
    refuse_if_open(&target)?;
    let kept = set_aside(&target).await?;
    for suffix in ["-wal", "-shm"] {
        let stale = PathBuf::from(format!("{}{suffix}", target.display()));
        match std::fs::remove_file(&stale) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                return Err(e).with_context(|| format!("cannot remove {}", stale.display()));
            }
            _ => {}
        }
    }
    std::fs::rename(&partial.0, &target)
        .with_context(|| format!("cannot move the backup into {}", target.display()))?;
    sync_dir(&target)?;
    println!(
        "restored {} into {} (integrity ok, {migrations} migrations)",
        args.file.display(),
        target.display()
    );
    if let Some(kept) = kept {
        println!("the database it replaced is kept as {}", kept.display());
    }
    Ok(())
}

/// Moves the database a restore replaces aside (`FILE.replaced-<UTC time>`), so a restore
/// onto the wrong file loses nothing. Its WAL is folded in first: after a crash it may hold
/// the last committed writes, and the restore removes it.
async fn set_aside(target: &Path) -> Result<Option<PathBuf>> {
    if !target.exists() {
        return Ok(None);
    }
    let stamp = chrono::Utc::now().format("%Y%m%dT%H%M%S%.3fZ");
    let aside = PathBuf::from(format!("{}.replaced-{stamp}", target.display()));
    if let Err(e) = checkpoint(target).await {
        // A damaged database (the reason for many a restore) may not open: its WAL then goes
        // aside with it, unread, so nothing in it is lost either.
        eprintln!(
            "note: {} could not be checkpointed: {e:#}",
            target.display()
        );
        let wal = PathBuf::from(format!("{}-wal", target.display()));
        if wal.exists() {
            let to = format!("{}-wal", aside.display());
            std::fs::rename(&wal, &to).with_context(|| format!("cannot move {}", wal.display()))?;
        }
    }
    std::fs::rename(target, &aside)
        .with_context(|| format!("cannot move {} aside", target.display()))?;
    Ok(Some(aside))
}

/// Writes a database's WAL into the database file and empties it.
async fn checkpoint(path: &Path) -> Result<()> {
    let mut conn = sqlx::sqlite::SqliteConnectOptions::new()
        .filename(path)
        .create_if_missing(false)
        .connect()
        .await?;
    sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
        .execute(&mut conn)
        .await?;
    conn.close().await?;
    Ok(())
}

/// The file a SQLite `--database-url` names; a PostgreSQL URL is refused with `advice`.
fn sqlite_file(url: &str, advice: &str) -> Result<PathBuf> {
    if crate::store::is_postgres(url) {
        bail!("backup and restore copy SQLite files; {advice}");
    }
    let path = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))
        .unwrap_or(url);
    // `sqlite:x.db?mode=rwc`: the options are not part of the file's name.
    let path = path.split('?').next().unwrap_or(path);
    if path.is_empty() || path == ":memory:" {
        bail!("--database-url names no SQLite file");
    }
    Ok(PathBuf::from(path))
}

/// A text as an SQL string literal: single quotes doubled, so no path can end the literal.
fn sql_text(text: &str) -> String {
    format!("'{}'", text.replace('\'', "''"))
}

/// A fresh temporary name in `path`'s folder, so the final rename stays on one file system.
fn beside(path: &Path) -> Result<PathBuf> {
    let name = path
        .file_name()
        .with_context(|| format!("{} names no file", path.display()))?
        .to_string_lossy();
    let partial = format!(".{name}.{}.partial", uuid::Uuid::now_v7().simple());
    Ok(path.with_file_name(partial))
}

/// A temporary file removed when dropped: after a failure, nothing half-written stays behind.
struct Partial(PathBuf);

impl Drop for Partial {
    fn drop(&mut self) {
        // Gone already once renamed into place.
        let _ = std::fs::remove_file(&self.0);
    }
}

fn sync(path: &Path) -> Result<()> {
    std::fs::File::open(path)
        .and_then(|f| f.sync_all())
        .with_context(|| format!("cannot sync {}", path.display()))
}

/// Syncs the folder holding `path`, so that a rename into it is durable too.
fn sync_dir(path: &Path) -> Result<()> {
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    sync(dir)
}

/// Gives the checked backup its name without ever replacing a file that appeared meanwhile:
/// a hard link fails if the name is taken, where a rename would overwrite.
fn publish(partial: &Path, file: &Path) -> Result<()> {
    match std::fs::hard_link(partial, file) {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            bail!(
                "{} appeared while the backup was written; it was left alone",
                file.display()
            );
        }
        // A file system without hard links: the name was free a moment ago.
        Err(_) => std::fs::rename(partial, file)
            .with_context(|| format!("cannot name the backup {}", file.display()))?,
    }
    sync_dir(file)
}

/// Checks a copy of a registry: SQLite's integrity check passes and the registry's migrations
/// table is there. Returns how many migrations it records.
async fn check(path: &Path) -> Result<i64> {
    let options = sqlx::sqlite::SqliteConnectOptions::new()
        .filename(path)
        .create_if_missing(false);
    let mut conn = options
        .connect()
        .await
        .with_context(|| format!("cannot open {} as SQLite", path.display()))?;
    let verdict: Vec<String> = sqlx::query_scalar("PRAGMA integrity_check")
        .fetch_all(&mut conn)
        .await
        .context("not a SQLite database")?;
    if verdict != ["ok"] {
        bail!("the integrity check failed: {}", verdict.join("; "));
    }
    let tables: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'seaql_migrations'",
    )
    .fetch_one(&mut conn)
    .await?;
    if tables == 0 {
        bail!("it holds no registry (no migrations table)");
    }
    let migrations: i64 = sqlx::query_scalar("SELECT count(*) FROM seaql_migrations")
        .fetch_one(&mut conn)
        .await?;
    conn.close().await.ok();
    Ok(migrations)
}

/// Refuses while another process has the database open: restore replaces the file, and a
/// server still running on it would go on writing into the old one, or into the new one
/// through the old one's WAL.
fn refuse_if_open(target: &Path) -> Result<()> {
    let shm = PathBuf::from(format!("{}-shm", target.display()));
    if !shm.exists() {
        return Ok(());
    }
    if shm_in_use(&shm).with_context(|| format!("cannot inspect {}", shm.display()))? {
        bail!(
            "{} is open in another process (a server?); stop it, then restore",
            target.display()
        );
    }
    Ok(())
}

/// Whether a process holds the "dead man switch" byte of a WAL database's shared-memory file:
/// SQLite's Unix VFS keeps a read lock on byte 128 of `-shm` while a connection has it open.
#[cfg(unix)]
fn shm_in_use(shm: &Path) -> std::io::Result<bool> {
    use std::os::fd::AsRawFd as _;
    const DMS_BYTE: libc::off_t = 128;
    let file = std::fs::File::open(shm)?;
    // SAFETY: `flock` is a plain C struct; all zeroes is a valid value of it.
    let mut lock: libc::flock = unsafe { std::mem::zeroed() };
    lock.l_type = libc::F_WRLCK as _;
    lock.l_whence = libc::SEEK_SET as _;
    lock.l_start = DMS_BYTE;
    lock.l_len = 1;
    // SAFETY: an open descriptor and a pointer to a live `flock`, as F_GETLK expects. F_GETLK
    // only asks; it takes no lock (taking one would disturb the server's bookkeeping).
    let rc = unsafe { libc::fcntl(file.as_raw_fd(), libc::F_GETLK, &mut lock) };
    if rc == -1 {
        return Err(std::io::Error::last_os_error());
    }
    Ok(i32::from(lock.l_type) != libc::F_UNLCK)
}

#[cfg(not(unix))]
fn shm_in_use(_shm: &Path) -> std::io::Result<bool> {
    Ok(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_in_a_path_cannot_end_the_literal() {
        assert_eq!(sql_text("a'b.db"), "'a''b.db'");
        assert_eq!(sql_text("x'; DROP TABLE t; --"), "'x''; DROP TABLE t; --'");
    }

    #[test]
    fn database_urls_name_their_file() {
        let file = |url| sqlite_file(url, "").map(|p| p.display().to_string()).ok();
        assert_eq!(file("registry.db").as_deref(), Some("registry.db"));
        assert_eq!(file("sqlite://a/b.db?mode=rwc").as_deref(), Some("a/b.db"));
        assert_eq!(file("sqlite:c.db").as_deref(), Some("c.db"));
        assert_eq!(file("sqlite::memory:"), None);
        let err = sqlite_file("postgres://u@h/db", "use pg_dump -Fc").unwrap_err();
        assert!(err.to_string().contains("pg_dump -Fc"));
    }
}
