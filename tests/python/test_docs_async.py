"""The webhook of docs/async.md, run as written: the emulator calls it back over HTTP
(asyncio's own server, no framework), and its handover reaches the emulator."""
import asyncio
import pathlib
import re

from timdesk.testing import Emulator

DOC = pathlib.Path(__file__).resolve().parents[2] / "docs" / "async.md"


def example(tag):
    [code] = re.findall(rf"```python {tag}\n(.*?)```", DOC.read_text(), re.S)
    namespace = {}
    exec(compile(code, f"docs/async.md ({tag})", "exec"), namespace)
    return namespace


async def serve_asgi(app):
    """A minimal HTTP/1.1 server for one ASGI app on 127.0.0.1 (Connection: close)."""
    async def handle(reader, writer):
        head = await reader.readuntil(b"\r\n\r\n")
        request_line, *headers = head.decode("latin-1").split("\r\n")
        target = request_line.split(" ")[1]
        length = next(int(h.split(":")[1]) for h in headers if h.lower().startswith("content-length"))
        body = await reader.readexactly(length)
        messages = [{"type": "http.request", "body": body, "more_body": False}]
        sent = []

        async def receive():
            return messages.pop(0)

        async def send(message):
            sent.append(message)

        await app({"type": "http", "query_string": target.partition("?")[2].encode()}, receive, send)
        data = sent[1]["body"]
        writer.write(f"HTTP/1.1 {sent[0]['status']} X\r\nContent-Length: {len(data)}\r\n"
                     f"Connection: close\r\n\r\n".encode() + data)
        await writer.drain()
        writer.close()

    return await asyncio.start_server(handle, "127.0.0.1", 0)


def test_the_webhook_hands_the_user_over_when_asked(monkeypatch):
    with Emulator() as emu:
        monkeypatch.setenv("TIMDESK_SDKAPPID", str(emu.sdkappid))
        monkeypatch.setenv("TIMDESK_SECRET_KEY", emu.secret_key)
        monkeypatch.setenv("TIMDESK_ENDPOINT", emu.base_url)
        monkeypatch.delenv("TIMDESK_REGION", raising=False)
        monkeypatch.delenv("TIMDESK_ADMIN", raising=False)

        async def main():
            app = example("webhook")
            server = await serve_asgi(app["desk_callback_app"])
            port = server.sockets[0].getsockname()[1]
            emu.set_callback_url(f"http://127.0.0.1:{port}/desk")
            session = emu.create_session("hana")
            emu.say(session, "hello")
            emu.say(session, "Can I talk to a human?")
            for _ in range(200):
                state = await app["client"].get_session_state(session_id=session)
                if state.current_state != "Chatbot":
                    break
                await asyncio.sleep(0.02)
            assert state.current_state == "Agent" and state.agent_id
            assert [d["acknowledged"] for d in emu.callback_deliveries()] == [True, True, True]
            server.close()
            await app["client"].aclose()

        asyncio.run(main())
