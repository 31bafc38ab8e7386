//! Targets on the growth measures (issue 14, item 4): `TRAINING_COMPLIANCE`, whose goal is a
//! ratio (e.g. 95 % of employed teachers on track, rule 10), and `CONVERTED_MENTEES`, a count
//! of mentees converted (rule 12).
//!
//! The ratio is stored in basis points (`goal_ratio_bp`, 9500 for 0.95): an integer keeps
//! the comparison "on track ≥ ratio × employed" exact in SQL and Rust alike, where a float
//! column would make 0.95 × 200 a question of rounding.
//!
//! The table's CHECK constraints name the metrics and the goal shape of each. SQLite cannot
//! alter a CHECK and PostgreSQL named the old ones itself, so the table is rebuilt the same
//! way on both: a new table with the new constraints, the rows copied, the old table
//! dropped, the new one renamed. Nothing references `targets` by foreign key.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Targets {
    Table,
    Id,
    Code,
    Title,
    Metric,
    Goal,
    PerMember,
    GoalRatioBp,
    MinLevel,
    Kinds,
    BaselineOn,
    Deadline,
    RetiredOn,
    CreatedAt,
    UpdatedAt,
}

const METRICS: [&str; 5] = [
    "STUDIOS",
    "KEY_TEACHERS",
    "MENTEES_PER_MEMBER",
    "TRAINING_COMPLIANCE",
    "CONVERTED_MENTEES",
];

/// The columns the old table had, in the order both copies list them.
const OLD_COLUMNS: [Targets; 13] = [
    Targets::Id,
    Targets::Code,
    Targets::Title,
    Targets::Metric,
    Targets::Goal,
    Targets::PerMember,
    Targets::MinLevel,
    Targets::Kinds,
    Targets::BaselineOn,
    Targets::Deadline,
    Targets::RetiredOn,
    Targets::CreatedAt,
    Targets::UpdatedAt,
];

fn table(name: impl IntoIden, metrics: &[&str], with_ratio: bool) -> TableCreateStatement {
    let mut t = Table::create();
    t.table(name)
        .col(ColumnDef::new(Targets::Id).uuid().not_null().primary_key())
        .col(
            ColumnDef::new(Targets::Code)
                .string()
                .not_null()
                .unique_key(),
        )
        .col(ColumnDef::new(Targets::Title).string().not_null())
        .col(
            ColumnDef::new(Targets::Metric)
                .string()
                .not_null()
                .check(Expr::col(Targets::Metric).is_in(metrics.iter().copied())),
        )
        .col(ColumnDef::new(Targets::Goal).integer().null())
        .col(ColumnDef::new(Targets::PerMember).integer().null());
    if with_ratio {
        t.col(ColumnDef::new(Targets::GoalRatioBp).integer().null());
    }
    t.col(
        ColumnDef::new(Targets::MinLevel)
            .small_integer()
            .not_null()
            .check(Expr::col(Targets::MinLevel).between(1, 5)),
    )
    .col(ColumnDef::new(Targets::Kinds).string().not_null())
    .col(ColumnDef::new(Targets::BaselineOn).date().not_null())
    .col(ColumnDef::new(Targets::Deadline).date().not_null())
    .col(ColumnDef::new(Targets::RetiredOn).date().null())
    .col(
        ColumnDef::new(Targets::CreatedAt)
            .timestamp_with_time_zone()
            .not_null(),
    )
    .col(
        ColumnDef::new(Targets::UpdatedAt)
            .timestamp_with_time_zone()
            .not_null(),
    )
    .check(Expr::col(Targets::Deadline).gt(Expr::col(Targets::BaselineOn)));
    let quota = Expr::col(Targets::Metric)
        .eq("MENTEES_PER_MEMBER")
        .and(Expr::col(Targets::PerMember).gt(0))
        .and(Expr::col(Targets::Goal).is_null());
    let counted = Expr::col(Targets::Metric)
        .is_in(["STUDIOS", "KEY_TEACHERS", "CONVERTED_MENTEES"])
        .and(Expr::col(Targets::Goal).gt(0))
        .and(Expr::col(Targets::PerMember).is_null());
    if with_ratio {
        // A quota has a per-member quota; a ratio target a ratio in (0, 1]; the others a
        // fixed goal — each exactly one of the three.
        let no_ratio = Expr::col(Targets::GoalRatioBp).is_null();
        let ratio = Expr::col(Targets::Metric)
            .eq("TRAINING_COMPLIANCE")
            .and(Expr::col(Targets::GoalRatioBp).between(1, 10_000))
            .and(Expr::col(Targets::Goal).is_null())
            .and(Expr::col(Targets::PerMember).is_null());
        t.check(
            quota
                .and(no_ratio.clone())
                .or(counted.and(no_ratio))
                .or(ratio),
        );
    } else {
        t.check(quota.or(counted));
    }
    t.to_owned()
}

async fn rebuild(
    manager: &SchemaManager<'_>,
    metrics: &[&str],
    with_ratio: bool,
) -> Result<(), DbErr> {
    let next = Alias::new("targets_next");
    manager
        .create_table(table(next.clone(), metrics, with_ratio))
        .await?;
    // Going down, a ratio target has no place in the old table: it is left out rather than
    // given a made-up goal.
    let mut rows = Query::select();
    rows.columns(OLD_COLUMNS).from(Targets::Table);
    if !with_ratio {
        rows.and_where(Expr::col(Targets::Metric).is_in(METRICS[..3].iter().copied()));
    }
    manager
        .exec_stmt(
            Query::insert()
                .into_table(next.clone())
                .columns(OLD_COLUMNS)
                .select_from(rows)
                .map_err(|e| DbErr::Migration(e.to_string()))?
                .to_owned(),
        )
        .await?;
    manager
        .drop_table(Table::drop().table(Targets::Table).to_owned())
        .await?;
    manager
        .rename_table(Table::rename().table(next, Targets::Table).to_owned())
        .await
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        rebuild(manager, &METRICS, true).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        rebuild(manager, &METRICS[..3], false).await
    }
}
