//! Moving a span's ends by whole words, for growing and shrinking a span from the keyboard
//! (offsets are UTF-8 bytes), and shortening a quote to a few words for lists.

/// The starts and ends of the words (runs with a letter or digit) of `text[from..to]`, at their
/// places in `text`, with a possessive's "'s" apart as snapping has it ("Qatar" grows to
/// "Qatar's"); `from` is where boundaries start afresh (see `offsets::fresh_start`).
fn words(text: &str, from: usize, to: usize) -> impl Iterator<Item = (usize, usize)> + '_ {
    crate::offsets::word_pieces_from(&text[..to], from)
        .filter(|(_, w)| w.chars().any(char::is_alphanumeric))
        .map(|(at, w)| (at, at + w.len()))
}

/// The range `[start, end)` with one end moved by one word: the end (or the start, with
/// `at_start`) moves outwards when `grow`, inwards otherwise. `None` when there is no word to
/// take, or when shrinking would leave nothing.
pub fn step_word(
    text: &str,
    start: usize,
    end: usize,
    at_start: bool,
    grow: bool,
) -> Option<(usize, usize)> {
    // Only the words from just before the span on are read, not the whole text before it.
    let from = crate::offsets::fresh_start(text, start);
    step_word_from(text, start, end, at_start, grow, from)
}

/// [`step_word`], reading words from `from`, a place where boundaries start afresh.
fn step_word_from(
    text: &str,
    start: usize,
    end: usize,
    at_start: bool,
    grow: bool,
    from: usize,
) -> Option<(usize, usize)> {
    match (at_start, grow) {
        // Take the next word after the end.
        (false, true) => words(text, from, text.len())
            .find(|&(s, _)| s >= end)
            .map(|(_, e)| (start, e)),
        // Drop the last word inside the span.
        (false, false) => {
            let last = words(text, from, end).filter(|&(s, _)| s > start).last()?;
            let prev_end = words(text, from, last.0)
                .filter(|&(s, _)| s >= start)
                .last()
                .map(|(_, e)| e)?;
            Some((start, prev_end))
        }
        // Take the word before the start, reading further back until there is one.
        (true, true) => {
            let mut from = from;
            loop {
                if let Some((s, _)) = words(text, from, start).last() {
                    return Some((s, end));
                }
                if from == 0 {
                    return None;
                }
                from = crate::offsets::fresh_start(text, from - 1);
            }
        }
        // Drop the first word inside the span.
        (true, false) => {
            let first = words(text, start, end).next()?;
            let next = words(text, first.1, end).next()?;
            Some((next.0, end))
        }
    }
}

/// A count and its noun for messages: "1 hit", "2 hits", "0 spans".
pub fn count(n: usize, noun: &str) -> String {
    format!("{n} {noun}{}", if n == 1 { "" } else { "s" })
}

/// A quote flattened to one line (runs of white space become one space) and cut to at most
/// `max` characters, ending in "…" when cut; for lists and messages.
pub fn shorten(text: &str, max: usize) -> String {
    // Flattens only as much as can show: a claim can be a whole paragraph, and the span list
    // shortens hundreds of quotes on every edit.
    let mut flat = String::new();
    let mut count = 0;
    for word in text.split_whitespace() {
        if !flat.is_empty() {
            flat.push(' ');
            count += 1;
        }
        flat.push_str(word);
        count += word.chars().count();
        if count > max {
            break;
        }
    }
    if count <= max {
        flat
    } else {
        let mut s: String = flat.chars().take(max.saturating_sub(1)).collect();
        s.truncate(s.trim_end().len());
        s.push('…');
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_say_one_without_an_s() {
        assert_eq!(count(1, "hit"), "1 hit");
        assert_eq!(count(0, "hit"), "0 hits");
        assert_eq!(count(12, "span"), "12 spans");
    }

    const TEXT: &str = "Sheikh Mohammed bin Abdulrahman, said";

    #[test]
    fn grows_and_shrinks_by_whole_words_at_either_end() {
        // "Mohammed bin"
        let (s, e) = (7, 19);
        assert_eq!(&TEXT[s..e], "Mohammed bin");
        let grown = step_word(TEXT, s, e, false, true).unwrap();
        assert_eq!(&TEXT[grown.0..grown.1], "Mohammed bin Abdulrahman");
        let grown = step_word(TEXT, grown.0, grown.1, false, true).unwrap();
        // The comma is skipped: the next word is "said".
        assert_eq!(&TEXT[grown.0..grown.1], "Mohammed bin Abdulrahman, said");
        let back = step_word(TEXT, s, e, true, true).unwrap();
        assert_eq!(&TEXT[back.0..back.1], "Sheikh Mohammed bin");
        let less = step_word(TEXT, s, e, false, false).unwrap();
        assert_eq!(&TEXT[less.0..less.1], "Mohammed");
        let less = step_word(TEXT, s, e, true, false).unwrap();
        assert_eq!(&TEXT[less.0..less.1], "bin");
        // A possessive's ’s is a word of its own, as snapping has it: "Qatar" grows to
        // "Qatar’s", then on.
        let text = "Qatar’s Prime Minister";
        let grown = step_word(text, 0, 5, false, true).unwrap();
        assert_eq!(&text[grown.0..grown.1], "Qatar’s");
        let grown = step_word(text, grown.0, grown.1, false, true).unwrap();
        assert_eq!(&text[grown.0..grown.1], "Qatar’s Prime");
        let less = step_word(text, grown.0, grown.1, false, false).unwrap();
        assert_eq!(&text[less.0..less.1], "Qatar’s");
    }

    #[test]
    fn refuses_to_shrink_a_single_word_or_grow_past_the_text() {
        assert_eq!(step_word(TEXT, 7, 15, false, false), None);
        assert_eq!(step_word(TEXT, 7, 15, true, false), None);
        assert_eq!(step_word(TEXT, 33, 37, false, true), None);
        assert_eq!(step_word(TEXT, 0, 6, true, true), None);
    }

    #[test]
    fn reading_from_a_fresh_start_steps_as_reading_from_the_text_start() {
        let text = crate::offsets::SEGMENTS_TORTURE;
        for (start, end) in crate::offsets::char_ranges(text).filter(|(s, e)| s < e) {
            for (at_start, grow) in [(false, true), (false, false), (true, true), (true, false)] {
                assert_eq!(
                    step_word(text, start, end, at_start, grow),
                    step_word_from(text, start, end, at_start, grow, 0),
                    "{at_start} {grow} {:?}",
                    &text[start..end]
                );
            }
        }
    }

    #[test]
    fn words_of_other_scripts_and_emoji_stay_whole() {
        let text = "قال 😀 الوزير 中文";
        let first = text.find("قال").unwrap();
        let (s, e) = step_word(text, first, first + "قال".len(), false, true).unwrap();
        assert_eq!(&text[s..e], "قال 😀 الوزير");
    }

    #[test]
    fn shorten_flattens_and_cuts_on_characters() {
        assert_eq!(shorten("  Qatar\n said\t\tit ", 70), "Qatar said it");
        assert_eq!(shorten("Qatar said it", 13), "Qatar said it");
        assert_eq!(shorten("Qatar said it", 12), "Qatar said…");
        // A cut never splits a character, and a word longer than the room is cut too.
        assert_eq!(shorten("李明 said 🙏🏽 today", 9), "李明 said…");
        assert_eq!(shorten(&"x".repeat(500), 5), "xxxx…");
        assert_eq!(shorten(" \n ", 5), "");
        // Long text: the same as flattening it all first.
        let long = "word \n ".repeat(10_000);
        let flat = long.split_whitespace().collect::<Vec<_>>().join(" ");
        assert_eq!(shorten(&long, 70), format!("{}…", &flat[..69]));
    }
}
