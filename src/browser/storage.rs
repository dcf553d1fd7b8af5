//! Local storage, through gloo-storage. One key per document plus an index, so one edit
//! rewrites one document and start-up does not parse the whole library.
//!
//! Keys: `glossa.index` (the list of documents), `glossa.doc.<id>` (one document),
//! `glossa.current` (the id of the open one). Every stored value carries its schema version.
//! A value that does not parse is never overwritten: it is moved to `glossa.quarantine.<key>`.

use gloo_storage::{errors::StorageError, LocalStorage, Storage};
use glossa_core::Document;
use serde::{Deserialize, Serialize};

/// The schema version this code writes.
pub const SCHEMA: u32 = 1;
const INDEX_KEY: &str = "glossa.index";
const CURRENT_KEY: &str = "glossa.current";
const QUARANTINE_PREFIX: &str = "glossa.quarantine.";

/// A document as stored, with its schema version.
#[derive(Serialize, Deserialize)]
struct StoredDocument {
    schema: u32,
    document: Document,
}

/// One line of the library index: enough to list a document without loading it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct IndexEntry {
    pub id: String,
    pub title: String,
    pub modified_ms: i64,
    pub spans: usize,
}

#[derive(Serialize, Deserialize, Default)]
struct StoredIndex {
    schema: u32,
    documents: Vec<IndexEntry>,
}

/// What went wrong with storage, in words a user can act on.
#[derive(Clone, Debug, PartialEq)]
pub enum StorageProblem {
    /// The browser refused the write (most often: storage is full).
    NotSaved(String),
    /// A stored value could not be read; it was kept aside under `quarantined_as`.
    Corrupt { key: String, quarantined_as: String },
}

impl std::fmt::Display for StorageProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            StorageProblem::NotSaved(why) => write!(
                f,
                "Not saved: the browser refused to store this edit ({why}). Your work is still \
                 open here: export it now, or delete documents you no longer need."
            ),
            StorageProblem::Corrupt {
                key,
                quarantined_as,
            } => write!(
                f,
                "A stored value ({key}) could not be read. It was kept aside as {quarantined_as}; \
                 nothing was deleted."
            ),
        }
    }
}

fn doc_key(id: &str) -> String {
    format!("glossa.doc.{id}")
}

fn raw(key: &str) -> Option<String> {
    LocalStorage::raw().get_item(key).ok().flatten()
}

/// Moves an unreadable value aside so nothing ever overwrites it.
fn quarantine(key: &str) -> StorageProblem {
    let quarantined_as = format!("{QUARANTINE_PREFIX}{key}");
    if let Some(value) = raw(key) {
        let _ = LocalStorage::raw().set_item(&quarantined_as, &value);
        let _ = LocalStorage::raw().remove_item(key);
    }
    StorageProblem::Corrupt {
        key: key.to_string(),
        quarantined_as,
    }
}

fn not_saved(e: StorageError) -> StorageProblem {
    StorageProblem::NotSaved(e.to_string())
}

/// The library index, newest edit first. An unreadable index is quarantined and rebuilt empty.
pub fn load_index() -> Result<Vec<IndexEntry>, StorageProblem> {
    match LocalStorage::get::<StoredIndex>(INDEX_KEY) {
        Ok(index) => Ok(index.documents),
        Err(StorageError::KeyNotFound(_)) => Ok(Vec::new()),
        Err(_) => Err(quarantine(INDEX_KEY)),
    }
}

/// Reads one document.
pub fn load_document(id: &str) -> Result<Option<Document>, StorageProblem> {
    let key = doc_key(id);
    match LocalStorage::get::<StoredDocument>(&key) {
        Ok(stored) if stored.schema == SCHEMA => Ok(Some(stored.document)),
        Ok(_) | Err(StorageError::SerdeError(_)) | Err(StorageError::JsError(_)) => {
            Err(quarantine(&key))
        }
        Err(StorageError::KeyNotFound(_)) => Ok(None),
    }
}

/// Writes one document and its index line. The document is written first, so a failure
/// leaves the earlier saved state whole.
pub fn save_document(document: &Document) -> Result<(), StorageProblem> {
    let stored = StoredDocument {
        schema: SCHEMA,
        document: document.clone(),
    };
    LocalStorage::set(doc_key(&document.id), &stored).map_err(not_saved)?;
    let mut documents = load_index().unwrap_or_default();
    documents.retain(|e| e.id != document.id);
    documents.insert(
        0,
        IndexEntry {
            id: document.id.clone(),
            title: document.title.clone(),
            modified_ms: document.modified_ms,
            spans: document.spans().len(),
        },
    );
    LocalStorage::set(
        INDEX_KEY,
        StoredIndex {
            schema: SCHEMA,
            documents,
        },
    )
    .map_err(not_saved)
}

/// The id of the document that was open last.
pub fn current_document_id() -> Option<String> {
    raw(CURRENT_KEY)
}

/// Remembers which document is open (`None`: the paste screen).
pub fn set_current_document_id(id: Option<&str>) -> Result<(), StorageProblem> {
    let storage = LocalStorage::raw();
    let result = match id {
        Some(id) => storage.set_item(CURRENT_KEY, id),
        None => storage.remove_item(CURRENT_KEY),
    };
    result.map_err(|e| StorageProblem::NotSaved(format!("{e:?}")))
}
