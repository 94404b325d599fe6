"""Exceptions raised by timdesk. Every one is a :class:`TimdeskError`.

The native module raises the subclass for each error kind, with the server's code and
text when the server answered::

    try:
        client.transfer_to_human(session_id)
    except timdesk.NoAgentOnlineError as e:
        print(e.code, e.info)     # 141001, the server's ErrorInfo

No exception text contains the secret key or a UserSig.
"""
from __future__ import annotations

import builtins
from typing import Any, Dict, Optional, Tuple, Type

__all__ = [
    "TimdeskError",
    "InvalidArgumentError",
    "AuthError",
    "UserSigError",
    "CallbackError",
    "ForbiddenError",
    "NotFoundError",
    "NoAgentOnlineError",
    "AgentBusyError",
    "NotTransferableError",
    "RateLimitedError",
    "ServerError",
    "NetworkError",
    "TimeoutError",
    "BadResponseError",
    "ConfigurationError",
    "UnknownError",
]


class TimdeskError(Exception):
    """Base class of every timdesk error.

    Attributes:
        kind: the error kind, e.g. ``"no_agent_online"``.
        code: the server's ErrorCode, or None when the server did not answer with one.
        info: the server's ErrorInfo, or timdesk's description of the failure.
        retryable: whether the same request may succeed later (it was already retried
            within the client's retry policy).
        maybe_applied: whether the request may have taken effect although this error was
            raised (an attempt reached the server and its answer was lost).
        http_status: the HTTP status when the answer was not HTTP 200, else None.
        msg_random: for a failed send_msg, the MsgRandom it carried (look for the message
            before sending it again when ``maybe_applied``), else None.
    """

    kind: str = "unknown"

    def __init__(
        self,
        message: str,
        *,
        code: Optional[int] = None,
        info: Optional[str] = None,
        retryable: bool = False,
        maybe_applied: bool = False,
        http_status: Optional[int] = None,
        msg_random: Optional[int] = None,
    ) -> None:
        super().__init__(message)
        self.code = code
        self.info = info if info is not None else message
        self.retryable = retryable
        self.maybe_applied = maybe_applied
        self.http_status = http_status
        self.msg_random = msg_random

    def __repr__(self) -> str:
        return f"{type(self).__name__}({str(self)!r}, code={self.code!r}, retryable={self.retryable!r})"

    def __reduce__(self) -> Tuple[Any, ...]:
        # Survives pickling (process pools): the class, the message and every attribute.
        return (_rebuild, (type(self), str(self), dict(self.__dict__)))


def _rebuild(cls: Type[TimdeskError], message: str, state: Dict[str, Any]) -> TimdeskError:
    """Recreates an unpickled exception without calling its __init__."""
    error: TimdeskError = cls.__new__(cls)
    Exception.__init__(error, message)
    error.__dict__.update(state)
    return error


class InvalidArgumentError(TimdeskError, ValueError):
    """An argument is wrong: refused before sending, or by the server (e.g. 141004)."""

    kind = "invalid_argument"


class CallbackError(InvalidArgumentError):
    """A callback (webhook) was refused; ``reason`` says why: ``"wrong_sdkappid"``,
    ``"malformed"``, ``"unknown_command"``, ``"replayed"`` (a retry of a callback already
    handled: acknowledge it again, do not act twice), ``"bad_signature"`` or ``"stale"``."""

    def __init__(self, message: str, reason: str) -> None:
        super().__init__(message)
        self.reason = reason


class AuthError(TimdeskError):
    """Authentication or authorisation failed: the UserSig, the sdkappid, admin rights."""

    kind = "auth"


class UserSigError(AuthError):
    """A UserSig did not decode or verify; ``reason`` says why (e.g. ``"expired"``)."""

    def __init__(self, message: str, reason: str) -> None:
        super().__init__(message)
        self.reason = reason


class ForbiddenError(TimdeskError):
    """The application or request is not allowed (not a Desk app, disabled, blocked IP)."""

    kind = "forbidden"


class NotFoundError(TimdeskError):
    """The session, account or resource does not exist, or the session has ended."""

    kind = "not_found"


class NoAgentOnlineError(TimdeskError):
    """No agent is online to take the session (141001)."""

    kind = "no_agent_online"


class AgentBusyError(TimdeskError):
    """Agents are online but none can take the session (141012, e.g. with
    ``disable_queuing=True``)."""

    kind = "agent_busy"


class NotTransferableError(TimdeskError):
    """The session cannot be transferred to a human (141003)."""

    kind = "not_transferable"


class RateLimitedError(TimdeskError):
    """Too many requests, even after backing off."""

    kind = "rate_limited"


class ServerError(TimdeskError):
    """The server (or a gateway before it) failed internally."""

    kind = "server"


class NetworkError(TimdeskError, ConnectionError):
    """The connection failed or broke."""

    kind = "network"


class TimeoutError(NetworkError, builtins.TimeoutError):
    """No answer within the client's timeout."""

    kind = "timeout"


class BadResponseError(TimdeskError):
    """The answer was not a valid API answer (not JSON, an HTML page, too large, ...)."""

    kind = "bad_response"


class ConfigurationError(TimdeskError):
    """The request went to the wrong place (60009: a wrong path or host)."""

    kind = "configuration"


class UnknownError(TimdeskError):
    """A server code timdesk does not know; ``code`` keeps its number."""

    kind = "unknown"


_BY_KIND = {
    cls.kind: cls
    for cls in (
        InvalidArgumentError,
        AuthError,
        ForbiddenError,
        NotFoundError,
        NoAgentOnlineError,
        AgentBusyError,
        NotTransferableError,
        RateLimitedError,
        ServerError,
        NetworkError,
        TimeoutError,
        BadResponseError,
        ConfigurationError,
        UnknownError,
    )
}


def _from_native(
    kind: str,
    message: str,
    code: Optional[int],
    info: str,
    retryable: bool,
    maybe_applied: bool,
    http_status: Optional[int],
    msg_random: Optional[int] = None,
) -> TimdeskError:
    """Builds the exception for a native error (called by timdesk._native)."""
    cls = _BY_KIND.get(kind, UnknownError)
    return cls(message, code=code, info=info, retryable=retryable,
               maybe_applied=maybe_applied, http_status=http_status, msg_random=msg_random)
