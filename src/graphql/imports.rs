//! HR's sheets over GraphQL: a multipart upload (the GraphQL multipart request spec) of an
//! .xlsx or .csv file to one of five mutations, each calling the same import service as the
//! command line. A sheet with bad rows is refused as a whole with `BAD_USER_INPUT`, its
//! problems listed in `extensions.problems` (`row`, `column`, `value`, `reason`) and counted
//! in `extensions.problemCount`.

use async_graphql::{Context, Enum, Object, Result, SimpleObject, Upload};

use super::error::Api;
use super::viewer;
use crate::error::Error;
use crate::service::import::{self, ImportReport as Report, SheetKind};

/// What an import did, or in a dry run would do.
#[derive(SimpleObject)]
pub struct ImportReport {
    /// What the sheet held.
    pub kind: SheetKindValue,
    /// The uploaded file's name.
    pub file_name: String,
    /// Data rows read (the header not counted).
    pub rows: i64,
    /// Records created.
    pub created: i64,
    /// Records that existed and were changed by the sheet.
    pub updated: i64,
    /// Records that existed and already said what the sheet says.
    pub unchanged: i64,
    /// Headers that named no known column: their cells were ignored.
    pub unknown_columns: Vec<String>,
    /// True when nothing was written (a dry run): the counts say what a real run would do.
    pub dry_run: bool,
}

/// The kinds of sheet HR load.
#[derive(Enum, Copy, Clone, Eq, PartialEq)]
#[graphql(name = "SheetKind")]
pub enum SheetKindValue {
    /// 学校: name, township, area, stages.
    Schools,
    /// 教师: staff number, name, school, stage, subject…
    Teachers,
    /// 称号: staff number, kind, level, award date…
    Designations,
    /// 在校生数: school, school year, stage, students.
    Enrollments,
    /// 培训记录: staff number, title, level, kind, organiser, first and last day, hours.
    TrainingRecords,
}

impl From<SheetKind> for SheetKindValue {
    fn from(k: SheetKind) -> Self {
        match k {
            SheetKind::Schools => SheetKindValue::Schools,
            SheetKind::Teachers => SheetKindValue::Teachers,
            SheetKind::Designations => SheetKindValue::Designations,
            SheetKind::Enrollments => SheetKindValue::Enrollments,
            SheetKind::TrainingRecords => SheetKindValue::TrainingRecords,
        }
    }
}

impl From<Report> for ImportReport {
    fn from(r: Report) -> Self {
        let count = |n: u64| i64::try_from(n).unwrap_or(i64::MAX);
        ImportReport {
            kind: r.kind.into(),
            file_name: r.file_name,
            rows: count(r.rows),
            created: count(r.created),
            updated: count(r.updated),
            unchanged: count(r.unchanged),
            unknown_columns: r.unknown_columns,
            dry_run: r.dry_run,
        }
    }
}

/// The import mutations (HR, ADMIN).
#[derive(Default)]
pub struct ImportMutation;

async fn run(
    ctx: &Context<'_>,
    kind: SheetKind,
    file: Upload,
    dry_run: Option<bool>,
) -> Result<ImportReport> {
    let (actor, db) = viewer(ctx)?;
    import::may_import(actor).api()?;
    let upload = file.value(ctx).map_err(|_| {
        super::error::to_graphql(&Error::invalid(
            "file",
            "no file arrived: send the sheet as a multipart request (the GraphQL multipart request spec)",
        ))
    })?;
    let report = import::import(
        db,
        actor,
        kind,
        &upload.filename,
        &upload.content,
        dry_run.unwrap_or(false),
        &|_, _| {},
    )
    .await
    .api()?;
    Ok(report.into())
}

/// The import mutations (HR, ADMIN): each loads one sheet all or nothing.
#[Object]
impl ImportMutation {
    /// Loads a schools sheet (学校, 乡镇, 城区/农村, 学段), matched by name.
    async fn import_schools(
        &self,
        ctx: &Context<'_>,
        file: Upload,
        dry_run: Option<bool>,
    ) -> Result<ImportReport> {
        run(ctx, SheetKind::Schools, file, dry_run).await
    }

    /// Loads a teachers sheet (工号, 姓名, 性别, 出生日期, 身份证号, 学校, 学段, 学科, 学历,
    /// 入职日期), matched by staff number.
    async fn import_teachers(
        &self,
        ctx: &Context<'_>,
        file: Upload,
        dry_run: Option<bool>,
    ) -> Result<ImportReport> {
        run(ctx, SheetKind::Teachers, file, dry_run).await
    }

    /// Loads a designations sheet (工号, 称号, 级别, 学科, 批次, 认定日期, 有效期至, 证书编号),
    /// matched by staff number, kind, level and award date.
    async fn import_designations(
        &self,
        ctx: &Context<'_>,
        file: Upload,
        dry_run: Option<bool>,
    ) -> Result<ImportReport> {
        run(ctx, SheetKind::Designations, file, dry_run).await
    }

    /// Loads an enrollments sheet (学校, 学年, 学段, 在校生数), matched by school, year and stage.
    async fn import_enrollments(
        &self,
        ctx: &Context<'_>,
        file: Upload,
        dry_run: Option<bool>,
    ) -> Result<ImportReport> {
        run(ctx, SheetKind::Enrollments, file, dry_run).await
    }

    /// Loads a training records sheet (工号, 培训名称, 级别, 类型, 主办单位, 开始日期, 结束日期,
    /// 学时), each row checked as `recordTraining` checks it (rule 9); matched by staff number,
    /// title, first and last day. Levels as 国培/省培/市培/县培/校本研修 or the codes.
    async fn import_training_records(
        &self,
        ctx: &Context<'_>,
        file: Upload,
        dry_run: Option<bool>,
    ) -> Result<ImportReport> {
        run(ctx, SheetKind::TrainingRecords, file, dry_run).await
    }
}
