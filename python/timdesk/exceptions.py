"""Exceptions raised by timdesk. Every one is a :class:`TimdeskError`.

The native module raises the subclass for each error kind, with the server's code and
text when the server answered::

    try:
        client.transfer_to_human(session_id)
    except timdesk.NoAgentOnlineError as e:
        print(e.code, e.info)     # 141001, the server's ErrorInfo

The classes of the error kinds are generated from the core's declaration
(``models/library/error_kinds.json``, listed in ``docs/errors.md``).
No exception text contains the secret key or a UserSig.
"""
from __future__ import annotations

from typing import Optional

from . import _error_kinds
from ._error_base import TimdeskError, _rebuild
from ._error_kinds import *  # noqa: F403 (one class per kind, listed in its __all__)
from ._error_kinds import BY_KIND, AuthError, InvalidArgumentError, UnknownError

__all__ = ["TimdeskError", "UserSigError", "CallbackError"]
__all__ += _error_kinds.__all__


class CallbackError(InvalidArgumentError):
    """A callback (webhook) was refused; ``reason`` says why: ``"wrong_sdkappid"``,
    ``"malformed"``, ``"unknown_command"``, ``"replayed"`` (a retry of a callback already
    handled: acknowledge it again, do not act twice), ``"bad_signature"`` or ``"stale"``."""

    def __init__(self, message: str, reason: str) -> None:
        super().__init__(message)
        self.reason = reason


class UserSigError(AuthError):
    """A UserSig did not decode or verify; ``reason`` says why (e.g. ``"expired"``)."""

    def __init__(self, message: str, reason: str) -> None:
        super().__init__(message)
        self.reason = reason


# Every class is shown, and pickled, as timdesk.exceptions' (its public home).
for _cls in (TimdeskError, *BY_KIND.values()):
    _cls.__module__ = __name__
_rebuild.__module__ = __name__


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
    cls = BY_KIND.get(kind, UnknownError)
    return cls(message, code=code, info=info, retryable=retryable,
               maybe_applied=maybe_applied, http_status=http_status, msg_random=msg_random)
