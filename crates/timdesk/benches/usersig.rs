//! UserSig generation and verification, the hot path of a login server.
//! Run: `cargo bench -p timdesk --bench usersig` (or `scripts/bench-usersig` for the side
//! by side comparison with the reference Python package).
use divan::black_box;
use timdesk::usersig::{Signer, decode};

const KEY: &str = "5bd2850fff3ecb11d7c805251c51ee463a25727bddc2385f3fa8bfee1bb93b5e";
const T0: u64 = 1_700_000_000;

fn main() {
    divan::main();
}

#[divan::bench]
fn generate(bencher: divan::Bencher) {
    let signer = Signer::new(1_400_000_000, KEY);
    bencher.bench(|| signer.generate_at(black_box("user_000123"), 180 * 86_400, None, T0));
}

/// One `Signer` shared by every thread (the login server's shape): each thread's
/// figure is per UserSig, so equal figures at 1 and 2 threads mean throughput doubles.
#[divan::bench(threads = [1, 2])]
fn generate_shared_signer(bencher: divan::Bencher) {
    let signer = Signer::new(1_400_000_000, KEY);
    bencher.bench(|| signer.generate_at(black_box("user_000123"), 180 * 86_400, None, T0));
}

#[divan::bench]
fn generate_with_userbuf(bencher: divan::Bencher) {
    let signer = Signer::new(1_400_000_000, KEY);
    let userbuf = b"room:42;role:agent";
    bencher.bench(|| signer.generate_at(black_box("user_000123"), 180 * 86_400, Some(userbuf), T0));
}

#[divan::bench]
fn verify(bencher: divan::Bencher) {
    let signer = Signer::new(1_400_000_000, KEY);
    let sig = signer.generate_at("user_000123", 180 * 86_400, None, T0);
    bencher.bench(|| {
        signer
            .verify_at(black_box(&sig), "user_000123", T0 + 1)
            .is_ok()
    });
}

#[divan::bench]
fn decode_only(bencher: divan::Bencher) {
    let sig = Signer::new(1_400_000_000, KEY).generate_at("user_000123", 180 * 86_400, None, T0);
    bencher.bench(|| decode(black_box(&sig)).is_ok());
}

#[divan::bench]
fn new_signer(bencher: divan::Bencher) {
    bencher.bench(|| Signer::new(black_box(1_400_000_000), black_box(KEY)));
}
