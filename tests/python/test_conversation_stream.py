"""send_stream_msg fed by an iterator of chunks, as an LLM-backed bot produces them."""
import pytest

import timdesk
from timdesk.testing import Emulator


def tokens():
    yield from ["Your ", "order ", "ships ", "today."]


def test_a_generator_of_chunks_becomes_one_finished_message():
    with Emulator() as emu:
        client = emu.client()
        session = emu.create_session("ivy")
        key = client.stream_msg(session, tokens(), cloud_custom_data="llm")
        history = client.describe_chat_messages(session)
        assert [m["MsgBody"][0]["MsgContent"]["Text"] for m in history.messages] == ["Your order ships today."]
        # The last chunk carried Finish: the stream takes no more chunks.
        with pytest.raises(timdesk.InvalidArgumentError) as e:
            client.send_stream_msg(session, " More?", msg_key=key)
        assert e.value.code == 141004


def test_a_finished_stream_says_it_is_finished():
    with Emulator() as emu:
        client = emu.client()
        session = emu.create_session("kim")
        stream = client.msg_stream(session)
        stream.push("Hello")
        key = stream.finish()
        for late in (lambda: stream.finish(), lambda: stream.push("again")):
            with pytest.raises(timdesk.InvalidArgumentError, match=rf"stream: is finished \(MsgKey {key}\)"):
                late()
        assert [m["MsgBody"][0]["MsgContent"]["Text"] for m in client.describe_chat_messages(session).messages] == [
            "Hello"
        ]


def test_bad_chunks_are_refused_naming_them():
    with Emulator() as emu:
        client = emu.client()
        session = emu.create_session("jay")
        with pytest.raises(timdesk.InvalidArgumentError, match="chunks"):
            client.stream_msg(session, "one string")
        with pytest.raises(timdesk.InvalidArgumentError, match="Chunk"):
            client.stream_msg(session, iter(()))
        with pytest.raises(timdesk.InvalidArgumentError, match=r"chunks\[1\]"):
            client.stream_msg(session, ["ok", 2])
        # "ok" was still held back when the bad chunk came: nothing went out.
        assert client.describe_chat_messages(session).total_count == 0
