//! `teacher-registry demo`: a fictional county built on the plan's real school and township
//! names, so every query, target and the dashboard show meaningful numbers.
//!
//! Deterministic (a fixed seed: the same database every time), idempotent (an existing
//! registry is left alone), and fast: the rows are generated here, obeying the domain's rules
//! by construction, and written in bulk in one transaction.

mod designations;
mod reserve;
mod rng;
mod schools;
mod targets;
mod teachers;

use chrono::{Datelike, Duration, NaiveDate, Utc};
use sea_orm::prelude::DateTimeUtc;
use sea_orm::{ConnectionTrait, EntityTrait, PaginatorTrait, Set};
use serde_json::json;
use uuid::Uuid;

use self::rng::Rng;
use self::teachers::Person;
use crate::domain::{
    ActivityKind, Actor, AssessmentResult, Level, MemberRole, PairStatus, Permission, StudioStatus,
};
use crate::error::Result;
use crate::service::{commit_recorded, require};
use crate::store::{
    Db, mentoring_activity, mentoring_pair, school, studio, studio_assessment, studio_member,
};

/// What the demo wrote.
#[derive(Debug, Clone, Default)]
pub struct DemoSummary {
    pub schools: usize,
    pub teachers: usize,
    pub designations: usize,
    pub studios: usize,
    pub pairs: usize,
    pub activities: usize,
}

/// The generator's seed: changing it draws a different county.
const SEED: u64 = 20230410;

/// The day the demo county is drawn as of.
const DEMO_TODAY: NaiveDate = match NaiveDate::from_ymd_opt(2026, 11, 30) {
    Some(d) => d,
    None => NaiveDate::MIN,
};

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
}

/// A studio of the demo: name, subject, level, establishment day, per-member capacity.
struct PlannedStudio(
    &'static str,
    &'static str,
    Level,
    Option<NaiveDate>,
    Option<i32>,
);

async fn insert_chunks<E, A>(db: &impl ConnectionTrait, rows: Vec<A>) -> Result<()>
where
    E: EntityTrait,
    A: sea_orm::ActiveModelTrait<Entity = E> + Send,
{
    let mut rows = rows.into_iter().peekable();
    while rows.peek().is_some() {
        let chunk: Vec<A> = rows.by_ref().take(400).collect();
        E::insert_many(chunk).exec_without_returning(db).await?;
    }
    Ok(())
}

/// Fills an empty registry; returns `None` (and changes nothing) when schools exist already.
pub async fn fill(db: &Db, actor: &Actor, teachers_wanted: usize) -> Result<Option<DemoSummary>> {
    require(actor, Permission::WriteRegistry)?;
    require(actor, Permission::ManageStudios)?;
    let tx = db.begin().await?;
    if school::Entity::find().count(&tx).await? > 0 {
        return Ok(None);
    }
    let mut rng = Rng::seeded(SEED);
    let now = Utc::now();
    let mut summary = DemoSummary::default();

    let schools::SchoolRows {
        ids: school_ids,
        schools,
        enrollments,
    } = schools::make_schools(now);
    summary.schools = schools.len();
    insert_chunks(&tx, schools).await?;
    insert_chunks(&tx, enrollments).await?;

    let (people, teachers) = teachers::make_teachers(&mut rng, &school_ids, teachers_wanted, now);
    summary.teachers = teachers.len();
    insert_chunks(&tx, teachers).await?;

    let (designations, holders) = designations::make_designations(&mut rng, &people, now);
    summary.designations = designations.len();
    insert_chunks(&tx, designations).await?;

    let entries = reserve::make_reserve_entries(&mut rng, &people, &holders, now);
    insert_chunks(&tx, entries).await?;

    let StudioRows {
        studios,
        members,
        pairs,
        activities,
        assessments,
    } = make_studios(&mut rng, &people, &holders, &school_ids, now);
    summary.studios = studios.len();
    summary.pairs = pairs.len();
    summary.activities = activities.len();
    insert_chunks(&tx, studios).await?;
    insert_chunks(&tx, members).await?;
    insert_chunks(&tx, pairs).await?;
    insert_chunks(&tx, activities).await?;
    insert_chunks(&tx, assessments).await?;

    targets::add_plan_2028(&tx, now).await?;
    commit_recorded(
        tx,
        actor,
        "demo",
        Uuid::nil(),
        json!({ "schools": summary.schools, "teachers": summary.teachers,
                "designations": summary.designations, "studios": summary.studios,
                "pairs": summary.pairs, "activities": summary.activities }),
    )
    .await?;
    Ok(Some(summary))
}

/// The rows of the studios and everything in them.
struct StudioRows {
    studios: Vec<studio::ActiveModel>,
    members: Vec<studio_member::ActiveModel>,
    pairs: Vec<mentoring_pair::ActiveModel>,
    activities: Vec<mentoring_activity::ActiveModel>,
    assessments: Vec<studio_assessment::ActiveModel>,
}

/// The plan's ten studios (one from before the plan), one failed in 2026, one planned.
fn make_studios(
    rng: &mut Rng,
    people: &[Person],
    holders: &[usize],
    school_ids: &[Uuid],
    now: DateTimeUtc,
) -> StudioRows {
    let today = DEMO_TODAY;
    let studio_plan: &[PlannedStudio] = &[
        PlannedStudio(
            "陈老师小学语文名师工作室",
            "语文",
            Level::Municipal,
            Some(date(2022, 9, 1)),
            None,
        ),
        PlannedStudio(
            "初中数学名师工作室",
            "数学",
            Level::County,
            Some(date(2023, 5, 20)),
            Some(4),
        ),
        PlannedStudio(
            "小学数学名师工作室",
            "数学",
            Level::County,
            Some(date(2023, 9, 1)),
            None,
        ),
        PlannedStudio(
            "初中英语名师工作室",
            "英语",
            Level::County,
            Some(date(2023, 11, 15)),
            None,
        ),
        PlannedStudio(
            "初中物理名师工作室",
            "物理",
            Level::County,
            Some(date(2024, 3, 1)),
            None,
        ),
        PlannedStudio(
            "小学英语名师工作室",
            "英语",
            Level::County,
            Some(date(2024, 5, 10)),
            Some(4),
        ),
        PlannedStudio(
            "体育与健康名师工作室",
            "体育与健康",
            Level::County,
            Some(date(2024, 9, 1)),
            None,
        ),
        PlannedStudio(
            "小学科学名师工作室",
            "科学",
            Level::County,
            Some(date(2025, 3, 1)),
            None,
        ),
        PlannedStudio(
            "初中语文名师工作室",
            "语文",
            Level::Provincial,
            Some(date(2025, 6, 1)),
            None,
        ),
        PlannedStudio(
            "道德与法治名师工作室",
            "道德与法治",
            Level::County,
            Some(date(2025, 9, 1)),
            None,
        ),
        PlannedStudio(
            "心理健康教育名师工作室",
            "心理健康",
            Level::County,
            None,
            None,
        ),
    ];
    let mut taken: std::collections::HashSet<usize> = Default::default();
    let mut studios = Vec::new();
    let mut members = Vec::new();
    let mut pairs = Vec::new();
    let mut activities = Vec::new();
    let mut assessments = Vec::new();
    for (n, PlannedStudio(name, subject, level, established, capacity)) in
        studio_plan.iter().enumerate()
    {
        let start = established.unwrap_or(date(2026, 12, 1));
        // The host: a county-or-above title holder employed from the start to today.
        let host = holders
            .iter()
            .copied()
            .find(|h| {
                !taken.contains(h) && people[*h].employed_on(start) && people[*h].employed_on(today)
            })
            .unwrap_or(n);
        taken.insert(host);
        let studio_id = Uuid::now_v7();
        let closed_on = (n == 2).then(|| date(2026, 6, 30));
        studios.push(studio::ActiveModel {
            id: Set(studio_id),
            name: Set((*name).to_owned()),
            subject: Set((*subject).to_owned()),
            level: Set(level.rank()),
            school_id: Set(school_ids[people[host].school]),
            host_teacher_id: Set(people[host].id),
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
        });
        let Some(established) = *established else {
            continue;
        };
        for year in established.year()..=2025 {
            let assessed_on = date(year, 12, 20);
            if assessed_on > established + Duration::days(200) {
                assessments.push(studio_assessment::ActiveModel {
                    id: Set(Uuid::now_v7()),
                    studio_id: Set(studio_id),
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
        if let Some(closed) = closed_on {
            assessments.push(studio_assessment::ActiveModel {
                id: Set(Uuid::now_v7()),
                studio_id: Set(studio_id),
                cycle: Set("2026上半年".to_owned()),
                result: Set(AssessmentResult::Fail.code().to_owned()),
                assessed_on: Set(closed),
                notes: Set(Some("活动开展不足，考核不合格".to_owned())),
                created_at: Set(now),
            });
        }
        // The host and five to eight members, joining in the studio's first months.
        let mut team = vec![(host, established, MemberRole::Host)];
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
            let joined = rng.day_between(established, established + Duration::days(120));
            if people[i].employed_on(joined) && people[i].employed_on(today) {
                taken.insert(i);
                team.push((i, joined, MemberRole::Member));
            }
        }
        for (i, joined, role) in &team {
            members.push(studio_member::ActiveModel {
                id: Set(Uuid::now_v7()),
                studio_id: Set(studio_id),
                teacher_id: Set(people[*i].id),
                role: Set(role.code().to_owned()),
                joined_on: Set(*joined),
                left_on: Set(None),
                created_at: Set(now),
            });
        }
        // Pairs: one to four mentees per member, from the studio's schools and stage.
        let mut mentees: Vec<usize> = (0..people.len())
            .filter(|i| {
                !team.iter().any(|(t, _, _)| t == i) && people[*i].stage == people[host].stage
            })
            .collect();
        mentees.sort_by_key(|i| people[*i].experience_rank);
        let mut next = rng.below(50) as usize;
        for (mentor, joined, _) in &team {
            let wanted = *rng.weighted(&[(1usize, 2), (2, 3), (3, 4), (4, 1)]);
            let wanted = capacity.map_or(wanted, |c| wanted.min(c as usize));
            for _ in 0..wanted {
                let Some(&mentee) = mentees.get(next) else {
                    break;
                };
                next += 1 + rng.below(3) as usize;
                let started =
                    rng.day_between(*joined + Duration::days(14), *joined + Duration::days(300));
                let after_close = closed_on.is_some_and(|c| started >= c);
                if started > today || after_close || !people[mentee].employed_on(started) {
                    continue;
                }
                let ended = closed_on.filter(|c| *c > started);
                let (status, ended_on) = match (rng.below(10), ended) {
                    (_, Some(c)) => (PairStatus::Completed, Some(c)),
                    (0, _) => (
                        PairStatus::Withdrawn,
                        Some(
                            rng.day_between(started, started + Duration::days(200))
                                .min(today),
                        ),
                    ),
                    (1..=2, _) if started + Duration::days(365) < today => {
                        (PairStatus::Completed, Some(started + Duration::days(365)))
                    }
                    _ => (PairStatus::Active, None),
                };
                let pair_id = Uuid::now_v7();
                pairs.push(mentoring_pair::ActiveModel {
                    id: Set(pair_id),
                    studio_id: Set(studio_id),
                    mentor_teacher_id: Set(people[*mentor].id),
                    mentee_teacher_id: Set(people[mentee].id),
                    started_on: Set(started),
                    ended_on: Set(ended_on),
                    status: Set(status.code().to_owned()),
                    goal: Set(Some(
                        "一年内上好一节县级公开课，三年内成长为县级骨干教师".to_owned(),
                    )),
                    created_at: Set(now),
                });
                let last = ended_on.unwrap_or(today);
                for _ in 0..(2 + rng.below(5)) {
                    let kind = *rng.pick(&[
                        ActivityKind::LessonObservation,
                        ActivityKind::DemonstrationLesson,
                        ActivityKind::LessonStudy,
                        ActivityKind::Lecture,
                        ActivityKind::ResearchProject,
                        ActivityKind::Other,
                    ]);
                    activities.push(mentoring_activity::ActiveModel {
                        id: Set(Uuid::now_v7()),
                        pair_id: Set(pair_id),
                        date: Set(rng.day_between(started, last)),
                        kind: Set(kind.code().to_owned()),
                        hours: Set(f64::from(1 + rng.below(6) as u32) * 0.5),
                        notes: Set(None),
                        created_at: Set(now),
                    });
                }
            }
        }
    }
    StudioRows {
        studios,
        members,
        pairs,
        activities,
        assessments,
    }
}
