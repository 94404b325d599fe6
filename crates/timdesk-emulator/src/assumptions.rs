//! Every decision the emulator makes where the documentation is silent or unreadable.
//! The list is declared once, in `models/library/assumptions.json`; `cargo run -p
//! timdesk-codegen` writes it here and into the README's "What the emulator assumes" table
//! (`cargo test -p timdesk-codegen` fails when either is stale), and `tests/assumptions.rs`
//! has one test per row, named after its id.

/// One decision: what the emulator does, what the docs say, and why.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Assumption {
    /// A short id; the test of this row is `assumption_{id}`.
    pub id: &'static str,
    /// What the emulator does.
    pub behaviour: &'static str,
    /// What the documentation says (or that it says nothing).
    pub docs: &'static str,
    /// Why this choice.
    pub why: &'static str,
}

// The list is declared in `models/library/assumptions.json` and generated into
// `assumptions/table.rs` by `cargo run -p timdesk-codegen`.
mod table;

pub use table::ASSUMPTIONS;
