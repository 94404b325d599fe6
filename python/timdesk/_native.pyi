"""Type stubs of timdesk._native, the Rust core (checked with mypy's stubtest)."""
import datetime
from typing import (
    Any, AsyncIterator, Awaitable, Coroutine, Dict, Iterable, Iterator, List, Literal, Optional, Sequence,
    Union,
)

from typing import final

# The message element classes (from models/library/elements.json); the generated endpoints' answers
# and methods, and AsyncClient (derived from Client below).
from timdesk._native_elements import *  # noqa: F403
from timdesk._native_elements import Card, Custom, Face, File, Image, ImageInfo, Location, Sound, Text, Video
from timdesk._native_generated import *  # noqa: F403
from timdesk._native_generated import AsyncClient as AsyncClient, _Endpoints

_Timestamp = Union[int, datetime.datetime]

__all__ = [
    "AsyncCdrIterator", "AsyncClient", "AsyncMsgStream", "Completions", "MsgStream", "Signer", "CdrIterator", "CdrPage", "CdrRecord", "Client", "Emulator", "SentMsg", "Transfer", "UserSig",
    "Text", "Custom", "Card", "Face", "Location", "ImageInfo", "Image", "Sound", "File", "Video",
    "CallbackVerifier", "acknowledgement", "assign_human_answer", "interface_invocation_answer",
    "decode_usersig", "gen_usersig", "run_cli", "verify_usersig", "__version__", "ERROR_KINDS", "CLIENT_OPTIONS",
]

__version__: str
ERROR_KINDS: List[str]
CLIENT_OPTIONS: List[str]

@final
class Transfer:
    @property
    def agent_id(self) -> str: ...
    @property
    def in_queue(self) -> bool: ...

@final
class SentMsg:
    @property
    def msg_random(self) -> int: ...

@final
class CdrRecord:
    @property
    def session_id(self) -> str: ...
    @property
    def agent_group_id(self) -> str: ...
    @property
    def agent_group_name(self) -> str: ...
    @property
    def agent_id(self) -> str: ...
    @property
    def channel_type(self) -> str: ...
    @property
    def client_user_id(self) -> str: ...
    @property
    def client_user_nickname(self) -> str: ...
    @property
    def duration(self) -> int: ...
    @property
    def end_status(self) -> str: ...
    @property
    def satisfaction_selected(self) -> int: ...
    @property
    def timestamp(self) -> int: ...

@final
class CdrPage:
    @property
    def total_count(self) -> int: ...
    @property
    def records(self) -> List[CdrRecord]: ...
    def __len__(self) -> int: ...

@final
class CdrIterator:
    def __iter__(self) -> Iterator[CdrRecord]: ...
    def __next__(self) -> CdrRecord: ...

@final
class AsyncCdrIterator:
    def __aiter__(self) -> AsyncIterator[CdrRecord]: ...
    def __anext__(self) -> Awaitable[CdrRecord]: ...

@final
class ChatMessageIterator:
    def __iter__(self) -> Iterator[Dict[str, Any]]: ...
    def __next__(self) -> Dict[str, Any]: ...

@final
class AsyncChatMessageIterator:
    def __aiter__(self) -> AsyncIterator[Dict[str, Any]]: ...
    def __anext__(self) -> Awaitable[Dict[str, Any]]: ...

@final
class Completions:
    def __new__(cls) -> Completions: ...
    def fileno(self) -> int: ...
    def drain(self) -> None: ...

@final
class MsgStream:
    def push(self, chunk: str) -> None: ...
    def finish(self) -> str: ...
    @property
    def msg_key(self) -> Optional[str]: ...

@final
class AsyncMsgStream:
    def push(self, chunk: str) -> Coroutine[Any, Any, None]: ...
    def finish(self) -> Coroutine[Any, Any, str]: ...
    @property
    def msg_key(self) -> Optional[str]: ...

@final
class UserSig:
    @property
    def version(self) -> str: ...
    @property
    def identifier(self) -> str: ...
    @property
    def sdkappid(self) -> int: ...
    @property
    def time(self) -> int: ...
    @property
    def expire(self) -> int: ...
    @property
    def expires_at(self) -> int: ...
    @property
    def userbuf(self) -> Optional[bytes]: ...

_Element_ = Union[Text, Custom, Card, Face, Location, Image, Sound, File, Video, Dict[str, Any]]

@final
class Client(_Endpoints):
    def __new__(
        cls,
        *,
        sdkappid: int,
        secret_key: str,
        admin: Optional[str] = None,
        region: Optional[str] = None,
        endpoint: Optional[str] = None,
        timeout: Optional[float] = None,
        connect_timeout: Optional[float] = None,
        max_attempts: Optional[int] = None,
        retry_base_delay: Optional[float] = None,
        retry_max_delay: Optional[float] = None,
        retry_max_elapsed: Optional[float] = None,
        usersig_ttl: Optional[int] = None,
        proxy: Optional[str] = None,
        ca_bundle: Union[bytes, str, None] = None,
        max_requests_per_second: Optional[int] = None,
        send_msg_retry: Optional[Literal["at_most_once", "at_least_once"]] = None,
    ) -> Client: ...
    @staticmethod
    def from_env() -> Client: ...
    @property
    def base_url(self) -> str: ...
    @property
    def options(self) -> Dict[str, Any]: ...
    @property
    def closed(self) -> bool: ...
    def close(self) -> None: ...
    def __enter__(self) -> Client: ...
    def __exit__(self, *_exc: object) -> None: ...
    def transfer_to_human(
        self,
        session_id: str,
        *,
        agent_ids: Sequence[str] = ...,
        agent_group_id: Optional[int] = None,
        send_tip_if_no_agent_online: bool = False,
        check_if_during_working_hours: bool = False,
        send_prompt_not_during_working_hours: bool = False,
        end_session_when_no_member_online: bool = False,
        disable_queuing: bool = False,
        allow_assign_busy_member: bool = False,
        priority: Optional[int] = None,
        queue_timeout: Optional[int] = None,
    ) -> Transfer: ...
    def send_msg(
        self,
        *,
        body: Sequence[_Element_],
        session_id: Optional[str] = None,
        from_account: Optional[str] = None,
        to_account: Optional[str] = None,
        msg_random: Optional[int] = None,
        cloud_custom_data: Optional[str] = None,
        exclude_from_user_resp_timeout: bool = False,
    ) -> SentMsg: ...
    def msg_stream(self, session_id: str, *, cloud_custom_data: Optional[str] = None) -> MsgStream: ...
    def stream_msg(
        self, session_id: str, chunks: Iterable[str], *, cloud_custom_data: Optional[str] = None
    ) -> str: ...
    def end_session(self, session_id: str) -> None: ...
    def describe_im_cdr_list(
        self,
        *,
        start: _Timestamp,
        end: _Timestamp,
        limit: Optional[int] = None,
        offset: Optional[int] = None,
        client_user_id: Optional[str] = None,
    ) -> CdrPage: ...
    def iter_cdrs(self, *, start: _Timestamp, end: _Timestamp, client_user_id: Optional[str] = None) -> CdrIterator: ...
    def iter_chat_messages(self, session_id: str, *, order: Optional[int] = None) -> ChatMessageIterator: ...
    def delete_recent_contact(
        self,
        *,
        from_account: str,
        to_account: Optional[str] = None,
        to_group: Optional[str] = None,
        clear_roaming: bool = False,
    ) -> None: ...
    def call(self, path: str, body: Dict[str, Any], *, idempotent: bool = False) -> Dict[str, Any]: ...
    def call_endpoint(self, name: str, body: Dict[str, Any]) -> Dict[str, Any]: ...

@final
class Emulator:
    def __new__(
        cls, *, sdkappid: Optional[int] = None, secret_key: Optional[str] = None, admin: Optional[str] = None, port: int = 0
    ) -> Emulator: ...
    @property
    def base_url(self) -> str: ...
    @property
    def sdkappid(self) -> int: ...
    @property
    def secret_key(self) -> str: ...
    @property
    def admin(self) -> str: ...
    @property
    def running(self) -> bool: ...
    @staticmethod
    def seed() -> Dict[str, Any]: ...
    def control(self, method: str, path: str, body: Any = None) -> Any: ...
    def stop(self) -> Emulator: ...

def gen_usersig(
    *,
    sdkappid: int,
    secret_key: str,
    identifier: str,
    expire: int = 15552000,
    userbuf: Optional[bytes] = None,
    time: Optional[_Timestamp] = None,
) -> str: ...
def verify_usersig(
    usersig: str, *, sdkappid: int, secret_key: str, identifier: str, at: Optional[_Timestamp] = None
) -> UserSig: ...
def decode_usersig(usersig: str) -> UserSig: ...

@final
class Signer:
    def __new__(cls, *, sdkappid: int, secret_key: str) -> Signer: ...
    def gen(
        self,
        identifier: str,
        expire: int = 15552000,
        *,
        userbuf: Optional[bytes] = None,
        time: Optional[_Timestamp] = None,
    ) -> str: ...
    def verify(self, usersig: str, identifier: str, *, at: Optional[_Timestamp] = None) -> UserSig: ...
    @property
    def sdkappid(self) -> int: ...
def run_cli(argv: Sequence[str]) -> int: ...

@final
class CallbackVerifier:
    def __new__(cls, *, sdkappid: int, token: Optional[str] = None) -> "CallbackVerifier": ...
    def verify(self, query: str, body: bytes) -> Dict[str, Any]: ...

def assign_human_answer(
    *, agent_group_id: Optional[int] = None, agent_ids: Sequence[str] = ...
) -> Dict[str, Any]: ...
def interface_invocation_answer(variables: Dict[str, Any]) -> Dict[str, Any]: ...
def acknowledgement() -> Dict[str, Any]: ...
