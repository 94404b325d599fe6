//! Any text given as a UserSig: decode and verify must return, never panic, and a
//! verified UserSig must decode to the same fields.
#![no_main]
use libfuzzer_sys::fuzz_target;
use timdesk::usersig::{Signer, decode};

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let decoded = decode(&text);
    let signer = Signer::new(1_400_000_000, "fuzz-key");
    if let Ok(doc) = signer.verify_at(&text, "administrator", 1_700_000_000) {
        assert_eq!(decoded.as_ref().ok(), Some(&doc));
    }
    if let Ok(doc) = decoded {
        let _ = signer.verify_at(&text, &doc.identifier, doc.time);
    }
});
