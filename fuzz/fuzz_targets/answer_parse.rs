//! Any bytes as a server answer (with any status): parsed into JSON or an error, never a
//! panic; CDR pages built from whatever JSON comes back never panic either.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let (status, body) = match data.split_first() {
        Some((s, rest)) => (if *s < 200 { 200 } else { u16::from(*s) * 2 }, rest),
        None => (200, data),
    };
    if let Ok(answer) = timdesk::fuzzing::parse_answer(status, "application/json", body) {
        if let Some(list) = answer.get("IMCdrList").and_then(|l| l.as_array()) {
            for record in list {
                let r = timdesk::api::CdrRecord::from_json(record);
                let _ = r.to_json();
            }
        }
    }
});
