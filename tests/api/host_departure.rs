//! A studio host leaves the county's schools (security fault 5 of issue 8): from their `leftOn`
//! they are no member in force (rule 6), the studio has no host in force but stays in force,
//! their login can no longer change it, and HR hands it on with `changeStudioHost`. Also: a
//! host cannot tell another's studio from a missing one, and a studio established on a future
//! day is not ACTIVE yet.

use serde_json::{Value, json};

use crate::helpers::TestApp;

on_both_databases!(
    a_departed_host_stops_counting_and_hosting_from_the_departure_day,
    a_departed_hosts_token_can_no_longer_change_the_studio,
    hr_hands_a_studio_to_a_new_host_whose_token_then_runs_it,
    refused_host_changes_write_nothing,
    a_host_changes_a_studio_only_for_days_it_hosts,
    a_host_cannot_tell_another_studio_from_a_missing_one,
    a_studio_established_on_a_future_day_is_planned_not_active,
);

const MISSING: &str = "01890000-0000-7000-8000-000000000000";

const CHANGE_HOST: &str = "mutation($s: UUID!, $t: UUID!, $on: Date!) { changeStudioHost(studioId: $s, teacherId: $t, on: $on) { host { staffNo } hostInForce { staffNo } } }";
const ADD: &str = "mutation($i: AddStudioMemberInput!) { addStudioMember(input: $i) { id } }";

struct Studio {
    school: String,
    studio: String,
    host: String,
    host_token: String,
    /// A: a member from 2025-03-10 mentoring one pair.
    a: String,
    /// B: a teacher of the school, no member yet.
    b: String,
    /// The host's two pairs (mentees E0, E1).
    host_pairs: Vec<String>,
    mentees: Vec<String>,
}

/// A county studio established 2025-03-01 by host H (login `host.h`); A joins 2025-03-10; from
/// 2025-04-01 H mentors E0 and E1 and A mentors E2. Nothing has departed yet.
async fn studio(app: &TestApp) -> Studio {
    let school = app.create_school("石城县琴江小学", "琴江镇", "URBAN").await;
    let hired = json!({ "hiredOn": "2010-09-01" });
    let host = app.create_teacher(&school, "H-01", hired.clone()).await;
    let a = app.create_teacher(&school, "A-01", hired.clone()).await;
    let b = app.create_teacher(&school, "B-01", hired.clone()).await;
    let mut mentees = Vec::new();
    for i in 0..4 {
        mentees.push(
            app.create_teacher(&school, &format!("E-{i:02}"), hired.clone())
                .await,
        );
    }
    let studio = app
        .create_studio(
            "琴江语文名师工作室",
            &school,
            &host,
            Some("2025-03-01"),
            None,
        )
        .await;
    let host_token = app.create_user("host.h", "STUDIO_HOST", Some(&host)).await;
    app.add_member(&host_token, &studio, &a, "2025-03-10").await;
    let host_pairs = vec![
        app.pair(&host_token, &studio, &host, &mentees[0], "2025-04-01")
            .await,
        app.pair(&host_token, &studio, &host, &mentees[1], "2025-04-01")
            .await,
    ];
    app.pair(&host_token, &studio, &a, &mentees[2], "2025-04-01")
        .await;
    Studio {
        school,
        studio,
        host,
        host_token,
        a,
        b,
        host_pairs,
        mentees,
    }
}

/// Staff numbers and roles of the studio's members in force on `d`.
async fn members_on(app: &TestApp, studio: &str, d: &str) -> Vec<(String, String)> {
    let r = app
        .ok(
            "query($id: UUID!, $d: Date!) { studio(id: $id) { members(asOf: $d) { role teacher { staffNo } } } }",
            json!({ "id": studio, "d": d }),
        )
        .await;
    r["studio"]["members"]
        .as_array()
        .expect("members")
        .iter()
        .map(|m| {
            (
                m["teacher"]["staffNo"]
                    .as_str()
                    .expect("staffNo")
                    .to_owned(),
                m["role"].as_str().expect("role").to_owned(),
            )
        })
        .collect()
}

fn pairs(rows: &[(&str, &str)]) -> Vec<(String, String)> {
    rows.iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect()
}

async fn quota_on(app: &TestApp, studio: &str, d: &str) -> Value {
    app.ok(
        "query($id: UUID!, $d: Date!) { studio(id: $id) { quota(asOf: $d) { members mentees goal } } }",
        json!({ "id": studio, "d": d }),
    )
    .await["studio"]["quota"]
        .clone()
}

async fn mentoring_progress(app: &TestApp, d: &str) -> Value {
    app.ok(
        "query($d: Date!) { targetProgress(code: \"MENTORING_2025\", asOf: $d) { current goal history(every: MONTH) { date value } } }",
        json!({ "d": d }),
    )
    .await["targetProgress"]
        .clone()
}

async fn a_departed_host_stops_counting_and_hosting_from_the_departure_day(app: TestApp) {
    let s = studio(&app).await;
    app.depart(&s.host, "2025-11-15").await;

    // Rule 6: the host is a member up to the day before leaving, whatever the studio's records.
    assert_eq!(
        members_on(&app, &s.studio, "2025-11-14").await,
        pairs(&[("H-01", "HOST"), ("A-01", "MEMBER")])
    );
    assert_eq!(
        members_on(&app, &s.studio, "2025-11-15").await,
        pairs(&[("A-01", "MEMBER")])
    );
    // Rule 7: the host's two pairs leave the quota with the host, and so does the host's 3.
    assert_eq!(
        quota_on(&app, &s.studio, "2025-11-14").await,
        json!({ "members": 2, "mentees": 3, "goal": 6 })
    );
    assert_eq!(
        quota_on(&app, &s.studio, "2025-11-15").await,
        json!({ "members": 1, "mentees": 1, "goal": 3 })
    );
    // The plan's mentoring target agrees, on a day and in its monthly history.
    let before = mentoring_progress(&app, "2025-11-14").await;
    assert_eq!(
        (&before["current"], &before["goal"]),
        (&json!(3), &json!(6))
    );
    let after = mentoring_progress(&app, "2025-11-20").await;
    assert_eq!((&after["current"], &after["goal"]), (&json!(1), &json!(3)));
    let history = after["history"].as_array().expect("history");
    assert_eq!(
        history[history.len() - 2..],
        [
            json!({ "date": "2025-10-31", "value": 3 }),
            json!({ "date": "2025-11-20", "value": 1 }),
        ]
    );
    // menteeCount (today): the departed host's membership counts nothing, A's counts its pair.
    let r = app
        .ok(
            "query($h: UUID!, $a: UUID!) { h: teacher(id: $h) { memberships { role leftOn menteeCount } }
                                           a: teacher(id: $a) { memberships { role menteeCount } } }",
            json!({ "h": s.host, "a": s.a }),
        )
        .await;
    assert_eq!(
        r["h"]["memberships"],
        json!([{ "role": "HOST", "leftOn": null, "menteeCount": 0 }])
    );
    assert_eq!(
        r["a"]["memberships"],
        json!([{ "role": "MEMBER", "menteeCount": 1 }])
    );
    // The studio stays in force with no host in force until HR hands it on.
    let r = app
        .ok(
            "query($id: UUID!) { studio(id: $id) { status host { staffNo }
                 before: hostInForce(asOf: \"2025-11-14\") { staffNo }
                 on: hostInForce(asOf: \"2025-11-15\") { staffNo }
                 today: hostInForce { staffNo } } }",
            json!({ "id": s.studio }),
        )
        .await;
    assert_eq!(
        r["studio"],
        json!({ "status": "ACTIVE", "host": { "staffNo": "H-01" },
                "before": { "staffNo": "H-01" }, "on": null, "today": null })
    );
    // Rule 8: the departed host cannot start a pair as mentor, even through HR.
    let e = app
        .err(
            "mutation($i: CreateMentoringPairInput!) { createMentoringPair(input: $i) { id } }",
            json!({ "i": { "studioId": s.studio, "mentorTeacherId": s.host,
                           "menteeTeacherId": s.mentees[3], "startedOn": "2025-11-20" } }),
        )
        .await;
    assert_eq!(e["code"], "CONFLICT", "{e}");
}

async fn a_departed_hosts_token_can_no_longer_change_the_studio(app: TestApp) {
    let s = studio(&app).await;
    app.depart(&s.host, "2025-11-15").await;
    let before = app.row_counts().await;
    let tok = Some(s.host_token.as_str());
    // Dated after the departure, or even before it: a departed host's login acts no more.
    for joined_on in ["2025-11-20", "2025-11-01"] {
        let e = app
            .err_as(
                tok,
                ADD,
                json!({ "i": { "studioId": s.studio, "teacherId": s.b, "joinedOn": joined_on } }),
            )
            .await;
        assert_eq!(e["code"], "FORBIDDEN", "{joined_on}: {e}");
    }
    let e = app
        .err_as(
            tok,
            "mutation($id: UUID!) { endMentoringPair(id: $id, endedOn: \"2025-11-20\", status: WITHDRAWN) { id } }",
            json!({ "id": s.host_pairs[0] }),
        )
        .await;
    assert_eq!(e["code"], "FORBIDDEN", "{e}");
    let e = app
        .err_as(
            tok,
            "mutation($id: UUID!) { logMentoringActivity(input: { pairId: $id, date: \"2025-11-10\", kind: LECTURE, hours: 2 }) { id } }",
            json!({ "id": s.host_pairs[0] }),
        )
        .await;
    assert_eq!(e["code"], "FORBIDDEN", "{e}");
    assert_eq!(app.row_counts().await, before);
    // Nor does it read the studio any more: its mentees' names are no longer its business.
    let r = app
        .ok_as(
            &s.host_token,
            "query($id: UUID!) { studio(id: $id) { name } studios { totalCount } }",
            json!({ "id": s.studio }),
        )
        .await;
    assert_eq!(r, json!({ "studio": null, "studios": { "totalCount": 0 } }));
}

async fn hr_hands_a_studio_to_a_new_host_whose_token_then_runs_it(app: TestApp) {
    let s = studio(&app).await;
    app.depart(&s.host, "2025-11-15").await;
    let hr = app.create_user("hr.li", "HR", None).await;
    let before = app.row_counts().await;

    // A, a member in force, takes over on 2025-11-20.
    let r = app
        .ok_as(
            &hr,
            CHANGE_HOST,
            json!({ "s": s.studio, "t": s.a, "on": "2025-11-20" }),
        )
        .await;
    assert_eq!(
        r["changeStudioHost"],
        json!({ "host": { "staffNo": "A-01" }, "hostInForce": { "staffNo": "A-01" } })
    );
    // One new membership (A's HOST row; A's MEMBER row and H's HOST row end) and one event.
    let after = app.row_counts().await;
    let changed: Vec<_> = before
        .iter()
        .zip(&after)
        .filter(|(b, a)| b != a)
        .map(|(b, a)| (b.0.as_str(), a.1 - b.1))
        .collect();
    assert_eq!(changed, [("audit_events", 1), ("studio_members", 1)]);
    let events = app
        .ok(
            "{ auditEvents(filter: { operation: \"changeStudioHost\" }) { totalCount nodes { actor entityId } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        events["auditEvents"],
        json!({ "totalCount": 1, "nodes": [{ "actor": "hr.li", "entityId": s.studio }] })
    );
    assert_eq!(
        members_on(&app, &s.studio, "2025-11-19").await,
        pairs(&[("A-01", "MEMBER")])
    );
    assert_eq!(
        members_on(&app, &s.studio, "2025-11-20").await,
        pairs(&[("A-01", "HOST")])
    );
    let r = app
        .ok(
            "query($h: UUID!, $a: UUID!) { h: teacher(id: $h) { memberships { role joinedOn leftOn } }
                                           a: teacher(id: $a) { memberships { role joinedOn leftOn menteeCount } } }",
            json!({ "h": s.host, "a": s.a }),
        )
        .await;
    assert_eq!(
        r["h"]["memberships"],
        json!([{ "role": "HOST", "joinedOn": "2025-03-01", "leftOn": "2025-11-20" }])
    );
    assert_eq!(
        r["a"]["memberships"],
        json!([
            { "role": "MEMBER", "joinedOn": "2025-03-10", "leftOn": "2025-11-20", "menteeCount": 0 },
            { "role": "HOST", "joinedOn": "2025-11-20", "leftOn": null, "menteeCount": 1 },
        ])
    );
    // A's pair follows A into the host's membership.
    assert_eq!(
        quota_on(&app, &s.studio, "2025-11-20").await,
        json!({ "members": 1, "mentees": 1, "goal": 3 })
    );

    // The new host's login runs the studio: a member joins, and the old host's pair (still
    // ACTIVE, never deleted) is ended by the new host.
    let a_token = app.create_user("host.a", "STUDIO_HOST", Some(&s.a)).await;
    app.add_member(&a_token, &s.studio, &s.b, "2025-11-25")
        .await;
    let ended = app
        .ok_as(
            &a_token,
            "mutation($id: UUID!) { endMentoringPair(id: $id, endedOn: \"2025-11-25\", status: WITHDRAWN) { status mentor { staffNo } } }",
            json!({ "id": s.host_pairs[0] }),
        )
        .await;
    assert_eq!(
        ended["endMentoringPair"],
        json!({ "status": "WITHDRAWN", "mentor": { "staffNo": "H-01" } })
    );
    assert_eq!(
        members_on(&app, &s.studio, "2025-11-25").await,
        pairs(&[("A-01", "HOST"), ("B-01", "MEMBER")])
    );
    let r = app
        .ok_as(
            &a_token,
            "query($id: UUID!) { studio(id: $id) { hostInForce { staffNo } } studios { totalCount } }",
            json!({ "id": s.studio }),
        )
        .await;
    assert_eq!(
        r,
        json!({ "studio": { "hostInForce": { "staffNo": "A-01" } }, "studios": { "totalCount": 1 } })
    );
}

async fn refused_host_changes_write_nothing(app: TestApp) {
    let s = studio(&app).await;
    let leader = app.create_user("leader.w", "LEADER", None).await;
    let departed = app
        .create_teacher(&s.school, "D-01", json!({ "hiredOn": "2010-09-01" }))
        .await;
    app.depart(&departed, "2025-06-01").await;
    let not_yet = app
        .create_teacher(&s.school, "N-01", json!({ "hiredOn": "2025-12-01" }))
        .await;
    let before = app.row_counts().await;
    let vars = |t: &str, on: &str| json!({ "s": s.studio, "t": t, "on": on });
    // Only HR and admins change hosts: a studio host (even of this studio) and a leader not.
    for token in [&s.host_token, &leader] {
        let e = app
            .err_as(Some(token), CHANGE_HOST, vars(&s.a, "2025-11-20"))
            .await;
        assert_eq!(e["code"], "FORBIDDEN", "{e}");
    }
    // The new host must be employed on the day.
    for (t, on) in [(&departed, "2025-11-20"), (&not_yet, "2025-11-20")] {
        let e = app.err(CHANGE_HOST, vars(t, on)).await;
        assert_eq!(
            (e["code"].as_str(), e["field"].as_str()),
            (Some("BAD_USER_INPUT"), Some("teacherId")),
            "{e}"
        );
    }
    // The studio must be in force on the day, and the host cannot be handed to itself.
    let e = app.err(CHANGE_HOST, vars(&s.a, "2025-02-28")).await;
    assert_eq!(e["code"], "CONFLICT", "{e}");
    let e = app.err(CHANGE_HOST, vars(&s.host, "2025-11-20")).await;
    assert_eq!(e["code"], "CONFLICT", "{e}");
    let e = app
        .err(
            CHANGE_HOST,
            json!({ "s": MISSING, "t": s.a, "on": "2025-11-20" }),
        )
        .await;
    assert_eq!(e["code"], "NOT_FOUND", "{e}");
    assert_eq!(
        app.row_counts().await,
        before,
        "a refused change wrote something"
    );
    // Nor is history rewritten: once A hosts from 2025-11-20, no handover may predate it.
    app.ok(CHANGE_HOST, vars(&s.a, "2025-11-20")).await;
    let before = app.row_counts().await;
    let e = app.err(CHANGE_HOST, vars(&s.b, "2025-11-01")).await;
    assert_eq!(e["code"], "CONFLICT", "{e}");
    assert_eq!(app.row_counts().await, before);
}

async fn a_host_changes_a_studio_only_for_days_it_hosts(app: TestApp) {
    let s = studio(&app).await;
    // A takes over from H on 2025-11-20 (H is still employed).
    app.ok(
        CHANGE_HOST,
        json!({ "s": s.studio, "t": s.a, "on": "2025-11-20" }),
    )
    .await;
    let a_token = app.create_user("host.a", "STUDIO_HOST", Some(&s.a)).await;
    let before = app.row_counts().await;
    let add_b =
        |on: &str| json!({ "i": { "studioId": s.studio, "teacherId": s.b, "joinedOn": on } });
    // A hosts today, but was not yet the host on 2025-11-19.
    let e = app.err_as(Some(&a_token), ADD, add_b("2025-11-19")).await;
    assert_eq!(e["code"], "FORBIDDEN", "{e}");
    // H hosted on 2025-11-19 but no longer hosts today: refused for that day as well.
    let e = app
        .err_as(Some(&s.host_token), ADD, add_b("2025-11-19"))
        .await;
    assert_eq!(e["code"], "FORBIDDEN", "{e}");
    assert_eq!(app.row_counts().await, before);
    // A handover recorded ahead: A hosts today but no longer from 2030-01-01.
    app.ok(
        CHANGE_HOST,
        json!({ "s": s.studio, "t": s.mentees[3], "on": "2030-01-01" }),
    )
    .await;
    let before = app.row_counts().await;
    let e = app.err_as(Some(&a_token), ADD, add_b("2030-02-01")).await;
    assert_eq!(e["code"], "FORBIDDEN", "{e}");
    assert_eq!(app.row_counts().await, before);
    // For a day A hosts, A's token works.
    app.add_member(&a_token, &s.studio, &s.b, "2025-11-25")
        .await;
}

async fn a_host_cannot_tell_another_studio_from_a_missing_one(app: TestApp) {
    let s = studio(&app).await;
    let other_host = app
        .create_teacher(&s.school, "O-01", json!({ "hiredOn": "2010-09-01" }))
        .await;
    let other = app
        .create_studio(
            "横江数学名师工作室",
            &s.school,
            &other_host,
            Some("2025-03-01"),
            None,
        )
        .await;
    let admin = app.admin.clone();
    let other_member = app.add_member(&admin, &other, &s.b, "2025-03-10").await;
    let other_pair = app
        .pair(&admin, &other, &s.b, &s.mentees[3], "2025-04-01")
        .await;
    let tok = Some(s.host_token.as_str());
    // Reads: another's studio is null, as a missing one is.
    let read = "query($id: UUID!) { studio(id: $id) { name } }";
    for id in [&other, MISSING] {
        let r = app.gql(tok, read, json!({ "id": id })).await;
        assert!(r.get("errors").is_none(), "{id}: {r}");
        assert_eq!(r["data"]["studio"], Value::Null, "{id}");
    }
    // Changes: one FORBIDDEN, word for word, for another's row and for a missing id.
    let cases = [
        (
            ADD,
            json!({ "i": { "studioId": other, "teacherId": s.a, "joinedOn": "2025-06-01" } }),
            json!({ "i": { "studioId": MISSING, "teacherId": s.a, "joinedOn": "2025-06-01" } }),
        ),
        (
            "mutation($i: CreateMentoringPairInput!) { createMentoringPair(input: $i) { id } }",
            json!({ "i": { "studioId": other, "mentorTeacherId": s.b, "menteeTeacherId": s.a, "startedOn": "2025-06-01" } }),
            json!({ "i": { "studioId": MISSING, "mentorTeacherId": s.b, "menteeTeacherId": s.a, "startedOn": "2025-06-01" } }),
        ),
        (
            "mutation($id: UUID!) { removeStudioMember(id: $id, leftOn: \"2025-06-01\") { id } }",
            json!({ "id": other_member }),
            json!({ "id": MISSING }),
        ),
        (
            "mutation($id: UUID!) { endMentoringPair(id: $id, endedOn: \"2025-06-01\", status: WITHDRAWN) { id } }",
            json!({ "id": other_pair }),
            json!({ "id": MISSING }),
        ),
        (
            "mutation($id: UUID!) { logMentoringActivity(input: { pairId: $id, date: \"2025-06-01\", kind: LECTURE, hours: 2 }) { id } }",
            json!({ "id": other_pair }),
            json!({ "id": MISSING }),
        ),
    ];
    let before = app.row_counts().await;
    for (q, others, missing) in cases {
        let e1 = app.err_as(tok, q, others).await;
        let e2 = app.err_as(tok, q, missing).await;
        assert_eq!(e1["code"], "FORBIDDEN", "{q}: {e1}");
        assert_eq!(
            (&e1["code"], &e1["message"]),
            (&e2["code"], &e2["message"]),
            "{q}"
        );
    }
    assert_eq!(app.row_counts().await, before);
    // HR and admins, who may see every studio, still learn that an id names nothing.
    let e = app
        .err(
            ADD,
            json!({ "i": { "studioId": MISSING, "teacherId": s.a, "joinedOn": "2025-06-01" } }),
        )
        .await;
    assert_eq!(e["code"], "NOT_FOUND");
}

async fn a_studio_established_on_a_future_day_is_planned_not_active(app: TestApp) {
    let school = app.create_school("高田中心小学", "高田镇", "RURAL").await;
    let host = app.create_teacher(&school, "F-01", json!({})).await;
    let far = app
        .create_studio("远期工作室", &school, &host, Some("2035-12-31"), None)
        .await;
    let r = app
        .ok(
            "query($id: UUID!) { studio(id: $id) { status establishedOn hostInForce { staffNo } } }",
            json!({ "id": far }),
        )
        .await;
    assert_eq!(
        r["studio"],
        json!({ "status": "PLANNED", "establishedOn": "2035-12-31", "hostInForce": null })
    );
    // A date no bureau would write is refused outright (the Date scalar's range).
    let e = app
        .err(
            "mutation($s: UUID!, $t: UUID!) { createStudio(input: { name: \"万年工作室\", level: COUNTY, subject: \"数学\", schoolId: $s, hostTeacherId: $t, establishedOn: \"9999-12-31\" }) { id } }",
            json!({ "s": school, "t": host }),
        )
        .await;
    assert_eq!(e["code"], "BAD_USER_INPUT", "{e}");
    assert!(
        e["message"].as_str().unwrap().contains("outside the dates"),
        "{e}"
    );
}
