//! Targets as data, seeded with the county plan's three (domain README, "What the plan asks
//! for"), so leadership can add a 2026–2028 plan without a release.

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
    MinLevel,
    Kinds,
    BaselineOn,
    Deadline,
    RetiredOn,
    CreatedAt,
    UpdatedAt,
}

const ALL_KINDS: &str = "KEY_TEACHER,SUBJECT_LEADER,MASTER_TEACHER";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Targets::Table)
                    .col(ColumnDef::new(Targets::Id).uuid().not_null().primary_key())
                    .col(
                        ColumnDef::new(Targets::Code)
                            .string()
                            .not_null()
                            .unique_key(),
                    )
                    .col(ColumnDef::new(Targets::Title).string().not_null())
                    .col(ColumnDef::new(Targets::Metric).string().not_null().check(
                        Expr::col(Targets::Metric).is_in([
                            "STUDIOS",
                            "KEY_TEACHERS",
                            "MENTEES_PER_MEMBER",
                        ]),
                    ))
                    .col(ColumnDef::new(Targets::Goal).integer().null())
                    .col(ColumnDef::new(Targets::PerMember).integer().null())
                    .col(
                        ColumnDef::new(Targets::MinLevel)
                            .small_integer()
                            .not_null()
                            .check(Expr::col(Targets::MinLevel).between(1, 5)),
                    )
                    // Kind codes, comma-separated: a short, fixed vocabulary.
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
                    .check(Expr::col(Targets::Deadline).gt(Expr::col(Targets::BaselineOn)))
                    // A quota target has a per-member quota and no fixed goal; the others the
                    // reverse.
                    .check(
                        Expr::col(Targets::Metric)
                            .eq("MENTEES_PER_MEMBER")
                            .and(Expr::col(Targets::PerMember).gt(0))
                            .and(Expr::col(Targets::Goal).is_null())
                            .or(Expr::col(Targets::Metric)
                                .ne("MENTEES_PER_MEMBER")
                                .and(Expr::col(Targets::Goal).gt(0))
                                .and(Expr::col(Targets::PerMember).is_null())),
                    )
                    .to_owned(),
            )
            .await?;

        // The plan's targets, dated from the plan (2023-04-10) to the end of 2025. Studios
        // count at county level or above (the plan's 10 studios); the mentoring quota covers
        // every member of every studio (rule 7 names no level), hence its SCHOOL floor.
        // Fixed ids keep every database's seed identical.
        let seeds: [(&str, &str, &str, &str, Option<i32>, Option<i32>, i16); 3] = [
            (
                "01877a3c-4c00-7000-8000-000000000001",
                "STUDIOS_2025",
                "到2025年，建成10个名师工作室",
                "STUDIOS",
                Some(10),
                None,
                2,
            ),
            (
                "01877a3c-4c00-7000-8000-000000000002",
                "KEY_TEACHERS_2025",
                "到2025年，培养450名县级（含）以上学科带头人和骨干教师",
                "KEY_TEACHERS",
                Some(450),
                None,
                2,
            ),
            (
                "01877a3c-4c00-7000-8000-000000000003",
                "MENTORING_2025",
                "每个工作室成员结对培养3名骨干教师",
                "MENTEES_PER_MEMBER",
                None,
                Some(3),
                1,
            ),
        ];
        let baseline = "2023-04-10";
        let deadline = "2025-12-31";
        let mut insert = Query::insert();
        insert.into_table(Targets::Table).columns([
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
            Targets::CreatedAt,
            Targets::UpdatedAt,
        ]);
        let backend = manager.get_database_backend();
        // Typed literals on PostgreSQL; SQLite keeps dates and instants as the same text
        // the application writes.
        let typed = |text: &str, pg_type: &str| -> SimpleExpr {
            match backend {
                sea_orm::DbBackend::Postgres => Expr::val(text).cast_as(Alias::new(pg_type)),
                _ => Expr::val(text),
            }
        };
        let seeded_at = "2023-04-10T00:00:00+00:00";
        let uuid = |id: &str| -> Result<SimpleExpr, DbErr> {
            let parsed = sea_orm::prelude::Uuid::parse_str(id)
                .map_err(|e| DbErr::Migration(e.to_string()))?;
            Ok(Expr::val(parsed))
        };
        for (id, code, title, metric, goal, per_member, min_level) in seeds {
            insert.values_panic([
                uuid(id)?,
                code.into(),
                title.into(),
                metric.into(),
                goal.into(),
                per_member.into(),
                min_level.into(),
                ALL_KINDS.into(),
                typed(baseline, "date"),
                typed(deadline, "date"),
                typed(seeded_at, "timestamptz"),
                typed(seeded_at, "timestamptz"),
            ]);
        }
        manager.exec_stmt(insert).await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(Targets::Table).to_owned())
            .await
    }
}
