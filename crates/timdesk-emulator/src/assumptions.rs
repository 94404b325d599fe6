//! Every decision the emulator makes where the documentation is silent or unreadable.
//! The README's "What the emulator assumes" table is rendered from this list by `cargo run
//! -p timdesk-codegen` (`cargo test -p timdesk-codegen` fails when it is stale), and `tests/assumptions.rs` has one test per row, named after its id.

/// One decision: what the emulator does, what the docs say, and why.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Assumption {
    /// A short id; the test of this row is `assumption_{id}`.
    pub id: &'static str,
    /// What the emulator does.
    pub behaviour: &'static str,
    /// What the documentation says (or that it says nothing).
    pub docs: &'static str,
    /// Why this choice.
    pub why: &'static str,
}

/// Every assumption, in the order of the README table.
pub const ASSUMPTIONS: &[Assumption] = &[
    Assumption {
        id: "dedup_same_second",
        behaviour: "send_msg stores a repeated MsgRandom (same session, or same FromAccount and ToAccount) once only when it arrives in the same second of the emulated clock as the stored one; a later repeat is a new message. The control API sets the window (`same_second`, `forever`, `none`).",
        docs: "Desk send_msg: MsgRandom is \"for deduplication\". openim/sendmsg: \"used by the backend to deduplicate messages within the same second\".",
        why: "Desk messages are ordinary Chat messages; the only documented window is the same second.",
    },
    Assumption {
        id: "random_any_unsigned",
        behaviour: "The `random` query parameter may be any unsigned decimal integer; anything else answers 60002.",
        docs: "\"A random 32-bit unsigned integer, 0 to 4294967295\".",
        why: "Widely used SDKs send nanosecond timestamps and work in production.",
    },
    Assumption {
        id: "contenttype_json",
        behaviour: "A missing `contenttype`, or one other than `json`, answers 60002.",
        docs: "\"The request format has a fixed value of json\"; nothing on other values.",
        why: "60002 is the common code for a malformed request URL.",
    },
    Assumption {
        id: "method_post",
        behaviour: "A request that is not a POST answers 60002.",
        docs: "\"The request method is POST\"; other methods are not described.",
        why: "60002 is the common code for a malformed HTTP request.",
    },
    Assumption {
        id: "unknown_command_60009",
        behaviour: "A `/v4/service/command` the emulator does not serve answers 60009.",
        docs: "60009: \"requested resource error, check the request URL\".",
        why: "The closest common code; the client reports it as a configuration error.",
    },
    Assumption {
        id: "modelled_not_served_60009",
        behaviour: "An endpoint that has a model (`models/*.json`) but no behaviour in the emulator yet is authenticated, rate-limited and checked against its model like any other, then answers 60009 with ErrorInfo naming its path and model file.",
        docs: "Every documented endpoint exists on the server; the emulator serves a subset.",
        why: "A test against the emulator fails clearly at the missing behaviour instead of getting an invented answer.",
    },
    Assumption {
        id: "restore_member_online",
        behaviour: "restore_member_online sets the member online (queued sessions may then be assigned to it at once); a member already online stays so and the call succeeds; a MemberMail that is no member answers 141010.",
        docs: "The page (269/124321, 2025-10-15) says it brings a member back online and lists 141000, 141002, 141004 and 141009; what an unknown member or an online one gets is not said. 141010 is the Desk's 'member account does not exist' (set_member_status documents it).",
        why: "The Desk's own code for a missing member, rather than an invented one; restoring is idempotent by its meaning.",
    },
    Assumption {
        id: "admin_codes",
        behaviour: "A caller who is not the app administrator gets 90009 (transfer_to_human, send_msg), 50003 (recentcontact/delete) or 60010 (every other endpoint).",
        docs: "Each page lists its own admin code; end_session and describe_im_cdr_list list none.",
        why: "60010 is the common \"requires App admin\" code.",
    },
    Assumption {
        id: "transfer_picks_least_loaded",
        behaviour: "transfer_to_human considers the online agents of AgentIdList, else of AgentGroupId, else every online agent; the least loaded one with room takes the session (ties by agent id).",
        docs: "AgentIdList \"specified customer service\"; AgentGroupId \"if blank, the default policy\". The policy is not described.",
        why: "A predictable, fair stand-in for the console's assignment policy.",
    },
    Assumption {
        id: "transfer_unknown_group_141004",
        behaviour: "An AgentGroupId that does not exist answers 141004.",
        docs: "141004 \"illegal request parameters\".",
        why: "The group is a request parameter.",
    },
    Assumption {
        id: "transfer_again_141003",
        behaviour: "Transferring a session already queued or with an agent answers 141003.",
        docs: "141003 \"this session cannot be transferred to a human agent\".",
        why: "The documented refusal; the client reads it after a lost answer as \"the lost attempt transferred it\".",
    },
    Assumption {
        id: "malformed_session_id",
        behaviour: "A SessionId that is not a UUID answers 141006 on transfer_to_human (the only page that lists 141006) and 141005 elsewhere.",
        docs: "141006 \"illegal SessionId\" on transfer_to_human; 141005 \"does not exist\" on the others.",
        why: "Each endpoint answers only with its documented codes.",
    },
    Assumption {
        id: "error_info_bounded",
        behaviour: "An error message repeats at most the first 64 characters of a value the request sent, then that value's length in bytes (`\"ssss…\"… (1048581 bytes in all)`); and any ErrorInfo (and ErrorDisplay) still longer than 512 bytes, e.g. a refusal text from the shared model checks, keeps its first and last 232 bytes around a note of how many were left out. So a huge value (a 1 MB SessionId) is never echoed whole. The emulator sets no length limit of its own on request strings.",
        docs: "No page of the modelled endpoints gives a length for SessionId, user ids or other strings, nor says what ErrorInfo holds beyond \"detailed error message\".",
        why: "A message must stay readable in a log; inventing a length limit would refuse what the server may take.",
    },
    Assumption {
        id: "out_of_hours",
        behaviour: "With CheckIfDuringWorkingHours outside the working hours, the transfer succeeds with AgentId \"\" and IsInQueue 0, the session stays with the chatbot, and with SendPromptNotDuringWorkingHours the out-of-hours prompt is stored. Working hours are unset (always open) until the control API sets them.",
        docs: "The fields exist (269/110581, 2025-11-04); the answer outside working hours is not described.",
        why: "No error code is documented for it, so none is invented; the documented answer fields say \"not assigned, not queued\".",
    },
    Assumption {
        id: "none_online",
        behaviour: "With no agent online, transfer_to_human answers 141001; SendTipIfNoAgentOnline stores the tip; EndSessionWhenNoMemberOnline also ends the session with EndStatus NoAgentsOnline.",
        docs: "141001 \"no available agents online\"; EndSessionWhenNoMemberOnline \"end the session when no member is online\"; NoAgentsOnline is a documented EndStatus.",
        why: "The documented code and the documented EndStatus.",
    },
    Assumption {
        id: "agents_busy_141012",
        behaviour: "With DisableQueuing, when every eligible online agent is at its reception limit (or not free), transfer_to_human answers 141012.",
        docs: "DisableQueuing: \"return agent busy instead\", code not given. 141012 is \"agent reached max reception\" on contact_user.",
        why: "The one documented Desk code that means an agent cannot take more sessions.",
    },
    Assumption {
        id: "member_status",
        behaviour: "Agents are free (assigned), busy (assigned only with AllowAssignBusyMember) or resting (never assigned). Online agents that cannot be assigned make the session queue, not 141001.",
        docs: "set_member_status: 示闲 / 示忙 / 小休; AllowAssignBusyMember allows 示忙 members.",
        why: "Resting members are away; busy members come back, so the session waits.",
    },
    Assumption {
        id: "priority_default_lowest",
        behaviour: "The queue is served by Priority (0 first), then by arrival. A transfer without Priority queues as 9.",
        docs: "Priority 0–9, 0 highest (679/116634, 2026-01-27); no default given.",
        why: "A transfer that asks for no priority never overtakes one that does.",
    },
    Assumption {
        id: "queue_timeout_seconds",
        behaviour: "QueueTimeout is in seconds: a session queued that long is ended with EndStatus TimeoutTransfer. Without it a session queues until an agent takes it or it is ended.",
        docs: "Only an example value (3600) was readable; TimeoutTransfer is a documented EndStatus.",
        why: "3600 reads as an hour; the documented EndStatus for a transfer that timed out.",
    },
    Assumption {
        id: "end_status_of_each_ending",
        behaviour: "end_session on a session with an agent or queued writes EndStatus AgentEndedSession; on a session still with the chatbot it ends it with ChatbotReception; an ended or unknown session answers 141005.",
        docs: "end_session \"ends a session that has been transferred to a human\"; other sessions are not described.",
        why: "ChatbotReception is the documented EndStatus of a session the chatbot served.",
    },
    Assumption {
        id: "end_session_needs_session_id",
        behaviour: "end_session without a SessionId answers 141004.",
        docs: "SessionId is marked optional, and the example is headed \"specify SessionId to end the session\"; no other way to name the session is documented.",
        why: "Without a SessionId there is nothing documented to end; 141004 is the page's \"invalid parameter\".",
    },
    Assumption {
        id: "cdr_window_order",
        behaviour: "describe_im_cdr_list with StartTimestamp after EndTimestamp answers 141004.",
        docs: "Both are required Unix seconds; their order is not discussed.",
        why: "An empty answer would hide a swapped window; 141004 is the page's \"invalid parameter\".",
    },
    Assumption {
        id: "session_state_lookup",
        behaviour: "get_session_state by SessionId answers its state (an unknown one 141005); by ClientUserId it answers the user's latest open session, or NotInSession with empty ids. CustomerServiceId is not checked (IM agents are not emulated). Agents accept at once, so WaitingForAgentAnswering is never reported.",
        docs: "Lookup by SessionId, or by user and IM agent; the five states; the error table was not readable.",
        why: "The documented fields and states; 141005 is the desk's \"session does not exist\".",
    },
    Assumption {
        id: "end_queuing_back_to_chatbot",
        behaviour: "end_queuing takes a queueing session back to the chatbot (no CDR); a session that is open but not queueing answers 141027; an unknown or ended one 141005.",
        docs: "\"Takes a queueing session out of the queue\"; codes 141000, 141002, 141004, 141005, 141009, 141027, whose meanings were not captured.",
        why: "141027 is the one code the page adds to the common ones, and \"not in the queue\" is the one case left; the user stays with the bot rather than being cut off.",
    },
    Assumption {
        id: "message_roles_and_times",
        behaviour: "send_msg in a session and the desk's own notices are stored from @customer_service_account with FromAccountRole 3; the control API plays the user (1) and the agent (2). Timestamps are milliseconds with the emulated clock's one-second resolution.",
        docs: "FromAccountRole: 1 user, 2 agent, 3 system admin message; send_msg is \"the App admin sends a message\"; Timestamp in ms.",
        why: "The app admin's messages are system messages by the docs' own words.",
    },
    Assumption {
        id: "msg_keys",
        behaviour: "Every stored message gets a MsgKey `{sequence}_{random}_{time}`; modify_msg with a MsgKey the session does not hold answers 141004.",
        docs: "MsgKey comes from the message callback; its format and the unknown-key answer are not described.",
        why: "Unique and readable; 141004 is the desk's \"invalid parameter\".",
    },
    Assumption {
        id: "stream_messages",
        behaviour: "send_stream_msg without MsgKey starts a text message and answers its MsgKey; chunks with that MsgKey append to its text; Finish 1 closes it; a chunk for an unknown or closed MsgKey answers 141004.",
        docs: "Fields Chunk, MsgKey (absent on the first call), Finish; the error table was not readable.",
        why: "The documented protocol; 141004 for a stream that cannot take the chunk.",
    },
    Assumption {
        id: "contact_user_rules",
        behaviour: "contact_user opens a session with MemberId (unknown 141010, offline 141011, at its limit 141012) or the least loaded member of GroupId or of all (none 141001); a user already in an open session answers 141003. The table's spelling (IMAgentUserId, ClientUserId) is required.",
        docs: "141011 agent offline and 141012 agent at max reception (intl page); 141001, 141003 listed without meaning; the example spells the keys ...ID.",
        why: "The meanings that were captured, and the transfer's codes for the same situations.",
    },
    Assumption {
        id: "recentcontact_limits",
        behaviour: "recentcontact/delete is limited to 200 calls per second and answers 60007 above it; unparsable JSON answers 50002. Desk endpoints have no limit unless the control API sets one (then 141009).",
        docs: "recentcontact/delete: 200/s, codes 50001–50005; Desk pages list 141009 without a rate.",
        why: "The documented rate and codes; no invented Desk rate.",
    },
    Assumption {
        id: "tip_texts",
        behaviour: "The no-agent tip and the out-of-hours prompt are stored as TIMTextElem messages from `@customer_service_account` with fixed English texts.",
        docs: "The texts are configured in the Desk console.",
        why: "A test can recognise them; their wording is not the API's.",
    },
    Assumption {
        id: "session_events",
        behaviour: "With a callback URL set through the control API (`POST /__control/callback`), the emulator POSTs Desk.SessionEventNotify with every documented body field and URL parameter (a fresh `RequestID` each) for the three events whose names the docs give: `SessionBegin` (a session created, or contact_user with `IsContactUser` true), `ChatBot.UserSendMsg` and `ChatBot.RobotSendMsg` (a user's or the app's message while the chatbot holds the session), in order, on a thread of their own. No other event is sent.",
        docs: "Desk.SessionEventNotify lists those three event names; the names of the transfer, reassignment, session-end, timeout and satisfaction events were cut off in every copy.",
        why: "Sending guessed event names would make handlers pass against strings the server may never send.",
    },
    Assumption {
        id: "callback_retries",
        behaviour: "A callback counts as acknowledged when the app answers HTTP 200 with `{\"ActionStatus\":\"OK\",\"ErrorCode\":0,...}`. Otherwise (another status or body, no answer within 5 s, no connection) Desk.SessionEventNotify is delivered again with the same `RequestID`, up to 2 more times, 1 s then 2 s later; later events wait their turn. `POST /__control/callback` sets `retries` (0 for none) and `retry_delay_ms`; `GET /__control/callbacks` lists every attempt with `attempt` and `acknowledged`.",
        docs: "The Desk callback pages say the app must answer but the expected answer and any retry policy were not retrieved; Chat callbacks in general answer `{\"ActionStatus\":\"OK\",\"ErrorCode\":0,\"ErrorInfo\":\"\"}`. The callback issue asks that a RequestID already seen be treated as a retry.",
        why: "A handler has to cope with a redelivered RequestID whether or not the real server retries; with `retries: 0` a test checks that a handler which fails once does not rely on a second delivery.",
    },
    Assumption {
        id: "assign_human",
        behaviour: "With `assign_human: true` in `POST /__control/callback` (the console's business-server allocation), each transfer_to_human that passes the rate limit and its model first POSTs ChatBot.OnAssignHuman (`SessionId`, `ClientUserId`, `EventTime` in ms) to the callback URL and waits for the answer (5 s at most). An acknowledged answer's `AgentIdList` and `AgentGroupId` replace the request's own, then the transfer runs as documented; a FAIL answer, another status or no answer leaves the request as it came. Asked once, never retried.",
        docs: "ChatBot.OnAssignHuman documents its request and an answer of ActionStatus, ErrorCode, AgentGroupId and AgentIdList; the page's tail (ErrorInfo, behaviour on timeout or failure) was not retrieved.",
        why: "Falling back to the request's own routing is the least surprising reading; a transfer should not fail because the app's router did.",
    },
];

/// The README table, as rendered from [`ASSUMPTIONS`].
pub fn markdown_table() -> String {
    let mut out = String::from("| id | the emulator | the docs | why |\n|---|---|---|---|\n");
    for a in ASSUMPTIONS {
        out += &format!(
            "| `{}` | {} | {} | {} |\n",
            a.id, a.behaviour, a.docs, a.why
        );
    }
    out
}
