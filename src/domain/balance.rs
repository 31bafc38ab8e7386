//! The national balanced-development indicators for teachers (domain README): per (school,
//! stage) unit, teachers per 100 students; per stage, the student-weighted county value and
//! the gap coefficient (差异系数) against the thresholds of the 2017 national measures.

use super::{Education, Stage};

/// The three teacher indicators.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Indicator {
    KeyTeachers,
    HigherEducation,
    PeArts,
}

impl Indicator {
    pub const ALL: [Indicator; 3] = [
        Indicator::KeyTeachers,
        Indicator::HigherEducation,
        Indicator::PeArts,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Indicator::KeyTeachers => "KEY_TEACHERS",
            Indicator::HigherEducation => "HIGHER_EDUCATION",
            Indicator::PeArts => "PE_ARTS",
        }
    }

    /// Teachers per 100 students a unit must reach.
    pub fn threshold(self, stage: Stage) -> f64 {
        match (self, stage) {
            (Indicator::KeyTeachers, _) => 1.0,
            (Indicator::HigherEducation, Stage::Primary) => 4.2,
            (Indicator::HigherEducation, Stage::Junior) => 5.3,
            (Indicator::PeArts, _) => 0.9,
        }
    }
}

/// The gap coefficient a stage must not exceed.
pub fn gap_limit(stage: Stage) -> f64 {
    match stage {
        Stage::Primary => 0.50,
        Stage::Junior => 0.45,
    }
}

/// The education that counts as higher than required for a stage.
pub fn higher_education_floor(stage: Stage) -> Education {
    match stage {
        Stage::Primary => Education::Associate,
        Stage::Junior => Education::Bachelor,
    }
}

/// The subjects counted as PE and arts.
pub const PE_ARTS_SUBJECTS: [&str; 3] = ["体育与健康", "音乐", "美术"];

/// One unit's students and counted teachers for one indicator.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct UnitCount {
    pub students: i64,
    pub counted: i64,
}

/// A unit's value: 100 × counted / students (units have students > 0).
pub fn per_100(counted: i64, students: i64) -> f64 {
    if students > 0 {
        100.0 * counted as f64 / students as f64
    } else {
        0.0
    }
}

/// A stage's summary of one indicator.
#[derive(Debug, Clone, PartialEq)]
pub struct Summary {
    pub county_value: f64,
    pub threshold: f64,
    pub gap_coefficient: f64,
    pub gap_limit: f64,
    pub passes: bool,
    pub units_below_threshold: i64,
}

/// X = 100 × Σ counted / Σ students; CV = sqrt(Σ (pᵢ/P)(xᵢ − X)²) / X, 0 when X is 0.
pub fn summarize(indicator: Indicator, stage: Stage, units: &[UnitCount]) -> Summary {
    let students: i64 = units.iter().map(|u| u.students).sum();
    let counted: i64 = units.iter().map(|u| u.counted).sum();
    let county_value = per_100(counted, students);
    let gap_coefficient = if county_value == 0.0 || students == 0 {
        0.0
    } else {
        let variance: f64 = units
            .iter()
            .map(|u| {
                let x = per_100(u.counted, u.students);
                (u.students as f64 / students as f64) * (x - county_value).powi(2)
            })
            .sum();
        variance.sqrt() / county_value
    };
    let threshold = indicator.threshold(stage);
    let limit = gap_limit(stage);
    Summary {
        county_value,
        threshold,
        gap_coefficient,
        gap_limit: limit,
        passes: gap_coefficient <= limit,
        units_below_threshold: units
            .iter()
            .filter(|u| per_100(u.counted, u.students) < threshold)
            .count() as i64,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-9
    }

    #[test]
    fn gap_coefficient_against_a_hand_computed_case() {
        // Units: 1000 students with 10 counted (x = 1.0), 500 with 2 (x = 0.4), 500 with 8
        // (x = 1.6). X = 100 × 20 / 2000 = 1.0.
        // Σ (p/P)(x − X)² = 0.5 × 0 + 0.25 × 0.36 + 0.25 × 0.36 = 0.18; CV = sqrt(0.18) / 1.0.
        let units = [
            UnitCount {
                students: 1000,
                counted: 10,
            },
            UnitCount {
                students: 500,
                counted: 2,
            },
            UnitCount {
                students: 500,
                counted: 8,
            },
        ];
        let s = summarize(Indicator::KeyTeachers, Stage::Primary, &units);
        assert!(close(s.county_value, 1.0));
        assert!(close(s.gap_coefficient, 0.18f64.sqrt()));
        assert!(close(s.gap_coefficient, 0.424_264_068_711_928_5));
        assert!(s.passes, "0.424 ≤ 0.50");
        assert_eq!(s.units_below_threshold, 1);
        // The junior limit is stricter (0.45), and 0.424 still passes it.
        let j = summarize(Indicator::KeyTeachers, Stage::Junior, &units);
        assert!(j.passes);
        assert_eq!(j.gap_limit, 0.45);
    }

    #[test]
    fn a_wide_spread_fails_and_zero_is_reported_as_zero() {
        // x = 0 and x = 2.0 on equal students: X = 1.0, CV = 1.0.
        let units = [
            UnitCount {
                students: 400,
                counted: 0,
            },
            UnitCount {
                students: 400,
                counted: 8,
            },
        ];
        let s = summarize(Indicator::PeArts, Stage::Junior, &units);
        assert!(close(s.gap_coefficient, 1.0));
        assert!(!s.passes);
        assert_eq!(s.threshold, 0.9);
        let none = summarize(
            Indicator::HigherEducation,
            Stage::Primary,
            &[UnitCount {
                students: 300,
                counted: 0,
            }],
        );
        assert_eq!((none.county_value, none.gap_coefficient), (0.0, 0.0));
        assert!(none.passes);
        assert_eq!(none.units_below_threshold, 1);
        assert_eq!(none.threshold, 4.2);
    }
}
