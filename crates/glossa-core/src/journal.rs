//! A journal of the edits made since a document was last stored whole. Storing the few edits
//! of a keystroke, instead of re-serialising a book-length document, keeps every edit saved
//! at once and cheap; the whole document is written again later, when the user pauses.

use crate::document::{Document, EditError};
use crate::edit::{Edit, History, Move};
use serde::{Deserialize, Serialize};

/// Edits to replay, in order, on the stored document they start from.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Journal {
    /// The `modified_ms` of the stored document the edits start from; a journal whose base
    /// is not the stored document's is stale (that document already holds its edits).
    pub base_ms: i64,
    /// The document's `modified_ms` after the last edit.
    pub modified_ms: i64,
    pub edits: Vec<Edit>,
    /// How the undo history moved with each edit, so the history stored with the base can
    /// follow too. Empty in journals of the first schema, which held edits alone (the
    /// history was then stored whole with every edit).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub moves: Vec<Move>,
}

impl Journal {
    /// An empty journal starting from `doc` as it is now.
    pub fn starting_from(doc: &Document) -> Self {
        Journal {
            base_ms: doc.modified_ms,
            modified_ms: doc.modified_ms,
            edits: Vec::new(),
            moves: Vec::new(),
        }
    }

    /// True when this journal starts from `doc` (its edits are not in it yet).
    pub fn fits(&self, doc: &Document) -> bool {
        self.base_ms == doc.modified_ms
    }

    /// Adds the edits made since, with how the history moved, and the document's time after.
    pub fn record(&mut self, applied: Vec<(Edit, Move)>, modified_ms: i64) {
        for (edit, movement) in applied {
            self.edits.push(edit);
            self.moves.push(movement);
        }
        self.modified_ms = modified_ms;
    }

    /// True when the journal says how the history moved with each of its edits.
    pub fn has_moves(&self) -> bool {
        self.moves.len() == self.edits.len()
    }

    /// Moves `history`, the one stored with the journal's base, as it moved with the
    /// journal's edits. False when it does not fit (or the journal has no moves): `history`
    /// may then be partly moved, and is no history of the document.
    pub fn retrace(&self, history: &mut History) -> bool {
        self.has_moves()
            && self
                .edits
                .iter()
                .zip(&self.moves)
                .all(|(edit, movement)| history.retrace(edit, movement))
    }

    /// Makes the journal's edits on `doc`, all or nothing: if one no longer fits, the ones
    /// before it are taken back and the error returned, so `doc`'s spans, relations and labels
    /// are as they were (its id counters keep counting, as after any undo).
    pub fn replay(&self, doc: &mut Document) -> Result<(), EditError> {
        let mut undo = Vec::with_capacity(self.edits.len());
        for edit in &self.edits {
            match doc.apply(edit.clone()) {
                Ok(inverse) => undo.push(inverse),
                Err(e) => {
                    for inverse in undo.into_iter().rev() {
                        let undone = doc.apply(inverse);
                        assert!(undone.is_ok(), "the inverse of an edit just made fits");
                    }
                    return Err(e);
                }
            }
        }
        doc.modified_ms = self.modified_ms;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::edit::History;
    use crate::offsets::Unit;

    const TEXT: &str = "Qatar's prime minister said 40 hostages 🇶🇦 would be freed.";

    #[test]
    fn replaying_what_the_history_applied_rebuilds_the_document_and_its_history() {
        let stored = Document::new("d", "t", TEXT, 5);
        let mut open = stored.clone();
        let mut history = History::default();
        let mut journal = Journal::starting_from(&open);
        let actor = history
            .add_span(&mut open, "actor", 0, 22, Unit::Utf8)
            .unwrap();
        let claim = history
            .add_span(&mut open, "claim", 0, 55, Unit::Utf8)
            .unwrap();
        history
            .add_relation(&mut open, "said-by", claim, actor)
            .unwrap();
        history
            .do_edit(
                &mut open,
                Edit::SetNote {
                    id: claim,
                    note: Some("check".into()),
                },
            )
            .unwrap();
        history.undo(&mut open).unwrap();
        history.undo(&mut open).unwrap();
        history.redo(&mut open).unwrap();
        history
            .do_edit(&mut open, Edit::RemoveSpan { id: actor })
            .unwrap();
        open.modified_ms = 9;
        journal.record(history.take_applied(), open.modified_ms);
        assert!(history.take_applied().is_empty(), "taken once");
        assert_eq!(
            journal.edits.len(),
            8,
            "four steps, two undos, a redo and a step"
        );

        // Stored as JSON and read back, as the browser keeps it.
        let journal: Journal =
            serde_json::from_str(&serde_json::to_string(&journal).unwrap()).unwrap();
        let mut reopened = stored.clone();
        assert!(journal.fits(&reopened));
        journal.replay(&mut reopened).unwrap();
        assert_eq!(reopened, open);
        // The rebuilt document is no base for the same journal.
        assert!(!journal.fits(&reopened));
        // The history stored with the base (empty here) follows to the one in memory.
        let mut retraced = History::default();
        assert!(journal.retrace(&mut retraced));
        assert_eq!(retraced, history);
        assert_eq!((retraced.undo_len(), retraced.redo_len()), (4, 0));
    }

    #[test]
    fn a_history_that_is_not_the_bases_does_not_retrace_an_undo() {
        let mut doc = Document::new("d", "t", TEXT, 5);
        let mut base_history = History::default();
        base_history
            .add_span(&mut doc, "actor", 0, 22, Unit::Utf8)
            .unwrap();
        base_history.take_applied();
        let mut journal = Journal::starting_from(&doc);
        let mut history = base_history.clone();
        history.undo(&mut doc).unwrap();
        journal.record(history.take_applied(), 6);

        let mut retraced = base_history.clone();
        assert!(journal.retrace(&mut retraced));
        assert_eq!(retraced, history);
        // Nothing to undo, or another step on top: the undo cannot be retraced.
        assert!(!journal.retrace(&mut History::default()));
        let mut other_doc = Document::new("d", "t", TEXT, 5);
        other_doc.add_span("claim", 0, 55, Unit::Utf8).unwrap();
        let mut other = History::default();
        other
            .add_span(&mut other_doc, "figure", 28, 30, Unit::Utf8)
            .unwrap();
        assert!(!journal.retrace(&mut other));
    }

    #[test]
    fn a_first_schema_journal_replays_its_edits_without_moves() {
        let stored = Document::new("d", "t", TEXT, 5);
        let json = r#"{"base_ms":5,"modified_ms":6,"edits":[{"add-span":{"label":"actor","start":0,"end":5}}]}"#;
        let journal: Journal = serde_json::from_str(json).unwrap();
        assert!(!journal.has_moves());
        assert!(!journal.retrace(&mut History::default()));
        let mut reopened = stored.clone();
        journal.replay(&mut reopened).unwrap();
        assert_eq!(reopened.spans().len(), 1);
    }

    #[test]
    fn a_journal_that_no_longer_fits_changes_nothing() {
        let mut stored = Document::new("d", "t", TEXT, 5);
        let figure = stored.add_span("figure", 28, 30, Unit::Utf8).unwrap();
        let journal = Journal {
            base_ms: 5,
            modified_ms: 6,
            edits: vec![
                Edit::add_span("actor", 0, 5),
                Edit::RemoveSpan { id: figure },
                // Already gone: the replay stops here and takes back the two before.
                Edit::RemoveSpan { id: figure },
            ],
            moves: Vec::new(),
        };
        let before = stored.clone();
        assert_eq!(
            journal.replay(&mut stored),
            Err(EditError::UnknownSpan(figure))
        );
        assert_eq!(stored.spans(), before.spans());
        assert_eq!(stored.modified_ms, 5);
    }
}
