//! Two tabs, one document: which tab may edit it.
//!
//! Glossa's policy is **one editing tab per document; other tabs show it read-only with a
//! banner**, and follow its edits live through the `storage` event. Merging spans by id is not
//! safe here: span ids are numbered per document, so two tabs editing at once would both make a
//! span 7 that means different things.
//!
//! The editing tab holds a lease, `glossa.lock.<id>` = `{"schema":1,"tab":…,"until_ms":…}`,
//! renewed every [`RENEW_MS`] and dropped on `pagehide`. A lease older than [`LEASE_MS`] is
//! free (a tab that crashed). A read-only tab takes the lease as soon as it is free, or at
//! once when its user presses "Edit here" (the other tab then turns read-only; it had saved
//! every edit already, so nothing is lost).

use super::storage::{raw, write_raw, LOCK_PREFIX};
use serde::{Deserialize, Serialize};

/// How long a lease lasts without renewal.
pub const LEASE_MS: i64 = 6_000;
/// How often the holder renews it (and a read-only tab looks for a free one).
pub const RENEW_MS: u32 = 2_000;

thread_local! {
    static TAB_ID: String = format!("t{}", super::new_document_id());
}

/// This page's own id: new at every load, so a reloaded tab is a new holder.
pub fn tab_id() -> String {
    TAB_ID.with(Clone::clone)
}

pub fn lock_key(doc_id: &str) -> String {
    format!("{LOCK_PREFIX}{doc_id}")
}

#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct Lease {
    pub schema: u32,
    pub tab: String,
    pub until_ms: i64,
}

/// Who edits a document.
#[derive(Clone, Debug, PartialEq)]
pub enum Holder {
    Nobody,
    ThisTab,
    OtherTab,
}

/// Who holds `doc_id`'s lease at `now_ms`. An unreadable lease counts as free: it is only a
/// hint, never user data.
pub fn holder_at(doc_id: &str, now_ms: i64) -> Holder {
    match raw(&lock_key(doc_id)).and_then(|v| serde_json::from_str::<Lease>(&v).ok()) {
        Some(l) if l.tab == tab_id() => Holder::ThisTab,
        Some(l) if l.until_ms > now_ms => Holder::OtherTab,
        _ => Holder::Nobody,
    }
}

pub fn holder(doc_id: &str) -> Holder {
    holder_at(doc_id, super::now_ms())
}

fn write_lease(doc_id: &str) {
    let lease = Lease {
        schema: 1,
        tab: tab_id(),
        until_ms: super::now_ms() + LEASE_MS,
    };
    // A full storage refuses the lease too; saving is then impossible anyway, so the tab
    // still edits (in memory) rather than lock itself out.
    let _ = write_raw(
        &lock_key(doc_id),
        &serde_json::to_string(&lease).expect("a lease serialises"),
    );
}

/// Takes or renews the lease unless another live tab holds it. True: this tab may edit.
pub fn try_acquire(doc_id: &str) -> bool {
    match holder(doc_id) {
        Holder::OtherTab => false,
        _ => {
            write_lease(doc_id);
            holder(doc_id) != Holder::OtherTab
        }
    }
}

/// Takes the lease whoever holds it ("Edit here").
pub fn take_over(doc_id: &str) {
    write_lease(doc_id);
}

/// Drops the lease if this tab holds it.
pub fn release(doc_id: &str) {
    if holder(doc_id) == Holder::ThisTab {
        super::storage::remove(&lock_key(doc_id));
    }
}
