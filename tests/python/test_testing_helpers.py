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


def test_a_conversation_through_the_generated_methods_and_say(timdesk_emulator):
    """The conversation endpoints through the methods generated from their models."""
    client = timdesk_emulator.client()
    session = timdesk_emulator.WAITING_SESSIONS[0]

    def state() -> str:
        return client.get_session_state(session_id=session).current_state

    assert state() == "Chatbot"
    timdesk_emulator.say(session, "I need a human")
    client.transfer_to_human(session, agent_group_id=3067)
    answer = client.get_session_state(session_id=session)
    assert (answer.current_state, answer.agent_id) == ("Agent", "shannon@qq.com")
    assert "GetSessionStateAnswer(session_id=" in repr(answer)
    key = timdesk_emulator.say(session, "Hi, hw can I help?", by="agent")
    client.modify_msg(session, key, [timdesk.Text("Hi, how can I help?")])
    first = client.send_stream_msg(session, "One ")
    client.send_stream_msg(session, "moment.", msg_key=first.msg_key, finish=True)
    history = client.describe_chat_messages(session, order=1)
    texts = [(m["FromAccountRole"], m["MsgBody"][0]["MsgContent"]["Text"]) for m in history.messages]
    assert history.total_count == 3
    assert texts == [(1, "I need a human"), (2, "Hi, how can I help?"), (3, "One moment.")]
    with pytest.raises(timdesk.InvalidArgumentError, match="Limit: must be 1 to 100"):
        client.describe_chat_messages(session, limit=101)
    client.end_session(session)
    assert state() == "NotInSession"


def test_the_queue_and_contact_user_through_generated_methods(timdesk_emulator):
    client = timdesk_emulator.client()
    alice, bob = timdesk_emulator.WAITING_SESSIONS[:2]
    client.transfer_to_human(alice, agent_group_id=2473)
    assert client.transfer_to_human(bob, agent_group_id=2473).in_queue
    client.end_queuing(bob)
    with pytest.raises(timdesk.UnknownError) as e:
        client.end_queuing(bob)
    assert e.value.code == 141027
    assert client.contact_user("@im_agent", "user_dave", group_id=3067).member_id == "shannon@qq.com"
    with pytest.raises(timdesk.NoAgentOnlineError):
        client.contact_user("@im_agent", "user_erin", member_id="night_agent@qq.com")


def test_the_seed_is_read_from_the_emulator_and_is_what_it_holds():
    with Emulator() as emu:
        state = emu.control("GET", "/state")
        assert Emulator.WAITING_SESSIONS == tuple(s["session_id"] for s in state["sessions"])
        assert Emulator.SEED == emu.control("GET", "/seed")
        assert set(Emulator.AGENTS) == {a["agent_id"] for a in state["agents"]}
        assert Emulator.SEED["sessions"][0]["client_user_id"] == "user_alice"
        assert Emulator.SEED["users"] == ["user_dave"]
