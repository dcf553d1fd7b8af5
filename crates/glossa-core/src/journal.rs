//! A journal of the edits made since a document was last stored whole. Storing the few edits
//! of a keystroke, instead of re-serialising a book-length document, keeps every edit saved
//! at once and cheap; the whole document is written again later, when the user pauses.

use crate::document::{Document, EditError};
use crate::edit::Edit;
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
}

impl Journal {
    /// An empty journal starting from `doc` as it is now.
    pub fn starting_from(doc: &Document) -> Self {
        Journal {
            base_ms: doc.modified_ms,
            modified_ms: doc.modified_ms,
            edits: Vec::new(),
        }
    }

    /// True when this journal starts from `doc` (its edits are not in it yet).
    pub fn fits(&self, doc: &Document) -> bool {
        self.base_ms == doc.modified_ms
    }

    /// Adds the edits made since, and the document's time after them.
    pub fn record(&mut self, edits: Vec<Edit>, modified_ms: i64) {
        self.edits.extend(edits);
        self.modified_ms = modified_ms;
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
                        doc.apply(inverse)
                            .expect("the inverse of an edit just made fits");
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
    fn replaying_what_the_history_applied_rebuilds_the_document() {
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
