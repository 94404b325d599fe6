//! The server's error codes: one table, used by the client to classify answers and by the
//! emulator to answer with the documented text.
//!
//! It holds every code of the Desk and recentcontact API documents and the official common
//! REST codes (60000–79999). A code not in the table keeps its number with
//! [`ErrorKind::Unknown`].

use std::fmt;

/// The kinds are declared once, with their statuses in every binding, in
/// `models/library/error_kinds.json` (see `docs/errors.md`).
pub use crate::error_kind::ErrorKind;

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// One row of the table: a server code, what it means, whether retrying may help, and
/// the page that documents it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CodeInfo {
    /// The server's ErrorCode.
    pub code: u32,
    /// Its kind.
    pub kind: ErrorKind,
    /// Whether the same request may succeed when sent again later.
    pub retryable: bool,
    /// The documented meaning.
    pub description: &'static str,
    /// Where it is documented (see [`DOC_PAGES`] for the addresses).
    pub doc: &'static str,
}

// The table is declared in `models/library/codes.json` (each code with the page that
// documents it) and generated into `codes/table.rs` by `cargo run -p timdesk-codegen`.
mod table;

pub use table::{DOC_PAGES, TABLE};

/// The table row of `code`, if the code is documented.
pub fn lookup(code: u32) -> Option<&'static CodeInfo> {
    TABLE
        .binary_search_by_key(&code, |info| info.code)
        .ok()
        .map(|i| &TABLE[i])
}

/// The kind of `code` ([`ErrorKind::Unknown`] for an undocumented one).
pub fn kind_of(code: u32) -> ErrorKind {
    lookup(code).map_or(ErrorKind::Unknown, |info| info.kind)
}

/// Whether retrying a request answered with `code` may help (false for unknown codes).
pub fn is_retryable(code: u32) -> bool {
    lookup(code).is_some_and(|info| info.retryable)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_is_sorted_and_unique_so_lookup_finds_every_row() {
        assert!(TABLE.windows(2).all(|w| w[0].code < w[1].code));
        for info in TABLE {
            assert_eq!(lookup(info.code), Some(info));
        }
    }

    #[test]
    fn every_code_of_the_api_docs_is_classified_and_cites_its_page() {
        let documented = [
            50001, 50002, 50003, 50004, 50005, 70002, 70169, 70398, 70402, 70403, 70500, 90001,
            90002, 90005, 90007, 90009, 90010, 93000, 141000, 141001, 141002, 141003, 141004,
            141005, 141006, 141007, 141008, 141009, 141010, 141011, 141012, 141013, 141014, 141015,
            141016, 141017, 141027,
        ];
        for code in documented {
            assert!(lookup(code).is_some(), "{code} missing");
        }
        for info in TABLE {
            assert!(
                DOC_PAGES.iter().any(|(name, _)| *name == info.doc),
                "{} cites {:?}, which DOC_PAGES lacks",
                info.code,
                info.doc
            );
        }
    }

    #[test]
    fn kind_names_are_unique_and_every_kind_is_listed() {
        let mut names: Vec<&str> = ErrorKind::ALL.iter().map(|k| k.name()).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), ErrorKind::ALL.len());
        for info in TABLE {
            assert!(ErrorKind::ALL.contains(&info.kind));
        }
    }

    #[test]
    fn kinds_callers_branch_on() {
        assert_eq!(kind_of(141001), ErrorKind::NoAgentOnline);
        assert_eq!(kind_of(141003), ErrorKind::NotTransferable);
        assert_eq!(kind_of(141005), ErrorKind::NotFound);
        assert_eq!(kind_of(70001), ErrorKind::Auth);
        assert_eq!(kind_of(141009), ErrorKind::RateLimited);
        assert_eq!(kind_of(123456), ErrorKind::Unknown);
        assert_eq!(kind_of(60009), ErrorKind::Configuration);
        assert_eq!(kind_of(141012), ErrorKind::AgentBusy);
        assert!(is_retryable(70169) && is_retryable(70500));
        assert!(is_retryable(141002) && is_retryable(141009) && is_retryable(60007));
        assert!(!is_retryable(141004) && !is_retryable(123456) && !is_retryable(70001));
    }
}
