"""timdesk.Client from Python against the in-process emulator (the pytest plugin's fixture)."""
import datetime
import logging
import threading
import time

import pytest

import timdesk
from timdesk.testing import Emulator

ALICE, BOB, CAROL = Emulator.WAITING_SESSIONS


@pytest.fixture
def client(timdesk_emulator):
    return timdesk_emulator.client(retry_base_delay=0.005, retry_max_delay=0.02)


def test_a_whole_session(timdesk_emulator, client):
    t = client.transfer_to_human(ALICE, agent_group_id=3067)
    assert (t.agent_id, t.in_queue) == ("shannon@qq.com", False)
    assert repr(t) == 'Transfer(agent_id="shannon@qq.com", in_queue=False)'
    card = timdesk.Card(header="Order 42", desc="2 items", pic="https://x/p.jpg", url="https://x/o/42")
    sent = client.send_msg(session_id=ALICE, body=[timdesk.Text("hi"), card, timdesk.Custom({"k": "v"})],
                           cloud_custom_data="ccd", exclude_from_user_resp_timeout=True)
    [stored] = timdesk_emulator.messages(ALICE)
    assert stored["msg_random"] == sent.msg_random
    assert [e["MsgType"] for e in stored["msg_body"]] == ["TIMTextElem", "TIMCustomElem", "TIMCustomElem"]
    assert stored["msg_body"][2]["MsgContent"]["Data"] == '{"k":"v"}'  # the core's JSON
    assert stored["cloud_custom_data"] == "ccd"
    client.end_session(ALICE)
    page = client.describe_im_cdr_list(start=datetime.datetime(2020, 1, 1), end=int(time.time()) + 60)
    assert page.total_count == 1 and len(page) == 1
    record = page.records[0]
    assert (record.session_id, record.end_status, record.agent_id) == (ALICE, "AgentEndedSession", "shannon@qq.com")
    client.send_msg(from_account="shannon@qq.com", to_account="user_alice", body=[timdesk.Text("bye")], msg_random=7)
    def peers():
        return [c["peer"] for c in timdesk_emulator.conversations("user_alice")]

    # The in-session message came from the desk's account; the direct one from the agent.
    assert peers() == ["@customer_service_account", "shannon@qq.com"]
    client.delete_recent_contact(from_account="user_alice", to_account="shannon@qq.com", clear_roaming=True)
    assert peers() == ["@customer_service_account"]


def test_the_by_name_call_refuses_what_its_model_refuses_before_sending(timdesk_emulator, client):
    with pytest.raises(timdesk.InvalidArgumentError,
                       match=r"Limti: is not a field of describe_im_cdr_list \(its fields: StartTimestamp"):
        client.call_endpoint("describe_im_cdr_list", {"StartTimestamp": 0, "EndTimestamp": 1, "Limti": 5})
    with pytest.raises(timdesk.InvalidArgumentError,
                       match="CustomerServiceId: is required: give SessionId, or ClientUserId with CustomerServiceId"):
        client.call_endpoint("get_session_state", {"ClientUserId": "user_alice"})
    with pytest.raises(timdesk.InvalidArgumentError, match="give SessionId, or ClientUserId"):
        client.get_session_state()
    assert timdesk_emulator.request_count("desk_http_svc/describe_im_cdr_list") == 0
    assert timdesk_emulator.request_count("desk_http_svc/get_session_state") == 0


def test_queueing_and_group_conversations(timdesk_emulator, client):
    client.transfer_to_human(ALICE, agent_group_id=2473)
    assert client.transfer_to_human(BOB, agent_group_id=2473).in_queue
    timdesk_emulator.control("POST", "/conversations/user_dave/groups", {"group_id": "@TGS#1"})
    client.delete_recent_contact(from_account="user_dave", to_group="@TGS#1")


def test_every_element_class_serializes_through_the_core(timdesk_emulator, client):
    body = [
        timdesk.Text("t"), timdesk.Custom("raw", desc="d"), timdesk.Face(1), timdesk.Location("here", 1.5, 2.5),
        timdesk.Image("u", 1, (timdesk.ImageInfo(1, 10, 2, 3, "https://x/i"),)), timdesk.Sound("https://x/s", 1, 2),
        timdesk.File("https://x/f", 3, "f.txt"), timdesk.Video("v", 1, 2, "mp4", "t", 3, 4, 5, "jpg"),
        {"MsgType": "TIMTextElem", "MsgContent": {"Text": "a dict"}},
    ]
    client.send_msg(session_id=ALICE, body=body)
    types = [e["MsgType"] for e in timdesk_emulator.messages(ALICE)[0]["msg_body"]]
    assert types == ["TIMTextElem", "TIMCustomElem", "TIMFaceElem", "TIMLocationElem", "TIMImageElem",
                     "TIMSoundElem", "TIMFileElem", "TIMVideoFileElem", "TIMTextElem"]
    assert timdesk.Location("here", 1.5, 2.5).to_json() == {
        "MsgType": "TIMLocationElem", "MsgContent": {"Desc": "here", "Latitude": 1.5, "Longitude": 2.5}}


def test_elements_are_native_frozen_values_that_pickle():
    import pickle

    card = timdesk.Card(header="Order 42", desc="2 items", pic="https://x/p", url="https://x/o")
    assert card == timdesk.Card("Order 42", "2 items", "https://x/p", "https://x/o") and card != timdesk.Text("x")
    assert repr(card) == "Card(header='Order 42', desc='2 items', pic='https://x/p', url='https://x/o')"
    assert type(card).__module__ == "timdesk._native" and timdesk.messages.Card is timdesk.Card
    with pytest.raises(AttributeError):
        card.header = "changed"  # type: ignore[misc]
    for element in (card, timdesk.Custom({"k": [1, 2]}, desc="d"), timdesk.Face(3),
                    timdesk.Image("u", 1, (timdesk.ImageInfo(1, 10, 2, 3, "https://x/i"),)),
                    timdesk.Video("v", 1, 2, "mp4", "t", 3, 4, 5, "jpg")):
        copy = pickle.loads(pickle.dumps(element))
        assert copy == element and copy.to_json() == element.to_json()
    assert timdesk.Custom({"k": [1, 2]}).data == '{"k":[1,2]}'
    with pytest.raises(TypeError):
        timdesk.Text(5)  # type: ignore[arg-type]


def test_iter_cdrs_pages_lazily(timdesk_emulator, client):
    for i in range(230):
        session = timdesk_emulator.create_session(f"u{i % 2}", started_at=5000 + i)
        timdesk_emulator.end_session(session, "UserTimeout")
    records = client.iter_cdrs(start=5000, end=6000)
    assert timdesk_emulator.request_count("desk_http_svc/describe_im_cdr_list") == 0
    first = next(records)
    assert first.timestamp == 5000
    assert len(list(records)) == 229
    assert timdesk_emulator.request_count("desk_http_svc/describe_im_cdr_list") == 3
    assert len(list(client.iter_cdrs(start=0, end=10**10, client_user_id="u1"))) == 115


def test_generic_call(timdesk_emulator, client):
    answer = client.call("desk_http_svc/transfer_to_human", {"SessionId": ALICE})
    assert answer["AgentId"] == "shannon@qq.com" and answer["ErrorCode"] == 0
    with pytest.raises(timdesk.ConfigurationError) as e:
        client.call("openim/admin_getroammsg", {})
    assert e.value.code == 60009 and not isinstance(e.value, timdesk.NotFoundError)


@pytest.mark.parametrize("code,cls", [
    (141001, timdesk.NoAgentOnlineError), (141003, timdesk.NotTransferableError), (141005, timdesk.NotFoundError),
    (141004, timdesk.InvalidArgumentError), (70009, timdesk.AuthError), (141000, timdesk.ForbiddenError),
    (141009, timdesk.RateLimitedError), (141002, timdesk.ServerError), (99999, timdesk.UnknownError),
    (141012, timdesk.AgentBusyError), (60009, timdesk.ConfigurationError), (70169, timdesk.ServerError),
    (70500, timdesk.ServerError),
])
def test_each_server_code_raises_its_class(timdesk_emulator, client, code, cls):
    timdesk_emulator.inject_fault("error_code", path="desk_http_svc/end_session", code=code, info="injected", count=-1)
    with pytest.raises(cls) as e:
        client.end_session(ALICE)
    assert isinstance(e.value, timdesk.TimdeskError)
    assert (e.value.code, e.value.info) == (code, "injected")
    assert "injected" in str(e.value) and str(code) in str(e.value)
    assert e.value.retryable == (code in (141009, 141002, 70169, 70500))


def test_local_failures_raise_their_classes(timdesk_emulator, client):
    timdesk_emulator.inject_fault("http_status", status=502, count=-1)
    with pytest.raises(timdesk.ServerError) as e:
        client.end_session(ALICE)
    assert e.value.http_status == 502 and e.value.code is None
    timdesk_emulator.clear_faults()
    timdesk_emulator.inject_fault("malformed_json", count=-1)
    with pytest.raises(timdesk.BadResponseError):
        client.end_session(ALICE)
    timdesk_emulator.clear_faults()
    timdesk_emulator.inject_fault("delay", ms=1500)
    slow = timdesk_emulator.client(timeout=0.2, max_attempts=1)
    with pytest.raises(timdesk.TimeoutError) as e:
        slow.end_session(ALICE)
    assert isinstance(e.value, TimeoutError) and isinstance(e.value, timdesk.NetworkError)
    assert e.value.maybe_applied
    closed = timdesk.Client(sdkappid=1, secret_key="k", endpoint="http://127.0.0.1:9", max_attempts=1)
    with pytest.raises(timdesk.NetworkError) as e:
        closed.end_session(ALICE)
    assert isinstance(e.value, ConnectionError)


def test_retries_are_logged_and_send_msg_is_at_most_once(timdesk_emulator, client, caplog):
    caplog.set_level(logging.INFO, logger="timdesk")
    timdesk_emulator.inject_fault("drop_after_apply", path="desk_http_svc/send_msg")
    with pytest.raises(timdesk.NetworkError) as e:
        client.send_msg(session_id=ALICE, body=[timdesk.Text("once")], msg_random=5151)
    assert e.value.maybe_applied and e.value.msg_random == 5151 and "MsgRandom 5151" in str(e.value)
    assert [m["msg_random"] for m in timdesk_emulator.messages(ALICE)] == [5151], "applied once, not repeated"
    timdesk_emulator.inject_fault("error_code", path="desk_http_svc/send_msg", code=141002, info="retry")
    client.send_msg(session_id=ALICE, body=[timdesk.Text("again")])
    assert any("retrying desk_http_svc/send_msg" in r.getMessage() for r in caplog.records)
    timdesk_emulator.inject_fault("error_code", code=70001, info="UserSig expired")
    client.send_msg(session_id=ALICE, body=[timdesk.Text("renewed")])
    assert any("UserSig renewed (rejected)" in r.getMessage() for r in caplog.records)
    assert all(timdesk_emulator.secret_key not in r.getMessage() for r in caplog.records)


def test_the_gil_is_released_so_threads_share_one_client(timdesk_emulator, client):
    timdesk_emulator.inject_fault("delay", path="desk_http_svc/describe_im_cdr_list", ms=400, count=-1)
    started = time.perf_counter()
    client.describe_im_cdr_list(start=0, end=1)
    single = time.perf_counter() - started
    errors = []

    def work():
        try:
            client.describe_im_cdr_list(start=0, end=1)
        except Exception as e:  # pragma: no cover - reported below
            errors.append(e)

    threads = [threading.Thread(target=work) for _ in range(8)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    parallel = time.perf_counter() - started
    assert not errors
    assert parallel < single * 2.5, f"8 threads took {parallel:.2f}s, one call {single:.2f}s: the GIL was held"


@pytest.mark.parametrize("call,exc", [
    (lambda c: c.transfer_to_human(None), TypeError),
    (lambda c: c.transfer_to_human(123), TypeError),
    (lambda c: c.transfer_to_human(""), ValueError),
    (lambda c: c.transfer_to_human(ALICE, agent_group_id="3067"), TypeError),
    (lambda c: c.transfer_to_human(ALICE, agent_group_id=-1), ValueError),
    (lambda c: c.send_msg(session_id=ALICE, body="hello"), TypeError),
    (lambda c: c.send_msg(session_id=ALICE, body=[42]), TypeError),
    (lambda c: c.send_msg(session_id=ALICE, body=[]), ValueError),
    (lambda c: c.send_msg(session_id=ALICE, body=[timdesk.Text("x" * 1_000_000)]), ValueError),
    (lambda c: c.send_msg(session_id=ALICE, body=[timdesk.Text("x")], msg_random=2**32), ValueError),
    (lambda c: c.send_msg(session_id=ALICE, body=[timdesk.Text("x")], msg_random=True), TypeError),
    (lambda c: c.send_msg(body=[timdesk.Text("x")]), ValueError),
    (lambda c: c.send_msg(session_id=ALICE, body=[{"MsgType": "TIMTextElem"}]), ValueError),
    (lambda c: c.send_msg(session_id=ALICE, body=[timdesk.Text("\ud800")]), ValueError),
    (lambda c: c.describe_im_cdr_list(start=None, end=1), TypeError),
    (lambda c: c.describe_im_cdr_list(start=1.5, end=2), TypeError),
    (lambda c: c.describe_im_cdr_list(start=0, end=1, limit=101), ValueError),
    (lambda c: c.describe_im_cdr_list(start=-5, end=1), ValueError),
    (lambda c: c.delete_recent_contact(from_account="u", to_account="a", to_group="g"), ValueError),
    (lambda c: c.call("no-slash", {}), ValueError),
    (lambda c: c.call("a/b", [1, 2]), TypeError),
    (lambda c: c.call("a/b", {"x": object()}), TypeError),
    (lambda c: c.call("a/b", {1: 2}), TypeError),
    (lambda c: c.end_session("s" * 5_000_000), timdesk.TimdeskError),
])
def test_bad_input_raises_type_or_value_errors(timdesk_emulator, client, call, exc):
    with pytest.raises(exc):
        call(client)


def test_construction_errors_name_the_argument():
    for kwargs, needle in [
        (dict(sdkappid=1, secret_key=""), "secret_key"),
        (dict(sdkappid=1, secret_key="k", region="mars"), "region"),
        (dict(sdkappid=1, secret_key="k", region="china", endpoint="http://x"), "not both"),
        (dict(sdkappid=1, secret_key="k", timeout=0), "timeout"),
        (dict(sdkappid=-1, secret_key="k"), "sdkappid"),
        (dict(sdkappid=1, secret_key="k", ca_bundle=b"junk"), "ca_bundle"),
    ]:
        with pytest.raises(timdesk.InvalidArgumentError, match=needle):
            timdesk.Client(**kwargs)
    with pytest.raises(TypeError):
        timdesk.Client(sdkappid="1", secret_key="k")


def test_from_env(timdesk_emulator, monkeypatch):
    monkeypatch.setenv("TIMDESK_SDKAPPID", str(timdesk_emulator.sdkappid))
    monkeypatch.setenv("TIMDESK_SECRET_KEY", timdesk_emulator.secret_key)
    monkeypatch.setenv("TIMDESK_ENDPOINT", timdesk_emulator.base_url)
    monkeypatch.delenv("TIMDESK_REGION", raising=False)
    assert timdesk.Client.from_env().transfer_to_human(ALICE).agent_id == "shannon@qq.com"
    monkeypatch.delenv("TIMDESK_SECRET_KEY")
    with pytest.raises(timdesk.InvalidArgumentError, match="TIMDESK_SECRET_KEY"):
        timdesk.Client.from_env()


def test_results_are_immutable(client):
    t = client.transfer_to_human(ALICE)
    with pytest.raises(AttributeError):
        t.agent_id = "x"
    with pytest.raises(Exception):
        timdesk.Text("a").text = "b"


def test_usersig_functions():
    sig = timdesk.gen_usersig(sdkappid=1400000000, secret_key="k", identifier="客服", expire=600,
                              userbuf=b"\x00\x01", time=datetime.datetime(2024, 1, 1, tzinfo=datetime.timezone.utc))
    doc = timdesk.verify_usersig(sig, sdkappid=1400000000, secret_key="k", identifier="客服", at=1704067200)
    assert (doc.identifier, doc.time, doc.expire, doc.expires_at, doc.userbuf) == ("客服", 1704067200, 600, 1704067800, b"\x00\x01")
    assert "sig" not in repr(doc).replace("UserSig", "")
    with pytest.raises(timdesk.UserSigError) as e:
        timdesk.verify_usersig(sig, sdkappid=1400000000, secret_key="k", identifier="客服", at=1704067801)
    assert e.value.reason == "expired" and isinstance(e.value, timdesk.AuthError)
    assert timdesk.decode_usersig(sig).sdkappid == 1400000000
    with pytest.raises(timdesk.UserSigError) as e:
        timdesk.decode_usersig("garbage!")
    assert e.value.reason == "not_base64"


def test_help_shows_docstrings():
    assert "human agent" in (timdesk.Client.transfer_to_human.__doc__ or "")
    assert "GIL" in (timdesk.Client.__doc__ or "")
    assert timdesk.exceptions.TimdeskError.__doc__


def test_the_emulator_context_manager_stops():
    with Emulator(sdkappid=7, secret_key="s", admin="boss") as emu:
        client = emu.client()
        assert client.describe_im_cdr_list(start=0, end=1).total_count == 0
    assert not emu._native.running
    with pytest.raises(timdesk.NetworkError):
        emu.client(max_attempts=1).end_session(ALICE)


def test_the_client_is_a_context_manager_and_closes(timdesk_emulator):
    with timdesk_emulator.client() as c:
        assert not c.closed
        assert c.describe_im_cdr_list(start=0, end=1).total_count == 0
    assert c.closed
    with pytest.raises(RuntimeError, match="closed"):
        c.end_session(ALICE)
    with pytest.raises(RuntimeError, match="closed"):
        c.iter_cdrs(start=0, end=1)
    c.close()  # idempotent
    assert "Client(base_url=" in repr(c)


def test_exceptions_survive_pickling(timdesk_emulator, client):
    import pickle

    timdesk_emulator.inject_fault("drop_after_apply", path="desk_http_svc/send_msg")
    with pytest.raises(timdesk.NetworkError) as e:
        client.send_msg(session_id=ALICE, body=[timdesk.Text("x")], msg_random=12)
    copy = pickle.loads(pickle.dumps(e.value))
    assert type(copy) is timdesk.NetworkError and str(copy) == str(e.value)
    assert (copy.code, copy.maybe_applied, copy.msg_random, copy.kind) == (None, True, 12, "network")
    with pytest.raises(timdesk.UserSigError) as u:
        timdesk.decode_usersig("!!")
    copy = pickle.loads(pickle.dumps(u.value))
    assert isinstance(copy, timdesk.AuthError) and copy.reason == u.value.reason and str(copy) == str(u.value)


def test_results_compare_by_value(timdesk_emulator, client):
    a = client.describe_im_cdr_list(start=0, end=1)
    b = client.describe_im_cdr_list(start=0, end=1)
    assert a == b and a is not b
    first = client.transfer_to_human(ALICE, agent_group_id=3067)
    second = client.transfer_to_human(BOB, agent_group_id=3067)
    assert first == second and first is not second  # both with shannon@qq.com, not queued
    assert client.send_msg(session_id=ALICE, body=[timdesk.Text("x")], msg_random=3) == \
        client.send_msg(session_id=BOB, body=[timdesk.Text("x")], msg_random=3)


def test_a_retry_prints_nothing_when_the_program_configured_no_logging(timdesk_emulator):
    import subprocess
    import sys

    script = f"""
import timdesk
client = timdesk.Client(sdkappid={timdesk_emulator.sdkappid}, secret_key={timdesk_emulator.secret_key!r},
                        endpoint={timdesk_emulator.base_url!r}, retry_base_delay=0.001)
client.describe_im_cdr_list(start=0, end=1)
print("done")
"""
    timdesk_emulator.inject_fault("error_code", path="desk_http_svc/describe_im_cdr_list", code=141002, info="retry")
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == "done" and run.stderr == ""
    assert timdesk_emulator.request_count("desk_http_svc/describe_im_cdr_list") == 2, "it did retry"
