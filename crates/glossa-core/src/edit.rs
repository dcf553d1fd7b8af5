//! Undo and redo. Every change to a document is an [`Edit`]; [`Document::apply`] makes it and
//! returns the edit that takes it back, and [`History`] keeps those on two stacks. Offsets in
//! edits are UTF-8 bytes.
//!
//! Undo restores everything a user sees and everything saved, with the same span and relation
//! ids. Only the id counters keep counting, so an id never names two different spans.

use crate::document::{Document, EditError, Relation, RelationId, Span, SpanId};
use crate::label::{is_color, Label, EDITOR_KEYS};
use crate::offsets::Unit;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Two spans with the same range and label (a document holds one of them at most).
fn twins(a: &Span, b: &Span) -> bool {
    (a.start, a.end, &a.label) == (b.start, b.end, &b.label)
}

/// A step made of these inverses: one edit alone, else a group (none: a group that does nothing).
fn step(mut undo: Vec<Edit>) -> Edit {
    if undo.len() == 1 {
        undo.remove(0)
    } else {
        Edit::Group { edits: undo }
    }
}

mod read;

/// What to do with the spans of a label being removed, so they are never dropped unasked.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum LabelRemoval {
    /// Remove the spans too, with their relations.
    RemoveSpans,
    /// Give the spans this other label. A span that would then repeat another span's range and
    /// label is merged into it: its relations, and its note and attributes where the other has
    /// none, move over.
    MoveTo(String),
}

/// One undoable change to a document. Offsets are UTF-8 bytes. The `Restore…` variants put
/// back exactly what a removal took, ids included; they are what undo applies.
///
/// In JSON an edit is `{"add-span": {"label": …, "start": …, "end": …}}`. (The first stored
/// histories tagged it inside, `{"op": "add-span", …}`; [`History::from_v1_json`] reads those.
/// Reading a tag from inside an object makes serde buffer every edit, which cost the wasm
/// about 17 KB gzip.) It is read by hand, in `edit/read.rs`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Edit {
    /// Tag `[start, end)` with `label`; nothing happens if that span exists.
    AddSpan {
        label: String,
        start: usize,
        end: usize,
    },
    /// Remove a span and the relations that touch it.
    RemoveSpan { id: SpanId },
    /// Put back a removed span and its relations, with their ids.
    RestoreSpan {
        span: Span,
        relations: Vec<Relation>,
    },
    /// Give a span another label.
    Relabel { id: SpanId, label: String },
    /// Move a span's ends.
    Resize {
        id: SpanId,
        start: usize,
        end: usize,
    },
    /// Set or (with `None` or "") clear a span's note.
    SetNote { id: SpanId, note: Option<String> },
    /// Set or (with `None`) remove one attribute of a span, e.g. `verdict`.
    SetAttribute {
        id: SpanId,
        key: String,
        value: Option<String>,
    },
    /// Link two spans; nothing happens if that link exists.
    AddRelation {
        kind: String,
        from: SpanId,
        to: SpanId,
    },
    /// Remove a relation.
    RemoveRelation { id: RelationId },
    /// Put back a removed relation with its id.
    RestoreRelation { relation: Relation },
    /// Add a label at toolbar position `at` (the end when `None`).
    AddLabel { label: Label, at: Option<usize> },
    /// Rename a label and relabel its spans.
    RenameLabel { from: String, to: String },
    /// Give a label another `#rrggbb` colour.
    SetLabelColor { name: String, color: String },
    /// Give a label another key, or none.
    SetLabelHotkey { name: String, hotkey: Option<char> },
    /// Remove a label. If it still tags spans, `spans` must say what happens to them, or the
    /// edit is refused with [`EditError::LabelInUse`].
    RemoveLabel {
        name: String,
        spans: Option<LabelRemoval>,
    },
    /// Several edits as one step, all or nothing (e.g. tagging every search hit).
    Group { edits: Vec<Edit> },
}

impl Edit {
    /// An edit that changes nothing: what applying a no-op returns.
    pub fn noop() -> Edit {
        Edit::Group { edits: Vec::new() }
    }

    /// How many single changes this edit makes (a group counts its members).
    pub fn size(&self) -> usize {
        match self {
            Edit::Group { edits } => edits.iter().map(Edit::size).sum(),
            _ => 1,
        }
    }

    /// True when applying this edit changes nothing.
    pub fn is_noop(&self) -> bool {
        matches!(self, Edit::Group { edits } if edits.iter().all(Edit::is_noop))
    }

    /// Tag `[start, end)` (UTF-8 bytes) with `label`.
    pub fn add_span(label: &str, start: usize, end: usize) -> Edit {
        Edit::AddSpan {
            label: label.to_string(),
            start,
            end,
        }
    }

    /// Several edits as one undoable step.
    pub fn group(edits: Vec<Edit>) -> Edit {
        Edit::Group { edits }
    }
}

impl Document {
    /// Makes `edit` and returns the edit that undoes it ([`Edit::noop`] when nothing changed).
    /// A refused edit changes nothing; a group is all or nothing.
    pub fn apply(&mut self, edit: Edit) -> Result<Edit, EditError> {
        let noop = Edit::noop;
        Ok(match edit {
            Edit::AddSpan { label, start, end } => match self.add_span_bytes(&label, start, end)? {
                (id, true) => Edit::RemoveSpan { id },
                (_, false) => noop(),
            },
            Edit::RemoveSpan { id } => {
                let (span, relations) = self.remove_span(id)?;
                Edit::RestoreSpan { span, relations }
            }
            Edit::RestoreSpan { span, relations } => self.restore_span(span, relations)?,
            Edit::Relabel { id, label } => {
                let span = self.span(id).ok_or(EditError::UnknownSpan(id))?;
                if span.label == label {
                    noop()
                } else {
                    let label = self.relabel_span(id, &label)?;
                    Edit::Relabel { id, label }
                }
            }
            Edit::Resize { id, start, end } => {
                let span = self.span(id).ok_or(EditError::UnknownSpan(id))?;
                if (span.start, span.end) == (start, end) {
                    noop()
                } else {
                    let (start, end) = self.resize_span(id, start, end)?;
                    Edit::Resize { id, start, end }
                }
            }
            Edit::SetNote { id, note } => {
                let note = note.filter(|n| !n.is_empty());
                let old = self.set_note(id, note.as_deref())?;
                if old == note {
                    noop()
                } else {
                    Edit::SetNote { id, note: old }
                }
            }
            Edit::SetAttribute { id, key, value } => {
                let old = self.set_attribute(id, &key, value.as_deref())?;
                if old == value {
                    noop()
                } else {
                    Edit::SetAttribute {
                        id,
                        key,
                        value: old,
                    }
                }
            }
            Edit::AddRelation { kind, from, to } => match self.add_relation_new(&kind, from, to)? {
                (id, true) => Edit::RemoveRelation { id },
                (_, false) => noop(),
            },
            Edit::RemoveRelation { id } => Edit::RestoreRelation {
                relation: self.remove_relation(id)?,
            },
            Edit::RestoreRelation { relation } => {
                if self.relation(relation.id).is_some() {
                    return Err(EditError::RelationIdInUse(relation.id));
                }
                self.check_link(relation.from, relation.to, None)?;
                let id = relation.id;
                self.insert_relation(relation);
                Edit::RemoveRelation { id }
            }
            Edit::AddLabel { label, at } => {
                check_name(&label.name)?;
                if let Some(other) = self.labels.named_like(&label.name) {
                    return Err(EditError::LabelExists(other.name.clone()));
                }
                if !is_color(&label.color) {
                    return Err(EditError::BadColor(label.color));
                }
                self.check_hotkey(label.hotkey, &label.name)?;
                let at = at.unwrap_or(self.labels.len()).min(self.labels.len());
                let name = label.name.clone();
                self.labels.labels.insert(at, label);
                Edit::RemoveLabel { name, spans: None }
            }
            Edit::RenameLabel { from, to } => {
                let at = self
                    .labels
                    .position(&from)
                    .ok_or_else(|| EditError::UnknownLabel(from.clone()))?;
                if from == to {
                    return Ok(noop());
                }
                check_name(&to)?;
                // Another label by that name but for case; the label itself may change case.
                if let Some(other) = self.labels.named_like(&to).filter(|l| l.name != from) {
                    return Err(EditError::LabelExists(other.name.clone()));
                }
                self.labels.labels[at].name = to.clone();
                for span in self.spans.iter_mut().filter(|s| s.label == from) {
                    span.label = to.clone();
                }
                // The label is part of the span order.
                self.sort_spans();
                Edit::RenameLabel { from: to, to: from }
            }
            Edit::SetLabelColor { name, color } => {
                if !is_color(&color) {
                    return Err(EditError::BadColor(color));
                }
                let label = self.label_mut(&name)?;
                let old = std::mem::replace(&mut label.color, color);
                if old == label.color {
                    noop()
                } else {
                    Edit::SetLabelColor { name, color: old }
                }
            }
            Edit::SetLabelHotkey { name, hotkey } => {
                self.label_mut(&name)?;
                self.check_hotkey(hotkey, &name)?;
                let old = std::mem::replace(&mut self.label_mut(&name)?.hotkey, hotkey);
                if old == hotkey {
                    noop()
                } else {
                    Edit::SetLabelHotkey { name, hotkey: old }
                }
            }
            Edit::RemoveLabel { name, spans } => self.remove_label(name, spans)?,
            Edit::Group { edits } => self.apply_group(edits)?,
        })
    }

    /// Applies edits in order; if one is refused, takes back the ones made and fails.
    fn apply_group(&mut self, edits: Vec<Edit>) -> Result<Edit, EditError> {
        // "Tag all hits", its undo and its redo are thousands of edits of one kind: made in one
        // pass and one sort, not a sorted insert or removal (each O(spans)) at a time. The
        // result is the same (tests: `batches_match_edits_one_at_a_time`).
        if edits.len() > 1 {
            if edits.iter().all(|e| matches!(e, Edit::AddSpan { .. })) {
                return self.add_spans(edits.into_iter().filter_map(|e| match e {
                    Edit::AddSpan { label, start, end } => Some((label, start, end)),
                    _ => None,
                }));
            }
            if edits.iter().all(|e| matches!(e, Edit::RemoveSpan { .. })) {
                return self.remove_spans(
                    edits
                        .into_iter()
                        .filter_map(|e| match e {
                            Edit::RemoveSpan { id } => Some(id),
                            _ => None,
                        })
                        .collect(),
                );
            }
            if edits
                .iter()
                .all(|e| matches!(e, Edit::RestoreSpan { relations, .. } if relations.is_empty()))
            {
                return self.restore_spans(
                    edits
                        .into_iter()
                        .filter_map(|e| match e {
                            Edit::RestoreSpan { span, .. } => Some(span),
                            _ => None,
                        })
                        .collect(),
                );
            }
        }
        self.apply_each(edits)
    }

    /// A group's edits one at a time.
    fn apply_each(&mut self, edits: Vec<Edit>) -> Result<Edit, EditError> {
        let counters = (self.next_span_id, self.next_relation_id);
        let mut undo = Vec::new();
        for edit in edits {
            match self.apply(edit) {
                Ok(inverse) if inverse.is_noop() => {}
                Ok(inverse) => undo.push(inverse),
                Err(e) => {
                    for inverse in undo.into_iter().rev() {
                        // assert!, not expect: the error's Debug would cost the wasm 0.3 KB.
                        let undone = self.apply(inverse);
                        assert!(
                            undone.is_ok(),
                            "an inverse applies to the state its edit left"
                        );
                    }
                    // The ids handed out in the group now name nothing, so they may be reused.
                    (self.next_span_id, self.next_relation_id) = counters;
                    return Err(e);
                }
            }
        }
        undo.reverse();
        Ok(step(undo))
    }

    /// Adds spans as a group of `AddSpan` would: checked first, so a refusal changes nothing.
    fn add_spans(
        &mut self,
        edits: impl Iterator<Item = (String, usize, usize)>,
    ) -> Result<Edit, EditError> {
        // Ids above every id in use, in the group's order, until the twins are known.
        let first = self.next_span_id.max(1);
        let mut new = Vec::new();
        for (label, start, end) in edits {
            self.check_bytes(start, end)?;
            if !self.labels.contains(&label) {
                return Err(EditError::UnknownLabel(label));
            }
            new.push(Span {
                id: SpanId(first + new.len() as u32),
                label,
                start,
                end,
                note: None,
                attributes: BTreeMap::new(),
            });
        }
        let count = new.len();
        self.spans.extend(new);
        self.sort_spans();
        // Twins sort together, lowest id first: a span already there, or the group's first,
        // stays and the rest go, as one at a time would have left them.
        self.spans.dedup_by(|later, kept| twins(later, kept));
        // Which of the group's spans stayed, by their place in the group.
        let in_group = |id: SpanId| Some(id.0.checked_sub(first)? as usize).filter(|&k| k < count);
        let mut stayed = vec![false; count];
        for k in self.spans.iter().filter_map(|s| in_group(s.id)) {
            stayed[k] = true;
        }
        // They take the ids one at a time would have given them: the next ones, in the
        // group's order.
        let mut added = 0;
        let ids: Vec<u32> = stayed
            .iter()
            .map(|&kept| {
                let id = first + added;
                added += u32::from(kept);
                id
            })
            .collect();
        for span in &mut self.spans {
            if let Some(k) = in_group(span.id) {
                span.id = SpanId(ids[k]);
            }
        }
        if added > 0 {
            self.next_span_id = first + added;
        }
        Ok(step(
            (first..first + added)
                .rev()
                .map(|id| Edit::RemoveSpan { id: SpanId(id) })
                .collect(),
        ))
    }

    /// A table from span id to `fill`, as long as the highest id in use or named in `more`.
    fn id_table<T: Clone>(&self, more: &[SpanId], fill: T) -> Vec<T> {
        let top = self
            .spans
            .iter()
            .map(|s| s.id)
            .chain(more.iter().copied())
            .max();
        vec![fill; top.map_or(0, |id| id.0 as usize + 1)]
    }

    /// Removes spans as a group of `RemoveSpan` would: each relation goes with the first of its
    /// spans removed. A span missing (or named twice) is refused as one at a time refuses it.
    fn remove_spans(&mut self, ids: Vec<SpanId>) -> Result<Edit, EditError> {
        // Each span's place in the group; `THERE` for a span not in it.
        const THERE: usize = usize::MAX;
        let mut place = self.id_table(&ids, None);
        for span in &self.spans {
            place[span.id.0 as usize] = Some(THERE);
        }
        for (i, &id) in ids.iter().enumerate() {
            match &mut place[id.0 as usize] {
                Some(at) if *at == THERE => *at = i,
                _ => {
                    return self
                        .apply_each(ids.into_iter().map(|id| Edit::RemoveSpan { id }).collect())
                }
            }
        }
        let place_of = |id: SpanId| place.get(id.0 as usize)?.filter(|&at| at != THERE);
        let mut gone: Vec<Option<(Span, Vec<Relation>)>> = ids.iter().map(|_| None).collect();
        for span in std::mem::take(&mut self.spans) {
            match place_of(span.id) {
                Some(i) => gone[i] = Some((span, Vec::new())),
                None => self.spans.push(span),
            }
        }
        for relation in std::mem::take(&mut self.relations) {
            // A relation may name a span that is gone; it is kept as it is.
            let first = [relation.from, relation.to]
                .into_iter()
                .filter_map(place_of)
                .min();
            match first.and_then(|i| gone[i].as_mut()) {
                Some((_, relations)) => relations.push(relation),
                None => self.relations.push(relation),
            }
        }
        let undo = gone
            .into_iter()
            .rev()
            .flatten()
            .map(|(span, relations)| Edit::RestoreSpan { span, relations })
            .collect();
        Ok(step(undo))
    }

    /// Restores spans without relations as a group of `RestoreSpan` would. One that would be
    /// refused sends the group the slow way, one at a time, for the same refusal.
    fn restore_spans(&mut self, spans: Vec<Span>) -> Result<Edit, EditError> {
        let ids: Vec<SpanId> = spans.iter().map(|s| s.id).collect();
        let mut in_use = self.id_table(&ids, false);
        for span in &self.spans {
            in_use[span.id.0 as usize] = true;
        }
        let mut fits = true;
        for span in &spans {
            fits &= !std::mem::replace(&mut in_use[span.id.0 as usize], true)
                && self.check_bytes(span.start, span.end).is_ok()
                && self.labels.contains(&span.label);
        }
        let slow = |d: &mut Document, spans: Vec<Span>| {
            d.apply_each(
                spans
                    .into_iter()
                    .map(|span| Edit::RestoreSpan {
                        span,
                        relations: Vec::new(),
                    })
                    .collect(),
            )
        };
        if !fits {
            return slow(self, spans);
        }
        let next = spans
            .iter()
            .fold(self.next_span_id, |next, s| next.max(s.id.0 + 1));
        let undo = spans
            .iter()
            .rev()
            .map(|s| Edit::RemoveSpan { id: s.id })
            .collect();
        self.spans.extend(spans.iter().cloned());
        self.sort_spans();
        // Twins sort together: if one is there, the spans go back out the way they came.
        if self.spans.windows(2).any(|w| twins(&w[0], &w[1])) {
            let restored: Vec<bool> = {
                let mut t = self.id_table(&ids, false);
                for id in &ids {
                    t[id.0 as usize] = true;
                }
                t
            };
            self.spans.retain(|s| !restored[s.id.0 as usize]);
            return slow(self, spans);
        }
        self.next_span_id = next;
        Ok(step(undo))
    }

    fn restore_span(&mut self, span: Span, relations: Vec<Relation>) -> Result<Edit, EditError> {
        if self.span(span.id).is_some() {
            return Err(EditError::SpanIdInUse(span.id));
        }
        self.check_bytes(span.start, span.end)?;
        if !self.labels.contains(&span.label) {
            return Err(EditError::UnknownLabel(span.label));
        }
        if let Some(twin) = self.find_span(&span.label, span.start, span.end) {
            return Err(EditError::DuplicateSpan(twin));
        }
        for r in &relations {
            if self.relation(r.id).is_some() {
                return Err(EditError::RelationIdInUse(r.id));
            }
            self.check_link(r.from, r.to, Some(span.id))?;
        }
        let id = span.id;
        self.next_span_id = self.next_span_id.max(id.0 + 1);
        self.insert_span(span);
        for r in relations {
            self.insert_relation(r);
        }
        Ok(Edit::RemoveSpan { id })
    }

    /// Both ends of a link must be spans (or the span about to be restored), and differ.
    fn check_link(
        &self,
        from: SpanId,
        to: SpanId,
        restoring: Option<SpanId>,
    ) -> Result<(), EditError> {
        for id in [from, to] {
            if Some(id) != restoring && self.span(id).is_none() {
                return Err(EditError::UnknownSpan(id));
            }
        }
        if from == to {
            return Err(EditError::SelfRelation(from));
        }
        Ok(())
    }

    fn label_mut(&mut self, name: &str) -> Result<&mut Label, EditError> {
        self.labels
            .labels
            .iter_mut()
            .find(|l| l.name == name)
            .ok_or_else(|| EditError::UnknownLabel(name.to_string()))
    }

    /// A key may apply only one label, and not be one the editor keeps for itself.
    fn check_hotkey(&self, hotkey: Option<char>, for_label: &str) -> Result<(), EditError> {
        if let Some(key) = hotkey.filter(|&k| k.is_whitespace() || EDITOR_KEYS.contains(k)) {
            return Err(EditError::EditorKey(key));
        }
        match hotkey.and_then(|k| self.labels.by_hotkey(k)) {
            Some(other) if other.name != for_label => Err(EditError::HotkeyInUse {
                key: hotkey.unwrap_or_default(),
                label: other.name.clone(),
            }),
            _ => Ok(()),
        }
    }

    /// Removes a label, first dealing with its spans as the caller chose; one group, so one
    /// undo brings back the label and every span.
    fn remove_label(
        &mut self,
        name: String,
        choice: Option<LabelRemoval>,
    ) -> Result<Edit, EditError> {
        let at = self
            .labels
            .position(&name)
            .ok_or_else(|| EditError::UnknownLabel(name.clone()))?;
        let tagged: Vec<&Span> = self.spans_with_label(&name).collect();
        if tagged.is_empty() {
            let label = self.labels.labels.remove(at);
            return Ok(Edit::AddLabel {
                label,
                at: Some(at),
            });
        }
        let mut edits = Vec::new();
        match choice {
            None => {
                return Err(EditError::LabelInUse {
                    count: tagged.len(),
                    label: name,
                })
            }
            Some(LabelRemoval::RemoveSpans) => {
                edits.extend(tagged.iter().map(|s| Edit::RemoveSpan { id: s.id }));
            }
            Some(LabelRemoval::MoveTo(target)) => {
                if target == name || !self.labels.contains(&target) {
                    return Err(EditError::UnknownLabel(target));
                }
                // Spans that, relabelled, would repeat a span of the target label.
                let twins: BTreeMap<SpanId, SpanId> = tagged
                    .iter()
                    .filter_map(|s| Some((s.id, self.find_span(&target, s.start, s.end)?)))
                    .collect();
                let moved = |id: SpanId| twins.get(&id).copied().unwrap_or(id);
                for s in &tagged {
                    let Some(&twin) = twins.get(&s.id) else {
                        edits.push(Edit::Relabel {
                            id: s.id,
                            label: target.clone(),
                        });
                        continue;
                    };
                    for r in self.relations_of(s.id) {
                        let (from, to) = (moved(r.from), moved(r.to));
                        if from != to {
                            edits.push(Edit::AddRelation {
                                kind: r.kind.clone(),
                                from,
                                to,
                            });
                        }
                    }
                    let twin_span = self.span(twin).expect("twins are spans");
                    if twin_span.note.is_none() && s.note.is_some() {
                        edits.push(Edit::SetNote {
                            id: twin,
                            note: s.note.clone(),
                        });
                    }
                    for (key, value) in &s.attributes {
                        if !twin_span.attributes.contains_key(key) {
                            edits.push(Edit::SetAttribute {
                                id: twin,
                                key: key.clone(),
                                value: Some(value.clone()),
                            });
                        }
                    }
                    edits.push(Edit::RemoveSpan { id: s.id });
                }
            }
        }
        edits.push(Edit::RemoveLabel { name, spans: None });
        self.apply_group(edits)
    }
}

fn check_name(name: &str) -> Result<(), EditError> {
    if name.trim().is_empty() {
        Err(EditError::EmptyLabelName)
    } else {
        Ok(())
    }
}

/// `{"op": "x", rest…}` becomes `{"x": {rest…}}`, in place; anything else is left for the
/// reader to refuse with its own message.
fn untag_v1_edit(edit: &mut serde_json::Value) {
    let serde_json::Value::Object(fields) = edit else {
        return;
    };
    let Some(serde_json::Value::String(op)) = fields.remove("op") else {
        return;
    };
    if op == "group" {
        if let Some(serde_json::Value::Array(members)) = fields.get_mut("edits") {
            members.iter_mut().for_each(untag_v1_edit);
        }
    }
    let rest = std::mem::take(fields);
    fields.insert(op, serde_json::Value::Object(rest));
}

/// How a [`History`] moved when it made an edit, with the edit that takes that move back: a
/// [`crate::Journal`] stores it beside the edit, so the stored history can follow the stored
/// document without being written whole on every edit.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Move {
    /// A new step: its inverse went on the undo stack and the redo stack was emptied.
    Step(Edit),
    /// The last step was undone: the edit went from the undo stack, its inverse to redo.
    Undo(Edit),
    /// The last undone step was made again: from the redo stack to undo.
    Redo(Edit),
}

/// The undo and redo stacks of one document: each entry is the [`Edit`] that takes one step
/// back (or forward). Serialisable, so it can be saved with the document; keeps at most
/// `limit` steps, dropping the oldest.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct History {
    undo: Vec<Edit>,
    redo: Vec<Edit>,
    limit: usize,
    /// Every edit made through this history (steps, undos and redos) since
    /// [`History::take_applied`] last took them, with how the history moved: what a
    /// [`crate::Journal`] stores.
    #[serde(skip)]
    applied: Vec<(Edit, Move)>,
}

/// Two histories are equal when they undo and redo the same steps; what was applied but not
/// yet taken is bookkeeping for saving, not part of the history.
impl PartialEq for History {
    fn eq(&self, other: &Self) -> bool {
        (&self.undo, &self.redo, self.limit) == (&other.undo, &other.redo, other.limit)
    }
}

impl Eq for History {}

impl Default for History {
    fn default() -> Self {
        History::new(History::DEFAULT_LIMIT)
    }
}

impl History {
    /// How many steps a history keeps unless told otherwise.
    pub const DEFAULT_LIMIT: usize = 500;

    /// Reads a history saved in the first shape, where each edit was tagged inside
    /// (`{"op": "add-span", "label": …}`, group members too).
    pub fn from_v1_json(mut value: serde_json::Value) -> Result<History, serde_json::Error> {
        for stack in ["undo", "redo"] {
            if let Some(serde_json::Value::Array(edits)) = value.get_mut(stack) {
                for edit in edits.iter_mut() {
                    untag_v1_edit(edit);
                }
            }
        }
        // Read back from text, as current histories are read: a second deserialiser of the
        // same shape (from a Value) would cost the app's wasm kilobytes, for a rare migration.
        serde_json::from_str(&value.to_string())
    }

    /// An empty history keeping at most `limit` steps.
    pub fn new(limit: usize) -> Self {
        History {
            undo: Vec::new(),
            redo: Vec::new(),
            limit,
            applied: Vec::new(),
        }
    }

    /// Makes `edit` on `doc` as one undoable step and forgets what could be redone. Returns
    /// false (and records nothing) when the edit changed nothing.
    pub fn do_edit(&mut self, doc: &mut Document, edit: Edit) -> Result<bool, EditError> {
        let forward = edit.clone();
        let inverse = doc.apply(edit)?;
        if inverse.is_noop() {
            return Ok(false);
        }
        self.applied.push((forward, Move::Step(inverse.clone())));
        self.push_step(inverse);
        Ok(true)
    }

    /// Puts a new step's inverse on the undo stack, within the limit, and forgets the redos.
    fn push_step(&mut self, inverse: Edit) {
        self.redo.clear();
        self.undo.push(inverse);
        if self.undo.len() > self.limit {
            let extra = self.undo.len() - self.limit;
            self.undo.drain(..extra);
        }
    }

    /// Makes several edits as one undoable step, all or nothing.
    pub fn do_group(&mut self, doc: &mut Document, edits: Vec<Edit>) -> Result<bool, EditError> {
        self.do_edit(doc, Edit::Group { edits })
    }

    /// Tags `[start, end)`, counted in `unit`, as one undoable step; returns the span's id
    /// (the existing one if that span was already there).
    pub fn add_span(
        &mut self,
        doc: &mut Document,
        label: &str,
        start: usize,
        end: usize,
        unit: Unit,
    ) -> Result<SpanId, EditError> {
        let (start, end) = doc.to_bytes(start, end, unit)?;
        self.do_edit(doc, Edit::add_span(label, start, end))?;
        Ok(doc
            .find_span(label, start, end)
            .expect("the span was just added"))
    }

    /// Links two spans as one undoable step; returns the relation's id.
    pub fn add_relation(
        &mut self,
        doc: &mut Document,
        kind: &str,
        from: SpanId,
        to: SpanId,
    ) -> Result<RelationId, EditError> {
        self.do_edit(
            doc,
            Edit::AddRelation {
                kind: kind.to_string(),
                from,
                to,
            },
        )?;
        Ok(doc
            .relations()
            .iter()
            .find(|r| r.kind == kind && r.from == from && r.to == to)
            .expect("the relation was just added")
            .id)
    }

    /// Takes back the last step. Returns false when there is nothing to undo. If the step no
    /// longer fits the document (it was changed behind the history's back), it is dropped and
    /// the error returned; the document is unchanged.
    pub fn undo(&mut self, doc: &mut Document) -> Result<bool, EditError> {
        let Some(edit) = self.undo.pop() else {
            return Ok(false);
        };
        let redo = doc.apply(edit.clone())?;
        self.applied.push((edit, Move::Undo(redo.clone())));
        self.redo.push(redo);
        Ok(true)
    }

    /// Makes again the last step undone. Returns false when there is nothing to redo.
    pub fn redo(&mut self, doc: &mut Document) -> Result<bool, EditError> {
        let Some(edit) = self.redo.pop() else {
            return Ok(false);
        };
        let undo = doc.apply(edit.clone())?;
        self.applied.push((edit, Move::Redo(undo.clone())));
        self.undo.push(undo);
        Ok(true)
    }

    /// True when there is a step to undo.
    pub fn can_undo(&self) -> bool {
        !self.undo.is_empty()
    }

    /// True when there is a step to redo.
    pub fn can_redo(&self) -> bool {
        !self.redo.is_empty()
    }

    /// How many single changes the next undo (`redo` false) or redo makes; 0 when there is
    /// none.
    pub fn next_size(&self, redo: bool) -> usize {
        let stack = if redo { &self.redo } else { &self.undo };
        stack.last().map_or(0, Edit::size)
    }

    /// How many steps can be undone.
    pub fn undo_len(&self) -> usize {
        self.undo.len()
    }

    /// How many steps can be redone.
    pub fn redo_len(&self) -> usize {
        self.redo.len()
    }

    /// Forgets every step, e.g. when another document is opened.
    pub fn clear(&mut self) {
        self.undo.clear();
        self.redo.clear();
        self.applied.clear();
    }

    /// The edits made since the last call, in order, each with how the history moved:
    /// replayed on the document as it was then, they make it as it is now, and
    /// [`History::retrace`] makes the history as it was then into this one.
    pub fn take_applied(&mut self) -> Vec<(Edit, Move)> {
        std::mem::take(&mut self.applied)
    }

    /// Moves this history as it moved when it made `edit`. False when it does not fit: an
    /// undo or redo whose edit is not the one on top of its stack (this is not the history
    /// the edit was made with); the history is then unchanged.
    pub fn retrace(&mut self, edit: &Edit, movement: &Move) -> bool {
        match movement {
            Move::Step(inverse) => self.push_step(inverse.clone()),
            Move::Undo(inverse) if self.undo.last() == Some(edit) => {
                self.undo.pop();
                self.redo.push(inverse.clone());
            }
            Move::Redo(inverse) if self.redo.last() == Some(edit) => {
                self.redo.pop();
                self.undo.push(inverse.clone());
            }
            Move::Undo(_) | Move::Redo(_) => return false,
        }
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "Hamas said 100 captives were freed, Qatar said.";

    /// A document with an actor, a claim said by it and a figure about the claim.
    fn tagged() -> (Document, SpanId, SpanId, SpanId) {
        let mut d = Document::new("d", "t", TEXT, 0);
        let actor = d.add_span("actor", 0, 5, Unit::Utf8).unwrap();
        let claim = d.add_span("claim", 11, 34, Unit::Utf8).unwrap();
        let figure = d.add_span("figure", 11, 14, Unit::Utf8).unwrap();
        d.add_relation("said-by", claim, actor).unwrap();
        d.add_relation("about", figure, claim).unwrap();
        (d, actor, claim, figure)
    }

    /// Applies `edit`, then its inverse, and checks the document is back as it was; returns the
    /// document as the edit left it.
    fn round_trip(d: &Document, edit: Edit) -> Document {
        let mut after = d.clone();
        let inverse = after.apply(edit.clone()).unwrap();
        assert!(!inverse.is_noop(), "{edit:?} changed nothing");
        let changed = after.clone();
        let mut back = after;
        let redo = back.apply(inverse).unwrap();
        assert_eq!(back.spans(), d.spans(), "{edit:?}");
        assert_eq!(back.relations(), d.relations(), "{edit:?}");
        assert_eq!(back.labels, d.labels, "{edit:?}");
        back.apply(redo).unwrap();
        assert_eq!(back.spans(), changed.spans(), "redo of {edit:?}");
        assert_eq!(back.relations(), changed.relations());
        assert_eq!(back.labels, changed.labels);
        changed
    }

    #[test]
    fn every_span_edit_undoes_and_redoes() {
        let (d, actor, claim, figure) = tagged();
        let after = round_trip(&d, Edit::add_span("actor", 36, 41));
        assert_eq!(after.spans().len(), 4);
        let after = round_trip(&d, Edit::RemoveSpan { id: claim });
        // The claim's two relations went with it; undo brought them back with their ids.
        assert!(after.relations().is_empty());
        let after = round_trip(
            &d,
            Edit::Relabel {
                id: figure,
                label: "actor".into(),
            },
        );
        assert_eq!(after.span(figure).unwrap().label, "actor");
        round_trip(
            &d,
            Edit::Resize {
                id: actor,
                start: 0,
                end: 10,
            },
        );
        round_trip(
            &d,
            Edit::SetNote {
                id: claim,
                note: Some("check".into()),
            },
        );
        round_trip(
            &d,
            Edit::SetAttribute {
                id: claim,
                key: "verdict".into(),
                value: Some("misleading".into()),
            },
        );
        round_trip(
            &d,
            Edit::AddRelation {
                kind: "about".into(),
                from: figure,
                to: actor,
            },
        );
        round_trip(
            &d,
            Edit::RemoveRelation {
                id: d.relations()[0].id,
            },
        );
    }

    #[test]
    fn the_next_steps_size_counts_its_changes() {
        let (mut d, _, _, _) = tagged();
        let mut h = History::default();
        assert_eq!((h.next_size(false), h.next_size(true)), (0, 0));
        let nested = Edit::group(vec![
            Edit::add_span("actor", 36, 41),
            Edit::group(vec![
                Edit::add_span("claim", 36, 41),
                Edit::add_span("figure", 36, 41),
            ]),
        ]);
        assert_eq!(nested.size(), 3);
        h.do_edit(&mut d, nested).unwrap();
        assert_eq!((h.next_size(false), h.next_size(true)), (3, 0));
        h.undo(&mut d).unwrap();
        assert_eq!((h.next_size(false), h.next_size(true)), (0, 3));
        h.redo(&mut d).unwrap();
        assert_eq!((h.next_size(false), h.next_size(true)), (3, 0));
    }

    #[test]
    fn edits_that_change_nothing_are_noops_and_not_recorded() {
        let (mut d, actor, claim, figure) = tagged();
        let before = d.clone();
        let mut h = History::default();
        for edit in [
            Edit::add_span("actor", 0, 5),
            Edit::Relabel {
                id: actor,
                label: "actor".into(),
            },
            Edit::Resize {
                id: actor,
                start: 0,
                end: 5,
            },
            Edit::SetNote {
                id: claim,
                note: Some(String::new()),
            },
            Edit::SetAttribute {
                id: claim,
                key: "verdict".into(),
                value: None,
            },
            Edit::AddRelation {
                kind: "about".into(),
                from: figure,
                to: claim,
            },
            Edit::RenameLabel {
                from: "actor".into(),
                to: "actor".into(),
            },
            Edit::SetLabelColor {
                name: "actor".into(),
                color: "#1f77b4".into(),
            },
            Edit::SetLabelHotkey {
                name: "actor".into(),
                hotkey: Some('1'),
            },
            Edit::group(vec![]),
        ] {
            assert_eq!(h.do_edit(&mut d, edit.clone()), Ok(false), "{edit:?}");
        }
        assert!(!h.can_undo());
        assert_eq!(d, before);
    }

    #[test]
    fn a_label_may_change_the_case_of_its_own_name() {
        let (mut d, actor, _, _) = tagged();
        let rename = Edit::RenameLabel {
            from: "actor".into(),
            to: "Actor".into(),
        };
        assert!(d.apply(rename).is_ok());
        assert_eq!(d.span(actor).unwrap().label, "Actor");
    }

    #[test]
    fn refused_edits_change_nothing() {
        let (mut d, actor, claim, _) = tagged();
        let other_actor = d.add_span("actor", 36, 41, Unit::Utf8).unwrap();
        let other_claim = d.add_span("claim", 36, 41, Unit::Utf8).unwrap();
        let before = d.clone();
        let ghost = SpanId(99);
        let actor_label = || d.labels.get("actor").unwrap().clone();
        let unknown = |name: &str| EditError::UnknownLabel(name.into());
        let cases = [
            (Edit::add_span("actor", 3, 3), EditError::EmptySpan),
            (Edit::add_span("person", 0, 5), unknown("person")),
            (
                Edit::add_span("actor", 0, 999),
                EditError::Offset(crate::OffsetError::OutOfRange {
                    offset: 999,
                    len: TEXT.len(),
                    unit: Unit::Utf8,
                }),
            ),
            (
                Edit::RemoveSpan { id: ghost },
                EditError::UnknownSpan(ghost),
            ),
            (
                Edit::Relabel {
                    id: other_claim,
                    label: "actor".into(),
                },
                EditError::DuplicateSpan(other_actor),
            ),
            (
                Edit::Relabel {
                    id: claim,
                    label: "person".into(),
                },
                unknown("person"),
            ),
            (
                Edit::Resize {
                    id: actor,
                    start: 36,
                    end: 41,
                },
                EditError::DuplicateSpan(other_actor),
            ),
            (
                Edit::Resize {
                    id: actor,
                    start: 4,
                    end: 2,
                },
                EditError::EmptySpan,
            ),
            (
                Edit::SetNote {
                    id: ghost,
                    note: None,
                },
                EditError::UnknownSpan(ghost),
            ),
            (
                Edit::SetAttribute {
                    id: ghost,
                    key: "verdict".into(),
                    value: None,
                },
                EditError::UnknownSpan(ghost),
            ),
            (
                Edit::AddRelation {
                    kind: "about".into(),
                    from: actor,
                    to: actor,
                },
                EditError::SelfRelation(actor),
            ),
            (
                Edit::AddRelation {
                    kind: "about".into(),
                    from: actor,
                    to: ghost,
                },
                EditError::UnknownSpan(ghost),
            ),
            (
                Edit::RemoveRelation { id: RelationId(9) },
                EditError::UnknownRelation(RelationId(9)),
            ),
            (
                Edit::RestoreRelation {
                    relation: d.relations()[0].clone(),
                },
                EditError::RelationIdInUse(d.relations()[0].id),
            ),
            (
                Edit::RestoreSpan {
                    span: d.span(actor).unwrap().clone(),
                    relations: vec![],
                },
                EditError::SpanIdInUse(actor),
            ),
            (
                Edit::AddLabel {
                    label: actor_label(),
                    at: None,
                },
                EditError::LabelExists("actor".into()),
            ),
            (
                Edit::AddLabel {
                    label: Label::new(" ", "#000000", None),
                    at: None,
                },
                EditError::EmptyLabelName,
            ),
            (
                Edit::AddLabel {
                    label: Label::new("place", "blue", None),
                    at: None,
                },
                EditError::BadColor("blue".into()),
            ),
            (
                Edit::AddLabel {
                    label: Label::new("place", "#0000ff", Some('1')),
                    at: None,
                },
                EditError::HotkeyInUse {
                    key: '1',
                    label: "actor".into(),
                },
            ),
            (
                Edit::RenameLabel {
                    from: "person".into(),
                    to: "people".into(),
                },
                unknown("person"),
            ),
            (
                Edit::RenameLabel {
                    from: "actor".into(),
                    to: "claim".into(),
                },
                EditError::LabelExists("claim".into()),
            ),
            (
                Edit::RenameLabel {
                    from: "actor".into(),
                    to: "".into(),
                },
                EditError::EmptyLabelName,
            ),
            (
                Edit::SetLabelColor {
                    name: "actor".into(),
                    color: "#12".into(),
                },
                EditError::BadColor("#12".into()),
            ),
            (
                Edit::SetLabelColor {
                    name: "person".into(),
                    color: "#123456".into(),
                },
                unknown("person"),
            ),
            (
                Edit::SetLabelHotkey {
                    name: "actor".into(),
                    hotkey: Some('r'),
                },
                EditError::EditorKey('r'),
            ),
            (
                Edit::SetLabelHotkey {
                    name: "actor".into(),
                    hotkey: Some(' '),
                },
                EditError::EditorKey(' '),
            ),
            (
                Edit::SetLabelHotkey {
                    name: "actor".into(),
                    hotkey: Some('2'),
                },
                EditError::HotkeyInUse {
                    key: '2',
                    label: "figure".into(),
                },
            ),
            (
                Edit::SetLabelHotkey {
                    name: "person".into(),
                    hotkey: None,
                },
                unknown("person"),
            ),
            (
                Edit::RenameLabel {
                    from: "actor".into(),
                    to: "Claim".into(),
                },
                EditError::LabelExists("claim".into()),
            ),
            (
                Edit::AddLabel {
                    label: Label::new("FIGURE", "#0000ff", None),
                    at: None,
                },
                EditError::LabelExists("figure".into()),
            ),
            (
                Edit::AddLabel {
                    label: Label::new("place", "#0000ff", Some('?')),
                    at: None,
                },
                EditError::EditorKey('?'),
            ),
            (
                Edit::RemoveLabel {
                    name: "actor".into(),
                    spans: None,
                },
                EditError::LabelInUse {
                    label: "actor".into(),
                    count: 2,
                },
            ),
            (
                Edit::RemoveLabel {
                    name: "actor".into(),
                    spans: Some(LabelRemoval::MoveTo("actor".into())),
                },
                unknown("actor"),
            ),
            (
                Edit::RemoveLabel {
                    name: "person".into(),
                    spans: Some(LabelRemoval::RemoveSpans),
                },
                unknown("person"),
            ),
            // A group is all or nothing: the span added first is taken back, ids included.
            (
                Edit::group(vec![
                    Edit::add_span("figure", 0, 4),
                    Edit::SetNote {
                        id: ghost,
                        note: Some("x".into()),
                    },
                ]),
                EditError::UnknownSpan(ghost),
            ),
        ];
        for (edit, want) in cases {
            assert_eq!(d.apply(edit.clone()), Err(want), "{edit:?}");
            assert_eq!(d, before, "{edit:?}");
        }
    }

    #[test]
    fn removing_a_span_and_undoing_brings_back_its_relations_with_their_ids() {
        let (mut d, _, claim, _) = tagged();
        let before = d.clone();
        let mut h = History::default();
        assert_eq!(h.do_edit(&mut d, Edit::RemoveSpan { id: claim }), Ok(true));
        assert!(d.span(claim).is_none() && d.relations().is_empty());
        assert_eq!(h.undo(&mut d), Ok(true));
        assert_eq!(d, before);
        assert_eq!(h.redo(&mut d), Ok(true));
        assert!(d.relations().is_empty());
        assert_eq!(h.redo(&mut d), Ok(false));
    }

    #[test]
    fn label_edits_relabel_recolour_rekey_and_undo() {
        let (mut d, actor, claim, _) = tagged();
        let before = d.clone();
        let mut h = History::default();
        let place = Label::new("place", "#9467bd", Some('4'));
        h.do_edit(
            &mut d,
            Edit::AddLabel {
                label: place.clone(),
                at: Some(0),
            },
        )
        .unwrap();
        assert_eq!(d.labels.labels[0], place);
        h.do_edit(
            &mut d,
            Edit::RenameLabel {
                from: "actor".into(),
                to: "speaker".into(),
            },
        )
        .unwrap();
        assert_eq!(d.span(actor).unwrap().label, "speaker");
        assert!(!d.labels.contains("actor") && d.labels.contains("speaker"));
        h.do_edit(
            &mut d,
            Edit::SetLabelColor {
                name: "speaker".into(),
                color: "#000000".into(),
            },
        )
        .unwrap();
        h.do_edit(
            &mut d,
            Edit::SetLabelHotkey {
                name: "speaker".into(),
                hotkey: Some('s'),
            },
        )
        .unwrap();
        let speaker = d.labels.get("speaker").unwrap();
        assert_eq!(
            (speaker.color.as_str(), speaker.hotkey),
            ("#000000", Some('s'))
        );
        // A label nobody uses goes without asking.
        h.do_edit(
            &mut d,
            Edit::RemoveLabel {
                name: "place".into(),
                spans: None,
            },
        )
        .unwrap();
        assert_eq!(d.labels.len(), 3);
        assert_eq!(h.undo_len(), 5);
        while h.undo(&mut d).unwrap() {}
        assert_eq!(d, before);
        assert_eq!(h.redo_len(), 5);
        while h.redo(&mut d).unwrap() {}
        assert_eq!(d.span(claim).unwrap().label, "claim");
        assert_eq!(d.labels.labels[0].name, "speaker");
    }

    #[test]
    fn removing_a_label_in_use_removes_or_moves_its_spans_as_asked() {
        let (mut d, actor, claim, figure) = tagged();
        let second = d.add_span("figure", 36, 41, Unit::Utf8).unwrap();
        let before = d.clone();

        let mut removed = d.clone();
        let undo = removed
            .apply(Edit::RemoveLabel {
                name: "figure".into(),
                spans: Some(LabelRemoval::RemoveSpans),
            })
            .unwrap();
        assert!(!removed.labels.contains("figure"));
        assert_eq!(removed.spans().len(), 2);
        assert_eq!(removed.relations().len(), 1);
        removed.apply(undo).unwrap();
        assert_eq!(removed, before);

        let mut moved = d.clone();
        let undo = moved
            .apply(Edit::RemoveLabel {
                name: "figure".into(),
                spans: Some(LabelRemoval::MoveTo("actor".into())),
            })
            .unwrap();
        assert_eq!(moved.span(figure).unwrap().label, "actor");
        assert_eq!(moved.span(second).unwrap().label, "actor");
        assert_eq!(moved.relations().len(), 2);
        moved.apply(undo).unwrap();
        assert_eq!(moved, before);
        let _ = (actor, claim);
    }

    #[test]
    fn moving_spans_onto_twins_merges_their_relations_note_and_attributes() {
        let (mut d, actor, claim, figure) = tagged();
        // A claim with exactly the figure's range: moving figures to claims makes them twins.
        let twin = d.add_span("claim", 11, 14, Unit::Utf8).unwrap();
        d.set_note(figure, Some("from the figure")).unwrap();
        d.set_attribute(figure, "source", Some("AP")).unwrap();
        d.set_attribute(twin, "verdict", Some("true")).unwrap();
        d.add_relation("about", figure, actor).unwrap();
        let before = d.clone();
        let undo = d
            .apply(Edit::RemoveLabel {
                name: "figure".into(),
                spans: Some(LabelRemoval::MoveTo("claim".into())),
            })
            .unwrap();
        assert!(d.span(figure).is_none());
        let merged = d.span(twin).unwrap();
        assert_eq!(merged.note.as_deref(), Some("from the figure"));
        assert_eq!(merged.attributes["source"], "AP");
        assert_eq!(merged.attributes["verdict"], "true");
        let links: Vec<_> = d
            .relations()
            .iter()
            .map(|r| (r.kind.as_str(), r.from, r.to))
            .collect();
        assert!(links.contains(&("about", twin, claim)));
        assert!(links.contains(&("about", twin, actor)));
        assert!(links.contains(&("said-by", claim, actor)));
        d.apply(undo).unwrap();
        assert_eq!(d.spans(), before.spans());
        assert_eq!(d.relations(), before.relations());
        assert_eq!(d.labels, before.labels);
    }

    #[test]
    fn history_groups_steps_forgets_redo_and_keeps_a_bounded_past() {
        let mut d = Document::new("d", "t", TEXT, 0);
        let mut h = History::new(3);
        // Tag every "said" in one step.
        let hits = d.search("SAID");
        assert_eq!(hits.len(), 2);
        let edits = hits
            .iter()
            .map(|r| Edit::add_span("claim", r.start, r.end))
            .collect();
        assert_eq!(h.do_group(&mut d, edits), Ok(true));
        assert_eq!(d.spans().len(), 2);
        assert_eq!(h.undo(&mut d), Ok(true));
        assert!(d.spans().is_empty());
        assert!(h.can_redo());
        // A new edit forgets what could be redone.
        let id = h.add_span(&mut d, "actor", 0, 5, Unit::CodePoint).unwrap();
        assert_eq!(d.quote(d.span(id).unwrap()), "Hamas");
        assert_eq!(h.add_span(&mut d, "actor", 0, 5, Unit::Utf16), Ok(id));
        assert!(!h.can_redo());
        let claim = h.add_span(&mut d, "claim", 11, 34, Unit::Utf8).unwrap();
        let said = h.add_relation(&mut d, "said-by", claim, id).unwrap();
        assert_eq!(d.relation(said).unwrap().to, id);
        h.add_span(&mut d, "actor", 36, 41, Unit::Utf8).unwrap();
        // Four steps, three kept: the first add stays.
        assert_eq!(h.undo_len(), 3);
        while h.undo(&mut d).unwrap() {}
        assert_eq!(d.spans().len(), 1);
        assert!(!h.can_undo());
        assert_eq!(h.undo(&mut d), Ok(false));
        // The history survives saving.
        let json = serde_json::to_string(&h).unwrap();
        let mut back: History = serde_json::from_str(&json).unwrap();
        assert_eq!(back, h);
        while back.redo(&mut d).unwrap() {}
        assert_eq!(d.spans().len(), 3);
        assert_eq!(d.relations().len(), 1);
        back.clear();
        assert!(!back.can_undo() && !back.can_redo());
    }

    #[test]
    fn an_undo_that_no_longer_fits_is_dropped_and_changes_nothing() {
        let mut d = Document::new("d", "t", TEXT, 0);
        let mut h = History::default();
        let id = h.add_span(&mut d, "actor", 0, 5, Unit::Utf8).unwrap();
        // Removed behind the history's back.
        d.remove_span(id).unwrap();
        let before = d.clone();
        assert_eq!(h.undo(&mut d), Err(EditError::UnknownSpan(id)));
        assert_eq!(d, before);
        assert!(!h.can_undo());
    }

    #[test]
    fn edits_read_back_from_json() {
        let edit = Edit::group(vec![
            Edit::add_span("claim", 0, 4),
            Edit::SetLabelHotkey {
                name: "claim".into(),
                hotkey: None,
            },
            Edit::RemoveLabel {
                name: "figure".into(),
                spans: Some(LabelRemoval::MoveTo("actor".into())),
            },
        ]);
        let json = serde_json::to_string(&edit).unwrap();
        assert!(json.contains(r#"{"add-span":{"label":"claim""#), "{json}");
        assert_eq!(serde_json::from_str::<Edit>(&json).unwrap(), edit);
    }

    #[test]
    fn a_history_in_the_first_shape_reads_back() {
        // Exactly what the first Glossa stored: edits tagged inside, a group nesting two.
        let v1 = serde_json::json!({
            "undo": [
                {"op": "remove-span", "id": 3},
                {"op": "group", "edits": [
                    {"op": "relabel", "id": 1, "label": "actor"},
                    {"op": "remove-label", "name": "figure", "spans": {"move-to": "claim"}}
                ]}
            ],
            "redo": [{"op": "set-note", "id": 2, "note": null}],
            "limit": 500
        });
        let history = History::from_v1_json(v1).unwrap();
        let mut expected = History::new(500);
        expected.undo.push(Edit::RemoveSpan { id: SpanId(3) });
        expected.undo.push(Edit::group(vec![
            Edit::Relabel {
                id: SpanId(1),
                label: "actor".into(),
            },
            Edit::RemoveLabel {
                name: "figure".into(),
                spans: Some(LabelRemoval::MoveTo("claim".into())),
            },
        ]));
        expected.redo.push(Edit::SetNote {
            id: SpanId(2),
            note: None,
        });
        assert_eq!(history, expected);
        // An edit with no known op is refused, not guessed.
        let bad = serde_json::json!({"undo": [{"op": "fly", "id": 1}], "redo": [], "limit": 5});
        assert!(History::from_v1_json(bad).is_err());
    }

    mod batches {
        use super::*;
        use proptest::prelude::*;

        /// "é" and "🇶🇦" put offsets inside characters within reach.
        const TEXT: &str = "Zoë said 🇶🇦 gave €2.5 billion, Hamas said.";
        const LABELS: [&str; 4] = ["actor", "figure", "claim", "nobody"];

        /// A document with some spans (ranges on or off character boundaries, some refused)
        /// and relations between them.
        fn document(ranges: &[(usize, usize, usize)], links: &[(usize, usize)]) -> Document {
            let mut d = Document::new("d", "t", TEXT, 0);
            for &(label, start, end) in ranges {
                let _ = d.add_span(LABELS[label % 3], start, end, Unit::Utf8);
            }
            let ids: Vec<SpanId> = d.spans().iter().map(|s| s.id).collect();
            for &(from, to) in links {
                if let (Some(&a), Some(&b)) = (ids.get(from), ids.get(to)) {
                    let _ = d.add_relation("about", a, b);
                }
            }
            d
        }

        /// Mostly ranges of a few characters, with now and then one a document refuses (empty,
        /// reversed, past the end, inside a character): labels 0–2 are known, 3 is not.
        fn ranges() -> impl Strategy<Value = Vec<(usize, usize, usize)>> {
            let edges = crate::offsets::char_bounds(TEXT);
            let n = edges.len();
            let good = (0..3usize, 0..n - 1, 1..5usize)
                .prop_map(move |(label, i, len)| (label, edges[i], edges[(i + len).min(n - 1)]));
            let any = (0..4usize, 0..TEXT.len() + 2, 0..TEXT.len() + 2);
            prop::collection::vec(prop_oneof![12 => good, 1 => any], 0..12)
        }

        /// The group made in one pass and one edit at a time: same document, same undo, same
        /// refusal.
        fn check(d: &Document, edits: Vec<Edit>) -> Result<(), TestCaseError> {
            let (mut batch, mut each) = (d.clone(), d.clone());
            let got = batch.apply(Edit::Group {
                edits: edits.clone(),
            });
            let want = each.apply_each(edits);
            prop_assert_eq!(&got, &want);
            prop_assert_eq!(&batch, &each);
            if let Ok(undo) = got {
                batch.apply(undo).expect("the undo applies");
                prop_assert_eq!(batch.spans(), d.spans());
                prop_assert_eq!(batch.relations(), d.relations());
            }
            Ok(())
        }

        proptest! {
            #[test]
            fn batches_match_edits_one_at_a_time(
                existing in ranges(),
                links in prop::collection::vec((0..12usize, 0..12usize), 0..8),
                added in ranges(),
                removed in prop::collection::vec(0..14u32, 2..8),
                restored in prop::collection::vec(0..14u32, 2..8),
            ) {
                let d = document(&existing, &links);
                let adds = added
                    .iter()
                    .map(|&(label, start, end)| Edit::add_span(LABELS[label], start, end))
                    .collect();
                check(&d, adds)?;
                // Ids past the last span's name nothing; an id may come twice.
                let removes = removed.iter().map(|&id| Edit::RemoveSpan { id: SpanId(id) }).collect();
                check(&d, removes)?;
                // Spans taken out, then restored (some are still there, some come twice).
                let mut without = d.clone();
                let mut restores = Vec::new();
                for &id in &restored {
                    if let Some(span) = d.span(SpanId(id)) {
                        let _ = without.remove_span(span.id);
                        restores.push(Edit::RestoreSpan { span: span.clone(), relations: Vec::new() });
                    }
                }
                if restores.len() > 1 {
                    check(&without, restores.clone())?;
                    check(&d, restores.clone())?;
                }
                // And spans by ids never handed out (a rolled-back group frees its ids), on
                // the ranges tagged above: twins of each other or of spans there.
                restores.extend(added.iter().enumerate().map(|(i, &(label, start, end))| {
                    Edit::RestoreSpan {
                        span: Span {
                            id: SpanId(100 + i as u32),
                            label: LABELS[label].into(),
                            start,
                            end,
                            note: None,
                            attributes: BTreeMap::new(),
                        },
                        relations: Vec::new(),
                    }
                }));
                if restores.len() > 1 {
                    check(&without, restores)?;
                }
            }
        }
    }
}
