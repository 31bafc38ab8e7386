//! A 2026–2028 plan beside the 2023 one the migrations seed, as leadership would add it, with
//! targets on the growth measures.

use sea_orm::prelude::DateTimeUtc;
use sea_orm::{ActiveModelTrait, ConnectionTrait, Set};
use uuid::Uuid;

use super::date;
use crate::domain::Level;
use crate::error::Result;
use crate::store::target;

/// One target of the demo's plan.
struct Planned {
    code: &'static str,
    title: &'static str,
    metric: &'static str,
    goal: Option<i32>,
    per_member: Option<i32>,
    /// Basis points of a compliance target's ratio.
    goal_ratio_bp: Option<i32>,
    baseline_on: (i32, u32, u32),
    deadline: (i32, u32, u32),
}

pub(super) async fn add_plan_2028(db: &impl ConnectionTrait, now: DateTimeUtc) -> Result<()> {
    let plan = |code, title, metric, goal, per_member| Planned {
        code,
        title,
        metric,
        goal,
        per_member,
        goal_ratio_bp: None,
        baseline_on: (2026, 1, 1),
        deadline: (2028, 12, 31),
    };
    for t in [
        plan(
            "STUDIOS_2028",
            "到2028年，建成15个名师工作室",
            "STUDIOS",
            Some(15),
            None,
        ),
        plan(
            "KEY_TEACHERS_2028",
            "到2028年，县级（含）以上学科带头人和骨干教师达到520名",
            "KEY_TEACHERS",
            Some(520),
            None,
        ),
        plan(
            "MENTORING_2028",
            "每个工作室成员结对培养3名青年教师",
            "MENTEES_PER_MEMBER",
            None,
            Some(3),
        ),
        // The growth measures (rules 10 and 12): the studios should grow key teachers, and
        // the 2021–2025 training cycle should have closed with 90 % of teachers on track
        // (leadership watches the cycle that closed; the new one owes nothing before 2027).
        plan(
            "GROWN_2028",
            "到2028年，结对培养对象成长为县级以上骨干教师30名",
            "CONVERTED_MENTEES",
            Some(30),
            None,
        ),
        Planned {
            goal_ratio_bp: Some(9000),
            baseline_on: (2023, 4, 10),
            deadline: (2025, 12, 31),
            ..plan(
                "TRAINING_2025",
                "2021—2025年周期教师继续教育学时达标率90%",
                "TRAINING_COMPLIANCE",
                None,
                None,
            )
        },
    ] {
        let day = |(y, m, d): (i32, u32, u32)| date(y, m, d);
        target::ActiveModel {
            id: Set(Uuid::now_v7()),
            code: Set(t.code.to_owned()),
            title: Set(t.title.to_owned()),
            metric: Set(t.metric.to_owned()),
            goal: Set(t.goal),
            per_member: Set(t.per_member),
            goal_ratio_bp: Set(t.goal_ratio_bp),
            min_level: Set(if t.per_member.is_some() {
                Level::School
            } else {
                Level::County
            }
            .rank()),
            kinds: Set("KEY_TEACHER,SUBJECT_LEADER,MASTER_TEACHER".to_owned()),
            baseline_on: Set(day(t.baseline_on)),
            deadline: Set(day(t.deadline)),
            retired_on: Set(None),
            created_at: Set(now),
            updated_at: Set(now),
        }
        .insert(db)
        .await?;
    }
    Ok(())
}
