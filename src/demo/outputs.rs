//! Studio outputs (工作室成果, rule 11): four to seven a year of each studio's life — papers,
//! open lessons, research projects, awards, outreach to village schools (送教下乡) and teaching
//! resources — at levels from the school's to the nation's, each dated while its studio was in
//! force and written by one to three of the members in force on that day (the host most
//! often, being a member from the first day).

use std::collections::HashMap;

use chrono::Duration;
use chrono::NaiveDate;
use sea_orm::Set;
use sea_orm::prelude::DateTimeUtc;
use uuid::Uuid;

use super::DEMO_TODAY;
use super::rng::Rng;
use super::studios::StudioRows;
use super::teachers::Person;
use crate::domain::{Level, OutputKind};
use crate::store::studio_output;

/// The rows of the outputs and of their authors.
#[derive(Default)]
pub(super) struct OutputRows {
    pub(super) outputs: Vec<studio_output::ActiveModel>,
    pub(super) authors: Vec<studio_output::author::ActiveModel>,
}

/// A member as rule 6 needs them: who, joined and left on.
struct Member {
    teacher: Uuid,
    joined: NaiveDate,
    left: Option<NaiveDate>,
}

/// Outputs for every established studio of `rows`. `villages` names the schools outreach goes
/// to.
pub(super) fn make_outputs(
    rng: &mut Rng,
    people: &[Person],
    rows: &StudioRows,
    villages: &[&str],
    now: DateTimeUtc,
) -> OutputRows {
    let by_id: HashMap<Uuid, &Person> = people.iter().map(|p| (p.id, p)).collect();
    let mut members: HashMap<Uuid, Vec<Member>> = HashMap::new();
    for m in &rows.members {
        let (Some(studio), Some(teacher), Some(joined), Some(left)) = (
            m.studio_id.try_as_ref(),
            m.teacher_id.try_as_ref(),
            m.joined_on.try_as_ref(),
            m.left_on.try_as_ref(),
        ) else {
            continue;
        };
        members.entry(*studio).or_default().push(Member {
            teacher: *teacher,
            joined: *joined,
            left: *left,
        });
    }
    let mut out = OutputRows::default();
    for s in &rows.studios {
        let (Some(id), Some(Some(established)), Some(closed), Some(subject)) = (
            s.id.try_as_ref(),
            s.established_on.try_as_ref(),
            s.closed_on.try_as_ref(),
            s.subject.try_as_ref(),
        ) else {
            continue;
        };
        // In force (rule 5) from its establishment to the day before it closed, or today.
        let last = closed
            .map_or(DEMO_TODAY, |c| c - Duration::days(1))
            .min(DEMO_TODAY);
        if last < *established {
            continue;
        }
        let team = members.get(id).map(Vec::as_slice).unwrap_or_default();
        let days = ((last - *established).num_days() + 1) as u64;
        let count = (days * (4 + rng.below(4)) / 365).max(2);
        for _ in 0..count {
            // A month in, a studio has something to show.
            let from = (*established + Duration::days(30)).min(last);
            let on = rng.day_between(from, last);
            let in_force: Vec<Uuid> = team
                .iter()
                .filter(|m| m.joined <= on && m.left.is_none_or(|l| on < l))
                .filter(|m| by_id.get(&m.teacher).is_some_and(|p| p.employed_on(on)))
                .map(|m| m.teacher)
                .collect();
            if in_force.is_empty() {
                continue;
            }
            let (kind, level, title) = draw_output(rng, subject, villages);
            let output_id = Uuid::now_v7();
            out.outputs.push(studio_output::ActiveModel {
                id: Set(output_id),
                studio_id: Set(*id),
                kind: Set(kind.code().to_owned()),
                title: Set(title),
                date: Set(on),
                level: Set(level.rank()),
                created_at: Set(now),
            });
            // One to three authors; the first drawn leads, the others join if distinct.
            let mut authors: Vec<Uuid> = Vec::new();
            for _ in 0..1 + rng.below(3) {
                let a = *rng.pick(&in_force);
                if !authors.contains(&a) {
                    authors.push(a);
                }
            }
            out.authors.extend(authors.into_iter().map(|teacher| {
                studio_output::author::ActiveModel {
                    output_id: Set(output_id),
                    teacher_id: Set(teacher),
                }
            }));
        }
    }
    out
}

/// An output's kind, level and title: papers, open lessons and resources most, fewer
/// projects, awards and outreach; county level most, the nation's rarely.
fn draw_output(rng: &mut Rng, subject: &str, villages: &[&str]) -> (OutputKind, Level, String) {
    use Level::{County, Municipal, National, Provincial, School};
    let kind = *rng.weighted(&[
        (OutputKind::Paper, 5),
        (OutputKind::OpenLesson, 6),
        (OutputKind::ResearchProject, 2),
        (OutputKind::Award, 3),
        (OutputKind::Outreach, 3),
        (OutputKind::Resource, 4),
    ]);
    match kind {
        OutputKind::Paper => {
            let level =
                *rng.weighted(&[(County, 3), (Municipal, 3), (Provincial, 3), (National, 1)]);
            let topics = [
                "大单元教学设计的实践与思考",
                "农村学校课堂有效提问策略",
                "核心素养导向的作业设计",
                "信息技术与学科教学深度融合",
            ];
            let title = format!("论文《{subject}{}》", rng.pick(&topics));
            (kind, level, title)
        }
        OutputKind::OpenLesson => {
            let level = *rng.weighted(&[(School, 2), (County, 5), (Municipal, 2), (Provincial, 1)]);
            let title = format!("{subject}{}示范课", level.label());
            (kind, level, title)
        }
        OutputKind::ResearchProject => {
            let level = *rng.weighted(&[(County, 5), (Municipal, 3), (Provincial, 2)]);
            let title = format!("{}课题《农村学校{subject}课堂教学改进研究》", level.label());
            (kind, level, title)
        }
        OutputKind::Award => {
            let level =
                *rng.weighted(&[(County, 3), (Municipal, 3), (Provincial, 2), (National, 1)]);
            let prize = rng.pick(&["一等奖", "二等奖", "三等奖"]);
            let title = format!("{}{subject}优质课比赛{prize}", level.label());
            (kind, level, title)
        }
        OutputKind::Outreach => {
            let school = rng.pick(villages);
            (
                kind,
                County,
                format!("送教下乡：{school}{subject}课堂展示与研讨"),
            )
        }
        OutputKind::Resource => {
            let level = *rng.weighted(&[(School, 2), (County, 5), (Municipal, 1)]);
            (kind, level, format!("{subject}单元作业设计资源包"))
        }
    }
}
