//! `teacher-registry import KIND FILE [--dry-run]`: HR's sheet loaded through the same service
//! as the GraphQL upload, with a progress bar on a terminal and a one-line summary.

use anyhow::{Context as _, Result, bail};
use indicatif::{ProgressBar, ProgressStyle};

use super::open;
use crate::config::ImportArgs;
use crate::error::Error;
use crate::service::auth::system_actor;
use crate::service::import::{ImportReport, import};

pub async fn run(args: ImportArgs) -> Result<()> {
    let bytes = std::fs::read(&args.file)
        .with_context(|| format!("cannot read {}", args.file.display()))?;
    let file_name = args
        .file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let db = open(&args.db).await?;
    // Drawn on stderr, and only on a terminal (indicatif hides it otherwise), so that the
    // summary on stdout stays one line for scripts.
    let bar = ProgressBar::new(0).with_style(
        ProgressStyle::with_template("{bar:40} {pos}/{len} rows  {per_sec}  {elapsed}")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    let progress = |done: u64, hint: u64| {
        bar.set_length(hint.max(done));
        bar.set_position(done);
    };
    let outcome = import(
        &db,
        &system_actor(),
        args.sheet.kind(),
        &file_name,
        &bytes,
        args.dry_run,
        &progress,
    )
    .await;
    bar.finish_and_clear();
    match outcome {
        Ok(report) => {
            println!("{}", summary(&report));
            Ok(())
        }
        Err(Error::Sheet { problems, count }) => {
            for p in &problems {
                eprintln!("{p}");
            }
            if count > problems.len() {
                eprintln!("… and {} more", count - problems.len());
            }
            bail!("{file_name}: {count} problems; nothing was written")
        }
        Err(e) => bail!("{file_name}: {e}"),
    }
}

/// One line: what was done (or, in a dry run, would be).
fn summary(r: &ImportReport) -> String {
    let mut line = format!(
        "{}: {} {} rows: {} created, {} updated, {} unchanged",
        r.file_name,
        r.rows,
        r.kind.name(),
        r.created,
        r.updated,
        r.unchanged
    );
    if !r.unknown_columns.is_empty() {
        line.push_str(&format!(
            "; columns ignored: {}",
            r.unknown_columns.join(", ")
        ));
    }
    if r.dry_run {
        line.push_str(" (dry run: nothing was written)");
    }
    line
}
