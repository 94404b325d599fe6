"""The documented semantics from Python: same-second MsgRandom dedup, send_msg at most once
by default, every transfer_to_human field, every region, and the core's error kinds."""
import pathlib
import pickle
import time

import pytest

import timdesk
from timdesk import _native
from timdesk._error_kinds import BY_KIND
from timdesk.testing import Emulator

ALICE, BOB, CAROL = Emulator.WAITING_SESSIONS
T0 = 1_700_000_000


@pytest.fixture
def client(timdesk_emulator):
    return timdesk_emulator.client(retry_base_delay=0.005, retry_max_delay=0.02)


def test_every_core_error_kind_has_its_exception_class():
    assert list(BY_KIND) == _native.ERROR_KINDS
    for kind, cls in BY_KIND.items():
        assert cls.kind == kind and issubclass(cls, timdesk.TimdeskError)
        assert cls.__name__ in timdesk.__all__ and getattr(timdesk, cls.__name__) is cls
        # Shown and pickled under its public home, and every attribute survives pickling.
        assert cls.__module__ == "timdesk.exceptions"
        error = cls("boom", code=141001, retryable=True, msg_random=7)
        copy = pickle.loads(pickle.dumps(error))
        assert type(copy) is cls and str(copy) == "boom"
        assert (copy.code, copy.retryable, copy.msg_random, copy.kind) == (141001, True, 7, kind)


def test_at_least_once_repeats_a_lost_answer_and_same_second_dedup_stores_it_once(timdesk_emulator):
    timdesk_emulator.freeze_clock(T0)
    repeating = timdesk_emulator.client(retry_base_delay=0.005, send_msg_retry="at_least_once")
    timdesk_emulator.inject_fault("drop_after_apply", path="desk_http_svc/send_msg")
    sent = repeating.send_msg(session_id=ALICE, body=[timdesk.Text("once")])
    assert [m["msg_random"] for m in timdesk_emulator.messages(ALICE)] == [sent.msg_random]
    # The documented risk of the opt-in: a repeat in a later second is a second message.
    repeating.send_msg(session_id=ALICE, body=[timdesk.Text("x")], msg_random=9)
    timdesk_emulator.advance_clock(1)
    repeating.send_msg(session_id=ALICE, body=[timdesk.Text("x")], msg_random=9)
    assert [m["msg_random"] for m in timdesk_emulator.messages(ALICE)].count(9) == 2
    with pytest.raises(timdesk.InvalidArgumentError, match="send_msg_retry"):
        timdesk_emulator.client(send_msg_retry="twice")


def test_every_transfer_field_reaches_the_emulator(timdesk_emulator, client):
    t = client.transfer_to_human(ALICE, agent_group_id=2473, priority=0, queue_timeout=60)
    assert t.agent_id == "test_agent@qq.com"
    with pytest.raises(timdesk.AgentBusyError) as e:
        client.transfer_to_human(BOB, agent_group_id=2473, disable_queuing=True)
    assert e.value.code == 141012
    assert client.transfer_to_human(BOB, agent_group_id=2473, priority=3).in_queue
    assert timdesk_emulator.queue() == [{"session_id": BOB, "priority": 3}]
    timdesk_emulator.set_agent_status("shannon@qq.com", "busy")
    assert client.transfer_to_human(CAROL, agent_group_id=3067).in_queue
    dave = timdesk_emulator.create_session("user_dave")
    assert client.transfer_to_human(dave, agent_group_id=3067, allow_assign_busy_member=True).agent_id == "shannon@qq.com"

    timdesk_emulator.freeze_clock(T0)  # 06:13 in UTC+8
    timdesk_emulator.set_working_hours("09:00", "18:00")
    erin = timdesk_emulator.create_session("user_erin")
    t = client.transfer_to_human(erin, check_if_during_working_hours=True, send_prompt_not_during_working_hours=True)
    assert (t.agent_id, t.in_queue) == ("", False)
    assert timdesk_emulator.session(erin)["state"] == "chatbot_reception"
    assert timdesk_emulator.messages(erin)[0]["kind"] == "tip"

    for agent in ("shannon@qq.com", "test_agent@qq.com"):
        timdesk_emulator.set_agent_online(agent, False)
    with pytest.raises(timdesk.NoAgentOnlineError):
        client.transfer_to_human(erin, end_session_when_no_member_online=True)
    assert timdesk_emulator.cdrs()[-1]["EndStatus"] == "NoAgentsOnline"


def test_priority_is_checked_before_sending(timdesk_emulator, client):
    before = timdesk_emulator.request_count("desk_http_svc/transfer_to_human")
    with pytest.raises(timdesk.InvalidArgumentError, match="Priority: must be 0 to 9, not 10"):
        client.transfer_to_human(ALICE, priority=10)
    with pytest.raises(timdesk.InvalidArgumentError, match="priority"):
        client.transfer_to_human(ALICE, priority=-1)
    assert timdesk_emulator.request_count("desk_http_svc/transfer_to_human") == before


@pytest.mark.parametrize("region", ["china", "singapore", "seoul", "tokyo", "frankfurt", "silicon-valley",
                                    "jakarta", "mumbai"])
def test_every_documented_region_is_accepted(region):
    assert timdesk.Client(sdkappid=1, secret_key="k", region=region).base_url.startswith("https://adminapi") or \
        region == "china"


def test_max_requests_per_second_paces_calls(timdesk_emulator):
    paced = timdesk_emulator.client(max_requests_per_second=20)
    started = time.perf_counter()
    for _ in range(11):
        paced.describe_im_cdr_list(start=0, end=1)
    assert time.perf_counter() - started >= 0.45, "11 calls at 20/s take at least 0.5 s"


def test_client_options_are_the_cores_and_each_takes_effect():
    import inspect

    assert set(inspect.signature(timdesk.Client).parameters) == set(_native.CLIENT_OPTIONS)
    ca = (pathlib.Path(__file__).resolve().parents[2] / "crates/timdesk/tests/data/tls/ca.pem").read_bytes()
    client = timdesk.Client(
        sdkappid=7, secret_key="k", admin="boss", endpoint="http://127.0.0.1:9", timeout=1.5,
        connect_timeout=0.5, max_attempts=2, retry_base_delay=0.01, retry_max_delay=0.5,
        retry_max_elapsed=3.0, usersig_ttl=3600, proxy="http://127.0.0.1:8", ca_bundle=ca,
        max_requests_per_second=9, send_msg_retry="at_least_once")
    options = client.options
    assert set(options) == set(_native.CLIENT_OPTIONS)
    assert options == {
        "sdkappid": 7, "secret_key": "<redacted>", "admin": "boss", "region": None,
        "endpoint": "http://127.0.0.1:9", "timeout": 1.5, "connect_timeout": 0.5, "max_attempts": 2,
        "retry_base_delay": 0.01, "retry_max_delay": 0.5, "retry_max_elapsed": 3.0, "usersig_ttl": 3600,
        "proxy": "<set>", "ca_bundle": f"<{len(ca)} bytes>",
        "max_requests_per_second": 9, "send_msg_retry": "at_least_once"}
    assert timdesk.Client(sdkappid=1, secret_key="k", region="tokyo").options["region"] == "tokyo"
