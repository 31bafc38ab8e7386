//! The hours a mentoring activity took: more than 0 and at most 24 (one day), as a finite
//! number. JSON carries no NaN or infinity, but the check does not rely on that.

use super::Invalid;

/// Hours spent on one activity, in (0, 24].
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd)]
pub struct Hours(f64);

impl Hours {
    pub const MAX: f64 = 24.0;

    pub fn parse(hours: f64) -> Result<Self, Invalid> {
        if hours.is_finite() && hours > 0.0 && hours <= Self::MAX {
            Ok(Hours(hours))
        } else {
            Err(Invalid::new("must be more than 0 and at most 24"))
        }
    }

    pub fn get(self) -> f64 {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn the_bounds() {
        assert_eq!(Hours::parse(1.5).map(Hours::get), Ok(1.5));
        assert!(Hours::parse(24.0).is_ok());
        assert!(Hours::parse(0.0).is_err());
        assert!(Hours::parse(-0.0).is_err());
        assert!(Hours::parse(24.000_001).is_err());
        assert!(Hours::parse(f64::NAN).is_err());
        assert!(Hours::parse(f64::INFINITY).is_err());
        assert!(Hours::parse(f64::MIN_POSITIVE / 2.0).is_ok());
    }

    proptest! {
        // Every f64 (NaN, the infinities, subnormals, both zeros): accepted exactly when it is
        // a number of hours in (0, 24], and then kept as given.
        #[test]
        fn accepts_exactly_the_hours_of_one_day(h in any::<f64>()) {
            let in_a_day = !h.is_nan() && 0.0 < h && h <= 24.0;
            match Hours::parse(h) {
                Ok(hours) => {
                    prop_assert!(in_a_day);
                    prop_assert_eq!(hours.get().to_bits(), h.to_bits());
                }
                Err(e) => {
                    prop_assert!(!in_a_day);
                    prop_assert_eq!(e.0, "must be more than 0 and at most 24");
                }
            }
        }

        #[test]
        fn every_value_in_the_day_is_accepted(
            h in (0.0f64..=24.0).prop_filter("more than 0", |h| *h > 0.0),
        ) {
            prop_assert!(Hours::parse(h).is_ok());
        }
    }
}
