//! The registry's enumerations. Each has a stable code (its API name, also what the database
//! stores for unordered ones) and, where the rules compare values, a rank (1 = lowest) that the
//! database stores instead so comparisons and "highest first" are integer operations.

use super::Invalid;

/// Declares an enumeration with its codes; `ranked` ones also get `rank`/`from_rank`.
macro_rules! coded_enum {
    ($(#[$meta:meta])* $name:ident { $($variant:ident = $code:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name { $($variant),+ }

        impl $name {
            /// Every value, lowest first.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The stable code: the API name and what the database stores.
            pub fn code(self) -> &'static str {
                match self { $($name::$variant => $code),+ }
            }

            /// Parses a code as `code` writes it.
            pub fn from_code(code: &str) -> Result<Self, Invalid> {
                match code {
                    $($code => Ok($name::$variant),)+
                    other => Err(Invalid(format!("unknown {} code {other:?}", stringify!($name)))),
                }
            }

            /// The position in the order, 1 = lowest.
            pub fn rank(self) -> i16 {
                Self::ALL.iter().position(|v| *v == self).map_or(0, |i| i as i16 + 1)
            }

            /// The value at a rank, as `rank` gives it.
            pub fn from_rank(rank: i16) -> Result<Self, Invalid> {
                usize::try_from(rank - 1)
                    .ok()
                    .and_then(|i| Self::ALL.get(i).copied())
                    .ok_or_else(|| Invalid(format!("no {} of rank {rank}", stringify!($name))))
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.code())
            }
        }
    };
}

coded_enum!(
    /// Level of a designation or studio (级别), lowest first.
    Level { School = "SCHOOL", County = "COUNTY", Municipal = "MUNICIPAL", Provincial = "PROVINCIAL", National = "NATIONAL" }
);
coded_enum!(
    /// Kind of designation in the key-teacher family, lowest first.
    DesignationKind { KeyTeacher = "KEY_TEACHER", SubjectLeader = "SUBJECT_LEADER", MasterTeacher = "MASTER_TEACHER" }
);
coded_enum!(
    /// School stage (学段).
    Stage { Primary = "PRIMARY", Junior = "JUNIOR" }
);
coded_enum!(
    /// Urban or rural school (城区/农村).
    Area { Urban = "URBAN", Rural = "RURAL" }
);
coded_enum!(
    /// Gender as the registry records it.
    Gender { Female = "FEMALE", Male = "MALE" }
);
coded_enum!(
    /// Highest education (学历), lowest first.
    Education { Secondary = "SECONDARY", Associate = "ASSOCIATE", Bachelor = "BACHELOR", Master = "MASTER", Doctorate = "DOCTORATE" }
);
coded_enum!(
    /// Reserve pool (后备库).
    ReservePool { KeyTeacher = "KEY_TEACHER", Principal = "PRINCIPAL" }
);
coded_enum!(
    /// A user's role, which decides what it may read and change.
    Role { Admin = "ADMIN", Hr = "HR", Leader = "LEADER", StudioHost = "STUDIO_HOST" }
);
coded_enum!(
    /// A dimension `keyTeacherCounts` can group by.
    CountDimension { Level = "LEVEL", Kind = "KIND", Subject = "SUBJECT", School = "SCHOOL", Township = "TOWNSHIP", Stage = "STAGE", Area = "AREA", Gender = "GENDER" }
);

coded_enum!(
    /// What kind of training a record is (rule 9).
    TrainingKind { Course = "COURSE", StudyVisit = "STUDY_VISIT", SchoolBased = "SCHOOL_BASED", Online = "ONLINE" }
);
coded_enum!(
    /// A dimension `trainingCompliance` can group by.
    ComplianceDimension { School = "SCHOOL", Township = "TOWNSHIP", Stage = "STAGE", Subject = "SUBJECT" }
);

coded_enum!(
    /// A studio member's role.
    MemberRole { Host = "HOST", Member = "MEMBER" }
);
coded_enum!(
    /// Where a studio stands: planned (no establishment date yet), active, or closed.
    StudioStatus { Planned = "PLANNED", Active = "ACTIVE", Closed = "CLOSED" }
);
coded_enum!(
    /// Where a mentoring pair stands.
    PairStatus { Active = "ACTIVE", Completed = "COMPLETED", Withdrawn = "WITHDRAWN" }
);
coded_enum!(
    /// What a mentoring activity was.
    ActivityKind { LessonObservation = "LESSON_OBSERVATION", DemonstrationLesson = "DEMONSTRATION_LESSON", LessonStudy = "LESSON_STUDY", Lecture = "LECTURE", ResearchProject = "RESEARCH_PROJECT", Other = "OTHER" }
);
coded_enum!(
    /// What a studio output is (工作室成果, rule 11).
    OutputKind { Paper = "PAPER", OpenLesson = "OPEN_LESSON", ResearchProject = "RESEARCH_PROJECT", Award = "AWARD", Outreach = "OUTREACH", Resource = "RESOURCE" }
);
coded_enum!(
    /// A studio's periodic assessment (考核); a FAIL closes the studio.
    AssessmentResult { Excellent = "EXCELLENT", Pass = "PASS", Fail = "FAIL" }
);

/// Gives an enumeration its Chinese labels (as HR's sheets and the glossary write them) and a
/// `parse` that takes either spelling, so a sheet and the API accept the same values.
macro_rules! labelled {
    ($name:ident { $($variant:ident = $label:literal),+ $(,)? }) => {
        impl $name {
            /// The Chinese label of the glossary.
            pub fn label(self) -> &'static str {
                match self { $($name::$variant => $label),+ }
            }

            /// The value with this Chinese label.
            pub fn from_label(label: &str) -> Result<Self, Invalid> {
                match label {
                    $($label => Ok($name::$variant),)+
                    _ => Err(Self::refusal()),
                }
            }

            /// A Chinese label or a code (any letter case), trimmed.
            pub fn parse(text: &str) -> Result<Self, Invalid> {
                let text = text.trim();
                Self::from_label(text)
                    .or_else(|_| Self::from_code(&text.to_ascii_uppercase()))
                    .map_err(|_| Self::refusal())
            }

            fn refusal() -> Invalid {
                let labels: Vec<&str> = Self::ALL.iter().map(|v| v.label()).collect();
                let codes: Vec<&str> = Self::ALL.iter().map(|v| v.code()).collect();
                Invalid(format!("must be one of {} (or {})", labels.join(", "), codes.join(", ")))
            }
        }
    };
}

labelled!(Level { School = "校级", County = "县级", Municipal = "市级", Provincial = "省级", National = "国家级" });
labelled!(DesignationKind { KeyTeacher = "骨干教师", SubjectLeader = "学科带头人", MasterTeacher = "名师" });
labelled!(TrainingKind { Course = "集中培训", StudyVisit = "外出学习", SchoolBased = "校本研修", Online = "网络研修" });
labelled!(Stage { Primary = "小学", Junior = "初中" });
labelled!(Area { Urban = "城区", Rural = "农村" });
labelled!(Gender { Female = "女", Male = "男" });
labelled!(Education { Secondary = "中专", Associate = "大专", Bachelor = "本科", Master = "硕士", Doctorate = "博士" });

impl Role {
    /// Parses the command line's spelling (`studio-host`) as well as the API's (`STUDIO_HOST`).
    pub fn parse_cli(text: &str) -> Result<Self, Invalid> {
        Role::from_code(&text.trim().to_ascii_uppercase().replace('-', "_"))
    }
}

/// A top designation as the counts store it: level rank × 10 + kind rank, so the maximum over a
/// teacher's designations is "highest level first, then highest kind" (rule 4).
pub fn top_rank(level: Level, kind: DesignationKind) -> i32 {
    i32::from(level.rank()) * 10 + i32::from(kind.rank())
}

/// Splits a value of `top_rank` back into level and kind.
pub fn from_top_rank(top: i32) -> Result<(Level, DesignationKind), Invalid> {
    let level = i16::try_from(top / 10).map_err(|_| Invalid::new("rank out of range"))?;
    let kind = i16::try_from(top % 10).map_err(|_| Invalid::new("rank out of range"))?;
    Ok((Level::from_rank(level)?, DesignationKind::from_rank(kind)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranks_follow_the_glossary_order() {
        assert_eq!(Level::School.rank(), 1);
        assert_eq!(Level::National.rank(), 5);
        assert!(Level::County < Level::Municipal);
        assert_eq!(DesignationKind::MasterTeacher.rank(), 3);
        assert_eq!(Education::Associate.rank(), 2);
        assert_eq!(Education::from_rank(4), Ok(Education::Master));
        assert!(Education::from_rank(0).is_err());
        assert!(Education::from_rank(6).is_err());
    }

    #[test]
    fn codes_round_trip() {
        for level in Level::ALL {
            assert_eq!(Level::from_code(level.code()), Ok(*level));
        }
        assert!(Level::from_code("county").is_err());
    }

    #[test]
    fn top_rank_orders_level_before_kind() {
        let municipal_key = top_rank(Level::Municipal, DesignationKind::KeyTeacher);
        let county_master = top_rank(Level::County, DesignationKind::MasterTeacher);
        assert!(municipal_key > county_master);
        assert_eq!(
            from_top_rank(county_master),
            Ok((Level::County, DesignationKind::MasterTeacher))
        );
    }

    #[test]
    fn labels_and_codes_both_parse() {
        assert_eq!(Level::parse(" 县级 "), Ok(Level::County));
        assert_eq!(Level::parse("national"), Ok(Level::National));
        assert_eq!(
            DesignationKind::parse("学科带头人"),
            Ok(DesignationKind::SubjectLeader)
        );
        assert_eq!(Gender::parse("男"), Ok(Gender::Male));
        assert_eq!(Education::parse("BACHELOR"), Ok(Education::Bachelor));
        assert_eq!(Area::from_label("农村"), Ok(Area::Rural));
        assert_eq!(Stage::Junior.label(), "初中");
        for education in Education::ALL {
            assert_eq!(Education::parse(education.label()), Ok(*education));
        }
    }

    #[test]
    fn a_refused_label_names_the_allowed_values() {
        let refusal = Gender::parse("未知").unwrap_err();
        assert_eq!(refusal.0, "must be one of 女, 男 (or FEMALE, MALE)");
        assert!(Stage::from_label("PRIMARY").is_err());
    }

    #[test]
    fn cli_role_spellings() {
        assert_eq!(Role::parse_cli("studio-host"), Ok(Role::StudioHost));
        assert_eq!(Role::parse_cli("HR"), Ok(Role::Hr));
        assert!(Role::parse_cli("root").is_err());
    }
}
