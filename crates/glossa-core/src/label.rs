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
}

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
    fn colours_are_hash_and_six_hex_digits() {
        assert!(is_color("#A0b1C2"));
        assert!(!is_color("#abc"));
        assert!(!is_color("red"));
        assert!(!is_color("#12345g"));
        assert!(!is_color("#1234567"));
    }
}
