//! Gives the shared library its versioned SONAME: `libtimdesk.so.<major>` from 1.0, and
//! `libtimdesk.so.0.<minor>` before (a 0.x minor release may change the C ABI, see the
//! README's versioning policy), so programs linked against one ABI never load another.
fn main() {
    let major = std::env::var("CARGO_PKG_VERSION_MAJOR").unwrap_or_else(|_| "0".into());
    let minor = std::env::var("CARGO_PKG_VERSION_MINOR").unwrap_or_else(|_| "0".into());
    let abi = if major == "0" {
        format!("0.{minor}")
    } else {
        major
    };
    if std::env::var("CARGO_CFG_TARGET_OS").as_deref() == Ok("linux") {
        println!("cargo:rustc-cdylib-link-arg=-Wl,-soname,libtimdesk.so.{abi}");
    }
}
