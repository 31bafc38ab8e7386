//! The plan's schools and their enrollments for the school years 2022–2025. Nothing here is
//! drawn: the figures are the table's, drifted by year (towns grow, villages shrink).

use sea_orm::Set;
use sea_orm::prelude::DateTimeUtc;
use uuid::Uuid;

use crate::domain::Stage;
use crate::store::{enrollment, school};

/// Schools of the plan (section 二(四)(五)) and of the county's townships; fictional figures.
/// (name, township, urban, primary students 2025, junior students 2025)
pub(super) const SCHOOLS: &[(&str, &str, bool, i32, i32)] = &[
    ("石城一小城北校区", "琴江镇", true, 2100, 0),
    ("东城中小学", "琴江镇", true, 1800, 900),
    ("琴江中心小学", "琴江镇", true, 2600, 0),
    ("城南中小学", "琴江镇", true, 1500, 800),
    ("温坊初中", "琴江镇", true, 0, 1700),
    ("石城县第一小学", "琴江镇", true, 2900, 0),
    ("新前江小学", "琴江镇", true, 1200, 0),
    ("梅福九年一贯制学校", "琴江镇", true, 900, 500),
    ("石城中学", "琴江镇", true, 0, 2600),
    ("赣源中学", "琴江镇", true, 0, 1900),
    ("赣江源中小学", "横江镇", false, 700, 400),
    ("横江中心小学", "横江镇", false, 1300, 0),
    ("横江中学", "横江镇", false, 0, 1100),
    ("小松中心小学", "小松镇", false, 1400, 0),
    ("小松中学", "小松镇", false, 0, 900),
    ("高田中心小学", "高田镇", false, 1500, 0),
    ("高田中学", "高田镇", false, 0, 1000),
    ("屏山中心小学", "屏山镇", false, 1200, 0),
    ("屏山中学", "屏山镇", false, 0, 800),
    ("木兰中心小学", "木兰乡", false, 800, 0),
    ("丰山中心小学", "丰山乡", false, 900, 0),
    ("大由中心小学", "大由乡", false, 700, 0),
    ("龙岗中心小学", "龙岗乡", false, 1000, 0),
    ("珠坑中心小学", "珠坑乡", false, 800, 0),
    ("岩岭中心小学", "岩岭乡", false, 1100, 0),
];

/// The schools' rows and their enrollments. `ids` follow the order of [`SCHOOLS`]: the
/// teachers and studios find a school's id by its index there.
pub(super) struct SchoolRows {
    pub(super) ids: Vec<Uuid>,
    pub(super) schools: Vec<school::ActiveModel>,
    pub(super) enrollments: Vec<enrollment::ActiveModel>,
}

/// The plan's schools, their students multiplied by `scale` = (numerator, denominator): the
/// table's figures are for a county of 3,000 teachers, and a bigger county's schools teach
/// more students (1:1 keeps the table's figures exactly).
pub(super) fn make_schools(now: DateTimeUtc, scale: (i32, i32)) -> SchoolRows {
    let mut ids = Vec::new();
    let mut schools = Vec::new();
    let mut enrollments = Vec::new();
    let (num, den) = scale;
    for (name, township, urban, primary, junior) in SCHOOLS {
        let id = Uuid::now_v7();
        ids.push(id);
        schools.push(school_row(
            id,
            name,
            township,
            *urban,
            *primary > 0,
            *junior > 0,
            now,
        ));
        enrollments.extend(enrollment_rows(
            id,
            *urban,
            [primary * num / den, junior * num / den],
            now,
        ));
    }
    SchoolRows {
        ids,
        schools,
        enrollments,
    }
}

pub(super) fn school_row(
    id: Uuid,
    name: &str,
    township: &str,
    urban: bool,
    primary: bool,
    junior: bool,
    now: DateTimeUtc,
) -> school::ActiveModel {
    school::ActiveModel {
        id: Set(id),
        name: Set(name.to_owned()),
        township: Set(township.to_owned()),
        area: Set(if urban { "URBAN" } else { "RURAL" }.to_owned()),
        has_primary: Set(primary),
        has_junior: Set(junior),
        created_at: Set(now),
    }
}

/// A school's enrollments for 2022–2025 from its 2025 students per stage ([primary, junior];
/// 0 for a stage it does not teach), drifted by year: towns grow, villages shrink.
pub(super) fn enrollment_rows(
    school_id: Uuid,
    urban: bool,
    students_2025: [i32; 2],
    now: DateTimeUtc,
) -> Vec<enrollment::ActiveModel> {
    let mut rows = Vec::new();
    for year in 2022..=2025 {
        let drift = 2025 - year;
        for (stage, students) in [Stage::Primary, Stage::Junior]
            .into_iter()
            .zip(students_2025)
        {
            if students == 0 {
                continue;
            }
            let factor = if urban {
                100 - 3 * drift
            } else {
                100 + 4 * drift
            };
            rows.push(enrollment::ActiveModel {
                id: Set(Uuid::now_v7()),
                school_id: Set(school_id),
                school_year: Set(year),
                stage: Set(stage.code().to_owned()),
                students: Set(students * factor / 100),
                updated_at: Set(now),
            });
        }
    }
    rows
}
