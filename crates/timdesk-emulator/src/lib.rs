//! A faithful local stand-in for the Tencent Cloud Chat Desk server API.
//!
//! It serves every modelled endpoint (`timdesk::model::ENDPOINTS`; one without a
//! behaviour yet answers 60009) over HTTP/1.1 on 127.0.0.1, checks the query string and UserSig as the server does, checks
//! each body against its endpoint model with the documented codes, and keeps the state of
//! a small contact center (accounts, agents, sessions, messages with their MsgKeys and
//! roles, conversations, CDRs). A control API under `/__control/` (and in-process through
//! [`Control`]) seeds data, plays the user and the agent, reads what was delivered, moves
//! the clock and injects faults.
//!
//! ```
//! let emulator = timdesk_emulator::Emulator::start(Default::default()).unwrap();
//! println!("serving {} for sdkappid {}", emulator.base_url(), emulator.app().sdkappid);
//! // The server stops when `emulator` is dropped.
//! ```
//!
//! **Fork.** The emulator serves from the process that started it. A forked child's
//! clients reach it through the inherited listening socket (the parent accepts), its
//! control calls answer 409 and explain (use the control API over HTTP), and dropping the
//! `Emulator` in the child leaves the parent serving; nothing in a child waits on the
//! parent's threads.
//!
//! Beyond each endpoint's documented codes, the query string is checked with the common
//! codes (see the README's emulator section): an unknown `/v4/service/command` answers
//! 60009 and a request that is not a POST 60002.

mod answer;
mod app;
pub mod assumptions;
mod auth;
mod control;
mod endpoints;
mod faults;
mod notify;
pub mod seed;
mod server;
mod world;

pub use answer::{ApiError, MAX_ERROR_INFO_BYTES};
pub use app::AppConfig;
pub use control::Control;
pub use endpoints::Endpoint;
pub use faults::{Fault, FaultAction};
pub use seed::summary as seed_summary;
pub use world::{
    Agent, BOT_ACCOUNT, DEFAULT_PRIORITY, DedupWindow, MemberStatus, NO_AGENT_TIP, NewSession,
    OUT_OF_HOURS_PROMPT, WorkingHours, session_id_from,
};

use std::net::{IpAddr, Ipv4Addr, SocketAddr, TcpListener};

/// How to start an emulator.
#[derive(Clone)]
pub struct EmulatorConfig {
    /// The application it emulates.
    pub app: AppConfig,
    /// The address to listen on: 127.0.0.1 by default; 0.0.0.0 lets other containers in.
    pub host: IpAddr,
    /// The port; 0 (the default) picks a free one.
    pub port: u16,
    /// When set, the control API over HTTP (`/__control/`) requires
    /// `Authorization: Bearer <token>`; the in-process control handle does not.
    pub control_token: Option<String>,
}

impl Default for EmulatorConfig {
    fn default() -> Self {
        Self {
            app: AppConfig::default(),
            host: IpAddr::V4(Ipv4Addr::LOCALHOST),
            port: 0,
            control_token: None,
        }
    }
}

impl std::fmt::Debug for EmulatorConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EmulatorConfig")
            .field("app", &self.app)
            .field("host", &self.host)
            .field("port", &self.port)
            .field(
                "control_token",
                &self.control_token.as_ref().map(|_| "<redacted>"),
            )
            .finish()
    }
}

/// A running emulator. It serves from background threads until dropped.
pub struct Emulator {
    base_url: String,
    addr: SocketAddr,
    control: Control,
    runtime: Option<tokio::runtime::Runtime>,
}

impl std::fmt::Debug for Emulator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Emulator")
            .field("base_url", &self.base_url)
            .finish_non_exhaustive()
    }
}

impl Emulator {
    /// Binds the configured host and port (a free one for 0) and starts serving.
    pub fn start(config: EmulatorConfig) -> std::io::Result<Self> {
        let listener = TcpListener::bind((config.host, config.port))?;
        listener.set_nonblocking(true)?;
        let addr = listener.local_addr()?;
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name("timdesk-emulator")
            .enable_all()
            .build()?;
        let control = Control::new(config.app);
        let token = config.control_token;
        let listener = {
            let _guard = runtime.enter();
            tokio::net::TcpListener::from_std(listener)?
        };
        runtime.spawn(server::serve(listener, control.clone(), token));
        // A client in this host reaches an emulator listening on every address locally.
        let local = if addr.ip().is_unspecified() {
            SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), addr.port())
        } else {
            addr
        };
        Ok(Self {
            base_url: format!("http://{local}"),
            addr,
            control,
            runtime: Some(runtime),
        })
    }

    /// The base URL to give a client, e.g. `http://127.0.0.1:41234`.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// The address it listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The emulated application's credentials.
    pub fn app(&self) -> &AppConfig {
        self.control.app()
    }

    /// The control handle (also reachable over HTTP under `/__control/`).
    pub fn control(&self) -> &Control {
        &self.control
    }

    /// Blocks until SIGINT or SIGTERM (Ctrl-C on every platform), for `timdesk emulator`.
    pub fn wait_for_shutdown_signal(&self) -> std::io::Result<()> {
        let runtime = self.runtime.as_ref().expect("the runtime lives until drop");
        runtime.block_on(async {
            #[cfg(unix)]
            {
                let mut term =
                    tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())?;
                tokio::select! {
                    r = tokio::signal::ctrl_c() => r,
                    _ = term.recv() => Ok(()),
                }
            }
            #[cfg(not(unix))]
            tokio::signal::ctrl_c().await
        })
    }

    /// Stops serving and closes every connection (dropping does the same).
    pub fn stop(mut self) {
        self.shutdown();
    }

    fn shutdown(&mut self) {
        if let Some(runtime) = self.runtime.take() {
            if self.control.in_serving_process() {
                runtime.shutdown_background();
            } else {
                // A forked child: the serving threads are the parent's and were not copied;
                // shutting down would wait on them. The parent keeps serving.
                std::mem::forget(runtime);
            }
        }
    }
}

impl Drop for Emulator {
    fn drop(&mut self) {
        self.shutdown();
    }
}
