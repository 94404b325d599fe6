"""A webhook handler built on timdesk.CallbackVerifier, driven over real HTTP as Desk would."""
import hashlib
import http.server
import json
import threading
import time
import urllib.error
import urllib.request

import pytest

import timdesk
from timdesk.testing import Emulator

APP = 1400000000
EVENT = {
    "CallbackCommand": "Desk.SessionEventNotify", "SessionId": "s1", "Event": "ChatBot.UserSendMsg",
    "EventTime": 1731488371784, "ChannelType": "SDK", "ClientUserId": "u1", "CustomerServiceId": "@im",
    "AgentId": "", "MsgKey": "1_2_3", "MsgBody": [{"MsgType": "TIMTextElem", "MsgContent": {"Text": "hi"}}],
    "CloudCustomData": "", "IsContactUser": False, "SatisfactionSelected": 0, "ForwardFromAgentId": "",
}


@pytest.fixture
def webhook():
    """A stdlib HTTP handler answering Desk's callbacks; yields (url, what it handled)."""
    verifier = timdesk.CallbackVerifier(sdkappid=APP)
    handled = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self):
            query = self.path.partition("?")[2]
            body = self.rfile.read(int(self.headers["Content-Length"]))
            try:
                callback = verifier.verify(query, body)
            except timdesk.CallbackError as e:
                status = 200 if e.reason == "replayed" else 400
                answer = timdesk.acknowledgement() if status == 200 else {"error": str(e), "reason": e.reason}
            else:
                handled.append(callback)
                status = 200
                if callback["command"] == "ChatBot.OnAssignHuman":
                    answer = timdesk.assign_human_answer(agent_group_id=2473, agent_ids=["a@x.com"])
                else:
                    answer = timdesk.acknowledgement()
            data = json.dumps(answer).encode()
            self.send_response(status)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}/desk", handled
    server.shutdown()


def post(url, query, body):
    request = urllib.request.Request(f"{url}?{query}", data=body, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read())


def test_a_session_event_arrives_typed_and_its_retry_is_acknowledged_once(webhook):
    url, handled = webhook
    query = f"SdkAppid={APP}&CallbackCommand=Desk.SessionEventNotify&contenttype=json&RequestID=r1"
    body = json.dumps(EVENT).encode()
    assert post(url, query, body) == (200, {"ActionStatus": "OK", "ErrorCode": 0, "ErrorInfo": ""})
    assert post(url, query, body)[0] == 200, "a retry is acknowledged"
    [event] = handled
    assert event["command"] == "Desk.SessionEventNotify"
    assert (event["session_id"], event["event"], event["msg_key"]) == ("s1", "ChatBot.UserSendMsg", "1_2_3")
    assert event["msg_body"][0]["MsgContent"]["Text"] == "hi"
    assert event["event_time_ms"] == 1731488371784 and event["is_contact_user"] is False


def test_assign_human_is_answered_with_the_documented_fields(webhook):
    url, handled = webhook
    body = json.dumps({"CallbackCommand": "ChatBot.OnAssignHuman", "SessionId": "s2",
                       "ClientUserId": "u", "EventTime": 5}).encode()
    status, answer = post(url, f"SdkAppid={APP}&RequestID=r2", body)
    assert status == 200
    assert answer == {"ActionStatus": "OK", "ErrorCode": 0, "ErrorInfo": "",
                      "AgentGroupId": 2473, "AgentIdList": ["a@x.com"]}
    assert handled[0]["session_id"] == "s2"


@pytest.mark.parametrize(
    "query, body, reason, names",
    [
        ("SdkAppid=1400000001", json.dumps(EVENT), "wrong_sdkappid", "1400000001"),
        (f"SdkAppid={APP}", "{not json", "malformed", "JSON"),
        (f"SdkAppid={APP}", json.dumps({**EVENT, "SessionId": ""}), "malformed", "SessionId"),
        (f"SdkAppid={APP}", json.dumps({"CallbackCommand": "Desk.Nope"}), "unknown_command", "Desk.Nope"),
    ],
    ids=["wrong_app", "not_json", "no_session_id", "unknown_command"],
)
def test_a_bad_callback_is_refused_with_a_reason_naming_the_field(webhook, query, body, reason, names):
    url, handled = webhook
    status, answer = post(url, query, body.encode())
    assert (status, answer["reason"]) == (400, reason)
    assert names in answer["error"]
    assert handled == []


def test_a_token_requires_a_fresh_matching_sign_and_stays_secret():
    token = "callback-token-value"
    verifier = timdesk.CallbackVerifier(sdkappid=APP, token=token)
    assert token not in repr(verifier)
    now = int(time.time())
    sign = hashlib.sha256(f"{token}{now}".encode()).hexdigest()
    body = json.dumps(EVENT).encode()
    assert verifier.verify(f"SdkAppid={APP}&RequestTime={now}&Sign={sign}", body)["session_id"] == "s1"
    with pytest.raises(timdesk.CallbackError) as forged:
        verifier.verify(f"SdkAppid={APP}&RequestTime={now}&Sign={'0' * 64}", body)
    assert forged.value.reason == "bad_signature" and token not in str(forged.value)
    old = now - 600
    old_sign = hashlib.sha256(f"{token}{old}".encode()).hexdigest()
    with pytest.raises(timdesk.CallbackError) as stale:
        verifier.verify(f"SdkAppid={APP}&RequestTime={old}&Sign={old_sign}", body)
    assert stale.value.reason == "stale"
    assert isinstance(stale.value, ValueError), "a refused callback is bad input"


def test_answers_validate_their_arguments():
    assert timdesk.interface_invocation_answer({"k": 1})["Body"] == {"k": 1}
    assert "AgentGroupId" not in timdesk.assign_human_answer(agent_ids=["a"])
    with pytest.raises(timdesk.InvalidArgumentError, match="agent_group_id"):
        timdesk.assign_human_answer(agent_group_id=-1)
    with pytest.raises(TypeError):
        timdesk.assign_human_answer(agent_ids="abc")
    with pytest.raises(timdesk.InvalidArgumentError, match="sdkappid"):
        timdesk.CallbackVerifier(sdkappid=0)


def test_the_emulator_calls_the_handler_back_end_to_end(webhook):
    url, handled = webhook
    with Emulator(callback_url=url) as emu:
        _conversation_with_callbacks(emu, handled)


def test_business_server_allocation_routes_the_transfer_by_the_handlers_answer(webhook):
    url, handled = webhook
    with Emulator() as emu:
        emu.control("POST", "/agents", {"agent_id": "a@x.com", "agent_group_id": 2473})
        emu.set_callback_url(url, assign_human=True)
        session = emu.create_session("frank")
        transfer = emu.client().transfer_to_human(session, agent_ids=["test_agent@qq.com"])
        assert transfer.agent_id == "a@x.com"  # the handler's assign_human_answer decided
        asked = [c for c in handled if c["command"] == "ChatBot.OnAssignHuman"]
        assert [(c["session_id"], c["client_user_id"]) for c in asked] == [(session, "frank")]


def test_an_unacknowledged_event_is_delivered_again_with_its_request_id():
    answers = iter([500, 200])
    seen = []

    class Flaky(http.server.BaseHTTPRequestHandler):
        def do_POST(self):
            self.rfile.read(int(self.headers["Content-Length"]))
            seen.append(self.path.partition("RequestID=")[2])
            data = json.dumps(timdesk.acknowledgement()).encode()
            self.send_response(next(answers, 200))
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Flaky)
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True).start()
    try:
        with Emulator() as emu:
            emu.set_callback_url(f"http://127.0.0.1:{server.server_port}/desk", retry_delay_ms=10)
            emu.create_session("grace")
            deadline = time.monotonic() + 5
            while len(emu.callback_deliveries()) < 2 and time.monotonic() < deadline:
                time.sleep(0.01)
            deliveries = emu.callback_deliveries()
            assert [(d["attempt"], d["acknowledged"]) for d in deliveries] == [(1, False), (2, True)]
            assert len(set(seen)) == 1 and len(seen) == 2
    finally:
        server.shutdown()


def _conversation_with_callbacks(emu, handled):
    session = emu.create_session("erin")
    emu.say(session, "I need help")
    emu.client().send_msg(session_id=session, body=[timdesk.Text("The bot answers")])
    deadline = time.monotonic() + 5
    # The handler sees a callback before the emulator records the delivery's answer.
    while (len(handled) < 3 or len(emu.callback_deliveries()) < 3) and time.monotonic() < deadline:
        time.sleep(0.01)
    assert [c["event"] for c in handled] == ["SessionBegin", "ChatBot.UserSendMsg", "ChatBot.RobotSendMsg"]
    assert handled[1]["msg_body"][0]["MsgContent"]["Text"] == "I need help"
    assert handled[2]["msg_key"] and handled[2]["session_id"] == session
    assert [d["status"] for d in emu.callback_deliveries()] == [200, 200, 200]


def test_a_whole_conversation_through_the_public_api(webhook):
    """Chatbot, transfer, agent, history, queue, end: every state change read back with
    get_session_state and every callback received by a handler built on the helpers."""
    url, handled = webhook
    with Emulator(callback_url=url) as emu:
        client = emu.client(retry_base_delay=0.005)

        def state(session):
            return client.get_session_state(session_id=session).current_state

        frank = emu.create_session("frank")
        assert state(frank) == "Chatbot"
        emu.say(frank, "I want a refund")
        client.send_msg(session_id=frank, body=[timdesk.Text("Let me find an agent")])
        agent = client.transfer_to_human(frank).agent_id
        assert state(frank) == "Agent"
        assert client.get_session_state(session_id=frank).agent_id == agent
        emu.say(frank, "Hello, I can help", by="agent")
        history = client.describe_chat_messages(frank, order=1)
        assert [(m["FromAccountRole"], m["MsgBody"][0]["MsgContent"]["Text"]) for m in history.messages] == [
            (1, "I want a refund"), (3, "Let me find an agent"), (2, "Hello, I can help")]
        assert all(m["Timestamp"] > 10**12 for m in history.messages), "milliseconds"

        for member in emu.agents():
            emu.set_agent_status(member["agent_id"], "busy")
        gina = emu.create_session("gina")
        assert client.transfer_to_human(gina).in_queue
        assert state(gina) == "Queueing"
        client.end_queuing(gina)
        assert state(gina) == "Chatbot"

        client.end_session(frank)
        assert state(frank) == "NotInSession"

        deadline = time.monotonic() + 5
        while len(handled) < 4 and time.monotonic() < deadline:
            time.sleep(0.01)
        assert [(c["event"], c["session_id"]) for c in handled] == [
            ("SessionBegin", frank), ("ChatBot.UserSendMsg", frank), ("ChatBot.RobotSendMsg", frank),
            ("SessionBegin", gina)]
