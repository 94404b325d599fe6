"""The WSGI and ASGI examples of docs/callbacks.md, run as written."""
import asyncio
import io
import json
import pathlib
import re

import pytest

DOC = pathlib.Path(__file__).resolve().parents[2] / "docs" / "callbacks.md"
EVENT = json.dumps({"CallbackCommand": "Desk.SessionEventNotify", "SessionId": "s1", "Event": "SessionBegin",
                    "EventTime": 1731488371784}).encode()
ASSIGN = json.dumps({"CallbackCommand": "ChatBot.OnAssignHuman", "SessionId": "s2", "EventTime": 5}).encode()


def example(tag):
    [code] = re.findall(rf"```python {tag}\n(.*?)```", DOC.read_text(), re.S)
    namespace = {}
    exec(compile(code, f"docs/callbacks.md ({tag})", "exec"), namespace)
    return namespace["desk_callback_app"]


def test_the_wsgi_example():
    app = example("wsgi")

    def call(query, body):
        seen = {}
        environ = {"QUERY_STRING": query, "CONTENT_LENGTH": str(len(body)), "wsgi.input": io.BytesIO(body)}
        data = b"".join(app(environ, lambda status, headers: seen.update(status=status)))
        return seen["status"], json.loads(data)

    assert call("SdkAppid=1400000000&RequestID=w1", EVENT) == ("200 OK", {"ActionStatus": "OK", "ErrorCode": 0, "ErrorInfo": ""})
    assert call("SdkAppid=1400000000&RequestID=w1", EVENT)[0] == "200 OK", "a retry is acknowledged"
    assert call("SdkAppid=1400000000&RequestID=w2", ASSIGN)[1]["AgentGroupId"] == 2473
    status, answer = call("SdkAppid=1", EVENT)
    assert status == "400 Bad Request" and "SdkAppid" in answer["error"]


@pytest.mark.parametrize("query, body, status, key", [
    (b"SdkAppid=1400000000&RequestID=a1", EVENT, 200, "ActionStatus"),
    (b"SdkAppid=1400000000&RequestID=a2", ASSIGN, 200, "AgentIdList"),
    (b"SdkAppid=1400000000&RequestID=a3", b"{not json", 400, "error"),
])
def test_the_asgi_example(query, body, status, key):
    app = example("asgi")
    chunks = [{"type": "http.request", "body": body[:5], "more_body": True},
              {"type": "http.request", "body": body[5:], "more_body": False}]
    sent = []

    async def receive():
        return chunks.pop(0)

    async def send(message):
        sent.append(message)

    asyncio.run(app({"type": "http", "query_string": query}, receive, send))
    assert sent[0]["status"] == status
    assert key in json.loads(sent[1]["body"])
