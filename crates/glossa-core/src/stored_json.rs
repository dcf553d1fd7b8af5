//! JSON for browser storage, *narrowed* where it pays: every character above U+00FF written as
//! a `\uXXXX` escape (two, a surrogate pair, beyond the Basic Multilingual Plane), so that the
//! value holds only Latin-1. Any JSON reader reads it back as the same text.
//!
//! Why: Chromium keeps a string of Latin-1 characters in one byte per character, any other in
//! two, in JavaScript and in local storage. A mostly Latin text with a few curly quotes, dashes,
//! euro signs or emoji is two bytes a character for their sake; narrowed, it is one, so making
//! the JavaScript string, writing it to local storage and reading it back each copy half the
//! bytes. Chromium's and Firefox's quotas count UTF-16 code units, which escapes add to, so a
//! value is narrowed only when that adds at most a quarter ([`narrow_pays`]): an Arabic or
//! Chinese article stays as it is (and the app writes a value as it was where the narrow one is
//! refused for space). WebKit's counts bytes, where a narrow value takes about half the room.

/// `json` with every character above U+00FF escaped, when [`narrow_pays`] for it and it has
/// any; otherwise `None` (`json` is as narrow as it pays to be). Right for any JSON text:
/// outside its strings JSON is ASCII, and inside one an escape reads back as the character it
/// spells.
pub fn narrowed(json: &str) -> Option<String> {
    let added = narrow_pays(json).filter(|&added| added > 0)?;
    let bytes = json.as_bytes();
    // An escape takes 6 bytes where its character took 2 or 3, and 12 for 4: at most 4 more.
    let mut out = String::with_capacity(bytes.len() + added * 4 / 5);
    let mut from = 0;
    // Bytes from 0xC4 up start characters above U+00FF; the text between is copied as it is.
    while let Some(at) = bytes[from..].iter().position(|&b| b >= 0xC4) {
        let at = from + at;
        out.push_str(&json[from..at]);
        let c = json[at..].chars().next().expect("a character starts here");
        for unit in c.encode_utf16(&mut [0; 2]) {
            out.extend(escape(*unit).map(char::from));
        }
        from = at + c.len_utf8();
    }
    out.push_str(&json[from..]);
    Some(out)
}

/// The UTF-16 code units that escaping every character above U+00FF adds to `text`, when that
/// is at most a quarter of the units it has: an escape spells a character of the Basic
/// Multilingual Plane in 6 units (5 more) and one beyond it in 12 (10 more than its pair).
pub fn narrow_pays(text: &str) -> Option<usize> {
    let (mut units, mut added) = (0usize, 0usize);
    for &b in text.as_bytes() {
        // A byte that starts a character: 0xC4 and up start one above U+00FF, 0xF0 and up one
        // beyond the Basic Multilingual Plane (two units).
        match b {
            0x80..=0xBF => {}
            0xF0.. => (units, added) = (units + 2, added + 10),
            0xC4.. => (units, added) = (units + 1, added + 5),
            _ => units += 1,
        }
    }
    (added * 4 <= units).then_some(added)
}

/// `\uXXXX` for one UTF-16 code unit.
fn escape(unit: u16) -> [u8; 6] {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let digit = |shift: u16| HEX[usize::from((unit >> shift) & 0xF)];
    [b'\\', b'u', digit(12), digit(8), digit(4), digit(0)]
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const HARD: &str = "Zoë said \"hi\"\r\n\t👩‍👩‍👧 🇪🇬 e\u{301} 李 ‘quoted’ — €5 \u{0}\u{1f} \\ ÿĀ \u{FFFF}\u{10000}\u{10FFFF}";

    fn units(s: &str) -> usize {
        s.encode_utf16().count()
    }

    #[test]
    fn a_narrowed_value_reads_back_as_the_same_text_and_holds_only_latin_1() {
        // Enough plain text beside it for narrowing to pay.
        let plain = "a".repeat(500);
        let json = serde_json::to_string(&(HARD, 1, "é", &plain)).unwrap();
        let narrow = narrowed(&json).unwrap();
        assert!(narrow.chars().all(|c| c as u32 <= 0xFF), "{narrow}");
        let back: (String, u32, String, String) = serde_json::from_str(&narrow).unwrap();
        assert_eq!(back, (HARD.into(), 1, "é".into(), plain));
        // Latin-1 characters stay as they are; others are escaped, a surrogate pair beyond the BMP.
        assert!(narrow.contains("Zoë") && narrow.contains("ÿ\\u0100"));
        assert!(narrow.contains("\\u2014") && narrow.contains("\\ud83c\\uddea\\ud83c\\uddec"));
        assert!(narrow.contains("\\udbff\\udfff"));
        assert_eq!(Some(units(&narrow) - units(&json)), narrow_pays(&json));
    }

    #[test]
    fn narrowing_pays_for_a_mostly_latin_text_only() {
        assert_eq!(narrow_pays(""), Some(0));
        assert_eq!(
            narrow_pays("plain ASCII, and Latin-1: Zoë Müller, ¥12"),
            Some(0)
        );
        // Two curly quotes in a short sentence: 10 units more on 40.
        assert_eq!(
            narrow_pays("He said it was ‘over’ and they all left."),
            Some(10)
        );
        assert_eq!(narrow_pays("李明说"), None);
        assert_eq!(narrow_pays("محمد بن عبدالرحمن"), None);
        assert_eq!(narrow_pays("🙏🏽🙏🏽 ok"), None);
        // The boundary: a dash adds 5, so it pays from 20 units on.
        assert_eq!(narrow_pays(&format!("{}—", "a".repeat(19))), Some(5));
        assert_eq!(narrow_pays(&format!("{}—", "a".repeat(18))), None);
        // What does not pay, or holds nothing to escape, is left as it was.
        assert_eq!(narrowed(&serde_json::to_string("李明说").unwrap()), None);
        assert_eq!(narrowed("[\"Zoë\"]"), None);
    }

    proptest! {
        #[test]
        fn any_text_reads_back(text in "\\PC*|[\\u{0}-\\u{10FFFF}]{0,40}|[a-z ]{0,60}[\\u{100}-\\u{10FFFF}]{0,6}") {
            let json = serde_json::to_string(&text).unwrap();
            let narrow = narrowed(&json).unwrap_or_else(|| json.clone());
            prop_assert_eq!(serde_json::from_str::<String>(&narrow).unwrap(), text.clone());
            match narrow_pays(&json) {
                Some(added) => {
                    prop_assert!(narrow.chars().all(|c| c as u32 <= 0xFF));
                    prop_assert_eq!(units(&narrow), units(&json) + added);
                    prop_assert!(added * 4 <= units(&json));
                }
                None => {
                    prop_assert_eq!(&narrow, &json);
                    let escaped: usize = json.chars().map(|c| match c as u32 {
                        0..=0xFF => 0,
                        0x100..=0xFFFF => 5,
                        _ => 10,
                    }).sum();
                    prop_assert!(escaped * 4 > units(&json));
                }
            }
        }
    }
}
