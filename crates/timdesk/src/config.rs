//! [`Config`]: credentials, where to send requests, timeouts, retries, proxy and TLS.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use crate::error::{Error, Result};
use crate::region::Region;

/// Where requests go.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// A region host, over HTTPS with certificate verification.
    Region(Region),
    /// An explicit base URL (the emulator, a proxy, a gateway), e.g. `http://127.0.0.1:8080`.
    BaseUrl(String),
}

impl Target {
    /// The target a user chose with a region name or a base URL, at most one of them;
    /// `Ok(None)` when neither was given. `region_field` and `endpoint_field` name the two
    /// options in the caller's terms (e.g. `TIMDESK_REGION`, `region`).
    pub fn choose(
        region: Option<&str>,
        endpoint: Option<&str>,
        region_field: &str,
        endpoint_field: &str,
    ) -> Result<Option<Self>> {
        let region = region.filter(|v| !v.is_empty());
        let endpoint = endpoint.filter(|v| !v.is_empty());
        match (region, endpoint) {
            (Some(_), Some(_)) => Err(Error::invalid_argument(
                region_field,
                format!("give {region_field} or {endpoint_field}, not both"),
            )),
            (Some(region), None) => Ok(Some(Self::Region(region.parse()?))),
            (None, Some(url)) => Ok(Some(Self::BaseUrl(url.to_owned()))),
            (None, None) => Ok(None),
        }
    }

    /// The base URL, without a trailing slash.
    pub fn base_url(&self) -> String {
        match self {
            Self::Region(region) => region.base_url(),
            Self::BaseUrl(url) => url.trim_end_matches('/').to_owned(),
        }
    }
}

/// How failed requests are retried: exponential backoff with jitter, bounded in attempts
/// and in total time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Attempts in all, the first included (1 disables retries).
    pub max_attempts: u32,
    /// The delay before the first retry; it doubles each time.
    pub base_delay: Duration,
    /// The longest delay between two attempts.
    pub max_delay: Duration,
    /// No retry starts after this much time since the first attempt.
    pub max_elapsed: Duration,
}

impl Default for RetryPolicy {
    /// 4 attempts, 100 ms doubling up to 2 s, within 15 s.
    fn default() -> Self {
        Self {
            max_attempts: 4,
            base_delay: Duration::from_millis(100),
            max_delay: Duration::from_secs(2),
            max_elapsed: Duration::from_secs(15),
        }
    }
}

impl RetryPolicy {
    /// No retries at all.
    pub fn none() -> Self {
        Self {
            max_attempts: 1,
            ..Self::default()
        }
    }

    /// The delay before retry number `retry` (1 for the first), with `jitter` in [0, 1):
    /// half the exponential delay plus a random part of the other half.
    pub fn delay(&self, retry: u32, jitter: f64) -> Duration {
        let exponential = self
            .base_delay
            .saturating_mul(1u32 << retry.saturating_sub(1).min(20));
        let capped = exponential.min(self.max_delay);
        capped.mul_f64(0.5 + 0.5 * jitter.clamp(0.0, 1.0))
    }
}

/// What send_msg does after an attempt that may have reached the server and lost its
/// answer (a timeout after the request was written, a connection closed before the
/// answer, an HTTP 5xx page).
///
/// The server deduplicates MsgRandom only within the same second, so a repeat that lands
/// in a later second is stored, and shown to the user, a second time.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum SendMsgRetry {
    /// Never repeat such an attempt: the error says `maybe_applied` and names the
    /// MsgRandom used. No duplicate is possible. The default.
    #[default]
    AtMostOnce,
    /// Repeat it with the same MsgRandom. No message is lost to a lost answer, but a
    /// repeat in a later second than the lost attempt delivers the message twice.
    AtLeastOnce,
}

impl SendMsgRetry {
    /// Every choice, in declaration order.
    pub const ALL: [SendMsgRetry; 2] = [Self::AtMostOnce, Self::AtLeastOnce];

    /// The name used by every binding: `at_most_once` or `at_least_once`.
    pub fn name(self) -> &'static str {
        match self {
            Self::AtMostOnce => "at_most_once",
            Self::AtLeastOnce => "at_least_once",
        }
    }
}

impl std::str::FromStr for SendMsgRetry {
    type Err = Error;

    /// Parses `at_most_once` or `at_least_once` (`-` accepted for `_`).
    fn from_str(s: &str) -> Result<Self> {
        let key = s.trim().replace('-', "_").to_ascii_lowercase();
        Self::ALL
            .into_iter()
            .find(|choice| choice.name() == key)
            .ok_or_else(|| {
                Error::invalid_argument(
                    "send_msg_retry",
                    format!("{s:?} is not at_most_once or at_least_once"),
                )
            })
    }
}

/// Something the client did that an application may want to log.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Event {
    /// A request failed and is sent again after `delay`.
    Retry {
        /// `service/command`.
        path: String,
        /// The attempt that failed (1 for the first).
        attempt: u32,
        /// The wait before the next attempt.
        delay: Duration,
        /// Why it failed.
        error: Error,
    },
    /// The administrator UserSig was renewed (`reason`: `expiring` or `rejected`).
    UserSigRenewed {
        /// Why: `expiring` (well before expiry) or `rejected` (the server answered 70001).
        reason: &'static str,
    },
}

/// A callback receiving [`Event`]s; it must be quick and must not panic.
pub type EventHook = Arc<dyn Fn(&Event) + Send + Sync>;

/// Everything a [`crate::Client`] needs. `Debug` never shows the secret key.
#[derive(Clone)]
pub struct Config {
    /// The application's SDKAppID.
    pub sdkappid: u64,
    /// The application's secret key.
    pub secret_key: String,
    /// The app administrator account the requests are made as (default `administrator`).
    pub admin: String,
    /// Where requests go (default: the China region).
    pub target: Target,
    /// Where requests go when `target` cannot be reached (connection refused, DNS or TLS
    /// failure, before anything was sent). `None` uses the region's documented backup
    /// host for a region target, and nothing for a base URL.
    pub backup_base_url: Option<String>,
    /// Time allowed to make a connection, all of it: TCP, a proxy's tunnel and the TLS
    /// handshake (default 5 s). Running out of it is a failure that sent nothing.
    pub connect_timeout: Duration,
    /// Time allowed for one attempt, connection included (default 10 s).
    pub timeout: Duration,
    /// The retry policy.
    pub retry: RetryPolicy,
    /// Validity of the administrator UserSig the client makes (default 1 day); it is
    /// renewed at half of that.
    pub usersig_ttl: Duration,
    /// An `http://` proxy URL for every request: requests to https and http hosts alike
    /// pass through it by `CONNECT` tunnels, with the URL's user and password (if any) as
    /// Basic credentials. The standard proxy environment variables (`HTTPS_PROXY`,
    /// `HTTP_PROXY`, `ALL_PROXY`, `NO_PROXY`) apply when this is `None`.
    pub proxy: Option<String>,
    /// Extra trusted CA certificates (PEM, one or more), beyond the built-in Mozilla roots.
    pub ca_bundle: Option<Vec<u8>>,
    /// Receives retries and UserSig renewals, e.g. to log them.
    pub on_event: Option<EventHook>,
    /// A client-side limit on requests per second (attempts included), shared by every
    /// thread using the client: calls wait for their turn instead of meeting the
    /// server's rate limit. `None` (the default) does not limit.
    pub max_requests_per_second: Option<u32>,
    /// What send_msg does after a lost answer (default [`SendMsgRetry::AtMostOnce`]).
    pub send_msg_retry: SendMsgRetry,
}

impl Config {
    /// A configuration for `sdkappid` with its secret key, the default administrator and
    /// the China region.
    pub fn new(sdkappid: u64, secret_key: impl Into<String>) -> Self {
        Self {
            sdkappid,
            secret_key: secret_key.into(),
            admin: "administrator".into(),
            target: Target::Region(Region::China),
            backup_base_url: None,
            connect_timeout: Duration::from_secs(5),
            timeout: Duration::from_secs(10),
            retry: RetryPolicy::default(),
            usersig_ttl: Duration::from_secs(86_400),
            proxy: None,
            ca_bundle: None,
            on_event: None,
            max_requests_per_second: None,
            send_msg_retry: SendMsgRetry::AtMostOnce,
        }
    }

    /// From the environment: TIMDESK_SDKAPPID and TIMDESK_SECRET_KEY (required),
    /// TIMDESK_ADMIN, TIMDESK_REGION or TIMDESK_ENDPOINT (not both), and
    /// TIMDESK_SEND_MSG_RETRY (`at_most_once` or `at_least_once`).
    pub fn from_env() -> Result<Self> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// Like [`Config::from_env`], reading variables through `lookup`.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self> {
        let required = |name: &str| {
            lookup(name)
                .filter(|v| !v.is_empty())
                .ok_or_else(|| Error::invalid_argument(name, "the environment variable is not set"))
        };
        let sdkappid = required("TIMDESK_SDKAPPID")?;
        let sdkappid = sdkappid.trim().parse().map_err(|_| {
            Error::invalid_argument("TIMDESK_SDKAPPID", "must be a non-negative integer")
        })?;
        let mut config = Self::new(sdkappid, required("TIMDESK_SECRET_KEY")?);
        if let Some(admin) = lookup("TIMDESK_ADMIN").filter(|v| !v.is_empty()) {
            config.admin = admin;
        }
        if let Some(target) = Target::choose(
            lookup("TIMDESK_REGION").as_deref(),
            lookup("TIMDESK_ENDPOINT").as_deref(),
            "TIMDESK_REGION",
            "TIMDESK_ENDPOINT",
        )? {
            config.target = target;
        }
        if let Some(choice) = lookup("TIMDESK_SEND_MSG_RETRY").filter(|v| !v.is_empty()) {
            config.send_msg_retry = choice.parse()?;
        }
        Ok(config)
    }

    /// Sends requests to `region`.
    pub fn region(mut self, region: Region) -> Self {
        self.target = Target::Region(region);
        self
    }

    /// Sends requests to `base_url` (the emulator, a proxy, a gateway).
    pub fn base_url(mut self, base_url: impl Into<String>) -> Self {
        self.target = Target::BaseUrl(base_url.into());
        self
    }

    /// Makes requests as `admin`.
    pub fn admin(mut self, admin: impl Into<String>) -> Self {
        self.admin = admin.into();
        self
    }

    /// Sets the time allowed for one attempt.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Sets the retry policy.
    pub fn retry(mut self, retry: RetryPolicy) -> Self {
        self.retry = retry;
        self
    }

    /// Sets what send_msg does after a lost answer.
    pub fn send_msg_retry(mut self, choice: SendMsgRetry) -> Self {
        self.send_msg_retry = choice;
        self
    }

    /// The base URLs requests may go to: the target first, then the backup.
    pub fn base_urls(&self) -> Vec<String> {
        let backup = match (&self.backup_base_url, &self.target) {
            (Some(url), _) => Some(url.trim_end_matches('/').to_owned()),
            (None, Target::Region(region)) => Some(region.backup_base_url()),
            (None, Target::BaseUrl(_)) => None,
        };
        std::iter::once(self.target.base_url())
            .chain(backup)
            .collect()
    }

    /// The longest a call may take in all, whatever happens: every attempt at its full
    /// timeout with the longest backoff between them, capped by the retry policy's
    /// elapsed-time limit plus one attempt, and a second of slack.
    pub fn call_budget(&self) -> Duration {
        let attempts = self.retry.max_attempts.max(1);
        let by_attempts = (self.timeout + self.retry.max_delay) * attempts;
        let by_elapsed = self.retry.max_elapsed + self.timeout;
        by_attempts.min(by_elapsed) + Duration::from_secs(1)
    }

    /// Every client option, as each binding names it (snake_case; the C and Go fields
    /// add their units, e.g. `timeout_ms`). Each binding is tested against this list.
    pub const OPTIONS: [&'static str; 16] = [
        "sdkappid",
        "secret_key",
        "admin",
        "region",
        "endpoint",
        "timeout",
        "connect_timeout",
        "max_attempts",
        "retry_base_delay",
        "retry_max_delay",
        "retry_max_elapsed",
        "usersig_ttl",
        "proxy",
        "ca_bundle",
        "max_requests_per_second",
        "send_msg_retry",
    ];

    /// The effective value of every option in [`Config::OPTIONS`] (durations in seconds),
    /// secrets and certificates redacted: what a binding really passed to the core.
    pub fn options(&self) -> serde_json::Map<String, serde_json::Value> {
        use serde_json::json;
        let (region, endpoint) = match &self.target {
            Target::Region(r) => (json!(r.name()), serde_json::Value::Null),
            Target::BaseUrl(url) => (serde_json::Value::Null, json!(url)),
        };
        let values = [
            json!(self.sdkappid),
            json!("<redacted>"),
            json!(self.admin),
            region,
            endpoint,
            json!(self.timeout.as_secs_f64()),
            json!(self.connect_timeout.as_secs_f64()),
            json!(self.retry.max_attempts),
            json!(self.retry.base_delay.as_secs_f64()),
            json!(self.retry.max_delay.as_secs_f64()),
            json!(self.retry.max_elapsed.as_secs_f64()),
            json!(self.usersig_ttl.as_secs()),
            json!(self.proxy.as_ref().map(|_| "<set>")),
            json!(
                self.ca_bundle
                    .as_ref()
                    .map(|pem| format!("<{} bytes>", pem.len()))
            ),
            json!(self.max_requests_per_second),
            json!(self.send_msg_retry.name()),
        ];
        Self::OPTIONS
            .iter()
            .zip(values)
            .map(|(name, value)| ((*name).to_owned(), value))
            .collect()
    }

    /// Checks the configuration; [`crate::Client::new`] calls it.
    pub fn validate(&self) -> Result<()> {
        if self.secret_key.is_empty() {
            return Err(Error::invalid_argument("secret_key", "must not be empty"));
        }
        if self.admin.is_empty() {
            return Err(Error::invalid_argument("admin", "must not be empty"));
        }
        let urls = [
            ("endpoint", self.target_url()),
            ("backup_base_url", self.backup_base_url.as_deref()),
        ];
        for (field, url) in urls {
            if let Some(url) = url {
                if !(url.starts_with("http://") || url.starts_with("https://")) {
                    return Err(Error::invalid_argument(
                        field,
                        format!("{url:?} must start with http:// or https://"),
                    ));
                }
                if let Err(e) = url::Url::parse(url) {
                    return Err(Error::invalid_argument(
                        field,
                        format!("{url:?} is not a URL: {e}"),
                    ));
                }
            }
        }
        if self.retry.max_attempts == 0 {
            return Err(Error::invalid_argument(
                "retry.max_attempts",
                "must be at least 1",
            ));
        }
        if self.timeout.is_zero() || self.connect_timeout.is_zero() {
            return Err(Error::invalid_argument(
                "timeout",
                "must be greater than zero",
            ));
        }
        if self.max_requests_per_second == Some(0) {
            return Err(Error::invalid_argument(
                "max_requests_per_second",
                "must be at least 1 when set",
            ));
        }
        if self.usersig_ttl < Duration::from_secs(60) {
            return Err(Error::invalid_argument(
                "usersig_ttl",
                "must be at least 60 seconds",
            ));
        }
        if let Some(proxy) = &self.proxy {
            check_proxy(proxy).map_err(|rule| Error::invalid_argument("proxy", rule))?;
        }
        Ok(())
    }
}

/// Why `proxy` cannot be used, if it cannot: it must be an `http://` URL with a host,
/// through which requests go by `CONNECT` tunnels.
fn check_proxy(proxy: &str) -> std::result::Result<(), String> {
    let url = url::Url::parse(proxy).map_err(|e| format!("{proxy:?} is not a URL: {e}"))?;
    if url.scheme() != "http" {
        return Err(format!(
            "{:?} must be an http:// proxy URL (requests pass through it by CONNECT)",
            url.scheme()
        ));
    }
    if url.host().is_none() {
        return Err("must name the proxy's host".into());
    }
    Ok(())
}

impl Config {
    fn target_url(&self) -> Option<&str> {
        match &self.target {
            Target::BaseUrl(url) => Some(url),
            Target::Region(_) => None,
        }
    }
}

impl fmt::Debug for Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Config")
            .field("sdkappid", &self.sdkappid)
            .field("secret_key", &"<redacted>")
            .field("admin", &self.admin)
            .field("target", &self.target)
            .field("backup_base_url", &self.backup_base_url)
            .field("connect_timeout", &self.connect_timeout)
            .field("timeout", &self.timeout)
            .field("retry", &self.retry)
            .field("usersig_ttl", &self.usersig_ttl)
            .field("proxy", &self.proxy.as_ref().map(|_| "<set>"))
            .field("ca_bundle", &self.ca_bundle.as_ref().map(|pem| pem.len()))
            .field("max_requests_per_second", &self.max_requests_per_second)
            .field("send_msg_retry", &self.send_msg_retry)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn env(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        move |name| map.get(name).cloned()
    }

    #[test]
    fn from_env_reads_credentials_and_target() {
        let c = Config::from_lookup(env(&[
            ("TIMDESK_SDKAPPID", "1400000000"),
            ("TIMDESK_SECRET_KEY", "k"),
            ("TIMDESK_ADMIN", "boss"),
            ("TIMDESK_REGION", "jakarta"),
        ]))
        .unwrap();
        assert_eq!(
            (c.sdkappid, c.admin.as_str(), c.target.clone()),
            (1_400_000_000, "boss", Target::Region(Region::Jakarta))
        );
        let c = Config::from_lookup(env(&[
            ("TIMDESK_SDKAPPID", "1"),
            ("TIMDESK_SECRET_KEY", "k"),
            ("TIMDESK_ENDPOINT", "http://127.0.0.1:9/"),
        ]))
        .unwrap();
        assert_eq!(c.target.base_url(), "http://127.0.0.1:9");
        assert_eq!(c.admin, "administrator");
    }

    #[test]
    fn from_env_names_what_is_wrong() {
        for (pairs, needle) in [
            (vec![("TIMDESK_SECRET_KEY", "k")], "TIMDESK_SDKAPPID"),
            (
                vec![("TIMDESK_SDKAPPID", "x1"), ("TIMDESK_SECRET_KEY", "k")],
                "TIMDESK_SDKAPPID",
            ),
            (vec![("TIMDESK_SDKAPPID", "1")], "TIMDESK_SECRET_KEY"),
            (
                vec![
                    ("TIMDESK_SDKAPPID", "1"),
                    ("TIMDESK_SECRET_KEY", "k"),
                    ("TIMDESK_REGION", "moon"),
                ],
                "region",
            ),
            (
                vec![
                    ("TIMDESK_SDKAPPID", "1"),
                    ("TIMDESK_SECRET_KEY", "k"),
                    ("TIMDESK_REGION", "cn"),
                    ("TIMDESK_ENDPOINT", "http://x"),
                ],
                "not both",
            ),
        ] {
            let err = Config::from_lookup(env(&pairs)).unwrap_err();
            assert_eq!(err.kind(), crate::ErrorKind::InvalidArgument);
            assert!(err.to_string().contains(needle), "{err} lacks {needle}");
        }
    }

    #[test]
    fn send_msg_retry_defaults_to_at_most_once_and_parses_every_name() {
        assert_eq!(Config::new(1, "k").send_msg_retry, SendMsgRetry::AtMostOnce);
        for choice in SendMsgRetry::ALL {
            assert_eq!(choice.name().parse::<SendMsgRetry>().unwrap(), choice);
        }
        assert_eq!(
            "at-least-once".parse::<SendMsgRetry>().unwrap(),
            SendMsgRetry::AtLeastOnce
        );
        let err = "twice".parse::<SendMsgRetry>().unwrap_err();
        assert!(err.to_string().contains("send_msg_retry"), "{err}");
        let c = Config::from_lookup(env(&[
            ("TIMDESK_SDKAPPID", "1"),
            ("TIMDESK_SECRET_KEY", "k"),
            ("TIMDESK_SEND_MSG_RETRY", "at_least_once"),
        ]))
        .unwrap();
        assert_eq!(c.send_msg_retry, SendMsgRetry::AtLeastOnce);
    }

    #[test]
    fn a_region_fails_over_to_its_documented_backup_host() {
        let c = Config::new(1, "k").region(Region::Mumbai);
        assert_eq!(
            c.base_urls(),
            [
                "https://adminapiind.im.qcloud.com",
                "https://adminapiind.my-imcloud.com"
            ]
        );
        let c = Config::new(1, "k").base_url("http://127.0.0.1:9/");
        assert_eq!(c.base_urls(), ["http://127.0.0.1:9"]);
        let mut c = c;
        c.backup_base_url = Some("http://127.0.0.1:10/".into());
        assert_eq!(c.base_urls(), ["http://127.0.0.1:9", "http://127.0.0.1:10"]);
    }

    #[test]
    fn the_call_budget_bounds_every_attempt_and_backoff() {
        let c = Config::new(1, "k");
        // 4 × (10 s + 2 s) = 48 s, capped by 15 s + 10 s, plus 1 s.
        assert_eq!(c.call_budget(), Duration::from_secs(26));
        let c = Config::new(1, "k")
            .timeout(Duration::from_millis(200))
            .retry(RetryPolicy::none());
        assert_eq!(c.call_budget(), Duration::from_millis(3200));
    }

    #[test]
    fn options_list_every_option_once_and_hide_the_key() {
        let options = Config::new(7, "super-secret-key").options();
        let names: Vec<&str> = options.keys().map(String::as_str).collect();
        let mut expected = Config::OPTIONS.to_vec();
        expected.sort_unstable();
        let mut sorted = names.clone();
        sorted.sort_unstable();
        assert_eq!(sorted, expected);
        assert!(
            !serde_json::to_string(&options)
                .unwrap()
                .contains("super-secret-key")
        );
        assert_eq!(options["timeout"], 10.0);
        assert_eq!(options["region"], "china");
    }

    #[test]
    fn debug_hides_the_key() {
        let printed = format!("{:?}", Config::new(1, "super-secret-key"));
        assert!(!printed.contains("super-secret-key") && printed.contains("<redacted>"));
    }

    #[test]
    fn backoff_doubles_up_to_the_cap_with_jitter_in_the_upper_half() {
        let p = RetryPolicy {
            base_delay: Duration::from_millis(100),
            max_delay: Duration::from_millis(500),
            ..RetryPolicy::default()
        };
        assert_eq!(p.delay(1, 1.0), Duration::from_millis(100));
        assert_eq!(p.delay(2, 1.0), Duration::from_millis(200));
        assert_eq!(p.delay(3, 0.0), Duration::from_millis(200));
        assert_eq!(p.delay(10, 1.0), Duration::from_millis(500));
        assert_eq!(p.delay(40, 0.0), Duration::from_millis(250));
    }
}
