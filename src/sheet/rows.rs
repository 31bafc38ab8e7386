//! The five kinds of sheet of HR's import, each a typed row with its columns. Which columns are
//! required follows the matching GraphQL create input (`CreateSchoolInput`,
//! `CreateTeacherInput`, `AwardDesignationInput`, `SetEnrollmentInput`, `TrainingInput`); a school is named by
//! its name and a teacher by staff number where the API takes ids. Rules that need the
//! database or span fields (a stage the school teaches, `expiresOn` not before `awardedOn`,
//! the school-year range) stay with the service functions the import will call, so they are
//! written once.

use chrono::NaiveDate;

use super::cell;
use super::columns::{Column, Fields, via};
use crate::domain::training::{self, Tenths};
use crate::domain::{
    Area, DesignationKind, Education, Gender, IdNumber, Label, Level, PersonName, StaffNo, Stage,
    SubjectName, TrainingKind,
};

/// A kind of sheet: its columns and how one row becomes a value.
pub trait SheetRow: Sized {
    /// What the sheet holds, for messages and the audit event.
    const KIND: &'static str;
    /// The columns, in the order a template lays them out.
    const COLUMNS: &'static [Column];
    /// Reads one row; `None` when a cell was bad, the problems being kept in `fields`.
    fn read(fields: &mut Fields<'_>) -> Option<Self>;
}

const fn column(field: &'static str, label: &'static str, required: bool) -> Column {
    Column {
        field,
        label,
        required,
    }
}

/// A row of the schools sheet (学校).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SchoolRow {
    pub name: Label,
    pub township: Label,
    pub area: Area,
    pub stages: Vec<Stage>,
}

impl SheetRow for SchoolRow {
    const KIND: &'static str = "schools";
    const COLUMNS: &'static [Column] = &[
        column("name", "学校", true),
        column("township", "乡镇", true),
        column("area", "城区/农村", true),
        column("stages", "学段", true),
    ];

    fn read(f: &mut Fields<'_>) -> Option<Self> {
        let name = f.required("name", via(Label::parse));
        let township = f.required("township", via(Label::parse));
        let area = f.required("area", via(Area::parse));
        let stages = f.required("stages", cell::stages);
        Some(SchoolRow {
            name: name?,
            township: township?,
            area: area?,
            stages: stages?,
        })
    }
}

/// A row of the teachers sheet (教师).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TeacherRow {
    pub staff_no: StaffNo,
    pub name: PersonName,
    pub gender: Gender,
    pub birth_date: Option<NaiveDate>,
    pub id_number: Option<IdNumber>,
    /// The school's name.
    pub school: Label,
    pub stage: Stage,
    pub subject: SubjectName,
    pub education: Education,
    pub hired_on: Option<NaiveDate>,
}

impl SheetRow for TeacherRow {
    const KIND: &'static str = "teachers";
    const COLUMNS: &'static [Column] = &[
        column("staffNo", "工号", true),
        column("name", "姓名", true),
        column("gender", "性别", true),
        column("birthDate", "出生日期", false),
        column("idNumber", "身份证号", false),
        column("school", "学校", true),
        column("stage", "学段", true),
        column("subject", "学科", true),
        column("education", "学历", true),
        column("hiredOn", "入职日期", false),
    ];

    fn read(f: &mut Fields<'_>) -> Option<Self> {
        let staff_no = f.required("staffNo", via(StaffNo::parse));
        let name = f.required("name", via(PersonName::parse));
        let gender = f.required("gender", via(Gender::parse));
        let birth_date = f.optional("birthDate", cell::date);
        let id_number = f.optional("idNumber", via(IdNumber::parse));
        let school = f.required("school", via(Label::parse));
        let stage = f.required("stage", via(Stage::parse));
        let subject = f.required("subject", via(SubjectName::parse));
        let education = f.required("education", via(Education::parse));
        let hired_on = f.optional("hiredOn", cell::date);
        Some(TeacherRow {
            staff_no: staff_no?,
            name: name?,
            gender: gender?,
            birth_date,
            id_number,
            school: school?,
            stage: stage?,
            subject: subject?,
            education: education?,
            hired_on,
        })
    }
}

/// A row of the designations sheet (称号).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DesignationRow {
    pub staff_no: StaffNo,
    pub kind: DesignationKind,
    pub level: Level,
    pub subject: Option<SubjectName>,
    pub batch: Option<Label>,
    pub awarded_on: NaiveDate,
    pub expires_on: Option<NaiveDate>,
    pub certificate_no: Option<Label>,
}

impl SheetRow for DesignationRow {
    const KIND: &'static str = "designations";
    const COLUMNS: &'static [Column] = &[
        column("staffNo", "工号", true),
        column("kind", "称号", true),
        column("level", "级别", true),
        column("subject", "学科", false),
        column("batch", "批次", false),
        column("awardedOn", "认定日期", true),
        column("expiresOn", "有效期至", false),
        column("certificateNo", "证书编号", false),
    ];

    fn read(f: &mut Fields<'_>) -> Option<Self> {
        let staff_no = f.required("staffNo", via(StaffNo::parse));
        let kind = f.required("kind", via(DesignationKind::parse));
        let level = f.required("level", via(Level::parse));
        let subject = f.optional("subject", via(SubjectName::parse));
        let batch = f.optional("batch", via(Label::parse));
        let awarded_on = f.required("awardedOn", cell::date);
        let expires_on = f.optional("expiresOn", cell::date);
        let certificate_no = f.optional("certificateNo", via(Label::parse));
        Some(DesignationRow {
            staff_no: staff_no?,
            kind: kind?,
            level: level?,
            subject,
            batch,
            awarded_on: awarded_on?,
            expires_on,
            certificate_no,
        })
    }
}

/// A row of the enrollments sheet (在校生数).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnrollmentRow {
    /// The school's name.
    pub school: Label,
    /// The calendar year the school year starts in.
    pub school_year: i32,
    pub stage: Stage,
    pub students: i32,
}

impl SheetRow for EnrollmentRow {
    const KIND: &'static str = "enrollments";
    const COLUMNS: &'static [Column] = &[
        column("school", "学校", true),
        column("schoolYear", "学年", true),
        column("stage", "学段", true),
        column("students", "在校生数", true),
    ];

    fn read(f: &mut Fields<'_>) -> Option<Self> {
        let school = f.required("school", via(Label::parse));
        let school_year = f.required("schoolYear", cell::school_year);
        let stage = f.required("stage", via(Stage::parse));
        let students = f.required("students", cell::whole);
        Some(EnrollmentRow {
            school: school?,
            school_year: school_year?,
            stage: stage?,
            students: students?,
        })
    }
}

/// A row of the training records sheet (培训记录): one teacher's completed training, as
/// `recordTraining` takes it with the teacher named by staff number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrainingRow {
    pub staff_no: StaffNo,
    pub title: Label,
    pub level: Level,
    pub kind: TrainingKind,
    pub organiser: Label,
    pub started_on: NaiveDate,
    pub ended_on: NaiveDate,
    pub hours: Tenths,
}

impl SheetRow for TrainingRow {
    const KIND: &'static str = "training-records";
    const COLUMNS: &'static [Column] = &[
        column("staffNo", "工号", true),
        column("title", "培训名称", true),
        column("level", "级别", true),
        column("kind", "类型", true),
        column("organiser", "主办单位", true),
        column("startedOn", "开始日期", true),
        column("endedOn", "结束日期", true),
        column("hours", "学时", true),
    ];

    fn read(f: &mut Fields<'_>) -> Option<Self> {
        let staff_no = f.required("staffNo", via(StaffNo::parse));
        let title = f.required("title", via(Label::parse));
        // 县培 on a training sheet, 县级 as the designations write it, or the code.
        let level = f.required("level", via(training::parse_level));
        let kind = f.required("kind", via(TrainingKind::parse));
        let organiser = f.required("organiser", via(Label::parse));
        let started_on = f.required("startedOn", cell::date);
        let ended_on = f.required("endedOn", cell::date);
        let hours = f.required("hours", cell::hours);
        Some(TrainingRow {
            staff_no: staff_no?,
            title: title?,
            level: level?,
            kind: kind?,
            organiser: organiser?,
            started_on: started_on?,
            ended_on: ended_on?,
            hours: hours?,
        })
    }
}
