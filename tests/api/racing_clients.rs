//! Many clients at once (issue 12, item 1): thirty-two racing for the same staff number, the
//! same member, the same mentee and the same last capacity slot — exactly one wins each race,
//! the rest get `CONFLICT`; sixteen writing distinct records side by side — every write that
//! was acknowledged is there afterwards and every count matches. `RACE_WRITES` (default 40)
//! sets the writes per client; the full run is `RACE_WRITES=1000 cargo test --test api racing`.

use serde_json::{Value, json};

use crate::helpers::{TestApp, join_all, one_won};

on_both_databases!(
    thirty_two_clients_race_each_rule_and_one_wins,
    sixteen_clients_write_and_every_acknowledged_write_is_there,
    sixteen_awards_to_one_teacher_at_once_count_as_the_rules_say,
);

const RACERS: usize = 32;
const CREATE_TEACHER: &str =
    "mutation($i: CreateTeacherInput!) { createTeacher(input: $i) { id } }";
const PAIR: &str =
    "mutation($i: CreateMentoringPairInput!) { createMentoringPair(input: $i) { id } }";

fn teacher_input(school: &str, staff_no: &str) -> Value {
    json!({ "i": { "staffNo": staff_no, "name": "并发", "gender": "FEMALE", "schoolId": school,
                   "stage": "PRIMARY", "subject": "语文", "education": "BACHELOR" } })
}

async fn thirty_two_clients_race_each_rule_and_one_wins(app: TestApp) {
    let school = app.create_school("赛跑小学", "琴江镇", "URBAN").await;
    let admin = app.admin.clone();
    let same_staff_no = (0..RACERS).map(|_| {
        app.gql(
            Some(&admin),
            CREATE_TEACHER,
            teacher_input(&school, "RACE-1"),
        )
    });
    one_won(&join_all(same_staff_no).await, "the same staff number");

    let host = app.create_teacher(&school, "RACE-HOST", json!({})).await;
    let studio = app
        .create_studio("赛跑工作室", &school, &host, Some("2024-03-01"), Some(2))
        .await;
    let joiner = app.create_teacher(&school, "RACE-JOIN", json!({})).await;
    let same_member = (0..RACERS).map(|_| {
        app.gql(
            Some(&admin),
            "mutation($i: AddStudioMemberInput!) { addStudioMember(input: $i) { id } }",
            json!({ "i": { "studioId": studio, "teacherId": joiner, "joinedOn": "2024-03-10" } }),
        )
    });
    one_won(&join_all(same_member).await, "the same member");

    let mentee = app.create_teacher(&school, "RACE-MENTEE", json!({})).await;
    let same_mentee = (0..RACERS).map(|_| {
        app.gql(
            Some(&admin),
            PAIR,
            json!({ "i": { "studioId": studio, "mentorTeacherId": host,
                           "menteeTeacherId": mentee, "startedOn": "2024-04-01" } }),
        )
    });
    one_won(&join_all(same_mentee).await, "the same mentee");

    // A mentor of this studio takes two mentees and the host has one: thirty-two others race
    // for the host's last place.
    let mut others = Vec::new();
    for i in 0..RACERS {
        others.push(
            app.create_teacher(&school, &format!("RACE-M{i}"), json!({}))
                .await,
        );
    }
    let last_slot = others.iter().map(|m| {
        app.gql(
            Some(&admin),
            PAIR,
            json!({ "i": { "studioId": studio, "mentorTeacherId": host,
                           "menteeTeacherId": m, "startedOn": "2024-04-01" } }),
        )
    });
    one_won(&join_all(last_slot).await, "the last capacity slot");

    let read = app
        .ok(
            "query($id: UUID!) { studio(id: $id) { members { teacher { staffNo } } pairs { id } } }",
            json!({ "id": studio }),
        )
        .await;
    assert_eq!(read["studio"]["pairs"].as_array().map(Vec::len), Some(2));
    assert_eq!(read["studio"]["members"].as_array().map(Vec::len), Some(2));
    let teachers = app.ok("{ teachers { totalCount } }", json!({})).await;
    assert_eq!(
        teachers["teachers"]["totalCount"],
        json!(1 + 3 + RACERS),
        "RACE-1, the host, the joiner and the mentee, the others"
    );
}

/// What one client wrote and was told was written.
#[derive(Default)]
struct Acknowledged {
    teachers: Vec<String>,
    awards: usize,
}

/// One client's writes, one after another: a teacher, and for every third a county
/// designation. Any refusal fails the test: these writes are all distinct and valid.
async fn client(app: &TestApp, school: &str, c: usize, writes: usize) -> Acknowledged {
    let mut acked = Acknowledged::default();
    for i in 0..writes {
        let resp = app
            .gql(
                Some(&app.admin),
                CREATE_TEACHER,
                teacher_input(school, &format!("W{c:02}-{i:04}")),
            )
            .await;
        let id = resp["data"]["createTeacher"]["id"]
            .as_str()
            .unwrap_or_else(|| panic!("client {c}, write {i}: {resp}"))
            .to_owned();
        if i % 3 == 0 {
            let award = app
                .gql(
                    Some(&app.admin),
                    "mutation($t: UUID!) { awardDesignation(input: { teacherId: $t, kind: KEY_TEACHER, level: COUNTY, awardedOn: \"2024-01-01\" }) { id } }",
                    json!({ "t": id }),
                )
                .await;
            assert!(award.get("errors").is_none(), "client {c}: {award}");
            acked.awards += 1;
        }
        acked.teachers.push(id);
    }
    acked
}

async fn sixteen_clients_write_and_every_acknowledged_write_is_there(app: TestApp) {
    let writes = crate::helpers::setting("RACE_WRITES", 40);
    let school = app.create_school("并发写入小学", "琴江镇", "URBAN").await;
    let clients = (0..16).map(|c| client(&app, &school, c, writes));
    let acked = join_all(clients).await;
    let teachers: Vec<&String> = acked.iter().flat_map(|a| &a.teachers).collect();
    let awards: usize = acked.iter().map(|a| a.awards).sum();
    assert_eq!(teachers.len(), 16 * writes);

    let total = app.ok("{ teachers { totalCount } }", json!({})).await;
    assert_eq!(total["teachers"]["totalCount"], json!(teachers.len()));
    assert_eq!(
        app.total("asOf: \"2025-12-31\"").await,
        i64::try_from(awards).unwrap_or(i64::MAX)
    );
    // Every acknowledged teacher reads back, a hundred at a time.
    for ids in teachers.chunks(100) {
        let fields: Vec<String> = ids
            .iter()
            .enumerate()
            .map(|(i, id)| format!("t{i}: teacher(id: \"{id}\") {{ id }}"))
            .collect();
        let data = app
            .ok(&format!("{{ {} }}", fields.join(" ")), json!({}))
            .await;
        for (i, id) in ids.iter().enumerate() {
            assert_eq!(
                data[format!("t{i}")]["id"],
                json!(id),
                "acknowledged, then lost"
            );
        }
    }
}

/// Sixteen clients award one teacher sixteen designations at once. Each award rewrites the
/// teacher's key-teacher spans in its transaction; had two of them computed the spans without
/// each other's award, the teacher would count twice on some day, or at the wrong level.
async fn sixteen_awards_to_one_teacher_at_once_count_as_the_rules_say(app: TestApp) {
    use chrono::{Duration, NaiveDate};
    use teacher_registry::domain::rules::designation_in_force_on;
    const LEVELS: [&str; 4] = ["COUNTY", "MUNICIPAL", "PROVINCIAL", "NATIONAL"];
    // In rank order: the top is the highest level, then the highest kind (rule 4).
    const KINDS: [&str; 3] = ["KEY_TEACHER", "SUBJECT_LEADER", "MASTER_TEACHER"];
    let school = app.create_school("同时授予小学", "琴江镇", "URBAN").await;
    let teacher = app.create_teacher(&school, "AW01", json!({})).await;
    let start = NaiveDate::from_ymd_opt(2024, 1, 1).expect("date");
    // (level, kind, awarded, expires): overlapping, some expiring, levels up and down.
    let awards: Vec<(usize, usize, NaiveDate, Option<NaiveDate>)> = (0..16)
        .map(|i| {
            let awarded = start + Duration::days(i as i64 * 20);
            let expires = (i % 2 == 1).then(|| awarded + Duration::days(45));
            ((i * 7) % 4, i % 3, awarded, expires)
        })
        .collect();
    let requests = awards.iter().map(|(level, kind, awarded, expires)| {
        let mut input = json!({ "teacherId": teacher, "kind": KINDS[*kind],
                                "level": LEVELS[*level], "awardedOn": awarded.to_string() });
        if let Some(e) = expires {
            input["expiresOn"] = json!(e.to_string());
        }
        app.ok(
            "mutation($i: AwardDesignationInput!) { awardDesignation(input: $i) { id } }",
            json!({ "i": input }),
        )
    });
    join_all(requests).await;
    for n in (0..360).step_by(5) {
        let d = start + Duration::days(n);
        let top = awards
            .iter()
            .filter(|(_, _, a, e)| designation_in_force_on(*a, *e, None, d))
            .map(|(level, kind, ..)| (*level, *kind))
            .max();
        let rows = app
            .counts(
                &format!("asOf: \"{d}\", groupBy: [LEVEL, KIND]"),
                "level kind",
            )
            .await;
        let expected = match top {
            Some((level, kind)) => {
                json!([{ "level": LEVELS[level], "kind": KINDS[kind], "count": 1 }])
            }
            None => json!([]),
        };
        assert_eq!(rows, expected, "on {d}");
    }
}
