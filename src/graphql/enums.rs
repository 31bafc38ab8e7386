//! The API's enumerations, mirrored from the domain's (`remote` derives both conversions).

use async_graphql::Enum;

use crate::domain;

/// Level of a designation or studio (级别), lowest first.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "domain::Level")]
pub enum Level {
    /// School level (校级).
    School,
    /// County level (县级).
    County,
    /// Municipal level (市级).
    Municipal,
    /// Provincial level (省级).
    Provincial,
    /// National level (国家级).
    National,
}

/// Kind of designation in the key-teacher family, lowest first.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "domain::DesignationKind")]
pub enum DesignationKind {
    /// Key teacher (骨干教师).
    KeyTeacher,
    /// Subject leader (学科带头人).
    SubjectLeader,
    /// Master teacher (名师).
    MasterTeacher,
}

/// School stage (学段).
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "domain::Stage")]
pub enum Stage {
    /// Primary school (小学).
    Primary,
    /// Junior middle school (初中).
    Junior,
}

/// Urban or rural (城区/农村).
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "domain::Area")]
pub enum Area {
    /// Urban (城区).
    Urban,
    /// Rural (农村).
    Rural,
}

/// Gender (性别).
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "domain::Gender")]
pub enum Gender {
    /// Female (女).
    Female,
    /// Male (男).
    Male,
}

/// Highest education (学历), lowest first.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "domain::Education")]
pub enum Education {
    /// Secondary vocational (中专).
    Secondary,
    /// Associate degree (大专).
    Associate,
    /// Bachelor's degree (本科).
    Bachelor,
    /// Master's degree (硕士).
    Master,
    /// Doctorate (博士).
    Doctorate,
}

/// Reserve pool (后备库).
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "domain::ReservePool")]
pub enum ReservePool {
    /// Key-teacher reserve pool (骨干教师后备库).
    KeyTeacher,
    /// Principal reserve pool (校长后备人才库).
    Principal,
}

/// A user's role.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "domain::Role")]
pub enum Role {
    /// The leading group's office: everything, users and targets included (管理员).
    Admin,
    /// Personnel office: the registry (人事).
    Hr,
    /// Leadership: reads counts, progress and indicators (领导).
    Leader,
    /// A studio host: runs their own studios (工作室主持人).
    StudioHost,
}

/// A dimension key-teacher counts can be grouped by.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "domain::CountDimension")]
pub enum CountDimension {
    /// Level of the person's top designation (rule 4).
    Level,
    /// Kind of the person's top designation (rule 4).
    Kind,
    /// The teacher's subject.
    Subject,
    /// The teacher's school.
    School,
    /// The school's township.
    Township,
    /// The teacher's stage.
    Stage,
    /// The school's area.
    Area,
    /// The teacher's gender.
    Gender,
}

/// What kind of training a record is (培训类型).
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "domain::TrainingKind")]
pub enum TrainingKind {
    /// A course away from school (集中培训).
    Course,
    /// A study visit (外出学习).
    StudyVisit,
    /// School-based study (校本研修).
    SchoolBased,
    /// Online study (网络研修).
    Online,
}

/// A dimension training compliance can be grouped by.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "domain::ComplianceDimension")]
pub enum ComplianceDimension {
    /// The teacher's school.
    School,
    /// The school's township.
    Township,
    /// The teacher's stage.
    Stage,
    /// The teacher's subject.
    Subject,
}

/// A studio member's role.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "domain::MemberRole")]
pub enum MemberRole {
    /// The studio's host (主持人).
    Host,
    /// A member (成员).
    Member,
}

/// Where a studio stands.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "domain::StudioStatus")]
pub enum StudioStatus {
    /// Planned: not yet established, counts for nothing.
    Planned,
    /// Established and not closed.
    Active,
    /// Closed (by decision or a failed assessment).
    Closed,
}

/// Where a mentoring pair stands.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "domain::PairStatus")]
pub enum PairStatus {
    /// Under way.
    Active,
    /// Ended as planned; still counts toward the quota.
    Completed,
    /// Given up; stops counting from its end date.
    Withdrawn,
}

/// What a mentoring activity was.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "domain::ActivityKind")]
pub enum ActivityKind {
    /// Lesson observation (听课).
    LessonObservation,
    /// Demonstration lesson (示范课).
    DemonstrationLesson,
    /// Collective lesson study (集体教研).
    LessonStudy,
    /// Lecture (讲座).
    Lecture,
    /// Research project (课题).
    ResearchProject,
    /// Anything else.
    Other,
}

/// What a studio output is (工作室成果).
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "domain::OutputKind")]
pub enum OutputKind {
    /// Paper (论文).
    Paper,
    /// Open lesson (公开课).
    OpenLesson,
    /// Research project (课题).
    ResearchProject,
    /// Award (获奖).
    Award,
    /// Outreach to rural schools (送教下乡).
    Outreach,
    /// Teaching resource (教学资源).
    Resource,
}

/// A studio's periodic assessment result (考核).
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "domain::AssessmentResult")]
pub enum AssessmentResult {
    /// Excellent (优秀).
    Excellent,
    /// Pass (合格).
    Pass,
    /// Fail (不合格): closes the studio.
    Fail,
}

/// What a target measures.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "domain::progress::TargetMetric")]
pub enum TargetMetric {
    /// Studios in force at the target's level or above.
    Studios,
    /// Key teachers (distinct people) at the target's level or above, of its kinds.
    KeyTeachers,
    /// Mentees per studio member: the capped mentoring sum against perMember × members.
    MenteesPerMember,
    /// Training compliance (继续教育学时达标): teachers on track with their hours (rule 10)
    /// against goalRatio × teachers employed.
    TrainingCompliance,
    /// Mentees converted to county-or-above key teachers (培养转化), the county's figure
    /// (rule 12), against a fixed goal.
    ConvertedMentees,
}

/// Where a target stands.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "domain::progress::TargetStatus")]
pub enum TargetStatus {
    /// Reached (by the deadline, once it has passed).
    Achieved,
    /// Not reached, but the straight line from the baseline reaches it by the deadline.
    OnTrack,
    /// Not reached, and the line falls short (or there is no line yet).
    AtRisk,
    /// The deadline passed without reaching it.
    Missed,
}

/// How often a progress history takes a point.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "domain::progress::Interval")]
pub enum Interval {
    /// At each month's end.
    Month,
    /// At each quarter's end.
    Quarter,
    /// At each year's end.
    Year,
}

/// Converts a list of API enum values to the domain's.
pub fn to_domain<A: Copy + Into<D>, D>(values: &[A]) -> Vec<D> {
    values.iter().map(|v| (*v).into()).collect()
}
