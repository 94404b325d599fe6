"""timdesk: the Tencent Cloud Chat Desk (contact-center) server API.

    import timdesk
    client = timdesk.Client(sdkappid=1400000000, secret_key="...", region="singapore")
    t = client.transfer_to_human("fd8a2e30-54de-4e40-bcaf-02718409c5cf")
    client.send_msg(session_id=..., body=[timdesk.Text("Hello")])

    async with timdesk.AsyncClient(sdkappid=1400000000, secret_key="...", region="singapore") as client:
        t = await client.transfer_to_human("fd8a2e30-54de-4e40-bcaf-02718409c5cf")

Offline, against the built-in emulator: see :mod:`timdesk.testing`.
"""
import logging

from ._native import (
    AsyncClient,
    CallbackVerifier,
    CdrPage,
    CdrRecord,
    Client,
    SentMsg,
    Signer,
    Transfer,
    UserSig,
    __version__,
    acknowledgement,
    assign_human_answer,
    decode_usersig,
    gen_usersig,
    interface_invocation_answer,
    verify_usersig,
)
from . import _error_kinds
from ._error_kinds import *  # noqa: F403 (one exception class per error kind)
from .exceptions import CallbackError, TimdeskError, UserSigError
from .messages import Card, Custom, Face, File, Image, ImageInfo, Location, Sound, Text, Video

__all__ = [
    "__version__",
    "Client",
    "AsyncClient",
    "Signer",
    "Transfer",
    "SentMsg",
    "CdrPage",
    "CdrRecord",
    "UserSig",
    "gen_usersig",
    "verify_usersig",
    "decode_usersig",
    "CallbackVerifier",
    "assign_human_answer",
    "interface_invocation_answer",
    "acknowledgement",
    "Text",
    "Custom",
    "Card",
    "Face",
    "Location",
    "Image",
    "ImageInfo",
    "Sound",
    "File",
    "Video",
    "TimdeskError",
    "UserSigError",
    "CallbackError",
]
__all__ += _error_kinds.__all__

# Libraries log, applications decide: nothing reaches stderr unless the app configures logging.
logging.getLogger("timdesk").addHandler(logging.NullHandler())
