//! Issue 12's probe, measured: while two users flood the server with the most expensive
//! requests it accepts (every target's progress with its monthly history, grouped counts, the
//! balance table) and with the requests it refuses (twenty aliased histories), how long do
//! other users wait for `{ me { username } }` and for a plain `keyTeacherCounts { count }`?
//! Not a test: timings belong here, not in `cargo test`.
//!
//! ```sh
//! cargo build --release && cargo run --release --example under_attack -- 200000
//! BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/empty_db \
//!   cargo run --release --example under_attack -- 200000
//! ```
//!
//! It builds a demo county of N teachers (default 200,000) in a SQLite file under
//! `target/tmp` (or in the empty PostgreSQL database `BENCH_DATABASE_URL` names), starts the release binary (`target/release/teacher-registry serve`) on it, and
//! runs four phases of `SECONDS_PER_PHASE` (default 20) each: quiet; under attack with the
//! default fair turns; with twice as many turns; with the turns opened wide
//! (`--max-expensive-requests 1024`), to show what they buy. It prints each phase's latencies for the bystanders and what the attackers
//! got through.

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use serde_json::{Value, json};
use teacher_registry::domain::Role;
use teacher_registry::service::auth::{NewUser, create_user, ensure_first_admin, system_actor};
use teacher_registry::store::{Db, DbConfig};

/// What the attackers send and the server accepts: the dashboard's heaviest request.
const PROGRESS: &str =
    "{ progress { target { code } current goal status history(every: MONTH) { date value } } }";
const GROUPED: &str = "{ keyTeacherCounts(groupBy: [TOWNSHIP, LEVEL]) { township level count } }";
const BALANCE: &str = "{ balancedDevelopment(schoolYear: 2025) { stages { stage indicators { countyValue gapCoefficient } } } }";
/// Concurrent loops per attacker and per kind of request.
const LOOPS: usize = 4;

#[tokio::main]
async fn main() -> Result<()> {
    let teachers: usize = std::env::args()
        .nth(1)
        .map(|n| n.parse())
        .transpose()
        .context("the first argument is the number of teachers")?
        .unwrap_or(200_000);
    let seconds: u64 = std::env::var("SECONDS_PER_PHASE")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(20);
    let exe = std::env::current_exe()?;
    let release = exe
        .parent()
        .and_then(|examples| examples.parent())
        .context("the example runs from target/<profile>/examples")?;
    let server = release.join("teacher-registry");
    if !server.exists() {
        bail!(
            "{} is missing: run `cargo build --release` first",
            server.display()
        );
    }
    let dir = release.join("../tmp");
    std::fs::create_dir_all(&dir)?;
    let file: PathBuf = dir.join(format!("under-attack-{teachers}.db"));
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", file.display()));
    }

    let target = std::env::var("BENCH_DATABASE_URL").unwrap_or_else(|_| file.display().to_string());
    let db = Db::open(&DbConfig::new(target.clone())).await?;
    let started = Instant::now();
    ensure_first_admin(&db).await.map_err(anyhow::Error::msg)?;
    teacher_registry::demo::fill(&db, &system_actor(), teachers)
        .await
        .map_err(anyhow::Error::msg)?;
    eprintln!(
        "demo county of {teachers} teachers built in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    let mut tokens = Vec::new();
    for (name, role) in [
        ("attacker.one", Role::Leader),
        ("attacker.two", Role::Hr),
        ("bystander", Role::Leader),
    ] {
        let new = NewUser {
            username: name.to_owned(),
            role,
            teacher_id: None,
            password: None,
        };
        let (_, token) = create_user(&db, &system_actor(), new)
            .await
            .map_err(anyhow::Error::msg)?;
        tokens.push(token);
    }
    drop(db);
    let bystander = tokens.pop().context("three tokens")?;

    println!(
        "| phase | `me` p50 / p99 / max | plain count p50 / p99 / max | attackers' requests answered / refused / failed |"
    );
    println!("|---|---|---|---|");
    for (phase, attack, turns) in [
        ("quiet", false, &[][..]),
        (
            "attack, fair turns (the defaults: 2 at once a lane, 1 a user)",
            true,
            &[],
        ),
        (
            "attack, fair turns (4 at once a lane, 2 a user)",
            true,
            &[
                "--max-expensive-requests",
                "4",
                "--max-expensive-per-user",
                "2",
            ],
        ),
        (
            "attack, turns opened wide (1024)",
            true,
            &[
                "--max-expensive-requests",
                "1024",
                "--max-expensive-per-user",
                "1024",
            ],
        ),
    ] {
        let mut child = start(&server, &target, turns)?;
        let result = run_phase(child.1, &tokens, &bystander, attack, seconds).await;
        let _ = child.0.kill();
        let _ = child.0.wait();
        let r = result?;
        println!(
            "| {phase} | {} | {} | {} / {} / {} |",
            r.me, r.count, r.answered, r.refused, r.failed
        );
    }
    Ok(())
}

/// The server on a free port, ready.
fn start(server: &std::path::Path, database: &str, flags: &[&str]) -> Result<(Child, u16)> {
    let port = std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port();
    let mut cmd = Command::new(server);
    cmd.arg("serve")
        .arg("--listen")
        .arg(format!("127.0.0.1:{port}"))
        .arg("--database-url")
        .arg(database)
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    cmd.args(flags);
    let child = cmd.spawn()?;
    for _ in 0..600 {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return Ok((child, port));
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    bail!("the server did not come up")
}

struct Phase {
    me: Latencies,
    count: Latencies,
    answered: usize,
    refused: usize,
    failed: usize,
}

struct Latencies(Vec<Duration>);

impl std::fmt::Display for Latencies {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut v = self.0.clone();
        v.sort();
        if v.is_empty() {
            return write!(f, "–");
        }
        let at = |q: f64| v[((v.len() - 1) as f64 * q).round() as usize].as_secs_f64() * 1000.0;
        write!(
            f,
            "{:.1} / {:.1} / {:.1} ms ({} requests)",
            at(0.5),
            at(0.99),
            at(1.0),
            v.len()
        )
    }
}

async fn run_phase(
    port: u16,
    attackers: &[String],
    bystander: &str,
    attack: bool,
    seconds: u64,
) -> Result<Phase> {
    let client = reqwest::Client::new();
    let endpoint = format!("http://127.0.0.1:{port}/graphql");
    let stop = Arc::new(AtomicBool::new(false));
    let answered = Arc::new(AtomicUsize::new(0));
    let refused = Arc::new(AtomicUsize::new(0));
    let failed = Arc::new(AtomicUsize::new(0));
    let mut loops = Vec::new();
    if attack {
        let aliased: Vec<String> = (0..20)
            .map(|i| format!("a{i}: progress {{ history(every: MONTH) {{ value }} }}"))
            .collect();
        let refused_query = format!("{{ {} }}", aliased.join(" "));
        for token in attackers {
            for query in [PROGRESS, GROUPED, BALANCE, refused_query.as_str()] {
                for _ in 0..LOOPS {
                    let (client, endpoint, token, query) = (
                        client.clone(),
                        endpoint.clone(),
                        token.clone(),
                        query.to_owned(),
                    );
                    let (stop, answered, refused, failed) = (
                        stop.clone(),
                        answered.clone(),
                        refused.clone(),
                        failed.clone(),
                    );
                    // The refused requests are answered in a millisecond: sent in a closed loop
                    // they would be a flood of requests like any other (which a proxy's rate
                    // limit answers), so they are paced at ten a second a loop.
                    let pace = query.starts_with("{ a0:");
                    loops.push(tokio::spawn(async move {
                        while !stop.load(Ordering::Relaxed) {
                            if pace {
                                tokio::time::sleep(Duration::from_millis(100)).await;
                            }
                            match ask(&client, &endpoint, &token, &query).await {
                                Ok(a) if a.get("errors").is_none() => &answered,
                                Ok(a)
                                    if a["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT" =>
                                {
                                    &refused
                                }
                                _ => &failed,
                            }
                            .fetch_add(1, Ordering::Relaxed);
                        }
                    }));
                }
            }
        }
        // Let the attack fill the queues before the bystander asks.
        tokio::time::sleep(Duration::from_secs(2)).await;
    }
    let mut me = Vec::new();
    let mut count = Vec::new();
    let until = Instant::now() + Duration::from_secs(seconds);
    while Instant::now() < until {
        for (query, into) in [
            ("{ me { username } }", &mut me),
            ("{ keyTeacherCounts { count } }", &mut count),
        ] {
            let t = Instant::now();
            // A failure (a timeout without the turns) counts at the time it took.
            let _ = ask(&client, &endpoint, bystander, query).await;
            into.push(t.elapsed());
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    stop.store(true, Ordering::Relaxed);
    for l in loops {
        l.abort();
    }
    Ok(Phase {
        me: Latencies(me),
        count: Latencies(count),
        answered: answered.load(Ordering::Relaxed),
        refused: refused.load(Ordering::Relaxed),
        failed: failed.load(Ordering::Relaxed),
    })
}

async fn ask(client: &reqwest::Client, endpoint: &str, token: &str, query: &str) -> Result<Value> {
    Ok(client
        .post(endpoint)
        .bearer_auth(token)
        .json(&json!({ "query": query }))
        .send()
        .await?
        .json()
        .await?)
}
