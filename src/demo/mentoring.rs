//! A studio's mentoring pairs and their activities: one to four mentees per team member, less
//! where the studio caps them; some pairs completed or withdrawn, all of the closed studio's
//! completed on its closing day.

use chrono::{Duration, NaiveDate};
use sea_orm::Set;
use sea_orm::prelude::DateTimeUtc;
use uuid::Uuid;

use super::DEMO_TODAY;
use super::rng::Rng;
use super::studios::{Established, StudioRows, TeamMember};
use super::teachers::Person;
use crate::domain::{ActivityKind, PairStatus};
use crate::store::{mentoring_activity, mentoring_pair};

/// Pairs each member of the team with mentees of the host's stage from outside the team,
/// taken in order of experience (least first) with small random gaps.
pub(super) fn pair_up(
    rng: &mut Rng,
    people: &[Person],
    studio: &Established,
    team: &[TeamMember],
    now: DateTimeUtc,
    rows: &mut StudioRows,
) {
    let stage = people[studio.host].stage;
    let mut mentees: Vec<usize> = (0..people.len())
        .filter(|i| !team.iter().any(|m| m.person == *i) && people[*i].stage == stage)
        .collect();
    mentees.sort_by_key(|i| people[*i].experience_rank);
    let mut next = rng.below(50) as usize;
    for member in team {
        let wanted = *rng.weighted(&[(1usize, 2), (2, 3), (3, 4), (4, 1)]);
        let wanted = studio.capacity.map_or(wanted, |c| wanted.min(c as usize));
        for _ in 0..wanted {
            let Some(&mentee) = mentees.get(next) else {
                break;
            };
            next += 1 + rng.below(3) as usize;
            let Some(course) = draw_course(rng, studio, member.joined, &people[mentee]) else {
                continue;
            };
            let pair_id = Uuid::now_v7();
            rows.pairs.push(mentoring_pair::ActiveModel {
                id: Set(pair_id),
                studio_id: Set(studio.id),
                mentor_teacher_id: Set(people[member.person].id),
                mentee_teacher_id: Set(people[mentee].id),
                started_on: Set(course.started),
                ended_on: Set(course.ended_on),
                status: Set(course.status.code().to_owned()),
                goal: Set(Some(
                    "一年内上好一节县级公开课，三年内成长为县级骨干教师".to_owned(),
                )),
                created_at: Set(now),
            });
            rows.activities
                .extend(activities(rng, pair_id, &course, now));
        }
    }
}

/// When a pair started and how it stands on the demo's day.
struct Course {
    started: NaiveDate,
    status: PairStatus,
    ended_on: Option<NaiveDate>,
}

/// A pair's course, starting two weeks to ten months after the mentor joined; `None` (and
/// no pair) when that start lies after today or the studio's closing, or the mentee was not
/// employed on it.
fn draw_course(
    rng: &mut Rng,
    studio: &Established,
    joined: NaiveDate,
    mentee: &Person,
) -> Option<Course> {
    let today = DEMO_TODAY;
    let started = rng.day_between(joined + Duration::days(14), joined + Duration::days(300));
    let after_close = studio.closed_on.is_some_and(|c| started >= c);
    if started > today || after_close || !mentee.employed_on(started) {
        return None;
    }
    let ended = studio.closed_on.filter(|c| *c > started);
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
    Some(Course {
        started,
        status,
        ended_on,
    })
}

/// Two to six activities between the pair's start and its end (or today).
fn activities(
    rng: &mut Rng,
    pair_id: Uuid,
    course: &Course,
    now: DateTimeUtc,
) -> Vec<mentoring_activity::ActiveModel> {
    let last = course.ended_on.unwrap_or(DEMO_TODAY);
    let mut rows = Vec::new();
    for _ in 0..(2 + rng.below(5)) {
        let kind = *rng.pick(&[
            ActivityKind::LessonObservation,
            ActivityKind::DemonstrationLesson,
            ActivityKind::LessonStudy,
            ActivityKind::Lecture,
            ActivityKind::ResearchProject,
            ActivityKind::Other,
        ]);
        rows.push(mentoring_activity::ActiveModel {
            id: Set(Uuid::now_v7()),
            pair_id: Set(pair_id),
            date: Set(rng.day_between(course.started, last)),
            kind: Set(kind.code().to_owned()),
            hours: Set(f64::from(1 + rng.below(6) as u32) * 0.5),
            notes: Set(None),
            created_at: Set(now),
        });
    }
    rows
}
