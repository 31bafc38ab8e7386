//! Text inputs, normalised and bounded before they reach the database: one cleaning step
//! ([`clean`]) that every text type goes through, so that what two people type the same way is
//! stored the same way and nothing invisible slips in.
//!
//! Why each step: NFC, so that "é" typed as one code point or as "e" + accent is one name;
//! trimming, so that "石城一小 " is not a second school; no control characters (a NUL cut
//! SQLite's LIKE pattern short and matched every teacher); no zero-width or bidirectional
//! formatting characters, with which "石城一小城北校区\u{200B}" could sit beside the real school,
//! indistinguishable on screen, or a name could be shown reversed; and a length bound on each
//! kind of text, named in the refusal.

use unicode_normalization::UnicodeNormalization;

use super::Invalid;

/// Characters that change what is seen without being seen: zero-width spaces and joiners,
/// bidirectional marks, embeddings, overrides and isolates, the word joiner and invisible
/// operators, the byte-order mark, the soft hyphen, interlinear annotation marks and tags.
pub fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{00AD}'
            | '\u{061C}'
            | '\u{180E}'
            | '\u{200B}'..='\u{200F}'
            | '\u{202A}'..='\u{202E}'
            | '\u{2060}'..='\u{2064}'
            | '\u{2066}'..='\u{206F}'
            | '\u{FEFF}'
            | '\u{FFF9}'..='\u{FFFB}'
            | '\u{E0000}'..='\u{E007F}'
    )
}

/// Refuses control and invisible characters. `multiline` lets line breaks and tabs through
/// (notes, goals); nothing else may carry them.
pub fn screen(text: &str, multiline: bool) -> Result<(), Invalid> {
    for c in text.chars() {
        if c.is_control() && !(multiline && matches!(c, '\n' | '\r' | '\t')) {
            return Err(Invalid(format!(
                "must not contain control characters (found U+{:04X})",
                u32::from(c)
            )));
        }
        if is_invisible(c) {
            return Err(Invalid(format!(
                "must not contain invisible or direction-changing characters (found U+{:04X})",
                u32::from(c)
            )));
        }
    }
    Ok(())
}

/// The one cleaning step: NFC, trimmed, screened, at most `max_chars` characters. Empty text is
/// returned empty; whether that is allowed is the caller's rule.
pub fn clean(text: &str, max_chars: usize, multiline: bool) -> Result<String, Invalid> {
    // Refuse before normalising an arbitrarily long text: NFC may grow it, and a bound that
    // comes after the work bounds nothing. Four bytes a character is the most UTF-8 takes.
    if text.len() > max_chars.saturating_mul(4).saturating_add(64) {
        return Err(Invalid(format!("must be at most {max_chars} characters")));
    }
    let normalised: String = text.nfc().collect();
    let trimmed = normalised.trim();
    if trimmed.chars().count() > max_chars {
        return Err(Invalid(format!("must be at most {max_chars} characters")));
    }
    screen(trimmed, multiline)?;
    Ok(trimmed.to_owned())
}

fn bounded(text: &str, max_chars: usize) -> Result<String, Invalid> {
    let cleaned = clean(text, max_chars, false)?;
    if cleaned.is_empty() {
        return Err(Invalid::new("must not be empty"));
    }
    Ok(cleaned)
}

/// Longest staff number, in characters.
pub const STAFF_NO_MAX_CHARS: usize = 32;
/// Longest person's or subject's name, in characters.
pub const NAME_MAX_CHARS: usize = 50;
/// Longest label (school, township, batch, reason, title…), in characters.
pub const LABEL_MAX_CHARS: usize = 200;
/// Longest username, in characters.
pub const USERNAME_MAX_CHARS: usize = 64;
/// Longest note or goal, in characters.
pub const NOTE_MAX_CHARS: usize = 2000;

/// Free text of several lines (activity notes, a pair's goal): cleaned, blank is none.
pub fn optional_note(text: Option<&str>) -> Result<Option<String>, Invalid> {
    match text {
        None => Ok(None),
        Some(t) => clean(t, NOTE_MAX_CHARS, true).map(|t| Some(t).filter(|t| !t.is_empty())),
    }
}

/// A search term of a filter (name contains, township, subject, staff number, actor…):
/// cleaned like stored text so that it matches what was stored, blank is none.
pub fn search_term(text: Option<&str>, max_chars: usize) -> Result<Option<String>, Invalid> {
    match text {
        None => Ok(None),
        Some(t) => clean(t, max_chars, false).map(|t| Some(t).filter(|t| !t.is_empty())),
    }
}

/// A staff number (工号): 1–32 letters, digits, `-` or `_`, unique in the registry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaffNo(String);

impl StaffNo {
    pub fn parse(text: &str) -> Result<Self, Invalid> {
        let text = bounded(text, STAFF_NO_MAX_CHARS)?;
        if !text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        {
            return Err(Invalid::new("may hold only letters, digits, '-' and '_'"));
        }
        Ok(StaffNo(text))
    }
    pub fn as_str(&self) -> &str {
        &self.0
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
        bounded(text, NAME_MAX_CHARS).map(PersonName)
    }
    pub fn as_str(&self) -> &str {
        &self.0
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
        bounded(text, NAME_MAX_CHARS).map(SubjectName)
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
        bounded(text, LABEL_MAX_CHARS).map(Label)
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
    fn text_is_normalised_and_invisible_characters_are_refused() {
        // "é" as e + combining acute becomes the one code point.
        assert_eq!(
            Label::parse("Caf\u{65}\u{301}").unwrap().as_str(),
            "Caf\u{E9}"
        );
        assert!(Label::parse("石城一小城北校区\u{200B}").is_err());
        assert!(Label::parse("\u{202E}abc").is_err());
        assert!(Label::parse("a\u{0}b").is_err());
        assert!(Label::parse("\u{FEFF}石城一小").is_err());
        assert_eq!(
            optional_note(Some("第一行\n第二行")).unwrap().as_deref(),
            Some("第一行\n第二行")
        );
        assert!(optional_note(Some("a\u{0}")).is_err());
        assert_eq!(optional_note(Some("   ")).unwrap(), None);
        assert!(optional_note(Some(&"字".repeat(NOTE_MAX_CHARS + 1))).is_err());
        assert!(search_term(Some(&"x".repeat(50_000)), 50).is_err());
        assert!(search_term(Some("\u{0}"), 50).is_err());
        assert_eq!(
            search_term(Some(" 李 "), 50).unwrap().as_deref(),
            Some("李")
        );
    }

    #[test]
    fn usernames() {
        assert_eq!(parse_username("hr.wang").unwrap(), "hr.wang");
        assert!(parse_username("HR").is_err());
        assert!(parse_username("王老师").is_err());
    }

    mod properties {
        use super::super::*;
        use proptest::prelude::*;

        /// Characters the rules treat specially, mixed with any character at all: spaces
        /// (ASCII and ideographic), controls, invisible ones, combining marks, the Kelvin sign
        /// (which NFC turns into an ASCII K), CJK and the characters of codes.
        fn tricky_char() -> impl Strategy<Value = char> {
            prop_oneof![
                any::<char>(),
                prop::sample::select(vec![
                    ' ',
                    '\u{3000}',
                    '\t',
                    '\n',
                    '\r',
                    '\u{0}',
                    '\u{7}',
                    '\u{85}',
                    '\u{200B}',
                    '\u{200D}',
                    '\u{202E}',
                    '\u{2066}',
                    '\u{FEFF}',
                    '\u{AD}',
                    '\u{E0041}',
                    'e',
                    '\u{301}',
                    '\u{E9}',
                    '\u{212A}',
                    '李',
                    '·',
                    'a',
                    'Z',
                    '0',
                    '9',
                    '-',
                    '_',
                    '.',
                ]),
            ]
        }

        fn tricky_text(max: usize) -> impl Strategy<Value = String> {
            proptest::collection::vec(tricky_char(), 0..max).prop_map(|v| v.into_iter().collect())
        }

        /// A staff number as typed: code characters, maybe padded, sometimes something else.
        fn staff_no_like() -> impl Strategy<Value = String> {
            let code = prop::sample::select("abcXYZ0189-_".chars().collect::<Vec<_>>());
            let other = prop::sample::select(vec![' ', '\u{3000}', '\u{212A}', '.', '李', '\u{0}']);
            proptest::collection::vec(prop_oneof![8 => code, 1 => other], 0..40)
                .prop_map(|v| v.into_iter().collect())
        }

        fn is_code_char(c: char) -> bool {
            c.is_ascii_alphanumeric() || c == '-' || c == '_'
        }

        proptest! {
            #[test]
            fn cleaned_text_is_normalised_trimmed_visible_bounded_and_stable(
                text in tricky_text(80),
                max in 0usize..60,
                multiline in any::<bool>(),
            ) {
                if let Ok(cleaned) = clean(&text, max, multiline) {
                    prop_assert_eq!(cleaned.trim(), cleaned.as_str());
                    prop_assert!(cleaned.chars().count() <= max);
                    prop_assert!(unicode_normalization::is_nfc(&cleaned));
                    for c in cleaned.chars() {
                        prop_assert!(!is_invisible(c), "U+{:04X} kept", c as u32);
                        prop_assert!(
                            !c.is_control() || (multiline && matches!(c, '\n' | '\r' | '\t')),
                            "U+{:04X} kept", c as u32
                        );
                    }
                    // Cleaning what was cleaned changes nothing: stored text matches itself.
                    prop_assert_eq!(clean(&cleaned, max, multiline), Ok(cleaned.clone()));
                }
            }

            #[test]
            fn clean_refuses_exactly_controls_invisibles_and_overlong_text(
                text in tricky_text(80),
                max in 0usize..60,
            ) {
                let normalised: String = text.nfc().collect();
                let trimmed = normalised.trim();
                let fits = text.len() <= max * 4 + 64 && trimmed.chars().count() <= max;
                let visible = trimmed.chars().all(|c| !c.is_control() && !is_invisible(c));
                prop_assert_eq!(clean(&text, max, false).is_ok(), fits && visible);
            }

            #[test]
            fn arbitrary_text_never_panics_any_parser(text in any::<String>()) {
                let _ = StaffNo::parse(&text);
                let _ = PersonName::parse(&text);
                let _ = SubjectName::parse(&text);
                let _ = Label::parse(&text);
                let _ = parse_username(&text);
                let _ = optional_note(Some(&text));
                let _ = search_term(Some(&text), NAME_MAX_CHARS);
            }

            #[test]
            fn staff_numbers_are_exactly_1_to_32_code_characters(text in staff_no_like()) {
                // The documented rule, stated on its own: NFC, trimmed, 1-32 characters, each
                // a letter, a digit, '-' or '_' (and no text longer than the bound allows).
                let normalised: String = text.nfc().collect();
                let t = normalised.trim();
                let expected = (text.len() <= STAFF_NO_MAX_CHARS * 4 + 64
                    && (1..=STAFF_NO_MAX_CHARS).contains(&t.chars().count())
                    && t.chars().all(is_code_char))
                    .then(|| t.to_owned());
                prop_assert_eq!(StaffNo::parse(&text).ok().map(StaffNo::into_string), expected);
            }

            #[test]
            fn names_and_labels_are_what_clean_gives_when_not_empty(text in tricky_text(220)) {
                for (max, parsed) in [
                    (NAME_MAX_CHARS, PersonName::parse(&text).map(PersonName::into_string)),
                    (NAME_MAX_CHARS, SubjectName::parse(&text).map(SubjectName::into_string)),
                    (LABEL_MAX_CHARS, Label::parse(&text).map(Label::into_string)),
                ] {
                    let expected = clean(&text, max, false).ok().filter(|t| !t.is_empty());
                    prop_assert_eq!(parsed.ok(), expected);
                }
            }

            #[test]
            fn usernames_are_3_to_64_lower_case_code_characters(
                text in "[ ]{0,2}[a-z0-9._A-Z李-]{0,70}[ ]{0,2}",
            ) {
                let t = text.trim();
                let ok = (3..=64).contains(&t.chars().count())
                    && t.bytes()
                        .all(|b| matches!(b, b'a'..=b'z' | b'0'..=b'9' | b'.' | b'-' | b'_'));
                prop_assert_eq!(parse_username(&text).ok(), ok.then(|| t.to_owned()));
            }
        }
    }
}
