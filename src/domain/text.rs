//! Text inputs that must be trimmed, non-empty and bounded before they reach the database.

use super::Invalid;

fn bounded(text: &str, max_chars: usize) -> Result<String, Invalid> {
    let trimmed = text.trim();
    if trimmed.is_empty() {
        return Err(Invalid::new("must not be empty"));
    }
    if trimmed.chars().count() > max_chars {
        return Err(Invalid(format!("must be at most {max_chars} characters")));
    }
    if trimmed.chars().any(char::is_control) {
        return Err(Invalid::new("must not contain control characters"));
    }
    Ok(trimmed.to_owned())
}

/// A staff number (工号): 1–32 letters, digits, `-` or `_`, unique in the registry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaffNo(String);

impl StaffNo {
    pub fn parse(text: &str) -> Result<Self, Invalid> {
        let text = bounded(text, 32)?;
        if !text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        {
            return Err(Invalid::new("may hold only letters, digits, '-' and '_'"));
        }
        Ok(StaffNo(text))
    }
    pub fn into_string(self) -> String {
        self.0
    }
}

/// A person's name: trimmed, 1–50 characters (Chinese names, with `·` for some minorities).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonName(String);

impl PersonName {
    pub fn parse(text: &str) -> Result<Self, Invalid> {
        bounded(text, 50).map(PersonName)
    }
    pub fn into_string(self) -> String {
        self.0
    }
}

/// A subject name as typed; whether it is on the reference list is the service's question.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubjectName(String);

impl SubjectName {
    pub fn parse(text: &str) -> Result<Self, Invalid> {
        bounded(text, 50).map(SubjectName)
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
    pub fn into_string(self) -> String {
        self.0
    }
}

/// Any other short label: school and township names, batches, reasons, usernames' display.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Label(String);

impl Label {
    pub fn parse(text: &str) -> Result<Self, Invalid> {
        bounded(text, 200).map(Label)
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
    pub fn into_string(self) -> String {
        self.0
    }
}

/// A username: 3–64 lower-case letters, digits, `.`, `-` or `_`.
pub fn parse_username(text: &str) -> Result<String, Invalid> {
    let text = text.trim();
    let ok_len = (3..=64).contains(&text.chars().count());
    let ok_chars = text
        .chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '.' || c == '-' || c == '_');
    if ok_len && ok_chars {
        Ok(text.to_owned())
    } else {
        Err(Invalid::new(
            "must be 3–64 lower-case letters, digits, '.', '-' or '_'",
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_trimmed_and_must_not_be_empty() {
        assert_eq!(PersonName::parse("  李明 ").unwrap().into_string(), "李明");
        assert!(PersonName::parse("   ").is_err());
        assert!(PersonName::parse("李\u{7}明").is_err());
        assert!(PersonName::parse(&"李".repeat(51)).is_err());
        assert!(PersonName::parse("阿依古丽·买买提").is_ok());
    }

    #[test]
    fn staff_numbers_are_plain_codes() {
        assert_eq!(
            StaffNo::parse(" SC-0001 ").unwrap().into_string(),
            "SC-0001"
        );
        assert!(StaffNo::parse("SC 0001").is_err());
        assert!(StaffNo::parse("").is_err());
        assert!(StaffNo::parse(&"1".repeat(33)).is_err());
    }

    #[test]
    fn usernames() {
        assert_eq!(parse_username("hr.wang").unwrap(), "hr.wang");
        assert!(parse_username("HR").is_err());
        assert!(parse_username("王老师").is_err());
    }
}
