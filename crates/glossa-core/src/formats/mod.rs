//! Files Glossa reads and writes. Each format converts at its own edge, through
//! [`crate::offsets::TextIndex`], into the core's byte offsets.
//!
//! The app and `glossa-convert` go through [`export`], [`import`] and [`detect`]; each format's
//! module also has its own `export`/`import` for callers that know what they hold.
//!
//! | format | module | offsets | holds |
//! | --- | --- | --- | --- |
//! | Glossa JSON | [`glossa`] | code points + UTF-16 + UTF-8 | everything |
//! | W3C Web Annotation | [`w3c`] | code points | spans, notes, attributes, relations |
//! | Label Studio | [`label_studio`] | code points | spans, notes, attributes, relations |
//! | doccano | [`doccano`] | UTF-16 code units | spans, relations |
//! | spaCy / Prodigy | [`spacy`] | code points | spans, relations (Prodigy) |
//! | brat standoff | [`brat`] | code points | spans, notes, attributes, relations (pairs, or a [`zip`] of them) |
//! | CoNLL 2003 / IOB2 | [`conll`] | tokens | flat spans |

pub mod brat;
mod common;
pub use common::article_text;
pub mod conll;
pub mod doccano;
pub mod glossa;
pub mod label_studio;
pub mod spacy;
pub mod w3c;
pub mod zip;

use crate::document::Document;
use std::fmt;

/// A file format Glossa converts to and from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Format {
    Glossa,
    W3c,
    LabelStudio,
    Doccano,
    Spacy,
    Brat,
    Conll,
}

impl Format {
    /// Every format, in the order menus list them.
    pub const ALL: [Format; 7] = [
        Format::Glossa,
        Format::W3c,
        Format::LabelStudio,
        Format::Doccano,
        Format::Spacy,
        Format::Brat,
        Format::Conll,
    ];

    /// The short name `glossa-convert --from/--to` takes.
    pub fn name(self) -> &'static str {
        match self {
            Format::Glossa => "glossa",
            Format::W3c => "w3c",
            Format::LabelStudio => "label-studio",
            Format::Doccano => "doccano",
            Format::Spacy => "spacy",
            Format::Brat => "brat",
            Format::Conll => "conll",
        }
    }

    /// The name shown to people.
    pub fn title(self) -> &'static str {
        match self {
            Format::Glossa => "Glossa JSON",
            Format::W3c => "W3C Web Annotation (JSON-LD)",
            Format::LabelStudio => "Label Studio JSON",
            Format::Doccano => "doccano JSONL",
            Format::Spacy => "spaCy / Prodigy JSONL",
            Format::Brat => "brat standoff (.txt + .ann)",
            Format::Conll => "CoNLL 2003 / IOB2",
        }
    }

    /// The extension of the file an export writes (brat also writes a `.txt` beside each
    /// `.ann`).
    pub fn extension(self) -> &'static str {
        match self {
            Format::Glossa | Format::LabelStudio => "json",
            Format::W3c => "jsonld",
            Format::Doccano | Format::Spacy => "jsonl",
            Format::Brat => "ann",
            Format::Conll => "conll",
        }
    }

    /// The MIME type for a download.
    pub fn mime(self) -> &'static str {
        match self {
            Format::Glossa | Format::LabelStudio => "application/json",
            Format::W3c => "application/ld+json",
            Format::Doccano | Format::Spacy => "application/x-ndjson",
            Format::Brat | Format::Conll => "text/plain",
        }
    }

    /// The format called `name` (as [`Format::name`] gives it).
    pub fn from_name(name: &str) -> Option<Format> {
        let name = name.to_ascii_lowercase().replace('_', "-");
        Format::ALL
            .into_iter()
            .find(|f| f.name() == name)
            .or(match name.as_str() {
                "labelstudio" | "ls" => Some(Format::LabelStudio),
                "prodigy" => Some(Format::Spacy),
                "web-annotation" | "jsonld" => Some(Format::W3c),
                "iob" | "iob2" | "conll2003" => Some(Format::Conll),
                _ => None,
            })
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Why a file could not be written or read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FormatError {
    /// A span's offsets do not slice the text to its quote: a bug, never shipped.
    QuoteMismatch {
        span: u32,
        expected: String,
        found: String,
    },
    /// The input is not what the format says, at a JSON path (`$.document.spans[2].end`) or a
    /// line (`notes.ann line 4`).
    Invalid { at: String, problem: String },
}

impl FormatError {
    pub(crate) fn invalid(at: impl Into<String>, problem: impl Into<String>) -> Self {
        FormatError::Invalid {
            at: at.into(),
            problem: problem.into(),
        }
    }
}

impl FormatError {
    /// The same error, its place prefixed with the file it is in (`notes.jsonl line 4`) unless
    /// the place already names it.
    pub fn in_file(self, name: &str) -> Self {
        match self {
            FormatError::Invalid { at, problem } if !at.starts_with(name) => FormatError::Invalid {
                at: if at.is_empty() {
                    name.to_string()
                } else {
                    format!("{name} {at}")
                },
                problem,
            },
            other => other,
        }
    }
}

impl fmt::Display for FormatError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FormatError::QuoteMismatch {
                span,
                expected,
                found,
            } => write!(
                f,
                "span {span}: its offsets give \"{found}\" but its quote is \"{expected}\""
            ),
            FormatError::Invalid { at, problem } if at.is_empty() => write!(f, "{problem}"),
            FormatError::Invalid { at, problem } => write!(f, "{at}: {problem}"),
        }
    }
}

impl std::error::Error for FormatError {}

/// Something an export had to leave out, or an import had to change or skip.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Warning {
    /// Where: a document's title, a span, a line or a JSON path.
    pub at: String,
    pub message: String,
}

impl Warning {
    pub(crate) fn new(at: impl Into<String>, message: impl Into<String>) -> Self {
        Warning {
            at: at.into(),
            message: message.into(),
        }
    }
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.at, self.message)
    }
}

/// One file an export produced.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OutputFile {
    pub name: String,
    pub contents: String,
}

impl OutputFile {
    /// The file as an import reads it, e.g. to read back what an export wrote.
    pub fn as_input(&self) -> InputFile<'_> {
        InputFile {
            name: &self.name,
            contents: self.contents.as_bytes(),
        }
    }
}

/// What an export produced: usually one file; brat writes a `.txt` and a `.ann` per document.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Exported {
    pub files: Vec<OutputFile>,
    /// What the format could not hold, one warning per thing dropped or changed.
    pub warnings: Vec<Warning>,
}

impl Exported {
    /// The files as one zip archive (brat writes two files per document); names keep any folders.
    pub fn zip(&self) -> Vec<u8> {
        zip::write(&self.files)
    }
}

/// What an import read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Imported {
    pub documents: Vec<Document>,
    /// What was skipped or changed on the way in.
    pub warnings: Vec<Warning>,
}

/// How nested spans are flattened where a format holds one label per token (CoNLL).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Nesting {
    /// Keep the spans no other span contains.
    #[default]
    Outermost,
    /// Keep the spans that contain no other span.
    Innermost,
}

/// Choices for [`export`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ExportOptions {
    pub nesting: Nesting,
}

/// One file given to [`import`]: its name (for detection, brat pairing and messages) and bytes.
#[derive(Clone, Copy, Debug)]
pub struct InputFile<'a> {
    pub name: &'a str,
    pub contents: &'a [u8],
}

/// Writes `docs` in `format`. File names come from the document title when there is one
/// document and `glossa-library` otherwise.
pub fn export(
    format: Format,
    docs: &[Document],
    options: &ExportOptions,
) -> Result<Exported, FormatError> {
    // Every writer refuses a span whose offsets do not slice to its quote in every unit:
    // Glossa JSON, W3C and Label Studio as they describe each span (glossa::document_record),
    // the others here, first.
    if !matches!(format, Format::Glossa | Format::W3c | Format::LabelStudio) {
        for doc in docs {
            glossa::check(doc)?;
        }
    }
    let stem = match docs {
        [one] => glossa::file_name(&one.title, format.name(), format.extension()),
        _ => glossa::file_name("glossa-library", format.name(), format.extension()),
    };
    let one = |(contents, warnings): (String, Vec<Warning>)| Exported {
        files: vec![OutputFile {
            name: stem.clone(),
            contents,
        }],
        warnings,
    };
    Ok(match format {
        Format::Glossa => one((glossa::to_json_library(docs)?, Vec::new())),
        Format::W3c => one(w3c::export(docs)?),
        Format::LabelStudio => one(label_studio::export(docs)?),
        Format::Doccano => one(doccano::export(docs)?),
        Format::Spacy => one(spacy::export(docs)?),
        Format::Conll => one(conll::export(docs, options.nesting)?),
        Format::Brat => {
            let (files, warnings) = brat::export(docs)?;
            Exported { files, warnings }
        }
    })
}

/// Reads documents from `files` in `format`. Most formats take one file; brat takes each
/// `.ann` with the `.txt` of the same name; W3C takes a `.txt` to stand for the source its
/// annotations point at, when the annotation file does not carry Glossa's copy of the text.
/// `now_ms` stamps the new documents.
pub fn import(format: Format, files: &[InputFile], now_ms: i64) -> Result<Imported, FormatError> {
    let mut imported = import_as_read(format, files, now_ms)?;
    // Documents made from one file are a millisecond apart, in the file's order, so a library
    // listed or exported by creation keeps that order (a dataset's lines stay in order). A
    // Glossa file's documents keep their own times.
    if format != Format::Glossa {
        for (i, d) in imported.documents.iter_mut().enumerate() {
            d.created_ms = now_ms + i as i64;
            d.modified_ms = d.created_ms;
        }
    }
    Ok(imported)
}

fn import_as_read(
    format: Format,
    files: &[InputFile],
    now_ms: i64,
) -> Result<Imported, FormatError> {
    if files.is_empty() {
        return Err(FormatError::invalid("", "no file to import"));
    }
    if format == Format::Brat {
        // A zip stands for the files in it.
        let mut unpacked = Vec::new();
        for f in files.iter().filter(|f| zip::is_zip(f.contents)) {
            unpacked.extend(zip::read(f.name, f.contents)?);
        }
        let all: Vec<InputFile> = files
            .iter()
            .filter(|f| !zip::is_zip(f.contents))
            .copied()
            .chain(
                unpacked
                    .iter()
                    .map(|(name, contents)| InputFile { name, contents }),
            )
            .collect();
        return brat::import_files(&all, now_ms);
    }
    let (main, rest): (Vec<&InputFile>, Vec<&InputFile>) = files
        .iter()
        .partition(|f| !(format == Format::W3c && f.name.ends_with(".txt")));
    let [main] = main.as_slice() else {
        return Err(FormatError::invalid(
            "",
            format!("{} imports one file at a time", format.title()),
        ));
    };
    let text = common::utf8(main.name, main.contents)?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let name = main.name;
    match format {
        Format::Glossa => glossa::import(text),
        Format::W3c => {
            let source = match rest.first() {
                Some(f) => Some(common::utf8(f.name, f.contents)?),
                None => None,
            };
            w3c::import(text, source, name, now_ms)
        }
        Format::LabelStudio => label_studio::import(text, name, now_ms),
        Format::Doccano => doccano::import(text, name, now_ms),
        Format::Spacy => spacy::import(text, name, now_ms),
        Format::Conll => conll::import(text, name, now_ms),
        Format::Brat => unreachable!("handled above"),
    }
}

/// Reads files whose format is not given, as a user picks or drops them: each annotation file's
/// format is detected (they must agree), and `.txt` files go with them (brat's text beside each
/// `.ann`, the source text of W3C annotations). brat reads its files together; the other formats
/// read each annotation file on its own.
pub fn import_any(files: &[InputFile], now_ms: i64) -> Result<(Format, Imported), FormatError> {
    let is_text = |f: &&InputFile| f.name.to_ascii_lowercase().ends_with(".txt");
    let (texts, annotations): (Vec<&InputFile>, Vec<&InputFile>) = files.iter().partition(is_text);
    let mut format = None;
    for f in &annotations {
        let found = detect(f.name, f.contents)?;
        match format {
            Some(known) if known != found => {
                return Err(FormatError::invalid(
                    f.name,
                    format!(
                        "this is {}, the others {}: import one format at a time",
                        found.title(),
                        Format::title(known)
                    ),
                ))
            }
            _ => format = Some(found),
        }
    }
    let format = format.ok_or_else(|| FormatError::invalid("", "no annotation file given"))?;
    if format == Format::Brat {
        return Ok((format, import(format, files, now_ms)?));
    }
    let mut all = Imported {
        documents: Vec::new(),
        warnings: Vec::new(),
    };
    for f in annotations {
        let mut batch = vec![*f];
        if format == Format::W3c {
            batch.extend(texts.iter().copied());
        }
        let one = import(format, &batch, now_ms).map_err(|e| e.in_file(f.name))?;
        all.documents.extend(one.documents);
        all.warnings.extend(one.warnings);
    }
    Ok((format, all))
}

/// Guesses a file's format from its name and first bytes, for `--from auto`.
pub fn detect(name: &str, contents: &[u8]) -> Result<Format, FormatError> {
    let lower = name.to_ascii_lowercase();
    // brat is the one format that comes zipped (a corpus of .txt + .ann pairs).
    if lower.ends_with(".ann") || zip::is_zip(contents) {
        return Ok(Format::Brat);
    }
    if [".conll", ".iob", ".iob2", ".bio", ".conllu"]
        .iter()
        .any(|e| lower.ends_with(e))
    {
        return Ok(Format::Conll);
    }
    let head = String::from_utf8_lossy(&contents[..contents.len().min(1 << 20)]);
    let head = head.trim_start_matches('\u{feff}').trim_start();
    let unknown = || {
        FormatError::invalid(
            name,
            "cannot tell the format: it is not Glossa JSON, W3C Web Annotation, Label Studio, \
             doccano, spaCy/Prodigy, brat (.ann or .zip) or CoNLL as far as its start shows",
        )
    };
    if head.starts_with('{') || head.starts_with('[') {
        // A whole JSON value (Glossa, W3C, Label Studio, or one JSON line), read to its end
        // however long (only its first object's keys are kept), else JSON lines.
        let body = contents
            .strip_prefix("\u{feff}".as_bytes())
            .unwrap_or(contents);
        let probe = match serde_json::from_slice::<JsonProbe>(body) {
            Ok(p) => p,
            Err(whole) => {
                let first = head.lines().next().unwrap_or("");
                serde_json::from_str(first).map_err(|line| {
                    // Broken JSON (a file cut off, or edited by hand) is said as such, where
                    // it breaks: in the first line of JSON lines, else in the whole value.
                    let e = if first.trim_end().ends_with('}') {
                        line
                    } else {
                        whole
                    };
                    FormatError::invalid(
                        name,
                        format!("is not valid JSON ({e}): was it cut off, or edited by hand?"),
                    )
                })?
            }
        };
        return probe.format().ok_or_else(unknown);
    }
    // Token-per-line text with a tag in the last column.
    let tagged = head
        .lines()
        .filter(|l| !l.trim().is_empty())
        .take(50)
        .all(|l| {
            let last = l.split_whitespace().last().unwrap_or("");
            l.split_whitespace().count() >= 2 && conll::is_tag(last)
        });
    if tagged && !head.trim().is_empty() {
        return Ok(Format::Conll);
    }
    Err(unknown())
}

/// What detection needs of a JSON file: the keys of its first object (the value itself, or
/// an array's first item) and its `format` and `type`. Read by visiting the JSON, not by
/// building it, so a file of many megabytes costs one pass and no copies.
#[derive(Default)]
struct JsonProbe {
    keys: Vec<String>,
    format: Option<String>,
    ty: String,
}

impl JsonProbe {
    fn format(&self) -> Option<Format> {
        let has = |k: &str| self.keys.iter().any(|key| key == k);
        if self.format.as_deref() == Some(glossa::FORMAT) {
            return Some(Format::Glossa);
        }
        if has("@context") || self.ty.contains("Annotation") {
            Some(Format::W3c)
        } else if has("data") {
            Some(Format::LabelStudio)
        } else if has("entities") || has("label") {
            Some(Format::Doccano)
        } else if has("spans") || has("ents") || has("tokens") {
            Some(Format::Spacy)
        } else {
            None
        }
    }
}

impl<'de> serde::Deserialize<'de> for JsonProbe {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        use serde::de::{IgnoredAny, MapAccess, SeqAccess, Visitor};
        struct Probe;
        impl<'de> Visitor<'de> for Probe {
            type Value = JsonProbe;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a JSON object or an array of them")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<JsonProbe, A::Error> {
                let mut probe = JsonProbe::default();
                while let Some(key) = map.next_key::<String>()? {
                    match key.as_str() {
                        "format" => {
                            probe.format = map
                                .next_value::<serde_json::Value>()?
                                .as_str()
                                .map(str::to_string)
                        }
                        "type" => probe.ty = map.next_value::<serde_json::Value>()?.to_string(),
                        _ => {
                            map.next_value::<IgnoredAny>()?;
                        }
                    }
                    probe.keys.push(key);
                }
                Ok(probe)
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<JsonProbe, A::Error> {
                let first = seq.next_element::<JsonProbe>()?.unwrap_or_default();
                while seq.next_element::<IgnoredAny>()?.is_some() {}
                Ok(first)
            }
        }
        d.deserialize_any(Probe)
    }
}
