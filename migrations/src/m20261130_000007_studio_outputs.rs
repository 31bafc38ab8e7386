//! Studio outputs (工作室成果, rule 11): papers, open lessons, research projects, awards,
//! outreach (送教下乡) and resources, each belonging to one studio and dated, with its authors
//! from the studio's members.
//!
//! The authors sit in their own table, one row per output and teacher, so that "outputs a
//! member wrote" is a join and one author is never named twice on an output (the key). That
//! each author was a member in force on the date is checked by the service under the studio
//! lock: it depends on memberships and employment, which no constraint can see.

use sea_orm_migration::prelude::*;

use crate::util::{created_at, fk, id, in_list, index};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum StudioOutputs {
    Table,
    Id,
    StudioId,
    Kind,
    Title,
    Date,
    Level,
}

#[derive(DeriveIden)]
enum StudioOutputAuthors {
    Table,
    OutputId,
    TeacherId,
}

#[derive(DeriveIden)]
enum Studios {
    Table,
    Id,
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
                    .table(StudioOutputs::Table)
                    .col(id())
                    .col(ColumnDef::new(StudioOutputs::StudioId).uuid().not_null())
                    .col(
                        ColumnDef::new(StudioOutputs::Kind)
                            .string()
                            .not_null()
                            .check(in_list(
                                StudioOutputs::Kind,
                                &[
                                    "PAPER",
                                    "OPEN_LESSON",
                                    "RESEARCH_PROJECT",
                                    "AWARD",
                                    "OUTREACH",
                                    "RESOURCE",
                                ],
                            )),
                    )
                    .col(ColumnDef::new(StudioOutputs::Title).string().not_null())
                    .col(ColumnDef::new(StudioOutputs::Date).date().not_null())
                    .col(
                        ColumnDef::new(StudioOutputs::Level)
                            .small_integer()
                            .not_null()
                            .check(Expr::col(StudioOutputs::Level).between(1, 5)),
                    )
                    .col(created_at())
                    .foreign_key(&mut fk(
                        (StudioOutputs::Table, StudioOutputs::StudioId),
                        (Studios::Table, Studios::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "ix_studio_outputs_studio_date",
                StudioOutputs::Table,
                &["studio_id", "date"],
            ))
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(StudioOutputAuthors::Table)
                    .col(
                        ColumnDef::new(StudioOutputAuthors::OutputId)
                            .uuid()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(StudioOutputAuthors::TeacherId)
                            .uuid()
                            .not_null(),
                    )
                    .primary_key(
                        Index::create()
                            .col(StudioOutputAuthors::OutputId)
                            .col(StudioOutputAuthors::TeacherId),
                    )
                    .foreign_key(&mut fk(
                        (StudioOutputAuthors::Table, StudioOutputAuthors::OutputId),
                        (StudioOutputs::Table, StudioOutputs::Id),
                    ))
                    .foreign_key(&mut fk(
                        (StudioOutputAuthors::Table, StudioOutputAuthors::TeacherId),
                        (Teachers::Table, Teachers::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "ix_studio_output_authors_teacher",
                StudioOutputAuthors::Table,
                &["teacher_id"],
            ))
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in ["studio_output_authors", "studio_outputs"] {
            manager
                .drop_table(Table::drop().table(Alias::new(table)).to_owned())
                .await?;
        }
        Ok(())
    }
}
