//! `teacher-registry export REPORT --format csv|xlsx [--out FILE]`: the reports of
//! `GET /export/…`, built by the same code as the system actor (the command line's operator
//! holds the database itself), written to a file or standard output.

use std::io::Write as _;

use anyhow::{Context as _, Result, anyhow};

use crate::config::ExportArgs;
use crate::report::{ExportParams, Format, Report, export};
use crate::service::auth::system_actor;

/// The flags as the parameters the HTTP route reads from its query string.
fn params(args: &ExportArgs) -> ExportParams {
    ExportParams {
        as_of: args.as_of.clone(),
        group_by: args.group_by.clone(),
        min_level: args.min_level.clone(),
        kinds: args.kinds.clone(),
        school_year: args.school_year.clone(),
        school_id: None,
        township: args.township.clone(),
        stage: args.stage.clone(),
        area: args.area.clone(),
        subject: args.subject.clone(),
    }
}

pub async fn run(args: ExportArgs) -> Result<()> {
    let report = Report::parse(&args.report)
        .ok_or_else(|| anyhow!("REPORT must be counts, teachers, progress or balance"))?;
    let format = Format::parse(&args.format).map_err(anyhow::Error::msg)?;
    let params = params(&args);
    let db = super::open(&args.db).await?;
    // The operator may export as much as the machine holds: no row limit here.
    let file = export(&db, &system_actor(), report, format, &params, u64::MAX)
        .await
        .map_err(anyhow::Error::msg)?;
    match &args.out {
        Some(path) => {
            std::fs::write(path, &file.bytes)
                .with_context(|| format!("cannot write {}", path.display()))?;
            eprintln!("wrote {} ({} bytes)", path.display(), file.bytes.len());
        }
        None => {
            let mut out = std::io::stdout().lock();
            out.write_all(&file.bytes)
                .and_then(|()| out.flush())
                .context("cannot write to standard output")?;
        }
    }
    Ok(())
}
