//! Glossa's annotation core: documents, spans, labels, offsets and formats.
//!
//! Pure Rust with no web dependency, so the app, the command-line converter and the native tests
//! all share it. Offsets inside the core are UTF-8 bytes; see [`offsets`] for every other unit.
//!
//! Changes go through [`Edit`]s: [`Document::apply`] makes one and returns its inverse, and
//! [`History`] turns that into undo and redo, and a [`Journal`] stores the edits made since a
//! document was last saved whole. [`segments()`] cuts the text for drawing and
//! [`resegment`] redoes only the part one change touched; [`find_all`] searches it.

pub mod blocks;
pub mod document;
pub mod edit;
mod fold_table;
pub mod formats;
pub mod journal;
pub mod label;
pub mod offsets;
pub mod search;
pub mod segments;
pub mod stored_json;
pub mod words;

pub use document::{
    suggested_relations, Document, EditError, Relation, RelationId, RelationKind, Span, SpanId,
    DEFAULT_RELATIONS, DEFAULT_RELATION_KINDS,
};
pub use edit::{Edit, History, LabelRemoval, Move};
pub use journal::Journal;
pub use label::{Label, LabelSet};
pub use offsets::{snap, OffsetError, OffsetMarks, Snap, TextIndex, Unit};
pub use search::find_all;
pub use segments::{resegment, segments, update_segments, Segment};
