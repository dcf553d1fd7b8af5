//! The document a user annotates, and its spans.

use crate::label::LabelSet;
use crate::offsets::{OffsetError, TextIndex, Unit};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;
use std::ops::Range;

/// A span's id, unique within its document and never reused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct SpanId(pub u32);

impl fmt::Display for SpanId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "s{}", self.0)
    }
}

/// A tagged stretch of the document's text. `start` and `end` are **UTF-8 byte** offsets,
/// end exclusive, always on code point boundaries: `&document.text[start..end]` is its quote.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Span {
    pub id: SpanId,
    pub label: String,
    pub start: usize,
    pub end: usize,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// Free key/value facts, e.g. a claim's `verdict: misleading`.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub attributes: BTreeMap<String, String>,
}

impl Span {
    /// The order spans are kept and listed in: by start, then longer first (outer before inner).
    pub(crate) fn order_key(&self) -> (usize, std::cmp::Reverse<usize>, &str, SpanId) {
        (
            self.start,
            std::cmp::Reverse(self.end),
            self.label.as_str(),
            self.id,
        )
    }
}

/// A relation's id, unique within its document.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct RelationId(pub u32);

/// A directed, labelled link between two spans, e.g. a claim **said-by** an actor, or a figure
/// **about** a claim.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Relation {
    pub id: RelationId,
    /// The relation type, e.g. `said-by` or `about`.
    pub kind: String,
    pub from: SpanId,
    pub to: SpanId,
}

/// The relation types a new document offers.
pub const DEFAULT_RELATION_KINDS: [&str; 2] = ["said-by", "about"];

/// A relation type and the labels it usually links, so the view can offer the right links.
/// Not enforced: an import may link any spans with any kind.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RelationKind {
    pub name: &'static str,
    /// Labels of the span the link starts from.
    pub from: &'static [&'static str],
    /// Labels of the span it points to.
    pub to: &'static [&'static str],
}

/// The default relation types: a claim is **said-by** an actor; a figure is **about** a claim
/// or an actor.
pub const DEFAULT_RELATIONS: [RelationKind; 2] = [
    RelationKind {
        name: "said-by",
        from: &["claim"],
        to: &["actor"],
    },
    RelationKind {
        name: "about",
        from: &["figure"],
        to: &["claim", "actor"],
    },
];

/// The default relation types that fit a link from a `from`-labelled span to a `to`-labelled
/// one.
pub fn suggested_relations<'a>(
    from: &'a str,
    to: &'a str,
) -> impl Iterator<Item = &'static str> + 'a {
    DEFAULT_RELATIONS
        .iter()
        .filter(move |k| k.from.contains(&from) && k.to.contains(&to))
        .map(|k| k.name)
}

/// Why an edit was refused. Nothing changes when an edit is refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EditError {
    /// The range is empty or reversed.
    EmptySpan,
    /// An end lies outside the text or inside a character.
    Offset(OffsetError),
    /// No label of that name in the document's label set.
    UnknownLabel(String),
    /// No span with that id.
    UnknownSpan(SpanId),
    /// No relation with that id.
    UnknownRelation(RelationId),
    /// Another span already has this range and label (a span is its range and label).
    DuplicateSpan(SpanId),
    /// A span being put back has an id already in use.
    SpanIdInUse(SpanId),
    /// A relation being put back has an id already in use.
    RelationIdInUse(RelationId),
    /// A relation must link two different spans.
    SelfRelation(SpanId),
    /// A label of that name already exists.
    LabelExists(String),
    /// A label name must have a visible character.
    EmptyLabelName,
    /// A colour must be `#rrggbb`.
    BadColor(String),
    /// Another label already uses this key.
    HotkeyInUse { key: char, label: String },
    /// The editor keeps this key for itself (see [`crate::label::EDITOR_KEYS`]).
    EditorKey(char),
    /// The label still tags `count` spans: say whether to remove them or move them to another
    /// label (see [`crate::edit::LabelRemoval`]).
    LabelInUse { label: String, count: usize },
}

impl fmt::Display for EditError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EditError::EmptySpan => write!(f, "a span needs at least one character"),
            EditError::Offset(e) => write!(f, "{e}"),
            EditError::UnknownLabel(name) => write!(f, "there is no label called \"{name}\""),
            EditError::UnknownSpan(id) => write!(f, "there is no span {id}"),
            EditError::UnknownRelation(id) => write!(f, "there is no relation r{}", id.0),
            EditError::DuplicateSpan(id) => {
                write!(f, "span {id} already has that text and label")
            }
            EditError::SpanIdInUse(id) => write!(f, "span id {id} is already in use"),
            EditError::RelationIdInUse(id) => write!(f, "relation id r{} is already in use", id.0),
            EditError::SelfRelation(id) => write!(f, "span {id} cannot be linked to itself"),
            EditError::LabelExists(name) => write!(f, "there is already a label \"{name}\""),
            EditError::EmptyLabelName => write!(f, "a label needs a name"),
            EditError::BadColor(c) => write!(f, "\"{c}\" is not a colour like #1f77b4"),
            EditError::HotkeyInUse { key, label } => {
                write!(f, "the key {key} already applies \"{label}\"")
            }
            EditError::EditorKey(key) => write!(
                f,
                "\"{key}\" cannot be a label's key: J and K move between spans, R links, / \
                 searches and ? lists the keys"
            ),
            EditError::LabelInUse { label, count } => write!(
                f,
                "\"{label}\" still tags {count} span{}: remove them or move them to another label",
                if *count == 1 { "" } else { "s" }
            ),
        }
    }
}

impl std::error::Error for EditError {}

impl From<OffsetError> for EditError {
    fn from(e: OffsetError) -> Self {
        EditError::Offset(e)
    }
}

/// A pasted article and everything tagged in it. The text is kept exactly as given (CRLF, tabs,
/// NBSP, emoji untouched); every offset is in **UTF-8 bytes**. Times are milliseconds since the
/// Unix epoch, supplied by the caller so the core needs no clock.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Document {
    pub id: String,
    pub title: String,
    pub text: String,
    pub created_ms: i64,
    pub modified_ms: i64,
    #[serde(default)]
    pub labels: LabelSet,
    /// Kept sorted by [`Span::order_key`]: start, then longer first.
    #[serde(default)]
    pub(crate) spans: Vec<Span>,
    /// Kept in the order they were made (by id).
    #[serde(default)]
    pub(crate) relations: Vec<Relation>,
    #[serde(default)]
    pub(crate) next_span_id: u32,
    #[serde(default)]
    pub(crate) next_relation_id: u32,
    /// The tokens a spaCy/Prodigy file brought, so a spaCy export gives spans and relations the
    /// file's own token indices (Glossa's tokens differ: "IL-4" is one token there, three
    /// here): each token's start and end byte, one after the other, in text order (flat, as
    /// pairs cost the app's wasm 2 KB to read). Empty for any other text. The text never
    /// changes, so they stay true.
    #[serde(default, rename = "tokens", skip_serializing_if = "Vec::is_empty")]
    pub(crate) token_bounds: Vec<usize>,
}

/// True when `bounds` are pairs of start and end bytes of non-empty ranges of `text` on
/// character boundaries, in text order and apart.
pub(crate) fn tokens_fit(bounds: &[usize], text: &str) -> bool {
    let mut at = 0;
    bounds.len().is_multiple_of(2)
        && bounds.chunks_exact(2).all(|pair| {
            let (s, e) = (pair[0], pair[1]);
            let fits = at <= s
                && s < e
                && e <= text.len()
                && text.is_char_boundary(s)
                && text.is_char_boundary(e);
            at = e;
            fits
        })
}

impl Document {
    /// A new document with the default labels and no spans.
    pub fn new(id: &str, title: &str, text: &str, now_ms: i64) -> Self {
        Document {
            id: id.to_string(),
            title: title.to_string(),
            text: text.to_string(),
            created_ms: now_ms,
            modified_ms: now_ms,
            labels: LabelSet::default(),
            spans: Vec::new(),
            relations: Vec::new(),
            next_span_id: 1,
            next_relation_id: 1,
            token_bounds: Vec::new(),
        }
    }

    /// The tokens a spaCy/Prodigy file brought (byte ranges, in text order); none for any
    /// other text.
    pub fn tokens(&self) -> Vec<(usize, usize)> {
        self.token_bounds
            .chunks_exact(2)
            .map(|p| (p[0], p[1]))
            .collect()
    }

    /// Keeps a file's tokens, if they are byte ranges of the text in order; false (and none
    /// kept) if not.
    pub fn set_tokens(&mut self, tokens: &[(usize, usize)]) -> bool {
        self.token_bounds = tokens.iter().flat_map(|&(s, e)| [s, e]).collect();
        let fit = tokens_fit(&self.token_bounds, &self.text);
        if !fit {
            self.token_bounds.clear();
        }
        fit
    }

    /// All spans, by start, outer before inner.
    pub fn spans(&self) -> &[Span] {
        &self.spans
    }

    /// The span with this id.
    pub fn span(&self, id: SpanId) -> Option<&Span> {
        self.spans.iter().find(|s| s.id == id)
    }

    /// The exact text a span covers.
    pub fn quote(&self, span: &Span) -> &str {
        &self.text[span.start..span.end]
    }

    /// An index for converting this document's offsets between units.
    pub fn index(&self) -> TextIndex<'_> {
        TextIndex::new(&self.text)
    }

    /// Checks a byte range against the text without indexing it (O(1)), with the errors
    /// [`TextIndex`] would give.
    pub(crate) fn check_bytes(&self, start: usize, end: usize) -> Result<(), EditError> {
        for at in [start, end] {
            if at > self.text.len() {
                return Err(OffsetError::OutOfRange {
                    offset: at,
                    len: self.text.len(),
                    unit: Unit::Utf8,
                }
                .into());
            }
            if !self.text.is_char_boundary(at) {
                return Err(OffsetError::InsideCharacter {
                    offset: at,
                    unit: Unit::Utf8,
                }
                .into());
            }
        }
        if start >= end {
            return Err(EditError::EmptySpan);
        }
        Ok(())
    }

    /// The span tagging exactly `[start, end)` (UTF-8 bytes) with `label`, found by binary
    /// search.
    pub fn find_span(&self, label: &str, start: usize, end: usize) -> Option<SpanId> {
        let key = (start, std::cmp::Reverse(end), label);
        let at = self
            .spans
            .partition_point(|s| (s.start, std::cmp::Reverse(s.end), s.label.as_str()) < key);
        self.spans
            .get(at)
            .filter(|s| s.start == start && s.end == end && s.label == label)
            .map(|s| s.id)
    }

    /// Tags `[start, end)`, counted in `unit`, with `label`. Adding a span whose range and label
    /// an existing span already has returns that span's id and changes nothing.
    pub fn add_span(
        &mut self,
        label: &str,
        start: usize,
        end: usize,
        unit: Unit,
    ) -> Result<SpanId, EditError> {
        let (start, end) = self.to_bytes(start, end, unit)?;
        self.add_span_bytes(label, start, end).map(|(id, _)| id)
    }

    /// Converts a range counted in `unit` to UTF-8 bytes. Bytes are checked without indexing
    /// the whole text, so tagging stays fast on long texts.
    pub fn to_bytes(
        &self,
        start: usize,
        end: usize,
        unit: Unit,
    ) -> Result<(usize, usize), EditError> {
        let (start, end) = if unit == Unit::Utf8 {
            (start, end)
        } else {
            self.index().convert_range((start, end), unit, Unit::Utf8)?
        };
        self.check_bytes(start, end)?;
        Ok((start, end))
    }

    /// Adds a span on a byte range; the flag is false when the span already existed.
    pub(crate) fn add_span_bytes(
        &mut self,
        label: &str,
        start: usize,
        end: usize,
    ) -> Result<(SpanId, bool), EditError> {
        self.check_bytes(start, end)?;
        if !self.labels.contains(label) {
            return Err(EditError::UnknownLabel(label.to_string()));
        }
        if let Some(same) = self.find_span(label, start, end) {
            return Ok((same, false));
        }
        let id = SpanId(self.next_span_id.max(1));
        self.next_span_id = id.0 + 1;
        self.insert_span(Span {
            id,
            label: label.to_string(),
            start,
            end,
            note: None,
            attributes: BTreeMap::new(),
        });
        Ok((id, true))
    }

    /// Puts a span in its sorted place.
    pub(crate) fn insert_span(&mut self, span: Span) {
        let at = self
            .spans
            .partition_point(|s| s.order_key() < span.order_key());
        self.spans.insert(at, span);
    }

    /// Puts the spans back in order after labels were renamed.
    pub(crate) fn sort_spans(&mut self) {
        self.spans.sort_by(|a, b| a.order_key().cmp(&b.order_key()));
    }

    /// Removes a span and every relation that touches it; returns both.
    pub fn remove_span(&mut self, id: SpanId) -> Result<(Span, Vec<Relation>), EditError> {
        let at = self.position(id)?;
        let (gone, kept): (Vec<Relation>, Vec<Relation>) = std::mem::take(&mut self.relations)
            .into_iter()
            .partition(|r| r.from == id || r.to == id);
        self.relations = kept;
        Ok((self.spans.remove(at), gone))
    }

    /// Gives a span another label, keeping its id, note, attributes and relations. Returns
    /// the label it had. Refused when another span already has that range and label.
    pub fn relabel_span(&mut self, id: SpanId, label: &str) -> Result<String, EditError> {
        if !self.labels.contains(label) {
            return Err(EditError::UnknownLabel(label.to_string()));
        }
        let at = self.position(id)?;
        let (start, end) = (self.spans[at].start, self.spans[at].end);
        if let Some(twin) = self.find_span(label, start, end).filter(|&t| t != id) {
            return Err(EditError::DuplicateSpan(twin));
        }
        let mut span = self.spans.remove(at);
        let old = std::mem::replace(&mut span.label, label.to_string());
        self.insert_span(span);
        Ok(old)
    }

    /// Moves a span's ends to `[start, end)` (UTF-8 bytes), keeping everything else. Returns
    /// the range it had. Refused when another span already has that range and label.
    pub fn resize_span(
        &mut self,
        id: SpanId,
        start: usize,
        end: usize,
    ) -> Result<(usize, usize), EditError> {
        self.check_bytes(start, end)?;
        let at = self.position(id)?;
        if let Some(twin) = self
            .find_span(&self.spans[at].label, start, end)
            .filter(|&t| t != id)
        {
            return Err(EditError::DuplicateSpan(twin));
        }
        let mut span = self.spans.remove(at);
        let old = (span.start, span.end);
        (span.start, span.end) = (start, end);
        self.insert_span(span);
        Ok(old)
    }

    pub(crate) fn position(&self, id: SpanId) -> Result<usize, EditError> {
        self.spans
            .iter()
            .position(|s| s.id == id)
            .ok_or(EditError::UnknownSpan(id))
    }

    /// All relations, in the order they were made.
    pub fn relations(&self) -> &[Relation] {
        &self.relations
    }

    /// The relation with this id.
    pub fn relation(&self, id: RelationId) -> Option<&Relation> {
        self.relations.iter().find(|r| r.id == id)
    }

    /// The relations that start or end at span `id`.
    pub fn relations_of(&self, id: SpanId) -> impl Iterator<Item = &Relation> {
        self.relations
            .iter()
            .filter(move |r| r.from == id || r.to == id)
    }

    /// Links span `from` to span `to` with `kind`. Linking the same pair with the same kind
    /// again returns the existing relation.
    pub fn add_relation(
        &mut self,
        kind: &str,
        from: SpanId,
        to: SpanId,
    ) -> Result<RelationId, EditError> {
        self.add_relation_new(kind, from, to).map(|(id, _)| id)
    }

    /// Adds a relation; the flag is false when it already existed.
    pub(crate) fn add_relation_new(
        &mut self,
        kind: &str,
        from: SpanId,
        to: SpanId,
    ) -> Result<(RelationId, bool), EditError> {
        for id in [from, to] {
            self.span(id).ok_or(EditError::UnknownSpan(id))?;
        }
        if from == to {
            return Err(EditError::SelfRelation(from));
        }
        if let Some(same) = self
            .relations
            .iter()
            .find(|r| r.kind == kind && r.from == from && r.to == to)
        {
            return Ok((same.id, false));
        }
        let id = RelationId(self.next_relation_id.max(1));
        self.next_relation_id = id.0 + 1;
        self.relations.push(Relation {
            id,
            kind: kind.to_string(),
            from,
            to,
        });
        Ok((id, true))
    }

    /// Puts a relation back in its place by id.
    pub(crate) fn insert_relation(&mut self, relation: Relation) {
        self.next_relation_id = self.next_relation_id.max(relation.id.0 + 1);
        let at = self.relations.partition_point(|r| r.id < relation.id);
        self.relations.insert(at, relation);
    }

    /// Removes a relation and returns it.
    pub fn remove_relation(&mut self, id: RelationId) -> Result<Relation, EditError> {
        let at = self
            .relations
            .iter()
            .position(|r| r.id == id)
            .ok_or(EditError::UnknownRelation(id))?;
        Ok(self.relations.remove(at))
    }

    /// Sets or clears (`None` or empty) a span's note; returns the note it had.
    pub fn set_note(
        &mut self,
        id: SpanId,
        note: Option<&str>,
    ) -> Result<Option<String>, EditError> {
        let span = self.span_mut(id)?;
        let note = note.filter(|n| !n.is_empty()).map(str::to_string);
        Ok(std::mem::replace(&mut span.note, note))
    }

    /// Sets (or with `None` removes) one attribute of a span; returns the value it had.
    pub fn set_attribute(
        &mut self,
        id: SpanId,
        key: &str,
        value: Option<&str>,
    ) -> Result<Option<String>, EditError> {
        let span = self.span_mut(id)?;
        Ok(match value {
            Some(v) => span.attributes.insert(key.to_string(), v.to_string()),
            None => span.attributes.remove(key),
        })
    }

    fn span_mut(&mut self, id: SpanId) -> Result<&mut Span, EditError> {
        self.spans
            .iter_mut()
            .find(|s| s.id == id)
            .ok_or(EditError::UnknownSpan(id))
    }

    /// Spans covering the byte offset `at` (start <= at < end), outer first.
    pub fn spans_at(&self, at: usize) -> impl Iterator<Item = &Span> {
        self.spans
            .iter()
            .take_while(move |s| s.start <= at)
            .filter(move |s| at < s.end)
    }

    /// Spans sharing at least one byte with `range` (UTF-8 bytes), in span order.
    pub fn spans_overlapping(&self, range: Range<usize>) -> impl Iterator<Item = &Span> {
        self.spans
            .iter()
            .take_while(move |s| s.start < range.end)
            .filter(move |s| s.end > range.start)
    }

    /// Spans lying wholly inside `range` (UTF-8 bytes), in span order. Found by binary search.
    pub fn spans_within(&self, range: Range<usize>) -> impl Iterator<Item = &Span> {
        let first = self.spans.partition_point(|s| s.start < range.start);
        self.spans[first..]
            .iter()
            .take_while(move |s| s.start < range.end)
            .filter(move |s| s.end <= range.end)
    }

    /// Spans tagged `label`, in span order.
    pub fn spans_with_label<'a>(&'a self, label: &'a str) -> impl Iterator<Item = &'a Span> {
        self.spans.iter().filter(move |s| s.label == label)
    }

    /// Every non-overlapping, case-insensitive occurrence of `query` in the text, as byte
    /// ranges; see [`crate::search::find_all`].
    pub fn search(&self, query: &str) -> Vec<Range<usize>> {
        crate::search::find_all(&self.text, query)
    }

    /// Puts a document read from outside the editor (storage) back in the shape every edit
    /// keeps: spans that do not fit the text, and repeated span or relation ids, are set aside;
    /// relations to spans that are not there go with them; a span's unknown label is added to
    /// the labels (grey, no key); spans are sorted and the next ids follow the highest. Returns
    /// what was set aside or added, in words (empty when the document was whole).
    pub fn repair(&mut self) -> Vec<String> {
        let mut said = Vec::new();
        if !tokens_fit(&self.token_bounds, &self.text) {
            said.push("its tokens do not fit the text; left out".to_string());
            self.token_bounds.clear();
        }
        let mut ids = std::collections::BTreeSet::new();
        let text = &self.text;
        self.spans.retain(|s| {
            let fits = s.start < s.end
                && s.end <= text.len()
                && text.is_char_boundary(s.start)
                && text.is_char_boundary(s.end);
            if !fits {
                said.push(format!(
                    "span {} ({}, bytes {}..{}) does not fit the text ({} bytes)",
                    s.id.0,
                    s.label,
                    s.start,
                    s.end,
                    text.len()
                ));
                return false;
            }
            if !ids.insert(s.id) {
                said.push(format!("span {} ({}) repeats an id", s.id.0, s.label));
                return false;
            }
            true
        });
        for span in &self.spans {
            if !self.labels.contains(&span.label) {
                self.labels
                    .labels
                    .push(crate::label::Label::new(&span.label, "#6b7280", None));
                said.push(format!("label {} was missing and is added", span.label));
            }
        }
        self.sort_spans();
        let mut relation_ids = std::collections::BTreeSet::new();
        self.relations.retain(|r| {
            let linked = ids.contains(&r.from) && ids.contains(&r.to);
            if !linked {
                said.push(format!(
                    "relation {} ({}) links a span that is not there",
                    r.id.0, r.kind
                ));
                return false;
            }
            if !relation_ids.insert(r.id) {
                said.push(format!("relation {} ({}) repeats an id", r.id.0, r.kind));
                return false;
            }
            true
        });
        let next_span = self.spans.iter().map(|s| s.id.0.saturating_add(1)).max();
        self.next_span_id = self.next_span_id.max(next_span.unwrap_or(1));
        let next_relation = self
            .relations
            .iter()
            .map(|r| r.id.0.saturating_add(1))
            .max();
        self.next_relation_id = self.next_relation_id.max(next_relation.unwrap_or(1));
        said
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(text: &str) -> Document {
        Document::new("d1", "Test", text, 0)
    }

    #[test]
    fn repair_leaves_a_whole_document_as_it_is() {
        let mut d = doc("José said 🇶🇦 talks\r\nwent well");
        let a = d.add_span("actor", 0, 5, Unit::Utf8).unwrap();
        let c = d.add_span("claim", 0, 19, Unit::Utf8).unwrap();
        d.add_span("figure", 11, 19, Unit::Utf8).unwrap();
        d.add_relation("said-by", c, a).unwrap();
        let before = d.clone();
        assert!(d.repair().is_empty());
        assert_eq!(d, before);
    }

    #[test]
    fn repair_sets_aside_what_does_not_fit_and_keeps_the_rest() {
        let text = "José said 🇶🇦 talks";
        let span = |id: u32, label: &str, start: usize, end: usize| serde_json::json!({ "id": id, "label": label, "start": start, "end": end });
        let relation = |id: u32, from: u32, to: u32| serde_json::json!({ "id": id, "kind": "said-by", "from": from, "to": to });
        let stored = serde_json::json!({
            "id": "d1", "title": "T", "text": text, "created_ms": 0, "modified_ms": 0,
            "spans": [
                span(5, "claim", 6, 10),   // out of order: sorted back
                span(1, "actor", 0, 5),
                span(2, "actor", 4, 10),   // cuts "é"
                span(3, "figure", 11, 99), // past the end
                span(4, "figure", 6, 6),   // empty
                span(1, "claim", 0, 3),    // repeats id 1
                span(6, "source", 11, 19), // a label the set lacks
            ],
            "relations": [relation(1, 5, 1), relation(2, 5, 3), relation(1, 6, 1)],
            "next_span_id": 2, "next_relation_id": 1,
        });
        let mut d: Document = serde_json::from_value(stored).unwrap();
        let said = d.repair();
        assert_eq!(
            said,
            [
                "span 2 (actor, bytes 4..10) does not fit the text (25 bytes)",
                "span 3 (figure, bytes 11..99) does not fit the text (25 bytes)",
                "span 4 (figure, bytes 6..6) does not fit the text (25 bytes)",
                "span 1 (claim) repeats an id",
                "label source was missing and is added",
                "relation 2 (said-by) links a span that is not there",
                "relation 1 (said-by) repeats an id",
            ]
        );
        let kept: Vec<(u32, &str)> = d.spans().iter().map(|s| (s.id.0, d.quote(s))).collect();
        assert_eq!(kept, [(1, "José"), (5, "said"), (6, "🇶🇦")]);
        assert_eq!(d.relations().len(), 1);
        assert!(d.labels.contains("source"));
        // New spans and relations get ids no kept one has.
        let s = d.add_span("actor", 19, 22, Unit::Utf8).unwrap();
        assert_eq!(s, SpanId(7));
        let r = d.add_relation("about", s, SpanId(5)).unwrap();
        assert_eq!(r, RelationId(2));
        // Repaired, it stays whole.
        assert!(d.repair().is_empty());
    }

    #[test]
    fn adds_spans_in_any_unit_and_quotes_them_exactly() {
        let mut d = doc("😀 Qatar said 100");
        // "Qatar" is code points 2..7, UTF-16 3..8, bytes 5..10.
        let a = d.add_span("actor", 2, 7, Unit::CodePoint).unwrap();
        let b = d.add_span("figure", 14, 17, Unit::Utf16).unwrap();
        assert_eq!(d.quote(d.span(a).unwrap()), "Qatar");
        assert_eq!(d.quote(d.span(b).unwrap()), "100");
        assert_ne!(a, b);
    }

    #[test]
    fn the_same_range_and_label_is_one_span() {
        let mut d = doc("Qatar said");
        let a = d.add_span("actor", 0, 5, Unit::Utf8).unwrap();
        assert_eq!(d.add_span("actor", 0, 5, Unit::Utf8), Ok(a));
        assert_eq!(d.spans().len(), 1);
        // Another label on the same range is a different span.
        d.add_span("claim", 0, 5, Unit::Utf8).unwrap();
        assert_eq!(d.spans().len(), 2);
    }

    #[test]
    fn refuses_bad_edits_without_changing_anything() {
        let mut d = doc("x😀y");
        let before = d.clone();
        assert_eq!(
            d.add_span("actor", 1, 1, Unit::Utf8),
            Err(EditError::EmptySpan)
        );
        assert!(matches!(
            d.add_span("actor", 2, 4, Unit::Utf8),
            Err(EditError::Offset(OffsetError::InsideCharacter { .. }))
        ));
        assert!(matches!(
            d.add_span("actor", 0, 2, Unit::Utf16),
            Err(EditError::Offset(OffsetError::InsideCharacter { .. }))
        ));
        assert!(matches!(
            d.add_span("actor", 0, 99, Unit::CodePoint),
            Err(EditError::Offset(OffsetError::OutOfRange { .. }))
        ));
        assert_eq!(
            d.add_span("person", 0, 1, Unit::Utf8),
            Err(EditError::UnknownLabel("person".into()))
        );
        assert_eq!(
            d.remove_span(SpanId(7)),
            Err(EditError::UnknownSpan(SpanId(7)))
        );
        assert_eq!(d, before);
    }

    #[test]
    fn nested_spans_stay_sorted_outer_first_and_ids_are_not_reused() {
        let mut d = doc("Sheikh Mohammed said talks went well");
        let actor = d.add_span("actor", 0, 15, Unit::Utf8).unwrap();
        let claim = d.add_span("claim", 0, 36, Unit::Utf8).unwrap();
        let ids: Vec<_> = d.spans().iter().map(|s| s.id).collect();
        assert_eq!(ids, vec![claim, actor]);
        assert_eq!(d.spans_at(3).count(), 2);
        assert_eq!(d.spans_at(20).map(|s| s.id).collect::<Vec<_>>(), [claim]);
        d.remove_span(claim).unwrap();
        let again = d.add_span("claim", 0, 36, Unit::Utf8).unwrap();
        assert!(again > actor && again != claim);
    }

    #[test]
    fn removing_a_span_removes_its_relations() {
        let mut d = doc("Hamas said 100 were freed");
        let actor = d.add_span("actor", 0, 5, Unit::Utf8).unwrap();
        let claim = d.add_span("claim", 11, 25, Unit::Utf8).unwrap();
        let figure = d.add_span("figure", 11, 14, Unit::Utf8).unwrap();
        let said = d.add_relation("said-by", claim, actor).unwrap();
        assert_eq!(d.add_relation("said-by", claim, actor), Ok(said));
        d.add_relation("about", figure, claim).unwrap();
        assert_eq!(
            d.add_relation("about", figure, SpanId(99)),
            Err(EditError::UnknownSpan(SpanId(99)))
        );
        let (_, gone) = d.remove_span(claim).unwrap();
        assert_eq!(gone.len(), 2);
        assert!(d.relations().is_empty());
    }

    #[test]
    fn relabel_and_resize_keep_the_span_and_its_relations() {
        let mut d = doc("Hamas said 100 were freed");
        let a = d.add_span("actor", 0, 5, Unit::Utf8).unwrap();
        let c = d.add_span("claim", 11, 25, Unit::Utf8).unwrap();
        d.add_relation("said-by", c, a).unwrap();
        assert_eq!(d.relabel_span(a, "figure"), Ok("actor".to_string()));
        assert_eq!(d.span(a).unwrap().label, "figure");
        assert_eq!(
            d.relabel_span(a, "nobody"),
            Err(EditError::UnknownLabel("nobody".into()))
        );
        assert_eq!(d.resize_span(c, 0, 25), Ok((11, 25)));
        // Now the claim is the longer span at 0, so it comes first.
        assert_eq!(d.spans()[0].id, c);
        assert_eq!(d.resize_span(c, 3, 3), Err(EditError::EmptySpan));
        assert_eq!(d.relations().len(), 1);
    }

    #[test]
    fn notes_and_attributes_are_set_and_cleared() {
        let mut d = doc("It is true");
        let claim = d.add_span("claim", 0, 10, Unit::Utf8).unwrap();
        assert_eq!(d.set_note(claim, Some("check the source")), Ok(None));
        assert_eq!(
            d.set_note(claim, Some("")),
            Ok(Some("check the source".into()))
        );
        assert_eq!(d.span(claim).unwrap().note, None);
        assert_eq!(
            d.set_attribute(claim, "verdict", Some("misleading")),
            Ok(None)
        );
        assert_eq!(d.span(claim).unwrap().attributes["verdict"], "misleading");
        assert_eq!(
            d.set_attribute(claim, "verdict", None),
            Ok(Some("misleading".into()))
        );
        assert!(d.set_note(SpanId(9), Some("x")).is_err());
    }

    #[test]
    fn keeps_the_text_exactly_as_given() {
        let text = "a\r\n\tb\u{a0} c  😀";
        let d = doc(text);
        let back: Document = serde_json::from_str(&serde_json::to_string(&d).unwrap()).unwrap();
        assert_eq!(back.text, text);
        assert_eq!(back, d);
    }

    #[test]
    fn queries_by_label_range_point_and_text() {
        let mut d = doc("Hamas said 100 were freed, HAMAS said.");
        let claim = d.add_span("claim", 11, 25, Unit::Utf8).unwrap();
        let figure = d.add_span("figure", 11, 14, Unit::Utf8).unwrap();
        let first = d.add_span("actor", 0, 5, Unit::Utf8).unwrap();
        let second = d.add_span("actor", 27, 32, Unit::Utf8).unwrap();
        let ids = |it: &mut dyn Iterator<Item = &Span>| it.map(|s| s.id).collect::<Vec<_>>();
        assert_eq!(ids(&mut d.spans_with_label("actor")), [first, second]);
        assert_eq!(ids(&mut d.spans_overlapping(4..12)), [first, claim, figure]);
        assert_eq!(ids(&mut d.spans_within(4..30)), [claim, figure]);
        assert_eq!(ids(&mut d.spans_within(0..38)).len(), 4);
        assert_eq!(ids(&mut d.spans_at(12)), [claim, figure]);
        assert_eq!(d.find_span("actor", 27, 32), Some(second));
        assert_eq!(d.find_span("claim", 27, 32), None);
        let hits = d.search("hamas");
        assert_eq!(hits, vec![0..5, 27..32]);
        for h in hits {
            assert!(d.find_span("actor", h.start, h.end).is_some());
        }
    }

    #[test]
    fn relations_of_a_span_and_the_default_kinds() {
        let mut d = doc("Hamas said 100 were freed");
        let actor = d.add_span("actor", 0, 5, Unit::Utf8).unwrap();
        let claim = d.add_span("claim", 11, 25, Unit::Utf8).unwrap();
        let figure = d.add_span("figure", 11, 14, Unit::Utf8).unwrap();
        let said = d.add_relation("said-by", claim, actor).unwrap();
        let about = d.add_relation("about", figure, claim).unwrap();
        assert_eq!(d.relation(said).unwrap().from, claim);
        let of_claim: Vec<_> = d.relations_of(claim).map(|r| r.id).collect();
        assert_eq!(of_claim, [said, about]);
        assert_eq!(d.relations_of(actor).count(), 1);
        assert_eq!(
            d.add_relation("about", claim, claim),
            Err(EditError::SelfRelation(claim))
        );
        let kinds = |from, to| suggested_relations(from, to).collect::<Vec<_>>();
        assert_eq!(kinds("claim", "actor"), ["said-by"]);
        assert_eq!(kinds("figure", "actor"), ["about"]);
        assert_eq!(kinds("figure", "claim"), ["about"]);
        assert!(kinds("actor", "claim").is_empty());
    }

    #[test]
    fn relabel_and_resize_refuse_to_repeat_a_span() {
        let mut d = doc("Hamas said 100 were freed");
        let actor = d.add_span("actor", 0, 5, Unit::Utf8).unwrap();
        let figure = d.add_span("figure", 0, 5, Unit::Utf8).unwrap();
        let other = d.add_span("actor", 11, 14, Unit::Utf8).unwrap();
        let before = d.clone();
        assert_eq!(
            d.relabel_span(figure, "actor"),
            Err(EditError::DuplicateSpan(actor))
        );
        assert_eq!(
            d.resize_span(other, 0, 5),
            Err(EditError::DuplicateSpan(actor))
        );
        assert_eq!(d, before);
        // Every error reads as a sentence.
        assert_eq!(
            EditError::LabelInUse {
                label: "actor".into(),
                count: 2
            }
            .to_string(),
            "\"actor\" still tags 2 spans: remove them or move them to another label"
        );
    }

    #[test]
    fn tokens_that_do_not_fit_the_text_are_left_out_on_repair() {
        let mut d = Document::new("d", "t", "Café au lait", 0);
        assert!(d.set_tokens(&[(0, 5), (6, 8), (9, 13)]));
        assert_eq!(d.repair(), Vec::<String>::new());
        assert_eq!(d.tokens(), [(0, 5), (6, 8), (9, 13)]);
        // Inside the é, out of order, past the end, half a pair: each is refused, and left out
        // on repair (a stored document may have been changed by hand).
        for bad in [vec![0, 4], vec![6, 8, 0, 5], vec![9, 14], vec![0, 5, 6]] {
            d.token_bounds = bad.clone();
            assert_eq!(d.repair().len(), 1, "{bad:?}");
            assert!(d.tokens().is_empty());
            let pairs: Vec<(usize, usize)> = bad.chunks_exact(2).map(|p| (p[0], p[1])).collect();
            if bad.len().is_multiple_of(2) {
                assert!(!d.set_tokens(&pairs));
            }
        }
    }
}
