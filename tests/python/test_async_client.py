"""timdesk.AsyncClient: the same methods, arguments, results and exceptions as Client,
as awaitables resolved from the client's own I/O thread."""
import asyncio
import inspect
import threading
import time

import pytest
import uvloop

import timdesk
from timdesk.testing import Emulator

from test_conformance import SHAPES, _cases, _fill


def _public(cls):
    return {name for name in dir(cls) if not name.startswith("_")}


def test_the_async_client_has_the_methods_of_the_client():
    assert _public(timdesk.AsyncClient) - {"aclose"} == _public(timdesk.Client) - {"close"}
    for name in _public(timdesk.Client) - {"close", "from_env"}:
        sync, async_ = getattr(timdesk.Client, name), getattr(timdesk.AsyncClient, name)
        if callable(sync):
            assert inspect.signature(sync) == inspect.signature(async_), name


@pytest.mark.parametrize("suite,case", list(_cases()))
def test_documented_case(timdesk_emulator, suite, case):
    expect = case["expect"]["ErrorCode"]
    codes = expect if isinstance(expect, list) else [expect]
    body = _fill(case["body"], timdesk_emulator)
    path = case.get("path", suite["endpoint"])

    async def run():
        async with timdesk_emulator.async_client(max_attempts=1) as client:
            if codes == [0]:
                answer = await client.call(path, body)
                for field, kind in case["expect"].get("shape", {}).items():
                    assert isinstance(answer[field], SHAPES[kind]), (field, answer)
            else:
                with pytest.raises(timdesk.TimdeskError) as e:
                    await client.call(path, body)
                assert e.value.code in codes, f"{case['from']}: got {e.value!r}"

    asyncio.run(run())


async def _tokens():
    for token in ["Your ", "order ", "ships."]:
        await asyncio.sleep(0)
        yield token


async def _conversation(emu, client):
    session = emu.create_session("ann")
    assert (await client.get_session_state(session_id=session)).current_state == "Chatbot"
    emu.say(session, "I need a human")
    key = await client.stream_msg(session, _tokens())
    assert key
    transfer = await client.transfer_to_human(session, agent_ids=["test_agent@qq.com"])
    assert transfer.agent_id == "test_agent@qq.com" and not transfer.in_queue
    sent = await client.send_msg(session_id=session, body=[timdesk.Text("Hello")], msg_random=7)
    assert sent.msg_random == 7
    history = await client.describe_chat_messages(session, order=1)
    texts = [m["MsgBody"][0]["MsgContent"]["Text"] for m in history.messages]
    assert texts == ["I need a human", "Your order ships.", "Hello"]
    with pytest.raises(timdesk.NotTransferableError) as e:
        await client.transfer_to_human(session)
    assert e.value.code == 141003
    with pytest.raises(timdesk.InvalidArgumentError, match="Limit"):
        await client.describe_chat_messages(session, limit=1000)
    await client.end_session(session)
    records = [r async for r in client.iter_cdrs(start=0, end=4_000_000_000)]
    assert session in [r.session_id for r in records]


def test_a_conversation_awaited_under_asyncio():
    with Emulator() as emu:
        async def main():
            async with emu.async_client() as client:
                await _conversation(emu, client)
            assert client.closed
            with pytest.raises(RuntimeError, match="closed"):
                await client.get_session_state(session_id=emu.WAITING_SESSIONS[0])
        asyncio.run(main())


def test_the_same_under_uvloop():
    with Emulator() as emu:
        async def main():
            async with emu.async_client() as client:
                await _conversation(emu, client)
        uvloop.run(main())


async def _state_call_in_flight(emu, delay_ms):
    """A client, a waiting session, and a get_session_state task the emulator holds for
    `delay_ms`, already sent."""
    client = emu.async_client(timeout=10)
    session = emu.WAITING_SESSIONS[0]
    emu.inject_fault("delay", path="desk_http_svc/get_session_state", ms=delay_ms)
    task = asyncio.create_task(client.get_session_state(session_id=session))
    await asyncio.sleep(min(0.1, delay_ms / 4000))
    return client, session, task


def test_cancelling_a_task_cancels_its_request_and_the_client_stays_usable():
    with Emulator() as emu:
        async def main():
            client, session, task = await _state_call_in_flight(emu, delay_ms=3000)
            started = time.monotonic()
            task.cancel()
            with pytest.raises(asyncio.CancelledError):
                await task
            assert time.monotonic() - started < 0.5
            state = await asyncio.wait_for(client.get_session_state(session_id=session), 2)
            assert state.current_state == "Chatbot"
            await client.aclose()
        asyncio.run(main())


def test_a_session_history_walks_page_by_page_with_async_for():
    with Emulator() as emu:
        session = emu.WAITING_SESSIONS[0]
        for i in range(150):
            emu.say(session, f"message {i}")

        async def main():
            client = emu.async_client()
            oldest = [m async for m in client.iter_chat_messages(session, order=1)]
            newest = [m async for m in client.iter_chat_messages(session, order=2)]
            await client.aclose()
            return oldest, newest
        oldest, newest = asyncio.run(main())
        texts = [m["MsgBody"][0]["MsgContent"]["Text"] for m in oldest]
        assert len(texts) == len(emu.messages(session)) >= 150
        assert texts[-1] == "message 149"
        assert newest == oldest[::-1]
        sync = [m["MsgBody"][0]["MsgContent"]["Text"] for m in emu.client().iter_chat_messages(session, order=1)]
        assert sync == texts

        async def refused():
            with pytest.raises(timdesk.InvalidArgumentError, match="Order"):
                emu.async_client().iter_chat_messages(session, order=3)
        asyncio.run(refused())


def test_a_failed_page_ends_an_async_walk_after_its_error():
    with Emulator() as emu:
        for i in range(130):
            emu.end_session(emu.create_session("walker", started_at=7000 + i), "UserTimeout")

        async def main():
            client = emu.async_client()
            walk = client.iter_cdrs(start=7000, end=8000)
            first_page = [await walk.__anext__() for _ in range(100)]
            emu.inject_fault("error_code", path="desk_http_svc/describe_im_cdr_list", code=141004, info="injected")
            with pytest.raises(timdesk.InvalidArgumentError, match="injected"):
                await walk.__anext__()
            with pytest.raises(StopAsyncIteration):
                await walk.__anext__()
            await client.aclose()
            return first_page
        first_page = asyncio.run(main())
        assert [r.timestamp for r in first_page] == list(range(7000, 7100))
        assert emu.request_count("desk_http_svc/describe_im_cdr_list") == 2


def test_a_call_in_flight_when_the_client_closes_still_ends():
    """Closing lets calls in flight finish with their answers: the I/O thread lives until
    its last call ends, and writes its pending wake-ups as it stops."""
    with Emulator() as emu:
        async def main():
            client, _, task = await _state_call_in_flight(emu, delay_ms=200)
            await client.aclose()
            state = await asyncio.wait_for(task, 5)
            assert state.current_state == "Chatbot"
        asyncio.run(main())


def test_one_client_serves_event_loops_in_several_threads():
    with Emulator() as emu:
        client = emu.async_client()
        session = emu.WAITING_SESSIONS[1]
        results, errors = [], []

        async def burst():
            states = await asyncio.gather(*[client.get_session_state(session_id=session) for _ in range(50)])
            return {s.current_state for s in states}

        def worker():
            try:
                results.append(asyncio.run(burst()))
            except Exception as e:  # reported below
                errors.append(e)

        threads = [threading.Thread(target=worker) for _ in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(30)
        assert not errors and results == [{"Chatbot"}] * 4


@pytest.mark.asyncio
async def test_the_async_fixture(timdesk_async_client, timdesk_emulator):
    t = await timdesk_async_client.transfer_to_human(timdesk_emulator.WAITING_SESSIONS[2])
    assert t.agent_id


def test_calling_without_a_running_loop_says_so():
    with Emulator() as emu:
        client = emu.async_client()
        with pytest.raises(RuntimeError, match="no running event loop"):
            client.get_session_state(session_id=emu.WAITING_SESSIONS[0])


def test_a_signer_keyed_once_matches_the_one_shot_functions():
    signer = timdesk.Signer(sdkappid=1400000000, secret_key="secret-key-xyz")
    sig = signer.gen("alice", expire=600, userbuf=b"\x01", time=1_700_000_000)
    assert sig == timdesk.gen_usersig(sdkappid=1400000000, secret_key="secret-key-xyz", identifier="alice",
                                      expire=600, userbuf=b"\x01", time=1_700_000_000)
    assert signer.verify(sig, "alice", at=1_700_000_001).identifier == "alice"
    with pytest.raises(timdesk.UserSigError) as e:
        signer.verify(sig, "bob", at=1_700_000_001)
    assert e.value.reason
    assert "secret" not in repr(signer) and signer.sdkappid == 1400000000
    # As the reference's gen_sig(identifier, expire): expire by position too.
    assert signer.gen("alice", 600, time=1_700_000_000) == signer.gen("alice", expire=600, time=1_700_000_000)
    assert timdesk.decode_usersig(signer.gen("alice", 600)).expire == 600
