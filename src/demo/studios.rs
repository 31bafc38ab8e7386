//! The studios: the plan's ten (one from before the plan), one failed in 2026, one still
//! planned; each with its host, yearly assessments and a team of members. Their pairs and
//! activities are drawn in `mentoring`, studio by studio, right after the team.

use std::collections::HashSet;

use chrono::{Datelike, Duration, NaiveDate};
use sea_orm::Set;
use sea_orm::prelude::DateTimeUtc;
use uuid::Uuid;

use super::rng::Rng;
use super::teachers::Person;
use super::{DEMO_TODAY, date, mentoring};
use crate::domain::{AssessmentResult, Level, MemberRole, StudioStatus};
use crate::store::{mentoring_activity, mentoring_pair, studio, studio_assessment, studio_member};

/// A studio of the demo: name, subject, level, establishment day, per-member capacity.
struct PlannedStudio<'a>(&'a str, &'a str, Level, Option<NaiveDate>, Option<i32>);

/// In the order they are drawn. The third (小学数学) is the one that fails in 2026.
// A table reads best one studio to a line; rustfmt would spread each over seven.
#[rustfmt::skip]
fn studio_plan() -> [PlannedStudio<'static>; 11] {
    use Level::{County, Municipal, Provincial};
    [
        PlannedStudio("陈老师小学语文名师工作室", "语文", Municipal, Some(date(2022, 9, 1)), None),
        PlannedStudio("初中数学名师工作室", "数学", County, Some(date(2023, 5, 20)), Some(4)),
        PlannedStudio("小学数学名师工作室", "数学", County, Some(date(2023, 9, 1)), None),
        PlannedStudio("初中英语名师工作室", "英语", County, Some(date(2023, 11, 15)), None),
        PlannedStudio("初中物理名师工作室", "物理", County, Some(date(2024, 3, 1)), None),
        PlannedStudio("小学英语名师工作室", "英语", County, Some(date(2024, 5, 10)), Some(4)),
        PlannedStudio("体育与健康名师工作室", "体育与健康", County, Some(date(2024, 9, 1)), None),
        PlannedStudio("小学科学名师工作室", "科学", County, Some(date(2025, 3, 1)), None),
        PlannedStudio("初中语文名师工作室", "语文", Provincial, Some(date(2025, 6, 1)), None),
        PlannedStudio("道德与法治名师工作室", "道德与法治", County, Some(date(2025, 9, 1)), None),
        PlannedStudio("心理健康教育名师工作室", "心理健康", County, None, None),
    ]
}

/// The rows of the studios and everything in them.
#[derive(Default)]
pub(super) struct StudioRows {
    pub(super) studios: Vec<studio::ActiveModel>,
    pub(super) members: Vec<studio_member::ActiveModel>,
    pub(super) pairs: Vec<mentoring_pair::ActiveModel>,
    pub(super) activities: Vec<mentoring_activity::ActiveModel>,
    pub(super) assessments: Vec<studio_assessment::ActiveModel>,
}

/// An established studio, as its team and pairs need to know it.
pub(super) struct Established {
    pub(super) id: Uuid,
    pub(super) host: usize,
    pub(super) on: NaiveDate,
    pub(super) closed_on: Option<NaiveDate>,
    pub(super) capacity: Option<i32>,
}

/// A member of a studio's team: who (an index into the people), since when, as what.
pub(super) struct TeamMember {
    pub(super) person: usize,
    pub(super) joined: NaiveDate,
    pub(super) role: MemberRole,
}

/// What the studios of a county (or a district) are drawn from: its people and its schools.
struct Pool<'a> {
    people: &'a [Person],
    school_ids: &'a [Uuid],
    now: DateTimeUtc,
}

/// The plan's ten studios (one from before the plan), one failed in 2026, one planned.
pub(super) fn make_studios(
    rng: &mut Rng,
    people: &[Person],
    holders: &[usize],
    school_ids: &[Uuid],
    now: DateTimeUtc,
) -> StudioRows {
    let pool = Pool {
        people,
        school_ids,
        now,
    };
    // Nobody hosts or joins two studios.
    let mut taken: HashSet<usize> = Default::default();
    let mut rows = StudioRows::default();
    for (n, planned) in studio_plan().iter().enumerate() {
        let start = planned.3.unwrap_or(date(2026, 12, 1));
        let host = pick_host(people, holders, &taken, start).unwrap_or(n);
        let closed_on = (n == 2).then(|| date(2026, 6, 30));
        open_studio(rng, &pool, &mut taken, host, planned, closed_on, &mut rows);
    }
    rows
}

/// A generated district's one studio, hosted at the host's school in the host's subject:
/// mostly county level, some capped at four mentees a member, one in ten failed in 2026.
/// None when no title holder was employed from its start to today.
pub(super) fn make_district_studio(
    rng: &mut Rng,
    people: &[Person],
    holders: &[usize],
    schools: &[(Uuid, String)],
    now: DateTimeUtc,
) -> StudioRows {
    let mut rows = StudioRows::default();
    let established = rng.day_between(date(2022, 9, 1), date(2025, 12, 31));
    let level = *rng.weighted(&[
        (Level::County, 16),
        (Level::Municipal, 3),
        (Level::Provincial, 1),
    ]);
    let capacity = rng.chance(30).then_some(4);
    let closed_on = rng.chance(10).then(|| date(2026, 6, 30));
    let mut taken = HashSet::new();
    let Some(host) = pick_host(people, holders, &taken, established) else {
        return rows;
    };
    let school_ids: Vec<Uuid> = schools.iter().map(|(id, _)| *id).collect();
    let pool = Pool {
        people,
        school_ids: &school_ids,
        now,
    };
    let subject = people[host].subject;
    let name = format!("{}{subject}名师工作室", schools[people[host].school].1);
    let planned = PlannedStudio(&name, subject, level, Some(established), capacity);
    open_studio(rng, &pool, &mut taken, host, &planned, closed_on, &mut rows);
    rows
}

/// One studio with its host; once established, its assessments, its team, and the team's
/// pairs and activities.
fn open_studio(
    rng: &mut Rng,
    pool: &Pool<'_>,
    taken: &mut HashSet<usize>,
    host: usize,
    planned: &PlannedStudio<'_>,
    closed_on: Option<NaiveDate>,
    rows: &mut StudioRows,
) {
    let Pool {
        people,
        school_ids,
        now,
        ..
    } = *pool;
    taken.insert(host);
    let studio_id = Uuid::now_v7();
    let school_id = school_ids[people[host].school];
    rows.studios.push(studio_row(
        planned,
        studio_id,
        school_id,
        people[host].id,
        closed_on,
        now,
    ));
    let Some(established) = planned.3 else {
        return;
    };
    let studio = Established {
        id: studio_id,
        host,
        on: established,
        closed_on,
        capacity: planned.4,
    };
    rows.assessments.extend(assessments(rng, &studio, now));
    let team = gather_team(rng, people, taken, &studio);
    rows.members
        .extend(team.iter().map(|m| member_row(&studio, people, m, now)));
    mentoring::pair_up(rng, people, &studio, &team, now, rows);
}

/// The host: a county-or-above title holder employed from the start to today.
fn pick_host(
    people: &[Person],
    holders: &[usize],
    taken: &HashSet<usize>,
    start: NaiveDate,
) -> Option<usize> {
    holders.iter().copied().find(|h| {
        !taken.contains(h) && people[*h].employed_on(start) && people[*h].employed_on(DEMO_TODAY)
    })
}

fn studio_row(
    planned: &PlannedStudio<'_>,
    id: Uuid,
    school_id: Uuid,
    host_teacher_id: Uuid,
    closed_on: Option<NaiveDate>,
    now: DateTimeUtc,
) -> studio::ActiveModel {
    let PlannedStudio(name, subject, level, established, capacity) = planned;
    studio::ActiveModel {
        id: Set(id),
        name: Set((*name).to_owned()),
        subject: Set((*subject).to_owned()),
        level: Set(level.rank()),
        school_id: Set(school_id),
        host_teacher_id: Set(host_teacher_id),
        status: Set(match (established, closed_on) {
            (None, _) => StudioStatus::Planned,
            (Some(_), Some(_)) => StudioStatus::Closed,
            _ => StudioStatus::Active,
        }
        .code()
        .to_owned()),
        established_on: Set(*established),
        closed_on: Set(closed_on),
        mentee_capacity: Set(*capacity),
        created_at: Set(now),
    }
}

/// A yearly assessment each 20 December more than 200 days after establishment, up to
/// 2025, and for the closed studio the failed one that closed it.
fn assessments(
    rng: &mut Rng,
    studio: &Established,
    now: DateTimeUtc,
) -> Vec<studio_assessment::ActiveModel> {
    let mut rows = Vec::new();
    for year in studio.on.year()..=2025 {
        let assessed_on = date(year, 12, 20);
        if assessed_on > studio.on + Duration::days(200) {
            rows.push(studio_assessment::ActiveModel {
                id: Set(Uuid::now_v7()),
                studio_id: Set(studio.id),
                cycle: Set(year.to_string()),
                result: Set(if rng.chance(35) {
                    AssessmentResult::Excellent
                } else {
                    AssessmentResult::Pass
                }
                .code()
                .to_owned()),
                assessed_on: Set(assessed_on),
                notes: Set(None),
                created_at: Set(now),
            });
        }
    }
    if let Some(closed) = studio.closed_on {
        rows.push(studio_assessment::ActiveModel {
            id: Set(Uuid::now_v7()),
            studio_id: Set(studio.id),
            cycle: Set("2026上半年".to_owned()),
            result: Set(AssessmentResult::Fail.code().to_owned()),
            assessed_on: Set(closed),
            notes: Set(Some("活动开展不足，考核不合格".to_owned())),
            created_at: Set(now),
        });
    }
    rows
}

/// The host and five to eight members, joining in the studio's first months: experienced
/// teachers of the host's stage, not in another studio, employed from joining to today.
fn gather_team(
    rng: &mut Rng,
    people: &[Person],
    taken: &mut HashSet<usize>,
    studio: &Established,
) -> Vec<TeamMember> {
    let host = studio.host;
    let mut team = vec![TeamMember {
        person: host,
        joined: studio.on,
        role: MemberRole::Host,
    }];
    let size = 5 + rng.below(4) as usize;
    let mut candidates: Vec<(u64, usize)> = (0..people.len())
        .filter(|i| !taken.contains(i) && people[*i].stage == people[host].stage)
        .map(|i| (people[i].experience_rank + rng.below(400), i))
        .collect();
    candidates.sort_unstable_by(|a, b| b.cmp(a));
    for i in candidates.into_iter().map(|(_, i)| i).take(size * 3) {
        if team.len() > size {
            break;
        }
        let joined = rng.day_between(studio.on, studio.on + Duration::days(120));
        if people[i].employed_on(joined) && people[i].employed_on(DEMO_TODAY) {
            taken.insert(i);
            team.push(TeamMember {
                person: i,
                joined,
                role: MemberRole::Member,
            });
        }
    }
    team
}

fn member_row(
    studio: &Established,
    people: &[Person],
    member: &TeamMember,
    now: DateTimeUtc,
) -> studio_member::ActiveModel {
    studio_member::ActiveModel {
        id: Set(Uuid::now_v7()),
        studio_id: Set(studio.id),
        teacher_id: Set(people[member.person].id),
        role: Set(member.role.code().to_owned()),
        joined_on: Set(member.joined),
        left_on: Set(None),
        created_at: Set(now),
    }
}
