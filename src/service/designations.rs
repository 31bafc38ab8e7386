//! Awarding and revoking designations (称号).

use chrono::{NaiveDate, Utc};
use sea_orm::{ActiveModelTrait, IntoActiveModel, Set};
use serde_json::json;
use uuid::Uuid;

use super::teachers::check_subject;
use super::{commit_recorded, found, require};
use crate::domain::{Actor, DesignationKind, Label, Level, Permission, SubjectName, rules};
use crate::error::{Error, FieldContext, Result};
use crate::store::{self, Db, designation, key_span, teacher};

/// A designation to award.
#[derive(Debug, Clone)]
pub struct NewDesignation {
    pub teacher_id: Uuid,
    pub kind: DesignationKind,
    pub level: Level,
    pub subject: Option<SubjectName>,
    pub batch: Option<Label>,
    pub awarded_on: NaiveDate,
    pub expires_on: Option<NaiveDate>,
    pub certificate_no: Option<Label>,
}

pub async fn award(db: &Db, actor: &Actor, input: NewDesignation) -> Result<designation::Model> {
    require(actor, Permission::WriteRegistry)?;
    check_dates(&input)?;
    let tx = db.begin().await?;
    let teacher = found(
        store::by_id::<teacher::Entity>(&tx, input.teacher_id).await?,
        "teacher",
    )?;
    employed_when_awarded(&teacher, input.awarded_on)?;
    if let Some(subject) = &input.subject {
        check_subject(&tx, "subject", subject).await?;
    }
    if let Some(cert) = &input.certificate_no
        && designation::by_certificate_no(&tx, cert.as_str())
            .await?
            .is_some()
    {
        return Err(certificate_taken(cert.as_str()));
    }
    let duplicate = designation::same_award(
        &tx,
        teacher.id,
        input.kind.rank(),
        input.level.rank(),
        input.awarded_on,
    )
    .await?;
    if duplicate.is_some() {
        return Err(Error::Conflict(format!(
            "{} already holds this {} {} designation awarded on {}",
            teacher.name, input.level, input.kind, input.awarded_on
        )));
    }
    let (kind, level) = (input.kind.code(), input.level.code());
    let model = new_row(input, Utc::now()).insert(&tx).await?;
    key_span::refresh(&tx, &[model.teacher_id]).await?;
    commit_recorded(
        tx,
        actor,
        "awardDesignation",
        model.id,
        json!({
            "teacherId": teacher.id, "kind": kind, "level": level,
            "awardedOn": model.awarded_on, "expiresOn": model.expires_on, "batch": model.batch,
        }),
    )
    .await?;
    Ok(model)
}

/// A designation does not expire before it is awarded.
pub(crate) fn check_dates(input: &NewDesignation) -> Result<()> {
    match input.expires_on {
        Some(expires) if expires < input.awarded_on => {
            Err(Error::invalid("expiresOn", "must not be before awardedOn"))
        }
        _ => Ok(()),
    }
}

/// A teacher is awarded a designation only while employed.
pub(crate) fn employed_when_awarded(teacher: &teacher::Model, awarded_on: NaiveDate) -> Result<()> {
    match teacher.left_on {
        Some(left) if awarded_on >= left => Err(Error::Conflict(format!(
            "{} left on {left} and cannot be awarded a designation after that",
            teacher.name
        ))),
        _ => Ok(()),
    }
}

/// A certificate number is recorded once.
pub(crate) fn certificate_taken(certificate_no: &str) -> Error {
    Error::Conflict(format!(
        "certificate number {certificate_no} is already recorded"
    ))
}

/// The row of a designation whose rules have been checked.
pub(crate) fn new_row(
    input: NewDesignation,
    now: chrono::DateTime<Utc>,
) -> designation::ActiveModel {
    designation::ActiveModel {
        id: Set(Uuid::now_v7()),
        teacher_id: Set(input.teacher_id),
        kind: Set(input.kind.rank()),
        level: Set(input.level.rank()),
        subject: Set(input.subject.map(SubjectName::into_string)),
        batch: Set(input.batch.map(Label::into_string)),
        awarded_on: Set(input.awarded_on),
        expires_on: Set(input.expires_on),
        revoked_on: Set(None),
        revoke_reason: Set(None),
        certificate_no: Set(input.certificate_no.map(Label::into_string)),
        created_at: Set(now),
    }
}

/// Revokes a designation (撤销): in force up to the day before `revoked_on`.
pub async fn revoke(
    db: &Db,
    actor: &Actor,
    id: Uuid,
    revoked_on: NaiveDate,
    reason: Label,
) -> Result<designation::Model> {
    require(actor, Permission::WriteRegistry)?;
    let tx = db.begin().await?;
    let before = found(designation::by_id(&tx, id).await?, "designation")?;
    if let Some(on) = before.revoked_on {
        return Err(Error::Conflict(format!(
            "the designation was already revoked on {on}"
        )));
    }
    crate::domain::rules::not_before(revoked_on, before.awarded_on, "the award")
        .field("revokedOn")?;
    let mut active = before.into_active_model();
    active.revoked_on = Set(Some(revoked_on));
    active.revoke_reason = Set(Some(reason.into_string()));
    let after = active.update(&tx).await?;
    key_span::refresh(&tx, &[after.teacher_id]).await?;
    commit_recorded(
        tx,
        actor,
        "revokeDesignation",
        id,
        json!({ "revokedOn": revoked_on, "reason": after.revoke_reason }),
    )
    .await?;
    Ok(after)
}

pub async fn designation(db: &Db, id: Uuid) -> Result<Option<designation::Model>> {
    Ok(designation::by_id(&db.read, id).await?)
}

/// Rule 4's top designation of one teacher on `d`: of those in force (rule 2), the highest
/// level, then the highest kind. The counts choose the same in SQL (`store::counts`).
pub fn top_in_force(rows: Vec<designation::Model>, d: NaiveDate) -> Option<designation::Model> {
    rows.into_iter()
        .filter(|x| rules::designation_in_force_on(x.awarded_on, x.expires_on, x.revoked_on, d))
        .max_by_key(|x| (x.level, x.kind))
}
