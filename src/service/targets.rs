//! Targets and progress toward them (domain README, "Target progress on D").

use chrono::{NaiveDate, Utc};
use sea_orm::{ActiveModelTrait, ConnectionTrait, IntoActiveModel, Set};
use serde_json::json;
use uuid::Uuid;

use super::{commit_recorded, found, require};
use crate::domain::progress::{
    GoalRatio, Interval, Measure, Progress, TargetMetric, evaluate, history_dates, share,
};
use crate::domain::{Actor, DesignationKind, Label, Level, Permission, rules};
use crate::error::{Error, Result};
use crate::store::series::{Point, Series, measure};
use crate::store::{Db, target};

/// A target to create.
#[derive(Debug, Clone)]
pub struct NewTarget {
    pub code: String,
    pub title: Label,
    pub metric: TargetMetric,
    pub goal: Option<i32>,
    pub per_member: Option<i32>,
    /// The share to reach (training compliance only).
    pub goal_ratio: Option<GoalRatio>,
    /// `None`: the metric's default (`TargetMetric::default_min_level`).
    pub min_level: Option<Level>,
    /// `None`: the whole key-teacher family.
    pub kinds: Option<Vec<DesignationKind>>,
    pub baseline_on: NaiveDate,
    pub deadline: NaiveDate,
}

/// Changes to a target; `None` keeps a field.
#[derive(Debug, Clone, Default)]
pub struct TargetPatch {
    pub title: Option<Label>,
    pub goal: Option<i32>,
    pub per_member: Option<i32>,
    pub goal_ratio: Option<GoalRatio>,
    pub min_level: Option<Level>,
    pub kinds: Option<Vec<DesignationKind>>,
    pub baseline_on: Option<NaiveDate>,
    pub deadline: Option<NaiveDate>,
}

/// A target's progress on a day.
#[derive(Debug, Clone)]
pub struct TargetProgress {
    pub target: target::Model,
    pub as_of: NaiveDate,
    pub progress: Progress,
    /// What the value is out of on the day: employed teachers (compliance), mentees
    /// (conversion), members in force (mentoring quota); 0 for the others.
    pub whole: i64,
}

impl TargetProgress {
    /// The value's share of its whole, for the metrics that have one: compliance (on track ÷
    /// employed) and conversion (converted ÷ mentees), 0 over an empty whole (rules 10, 12).
    pub fn rate(&self) -> Option<f64> {
        let metric = metric(&self.target).ok()?;
        has_rate(metric).then(|| share(self.progress.current, self.whole))
    }
}

/// Whether a metric's points carry a rate (see [`TargetProgress::rate`]).
pub fn has_rate(metric: TargetMetric) -> bool {
    matches!(
        metric,
        TargetMetric::TrainingCompliance | TargetMetric::ConvertedMentees
    )
}

pub fn goal_ratio(t: &target::Model) -> Result<Option<GoalRatio>> {
    t.goal_ratio_bp
        .map(|bp| GoalRatio::from_basis_points(bp).map_err(Error::stored))
        .transpose()
}

pub fn metric(t: &target::Model) -> Result<TargetMetric> {
    TargetMetric::from_code(&t.metric).map_err(Error::stored)
}

pub fn min_level(t: &target::Model) -> Result<Level> {
    Level::from_rank(t.min_level).map_err(Error::stored)
}

pub fn kinds(t: &target::Model) -> Result<Vec<DesignationKind>> {
    t.kinds
        .split(',')
        .filter(|k| !k.is_empty())
        .map(|k| DesignationKind::from_code(k).map_err(Error::stored))
        .collect()
}

fn encode_kinds(kinds: &[DesignationKind]) -> String {
    let mut kinds = kinds.to_vec();
    kinds.sort();
    kinds.dedup();
    kinds.iter().map(|k| k.code()).collect::<Vec<_>>().join(",")
}

fn parse_code(code: &str) -> Result<String> {
    let code = code.trim();
    let ok = (2..=40).contains(&code.len())
        && code.starts_with(|c: char| c.is_ascii_uppercase())
        && code
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_');
    if ok {
        Ok(code.to_owned())
    } else {
        Err(Error::invalid(
            "code",
            "must be 2–40 upper-case letters, digits or '_', starting with a letter",
        ))
    }
}

/// The goal fields a metric takes: a ratio for training compliance, a per-member quota for
/// mentoring, a fixed goal for the others.
fn check_shape(
    metric: TargetMetric,
    goal: Option<i32>,
    per_member: Option<i32>,
    goal_ratio: Option<GoalRatio>,
) -> Result<()> {
    if metric == TargetMetric::TrainingCompliance {
        if goal.is_some() {
            return Err(Error::invalid(
                "goal",
                "a compliance target's goal is a share of the employed: give goalRatio, e.g. 0.95",
            ));
        }
        if per_member.is_some() {
            return Err(Error::invalid(
                "perMember",
                "only a mentoring quota has one",
            ));
        }
        if goal_ratio.is_none() {
            return Err(Error::invalid(
                "goalRatio",
                "a compliance target needs one, e.g. 0.95",
            ));
        }
        return Ok(());
    }
    if goal_ratio.is_some() {
        return Err(Error::invalid(
            "goalRatio",
            "only a TRAINING_COMPLIANCE target has a ratio goal",
        ));
    }
    match metric {
        TargetMetric::MenteesPerMember => {
            if goal.is_some() {
                return Err(Error::invalid(
                    "goal",
                    "a mentoring quota has no fixed goal: it is perMember × members in force",
                ));
            }
            if per_member.is_none_or(|q| q <= 0) {
                return Err(Error::invalid("perMember", "must be at least 1"));
            }
        }
        _ => {
            if per_member.is_some() {
                return Err(Error::invalid(
                    "perMember",
                    "only a mentoring quota has one",
                ));
            }
            if goal.is_none_or(|g| g <= 0) {
                return Err(Error::invalid("goal", "must be at least 1"));
            }
        }
    }
    Ok(())
}

/// Compliance counts no designations, and rule 12 fixes the level (COUNTY) and kinds (the
/// whole family) a conversion counts: a level or kinds given for them would be ignored, so they
/// are refused instead.
fn check_level_and_kinds(
    metric: TargetMetric,
    min_level: Option<Level>,
    kinds: Option<&[DesignationKind]>,
) -> Result<()> {
    if metric.takes_level_and_kinds() {
        return Ok(());
    }
    let why = match metric {
        TargetMetric::ConvertedMentees => {
            "rule 12 counts conversions at COUNTY or above over the whole key-teacher family"
        }
        _ => "training compliance counts no designations",
    };
    if min_level.is_some() {
        return Err(Error::invalid("minLevel", why));
    }
    if kinds.is_some() {
        return Err(Error::invalid("kinds", why));
    }
    Ok(())
}

fn check_dates(baseline_on: NaiveDate, deadline: NaiveDate) -> Result<()> {
    if deadline <= baseline_on {
        return Err(Error::invalid("deadline", "must be after baselineOn"));
    }
    Ok(())
}

fn check_kinds(kinds: &[DesignationKind]) -> Result<()> {
    if kinds.is_empty() {
        return Err(Error::invalid("kinds", "name at least one kind"));
    }
    Ok(())
}

pub async fn targets(db: &Db, actor: &Actor, include_retired: bool) -> Result<Vec<target::Model>> {
    require(actor, Permission::ReadRegistry)?;
    Ok(target::list(&db.read, include_retired, rules::today()).await?)
}

pub async fn create_target(db: &Db, actor: &Actor, input: NewTarget) -> Result<target::Model> {
    require(actor, Permission::ManageTargets)?;
    let code = parse_code(&input.code)?;
    check_shape(input.metric, input.goal, input.per_member, input.goal_ratio)?;
    check_level_and_kinds(input.metric, input.min_level, input.kinds.as_deref())?;
    check_dates(input.baseline_on, input.deadline)?;
    let min_level = input
        .min_level
        .unwrap_or_else(|| input.metric.default_min_level());
    let kinds = input.kinds.unwrap_or_else(|| DesignationKind::ALL.to_vec());
    check_kinds(&kinds)?;
    let tx = db.begin().await?;
    if target::by_code(&tx, &code).await?.is_some() {
        return Err(Error::Conflict(format!("a target with code {code} exists")));
    }
    let now = Utc::now();
    let model = target::ActiveModel {
        id: Set(Uuid::now_v7()),
        code: Set(code),
        title: Set(input.title.into_string()),
        metric: Set(input.metric.code().to_owned()),
        goal: Set(input.goal),
        per_member: Set(input.per_member),
        goal_ratio_bp: Set(input.goal_ratio.map(GoalRatio::basis_points)),
        min_level: Set(min_level.rank()),
        kinds: Set(encode_kinds(&kinds)),
        baseline_on: Set(input.baseline_on),
        deadline: Set(input.deadline),
        retired_on: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(&tx)
    .await?;
    commit_recorded(
        tx,
        actor,
        "createTarget",
        model.id,
        json!({ "code": model.code, "metric": model.metric, "goal": model.goal,
                "perMember": model.per_member, "goalRatioBp": model.goal_ratio_bp,
                "deadline": model.deadline }),
    )
    .await?;
    Ok(model)
}

pub async fn update_target(
    db: &Db,
    actor: &Actor,
    code: &str,
    patch: TargetPatch,
) -> Result<target::Model> {
    require(actor, Permission::ManageTargets)?;
    let tx = db.begin().await?;
    let before = found(target::by_code(&tx, code.trim()).await?, "target")?;
    let metric = metric(&before)?;
    let goal = patch.goal.or(before.goal);
    let per_member = patch.per_member.or(before.per_member);
    let ratio = match patch.goal_ratio {
        Some(r) => Some(r),
        None => goal_ratio(&before)?,
    };
    check_shape(metric, goal, per_member, ratio)?;
    check_level_and_kinds(metric, patch.min_level, patch.kinds.as_deref())?;
    let baseline_on = patch.baseline_on.unwrap_or(before.baseline_on);
    let deadline = patch.deadline.unwrap_or(before.deadline);
    check_dates(baseline_on, deadline)?;
    if let Some(retired) = before.retired_on.filter(|r| *r < baseline_on) {
        return Err(Error::invalid(
            "baselineOn",
            format!("must be on or before the retirement, {retired}"),
        ));
    }
    if let Some(kinds) = &patch.kinds {
        check_kinds(kinds)?;
    }
    let mut active = before.clone().into_active_model();
    if let Some(title) = patch.title {
        active.title = Set(title.into_string());
    }
    active.goal = Set(goal);
    active.per_member = Set(per_member);
    active.goal_ratio_bp = Set(ratio.map(GoalRatio::basis_points));
    if let Some(level) = patch.min_level {
        active.min_level = Set(level.rank());
    }
    if let Some(kinds) = &patch.kinds {
        active.kinds = Set(encode_kinds(kinds));
    }
    active.baseline_on = Set(baseline_on);
    active.deadline = Set(deadline);
    active.updated_at = Set(Utc::now());
    let after = active.update(&tx).await?;
    commit_recorded(
        tx,
        actor,
        "updateTarget",
        after.id,
        json!({
            "title": { "before": before.title, "after": after.title },
            "goal": { "before": before.goal, "after": after.goal },
            "perMember": { "before": before.per_member, "after": after.per_member },
            "goalRatioBp": { "before": before.goal_ratio_bp, "after": after.goal_ratio_bp },
            "minLevel": { "before": before.min_level, "after": after.min_level },
            "kinds": { "before": before.kinds, "after": after.kinds },
            "baselineOn": { "before": before.baseline_on, "after": after.baseline_on },
            "deadline": { "before": before.deadline, "after": after.deadline },
        }),
    )
    .await?;
    Ok(after)
}

/// Retires a target: it leaves `targets` and `progress`, its history stays readable.
pub async fn retire_target(
    db: &Db,
    actor: &Actor,
    code: &str,
    retired_on: NaiveDate,
) -> Result<target::Model> {
    require(actor, Permission::ManageTargets)?;
    let tx = db.begin().await?;
    let before = found(target::by_code(&tx, code.trim()).await?, "target")?;
    if let Some(on) = before.retired_on {
        return Err(Error::Conflict(format!(
            "{} was retired on {on}",
            before.code
        )));
    }
    if retired_on < before.baseline_on {
        return Err(Error::invalid(
            "retiredOn",
            format!("must be on or after the baseline, {}", before.baseline_on),
        ));
    }
    let mut active = before.into_active_model();
    active.retired_on = Set(Some(retired_on));
    active.updated_at = Set(Utc::now());
    let after = active.update(&tx).await?;
    commit_recorded(
        tx,
        actor,
        "retireTarget",
        after.id,
        json!({ "retiredOn": retired_on }),
    )
    .await?;
    Ok(after)
}

fn series(t: &target::Model) -> Result<Series> {
    let min_level = min_level(t)?;
    Ok(match metric(t)? {
        TargetMetric::Studios => Series::Studios { min_level },
        TargetMetric::KeyTeachers => Series::KeyTeachers {
            min_level,
            kinds: kinds(t)?,
        },
        TargetMetric::MenteesPerMember => Series::Mentoring {
            min_level,
            per_member: i64::from(t.per_member.unwrap_or(0)),
        },
        TargetMetric::TrainingCompliance => Series::TrainingCompliance,
        TargetMetric::ConvertedMentees => Series::ConvertedMentees,
    })
}

/// A point as a measure. The goal varies by day for two metrics: the mentoring quota's is Q ×
/// members in force; a compliance target's is the least number on track that meets its
/// ratio of the teachers employed that day (0.95 of 201 employed is 191).
fn as_measure(t: &target::Model, point: Point) -> Result<Measure> {
    let goal = if let Some(ratio) = goal_ratio(t)? {
        ratio.of(point.members)
    } else {
        match t.per_member {
            Some(q) if t.goal.is_none() => i64::from(q) * point.members,
            _ => i64::from(t.goal.unwrap_or(0)),
        }
    };
    Ok(Measure {
        value: point.value,
        goal,
    })
}

async fn evaluate_target(
    db: &impl ConnectionTrait,
    t: target::Model,
    d: NaiveDate,
) -> Result<TargetProgress> {
    let points = measure(db, &series(&t)?, &[d, t.baseline_on, t.deadline]).await?;
    let point = |i: usize| points.get(i).copied().unwrap_or_default();
    let at = |i: usize| as_measure(&t, point(i));
    let progress = evaluate(t.baseline_on, t.deadline, d, at(0)?, at(1)?, at(2)?);
    Ok(TargetProgress {
        target: t,
        as_of: d,
        progress,
        whole: point(0).members,
    })
}

/// Progress of every target in force on `d` (one retired after `d` still shows).
pub async fn progress(db: &Db, actor: &Actor, d: NaiveDate) -> Result<Vec<TargetProgress>> {
    require(actor, Permission::ReadRegistry)?;
    let mut out = Vec::new();
    for t in target::list(&db.read, false, d).await? {
        out.push(evaluate_target(&db.read, t, d).await?);
    }
    Ok(out)
}

/// Progress of one target (retired ones too), or `None` for an unknown code.
pub async fn target_progress(
    db: &Db,
    actor: &Actor,
    code: &str,
    d: NaiveDate,
) -> Result<Option<TargetProgress>> {
    require(actor, Permission::ReadRegistry)?;
    match target::by_code(&db.read, code.trim()).await? {
        Some(t) => Ok(Some(evaluate_target(&db.read, t, d).await?)),
        None => Ok(None),
    }
}

/// The most points one history answers: 33 years by month. A longer series is refused as
/// bad input rather than built as one statement of thousands of branches (SQLite allows 500
/// terms in a compound SELECT; PostgreSQL would run until the request timeout).
pub const MAX_HISTORY_POINTS: usize = 400;

/// The most points of a compliance or conversion history, bounded tighter than the others —
/// ten years by month: each compliance point adds a pair of sums to its one pass over the
/// teachers, each conversion point a pass over the pairs, where the other series join a table
/// of days to a few rows.
pub const MAX_SCANNED_POINTS: usize = 120;

/// The target's value at each history point up to `d`, with the whole it is out of (see
/// [`TargetProgress::whole`]), in one query.
pub async fn history(
    db: &Db,
    t: &target::Model,
    d: NaiveDate,
    every: Interval,
) -> Result<Vec<(NaiveDate, Point)>> {
    let dates = history_dates(t.baseline_on, d, every);
    if has_rate(metric(t)?) && dates.len() > MAX_SCANNED_POINTS {
        return Err(Error::invalid(
            "every",
            format!(
                "a compliance or conversion history of {} points is over the \
                 {MAX_SCANNED_POINTS} allowed: each point is a count over the registry; ask by \
                 quarter or year",
                dates.len()
            ),
        ));
    }
    if dates.len() > MAX_HISTORY_POINTS {
        return Err(Error::invalid(
            "every",
            format!(
                "a history of {} points is over the {MAX_HISTORY_POINTS} allowed: ask by a \
                 longer interval or for an earlier asOf",
                dates.len()
            ),
        ));
    }
    let points = measure(&db.read, &series(t)?, &dates).await?;
    Ok(dates.into_iter().zip(points).collect())
}
