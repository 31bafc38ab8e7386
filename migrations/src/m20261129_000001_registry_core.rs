//! The registry core: subjects, schools, enrollments, teachers, designations, reserve-pool
//! entries, users, their tokens and the audit trail.
//!
//! Enumerations with an order the counting rules compare (level, designation kind, education)
//! are stored as small integers (their rank, 1 = lowest), so "level ≥ COUNTY" and "highest
//! designation first" are plain integer comparisons the database can index and aggregate.
//! Unordered enumerations are stored as their API names, checked by CHECK constraints.

use sea_orm_migration::prelude::*;

use crate::util::{id, in_list, index};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The subject reference list of the domain glossary, in its order.
const SUBJECTS: [&str; 18] = [
    "语文",
    "数学",
    "英语",
    "道德与法治",
    "科学",
    "物理",
    "化学",
    "生物",
    "历史",
    "地理",
    "音乐",
    "美术",
    "体育与健康",
    "信息科技",
    "劳动",
    "综合实践活动",
    "心理健康",
    "特殊教育",
];

#[derive(DeriveIden)]
enum Subjects {
    Table,
    Name,
    Position,
}

#[derive(DeriveIden)]
enum Schools {
    Table,
    Id,
    Name,
    Township,
    Area,
    HasPrimary,
    HasJunior,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Enrollments {
    Table,
    SchoolId,
    SchoolYear,
    Stage,
    Students,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Teachers {
    Table,
    Id,
    StaffNo,
    Name,
    Gender,
    BirthDate,
    IdNumber,
    SchoolId,
    Stage,
    Subject,
    Education,
    HiredOn,
    LeftOn,
    LeaveReason,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Designations {
    Table,
    TeacherId,
    Kind,
    Level,
    Subject,
    Batch,
    AwardedOn,
    ExpiresOn,
    RevokedOn,
    RevokeReason,
    CertificateNo,
    CreatedAt,
}

#[derive(DeriveIden)]
enum ReserveEntries {
    Table,
    TeacherId,
    Pool,
    EnteredOn,
    LeftOn,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
    Username,
    Role,
    TeacherId,
    PasswordHash,
    DisabledAt,
    CreatedAt,
}

#[derive(DeriveIden)]
enum ApiTokens {
    Table,
    UserId,
    TokenHash,
    Label,
    CreatedAt,
    ExpiresAt,
    RevokedAt,
}

#[derive(DeriveIden)]
enum AuditEvents {
    Table,
    At,
    Actor,
    Operation,
    EntityId,
    Details,
}

fn rank_between(col: impl IntoIden, max: i32) -> SimpleExpr {
    Expr::col(col).between(1, max)
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Subjects::Table)
                    .col(
                        ColumnDef::new(Subjects::Name)
                            .string()
                            .not_null()
                            .primary_key(),
                    )
                    .col(ColumnDef::new(Subjects::Position).integer().not_null())
                    .to_owned(),
            )
            .await?;
        let mut seed = Query::insert();
        seed.into_table(Subjects::Table)
            .columns([Subjects::Name, Subjects::Position]);
        for (i, name) in SUBJECTS.iter().enumerate() {
            seed.values_panic([(*name).into(), (i as i32 + 1).into()]);
        }
        manager.exec_stmt(seed).await?;

        manager
            .create_table(
                Table::create()
                    .table(Schools::Table)
                    .col(id())
                    .col(
                        ColumnDef::new(Schools::Name)
                            .string()
                            .not_null()
                            .unique_key(),
                    )
                    .col(ColumnDef::new(Schools::Township).string().not_null())
                    .col(
                        ColumnDef::new(Schools::Area)
                            .string()
                            .not_null()
                            .check(in_list(Schools::Area, &["URBAN", "RURAL"])),
                    )
                    .col(ColumnDef::new(Schools::HasPrimary).boolean().not_null())
                    .col(ColumnDef::new(Schools::HasJunior).boolean().not_null())
                    .col(
                        ColumnDef::new(Schools::CreatedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .check(Expr::col(Schools::HasPrimary).or(Expr::col(Schools::HasJunior)))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index("ix_schools_township", Schools::Table, &["township"]))
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Enrollments::Table)
                    .col(id())
                    .col(ColumnDef::new(Enrollments::SchoolId).uuid().not_null())
                    .col(ColumnDef::new(Enrollments::SchoolYear).integer().not_null())
                    .col(
                        ColumnDef::new(Enrollments::Stage)
                            .string()
                            .not_null()
                            .check(in_list(Enrollments::Stage, &["PRIMARY", "JUNIOR"])),
                    )
                    .col(
                        ColumnDef::new(Enrollments::Students)
                            .integer()
                            .not_null()
                            .check(Expr::col(Enrollments::Students).gte(0)),
                    )
                    .col(
                        ColumnDef::new(Enrollments::UpdatedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(Enrollments::Table, Enrollments::SchoolId)
                            .to(Schools::Table, Schools::Id)
                            .on_delete(ForeignKeyAction::Restrict),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                index(
                    "ux_enrollments_school_year_stage",
                    Enrollments::Table,
                    &["school_id", "school_year", "stage"],
                )
                .unique()
                .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "ix_enrollments_year",
                Enrollments::Table,
                &["school_year"],
            ))
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Teachers::Table)
                    .col(id())
                    .col(
                        ColumnDef::new(Teachers::StaffNo)
                            .string()
                            .not_null()
                            .unique_key(),
                    )
                    .col(ColumnDef::new(Teachers::Name).string().not_null())
                    .col(
                        ColumnDef::new(Teachers::Gender)
                            .string()
                            .not_null()
                            .check(in_list(Teachers::Gender, &["FEMALE", "MALE"])),
                    )
                    .col(ColumnDef::new(Teachers::BirthDate).date().null())
                    .col(
                        ColumnDef::new(Teachers::IdNumber)
                            .string()
                            .null()
                            .unique_key(),
                    )
                    .col(ColumnDef::new(Teachers::SchoolId).uuid().not_null())
                    .col(
                        ColumnDef::new(Teachers::Stage)
                            .string()
                            .not_null()
                            .check(in_list(Teachers::Stage, &["PRIMARY", "JUNIOR"])),
                    )
                    .col(ColumnDef::new(Teachers::Subject).string().not_null())
                    .col(
                        ColumnDef::new(Teachers::Education)
                            .small_integer()
                            .not_null()
                            .check(rank_between(Teachers::Education, 5)),
                    )
                    .col(ColumnDef::new(Teachers::HiredOn).date().null())
                    .col(ColumnDef::new(Teachers::LeftOn).date().null())
                    .col(ColumnDef::new(Teachers::LeaveReason).string().null())
                    .col(
                        ColumnDef::new(Teachers::CreatedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(Teachers::UpdatedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .check(
                        Expr::col(Teachers::LeftOn)
                            .is_null()
                            .or(Expr::col(Teachers::HiredOn).is_null())
                            .or(Expr::col(Teachers::LeftOn).gt(Expr::col(Teachers::HiredOn))),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(Teachers::Table, Teachers::SchoolId)
                            .to(Schools::Table, Schools::Id)
                            .on_delete(ForeignKeyAction::Restrict),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(Teachers::Table, Teachers::Subject)
                            .to(Subjects::Table, Subjects::Name)
                            .on_delete(ForeignKeyAction::Restrict),
                    )
                    .to_owned(),
            )
            .await?;
        for (name, cols) in [
            ("ix_teachers_school", &["school_id", "stage"][..]),
            ("ix_teachers_stage", &["stage"][..]),
            ("ix_teachers_subject", &["subject"][..]),
            ("ix_teachers_name", &["name"][..]),
            ("ix_teachers_left_on", &["left_on"][..]),
        ] {
            manager
                .create_index(index(name, Teachers::Table, cols))
                .await?;
        }

        manager
            .create_table(
                Table::create()
                    .table(Designations::Table)
                    .col(id())
                    .col(ColumnDef::new(Designations::TeacherId).uuid().not_null())
                    .col(
                        ColumnDef::new(Designations::Kind)
                            .small_integer()
                            .not_null()
                            .check(rank_between(Designations::Kind, 3)),
                    )
                    .col(
                        ColumnDef::new(Designations::Level)
                            .small_integer()
                            .not_null()
                            .check(rank_between(Designations::Level, 5)),
                    )
                    .col(ColumnDef::new(Designations::Subject).string().null())
                    .col(ColumnDef::new(Designations::Batch).string().null())
                    .col(ColumnDef::new(Designations::AwardedOn).date().not_null())
                    .col(ColumnDef::new(Designations::ExpiresOn).date().null())
                    .col(ColumnDef::new(Designations::RevokedOn).date().null())
                    .col(ColumnDef::new(Designations::RevokeReason).string().null())
                    .col(
                        ColumnDef::new(Designations::CertificateNo)
                            .string()
                            .null()
                            .unique_key(),
                    )
                    .col(
                        ColumnDef::new(Designations::CreatedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .check(Expr::col(Designations::ExpiresOn).is_null().or(
                        Expr::col(Designations::ExpiresOn).gte(Expr::col(Designations::AwardedOn)),
                    ))
                    .check(Expr::col(Designations::RevokedOn).is_null().or(
                        Expr::col(Designations::RevokedOn).gte(Expr::col(Designations::AwardedOn)),
                    ))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Designations::Table, Designations::TeacherId)
                            .to(Teachers::Table, Teachers::Id)
                            .on_delete(ForeignKeyAction::Restrict),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(Designations::Table, Designations::Subject)
                            .to(Subjects::Table, Subjects::Name)
                            .on_delete(ForeignKeyAction::Restrict),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "ix_designations_teacher",
                Designations::Table,
                &["teacher_id"],
            ))
            .await?;
        // The same award entered twice (a double submit, a re-run import) is refused.
        manager
            .create_index(
                index(
                    "ux_designations_award",
                    Designations::Table,
                    &["teacher_id", "kind", "level", "awarded_on"],
                )
                .unique()
                .to_owned(),
            )
            .await?;
        // Serves the counting query, which scans designations by level and award date.
        manager
            .create_index(index(
                "ix_designations_level_awarded",
                Designations::Table,
                &["level", "awarded_on", "teacher_id"],
            ))
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(ReserveEntries::Table)
                    .col(id())
                    .col(ColumnDef::new(ReserveEntries::TeacherId).uuid().not_null())
                    .col(
                        ColumnDef::new(ReserveEntries::Pool)
                            .string()
                            .not_null()
                            .check(in_list(ReserveEntries::Pool, &["KEY_TEACHER", "PRINCIPAL"])),
                    )
                    .col(ColumnDef::new(ReserveEntries::EnteredOn).date().not_null())
                    .col(ColumnDef::new(ReserveEntries::LeftOn).date().null())
                    .col(
                        ColumnDef::new(ReserveEntries::CreatedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .check(Expr::col(ReserveEntries::LeftOn).is_null().or(
                        Expr::col(ReserveEntries::LeftOn).gte(Expr::col(ReserveEntries::EnteredOn)),
                    ))
                    .foreign_key(
                        ForeignKey::create()
                            .from(ReserveEntries::Table, ReserveEntries::TeacherId)
                            .to(Teachers::Table, Teachers::Id)
                            .on_delete(ForeignKeyAction::Restrict),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "ix_reserve_entries_teacher",
                ReserveEntries::Table,
                &["teacher_id"],
            ))
            .await?;
        manager
            .create_index(index(
                "ix_reserve_entries_pool",
                ReserveEntries::Table,
                &["pool", "teacher_id"],
            ))
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Users::Table)
                    .col(id())
                    .col(
                        ColumnDef::new(Users::Username)
                            .string()
                            .not_null()
                            .unique_key(),
                    )
                    .col(
                        ColumnDef::new(Users::Role)
                            .string()
                            .not_null()
                            .check(in_list(
                                Users::Role,
                                &["ADMIN", "HR", "LEADER", "STUDIO_HOST"],
                            )),
                    )
                    .col(ColumnDef::new(Users::TeacherId).uuid().null())
                    .col(ColumnDef::new(Users::PasswordHash).string().null())
                    .col(
                        ColumnDef::new(Users::DisabledAt)
                            .timestamp_with_time_zone()
                            .null(),
                    )
                    .col(
                        ColumnDef::new(Users::CreatedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(Users::Table, Users::TeacherId)
                            .to(Teachers::Table, Teachers::Id)
                            .on_delete(ForeignKeyAction::Restrict),
                    )
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(ApiTokens::Table)
                    .col(id())
                    .col(ColumnDef::new(ApiTokens::UserId).uuid().not_null())
                    .col(
                        ColumnDef::new(ApiTokens::TokenHash)
                            .string()
                            .not_null()
                            .unique_key(),
                    )
                    .col(ColumnDef::new(ApiTokens::Label).string().not_null())
                    .col(
                        ColumnDef::new(ApiTokens::CreatedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(ApiTokens::ExpiresAt)
                            .timestamp_with_time_zone()
                            .null(),
                    )
                    .col(
                        ColumnDef::new(ApiTokens::RevokedAt)
                            .timestamp_with_time_zone()
                            .null(),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(ApiTokens::Table, ApiTokens::UserId)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index("ix_api_tokens_user", ApiTokens::Table, &["user_id"]))
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(AuditEvents::Table)
                    .col(id())
                    .col(
                        ColumnDef::new(AuditEvents::At)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .col(ColumnDef::new(AuditEvents::Actor).string().not_null())
                    .col(ColumnDef::new(AuditEvents::Operation).string().not_null())
                    .col(ColumnDef::new(AuditEvents::EntityId).uuid().null())
                    .col(ColumnDef::new(AuditEvents::Details).text().null())
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "ix_audit_events_entity",
                AuditEvents::Table,
                &["entity_id"],
            ))
            .await?;

        // A teacher sits in a reserve pool at most once at a time; the same partial index
        // syntax works on SQLite and PostgreSQL.
        manager
            .get_connection()
            .execute_unprepared(
                "CREATE UNIQUE INDEX ux_reserve_entries_open ON reserve_entries (teacher_id, pool) \
                 WHERE left_on IS NULL",
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            Alias::new("audit_events"),
            Alias::new("api_tokens"),
            Alias::new("users"),
            Alias::new("reserve_entries"),
            Alias::new("designations"),
            Alias::new("teachers"),
            Alias::new("enrollments"),
            Alias::new("schools"),
            Alias::new("subjects"),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
