//! Glossa's annotation core: documents, spans, labels, offsets and formats.
//!
//! Pure Rust with no web dependency, so the app, the command-line converter and the native tests
//! all share it. Offsets inside the core are UTF-8 bytes; see [`offsets`] for every other unit.

pub mod blocks;
pub mod document;
pub mod formats;
pub mod label;
pub mod offsets;
pub mod segments;
pub mod words;

pub use document::{
    Document, EditError, Relation, RelationId, Span, SpanId, DEFAULT_RELATION_KINDS,
};
pub use label::{Label, LabelSet};
pub use offsets::{snap, OffsetError, Snap, TextIndex, Unit};
pub use segments::{segments, Segment};
