//! `timdesk demo`: a whole contact-center session against the built-in emulator.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::sync::mpsc::{Receiver, channel};
use std::time::Duration;

use timdesk::api::{
    Card, CdrQuery, ContactPeer, DeleteRecentContact, MsgElement, SendMsg, TransferToHuman,
};
use timdesk::callbacks::{Callback, Verifier, acknowledgement};
use timdesk::{Client, Config, ErrorKind};
use timdesk_emulator::{Emulator, EmulatorConfig, NewSession};

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

    let (callback_url, callbacks) = webhook(app.sdkappid)?;
    let body = format!(r#"{{"url":"{callback_url}"}}"#);
    control(&emulator, "callback", &body)?;
    writeln!(
        out,
        "webhook       a local handler at {callback_url} verifies the callbacks"
    )?;
    let erin = emulator.control().create_session(NewSession {
        id: None,
        user: "user_erin".into(),
        nickname: None,
        channel: None,
        started_at: None,
        satisfaction: None,
    })?;
    let said = r#"{"from":"user","text":"Where is my order?"}"#;
    control(&emulator, &format!("sessions/{erin}/messages"), said)?;
    client.send_msg(&SendMsg::in_session(
        &erin,
        vec![MsgElement::text("Your order arrives on Thursday.")],
    ))?;
    writeln!(
        out,
        "chatbot       user_erin asks \"Where is my order?\"; the bot answers through send_msg"
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
    writeln!(out, "callbacks     the handler received:")?;
    for _ in 0..3 {
        let event = callbacks.recv_timeout(Duration::from_secs(5))?;
        writeln!(out, "              {event}")?;
    }
    writeln!(out, "done")?;
    Ok(())
}

/// A control API POST that must succeed.
fn control(emulator: &Emulator, path: &str, body: &str) -> Result<(), String> {
    match emulator.control().handle("POST", path, body.as_bytes()) {
        (200, _) => Ok(()),
        (status, answer) => Err(format!("control {path}: {status} {answer}")),
    }
}

/// A minimal webhook handler on 127.0.0.1: verifies each callback with the core's
/// [`Verifier`], acknowledges it, and hands a one-line description over.
fn webhook(sdkappid: u64) -> std::io::Result<(String, Receiver<String>)> {
    let listener = TcpListener::bind("127.0.0.1:0")?;
    let url = format!("http://{}/desk", listener.local_addr()?);
    let (tx, rx) = channel();
    std::thread::spawn(move || {
        let verifier = Verifier::new(sdkappid);
        for mut stream in listener.incoming().flatten() {
            let Ok((query, body)) = read_request(&mut stream) else {
                continue;
            };
            let line = match verifier.verify(&query, &body) {
                Ok(Callback::SessionEvent(e)) => {
                    format!(
                        "Desk.SessionEventNotify {} session {}",
                        e.event, e.session_id
                    )
                }
                Ok(other) => format!("{other:?}"),
                Err(e) => format!("refused: {e}"),
            };
            let ack = acknowledgement().to_string();
            let _ = write!(
                stream,
                "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{ack}",
                ack.len()
            );
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    Ok((url, rx))
}

/// The query string and body of one HTTP/1.1 request.
fn read_request(stream: &mut std::net::TcpStream) -> std::io::Result<(String, Vec<u8>)> {
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut line = String::new();
    reader.read_line(&mut line)?;
    let target = line.split(' ').nth(1).unwrap_or_default();
    let query = target.split_once('?').map_or("", |(_, q)| q).to_owned();
    let mut length = 0;
    loop {
        let mut header = String::new();
        if reader.read_line(&mut header)? == 0 || header.trim().is_empty() {
            break;
        }
        if let Some((name, value)) = header.split_once(':') {
            if name.eq_ignore_ascii_case("content-length") {
                length = value.trim().parse().unwrap_or(0);
            }
        }
    }
    let mut body = vec![0; length.min(1 << 20)];
    reader.read_exact(&mut body)?;
    Ok((query, body))
}
