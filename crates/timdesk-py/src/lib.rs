//! `timdesk._native`: the Rust core for Python. The public API is re-exported by the
//! `timdesk` package, which also defines the exceptions this module raises.

mod callbacks;
mod client;
mod convert;
mod elements;
mod elements_generated;
mod emulator;
mod errors;
mod generated;
mod pages;
mod runner;
mod stream;
mod types;

use pyo3::prelude::*;
use pyo3::types::PyBytes;
use timdesk::usersig::{self, DEFAULT_EXPIRE_SECS, Signer};

const _: () = assert!(
    DEFAULT_EXPIRE_SECS == 15_552_000,
    "the Python default of expire must follow the core"
);

use crate::convert::{bounded, timestamp};
use crate::errors::usersig_error;
use crate::types::UserSig;

/// A UserSig for `identifier`, valid `expire` seconds from `time` (an int or a datetime;
/// now by default), optionally carrying `userbuf`.
#[pyfunction]
#[pyo3(signature = (*, sdkappid, secret_key, identifier, expire=15_552_000, userbuf=None, time=None))]
fn gen_usersig(
    sdkappid: &Bound<'_, PyAny>,
    secret_key: &str,
    identifier: &str,
    expire: u64,
    userbuf: Option<&Bound<'_, PyBytes>>,
    time: Option<&Bound<'_, PyAny>>,
) -> PyResult<String> {
    let signer = Signer::new(bounded(sdkappid, "sdkappid", 0, u64::MAX)?, secret_key);
    let userbuf = userbuf.map(|b| b.as_bytes());
    Ok(match time {
        Some(t) if !t.is_none() => {
            signer.generate_at(identifier, expire, userbuf, timestamp(t, "time")?)
        }
        _ => signer.generate(identifier, expire, userbuf),
    })
}

/// Verifies `usersig` for `identifier` with the key, judging expiry at `at` (now by
/// default); returns the decoded UserSig or raises UserSigError with its `reason`.
#[pyfunction]
#[pyo3(signature = (usersig, *, sdkappid, secret_key, identifier, at=None))]
fn verify_usersig(
    usersig: &str,
    sdkappid: &Bound<'_, PyAny>,
    secret_key: &str,
    identifier: &str,
    at: Option<&Bound<'_, PyAny>>,
) -> PyResult<UserSig> {
    let signer = Signer::new(bounded(sdkappid, "sdkappid", 0, u64::MAX)?, secret_key);
    let result = match at {
        Some(t) if !t.is_none() => signer.verify_at(usersig, identifier, timestamp(t, "at")?),
        _ => signer.verify(usersig, identifier),
    };
    result.map(UserSig::from).map_err(|e| usersig_error(&e))
}

/// A signer keyed once for one application: `gen` and `verify` without passing the key
/// again, and without re-deriving its HMAC state per call. The key never shows in repr.
#[pyclass(name = "Signer", frozen, module = "timdesk._native")]
struct PySigner {
    inner: Signer,
}

#[pymethods]
impl PySigner {
    #[new]
    #[pyo3(signature = (*, sdkappid, secret_key))]
    fn new(sdkappid: &Bound<'_, PyAny>, secret_key: &str) -> PyResult<Self> {
        Ok(Self {
            inner: Signer::new(bounded(sdkappid, "sdkappid", 0, u64::MAX)?, secret_key),
        })
    }

    /// A UserSig for `identifier`, as gen_usersig; `expire` may be passed by position, as
    /// in the reference's `gen_sig(identifier, expire)`.
    #[pyo3(signature = (identifier, expire=15_552_000, *, userbuf=None, time=None))]
    fn r#gen(
        &self,
        identifier: &str,
        expire: u64,
        userbuf: Option<&Bound<'_, PyBytes>>,
        time: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<String> {
        let userbuf = userbuf.map(|b| b.as_bytes());
        Ok(match time {
            Some(t) if !t.is_none() => {
                self.inner
                    .generate_at(identifier, expire, userbuf, timestamp(t, "time")?)
            }
            _ => self.inner.generate(identifier, expire, userbuf),
        })
    }

    /// Verifies `usersig` for `identifier`, as verify_usersig.
    #[pyo3(signature = (usersig, identifier, *, at=None))]
    fn verify(
        &self,
        usersig: &str,
        identifier: &str,
        at: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<UserSig> {
        let result = match at {
            Some(t) if !t.is_none() => {
                self.inner
                    .verify_at(usersig, identifier, timestamp(t, "at")?)
            }
            _ => self.inner.verify(usersig, identifier),
        };
        result.map(UserSig::from).map_err(|e| usersig_error(&e))
    }

    /// The application.
    #[getter]
    fn sdkappid(&self) -> u64 {
        self.inner.sdkappid()
    }

    fn __repr__(&self) -> String {
        format!("Signer(sdkappid={})", self.inner.sdkappid())
    }
}

/// Decodes a UserSig without the key (no signature check).
#[pyfunction]
fn decode_usersig(usersig: &str) -> PyResult<UserSig> {
    usersig::decode(usersig)
        .map(UserSig::from)
        .map_err(|e| usersig_error(&e))
}

/// Runs the `timdesk` command line (`argv[0]` is the program name); returns the exit code.
#[pyfunction]
fn run_cli(py: Python<'_>, argv: Vec<String>) -> u8 {
    py.detach(|| {
        let (stdout, stderr) = (std::io::stdout(), std::io::stderr());
        timdesk_cli::run(argv, &mut stdout.lock(), &mut stderr.lock())
    })
}

#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    // The core's error kinds: timdesk.exceptions has one class per name (checked by a test).
    let kinds: Vec<&str> = timdesk::ErrorKind::ALL.iter().map(|k| k.name()).collect();
    m.add("ERROR_KINDS", kinds)?;
    // The core's client options: Client's keyword arguments are exactly these (tested).
    m.add("CLIENT_OPTIONS", timdesk::Config::OPTIONS.to_vec())?;
    m.add_class::<client::Client>()?;
    m.add_class::<pages::CdrIterator>()?;
    m.add_class::<pages::ChatMessageIterator>()?;
    m.add_class::<client::AsyncClient>()?;
    m.add_class::<PySigner>()?;
    m.add_class::<runner::Completions>()?;
    m.add_class::<pages::AsyncCdrIterator>()?;
    m.add_class::<pages::AsyncChatMessageIterator>()?;
    m.add_class::<stream::MsgStream>()?;
    m.add_class::<stream::AsyncMsgStream>()?;
    m.add_class::<types::Transfer>()?;
    m.add_class::<types::SentMsg>()?;
    m.add_class::<types::CdrPage>()?;
    m.add_class::<types::CdrRecord>()?;
    m.add_class::<types::UserSig>()?;
    elements_generated::register(m)?;
    generated::register(m)?;
    callbacks::register(m)?;
    m.add_class::<emulator::Emulator>()?;
    m.add_function(wrap_pyfunction!(gen_usersig, m)?)?;
    m.add_function(wrap_pyfunction!(verify_usersig, m)?)?;
    m.add_function(wrap_pyfunction!(decode_usersig, m)?)?;
    m.add_function(wrap_pyfunction!(run_cli, m)?)?;
    Ok(())
}
