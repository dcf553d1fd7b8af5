//! Reading an [`Edit`] from JSON, `{"add-span": {"label": …, "start": …, "end": …}}`.
//!
//! Written by hand, not derived: serde's derive gives each of the sixteen kinds its own reader
//! of a map and of a sequence (24 KB of the app's wasm code). Here one reader takes every
//! kind's fields into [`Fields`] and the kind then takes the ones it needs (10 KB; 1.1 KB gzip
//! less, which the app's 350 KB budget needed). It accepts what our writer writes (the
//! property test below reads every kind back as written); missing fields, unknown kinds and
//! wrong types are refused.

use super::{Edit, LabelRemoval};
use crate::document::{Relation, RelationId, Span, SpanId};
use crate::label::Label;
use serde::de::{
    self, value::MapAccessDeserializer, Deserializer, IgnoredAny, IntoDeserializer, MapAccess,
    Visitor,
};
use serde::Deserialize;
use std::fmt;

const KINDS: &[&str] = &[
    "add-span",
    "remove-span",
    "restore-span",
    "relabel",
    "resize",
    "set-note",
    "set-attribute",
    "add-relation",
    "remove-relation",
    "restore-relation",
    "add-label",
    "rename-label",
    "set-label-color",
    "set-label-hotkey",
    "remove-label",
    "group",
];

impl<'de> Deserialize<'de> for Edit {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_map(EditVisitor)
    }
}

struct EditVisitor;

impl<'de> Visitor<'de> for EditVisitor {
    type Value = Edit;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an edit, e.g. {\"add-span\": {…}}")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Edit, A::Error> {
        let Some(kind) = map.next_key::<String>()? else {
            return Err(de::Error::invalid_length(0, &self));
        };
        if !KINDS.contains(&kind.as_str()) {
            return Err(de::Error::unknown_variant(&kind, KINDS));
        }
        let fields: Fields = map.next_value()?;
        if map.next_key::<IgnoredAny>()?.is_some() {
            return Err(de::Error::invalid_length(2, &self));
        }
        fields.into_edit(&kind)
    }
}

/// Every field any kind of edit has. Where two kinds give one name two types (`label` is a
/// name or a whole label, `from` and `to` span ids or label names), the field keeps either.
/// Text and number fields are kept in arrays so that each type is read in one place (a read
/// per field cost the wasm kilobytes).
#[derive(Default)]
struct Fields {
    /// By [`TEXTS`].
    texts: [Option<String>; 6],
    /// By [`NUMBERS`].
    numbers: [Option<usize>; 4],
    label: Option<NameOr<Label>>,
    /// `from` and `to`.
    ends: [Option<NameOr<u32>>; 2],
    span: Option<Span>,
    relations: Option<Vec<Relation>>,
    relation: Option<Relation>,
    hotkey: Option<char>,
    spans: Option<LabelRemoval>,
    edits: Option<Vec<Edit>>,
}

const TEXTS: [&str; 6] = ["note", "key", "value", "kind", "name", "color"];
const NUMBERS: [&str; 4] = ["start", "end", "at", "id"];

impl<'de> Deserialize<'de> for Fields {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_map(FieldsVisitor)
    }
}

struct FieldsVisitor;

impl<'de> Visitor<'de> for FieldsVisitor {
    type Value = Fields;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an edit's fields")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Fields, A::Error> {
        let mut f = Fields::default();
        while let Some(key) = map.next_key::<String>()? {
            let key = key.as_str();
            if let Some(i) = TEXTS.iter().position(|k| *k == key) {
                f.texts[i] = map.next_value()?;
            } else if let Some(i) = NUMBERS.iter().position(|k| *k == key) {
                f.numbers[i] = map.next_value()?;
            } else if let Some(i) = ["from", "to"].iter().position(|k| *k == key) {
                f.ends[i] = Some(map.next_value()?);
            } else {
                match key {
                    "label" => f.label = Some(map.next_value()?),
                    "span" => f.span = Some(map.next_value()?),
                    "relations" => f.relations = Some(map.next_value()?),
                    "relation" => f.relation = Some(map.next_value()?),
                    "hotkey" => f.hotkey = map.next_value()?,
                    "spans" => f.spans = map.next_value()?,
                    "edits" => f.edits = Some(map.next_value()?),
                    // As the derive did: a field no kind has is skipped.
                    _ => {
                        map.next_value::<IgnoredAny>()?;
                    }
                }
            }
        }
        Ok(f)
    }
}

impl Fields {
    fn into_edit<E: de::Error>(self, kind: &str) -> Result<Edit, E> {
        let [note, key, value, relation_kind, name, color] = self.texts;
        let [start, end, at, id] = self.numbers;
        let [from, to] = self.ends;
        let number = |n: Option<usize>, called| need(n, called);
        let id = || -> Result<u32, E> {
            let id = number(id, "id")?;
            u32::try_from(id)
                .map_err(|_| E::invalid_value(de::Unexpected::Unsigned(id as u64), &"an id"))
        };
        Ok(match kind {
            "add-span" => Edit::AddSpan {
                label: self::name(self.label, "label")?,
                start: number(start, "start")?,
                end: number(end, "end")?,
            },
            "remove-span" => Edit::RemoveSpan { id: SpanId(id()?) },
            "restore-span" => Edit::RestoreSpan {
                span: need(self.span, "span")?,
                relations: need(self.relations, "relations")?,
            },
            "relabel" => Edit::Relabel {
                id: SpanId(id()?),
                label: self::name(self.label, "label")?,
            },
            "resize" => Edit::Resize {
                id: SpanId(id()?),
                start: number(start, "start")?,
                end: number(end, "end")?,
            },
            "set-note" => Edit::SetNote {
                id: SpanId(id()?),
                note,
            },
            "set-attribute" => Edit::SetAttribute {
                id: SpanId(id()?),
                key: need(key, "key")?,
                value,
            },
            "add-relation" => Edit::AddRelation {
                kind: need(relation_kind, "kind")?,
                from: SpanId(other(from, "from")?),
                to: SpanId(other(to, "to")?),
            },
            "remove-relation" => Edit::RemoveRelation {
                id: RelationId(id()?),
            },
            "restore-relation" => Edit::RestoreRelation {
                relation: need(self.relation, "relation")?,
            },
            "add-label" => Edit::AddLabel {
                label: other(self.label, "label")?,
                at,
            },
            "rename-label" => Edit::RenameLabel {
                from: self::name(from, "from")?,
                to: self::name(to, "to")?,
            },
            "set-label-color" => Edit::SetLabelColor {
                name: need(name, "name")?,
                color: need(color, "color")?,
            },
            "set-label-hotkey" => Edit::SetLabelHotkey {
                name: need(name, "name")?,
                hotkey: self.hotkey,
            },
            "remove-label" => Edit::RemoveLabel {
                name: need(name, "name")?,
                spans: self.spans,
            },
            // KINDS is checked before the fields are read, so this is "group".
            _ => Edit::Group {
                edits: need(self.edits, "edits")?,
            },
        })
    }
}

fn need<T, E: de::Error>(field: Option<T>, called: &'static str) -> Result<T, E> {
    field.ok_or_else(|| E::missing_field(called))
}

/// A field that is a name in some kinds of edit and something else (`T`) in others.
enum NameOr<T> {
    Name(String),
    Other(T),
}

/// The field as a name; refused if it is the other thing.
fn name<T, E: de::Error>(field: Option<NameOr<T>>, called: &'static str) -> Result<String, E> {
    match need(field, called)? {
        NameOr::Name(name) => Ok(name),
        NameOr::Other(_) => Err(E::invalid_type(de::Unexpected::Other(called), &"a name")),
    }
}

/// The field as the other thing; refused if it is a name.
fn other<T, E: de::Error>(field: Option<NameOr<T>>, called: &'static str) -> Result<T, E> {
    match need(field, called)? {
        NameOr::Other(other) => Ok(other),
        NameOr::Name(name) => Err(E::invalid_type(de::Unexpected::Str(&name), &called)),
    }
}

/// A name, or a whole label (`add-label`) or a span id (`add-relation`).
impl<'de, T: Deserialize<'de>> Deserialize<'de> for NameOr<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(NameOrVisitor(std::marker::PhantomData))
    }
}

struct NameOrVisitor<T>(std::marker::PhantomData<T>);

impl<'de, T: Deserialize<'de>> Visitor<'de> for NameOrVisitor<T> {
    type Value = NameOr<T>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a name, a span id or a label")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Ok(NameOr::Name(v.to_string()))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        T::deserialize(v.into_deserializer()).map(NameOr::Other)
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        T::deserialize(MapAccessDeserializer::new(map)).map(NameOr::Other)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn text() -> impl Strategy<Value = String> {
        // Quotes, back-slashes and non-ASCII, which JSON escapes or keeps as they are.
        "[a-z\"\\\\é😀 ]{0,6}"
    }

    fn span() -> impl Strategy<Value = Span> {
        (
            any::<u32>(),
            text(),
            any::<usize>(),
            any::<usize>(),
            proptest::option::of(text()),
            proptest::collection::btree_map(text(), text(), 0..3),
        )
            .prop_map(|(id, label, start, end, note, attributes)| Span {
                id: SpanId(id),
                label,
                start,
                end,
                note,
                attributes,
            })
    }

    fn relation() -> impl Strategy<Value = Relation> {
        (any::<u32>(), text(), any::<u32>(), any::<u32>()).prop_map(|(id, kind, from, to)| {
            Relation {
                id: RelationId(id),
                kind,
                from: SpanId(from),
                to: SpanId(to),
            }
        })
    }

    /// Every kind of edit, groups nested two deep.
    fn edit() -> impl Strategy<Value = Edit> {
        let id = || any::<u32>().prop_map(SpanId);
        let single = prop_oneof![
            (text(), any::<usize>(), any::<usize>())
                .prop_map(|(label, start, end)| Edit::AddSpan { label, start, end }),
            id().prop_map(|id| Edit::RemoveSpan { id }),
            (span(), proptest::collection::vec(relation(), 0..3))
                .prop_map(|(span, relations)| Edit::RestoreSpan { span, relations }),
            (id(), text()).prop_map(|(id, label)| Edit::Relabel { id, label }),
            (id(), any::<usize>(), any::<usize>()).prop_map(|(id, start, end)| Edit::Resize {
                id,
                start,
                end
            }),
            (id(), proptest::option::of(text())).prop_map(|(id, note)| Edit::SetNote { id, note }),
            (id(), text(), proptest::option::of(text()))
                .prop_map(|(id, key, value)| Edit::SetAttribute { id, key, value }),
            (text(), id(), id()).prop_map(|(kind, from, to)| Edit::AddRelation { kind, from, to }),
            any::<u32>().prop_map(|id| Edit::RemoveRelation { id: RelationId(id) }),
            relation().prop_map(|relation| Edit::RestoreRelation { relation }),
            (
                text(),
                text(),
                proptest::option::of(any::<char>()),
                proptest::option::of(any::<usize>())
            )
                .prop_map(|(name, color, hotkey, at)| Edit::AddLabel {
                    label: Label {
                        name,
                        color,
                        hotkey
                    },
                    at
                }),
            (text(), text()).prop_map(|(from, to)| Edit::RenameLabel { from, to }),
            (text(), text()).prop_map(|(name, color)| Edit::SetLabelColor { name, color }),
            (text(), proptest::option::of(any::<char>()))
                .prop_map(|(name, hotkey)| Edit::SetLabelHotkey { name, hotkey }),
            (
                text(),
                proptest::option::of(prop_oneof![
                    Just(LabelRemoval::RemoveSpans),
                    text().prop_map(LabelRemoval::MoveTo)
                ])
            )
                .prop_map(|(name, spans)| Edit::RemoveLabel { name, spans }),
        ];
        single.prop_recursive(2, 12, 4, |inner| {
            proptest::collection::vec(inner, 0..4).prop_map(Edit::group)
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 600, ..ProptestConfig::default() })]

        #[test]
        fn every_edit_reads_back_as_written(edit in edit()) {
            let json = serde_json::to_string(&edit).unwrap();
            prop_assert_eq!(serde_json::from_str::<Edit>(&json).unwrap(), edit);
        }
    }

    fn refused(json: &str) -> String {
        serde_json::from_str::<Edit>(json).unwrap_err().to_string()
    }

    #[test]
    fn wrong_edits_are_refused_and_say_why() {
        assert!(refused(r##"{"fly": {"id": 1}}"##).starts_with("unknown variant `fly`"));
        assert!(refused(r##"{"add-span": {"label": "a", "start": 1}}"##)
            .starts_with("missing field `end`"));
        assert!(refused(r##"{"remove-span": {"id": 4294967296}}"##).contains("an id"));
        assert!(refused(r##"{"remove-span": {"id": -1}}"##).contains("invalid"));
        assert!(refused(r##"{"add-span": {"label": {"name": "a", "color": "#000", "hotkey": null}, "start": 0, "end": 1}}"##).contains("a name"));
        assert!(
            refused(r##"{"add-relation": {"kind": "about", "from": "s1", "to": 2}}"##)
                .contains("from")
        );
        assert!(refused(r##"{"rename-label": {"from": 1, "to": "b"}}"##).contains("a name"));
        assert!(
            refused(r##"{"remove-span": {"id": 1}, "relabel": {"id": 1, "label": "a"}}"##)
                .contains("length 2")
        );
        assert!(refused(r##"{}"##).contains("length 0"));
        assert!(refused(r##""group""##).contains("an edit"));
        assert!(refused(r##"{"group": {"edits": [{"fly": {}}]}}"##).contains("fly"));
    }

    #[test]
    fn fields_no_kind_has_are_skipped_and_null_options_are_none() {
        let edit: Edit =
            serde_json::from_str(r##"{"set-note": {"id": 3, "note": null, "by": {"who": [1]}}}"##)
                .unwrap();
        assert_eq!(
            edit,
            Edit::SetNote {
                id: SpanId(3),
                note: None
            }
        );
        let edit: Edit = serde_json::from_str(
            r##"{"add-label": {"label": {"name": "x", "color": "#123456", "hotkey": "4"}}}"##,
        )
        .unwrap();
        assert_eq!(
            edit,
            Edit::AddLabel {
                label: Label::new("x", "#123456", Some('4')),
                at: None
            }
        );
    }
}
