//! The `Date` scalar: a calendar date written `YYYY-MM-DD`, no time zone, from 1900-01-01 to
//! ten years after today.

use async_graphql::{InputValueError, InputValueResult, Scalar, ScalarType, Value};
use chrono::NaiveDate;

use crate::domain::rules;

/// Calendar date, YYYY-MM-DD.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Date(pub NaiveDate);

/// Calendar date, YYYY-MM-DD, from 1900-01-01 to ten years after today.
#[Scalar(name = "Date")]
impl ScalarType for Date {
    fn parse(value: Value) -> InputValueResult<Self> {
        match &value {
            Value::String(s) => {
                // One bound for every date a client sends: none is older than 1900 or more
                // than ten years ahead (9999-12-31 and 0000-01-01 are typos, not plans).
                rules::parse_client_date(s, rules::today())
                    .map(Date)
                    .map_err(|e| InputValueError::custom(e.to_string()))
            }
            _ => Err(InputValueError::expected_type(value)),
        }
    }

    fn to_value(&self) -> Value {
        Value::String(self.0.format("%Y-%m-%d").to_string())
    }
}

impl From<NaiveDate> for Date {
    fn from(d: NaiveDate) -> Self {
        Date(d)
    }
}
