//! The teachers: spread over the schools' stages by students, each with a career (birth, hire,
//! retirement or transfer), an education, a name, a subject and a valid ID number.

use std::collections::HashMap;

use chrono::{Datelike, Duration, NaiveDate};
use sea_orm::Set;
use sea_orm::prelude::DateTimeUtc;
use uuid::Uuid;

use super::rng::Rng;
use super::schools::SCHOOLS;
use super::{DEMO_TODAY, date};
use crate::domain::{Education, Gender, Stage};
use crate::store::teacher;

const SURNAMES: &[&str] = &[
    "陈", "李", "黄", "赖", "温", "刘", "王", "张", "曾", "许", "罗", "吴", "邓", "钟", "谢", "廖",
    "朱", "杨", "周", "熊", "何", "邱", "郭", "胡", "肖", "孙", "徐", "宋",
];
const GIVEN: &[&str] = &[
    "敏", "丽", "华", "芳", "静", "婷", "燕", "霞", "军", "伟", "强", "磊", "洋", "勇", "艳", "娟",
    "玲", "萍", "红", "明", "辉", "鹏", "斌", "琳", "欣", "怡", "晨", "宇", "涛", "佳", "颖", "慧",
];

const PRIMARY_SUBJECTS: &[(&str, u64)] = &[
    ("语文", 30),
    ("数学", 25),
    ("英语", 9),
    ("科学", 6),
    ("道德与法治", 5),
    ("音乐", 5),
    ("美术", 4),
    ("体育与健康", 7),
    ("信息科技", 3),
    ("综合实践活动", 2),
    ("心理健康", 2),
    ("劳动", 1),
    ("特殊教育", 1),
];
const JUNIOR_SUBJECTS: &[(&str, u64)] = &[
    ("语文", 15),
    ("数学", 15),
    ("英语", 14),
    ("物理", 8),
    ("化学", 6),
    ("生物", 6),
    ("历史", 6),
    ("地理", 6),
    ("道德与法治", 7),
    ("音乐", 4),
    ("美术", 3),
    ("体育与健康", 7),
    ("信息科技", 3),
];

/// A teacher as the later steps see them: who, where, when employed, and how experienced
/// (the rank that favours them for titles and studio places). Small on purpose: a district
/// keeps one per teacher while its titles and studio are drawn.
pub(super) struct Person {
    pub(super) id: Uuid,
    /// An index into the schools of the county (or district) the person was drawn for.
    pub(super) school: usize,
    pub(super) stage: Stage,
    pub(super) subject: &'static str,
    pub(super) hired_on: NaiveDate,
    pub(super) left_on: Option<NaiveDate>,
    pub(super) experience_rank: u64,
}

impl Person {
    pub(super) fn employed_on(&self, d: NaiveDate) -> bool {
        self.hired_on <= d && self.left_on.is_none_or(|l| d < l)
    }
}

/// The numbers handed out so far, across the whole demo: staff numbers run on from the plan's
/// schools through every district, and a running sequence per birth date and sex keeps ID
/// numbers unique (at most one entry per day of the birth years and sex, however many
/// teachers).
#[derive(Default)]
pub(super) struct Numbering {
    staff_nos: u32,
    born_on: HashMap<(NaiveDate, bool), u32>,
}

/// The plan's teachers, spread over the units in proportion to their students.
pub(super) fn make_teachers(
    rng: &mut Rng,
    school_ids: &[Uuid],
    teachers_wanted: usize,
    numbering: &mut Numbering,
    now: DateTimeUtc,
) -> (Vec<Person>, Vec<teacher::ActiveModel>) {
    let units = teaching_units();
    let total_students: i64 = units.iter().map(|(_, _, n)| i64::from(*n)).sum();
    let mut people: Vec<Person> = Vec::new();
    let mut teachers = Vec::new();
    for (school, stage, students) in &units {
        let share = (teachers_wanted as i64 * i64::from(*students) / total_students).max(3);
        let unit = Unit {
            school: *school,
            school_id: school_ids[*school],
            stage: *stage,
        };
        draw_teachers(
            rng,
            &unit,
            share as usize,
            numbering,
            now,
            &mut people,
            &mut teachers,
        );
    }
    (people, teachers)
}

/// Draws `count` teachers of a unit, each with the next staff number.
pub(super) fn draw_teachers(
    rng: &mut Rng,
    unit: &Unit,
    count: usize,
    numbering: &mut Numbering,
    now: DateTimeUtc,
    people: &mut Vec<Person>,
    rows: &mut Vec<teacher::ActiveModel>,
) {
    for _ in 0..count {
        let (person, row) = draw_teacher(rng, unit, numbering, now);
        people.push(person);
        rows.push(row);
    }
}

/// Each school's stages that have students: (index in `SCHOOLS`, stage, students in 2025).
fn teaching_units() -> Vec<(usize, Stage, i32)> {
    SCHOOLS
        .iter()
        .enumerate()
        .flat_map(|(i, (_, _, _, p, j))| [(i, Stage::Primary, *p), (i, Stage::Junior, *j)])
        .filter(|(_, _, n)| *n > 0)
        .collect()
}

/// Where a teacher teaches: a school's stage.
pub(super) struct Unit {
    pub(super) school: usize,
    pub(super) school_id: Uuid,
    pub(super) stage: Stage,
}

/// One teacher. The draws come in a fixed order (career, education, name, subject, then
/// experience), the order the county was first generated in.
fn draw_teacher(
    rng: &mut Rng,
    unit: &Unit,
    numbering: &mut Numbering,
    now: DateTimeUtc,
) -> (Person, teacher::ActiveModel) {
    let career = draw_career(rng, unit.stage);
    let education = draw_education(rng, unit.stage);
    let id = Uuid::now_v7();
    let name = draw_name(rng);
    let subjects = if unit.stage == Stage::Primary {
        PRIMARY_SUBJECTS
    } else {
        JUNIOR_SUBJECTS
    };
    let subject = *rng.weighted(subjects);
    numbering.staff_nos += 1;
    let staff_no = numbering.staff_nos;
    let seq = numbering
        .born_on
        .entry((career.birth, career.female))
        .or_insert(0);
    *seq += 1;
    let row = teacher::ActiveModel {
        id: Set(id),
        staff_no: Set(format!("SC{:05}", staff_no)),
        name: Set(name),
        gender: Set(if career.female {
            Gender::Female
        } else {
            Gender::Male
        }
        .code()
        .to_owned()),
        birth_date: Set(Some(career.birth)),
        id_number: Set(Some(id_number(career.birth, *seq, career.female))),
        school_id: Set(unit.school_id),
        stage: Set(unit.stage.code().to_owned()),
        subject: Set(subject.to_owned()),
        education: Set(education.rank()),
        hired_on: Set(Some(career.hired_on)),
        left_on: Set(career.left_on),
        leave_reason: Set(career.leave_reason()),
        created_at: Set(now),
        updated_at: Set(now),
    };
    let person = Person {
        id,
        school: unit.school,
        stage: unit.stage,
        subject,
        hired_on: career.hired_on,
        left_on: career.left_on,
        experience_rank: rng.below(1000),
    };
    (person, row)
}

/// A teacher's life as the registry sees it.
struct Career {
    female: bool,
    birth: NaiveDate,
    hired_on: NaiveDate,
    retire_at: NaiveDate,
    left_on: Option<NaiveDate>,
}

impl Career {
    fn leave_reason(&self) -> Option<String> {
        self.left_on.map(|l| {
            if self.retire_at <= l {
                "退休"
            } else {
                "调出县外"
            }
            .to_owned()
        })
    }
}

fn draw_career(rng: &mut Rng, stage: Stage) -> Career {
    // The demo's present is fixed, so the same county comes out whenever it is generated.
    let today = DEMO_TODAY;
    let female = rng.chance(if stage == Stage::Primary { 72 } else { 55 });
    let birth = rng.day_between(date(1964, 1, 1), date(2001, 12, 31));
    let hired_on = (birth + Duration::days(365 * 22 + rng.below(1500) as i64))
        .with_day(1)
        .unwrap_or(birth)
        .with_month(9)
        .unwrap_or(birth)
        .min(date(2026, 9, 1));
    // Retirement at about 55 (women) or 60 (men), and some transfers out.
    let retire_at = birth + Duration::days(365 * if female { 55 } else { 60 } + 30);
    let left_on = if retire_at <= today {
        Some(retire_at.max(hired_on + Duration::days(30)))
    } else if rng.chance(5) {
        Some(
            rng.day_between(date(2023, 2, 1), date(2026, 9, 1))
                .max(hired_on + Duration::days(30)),
        )
    } else {
        None
    };
    Career {
        female,
        birth,
        hired_on,
        retire_at,
        left_on,
    }
}

fn draw_education(rng: &mut Rng, stage: Stage) -> Education {
    match (stage, rng.below(100)) {
        (Stage::Primary, 0..=4) => Education::Secondary,
        (Stage::Primary, 5..=34) => Education::Associate,
        (Stage::Primary, 35..=94) => Education::Bachelor,
        (Stage::Junior, 0..=9) => Education::Associate,
        (Stage::Junior, 10..=89) => Education::Bachelor,
        _ => Education::Master,
    }
}

/// A surname and one or two given characters.
fn draw_name(rng: &mut Rng) -> String {
    format!(
        "{}{}{}",
        rng.pick(SURNAMES),
        rng.pick(GIVEN),
        if rng.chance(60) { *rng.pick(GIVEN) } else { "" }
    )
}

/// A valid resident ID number for 石城县 (region 360735) with its GB 11643 check character.
fn id_number(birth: NaiveDate, seq: u32, female: bool) -> String {
    const W: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    const C: [char; 11] = ['1', '0', 'X', '9', '8', '7', '6', '5', '4', '3', '2'];
    // The 17th digit is odd for men, even for women; 500 of each per birth date.
    let seq = (seq % 500) * 2 + u32::from(!female);
    let body = format!("360735{}{:03}", birth.format("%Y%m%d"), seq % 1000);
    let sum: u32 = body
        .chars()
        .zip(W)
        .map(|(c, w)| c.to_digit(10).unwrap_or(0) * w)
        .sum();
    format!("{body}{}", C[(sum % 11) as usize])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::IdNumber;

    #[test]
    fn generated_id_numbers_pass_the_checksum_and_carry_the_birth_date() {
        let birth = date(1985, 3, 15);
        for seq in [1, 2, 999, 1234] {
            let id = IdNumber::parse(&id_number(birth, seq, seq % 2 == 0)).unwrap();
            assert_eq!(id.birth_date(), Some(birth));
        }
    }
}
