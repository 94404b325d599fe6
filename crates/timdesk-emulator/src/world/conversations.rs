//! Recent contacts and roaming messages: the conversations a one-to-one send_msg
//! implies, recentcontact/delete, and the group conversations a test adds.

use super::state::{Message, Peer, World};
use crate::answer::{ApiError, echo};

impl World {
    /// Stores a message as roaming for both sides and puts each in the other's contacts.
    pub(super) fn deliver(&mut self, message: Message) {
        for (owner, peer) in [(&message.from, &message.to), (&message.to, &message.from)] {
            let peer = Peer::Account(peer.clone());
            self.conversations
                .entry(owner.clone())
                .or_default()
                .insert(peer.clone());
            self.roaming
                .entry((owner.clone(), peer))
                .or_default()
                .push(message.clone());
        }
    }

    /// recentcontact/delete: drops the conversation; `clear_roaming` also drops its messages.
    pub fn delete_conversation(
        &mut self,
        owner: &str,
        peer: Peer,
        clear_roaming: bool,
    ) -> Result<(), ApiError> {
        if !self.has_account(owner) {
            return Err(ApiError::new(
                50_001,
                format!("From_Account {:?} has not been imported", echo(owner)),
            ));
        }
        if let Some(peers) = self.conversations.get_mut(owner) {
            peers.remove(&peer);
        }
        if clear_roaming {
            self.roaming.remove(&(owner.to_owned(), peer));
        }
        Ok(())
    }

    /// Adds a group conversation to a user's contacts (groups are outside the emulated API).
    pub fn add_group_conversation(&mut self, owner: &str, group_id: &str) {
        self.import_account(owner);
        let peer = Peer::Group(group_id.to_owned());
        self.conversations
            .entry(owner.to_owned())
            .or_default()
            .insert(peer.clone());
        self.roaming.entry((owner.to_owned(), peer)).or_default();
    }
}
