//! The subcommands. Each opens the database (applying pending migrations) and calls services.
//! `export` lives in [`export`], `import` in [`import`], `backup` and `restore` in [`backup`].

mod backup;
mod export;
mod import;

use anyhow::{Context as _, Result};

use crate::config::{
    Cli, Command, DbArgs, DemoArgs, ServeArgs, TokenIdArgs, UserAddArgs, UserCommand, UserNameArgs,
};
use crate::domain::Role;
use crate::http::{AppState, serve as serve_http};
use crate::service::auth::{
    NewUser, create_user, ensure_first_admin, system_actor, tokens_of, user_by_username,
};
use crate::store::Db;

pub async fn run(cli: Cli) -> Result<()> {
    match cli.command {
        Command::Serve(args) => serve(args).await,
        Command::Migrate(args) => migrate(args).await,
        Command::User(UserCommand::Add(args)) => user_add(args).await,
        Command::User(UserCommand::Tokens(args)) => user_tokens(args).await,
        Command::User(UserCommand::RevokeToken(args)) => revoke_token(args).await,
        Command::User(UserCommand::Disable(args)) => set_disabled(args, true).await,
        Command::User(UserCommand::Enable(args)) => set_disabled(args, false).await,
        Command::Demo(args) => demo(args).await,
        Command::Import(args) => import::run(args).await,
        Command::Export(args) => export::run(args).await,
        Command::Backup(args) => backup::backup(args).await,
        Command::Restore(args) => backup::restore(args).await,
    }
}

pub(crate) async fn open(args: &DbArgs) -> Result<Db> {
    open_with(args, args.db_config()).await
}

async fn open_with(args: &DbArgs, config: crate::store::DbConfig) -> Result<Db> {
    Db::open(&config)
        .await
        .with_context(|| format!("cannot open the database at {}", redact(&args.database_url)))
}

/// A database URL without its password, for messages.
fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => {
            let creds = &url[s + 3..at];
            match creds.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..s + 3], &url[at..]),
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}

async fn serve(args: ServeArgs) -> Result<()> {
    crate::http::metrics::mark_start();
    // No statement outlives the request that asked for it (PostgreSQL; see DbConfig).
    let mut config = args.db.db_config();
    config.statement_timeout = Some(std::time::Duration::from_millis(
        args.settings.request_timeout_ms,
    ));
    let db = open_with(&args.db, config).await?;
    if let Some(token) = ensure_first_admin(&db).await.map_err(anyhow::Error::msg)? {
        println!("created user admin (role ADMIN); its token, shown only now:");
        println!("{token}");
    }
    let state = AppState::new(db, args.settings.clone());
    // Before the address is printed: from then on a SIGTERM must find the handler in place.
    let stop = stop_requested();
    serve_http(
        state,
        &args.listen,
        |addr| println!("listening on http://{addr}"),
        stop,
    )
    .await
    .with_context(|| format!("cannot serve on {}", args.listen))?;
    tracing::info!("stopped");
    Ok(())
}

/// A future that resolves when the server is asked to stop: Ctrl-C at a terminal, or SIGTERM
/// from systemd, `docker stop` or `kill`. The server then takes no new connections and finishes
/// the requests in flight (for at most 10 seconds) before `serve` returns and the process exits
/// with 0.
///
/// The handlers are installed here, when this is called, not when the future is first polled:
/// the server polls it only once it runs, after it has printed its address, and a SIGTERM that
/// came in between would otherwise meet the default action and kill the process on the spot.
/// A signal that arrives before the first poll is kept and seen then.
fn stop_requested() -> impl std::future::Future<Output = ()> + Send + 'static {
    #[cfg(unix)]
    let handlers = {
        use tokio::signal::unix::{SignalKind, signal};
        signal(SignalKind::terminate())
            .and_then(|term| Ok((term, signal(SignalKind::interrupt())?)))
    };
    async move {
        #[cfg(unix)]
        match handlers {
            Ok((mut term, mut interrupt)) => {
                tokio::select! {
                    _ = term.recv() => {}
                    _ = interrupt.recv() => {}
                }
            }
            Err(e) => {
                // Without the handlers the default action (exit at once) remains; say so.
                tracing::warn!(error = %e, "cannot listen for SIGTERM; only Ctrl-C stops gracefully");
                let _ = tokio::signal::ctrl_c().await;
            }
        }
        #[cfg(not(unix))]
        {
            let _ = tokio::signal::ctrl_c().await;
        }
        tracing::info!("shutting down: taking no new connections, finishing requests in flight");
    }
}

async fn migrate(args: DbArgs) -> Result<()> {
    open(&args).await?;
    println!("migrations applied");
    Ok(())
}

async fn user_add(args: UserAddArgs) -> Result<()> {
    let role = Role::parse_cli(&args.role)
        .map_err(|_| anyhow::anyhow!("--role must be admin, hr, leader or studio-host"))?;
    let db = open(&args.db).await?;
    let new = NewUser {
        username: args.username,
        role,
        teacher_id: args.teacher,
        password: None,
    };
    let (user, token) = create_user(&db, &system_actor(), new)
        .await
        .map_err(anyhow::Error::msg)?;
    println!("created user {} (role {})", user.username, user.role);
    println!("{token}");
    Ok(())
}

async fn user_tokens(args: UserNameArgs) -> Result<()> {
    let db = open(&args.db).await?;
    let user = user_by_username(&db, &args.username)
        .await
        .map_err(anyhow::Error::msg)?;
    let tokens = tokens_of(&db, &system_actor(), user.id)
        .await
        .map_err(anyhow::Error::msg)?;
    println!("id\tfrom\tcreated\texpires\trevoked");
    let when = |t: Option<chrono::DateTime<chrono::Utc>>| {
        t.map_or_else(
            || "-".to_owned(),
            |t| t.format("%Y-%m-%d %H:%M").to_string(),
        )
    };
    for t in tokens {
        println!(
            "{}\t{}\t{}\t{}\t{}",
            t.id,
            t.label,
            when(Some(t.created_at)),
            when(t.expires_at),
            when(t.revoked_at)
        );
    }
    Ok(())
}

async fn revoke_token(args: TokenIdArgs) -> Result<()> {
    let db = open(&args.db).await?;
    // A running server learns of it within its --auth-cache-ms (README, "Several servers").
    let tokens = crate::service::auth::TokenCache::off();
    let t = crate::service::auth::revoke_token(&db, &tokens, &system_actor(), args.token_id)
        .await
        .map_err(anyhow::Error::msg)?;
    println!("revoked token {}", t.id);
    Ok(())
}

async fn set_disabled(args: UserNameArgs, disabled: bool) -> Result<()> {
    let db = open(&args.db).await?;
    let user = user_by_username(&db, &args.username)
        .await
        .map_err(anyhow::Error::msg)?;
    let tokens = crate::service::auth::TokenCache::off();
    let user = crate::service::auth::set_disabled(&db, &tokens, &system_actor(), user.id, disabled)
        .await
        .map_err(anyhow::Error::msg)?;
    println!(
        "{} is {}",
        user.username,
        if disabled { "disabled" } else { "enabled" }
    );
    Ok(())
}

async fn demo(args: DemoArgs) -> Result<()> {
    let db = open(&args.db).await?;
    let started = std::time::Instant::now();
    // On stderr and only at a terminal (indicatif draws nothing elsewhere), as for `import`:
    // the summary stays the one line on stdout.
    let bar = indicatif::ProgressBar::new(u64::from(args.teachers)).with_style(
        indicatif::ProgressStyle::with_template(
            "{bar:40} {pos}/{len} teachers  {per_sec}  {elapsed}",
        )
        .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    let progress = |done: u64, wanted: u64| {
        bar.set_length(wanted.max(done));
        bar.set_position(done);
    };
    let outcome =
        crate::demo::fill_telling(&db, &system_actor(), args.teachers as usize, &progress).await;
    bar.finish_and_clear();
    match outcome.map_err(anyhow::Error::msg)? {
        Some(s) => println!(
            "demo county created in {} ms: {} schools, {} teachers, {} designations, {} studios, {} pairs, {} activities, {} studio outputs, {} training records",
            started.elapsed().as_millis(),
            s.schools,
            s.teachers,
            s.designations,
            s.studios,
            s.pairs,
            s.activities,
            s.outputs,
            s.training_records
        ),
        None => println!("the database already holds a registry; demo left it unchanged"),
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn passwords_are_redacted_from_urls() {
        assert_eq!(
            super::redact("postgres://app:secret@db:5432/registry"),
            "postgres://app:***@db:5432/registry"
        );
        assert_eq!(super::redact("registry.db"), "registry.db");
    }
}
