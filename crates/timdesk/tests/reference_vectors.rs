//! Compatibility with the official TLSSigAPIv2 implementation, through the vectors that
//! `scripts/gen_usersig_vectors.py` made with the PyPI package `tls-sig-api-v2`.
use timdesk::usersig::{Signer, UserSigError, decode};

struct Vector {
    sdkappid: u64,
    key: String,
    identifier: String,
    time: u64,
    expire: u64,
    userbuf: Option<Vec<u8>>,
    usersig: String,
}

fn vectors() -> Vec<Vector> {
    let text = include_str!("../../../tests/vectors/usersig_reference.json");
    let doc: serde_json::Value = serde_json::from_str(text).expect("vectors are JSON");
    let vectors: Vec<Vector> = doc["vectors"]
        .as_array()
        .expect("a vectors array")
        .iter()
        .map(|v| Vector {
            sdkappid: v["sdkappid"].as_u64().unwrap(),
            key: v["key"].as_str().unwrap().to_owned(),
            identifier: v["identifier"].as_str().unwrap().to_owned(),
            time: v["time"].as_u64().unwrap(),
            expire: v["expire"].as_u64().unwrap(),
            userbuf: v["userbuf_hex"].as_str().map(|hex| {
                (0..hex.len())
                    .step_by(2)
                    .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).unwrap())
                    .collect()
            }),
            usersig: v["usersig"].as_str().unwrap().to_owned(),
        })
        .collect();
    assert!(vectors.len() >= 100, "the vector file lost its vectors");
    vectors
}

#[test]
fn every_reference_usersig_verifies_with_its_fields() {
    for v in vectors() {
        let doc = Signer::new(v.sdkappid, &v.key)
            .verify_at(&v.usersig, &v.identifier, v.time)
            .unwrap_or_else(|e| panic!("{:?} did not verify: {e}", v.identifier));
        assert_eq!(doc.version, "2.0");
        assert_eq!(doc.identifier, v.identifier);
        assert_eq!(doc.sdkappid, v.sdkappid);
        assert_eq!(doc.time, v.time);
        assert_eq!(doc.expire, v.expire);
        assert_eq!(doc.userbuf, v.userbuf);
    }
}

#[test]
fn reference_usersigs_expire_by_the_reference_rule() {
    for v in vectors() {
        let signer = Signer::new(v.sdkappid, &v.key);
        let last_valid = v.time + v.expire;
        assert!(
            signer
                .verify_at(&v.usersig, &v.identifier, last_valid)
                .is_ok()
        );
        assert!(matches!(
            signer.verify_at(&v.usersig, &v.identifier, last_valid + 1),
            Err(UserSigError::Expired { .. })
        ));
    }
}

#[test]
fn reference_usersigs_fail_with_another_key() {
    for v in vectors() {
        let wrong = format!("{}x", v.key);
        assert_eq!(
            Signer::new(v.sdkappid, &wrong)
                .verify_at(&v.usersig, &v.identifier, v.time)
                .unwrap_err(),
            UserSigError::BadSignature
        );
    }
}

#[test]
fn ours_carry_the_same_fields_and_hmac_as_the_reference() {
    for v in vectors() {
        let ours = Signer::new(v.sdkappid, &v.key).generate_at(
            &v.identifier,
            v.expire,
            v.userbuf.as_deref(),
            v.time,
        );
        let (ours, theirs) = (decode(&ours).unwrap(), decode(&v.usersig).unwrap());
        assert_eq!(ours, theirs, "for {:?}", v.identifier);
        assert_eq!(ours.sig(), theirs.sig());
    }
}
