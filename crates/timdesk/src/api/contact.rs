//! recentcontact/delete.

use serde_json::{Value, json};

use crate::error::{Error, Result};

/// The other side of a conversation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ContactPeer {
    /// A one-to-one conversation (Type 1, To_Account).
    Account(String),
    /// A group conversation (Type 2, ToGroupid).
    Group(String),
}

impl ContactPeer {
    /// The peer a caller named with optional parts: `to_account` or `to_group`, exactly one.
    pub fn from_parts(to_account: Option<String>, to_group: Option<String>) -> Result<Self> {
        match (to_account, to_group) {
            (Some(account), None) => Ok(Self::Account(account)),
            (None, Some(group)) => Ok(Self::Group(group)),
            _ => Err(Error::invalid_argument(
                "to_account",
                "give to_account or to_group, exactly one",
            )),
        }
    }
}

/// A request to delete a conversation from a user's recent contacts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeleteRecentContact {
    /// From_Account: whose conversation list.
    pub from_account: String,
    /// The conversation.
    pub peer: ContactPeer,
    /// ClearRamble: also delete its roaming messages.
    pub clear_roaming: bool,
}

impl DeleteRecentContact {
    /// The request body, checked against the model (its fields, and its rule that Type 1
    /// names To_Account and Type 2 ToGroupid).
    pub(crate) fn to_body(&self) -> Result<Value> {
        let mut body =
            json!({"From_Account": self.from_account, "ClearRamble": u8::from(self.clear_roaming)});
        match &self.peer {
            ContactPeer::Account(id) => {
                body["Type"] = json!(1);
                body["To_Account"] = json!(id);
            }
            ContactPeer::Group(id) => {
                body["Type"] = json!(2);
                body["ToGroupid"] = json!(id);
            }
        }
        crate::model::RECENTCONTACT_DELETE.check_object(&body)?;
        Ok(body)
    }
}
