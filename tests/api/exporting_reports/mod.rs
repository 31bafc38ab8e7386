//! HR and leadership take the registry's numbers to Excel: `GET /export/…` files (and the
//! `export` command) carry exactly what the matching GraphQL queries answer, open in Excel
//! (a bold Chinese header, UTF-8 CSV with a BOM), and are refused as the queries are. HR
//! download empty import templates that the import's own reader accepts.
//!
//! - [`numbers`]: counts, balance and progress files against the queries' answers.
//! - [`access`]: the teachers list's personal data, and refusals with the contract's codes.
//! - [`templates_and_cli`]: the import templates, and the `export` command.
//!
//! Here: the county every story exports, and reading the files back.

mod access;
mod numbers;
mod templates_and_cli;

use std::io::Cursor;

use calamine::{Data, Reader, Xlsx};
use serde_json::{Value, json};

use crate::helpers::TestApp;

pub const DAY: &str = "2025-12-31";
pub const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// A GET answered: status, headers of interest, body.
pub struct Got {
    pub status: u16,
    pub content_type: String,
    pub disposition: String,
    pub body: Vec<u8>,
}

impl Got {
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).expect("a JSON error body")
    }

    /// The first error's code, with the status it came with.
    pub fn code(&self) -> (u16, String) {
        let code = self.json()["errors"][0]["extensions"]["code"].clone();
        (self.status, code.as_str().unwrap_or_default().to_owned())
    }
}

pub async fn get(app: &TestApp, token: Option<&str>, path: &str) -> Got {
    let mut req = reqwest::Client::new().get(app.url(path));
    if let Some(token) = token {
        req = req.bearer_auth(token);
    }
    let resp = req.send().await.expect("sent");
    let header = |name: &str| {
        resp.headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned()
    };
    let (content_type, disposition) = (header("content-type"), header("content-disposition"));
    Got {
        status: resp.status().as_u16(),
        content_type,
        disposition,
        body: resp.bytes().await.expect("body").to_vec(),
    }
}

/// A cell as the test compares it: text, or a number printed without a needless `.0`, or a
/// date as `YYYY-MM-DD`.
fn cell(data: &Data) -> String {
    match data {
        Data::Empty => String::new(),
        Data::String(s) => s.clone(),
        Data::Float(x) if x.fract() == 0.0 => format!("{}", *x as i64),
        Data::Float(x) => x.to_string(),
        Data::Int(n) => n.to_string(),
        Data::DateTime(d) => {
            let (y, m, day, ..) = d.to_ymd_hms_milli();
            format!("{y:04}-{m:02}-{day:02}")
        }
        other => format!("{other:?}"),
    }
}

/// The first sheet of an xlsx, as text rows.
pub fn xlsx_rows(bytes: &[u8]) -> Vec<Vec<String>> {
    let mut book: Xlsx<_> = Xlsx::new(Cursor::new(bytes.to_vec())).expect("an xlsx");
    let range = book
        .worksheet_range_at(0)
        .expect("a sheet")
        .expect("readable");
    range.rows().map(|r| r.iter().map(cell).collect()).collect()
}

/// A CSV file that must start with the UTF-8 BOM, as text rows.
pub fn csv_rows(bytes: &[u8]) -> Vec<Vec<String>> {
    assert!(
        bytes.starts_with(b"\xEF\xBB\xBF"),
        "CSV starts with the BOM"
    );
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(&bytes[3..]);
    reader
        .records()
        .map(|r| r.expect("a CSV record").iter().map(str::to_owned).collect())
        .collect()
}

pub struct County {
    pub dongcheng: String,
    pub hr: String,
    pub leader: String,
    pub li: String,
}

/// 东城中小学 (琴江镇, 200 primary pupils): 李明 (county key teacher, born 1985-03-15), a
/// municipal subject leader who also holds a county title, a music teacher with a school-level
/// title only. 横江小学 (横江镇, 100 pupils): a county master teacher, and a county key
/// teacher who left on 2025-06-30. On 2025-12-31 three key teachers count.
pub async fn county(app: &TestApp) -> County {
    let enroll = "mutation($i: SetEnrollmentInput!) { setEnrollment(input: $i) { students } }";
    let a = app.create_school("东城中小学", "琴江镇", "URBAN").await;
    let b = app.create_school("横江小学", "横江镇", "RURAL").await;
    for (school, students) in [(&a, 200), (&b, 100)] {
        let i = json!({ "schoolId": school, "schoolYear": 2025, "stage": "PRIMARY", "students": students });
        app.ok(enroll, json!({ "i": i })).await;
    }
    let li = app
        .create_teacher(
            &a,
            "EX-1",
            json!({ "name": "李明", "gender": "MALE", "idNumber": "36073019850315009X" }),
        )
        .await;
    app.award(&li, "KEY_TEACHER", "COUNTY", "2024-09-10", json!({}))
        .await;
    let t2 = app.create_teacher(&a, "EX-2", json!({})).await;
    app.award(&t2, "KEY_TEACHER", "COUNTY", "2023-09-10", json!({}))
        .await;
    app.award(&t2, "SUBJECT_LEADER", "MUNICIPAL", "2024-09-10", json!({}))
        .await;
    let t3 = app
        .create_teacher(&a, "EX-3", json!({ "subject": "音乐" }))
        .await;
    app.award(&t3, "KEY_TEACHER", "SCHOOL", "2024-09-10", json!({}))
        .await;
    let t4 = app.create_teacher(&b, "EX-4", json!({})).await;
    app.award(&t4, "MASTER_TEACHER", "COUNTY", "2024-09-10", json!({}))
        .await;
    let t5 = app.create_teacher(&b, "EX-5", json!({})).await;
    app.award(&t5, "KEY_TEACHER", "COUNTY", "2024-09-10", json!({}))
        .await;
    app.depart(&t5, "2025-06-30").await;
    County {
        dongcheng: a,
        hr: app.create_user("hr.export", "HR", None).await,
        leader: app.create_user("leader.export", "LEADER", None).await,
        li,
    }
}
