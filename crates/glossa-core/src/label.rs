//! Labels: what a span is tagged as.

use serde::{Deserialize, Serialize};

/// One label a span can carry: its name, its colour (`#rrggbb`) and the key that applies it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Label {
    pub name: String,
    pub color: String,
    /// A single character, e.g. `'1'`; `None` when the label has no key.
    pub hotkey: Option<char>,
}

impl Label {
    pub fn new(name: &str, color: &str, hotkey: Option<char>) -> Self {
        Label {
            name: name.to_string(),
            color: color.to_string(),
            hotkey,
        }
    }
}

/// The labels a document offers, in the order the toolbar shows them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct LabelSet {
    pub labels: Vec<Label>,
}

impl Default for LabelSet {
    /// actor, figure, claim on keys 1, 2, 3. The colours keep WCAG AA contrast with black text
    /// when used as a light highlight.
    fn default() -> Self {
        LabelSet {
            labels: vec![
                Label::new("actor", "#1f77b4", Some('1')),
                Label::new("figure", "#2ca02c", Some('2')),
                Label::new("claim", "#d62728", Some('3')),
            ],
        }
    }
}

impl LabelSet {
    /// The label called `name`.
    pub fn get(&self, name: &str) -> Option<&Label> {
        self.labels.iter().find(|l| l.name == name)
    }

    /// The label whose hotkey is `key`.
    pub fn by_hotkey(&self, key: char) -> Option<&Label> {
        self.labels.iter().find(|l| l.hotkey == Some(key))
    }

    /// True when a label called `name` exists.
    pub fn contains(&self, name: &str) -> bool {
        self.get(name).is_some()
    }

    /// The label whose name is `name` but for upper and lower case ("Source" for "source"):
    /// two such labels would look the same in the toolbar.
    pub fn named_like(&self, name: &str) -> Option<&Label> {
        let folded = |n: &str| n.chars().flat_map(char::to_lowercase).collect::<Vec<_>>();
        let name = folded(name);
        self.labels.iter().find(|l| folded(&l.name) == name)
    }

    /// Where the label called `name` sits in toolbar order.
    pub fn position(&self, name: &str) -> Option<usize> {
        self.labels.iter().position(|l| l.name == name)
    }

    /// How many labels there are.
    pub fn len(&self) -> usize {
        self.labels.len()
    }

    /// True when there are no labels.
    pub fn is_empty(&self) -> bool {
        self.labels.is_empty()
    }

    /// Iterates over the labels in toolbar order.
    pub fn iter(&self) -> impl Iterator<Item = &Label> {
        self.labels.iter()
    }

    /// The letter shown beside a span of label `name`, so colour is never the only signal.
    /// Each label gets its own: the first letter of its name, or if an earlier label (in
    /// toolbar order) has that, the next letter of its name no earlier label has, so
    /// `speaker` and `source` show S and O. A name with no free letter gets a digit.
    pub fn badge(&self, name: &str) -> char {
        let mut taken: Vec<char> = Vec::new();
        for label in &self.labels {
            let letter = badge_candidates(&label.name)
                .find(|c| !taken.contains(c))
                .or_else(|| ('1'..='9').find(|c| !taken.contains(c)))
                .unwrap_or('?');
            if label.name == name {
                return letter;
            }
            taken.push(letter);
        }
        badge_candidates(name).next().unwrap_or('?')
    }
}

/// The letters of `name` that could stand for it, upper-cased, first letter first.
fn badge_candidates(name: &str) -> impl Iterator<Item = char> + '_ {
    name.chars()
        .filter(|c| c.is_alphanumeric())
        .filter_map(|c| c.to_uppercase().next())
}

/// Keys the editor keeps for itself, never a label's: J and K move between spans, R links, /
/// searches, ? lists the keys (and white space is no key to show).
pub const EDITOR_KEYS: &str = "jkrJKR/?";

/// True for a colour written `#rrggbb`, the form the view and the exports use.
pub fn is_color(color: &str) -> bool {
    color.len() == 7 && color.starts_with('#') && color[1..].chars().all(|c| c.is_ascii_hexdigit())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_labels_have_keys_one_two_three() {
        let set = LabelSet::default();
        assert_eq!(set.by_hotkey('1').unwrap().name, "actor");
        assert_eq!(set.by_hotkey('2').unwrap().name, "figure");
        assert_eq!(set.by_hotkey('3').unwrap().name, "claim");
        assert!(set.by_hotkey('4').is_none());
        assert!(set.contains("claim") && !set.contains("Claim"));
        assert_eq!(set.position("claim"), Some(2));
        assert!(set.labels.iter().all(|l| is_color(&l.color)));
    }

    #[test]
    fn every_label_has_its_own_badge_letter() {
        let mut set = LabelSet::default();
        assert_eq!(
            ["actor", "figure", "claim"].map(|n| set.badge(n)),
            ['A', 'F', 'C']
        );
        set.labels.push(Label::new("speaker", "#111111", None));
        set.labels.push(Label::new("source", "#222222", None));
        set.labels.push(Label::new("ссылка", "#333333", None));
        set.labels.push(Label::new("aaa", "#444444", None));
        assert_eq!(set.badge("speaker"), 'S');
        assert_eq!(set.badge("source"), 'O');
        assert_eq!(set.badge("ссылка"), 'С');
        // Every letter of "aaa" is taken by "actor": a digit instead.
        assert_eq!(set.badge("aaa"), '1');
        // A label not in the set still gets its first letter.
        assert_eq!(set.badge("note"), 'N');
        let all: Vec<char> = set.iter().map(|l| set.badge(&l.name)).collect();
        let mut unique = all.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), all.len(), "{all:?}");
    }

    #[test]
    fn colours_are_hash_and_six_hex_digits() {
        assert!(is_color("#A0b1C2"));
        assert!(!is_color("#abc"));
        assert!(!is_color("red"));
        assert!(!is_color("#12345g"));
        assert!(!is_color("#1234567"));
    }
}
