use super::*;
use proptest::prelude::*;

const APP: u64 = 1_400_000_000;
const KEY: &str = "5bd2850fff3ecb11d7c805251c51ee463a25727bddc2385f3fa8bfee1bb93b5e";
const T0: u64 = 1_700_000_000;

fn signer() -> Signer {
    Signer::new(APP, KEY)
}

/// Builds a UserSig around an arbitrary document, as a forger or a buggy issuer would.
fn envelope(document: &[u8]) -> String {
    let mut compressed = Vec::new();
    deflate::zlib_compress(document, &[], &mut compressed);
    codec::encode_base64_variant(&compressed)
}

#[test]
fn generated_usersig_verifies_and_decodes_to_its_fields() {
    let sig = signer().generate_at("administrator", 86_400, None, T0);
    let doc = signer().verify_at(&sig, "administrator", T0 + 10).unwrap();
    assert_eq!(doc.version, "2.0");
    assert_eq!(doc.identifier, "administrator");
    assert_eq!(doc.sdkappid, APP);
    assert_eq!(doc.time, T0);
    assert_eq!(doc.expire, 86_400);
    assert_eq!(doc.userbuf, None);
    assert_eq!(doc.expires_at(), T0 + 86_400);
    assert_eq!(decode(&sig).unwrap(), doc);
}

#[test]
fn userbuf_of_binary_bytes_round_trips() {
    let userbuf = [0u8, 255, 10, 34, 92, 128, 1];
    let sig = signer().generate_at("u", 60, Some(&userbuf), T0);
    let doc = signer().verify_at(&sig, "u", T0).unwrap();
    assert_eq!(doc.userbuf.as_deref(), Some(&userbuf[..]));
}

#[test]
fn identifiers_with_quotes_backslashes_controls_and_non_ascii_round_trip() {
    for id in ["客服 \"小王\"", "a\\b\n\t\u{1}", "émoji 🎧", ""] {
        let sig = signer().generate_at(id, 60, None, T0);
        assert_eq!(signer().verify_at(&sig, id, T0).unwrap().identifier, id);
    }
}

#[test]
fn usersig_uses_only_the_variant_alphabet() {
    for n in 0..40 {
        let sig = signer().generate_at(&"x".repeat(n), 60, None, T0);
        assert!(
            sig.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"*-_".contains(&b)),
            "{sig}"
        );
    }
}

#[test]
fn unpadded_usersig_is_accepted() {
    let padded = (0..8)
        .map(|n| signer().generate_at(&"y".repeat(n), 60, None, T0))
        .find(|s| s.ends_with('_'))
        .expect("one of eight lengths needs padding");
    let unpadded = padded.trim_end_matches('_');
    assert!(
        signer()
            .verify_at(unpadded, &decode(&padded).unwrap().identifier, T0)
            .is_ok()
    );
}

#[test]
fn expiry_follows_the_official_rule() {
    let sig = signer().generate_at("u", 100, None, T0);
    assert!(
        signer().verify_at(&sig, "u", T0 + 100).is_ok(),
        "valid at time + expire"
    );
    assert_eq!(
        signer().verify_at(&sig, "u", T0 + 101).unwrap_err(),
        UserSigError::Expired {
            expired_at: T0 + 100,
            now: T0 + 101
        }
    );
}

#[test]
fn each_refusal_has_its_own_reason() {
    let good = signer().generate_at("u", 100, None, T0);
    let cases: Vec<(String, &str, UserSigError)> = vec![
        ("!!!".into(), "u", UserSigError::NotBase64),
        ("".into(), "u", UserSigError::NotBase64),
        ("QUJD".into(), "u", UserSigError::NotZlib),
        (envelope(b"[1,2]"), "u", UserSigError::NotJson),
        (envelope(b"{\"TLS.ver\""), "u", UserSigError::NotJson),
        (
            envelope(br#"{"TLS.ver":"2.0","TLS.identifier":"u","TLS.sdkappid":1,"TLS.expire":1,"TLS.sig":"x"}"#),
            "u",
            UserSigError::MissingField("TLS.time"),
        ),
        (
            envelope(br#"{"TLS.ver":"2.0","TLS.identifier":"u","TLS.sdkappid":1,"TLS.expire":1,"TLS.time":"1","TLS.sig":"x"}"#),
            "u",
            UserSigError::IllTypedField { field: "TLS.time", expected: "a non-negative integer" },
        ),
        (
            envelope(br#"{"TLS.ver":"2.0","TLS.identifier":7,"TLS.sdkappid":1,"TLS.expire":1,"TLS.time":1,"TLS.sig":"x"}"#),
            "u",
            UserSigError::IllTypedField { field: "TLS.identifier", expected: "a string" },
        ),
        (
            Signer::new(APP + 1, KEY).generate_at("u", 100, None, T0),
            "u",
            UserSigError::SdkAppIdMismatch { expected: APP, actual: APP + 1 },
        ),
        (
            good.clone(),
            "v",
            UserSigError::IdentifierMismatch { expected: "v".into(), actual: "u".into() },
        ),
        (Signer::new(APP, "other key").generate_at("u", 100, None, T0), "u", UserSigError::BadSignature),
    ];
    for (usersig, identifier, expected) in cases {
        assert_eq!(
            signer().verify_at(&usersig, identifier, T0).unwrap_err(),
            expected,
            "{usersig}"
        );
    }
}

#[test]
fn a_tampered_field_breaks_the_signature() {
    let doc = decode(&signer().generate_at("u", 100, None, T0)).unwrap();
    let forged = format!(
        r#"{{"TLS.ver":"2.0","TLS.identifier":"u","TLS.sdkappid":{APP},"TLS.expire":999999,"TLS.time":{T0},"TLS.sig":"{}"}}"#,
        doc.sig()
    );
    assert_eq!(
        signer()
            .verify_at(&envelope(forged.as_bytes()), "u", T0)
            .unwrap_err(),
        UserSigError::BadSignature
    );
}

#[test]
fn a_zip_bomb_is_refused_without_inflating_it_all() {
    let bomb = envelope(&vec![b' '; MAX_DOCUMENT_BYTES * 4]);
    assert_eq!(decode(&bomb).unwrap_err(), UserSigError::TooLarge);
}

#[test]
fn debug_output_shows_no_secret() {
    let sig = signer().generate_at("u", 100, None, T0);
    let doc = decode(&sig).unwrap();
    let printed = format!("{:?} {:?}", signer(), doc);
    assert!(!printed.contains(KEY));
    assert!(!printed.contains(doc.sig()));
    assert!(printed.contains("<redacted>"));
}

proptest! {
    #[test]
    fn decoding_any_text_never_panics(text in ".{0,600}") {
        let _ = decode(&text);
        let _ = signer().verify_at(&text, "u", T0);
    }

    #[test]
    fn decoding_any_variant_base64_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..600)) {
        let text = codec::encode_base64_variant(&bytes);
        prop_assert!(decode(&text).is_err());
    }

    #[test]
    fn any_document_in_a_valid_envelope_never_panics(doc in "\\{(\"TLS\\.[a-z]{2,10}\":(\"[a-zA-Z0-9+/=]{0,8}\"|-?[0-9]{1,22}|null|\\[\\]),?){0,8}\\}") {
        let _ = signer().verify_at(&envelope(doc.as_bytes()), "u", T0);
    }

    #[test]
    fn generate_then_verify_round_trips(
        id in "\\PC{0,40}",
        expire in 0u64..=u32::MAX as u64,
        time in 0u64..=4_000_000_000,
        userbuf in proptest::option::of(proptest::collection::vec(any::<u8>(), 0..64)),
    ) {
        let sig = signer().generate_at(&id, expire, userbuf.as_deref(), time);
        let doc = signer().verify_at(&sig, &id, time).unwrap();
        prop_assert_eq!(&doc.identifier, &id);
        prop_assert_eq!(doc.expire, expire);
        prop_assert_eq!(doc.time, time);
        prop_assert_eq!(doc.userbuf, userbuf);
        prop_assert_eq!(Signer::new(APP, "wrong").verify_at(&sig, &doc.identifier, time).unwrap_err(), UserSigError::BadSignature);
    }
}
