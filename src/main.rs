//! The `teacher-registry` binary: parse the command line, set up logging, run.

use std::io::IsTerminal as _;

use clap::Parser;
use teacher_registry::config::{Cli, LogFormat};
use tracing_subscriber::EnvFilter;

#[tokio::main]
async fn main() {
    // Parsed first, as it chooses the log format; clap prints its own errors and exits.
    let cli = Cli::parse();
    init_logging(cli.log_format);
    if let Err(err) = teacher_registry::cli::run(cli).await {
        // One line: the error and its causes.
        eprintln!("error: {err:#}");
        std::process::exit(1);
    }
}

/// Logs go to standard error, at `RUST_LOG`'s level (default `info`).
fn init_logging(format: LogFormat) {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    match format {
        // Colours only for a person at a terminal: in a file or a journal the escape codes
        // are noise that breaks grep.
        LogFormat::Text => builder.with_ansi(std::io::stderr().is_terminal()).init(),
        // One JSON object a line. The current span and the list of spans are kept, so each
        // line carries the `request_id` of the `graphql` span it was logged in; JSON never
        // carries colour codes.
        LogFormat::Json => builder
            .with_ansi(false)
            .json()
            .with_current_span(true)
            .with_span_list(true)
            .init(),
    }
}
