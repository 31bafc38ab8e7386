//! The 18-character resident identity number (居民身份证号码) of GB 11643-1999: six digits of
//! region, eight of birth date, three of sequence and a check character computed with the
//! ISO 7064 MOD 11-2 scheme (0–9 or X).

use chrono::NaiveDate;

use super::Invalid;

const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK: [char; 11] = ['1', '0', 'X', '9', '8', '7', '6', '5', '4', '3', '2'];

/// A resident ID number whose length, digits, embedded birth date and check character are valid.
/// Stored upper-case (a trailing `x` becomes `X`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdNumber(String);

impl IdNumber {
    pub fn parse(text: &str) -> Result<Self, Invalid> {
        let text = text.trim().to_ascii_uppercase();
        let chars: Vec<char> = text.chars().collect();
        if chars.len() != 18 {
            return Err(Invalid::new("must have 18 characters"));
        }
        let mut sum = 0;
        for (c, w) in chars[..17].iter().zip(WEIGHTS) {
            let digit = c
                .to_digit(10)
                .ok_or_else(|| Invalid::new("the first 17 characters must be digits"))?;
            sum += digit * w;
        }
        if !(chars[17].is_ascii_digit() || chars[17] == 'X') {
            return Err(Invalid::new("the last character must be a digit or X"));
        }
        if NaiveDate::parse_from_str(&text[6..14], "%Y%m%d").is_err() {
            return Err(Invalid::new("characters 7–14 must be a valid birth date"));
        }
        if CHECK[(sum % 11) as usize] != chars[17] {
            return Err(Invalid::new(
                "the check character does not match (GB 11643)",
            ));
        }
        Ok(IdNumber(text))
    }

    /// The birth date the number carries.
    pub fn birth_date(&self) -> Option<NaiveDate> {
        NaiveDate::parse_from_str(&self.0[6..14], "%Y%m%d").ok()
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_string(self) -> String {
        self.0
    }
}

/// The masked form shown to roles that may not see personal data: the first 6 and the last 4
/// characters kept, the rest starred. Works on any stored text, valid or not.
pub fn mask(id_number: &str) -> String {
    let chars: Vec<char> = id_number.chars().collect();
    if chars.len() <= 10 {
        return "*".repeat(chars.len());
    }
    let hidden = chars.len() - 10;
    chars[..6]
        .iter()
        .chain(std::iter::repeat_n(&'*', hidden))
        .chain(&chars[chars.len() - 4..])
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    // 11010519491231002X is the standard's own worked example.
    #[test]
    fn accepts_the_standard_example_with_x() {
        let id = IdNumber::parse("11010519491231002X").unwrap();
        assert_eq!(id.birth_date(), NaiveDate::from_ymd_opt(1949, 12, 31));
    }

    #[test]
    fn lower_case_x_and_spaces_are_normalised() {
        assert_eq!(
            IdNumber::parse(" 11010519491231002x ").unwrap().as_str(),
            "11010519491231002X"
        );
    }

    #[test]
    fn accepts_a_digit_check_character() {
        // 7×3+9×6+10×0+5×7+8×3+4×0+2×1+1×9+6×8+3×5+7×0+9×3+10×1+5×5+8×0+4×1+2×2 = 278; 278 mod 11 = 3 → '9'
        assert!(IdNumber::parse("360730198503150129").is_ok());
    }

    #[test]
    fn rejects_a_wrong_check_character() {
        let err = IdNumber::parse("110105194912310021").unwrap_err();
        assert!(err.0.contains("check character"));
    }

    #[test]
    fn rejects_wrong_length_letters_and_impossible_dates() {
        assert!(IdNumber::parse("11010519491231002").is_err());
        assert!(IdNumber::parse("1101051949123100211").is_err());
        assert!(IdNumber::parse("11010519491231A02X").is_err());
        // 1949-02-30 does not exist.
        assert!(
            IdNumber::parse("110105194902300021")
                .unwrap_err()
                .0
                .contains("birth date")
        );
    }

    #[test]
    fn masking_keeps_six_and_four() {
        assert_eq!(mask("11010519491231002X"), "110105********002X");
        assert_eq!(mask("short"), "*****");
    }

    mod properties {
        use super::super::*;
        use proptest::prelude::*;

        /// The check character by ISO 7064 MOD 11-2 as the standard states it, independent of
        /// the tables above: weight of position i (1-based, of 18) is 2^(18-i) mod 11, and the
        /// check value is (12 - sum mod 11) mod 11, 10 written X.
        fn reference_check(first17: &[u32]) -> char {
            let sum: u32 = first17
                .iter()
                .enumerate()
                .map(|(i, d)| d * (2u32.pow(17 - i as u32) % 11))
                .sum();
            match (12 - sum % 11) % 11 {
                10 => 'X',
                v => char::from_digit(v, 10).unwrap(),
            }
        }

        /// A valid number: any region and sequence digits, any birth date of 1900-2099, and
        /// the check character of the reference.
        fn valid() -> impl Strategy<Value = (String, NaiveDate)> {
            (
                proptest::collection::vec(0u32..10, 6),
                0i64..(200 * 366),
                proptest::collection::vec(0u32..10, 3),
            )
                .prop_filter_map("a day of 1900-2099", |(region, day, seq)| {
                    let birth = NaiveDate::from_ymd_opt(1900, 1, 1)?
                        .checked_add_days(chrono::Days::new(day as u64))?;
                    let mut digits = region;
                    digits.extend(
                        birth
                            .format("%Y%m%d")
                            .to_string()
                            .chars()
                            .map(|c| c.to_digit(10).unwrap()),
                    );
                    digits.extend(seq);
                    let mut text: String = digits
                        .iter()
                        .map(|d| char::from_digit(*d, 10).unwrap())
                        .collect();
                    text.push(reference_check(&digits));
                    Some((text, birth))
                })
        }

        proptest! {
            #[test]
            fn valid_numbers_parse_and_round_trip((text, birth) in valid()) {
                let id = IdNumber::parse(&text).unwrap();
                prop_assert_eq!(id.as_str(), text.as_str());
                prop_assert_eq!(id.birth_date(), Some(birth));
                // Lower-case x and surrounding spaces are the same number.
                let typed = format!("  {} ", text.to_lowercase());
                prop_assert_eq!(IdNumber::parse(&typed).unwrap(), id.clone());
                prop_assert_eq!(IdNumber::parse(id.as_str()).unwrap(), id);
            }

            #[test]
            fn any_single_character_changed_is_refused(
                (text, _) in valid(),
                at in 0usize..18,
                to in prop::sample::select("0123456789X".chars().collect::<Vec<_>>()),
            ) {
                let mut chars: Vec<char> = text.chars().collect();
                prop_assume!(chars[at] != to);
                chars[at] = to;
                let changed: String = chars.into_iter().collect();
                prop_assert!(IdNumber::parse(&changed).is_err(), "{} accepted", changed);
            }

            #[test]
            fn swapping_two_neighbouring_digits_is_refused((text, _) in valid(), at in 0usize..16) {
                let mut chars: Vec<char> = text.chars().collect();
                prop_assume!(chars[at] != chars[at + 1]);
                chars.swap(at, at + 1);
                let swapped: String = chars.into_iter().collect();
                prop_assert!(IdNumber::parse(&swapped).is_err(), "{} accepted", swapped);
            }

            #[test]
            fn arbitrary_text_never_panics_and_what_parses_is_well_formed(text in any::<String>()) {
                if let Ok(id) = IdNumber::parse(&text) {
                    let s = id.as_str();
                    prop_assert_eq!(s.len(), 18);
                    prop_assert!(s[..17].bytes().all(|b| b.is_ascii_digit()));
                    let digits: Vec<u32> =
                        s[..17].chars().map(|c| c.to_digit(10).unwrap()).collect();
                    prop_assert_eq!(s.chars().last(), Some(reference_check(&digits)));
                    prop_assert!(id.birth_date().is_some());
                }
            }

            #[test]
            fn near_misses_never_panic(text in "[0-9Xx ]{0,20}|[0-9]{17}.") {
                let _ = IdNumber::parse(&text);
            }

            #[test]
            fn masking_keeps_the_length_the_first_six_and_the_last_four(text in any::<String>()) {
                let masked = mask(&text);
                let chars: Vec<char> = text.chars().collect();
                let out: Vec<char> = masked.chars().collect();
                prop_assert_eq!(out.len(), chars.len());
                if chars.len() > 10 {
                    prop_assert_eq!(&out[..6], &chars[..6]);
                    prop_assert_eq!(&out[out.len() - 4..], &chars[chars.len() - 4..]);
                    prop_assert!(out[6..out.len() - 4].iter().all(|c| *c == '*'));
                } else {
                    prop_assert!(out.iter().all(|c| *c == '*'));
                }
            }
        }
    }
}
