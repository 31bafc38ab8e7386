//! Past the plan's county: the teachers a demo is asked for beyond [`COUNTY_CAPACITY`] work in
//! generated districts around it, so that a province-sized registry keeps a county's shape —
//! schools of about 400 teachers in townships of four to eight schools, enrollments in
//! proportion, yearly title batches, reserve pools, and a studio with its team, pairs,
//! activities and outputs for each district.
//!
//! A district holds up to [`DISTRICT_TEACHERS`] teachers. It is drawn from a generator of its
//! own and written before the next one is begun: its teachers a school at a time, then its
//! titles, reserve entries and studio, which are drawn from a small record per teacher of the
//! district ([`Person`]). So the memory a demo needs is a district's, however many there are.
//!
//! Township names are made of two characters chosen so that none is a real township's of the
//! plan; a school is named after its township (`西坪中心小学`, `西坪第二小学`, `西坪中学`).
//!
//! [`COUNTY_CAPACITY`]: super::COUNTY_CAPACITY

use sea_orm::DatabaseTransaction;
use uuid::Uuid;

use super::designations::make_designations;
use super::outputs::make_outputs;
use super::reserve::make_reserve_entries;
use super::rng::Rng;
use super::schools::{enrollment_rows, school_row};
use super::studios::make_district_studio;
use super::teachers::{Person, Unit, draw_teachers};
use super::{Run, write_studios};
use crate::domain::Stage;
use crate::error::Result;
use crate::store::insert_chunks;

/// The teachers of a district: about a county's worth, with one studio.
pub(super) const DISTRICT_TEACHERS: usize = 20_000;

/// The teachers of a generated school, on average: one school per 400 teachers.
const TEACHERS_PER_SCHOOL: usize = 400;

/// Students per teacher, as in the plan's county (37,000 students to 3,000 teachers).
const STUDENTS_PER_TEACHER: (usize, usize) = (37, 3);

/// First and second characters of the generated townships' names; none of the first is the
/// first of a township or school base of the plan (琴江, 横江, 东城, 石城…), so no generated
/// name is a real one.
const FIRST: [&str; 30] = [
    "西", "南", "北", "上", "下", "长", "安", "和", "平", "青", "白", "金", "桃", "松", "竹", "莲",
    "枫", "杨", "柳", "清", "凤", "鹤", "云", "泉", "光", "黄", "红", "兴", "永", "乐",
];
const SECOND: [&str; 30] = [
    "坪", "坑", "田", "源", "口", "塘", "岭", "坊", "山", "河", "湖", "桥", "洲", "坝", "圩", "峰",
    "林", "湾", "岗", "陂", "埠", "垄", "背", "寨", "洋", "溪", "村", "堡", "庄", "亭",
];

/// Draws and writes the districts holding `teachers` teachers, one after another.
pub(super) async fn fill(
    tx: &DatabaseTransaction,
    seed: u64,
    teachers: usize,
    run: &mut Run<'_>,
) -> Result<()> {
    let mut townships = 0;
    for (n, first) in (0..teachers).step_by(DISTRICT_TEACHERS).enumerate() {
        let size = DISTRICT_TEACHERS.min(teachers - first);
        let mut rng = Rng::for_part(seed, n as u64 + 1);
        fill_district(tx, &mut rng, size, &mut townships, run).await?;
    }
    Ok(())
}

/// A generated school: where it is, and its teachers per stage ([primary, junior]).
struct GeneratedSchool {
    id: Uuid,
    name: String,
    township: String,
    urban: bool,
    teachers: [usize; 2],
}

/// One district: schools and enrollments, teachers a school at a time, then titles, reserve
/// pools and the studio, drawn by the same steps as the plan's county.
async fn fill_district(
    tx: &DatabaseTransaction,
    rng: &mut Rng,
    teachers: usize,
    townships: &mut usize,
    run: &mut Run<'_>,
) -> Result<()> {
    let now = run.now;
    let schools = draw_schools(rng, teachers, townships);
    let mut school_rows = Vec::new();
    let mut enrollments = Vec::new();
    for s in &schools {
        let [primary, junior] = s.teachers;
        school_rows.push(school_row(
            s.id,
            &s.name,
            &s.township,
            s.urban,
            primary > 0,
            junior > 0,
            now,
        ));
        let students = s.teachers.map(|t| {
            let (per, of) = STUDENTS_PER_TEACHER;
            // Some schools are fuller than others: ±10%.
            (t * per * (90 + rng.below(21) as usize) / (of * 100)) as i32
        });
        enrollments.extend(enrollment_rows(s.id, s.urban, students, now));
    }
    run.summary.schools += school_rows.len();
    insert_chunks(tx, school_rows).await?;
    insert_chunks(tx, enrollments).await?;

    let mut people: Vec<Person> = Vec::with_capacity(teachers);
    for (i, s) in schools.iter().enumerate() {
        let mut rows = Vec::new();
        for (stage, count) in [Stage::Primary, Stage::Junior].into_iter().zip(s.teachers) {
            let unit = Unit {
                school: i,
                school_id: s.id,
                stage,
            };
            let numbering = &mut run.numbering;
            draw_teachers(rng, &unit, count, numbering, now, &mut people, &mut rows);
        }
        run.summary.teachers += rows.len();
        insert_chunks(tx, rows).await?;
        run.tell_progress();
    }

    let (designations, holders) = make_designations(rng, &people, &mut run.certificates, now);
    run.summary.designations += designations.len();
    insert_chunks(tx, designations).await?;
    let entries = make_reserve_entries(rng, &people, &holders, now);
    insert_chunks(tx, entries).await?;
    let named: Vec<(Uuid, String)> = schools.into_iter().map(|s| (s.id, s.name)).collect();
    let studio = make_district_studio(rng, &people, &holders, &named, now);
    // The studio's outputs, as the county's studios have (its only growth records: training
    // and conversions are the county's, see `demo`).
    let villages: Vec<&str> = named.iter().map(|(_, name)| name.as_str()).collect();
    let outputs = make_outputs(rng, &people, &studio, &villages, now);
    write_studios(tx, studio, &mut run.summary).await?;
    run.summary.outputs += outputs.outputs.len();
    insert_chunks(tx, outputs.outputs).await?;
    insert_chunks(tx, outputs.authors).await?;
    Ok(())
}

/// The district's schools: one per 400 teachers, of 250 to 550 teachers each (shares of the
/// district's teachers, so they add up to it), in townships of four to eight schools, the
/// first township the district's town. Most schools teach one stage, some both.
fn draw_schools(rng: &mut Rng, teachers: usize, townships: &mut usize) -> Vec<GeneratedSchool> {
    let count = ((teachers + TEACHERS_PER_SCHOOL / 2) / TEACHERS_PER_SCHOOL).max(1);
    let weights: Vec<usize> = (0..count).map(|_| 250 + rng.below(301) as usize).collect();
    let total: usize = weights.iter().sum();
    let mut schools = Vec::with_capacity(count);
    let (mut so_far, mut given) = (0, 0);
    let mut township = Township::default();
    for (i, weight) in weights.into_iter().enumerate() {
        so_far += weight;
        let upto = teachers * so_far / total;
        let share = upto - given;
        given = upto;
        if township.left == 0 {
            township = Township::new(rng, *townships, i == 0);
            *townships += 1;
        }
        township.left -= 1;
        let kind = rng.below(100);
        let split = match kind {
            0..=54 => [share, 0],
            55..=84 => [0, share],
            _ => [share * 3 / 5, share - share * 3 / 5],
        };
        schools.push(GeneratedSchool {
            id: Uuid::now_v7(),
            name: township.school_name(split),
            township: township.name.clone(),
            urban: township.urban,
            teachers: split,
        });
    }
    schools
}

/// The township schools are being drawn in, and how its schools are numbered so far.
#[derive(Default)]
struct Township {
    /// Its name without 镇 or 乡, as schools take it.
    base: String,
    name: String,
    urban: bool,
    /// Schools still to come in it.
    left: usize,
    /// Schools named so far: primary, junior, both stages.
    named: [usize; 3],
}

impl Township {
    /// The `n`-th generated township; a district's town (`urban`) is a 镇, a rural township
    /// a 镇 or a 乡.
    fn new(rng: &mut Rng, n: usize, urban: bool) -> Self {
        let base = township_base(n);
        let suffix = if urban || rng.chance(50) {
            "镇"
        } else {
            "乡"
        };
        Township {
            name: format!("{base}{suffix}"),
            base,
            urban,
            left: 4 + rng.below(5) as usize,
            named: [0; 3],
        }
    }

    /// The next school's name, by the stages it teaches: the first primary school of a
    /// township is its 中心小学, the first junior school its 中学, the later ones numbered.
    fn school_name(&mut self, teachers: [usize; 2]) -> String {
        let (kind, first, numbered) = match teachers {
            [_, 0] => (0, "中心小学", "小学"),
            [0, _] => (1, "中学", "中学"),
            _ => (2, "九年一贯制学校", "九年一贯制学校"),
        };
        self.named[kind] += 1;
        match self.named[kind] {
            1 => format!("{}{first}", self.base),
            k => format!("{}第{}{numbered}", self.base, chinese_number(k)),
        }
    }
}

/// The `n`-th generated township's name, without 镇 or 乡: 900 two-character names, both
/// characters varying from one to the next, then the same again numbered.
fn township_base(n: usize) -> String {
    let (round, i) = (n / 900, n % 900);
    let (q, r) = (i / 30, i % 30);
    let base = format!("{}{}", FIRST[r], SECOND[(q + r) % 30]);
    match round {
        0 => base,
        k => format!("{base}{}", chinese_number(k + 1)),
    }
}

/// 1 to 99 in Chinese numerals (二, 十二, 二十, 二十三); larger numbers in digits.
fn chinese_number(n: usize) -> String {
    const DIGITS: [&str; 10] = ["", "一", "二", "三", "四", "五", "六", "七", "八", "九"];
    match n {
        1..=9 => DIGITS[n].to_owned(),
        10..=19 => format!("十{}", DIGITS[n % 10]),
        20..=99 => format!("{}十{}", DIGITS[n / 10], DIGITS[n % 10]),
        _ => n.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;
    use crate::demo::schools::SCHOOLS;

    #[test]
    fn township_names_are_distinct_and_none_is_the_plans() {
        let names: HashSet<String> = (0..2000).map(township_base).collect();
        assert_eq!(names.len(), 2000);
        for (school, township, ..) in SCHOOLS {
            for base in &names {
                assert!(!school.starts_with(base.as_str()), "{school} and {base}");
                assert!(
                    !township.starts_with(base.as_str()),
                    "{township} and {base}"
                );
            }
        }
    }

    #[test]
    fn numbers_read_in_chinese() {
        let read: Vec<String> = [1, 2, 10, 12, 20, 23, 100].map(chinese_number).into();
        assert_eq!(read, ["一", "二", "十", "十二", "二十", "二十三", "100"]);
    }

    #[test]
    fn a_districts_schools_share_its_teachers_at_about_400_each() {
        let mut rng = Rng::seeded(1);
        let mut townships = 0;
        let schools = draw_schools(&mut rng, 20_000, &mut townships);
        assert_eq!(schools.len(), 50);
        let teachers: usize = schools
            .iter()
            .map(|s| s.teachers.iter().sum::<usize>())
            .sum();
        assert_eq!(teachers, 20_000);
        for s in &schools {
            let t: usize = s.teachers.iter().sum();
            assert!((150..=800).contains(&t), "{} has {t}", s.name);
        }
        let names: HashSet<&str> = schools.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(names.len(), 50, "school names are unique");
        assert!(schools[0].urban && (6..=13).contains(&townships));
        // A small district still has a school.
        assert_eq!(draw_schools(&mut rng, 1, &mut townships).len(), 1);
    }
}
