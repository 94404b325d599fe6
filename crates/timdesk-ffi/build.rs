//! Gives the shared library its versioned SONAME, so that programs linked against
//! libtimdesk.so.0 keep working across compatible releases.
fn main() {
    let major = std::env::var("CARGO_PKG_VERSION_MAJOR").unwrap_or_else(|_| "0".into());
    if std::env::var("CARGO_CFG_TARGET_OS").as_deref() == Ok("linux") {
        println!("cargo:rustc-cdylib-link-arg=-Wl,-soname,libtimdesk.so.{major}");
    }
}
