"""Test your code offline against the built-in emulator of the Desk server API.

As a context manager::

    from timdesk.testing import Emulator

    with Emulator() as emu:
        client = emu.client()
        client.transfer_to_human(emu.WAITING_SESSIONS[0])
        assert emu.session(emu.WAITING_SESSIONS[0])["state"] == "with_agent"

As a pytest fixture (this module is a pytest plugin, registered when timdesk is
installed)::

    def test_handover(timdesk_emulator):
        client = timdesk_emulator.client()
        ...

For asyncio tests (with pytest-asyncio installed), ``timdesk_async_client`` is an
:class:`timdesk.AsyncClient` of a fresh emulator, closed after the test; the emulator is
its ``emulator`` fixture, ``timdesk_emulator``::

    async def test_handover(timdesk_async_client, timdesk_emulator):
        t = await timdesk_async_client.transfer_to_human(timdesk_emulator.WAITING_SESSIONS[0])
"""
from __future__ import annotations

from typing import Any, AsyncIterator, Dict, Iterator, List, Optional, Tuple, cast

from . import _native
from ._native import AsyncClient, Client

__all__ = ["Emulator", "timdesk_emulator", "timdesk_async_client"]


class Emulator:
    """An emulator of the server running in this process on 127.0.0.1 (a free port by
    default), holding the built-in data set. Stops on ``stop()`` or leaving ``with``."""

    #: The built-in data set every emulator starts with, read from the emulator that
    #: declares it: ``groups``, ``agents``, ``sessions`` and ``users`` (docs/emulator.md).
    SEED: Dict[str, Any] = _native.Emulator.seed()
    #: SessionIds of the built-in users waiting in chatbot reception.
    WAITING_SESSIONS: Tuple[str, ...] = tuple(s["session_id"] for s in SEED["sessions"])
    #: UserIDs of the built-in agents.
    AGENTS: Tuple[str, ...] = tuple(a["agent_id"] for a in SEED["agents"])

    def __init__(self, *, sdkappid: Optional[int] = None, secret_key: Optional[str] = None,
                 admin: Optional[str] = None, port: int = 0, callback_url: Optional[str] = None) -> None:
        self._native = _native.Emulator(sdkappid=sdkappid, secret_key=secret_key, admin=admin, port=port)
        if callback_url is not None:
            self.set_callback_url(callback_url)

    def __enter__(self) -> "Emulator":
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def __repr__(self) -> str:
        return f"Emulator(base_url={self.base_url!r})"

    @property
    def base_url(self) -> str:
        """The base URL clients send to."""
        return self._native.base_url

    @property
    def sdkappid(self) -> int:
        """The emulated SDKAppID."""
        return self._native.sdkappid

    @property
    def secret_key(self) -> str:
        """The emulated app's secret key."""
        return self._native.secret_key

    @property
    def admin(self) -> str:
        """The emulated app's administrator."""
        return self._native.admin

    def client(self, **options: Any) -> Client:
        """A :class:`timdesk.Client` for this emulator; ``options`` go to the constructor."""
        return Client(sdkappid=self.sdkappid, secret_key=self.secret_key, admin=self.admin,
                      endpoint=self.base_url, **options)

    def async_client(self, **options: Any) -> AsyncClient:
        """A :class:`timdesk.AsyncClient` for this emulator; ``options`` go to the
        constructor."""
        return AsyncClient(sdkappid=self.sdkappid, secret_key=self.secret_key, admin=self.admin,
                           endpoint=self.base_url, **options)

    def stop(self) -> None:
        """Stops serving (idempotent)."""
        self._native.stop()

    def control(self, method: str, path: str, body: Any = None) -> Any:
        """A raw control API call (method and path as under /__control over HTTP)."""
        return self._native.control(method, path, body)

    # -- seeding ----------------------------------------------------------------------
    def import_accounts(self, *accounts: str) -> None:
        """Imports user accounts."""
        self.control("POST", "/accounts", {"accounts": list(accounts)})

    def add_agent(self, agent_id: str, *, group_id: int, group_name: Optional[str] = None,
                  online: bool = True, capacity: int = 5) -> None:
        """Adds or replaces an agent."""
        body: Dict[str, Any] = {"agent_id": agent_id, "agent_group_id": group_id,
                                "online": online, "capacity": capacity}
        if group_name is not None:
            body["agent_group_name"] = group_name
        self.control("POST", "/agents", body)

    def set_agent_online(self, agent_id: str, online: bool) -> None:
        """Sets an agent online or offline (queued sessions are assigned when room appears)."""
        self.control("POST", f"/agents/{agent_id}/online", {"online": online})

    def set_agent_status(self, agent_id: str, status: str) -> None:
        """Sets an agent's status: ``"free"``, ``"busy"`` (assigned only with
        ``allow_assign_busy_member``) or ``"rest"`` (never assigned)."""
        self.control("POST", f"/agents/{agent_id}/status", {"status": status})

    def set_working_hours(self, start: Optional[str], end: Optional[str] = None, *,
                          utc_offset_minutes: int = 480) -> None:
        """Sets the desk's daily working hours (``"09:00"``, ``"18:00"``, local to
        ``utc_offset_minutes``); ``start=None`` means always open (the default)."""
        body = None if start is None else {"start": start, "end": end,
                                           "utc_offset_minutes": utc_offset_minutes}
        self.control("POST", "/working_hours", body)

    # -- time and deduplication -------------------------------------------------------
    def freeze_clock(self, at: int) -> None:
        """Stops the emulator's clock at Unix time ``at`` (so repeats land in one second)."""
        self.control("POST", "/clock", {"freeze_at": at})

    def advance_clock(self, seconds: int) -> None:
        """Moves the emulator's clock forward (queue timeouts expire accordingly)."""
        self.control("POST", "/clock", {"advance_seconds": seconds})

    def set_dedup_window(self, window: str) -> None:
        """How long a repeated MsgRandom is one message: ``"same_second"`` (the documented
        default), ``"forever"`` or ``"none"``."""
        self.control("POST", "/dedup", {"window": window})

    def create_session(self, client_user_id: str, *, session_id: Optional[str] = None,
                       nickname: Optional[str] = None, channel: Optional[str] = None,
                       started_at: Optional[int] = None, satisfaction: Optional[int] = None) -> str:
        """Creates a session waiting in chatbot reception; returns its SessionId."""
        body = {"client_user_id": client_user_id, "session_id": session_id, "nickname": nickname,
                "channel": channel, "started_at": started_at, "satisfaction": satisfaction}
        created = self.control("POST", "/sessions", {k: v for k, v in body.items() if v is not None})
        return str(created["session_id"])

    def say(self, session_id: str, text: str, *, by: str = "user") -> str:
        """A text message in a session from its user (``by="user"``) or its agent
        (``by="agent"``), as if they typed it; returns its MsgKey."""
        return str(self.control("POST", f"/sessions/{session_id}/messages", {"from": by, "text": text})["msg_key"])

    def end_session(self, session_id: str, end_status: str = "UserEndedSession") -> None:
        """Ends a session as the user or a timeout would, writing its CDR."""
        self.control("POST", f"/sessions/{session_id}/end", {"end_status": end_status})

    def set_callback_url(self, url: Optional[str], *, retries: Optional[int] = None,
                         retry_delay_ms: Optional[int] = None, assign_human: bool = False) -> None:
        """Where the emulator POSTs its callbacks (``http://`` only; None stops).

        Desk.SessionEventNotify carries ``SessionBegin``, ``ChatBot.UserSendMsg`` and
        ``ChatBot.RobotSendMsg``, the events whose names the docs give (the README's
        assumption ``session_events``). An event the handler does not acknowledge
        (HTTP 200 with ``ActionStatus`` OK) is delivered again with the same RequestID,
        ``retries`` more times (2 by default, 0 for none), ``retry_delay_ms`` apart (1000,
        doubling; assumption ``callback_retries``). With ``assign_human`` (the console's
        business-server allocation) every transfer first asks the handler with
        ChatBot.OnAssignHuman, and the AgentIdList or AgentGroupId it answers routes the
        transfer (assumption ``assign_human``)."""
        body: Dict[str, Any] = {"url": url, "assign_human": assign_human}
        if retries is not None:
            body["retries"] = retries
        if retry_delay_ms is not None:
            body["retry_delay_ms"] = retry_delay_ms
        self.control("POST", "/callback", body)

    def callback_deliveries(self) -> List[Dict[str, Any]]:
        """Every callback delivery attempt so far: ``request_id``, ``command``, ``event``,
        ``session_id``, ``attempt`` (1 for the first delivery), the handler's HTTP
        ``status`` (or ``error``) and whether it ``acknowledged``."""
        return cast(List[Dict[str, Any]], self.control("GET", "/callbacks"))

    def reset(self) -> None:
        """Back to the built-in data set, no faults, default rate limits."""
        self.control("POST", "/reset")

    # -- reading ----------------------------------------------------------------------
    def session(self, session_id: str) -> Dict[str, Any]:
        """A session: state, agent, messages."""
        return cast(Dict[str, Any], self.control("GET", f"/sessions/{session_id}"))

    def messages(self, session_id: str) -> List[Dict[str, Any]]:
        """The messages delivered in a session (each MsgRandom once)."""
        return cast(List[Dict[str, Any]], self.session(session_id)["messages"])

    def conversations(self, owner: str) -> List[Dict[str, Any]]:
        """A user's conversations with their roaming messages."""
        return cast(List[Dict[str, Any]], self.control("GET", f"/conversations/{owner}"))

    def cdrs(self) -> List[Dict[str, Any]]:
        """Every CDR record, in the API's shape."""
        return cast(List[Dict[str, Any]], self.control("GET", "/cdrs"))

    def agents(self) -> List[Dict[str, Any]]:
        """Every agent with its load."""
        return cast(List[Dict[str, Any]], self.control("GET", "/agents"))

    def queue(self) -> List[Dict[str, Any]]:
        """The queued sessions in serving order, with their priority."""
        return cast(List[Dict[str, Any]], self.control("GET", "/queue"))

    def request_count(self, path: str) -> int:
        """How many requests reached /v4/<path>."""
        return int(self.control("GET", "/requests").get(path, 0))

    # -- faults and limits ------------------------------------------------------------
    def inject_fault(self, kind: str, *, path: Optional[str] = None, count: int = 1,
                     probability: float = 1.0, **params: Any) -> None:
        """Injects a fault into the next ``count`` (-1: every) matching requests.

        ``kind``: ``error_code`` (code=, info=), ``http_status`` (status=), ``delay`` (ms=),
        ``malformed_json``, ``drop_before_apply``, ``drop_after_apply``.
        """
        body = {"kind": kind, "path": path, "count": count, "probability": probability, **params}
        self.control("POST", "/faults", body)

    def clear_faults(self) -> None:
        """Removes every pending fault."""
        self.control("DELETE", "/faults")

    def set_rate_limit(self, path: str, per_second: Optional[int]) -> None:
        """Sets (None removes) the calls-per-second limit of an endpoint."""
        self.control("POST", "/rate_limits", {"path": path, "per_second": per_second})


def _emulator_fixture() -> Iterator[Emulator]:
    """A fresh in-process emulator for one test, stopped afterwards."""
    with Emulator() as emulator:
        yield emulator


async def _async_client_fixture(timdesk_emulator: Emulator) -> AsyncIterator[AsyncClient]:
    """An AsyncClient of the test's emulator, closed after the test."""
    async with timdesk_emulator.async_client() as client:
        yield client


try:
    import pytest
except ImportError:  # the fixtures are for pytest users only
    pass
else:
    timdesk_emulator = pytest.fixture(name="timdesk_emulator")(_emulator_fixture)
    try:
        import pytest_asyncio
    except ImportError:  # async tests need pytest-asyncio
        pass
    else:
        timdesk_async_client = pytest_asyncio.fixture(name="timdesk_async_client")(_async_client_fixture)
