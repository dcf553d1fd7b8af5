//! Files Glossa reads and writes. Each format converts at its own edge, through
//! [`crate::offsets::TextIndex`], into the core's byte offsets.

pub mod glossa;
