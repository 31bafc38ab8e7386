//! The `teacher-registry` binary: parse the command line, set up logging, run.

use clap::Parser;
use tracing_subscriber::EnvFilter;

#[tokio::main]
async fn main() {
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info")),
        )
        .with_writer(std::io::stderr)
        .init();
    let cli = teacher_registry::config::Cli::parse();
    if let Err(err) = teacher_registry::cli::run(cli).await {
        // One line: the error and its causes.
        eprintln!("error: {err:#}");
        std::process::exit(1);
    }
}
