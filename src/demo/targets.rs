//! A 2026–2028 plan beside the 2023 one the migrations seed, as leadership would add it.

use sea_orm::prelude::DateTimeUtc;
use sea_orm::{ActiveModelTrait, ConnectionTrait, Set};
use uuid::Uuid;

use super::date;
use crate::domain::Level;
use crate::error::Result;
use crate::store::target;

pub(super) async fn add_plan_2028(db: &impl ConnectionTrait, now: DateTimeUtc) -> Result<()> {
    for (code, title, metric, goal, per_member) in [
        (
            "STUDIOS_2028",
            "到2028年，建成15个名师工作室",
            "STUDIOS",
            Some(15),
            None,
        ),
        (
            "KEY_TEACHERS_2028",
            "到2028年，县级（含）以上学科带头人和骨干教师达到520名",
            "KEY_TEACHERS",
            Some(520),
            None,
        ),
        (
            "MENTORING_2028",
            "每个工作室成员结对培养3名青年教师",
            "MENTEES_PER_MEMBER",
            None,
            Some(3),
        ),
    ] {
        target::ActiveModel {
            id: Set(Uuid::now_v7()),
            code: Set(code.to_owned()),
            title: Set(title.to_owned()),
            metric: Set(metric.to_owned()),
            goal: Set(goal),
            per_member: Set(per_member),
            goal_ratio_bp: Set(None),
            min_level: Set(if per_member.is_some() {
                Level::School
            } else {
                Level::County
            }
            .rank()),
            kinds: Set("KEY_TEACHER,SUBJECT_LEADER,MASTER_TEACHER".to_owned()),
            baseline_on: Set(date(2026, 1, 1)),
            deadline: Set(date(2028, 12, 31)),
            retired_on: Set(None),
            created_at: Set(now),
            updated_at: Set(now),
        }
        .insert(db)
        .await?;
    }
    Ok(())
}
