//! The bulk import's benchmark (issue 10): a teachers sheet of N rows (default 50,000) loaded
//! into a fresh SQLite registry, timed, then loaded again (every row unchanged), with the
//! process's peak memory. Not a test: timings belong here, not in `cargo test`.
//!
//! ```sh
//! cargo run --release --example import_bench -- 50000 xlsx
//! cargo run --release --example import_bench -- 50000 csv
//! BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/empty_db \
//!   cargo run --release --example import_bench -- 50000 xlsx
//! ```
//!
//! Run it once with 10,000 and once with 50,000 rows to see that memory does not grow with
//! the rows (beyond the file's own bytes and, for xlsx, the worksheet calamine holds).

use std::time::Instant;

use anyhow::{Context, Result};
use chrono::{Duration, NaiveDate};
use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
use teacher_registry::service::auth::system_actor;
use teacher_registry::service::import::{SheetKind, import};
use teacher_registry::store::{Db, DbConfig};

const SCHOOLS: usize = 200;
const SUBJECTS: [&str; 6] = ["语文", "数学", "英语", "物理", "体育与健康", "美术"];
const HEADER: [&str; 10] = [
    "工号",
    "姓名",
    "性别",
    "出生日期",
    "身份证号",
    "学校",
    "学段",
    "学科",
    "学历",
    "入职日期",
];

/// Row `i` of the sheet: a teacher at one of the schools, with dates that keep the rules.
fn teacher(i: usize) -> [String; 10] {
    let born = NaiveDate::from_ymd_opt(1965, 1, 1).unwrap_or_default()
        + Duration::days((i * 37 % 12_000) as i64);
    let hired = born + Duration::days(365 * 23);
    [
        format!("B{i:07}"),
        format!("教师{i}"),
        if i.is_multiple_of(3) { "男" } else { "女" }.to_owned(),
        born.to_string(),
        String::new(),
        format!("第{}学校", i % SCHOOLS),
        if i.is_multiple_of(2) {
            "小学"
        } else {
            "初中"
        }
        .to_owned(),
        SUBJECTS[i % SUBJECTS.len()].to_owned(),
        "本科".to_owned(),
        hired.to_string(),
    ]
}

fn csv_sheet(rows: usize) -> Vec<u8> {
    let mut text = HEADER.join(",") + "\n";
    for i in 0..rows {
        text.push_str(&teacher(i).join(","));
        text.push('\n');
    }
    text.into_bytes()
}

/// The sheet as HR's Excel holds it: text cells and date cells.
fn xlsx_sheet(rows: usize) -> Result<Vec<u8>> {
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    let date = Format::new().set_num_format("yyyy-mm-dd");
    for (c, h) in HEADER.iter().enumerate() {
        sheet.write_string(0, c as u16, *h)?;
    }
    for i in 0..rows {
        let r = (i + 1) as u32;
        for (c, value) in teacher(i).iter().enumerate() {
            let c = c as u16;
            match (c, NaiveDate::parse_from_str(value, "%Y-%m-%d")) {
                (3 | 9, Ok(d)) => {
                    let day = ExcelDateTime::parse_from_str(&d.to_string())?;
                    sheet.write_datetime_with_format(r, c, &day, &date)?;
                }
                _ if value.is_empty() => {}
                _ => {
                    sheet.write_string(r, c, value)?;
                }
            }
        }
    }
    Ok(workbook.save_to_buffer()?)
}

/// Starts the peak-memory count afresh from what the process holds now (Linux: writing 5 to
/// `clear_refs` resets VmHWM), so that a load's peak is its own, not the sheet's making.
fn reset_peak() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

/// The process's peak resident memory, in MiB (Linux).
fn peak_mib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse::<u64>().ok())
        })
        .map_or(0, |kib| kib / 1024)
}

#[tokio::main]
async fn main() -> Result<()> {
    let mut args = std::env::args().skip(1);
    let rows: usize = args.next().as_deref().unwrap_or("50000").parse()?;
    let format = args.next().unwrap_or_else(|| "xlsx".to_owned());
    let dir = std::env::temp_dir().join(format!("import-bench-{}", uuid::Uuid::now_v7()));
    std::fs::create_dir_all(&dir)?;
    // An empty PostgreSQL database may be named instead of the fresh SQLite file.
    let url = std::env::var("BENCH_DATABASE_URL")
        .unwrap_or_else(|_| dir.join("bench.db").display().to_string());
    let db = Db::open(&DbConfig::new(url)).await?;
    let actor = system_actor();
    let mut schools = "学校,乡镇,城区/农村,学段\n".to_owned();
    for s in 0..SCHOOLS {
        schools.push_str(&format!("第{s}学校,第{}镇,城区,小学;初中\n", s % 12));
    }
    let none = |_: u64, _: u64| {};
    import(
        &db,
        &actor,
        SheetKind::Schools,
        "s.csv",
        schools.as_bytes(),
        false,
        &none,
    )
    .await
    .context("schools")?;

    let (name, bytes) = match format.as_str() {
        "csv" => ("teachers.csv", csv_sheet(rows)),
        _ => ("teachers.xlsx", xlsx_sheet(rows)?),
    };
    println!(
        "{rows} teacher rows as {format}: {:.1} MiB; peak memory before the import {} MiB",
        bytes.len() as f64 / 1_048_576.0,
        peak_mib()
    );
    for run in ["first load", "second load"] {
        reset_peak();
        let resident = peak_mib();
        let started = Instant::now();
        let report = import(&db, &actor, SheetKind::Teachers, name, &bytes, false, &none)
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        println!(
            "{run}: {:.2} s — {} created, {} updated, {} unchanged; peak memory {} MiB, {} MiB resident before",
            started.elapsed().as_secs_f64(),
            report.created,
            report.updated,
            report.unchanged,
            peak_mib(),
            resident
        );
    }
    drop(db);
    std::fs::remove_dir_all(&dir)?;
    Ok(())
}
