//! Key-teacher spans (issue 13): per teacher, the stretches of days with one top designation
//! (see `domain::spans` in the service), and the net change they make to the count on each
//! day, by level and kind. Both are derived from `teachers` and `designations` and rewritten in
//! the same transaction as every change to them.
//!
//! A migration cannot run the service's code, so it only creates the tables and marks them
//! unbuilt in `derived_tables`; the service builds them right after migrating (and a restored
//! backup from before this migration gets them the same way).

use sea_orm_migration::prelude::*;

use crate::util::index;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum KeyTeacherSpans {
    Table,
    TeacherId,
    FromOn,
    UntilOn,
    Level,
    Kind,
    SchoolId,
}

#[derive(DeriveIden)]
enum KeyTeacherChanges {
    Table,
    Day,
    Level,
    Kind,
    Delta,
}

#[derive(DeriveIden)]
enum DerivedTables {
    Table,
    Name,
    BuiltAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(KeyTeacherSpans::Table)
                    .col(ColumnDef::new(KeyTeacherSpans::TeacherId).uuid().not_null())
                    .col(ColumnDef::new(KeyTeacherSpans::FromOn).date().not_null())
                    // exclusive; NULL: no end
                    .col(ColumnDef::new(KeyTeacherSpans::UntilOn).date().null())
                    .col(
                        ColumnDef::new(KeyTeacherSpans::Level)
                            .small_integer()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(KeyTeacherSpans::Kind)
                            .small_integer()
                            .not_null(),
                    )
                    .col(ColumnDef::new(KeyTeacherSpans::SchoolId).uuid().not_null())
                    .primary_key(
                        Index::create()
                            .col(KeyTeacherSpans::TeacherId)
                            .col(KeyTeacherSpans::FromOn),
                    )
                    .to_owned(),
            )
            .await?;
        // Counts read every span at level ≥ L and nothing else: this index covers them.
        manager
            .create_index(index(
                "ix_key_teacher_spans_count",
                KeyTeacherSpans::Table,
                &["level", "from_on", "until_on", "kind", "school_id"],
            ))
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(KeyTeacherChanges::Table)
                    .col(ColumnDef::new(KeyTeacherChanges::Day).date().not_null())
                    .col(
                        ColumnDef::new(KeyTeacherChanges::Level)
                            .small_integer()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(KeyTeacherChanges::Kind)
                            .small_integer()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(KeyTeacherChanges::Delta)
                            .big_integer()
                            .not_null(),
                    )
                    .primary_key(
                        Index::create()
                            .col(KeyTeacherChanges::Day)
                            .col(KeyTeacherChanges::Level)
                            .col(KeyTeacherChanges::Kind),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(DerivedTables::Table)
                    .col(
                        ColumnDef::new(DerivedTables::Name)
                            .string()
                            .not_null()
                            .primary_key(),
                    )
                    .col(
                        ColumnDef::new(DerivedTables::BuiltAt)
                            .timestamp_with_time_zone()
                            .null(),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .exec_stmt(
                Query::insert()
                    .into_table(DerivedTables::Table)
                    .columns([DerivedTables::Name])
                    .values_panic(["key_teacher_spans".into()])
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            DerivedTables::Table.into_iden(),
            KeyTeacherChanges::Table.into_iden(),
            KeyTeacherSpans::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
