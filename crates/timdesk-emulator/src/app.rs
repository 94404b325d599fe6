//! The emulated application: its SDKAppID, secret key and administrator.

/// The emulated application: what a client needs to talk to the emulator.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppConfig {
    /// The SDKAppID it serves.
    pub sdkappid: u64,
    /// The secret key UserSigs must be signed with.
    pub secret_key: String,
    /// The administrator account REST calls must come from.
    pub admin: String,
}

impl Default for AppConfig {
    /// The built-in app: sdkappid 1400000000, key `timdesk-emulator-secret`, admin `administrator`.
    fn default() -> Self {
        Self {
            sdkappid: 1_400_000_000,
            secret_key: "timdesk-emulator-secret".into(),
            admin: "administrator".into(),
        }
    }
}
