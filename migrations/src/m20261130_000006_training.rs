//! Training records (培训记录, issue 14, rules 9 and 10): one row per teacher and completed
//! training. Hours are kept as whole tenths (rule 9 allows one decimal) so that the cycle sums
//! the compliance counts compare are exact integers.

use sea_orm_migration::prelude::*;

use crate::util::{created_at, fk, id, in_list, index};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum TrainingRecords {
    Table,
    TeacherId,
    Title,
    Level,
    Kind,
    Organiser,
    StartedOn,
    EndedOn,
    Tenths,
}

#[derive(DeriveIden)]
enum Teachers {
    Table,
    Id,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(TrainingRecords::Table)
                    .col(id())
                    .col(ColumnDef::new(TrainingRecords::TeacherId).uuid().not_null())
                    .col(ColumnDef::new(TrainingRecords::Title).string().not_null())
                    // Rank of `Level`, 1 = SCHOOL (校本) … 5 = NATIONAL (国培).
                    .col(
                        ColumnDef::new(TrainingRecords::Level)
                            .small_integer()
                            .not_null()
                            .check(Expr::col(TrainingRecords::Level).between(1, 5)),
                    )
                    .col(
                        ColumnDef::new(TrainingRecords::Kind)
                            .string()
                            .not_null()
                            .check(in_list(
                                TrainingRecords::Kind,
                                &["COURSE", "STUDY_VISIT", "SCHOOL_BASED", "ONLINE"],
                            )),
                    )
                    .col(
                        ColumnDef::new(TrainingRecords::Organiser)
                            .string()
                            .not_null(),
                    )
                    .col(ColumnDef::new(TrainingRecords::StartedOn).date().not_null())
                    .col(ColumnDef::new(TrainingRecords::EndedOn).date().not_null())
                    .col(
                        ColumnDef::new(TrainingRecords::Tenths)
                            .integer()
                            .not_null()
                            .check(Expr::col(TrainingRecords::Tenths).gt(0)),
                    )
                    .col(created_at())
                    .check(
                        Expr::col(TrainingRecords::EndedOn)
                            .gte(Expr::col(TrainingRecords::StartedOn)),
                    )
                    .foreign_key(&mut fk(
                        (TrainingRecords::Table, TrainingRecords::TeacherId),
                        (Teachers::Table, Teachers::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        // A teacher's hours in a cycle, and the compliance sums per teacher, read records by
        // teacher and end date.
        manager
            .create_index(index(
                "ix_training_records_teacher_ended",
                TrainingRecords::Table,
                &["teacher_id", "ended_on", "tenths"],
            ))
            .await?;
        manager
            .create_index(index(
                "ix_training_records_ended",
                TrainingRecords::Table,
                &["ended_on", "teacher_id", "tenths"],
            ))
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(TrainingRecords::Table).to_owned())
            .await
    }
}
