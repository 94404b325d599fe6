//! Results and message elements as small frozen Python classes.

use pyo3::prelude::*;
use pyo3::types::PyBytes;
use timdesk::api;

/// The outcome of transfer_to_human.
#[pyclass(frozen, eq, get_all, module = "timdesk._native")]
#[derive(Clone, PartialEq, Eq)]
pub struct Transfer {
    /// The assigned agent ("" while queued).
    pub agent_id: String,
    /// Whether the session waits in the queue.
    pub in_queue: bool,
}

#[pymethods]
impl Transfer {
    fn __repr__(&self) -> String {
        format!(
            "Transfer(agent_id={:?}, in_queue={})",
            self.agent_id,
            py_bool(self.in_queue)
        )
    }
}

/// A message the server accepted.
#[pyclass(frozen, eq, get_all, module = "timdesk._native")]
#[derive(Clone, PartialEq, Eq)]
pub struct SentMsg {
    /// The MsgRandom it carried.
    pub msg_random: u32,
}

#[pymethods]
impl SentMsg {
    fn __repr__(&self) -> String {
        format!("SentMsg(msg_random={})", self.msg_random)
    }
}

/// A CDR (session service record).
#[pyclass(frozen, eq, get_all, module = "timdesk._native")]
#[derive(Clone, PartialEq, Eq)]
pub struct CdrRecord {
    /// SessionId.
    pub session_id: String,
    /// AgentGroupId.
    pub agent_group_id: String,
    /// AgentGroupName.
    pub agent_group_name: String,
    /// AgentId.
    pub agent_id: String,
    /// ChannelType (SDK or Web).
    pub channel_type: String,
    /// ClientUserId.
    pub client_user_id: String,
    /// ClientUserNickName.
    pub client_user_nickname: String,
    /// Duration in seconds.
    pub duration: u64,
    /// EndStatus, e.g. "AgentEndedSession".
    pub end_status: String,
    /// SatisfactionSelected (1-5, 0 for none).
    pub satisfaction_selected: u64,
    /// Timestamp (Unix seconds).
    pub timestamp: u64,
}

impl From<api::CdrRecord> for CdrRecord {
    fn from(r: api::CdrRecord) -> Self {
        Self {
            end_status: r.end_status.as_str().to_owned(),
            session_id: r.session_id,
            agent_group_id: r.agent_group_id,
            agent_group_name: r.agent_group_name,
            agent_id: r.agent_id,
            channel_type: r.channel_type,
            client_user_id: r.client_user_id,
            client_user_nickname: r.client_user_nickname,
            duration: r.duration,
            satisfaction_selected: r.satisfaction_selected,
            timestamp: r.timestamp,
        }
    }
}

#[pymethods]
impl CdrRecord {
    fn __repr__(&self) -> String {
        format!(
            "CdrRecord(session_id={:?}, client_user_id={:?}, agent_id={:?}, end_status={:?}, duration={}, timestamp={})",
            self.session_id,
            self.client_user_id,
            self.agent_id,
            self.end_status,
            self.duration,
            self.timestamp
        )
    }
}

/// One page of describe_im_cdr_list.
#[pyclass(frozen, eq, get_all, module = "timdesk._native")]
#[derive(Clone, PartialEq, Eq)]
pub struct CdrPage {
    /// Records matching the query over all pages.
    pub total_count: u64,
    /// This page's records.
    pub records: Vec<CdrRecord>,
}

#[pymethods]
impl CdrPage {
    fn __repr__(&self) -> String {
        format!(
            "CdrPage(total_count={}, records=[{} records])",
            self.total_count,
            self.records.len()
        )
    }

    fn __len__(&self) -> usize {
        self.records.len()
    }
}

/// A decoded UserSig. Its repr leaves out the signature.
#[pyclass(frozen, eq, module = "timdesk._native")]
#[derive(Clone, PartialEq, Eq)]
pub struct UserSig {
    /// TLS.ver ("2.0").
    #[pyo3(get)]
    pub version: String,
    /// TLS.identifier.
    #[pyo3(get)]
    pub identifier: String,
    /// TLS.sdkappid.
    #[pyo3(get)]
    pub sdkappid: u64,
    /// TLS.time: issue time (Unix seconds).
    #[pyo3(get)]
    pub time: u64,
    /// TLS.expire: validity in seconds.
    #[pyo3(get)]
    pub expire: u64,
    /// time + expire.
    #[pyo3(get)]
    pub expires_at: u64,
    /// TLS.userbuf, decoded, or None.
    pub userbuf: Option<Vec<u8>>,
}

impl From<timdesk::usersig::UserSig> for UserSig {
    fn from(d: timdesk::usersig::UserSig) -> Self {
        Self {
            expires_at: d.expires_at(),
            version: d.version,
            identifier: d.identifier,
            sdkappid: d.sdkappid,
            time: d.time,
            expire: d.expire,
            userbuf: d.userbuf,
        }
    }
}

#[pymethods]
impl UserSig {
    #[getter(userbuf)]
    fn userbuf_bytes<'py>(&self, py: Python<'py>) -> Option<Bound<'py, PyBytes>> {
        self.userbuf.as_deref().map(|b| PyBytes::new(py, b))
    }

    fn __repr__(&self) -> String {
        format!(
            "UserSig(identifier={:?}, sdkappid={}, time={}, expire={}, userbuf={})",
            self.identifier,
            self.sdkappid,
            self.time,
            self.expire,
            if self.userbuf.is_some() {
                "<bytes>"
            } else {
                "None"
            }
        )
    }
}

fn py_bool(b: bool) -> &'static str {
    if b { "True" } else { "False" }
}
