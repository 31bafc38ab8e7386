//! Master-teacher studios (名师工作室), their members, mentoring pairs (结对培养), the pairs'
//! activities and the studios' periodic assessments.
//!
//! The rules a database can hold are constraints here, so that concurrent requests cannot
//! break them whatever the service checks: one open membership per teacher and studio, one
//! ACTIVE pair per mentee and studio, mentor ≠ mentee, end dates not before start dates.
//! The per-member capacity is checked by the service under a lock on the studio row.

use sea_orm_migration::prelude::*;

use crate::util::{created_at, fk, id, in_list, index};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Studios {
    Table,
    Id,
    Name,
    Subject,
    Level,
    SchoolId,
    HostTeacherId,
    Status,
    EstablishedOn,
    ClosedOn,
    MenteeCapacity,
}

#[derive(DeriveIden)]
enum StudioMembers {
    Table,
    StudioId,
    TeacherId,
    Role,
    JoinedOn,
    LeftOn,
}

#[derive(DeriveIden)]
enum MentoringPairs {
    Table,
    Id,
    StudioId,
    MentorTeacherId,
    MenteeTeacherId,
    StartedOn,
    EndedOn,
    Status,
    Goal,
}

#[derive(DeriveIden)]
enum MentoringActivities {
    Table,
    PairId,
    Date,
    Kind,
    Hours,
    Notes,
}

#[derive(DeriveIden)]
enum StudioAssessments {
    Table,
    StudioId,
    Cycle,
    Result,
    AssessedOn,
    Notes,
}

#[derive(DeriveIden)]
enum Schools {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Teachers {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Subjects {
    Table,
    Name,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Studios::Table)
                    .col(id())
                    .col(
                        ColumnDef::new(Studios::Name)
                            .string()
                            .not_null()
                            .unique_key(),
                    )
                    .col(ColumnDef::new(Studios::Subject).string().not_null())
                    .col(
                        ColumnDef::new(Studios::Level)
                            .small_integer()
                            .not_null()
                            .check(Expr::col(Studios::Level).between(1, 5)),
                    )
                    .col(ColumnDef::new(Studios::SchoolId).uuid().not_null())
                    .col(ColumnDef::new(Studios::HostTeacherId).uuid().not_null())
                    .col(
                        ColumnDef::new(Studios::Status)
                            .string()
                            .not_null()
                            .check(in_list(Studios::Status, &["PLANNED", "ACTIVE", "CLOSED"])),
                    )
                    .col(ColumnDef::new(Studios::EstablishedOn).date().null())
                    .col(ColumnDef::new(Studios::ClosedOn).date().null())
                    .col(
                        ColumnDef::new(Studios::MenteeCapacity)
                            .integer()
                            .null()
                            .check(Expr::col(Studios::MenteeCapacity).gt(0)),
                    )
                    .col(created_at())
                    // A studio is closed only after it was established, and not before.
                    .check(Expr::col(Studios::ClosedOn).is_null().or(
                        Expr::col(Studios::EstablishedOn).is_not_null().and(
                            Expr::col(Studios::ClosedOn).gte(Expr::col(Studios::EstablishedOn)),
                        ),
                    ))
                    .foreign_key(&mut fk(
                        (Studios::Table, Studios::SchoolId),
                        (Schools::Table, Schools::Id),
                    ))
                    .foreign_key(&mut fk(
                        (Studios::Table, Studios::HostTeacherId),
                        (Teachers::Table, Teachers::Id),
                    ))
                    .foreign_key(&mut fk(
                        (Studios::Table, Studios::Subject),
                        (Subjects::Table, Subjects::Name),
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "ix_studios_host",
                Studios::Table,
                &["host_teacher_id"],
            ))
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(StudioMembers::Table)
                    .col(id())
                    .col(ColumnDef::new(StudioMembers::StudioId).uuid().not_null())
                    .col(ColumnDef::new(StudioMembers::TeacherId).uuid().not_null())
                    .col(
                        ColumnDef::new(StudioMembers::Role)
                            .string()
                            .not_null()
                            .check(in_list(StudioMembers::Role, &["HOST", "MEMBER"])),
                    )
                    .col(ColumnDef::new(StudioMembers::JoinedOn).date().not_null())
                    .col(ColumnDef::new(StudioMembers::LeftOn).date().null())
                    .col(created_at())
                    .check(Expr::col(StudioMembers::LeftOn).is_null().or(
                        Expr::col(StudioMembers::LeftOn).gte(Expr::col(StudioMembers::JoinedOn)),
                    ))
                    .foreign_key(&mut fk(
                        (StudioMembers::Table, StudioMembers::StudioId),
                        (Studios::Table, Studios::Id),
                    ))
                    .foreign_key(&mut fk(
                        (StudioMembers::Table, StudioMembers::TeacherId),
                        (Teachers::Table, Teachers::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "ix_studio_members_studio",
                StudioMembers::Table,
                &["studio_id", "joined_on"],
            ))
            .await?;
        manager
            .create_index(index(
                "ix_studio_members_teacher",
                StudioMembers::Table,
                &["teacher_id"],
            ))
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(MentoringPairs::Table)
                    .col(id())
                    .col(ColumnDef::new(MentoringPairs::StudioId).uuid().not_null())
                    .col(
                        ColumnDef::new(MentoringPairs::MentorTeacherId)
                            .uuid()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(MentoringPairs::MenteeTeacherId)
                            .uuid()
                            .not_null(),
                    )
                    .col(ColumnDef::new(MentoringPairs::StartedOn).date().not_null())
                    .col(ColumnDef::new(MentoringPairs::EndedOn).date().null())
                    .col(
                        ColumnDef::new(MentoringPairs::Status)
                            .string()
                            .not_null()
                            .check(in_list(
                                MentoringPairs::Status,
                                &["ACTIVE", "COMPLETED", "WITHDRAWN"],
                            )),
                    )
                    .col(ColumnDef::new(MentoringPairs::Goal).text().null())
                    .col(created_at())
                    .check(
                        Expr::col(MentoringPairs::MentorTeacherId)
                            .ne(Expr::col(MentoringPairs::MenteeTeacherId)),
                    )
                    .check(
                        Expr::col(MentoringPairs::EndedOn)
                            .is_null()
                            .or(Expr::col(MentoringPairs::EndedOn)
                                .gte(Expr::col(MentoringPairs::StartedOn))),
                    )
                    // An ACTIVE pair has no end; an ended one has an end date.
                    .check(
                        Expr::col(MentoringPairs::Status)
                            .eq("ACTIVE")
                            .eq(Expr::col(MentoringPairs::EndedOn).is_null()),
                    )
                    .foreign_key(&mut fk(
                        (MentoringPairs::Table, MentoringPairs::StudioId),
                        (Studios::Table, Studios::Id),
                    ))
                    .foreign_key(&mut fk(
                        (MentoringPairs::Table, MentoringPairs::MentorTeacherId),
                        (Teachers::Table, Teachers::Id),
                    ))
                    .foreign_key(&mut fk(
                        (MentoringPairs::Table, MentoringPairs::MenteeTeacherId),
                        (Teachers::Table, Teachers::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "ix_mentoring_pairs_studio_mentor",
                MentoringPairs::Table,
                &["studio_id", "mentor_teacher_id", "started_on"],
            ))
            .await?;
        manager
            .create_index(index(
                "ix_mentoring_pairs_mentor",
                MentoringPairs::Table,
                &["mentor_teacher_id"],
            ))
            .await?;
        manager
            .create_index(index(
                "ix_mentoring_pairs_mentee",
                MentoringPairs::Table,
                &["mentee_teacher_id"],
            ))
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(MentoringActivities::Table)
                    .col(id())
                    .col(
                        ColumnDef::new(MentoringActivities::PairId)
                            .uuid()
                            .not_null(),
                    )
                    .col(ColumnDef::new(MentoringActivities::Date).date().not_null())
                    .col(
                        ColumnDef::new(MentoringActivities::Kind)
                            .string()
                            .not_null()
                            .check(in_list(
                                MentoringActivities::Kind,
                                &[
                                    "LESSON_OBSERVATION",
                                    "DEMONSTRATION_LESSON",
                                    "LESSON_STUDY",
                                    "LECTURE",
                                    "RESEARCH_PROJECT",
                                    "OTHER",
                                ],
                            )),
                    )
                    .col(
                        ColumnDef::new(MentoringActivities::Hours)
                            .double()
                            .not_null()
                            .check(
                                Expr::col(MentoringActivities::Hours)
                                    .gt(0)
                                    .and(Expr::col(MentoringActivities::Hours).lte(24)),
                            ),
                    )
                    .col(ColumnDef::new(MentoringActivities::Notes).text().null())
                    .col(created_at())
                    .foreign_key(&mut fk(
                        (MentoringActivities::Table, MentoringActivities::PairId),
                        (MentoringPairs::Table, MentoringPairs::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "ix_mentoring_activities_pair",
                MentoringActivities::Table,
                &["pair_id", "date"],
            ))
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(StudioAssessments::Table)
                    .col(id())
                    .col(
                        ColumnDef::new(StudioAssessments::StudioId)
                            .uuid()
                            .not_null(),
                    )
                    .col(ColumnDef::new(StudioAssessments::Cycle).string().not_null())
                    .col(
                        ColumnDef::new(StudioAssessments::Result)
                            .string()
                            .not_null()
                            .check(in_list(
                                StudioAssessments::Result,
                                &["EXCELLENT", "PASS", "FAIL"],
                            )),
                    )
                    .col(
                        ColumnDef::new(StudioAssessments::AssessedOn)
                            .date()
                            .not_null(),
                    )
                    .col(ColumnDef::new(StudioAssessments::Notes).text().null())
                    .col(created_at())
                    .foreign_key(&mut fk(
                        (StudioAssessments::Table, StudioAssessments::StudioId),
                        (Studios::Table, Studios::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                index(
                    "ux_studio_assessments_cycle",
                    StudioAssessments::Table,
                    &["studio_id", "cycle"],
                )
                .unique()
                .to_owned(),
            )
            .await?;

        let conn = manager.get_connection();
        // No teacher is a member twice at once in one studio (the open membership; closed
        // overlaps are checked by the service under the studio lock).
        conn.execute_unprepared(
            "CREATE UNIQUE INDEX ux_studio_members_open ON studio_members (studio_id, teacher_id) \
             WHERE left_on IS NULL",
        )
        .await?;
        // A mentee has at most one ACTIVE pair per studio (rule 8).
        conn.execute_unprepared(
            "CREATE UNIQUE INDEX ux_mentoring_pairs_active_mentee \
             ON mentoring_pairs (studio_id, mentee_teacher_id) WHERE status = 'ACTIVE'",
        )
        .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            "studio_assessments",
            "mentoring_activities",
            "mentoring_pairs",
            "studio_members",
            "studios",
        ] {
            manager
                .drop_table(Table::drop().table(Alias::new(table)).to_owned())
                .await?;
        }
        Ok(())
    }
}
