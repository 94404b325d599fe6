"""The base class of every timdesk exception (re-exported by :mod:`timdesk.exceptions`)."""
from __future__ import annotations

from typing import Any, Dict, Optional, Tuple, Type


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
