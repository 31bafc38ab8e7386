//! Training records (rules 9 and 10): for each teacher of the plan's county, every year they
//! worked from 2021 (the first cycle's start) to the demo's day, a year's continuing education
//! made of school-based study, county courses, online courses, now and then a municipal,
//! provincial or national course, and for key teachers study visits (外出学习).
//!
//! Most teachers do their 72 hours a year or a little more, so they are on track on every
//! year's end; a minority, more in some townships than others (the far townships send fewer
//! teachers to courses), do 25 to 60, and are behind once a year is owed. Every record keeps
//! rule 9 by construction: it lies within a stretch of the year the teacher was employed
//! (so they are employed on its last day), and its hours (whole tenths) are at most 10 a day.

use std::collections::HashMap;

use chrono::{Datelike, Duration, NaiveDate};
use sea_orm::Set;
use sea_orm::prelude::DateTimeUtc;
use uuid::Uuid;

use super::rng::Rng;
use super::teachers::Person;
use super::{DEMO_TODAY, date};
use crate::domain::{DesignationKind, Level, TrainingKind};
use crate::store::{designation, training_record};

/// The first year drawn: the first training cycle, 2021–2025, and the current one up to today.
const FIRST_YEAR: i32 = 2021;

/// Out of 100, the teachers of a township who fall behind. The town (琴江镇) and the townships
/// near it keep up; the far ones lag; 丰山乡 and 岩岭乡 run school-based study that counts.
/// A township not listed (none in the plan's county) takes the town's share.
const BEHIND_PERCENT: &[(&str, u64)] = &[
    ("琴江镇", 12),
    ("横江镇", 14),
    ("小松镇", 12),
    ("高田镇", 20),
    ("屏山镇", 20),
    ("木兰乡", 30),
    ("丰山乡", 5),
    ("大由乡", 30),
    ("龙岗乡", 16),
    ("珠坑乡", 24),
    ("岩岭乡", 0),
];

/// Where study visits go (外出学习): the cities key teachers are sent to shadow schools in.
const VISITS: &[&str] = &["上海", "杭州", "南京", "深圳", "厦门", "南昌", "长沙"];

/// When each teacher was a key teacher (rule 3 at COUNTY, whole family): the days their
/// county-or-above designations were in force, from the designation rows drawn so far.
pub(super) struct KeySpans(HashMap<Uuid, Vec<(NaiveDate, NaiveDate)>>);

impl KeySpans {
    pub(super) fn of(designations: &[designation::ActiveModel]) -> Self {
        let mut spans: HashMap<Uuid, Vec<(NaiveDate, NaiveDate)>> = HashMap::new();
        let county = Level::County.rank();
        let family: Vec<i16> = DesignationKind::ALL.iter().map(|k| k.rank()).collect();
        for d in designations {
            let (Some(teacher), Some(level), Some(kind), Some(awarded)) = (
                d.teacher_id.try_as_ref(),
                d.level.try_as_ref(),
                d.kind.try_as_ref(),
                d.awarded_on.try_as_ref(),
            ) else {
                continue;
            };
            if *level < county || !family.contains(kind) {
                continue;
            }
            // The last day in force (rule 2): the expiry day, or the day before a revocation.
            let expires = d.expires_on.try_as_ref().copied().flatten();
            let revoked = d.revoked_on.try_as_ref().copied().flatten();
            let last = [expires, revoked.map(|r| r - Duration::days(1))]
                .into_iter()
                .flatten()
                .min()
                .unwrap_or(NaiveDate::MAX);
            if *awarded <= last {
                spans.entry(*teacher).or_default().push((*awarded, last));
            }
        }
        KeySpans(spans)
    }

    /// Whether the teacher held a county-or-above title in force on `d`.
    pub(super) fn holds(&self, teacher: Uuid, d: NaiveDate) -> bool {
        self.0
            .get(&teacher)
            .is_some_and(|spans| spans.iter().any(|(from, to)| *from <= d && d <= *to))
    }
}

/// The records of every teacher of the county. `schools` gives each school's name and
/// township, by the index a person's `school` holds.
pub(super) fn make_training(
    rng: &mut Rng,
    people: &[Person],
    schools: &[(&str, &str)],
    key: &KeySpans,
    now: DateTimeUtc,
) -> Vec<training_record::ActiveModel> {
    let mut rows = Vec::new();
    for p in people {
        let (school, township) = schools.get(p.school).copied().unwrap_or(("", ""));
        let behind = BEHIND_PERCENT
            .iter()
            .find(|(t, _)| *t == township)
            .map_or(BEHIND_PERCENT[0].1, |(_, pct)| *pct);
        let lagging = rng.chance(behind);
        for year in FIRST_YEAR..=DEMO_TODAY.year() {
            let Some(worked) = employed_in(p, year) else {
                continue;
            };
            // Hours due in proportion to the days employed that year: a new teacher hired in
            // September owes a third of a year's. Tenths, as the store keeps them.
            let days_employed = (worked.1 - worked.0).num_days() + 1;
            let per_year = if lagging {
                250 + rng.below(351)
            } else {
                720 + rng.below(241)
            } as i64;
            let goal = per_year * days_employed.min(365) / 365;
            // This year's records lie up to today, the demo's day.
            let window = (worked.0, worked.1.min(DEMO_TODAY));
            if window.1 < window.0 {
                continue;
            }
            let year_rows = draw_year(rng, p, school, key, window, goal, now);
            rows.extend(year_rows);
        }
    }
    rows
}

/// The stretch of `year` the person was employed (rule 1): first and last days, or `None`
/// when it is under a month (a teacher hired on 20 December owes nothing and trains later).
fn employed_in(p: &Person, year: i32) -> Option<(NaiveDate, NaiveDate)> {
    let first = date(year, 1, 1).max(p.hired_on);
    let mut last = date(year, 12, 31);
    if let Some(left) = p.left_on {
        // Employed up to the day before they left.
        last = last.min(left - Duration::days(1));
    }
    (last - first >= Duration::days(30)).then_some((first, last))
}

/// One record as drawn: what, at what level, who ran it, its days and hours in tenths.
struct Drawn {
    title: String,
    level: Level,
    kind: TrainingKind,
    organiser: String,
    days: i64,
    tenths: i64,
}

/// A year's records within `window`, until they reach `goal` tenths: the year's school-based
/// study (校本研修, credited once a year by the school, over the whole stretch worked), a key
/// teacher's study visit (six in ten key teachers go, a year), then courses.
fn draw_year(
    rng: &mut Rng,
    p: &Person,
    school: &str,
    key: &KeySpans,
    window: (NaiveDate, NaiveDate),
    goal: i64,
    now: DateTimeUtc,
) -> Vec<training_record::ActiveModel> {
    let (first, last) = window;
    let mut rows = Vec::new();
    let mut done = 0;
    let visits = key.holds(p.id, last) && rng.chance(60);
    // Records are drawn until the goal is met; the bound only guards against a window too
    // short to hold them (it never binds for a month or more).
    for n in 0..12 {
        if done >= goal {
            break;
        }
        let drawn = match n {
            0 => school_based(rng, school, (last - first).num_days() + 1),
            1 if visits => study_visit(rng, p),
            _ => draw_course(rng, p),
        };
        let span = (last - first).num_days();
        let days = drawn.days.min(span + 1);
        let started = rng.day_between(first, last - Duration::days(days - 1));
        let ended = started + Duration::days(days - 1);
        // Rule 9: at most 10 hours a calendar day of the training.
        let tenths = drawn.tenths.min(days * 100);
        // A study visit counts only if the teacher was a key teacher when it ended.
        if drawn.kind == TrainingKind::StudyVisit && !key.holds(p.id, ended) {
            continue;
        }
        done += tenths;
        rows.push(training_record::ActiveModel {
            id: Set(Uuid::now_v7()),
            teacher_id: Set(p.id),
            title: Set(format!("{}{}", ended.year(), drawn.title)),
            level: Set(drawn.level.rank()),
            kind: Set(drawn.kind.code().to_owned()),
            organiser: Set(drawn.organiser),
            started_on: Set(started),
            ended_on: Set(ended),
            tenths: Set(tenths as i32),
            created_at: Set(now),
        });
    }
    rows
}

/// A study visit (外出学习): five to seven days shadowing schools in another city, six to eight
/// hours a day, sent by the county or, one in four, by the province.
fn study_visit(rng: &mut Rng, p: &Person) -> Drawn {
    let days = 5 + rng.below(3) as i64;
    let city = rng.pick(VISITS);
    let provincial = rng.chance(25);
    Drawn {
        title: format!("年骨干教师赴{city}名校跟岗学习（{}）", p.subject),
        level: if provincial {
            Level::Provincial
        } else {
            Level::County
        },
        kind: TrainingKind::StudyVisit,
        organiser: if provincial {
            "江西省教育厅"
        } else {
            "石城县教育科技局"
        }
        .to_owned(),
        days,
        tenths: days * (60 + 10 * rng.below(3) as i64),
    }
}

/// The year's school-based study (校本研修: study groups, lesson preparation and observation
/// at the teacher's school), 30 to 48 hours a full year, fewer for a part of one.
fn school_based(rng: &mut Rng, school: &str, days: i64) -> Drawn {
    let full = 300 + 10 * rng.below(19) as i64;
    Drawn {
        title: "年校本研修（教研组集体备课与听评课）".to_owned(),
        level: Level::School,
        kind: TrainingKind::SchoolBased,
        organiser: school.to_owned(),
        days,
        tenths: (full * days.min(365) / 365).max(10),
    }
}

/// A course: county courses mostly, online courses, and now and then a municipal, provincial
/// or national (国培) one.
fn draw_course(rng: &mut Rng, p: &Person) -> Drawn {
    let subject = p.subject;
    match rng.below(100) {
        // 县培: two to five days at the county's teacher-development centre.
        0..=45 => {
            let days = 2 + rng.below(4) as i64;
            let topics = [
                format!("{subject}新课标解读专题培训"),
                format!("{subject}学科教学能力提升培训"),
                "师德师风专题培训".to_owned(),
                "信息技术应用能力提升培训".to_owned(),
            ];
            let topic = rng.pick(&topics);
            Drawn {
                title: format!("年石城县{topic}"),
                level: Level::County,
                kind: TrainingKind::Course,
                organiser: "石城县教师发展中心".to_owned(),
                days,
                tenths: course(rng, days),
            }
        }
        // 网络研修: a month or two online, at the county, the province or the nation's platform.
        46..=79 => {
            let days = 30 + rng.below(31) as i64;
            let (level, organiser, title) = *rng.weighted(&[
                (
                    (Level::County, "石城县教师发展中心", "年中小学教师网络研修"),
                    3,
                ),
                (
                    (
                        Level::Provincial,
                        "江西省教育厅",
                        "年江西省中小学教师继续教育网络培训",
                    ),
                    4,
                ),
                (
                    (
                        Level::National,
                        "国家智慧教育公共服务平台",
                        "年寒暑假教师研修（网络）",
                    ),
                    3,
                ),
            ]);
            Drawn {
                title: title.to_owned(),
                level,
                kind: TrainingKind::Online,
                organiser: organiser.to_owned(),
                days,
                tenths: 250 + 10 * rng.below(26) as i64,
            }
        }
        // 市培: three to five days in Ganzhou.
        80..=91 => {
            let days = 3 + rng.below(3) as i64;
            Drawn {
                title: format!("年赣州市{subject}教师专项培训"),
                level: Level::Municipal,
                kind: TrainingKind::Course,
                organiser: "赣州市教育局".to_owned(),
                days,
                tenths: course(rng, days),
            }
        }
        // 省培: a week; 国培: the 国培计划's ten days, rarer still.
        92..=97 => {
            let days = 5 + rng.below(3) as i64;
            Drawn {
                title: format!("年江西省“省培计划”{subject}教师培训"),
                level: Level::Provincial,
                kind: TrainingKind::Course,
                organiser: "江西省教育厅".to_owned(),
                days,
                tenths: course(rng, days),
            }
        }
        _ => Drawn {
            title: format!("年“国培计划”{subject}骨干教师示范培训"),
            level: Level::National,
            kind: TrainingKind::Course,
            organiser: "教育部".to_owned(),
            days: 10,
            tenths: course(rng, 10),
        },
    }
}

/// The tenths of an in-person course of `days` days: six to eight hours a day.
fn course(rng: &mut Rng, days: i64) -> i64 {
    days * (60 + 10 * rng.below(3) as i64)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Stage;
    use crate::domain::training::{
        Cycle, Tenths, check_record, expected_tenths, on_track, owed_years,
    };

    /// Teachers of every career shape: hired before and during the cycles, some leaving.
    fn people(rng: &mut Rng, n: usize) -> Vec<Person> {
        (0..n)
            .map(|_| {
                let hired_on = rng.day_between(date(1990, 9, 1), date(2026, 9, 1));
                let left_on = rng
                    .chance(30)
                    .then(|| rng.day_between(hired_on + Duration::days(30), date(2026, 11, 1)));
                Person {
                    id: Uuid::new_v4(),
                    school: 0,
                    stage: Stage::Primary,
                    subject: "数学",
                    hired_on,
                    left_on,
                    experience_rank: 0,
                }
            })
            .collect()
    }

    fn value<T: Clone + Into<sea_orm::Value>>(v: &sea_orm::ActiveValue<T>) -> T {
        v.try_as_ref().cloned().expect("set")
    }

    #[test]
    fn every_record_keeps_rule_9_and_a_township_that_keeps_up_is_on_track_each_year_end() {
        let mut rng = Rng::seeded(7);
        let people = people(&mut rng, 400);
        // 岩岭乡's teachers all keep up.
        let schools = [("岩岭中心小学", "岩岭乡")];
        let rows = make_training(
            &mut rng,
            &people,
            &schools,
            &KeySpans::of(&[]),
            Default::default(),
        );
        let mut hours: HashMap<(Uuid, Cycle), Vec<(NaiveDate, i64)>> = HashMap::new();
        for r in &rows {
            let (started, ended, tenths) =
                (value(&r.started_on), value(&r.ended_on), value(&r.tenths));
            check_record(started, ended, Tenths::from_tenths(i64::from(tenths))).unwrap();
            assert!(tenths > 0 && ended <= DEMO_TODAY);
            let p = people
                .iter()
                .find(|p| p.id == value(&r.teacher_id))
                .unwrap();
            assert!(p.employed_on(ended) && p.hired_on <= started);
            // Without key teachers, no study visits.
            assert_ne!(value(&r.kind), TrainingKind::StudyVisit.code());
            hours
                .entry((p.id, Cycle::of(ended)))
                .or_default()
                .push((ended, i64::from(tenths)));
        }
        for year in 2021..=2025 {
            let d = date(year, 12, 31);
            for p in &people {
                let done: i64 = hours.get(&(p.id, Cycle::of(d))).map_or(0, |rs| {
                    rs.iter().filter(|(e, _)| *e <= d).map(|r| r.1).sum()
                });
                let expected = expected_tenths(owed_years(Some(p.hired_on), p.left_on, d));
                assert!(
                    !p.employed_on(d) || on_track(true, done, expected),
                    "{:?} on {d}: {done} < {expected}",
                    (p.hired_on, p.left_on)
                );
            }
        }
    }
}
