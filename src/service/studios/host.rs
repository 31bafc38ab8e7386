//! Who may run a studio, and handing it to a new host.
//!
//! ADMIN and HR run every studio; a studio host runs only the studios where its teacher is the
//! host in force. The checks here are shared by every change to members, pairs and activities
//! (`members.rs`, `pairs.rs`), so that a host meets one refusal whatever the change.

use chrono::NaiveDate;
use sea_orm::{ActiveModelTrait, ConnectionTrait, IntoActiveModel, Set};
use serde_json::json;
use uuid::Uuid;

use super::{in_force_on, insert_host_membership};
use crate::domain::rules::{employed_on, today};
use crate::domain::{Actor, MemberRole, Permission};
use crate::error::{Error, Result};
use crate::service::{commit_recorded, found, require};
use crate::store::{self, Db, studio, studio_member, teacher};

/// Whether the actor's role may run any studio at all; checked before any id is looked up,
/// so that a role without the right learns nothing of what exists.
pub(super) fn require_running(actor: &Actor) -> Result<()> {
    if actor.can(Permission::ManageStudios) || actor.can(Permission::RunOwnStudio) {
        Ok(())
    } else {
        Err(Error::forbidden())
    }
}

/// The one refusal a studio host gets for a studio (member, pair) it may not change, whether
/// the id names another's studio or nothing at all: the answer must not tell which (fault 11).
fn not_your_studio() -> Error {
    Error::Forbidden("only the studio's host in force on the day may change it".to_owned())
}

/// The row a change names (a membership, a pair), or the refusal: `NOT_FOUND` for roles that
/// run every studio, the studio host's one `FORBIDDEN` otherwise, so that a host cannot tell an
/// id of another studio's row from an id of nothing.
pub(super) fn found_for_running<T>(actor: &Actor, row: Option<T>, what: &'static str) -> Result<T> {
    match row {
        Some(row) => Ok(row),
        None if actor.can(Permission::ManageStudios) => Err(Error::NotFound(what)),
        None => Err(not_your_studio()),
    }
}

/// Locks the studio and checks that the actor may run it for a change dated `on`: ADMIN and HR
/// anywhere; a studio host only where its teacher is the host in force (rule 6, so employed)
/// both on `on` — the day the change is for — and today, so that a host who left, or handed the
/// studio on, can no longer act, and a host cannot write into days before they took over.
pub(super) async fn lock_for_running(
    db: &impl ConnectionTrait,
    actor: &Actor,
    studio_id: Uuid,
    on: NaiveDate,
) -> Result<studio::Model> {
    require_running(actor)?;
    let s = studio::lock(db, studio_id).await?;
    if actor.can(Permission::ManageStudios) {
        return found(s, "studio");
    }
    let (Some(s), Some(t)) = (s, actor.teacher_id) else {
        return Err(not_your_studio());
    };
    let today = today();
    let host_in_force = studio_member::is_host_on(db, s.id, t, on).await?
        && (on == today || studio_member::is_host_on(db, s.id, t, today).await?);
    if host_in_force {
        Ok(s)
    } else {
        // The studio's name is not told: the caller may not read this studio.
        Err(not_your_studio())
    }
}

/// Hands a studio to a new host from `on` (HR, ADMIN): the host handover (主持人变更), also the
/// way out for a studio whose host left the county's schools and so has had no host since.
///
/// On `on` the open HOST membership ends (`leftOn` = `on`) and the new host joins as HOST that
/// day. A new host who is already a member in force has that membership end on `on` too, and
/// the HOST membership starts the same day rather than the old row switching role: the record
/// keeps that they were a plain member before `on`, the two rows never overlap (one membership
/// at a time), and only the new row stays open, as the partial unique index on open memberships
/// demands. Their pairs follow them: pairs belong to (studio, mentor), not to a membership row.
///
/// The old host's pairs are left as they are — never deleted, not ended behind anyone's back.
/// A member with active pairs cannot be removed, but a handover (often forced by a departure)
/// must not wait on them: from `on` the old host is no member in force, so rule 7 stops counting
/// their pairs, and the new host or HR ends each one (WITHDRAWN or COMPLETED) when they decide
/// what becomes of the mentee, who keeps their one ACTIVE pair in the studio until then.
pub async fn change_host(
    db: &Db,
    actor: &Actor,
    studio_id: Uuid,
    teacher_id: Uuid,
    on: NaiveDate,
) -> Result<studio::Model> {
    require(actor, Permission::ManageStudios)?;
    let tx = db.begin().await?;
    let s = found(studio::lock(&tx, studio_id).await?, "studio")?;
    if !in_force_on(&s, on) {
        return Err(Error::Conflict(format!(
            "{} is not in force on {on}: only a studio in force changes host",
            s.name
        )));
    }
    let new_host = found(
        store::by_id::<teacher::Entity>(&tx, teacher_id).await?,
        "teacher",
    )?;
    if !employed_on(new_host.hired_on, new_host.left_on, on) {
        return Err(Error::invalid(
            "teacherId",
            format!("{} is not employed on {on}", new_host.name),
        ));
    }
    let memberships = studio_member::of_studio(&tx, s.id).await?;
    // History is not rewritten: a handover comes after every host's start and every membership
    // the new host already has.
    if let Some(later) = memberships.iter().find(|m| {
        m.joined_on > on && (m.role == MemberRole::Host.code() || m.teacher_id == new_host.id)
    }) {
        return Err(Error::Conflict(format!(
            "{} has a membership from {} (after {on}): a handover cannot be dated before it",
            s.name, later.joined_on
        )));
    }
    if studio_member::is_host_on(&tx, s.id, new_host.id, on).await? {
        return Err(Error::Conflict(format!(
            "{} is already the host of {} on {on}",
            new_host.name, s.name
        )));
    }
    let open_on = |m: &studio_member::Model| m.left_on.is_none_or(|l| l > on);
    let mut ended = Vec::new();
    for m in memberships.into_iter().filter(|m| {
        open_on(m) && (m.role == MemberRole::Host.code() || m.teacher_id == new_host.id)
    }) {
        ended.push(json!({ "membershipId": m.id, "teacherId": m.teacher_id, "role": m.role }));
        let mut row = m.into_active_model();
        row.left_on = Set(Some(on));
        row.update(&tx).await?;
    }
    let joined = insert_host_membership(&tx, s.id, new_host.id, on).await?;
    let previous = s.host_teacher_id;
    let mut active = s.into_active_model();
    active.host_teacher_id = Set(new_host.id);
    let model = active.update(&tx).await?;
    commit_recorded(
        tx,
        actor,
        "changeStudioHost",
        studio_id,
        json!({ "from": previous, "to": new_host.id, "on": on,
                "membershipId": joined.id, "ended": ended }),
    )
    .await?;
    Ok(model)
}
