"""Every helper of timdesk.testing.Emulator does what it says, seen through the client."""
import pytest

import timdesk
from timdesk.testing import Emulator


def test_seeding_helpers_shape_what_the_client_sees(timdesk_emulator):
    emu = timdesk_emulator
    client = emu.client(retry_base_delay=0.005)
    emu.import_accounts("ann", "ben")
    client.send_msg(from_account="ann", to_account="ben", body=[timdesk.Text("hi")])

    emu.add_agent("night@qq.com", group_id=77, group_name="Night shift", capacity=1)
    agents = {a["agent_id"]: a for a in emu.agents()}
    assert agents["night@qq.com"]["agent_group_name"] == "Night shift"
    assert agents["night@qq.com"]["capacity"] == 1 and agents["night@qq.com"]["online"] is True

    session = emu.create_session("ann", nickname="Ann", channel="Web", started_at=1000, satisfaction=4)
    assert emu.session(session)["state"] == "chatbot_reception"
    emu.set_agent_online("night@qq.com", False)
    with pytest.raises(timdesk.NoAgentOnlineError):
        client.transfer_to_human(session, agent_group_id=77)
    emu.set_agent_online("night@qq.com", True)
    assert client.transfer_to_human(session, agent_group_id=77).agent_id == "night@qq.com"
    assert emu.session(session)["agent_id"] == "night@qq.com"

    client.end_session(session)
    [cdr] = emu.cdrs()
    assert (cdr["SessionId"], cdr["ClientUserNickName"], cdr["ChannelType"]) == (session, "Ann", "Web")
    assert (cdr["AgentGroupName"], cdr["SatisfactionSelected"], cdr["Timestamp"]) == ("Night shift", 4, 1000)


def test_reset_restores_the_built_in_data_set(timdesk_emulator):
    emu = timdesk_emulator
    client = emu.client()
    emu.add_agent("extra@qq.com", group_id=1)
    client.transfer_to_human(Emulator.WAITING_SESSIONS[0])
    emu.inject_fault("error_code", code=141002, count=-1)
    emu.reset()
    assert "extra@qq.com" not in {a["agent_id"] for a in emu.agents()}
    assert emu.session(Emulator.WAITING_SESSIONS[0])["state"] == "chatbot_reception"
    assert client.transfer_to_human(Emulator.WAITING_SESSIONS[0]).agent_id
    assert emu.request_count("desk_http_svc/transfer_to_human") == 1, "counts start again"


def test_refused_control_calls_raise_value_error(timdesk_emulator):
    with pytest.raises(ValueError, match="no agent"):
        timdesk_emulator.set_agent_online("nobody@qq.com", True)
    with pytest.raises(ValueError, match="kind"):
        timdesk_emulator.inject_fault("meteor")
    with pytest.raises(ValueError, match="not an emulated endpoint"):
        timdesk_emulator.set_rate_limit("openim/nothing", 5)


def test_a_conversation_through_the_new_endpoints_and_say(timdesk_emulator):
    """The conversation endpoints the emulator models, through the generic call, until
    their typed methods are generated."""
    client = timdesk_emulator.client()
    session = timdesk_emulator.WAITING_SESSIONS[0]

    def state() -> str:
        return str(client.call("desk_http_svc/get_session_state", {"SessionId": session})["CurrentState"])

    assert state() == "Chatbot"
    timdesk_emulator.say(session, "I need a human")
    client.transfer_to_human(session, agent_group_id=3067)
    assert state() == "Agent"
    key = timdesk_emulator.say(session, "Hi, how can I help?", by="agent")
    client.call("desk_http_svc/modify_msg", {"SessionId": session, "MsgKey": key,
                                              "MsgBody": [{"MsgType": "TIMTextElem", "MsgContent": {"Text": "Hello!"}}]})
    first = client.call("desk_http_svc/send_stream_msg", {"SessionId": session, "Chunk": "One "})
    client.call("desk_http_svc/send_stream_msg", {"SessionId": session, "Chunk": "moment.", "MsgKey": first["MsgKey"],
                                                   "Finish": 1})
    history = client.call("desk_http_svc/describe_chat_messages", {"SessionId": session, "Order": 1})
    texts = [(m["FromAccountRole"], m["MsgBody"][0]["MsgContent"]["Text"]) for m in history["Messages"]]
    assert texts == [(1, "I need a human"), (2, "Hello!"), (3, "One moment.")]
    client.end_session(session)
    assert state() == "NotInSession"
