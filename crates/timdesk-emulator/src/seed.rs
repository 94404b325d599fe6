//! The built-in data set, so that the demo and first experiments need no setup.

use crate::app::AppConfig;
use crate::world::{Agent, BOT_ACCOUNT, MemberStatus, NewSession, World};

/// Agent groups: (AgentGroupId, AgentGroupName).
pub const GROUPS: [(u64, &str); 2] = [(3067, "Online customer service"), (2473, "VIP support")];

/// Agents: (id, group, online, capacity).
pub const AGENTS: [(&str, u64, bool, u32); 3] = [
    ("shannon@qq.com", 3067, true, 2),
    ("test_agent@qq.com", 2473, true, 1),
    ("night_agent@qq.com", 2473, false, 3),
];

/// Users with a session waiting in chatbot reception: (SessionId, ClientUserId, nickname, channel).
pub const WAITING: [(&str, &str, &str, &str); 3] = [
    (
        "fd8a2e30-54de-4e40-bcaf-02718409c5cf",
        "user_alice",
        "Alice",
        "SDK",
    ),
    (
        "b0f4ca12-4850-4218-a284-efe679a87066",
        "user_bob",
        "Bob",
        "Web",
    ),
    (
        "a97d3e1f-a88b-403b-9b3a-7bc6554ea05d",
        "user_carol",
        "Carol",
        "SDK",
    ),
];

/// Users imported without a session.
pub const OTHER_USERS: [&str; 1] = ["user_dave"];

/// Fills `world` with the built-in data set.
pub(crate) fn populate(world: &mut World, app: &AppConfig, now: u64) {
    world.import_account(&app.admin);
    world.import_account(BOT_ACCOUNT);
    for (id, name) in GROUPS {
        world.upsert_group(id, name);
    }
    for (id, group_id, online, capacity) in AGENTS {
        world.upsert_agent(Agent {
            id: id.into(),
            group_id,
            online,
            capacity,
            status: MemberStatus::Free,
        });
    }
    for user in OTHER_USERS {
        world.import_account(user);
    }
    for (id, user, nickname, channel) in WAITING {
        let new = NewSession {
            id: Some(id.into()),
            user: user.into(),
            nickname: Some(nickname.into()),
            channel: Some(channel.into()),
            started_at: Some(now),
            satisfaction: None,
        };
        world
            .create_session(new, now, String::new)
            .expect("the built-in sessions are valid and distinct");
    }
}

/// The data set in a few lines, as `timdesk emulator` prints it at start.
pub fn summary() -> String {
    let mut out = String::from("agent groups:\n");
    for (id, name) in GROUPS {
        out += &format!("  {id}  {name}\n");
    }
    out += "agents:\n";
    for (id, group, online, capacity) in AGENTS {
        let status = if online { "online" } else { "offline" };
        out += &format!("  {id:<20} group {group}  {status:<7}  capacity {capacity}\n");
    }
    out += "sessions waiting in chatbot reception:\n";
    for (id, user, _, channel) in WAITING {
        out += &format!("  {id}  {user} ({channel})\n");
    }
    out
}
