//! The built-in data set, so that the demo and first experiments need no setup. Declared
//! once here: the C testing library (`timdesk_emulator_seed_*`), Go's `timdesktest` and
//! Python's `timdesk.testing.Emulator` read these lists, and docs/emulator.md shows them.

use serde_json::json;

use crate::app::AppConfig;
use crate::world::{Agent, BOT_ACCOUNT, MemberStatus, NewSession, World};

/// A built-in agent group.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SeedGroup {
    /// AgentGroupId.
    pub group_id: u64,
    /// Its name.
    pub name: &'static str,
}

/// A built-in agent, free when online.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SeedAgent {
    /// The agent's UserID (AgentId).
    pub agent_id: &'static str,
    /// The AgentGroupId of its group.
    pub group_id: u64,
    /// Whether it is online.
    pub online: bool,
    /// How many sessions it serves at once.
    pub capacity: u32,
}

/// A built-in user with a session waiting in chatbot reception.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SeedSession {
    /// The SessionId.
    pub session_id: &'static str,
    /// The user (ClientUserId).
    pub client_user_id: &'static str,
    /// The user's nickname.
    pub nickname: &'static str,
    /// The channel it came through (`SDK` or `Web`).
    pub channel: &'static str,
}

/// The agent groups.
pub const GROUPS: [SeedGroup; 2] = [
    SeedGroup {
        group_id: 3067,
        name: "Online customer service",
    },
    SeedGroup {
        group_id: 2473,
        name: "VIP support",
    },
];

/// The agents.
pub const AGENTS: [SeedAgent; 3] = [
    SeedAgent {
        agent_id: "shannon@qq.com",
        group_id: 3067,
        online: true,
        capacity: 2,
    },
    SeedAgent {
        agent_id: "test_agent@qq.com",
        group_id: 2473,
        online: true,
        capacity: 1,
    },
    SeedAgent {
        agent_id: "night_agent@qq.com",
        group_id: 2473,
        online: false,
        capacity: 3,
    },
];

/// The sessions waiting in chatbot reception, one per user.
pub const WAITING: [SeedSession; 3] = [
    SeedSession {
        session_id: "fd8a2e30-54de-4e40-bcaf-02718409c5cf",
        client_user_id: "user_alice",
        nickname: "Alice",
        channel: "SDK",
    },
    SeedSession {
        session_id: "b0f4ca12-4850-4218-a284-efe679a87066",
        client_user_id: "user_bob",
        nickname: "Bob",
        channel: "Web",
    },
    SeedSession {
        session_id: "a97d3e1f-a88b-403b-9b3a-7bc6554ea05d",
        client_user_id: "user_carol",
        nickname: "Carol",
        channel: "SDK",
    },
];

/// Users imported without a session.
pub const OTHER_USERS: [&str; 1] = ["user_dave"];

/// Fills `world` with the built-in data set.
pub(crate) fn populate(world: &mut World, app: &AppConfig, now: u64) {
    world.import_account(&app.admin);
    world.import_account(BOT_ACCOUNT);
    for group in GROUPS {
        world.upsert_group(group.group_id, group.name);
    }
    for agent in AGENTS {
        world.upsert_agent(Agent {
            id: agent.agent_id.into(),
            group_id: agent.group_id,
            online: agent.online,
            capacity: agent.capacity,
            status: MemberStatus::Free,
        });
    }
    for user in OTHER_USERS {
        world.import_account(user);
    }
    for session in WAITING {
        let new = NewSession {
            id: Some(session.session_id.into()),
            user: session.client_user_id.into(),
            nickname: Some(session.nickname.into()),
            channel: Some(session.channel.into()),
            started_at: Some(now),
            satisfaction: None,
        };
        world
            .create_session(new, now, String::new)
            .expect("the built-in sessions are valid and distinct");
    }
}

/// The data set as JSON (the control API's `GET /seed`, Python's `Emulator.seed()`):
/// `groups`, `agents`, `sessions` and `users`, with the field names of this module.
pub fn to_json() -> serde_json::Value {
    let groups: Vec<_> = GROUPS
        .iter()
        .map(|g| json!({"group_id": g.group_id, "name": g.name}))
        .collect();
    let agents: Vec<_> = AGENTS
        .iter()
        .map(|a| {
            json!({"agent_id": a.agent_id, "group_id": a.group_id, "online": a.online,
                   "capacity": a.capacity})
        })
        .collect();
    let sessions: Vec<_> = WAITING
        .iter()
        .map(|s| {
            json!({"session_id": s.session_id, "client_user_id": s.client_user_id,
                   "nickname": s.nickname, "channel": s.channel})
        })
        .collect();
    json!({"groups": groups, "agents": agents, "sessions": sessions, "users": OTHER_USERS})
}

/// The data set in a few lines, as `timdesk emulator` prints it at start.
pub fn summary() -> String {
    let mut out = String::from("agent groups:\n");
    for group in GROUPS {
        out += &format!("  {}  {}\n", group.group_id, group.name);
    }
    out += "agents:\n";
    for agent in AGENTS {
        let status = if agent.online { "online" } else { "offline" };
        out += &format!(
            "  {:<20} group {}  {status:<7}  capacity {}\n",
            agent.agent_id, agent.group_id, agent.capacity
        );
    }
    out += "sessions waiting in chatbot reception:\n";
    for session in WAITING {
        out += &format!(
            "  {}  {} ({})\n",
            session.session_id, session.client_user_id, session.channel
        );
    }
    out
}
