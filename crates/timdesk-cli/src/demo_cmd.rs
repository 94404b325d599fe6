//! `timdesk demo`: a whole contact-center session against the built-in emulator.

use std::io::Write;

use timdesk::api::{
    Card, CdrQuery, ContactPeer, DeleteRecentContact, MsgElement, SendMsg, TransferToHuman,
};
use timdesk::{Client, Config, ErrorKind};
use timdesk_emulator::{Emulator, EmulatorConfig};

const ALICE_SESSION: &str = "fd8a2e30-54de-4e40-bcaf-02718409c5cf";
const BOB_SESSION: &str = "b0f4ca12-4850-4218-a284-efe679a87066";

pub(crate) fn run(out: &mut dyn Write, err: &mut dyn Write) -> u8 {
    match demo(out) {
        Ok(()) => 0,
        Err(e) => {
            let _ = writeln!(err, "timdesk demo failed: {e}");
            1
        }
    }
}

fn demo(out: &mut dyn Write) -> Result<(), Box<dyn std::error::Error>> {
    let emulator = Emulator::start(EmulatorConfig::default())?;
    let app = emulator.app();
    writeln!(
        out,
        "emulator      {} (sdkappid {}, admin {})",
        emulator.base_url(),
        app.sdkappid,
        app.admin
    )?;
    let client = Client::new(
        Config::new(app.sdkappid, app.secret_key.clone())
            .admin(app.admin.clone())
            .base_url(emulator.base_url()),
    )?;

    let transfer =
        client.transfer_to_human(&TransferToHuman::new(ALICE_SESSION).agent_group_id(3067))?;
    writeln!(
        out,
        "transfer      session {ALICE_SESSION} (user_alice) -> agent {}",
        transfer.agent_id
    )?;

    let text = client.send_msg(&SendMsg::in_session(
        ALICE_SESSION,
        vec![MsgElement::text("Hi Alice, how can I help?")],
    ))?;
    writeln!(
        out,
        "send_msg      text  \"Hi Alice, how can I help?\" (MsgRandom {})",
        text.msg_random
    )?;
    let card = Card {
        header: "Order #1042".into(),
        desc: "2 items, arriving Thursday".into(),
        pic: "https://example.com/order.jpg".into(),
        url: "https://example.com/orders/1042".into(),
    };
    let sent = client.send_msg(&SendMsg::in_session(
        ALICE_SESSION,
        vec![MsgElement::card(&card)],
    ))?;
    writeln!(
        out,
        "send_msg      card  \"{}\" (MsgRandom {})",
        card.header, sent.msg_random
    )?;
    let delivered = emulator
        .control()
        .messages(ALICE_SESSION)
        .map_or(0, |m| m.as_array().map_or(0, Vec::len));
    writeln!(out, "delivered     {delivered} messages in the session")?;

    client.end_session(ALICE_SESSION)?;
    writeln!(out, "end_session   {ALICE_SESSION}")?;

    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)?
        .as_secs();
    let page = client.describe_im_cdr_list(&CdrQuery::new(now.saturating_sub(86_400), now + 60))?;
    writeln!(
        out,
        "cdr list      {} record(s) in the last day",
        page.total_count
    )?;
    for r in &page.records {
        writeln!(
            out,
            "              {} {} agent {} group {} ({}) {} s",
            r.client_user_id,
            r.end_status,
            r.agent_id,
            r.agent_group_id,
            r.agent_group_name,
            r.duration
        )?;
    }

    client.send_msg(&SendMsg::between(
        "shannon@qq.com",
        "user_alice",
        vec![MsgElement::text("Thanks for contacting us!")],
    ))?;
    client.delete_recent_contact(&DeleteRecentContact {
        from_account: "user_alice".into(),
        peer: ContactPeer::Account("shannon@qq.com".into()),
        clear_roaming: true,
    })?;
    writeln!(
        out,
        "recentcontact deleted user_alice's conversation with shannon@qq.com (roaming messages cleared)"
    )?;

    for agent in ["shannon@qq.com", "test_agent@qq.com"] {
        emulator.control().set_agent_online(agent, false)?;
    }
    let mut request = TransferToHuman::new(BOB_SESSION);
    request.send_tip_if_no_agent_online = true;
    match client.transfer_to_human(&request) {
        Err(e) if e.kind() == ErrorKind::NoAgentOnline => {
            writeln!(
                out,
                "handled error every agent offline: {e}; user_bob was sent a tip and stays with the chatbot"
            )?;
        }
        Err(e) => return Err(e.into()),
        Ok(t) => {
            return Err(format!("expected no agent online, got agent {:?}", t.agent_id).into());
        }
    }
    writeln!(out, "done")?;
    Ok(())
}
