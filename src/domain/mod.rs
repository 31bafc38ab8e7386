//! The rules of the registry, free of I/O: enumerations with their order, parsed input types
//! (staff numbers, resident ID numbers, names, hours), the date rules of the counting rules
//! and the role matrix. Nothing here knows about the database, GraphQL or HTTP.

pub mod balance;
pub mod enums;
pub mod hours;
pub mod id_number;
pub mod progress;
pub mod roles;
pub mod rules;
pub mod spans;
pub mod text;
pub mod training;

pub use enums::*;
pub use hours::Hours;
pub use id_number::IdNumber;
pub use roles::{Actor, Permission};
pub use text::{Label, PersonName, StaffNo, SubjectName};

/// Why a value was refused at the edge; the caller attaches the input field's name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invalid(pub String);

impl Invalid {
    pub fn new(reason: impl Into<String>) -> Self {
        Invalid(reason.into())
    }
}

impl std::fmt::Display for Invalid {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}
