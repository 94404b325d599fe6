"""The Python side of timdesk.AsyncClient: its methods return coroutines (so that
``asyncio.create_task`` takes them, as it takes httpx's) around the asyncio future the
Rust core resolves; and the feeding of stream_msg (the sequencing is the core's)."""
from typing import AsyncIterable, Awaitable, Iterable, TypeVar, Union

from ._native import AsyncMsgStream

T = TypeVar("T")


async def result(future: Awaitable[T]) -> T:
    """Awaits the core's future; cancelling the coroutine cancels the future, and so the
    request."""
    return await future


async def feed(stream: AsyncMsgStream, chunks: Union[Iterable[str], AsyncIterable[str]]) -> str:
    """Pushes every chunk as it arrives, then finishes the message; returns its MsgKey."""
    if isinstance(chunks, AsyncIterable):
        async for chunk in chunks:
            await stream.push(chunk)
    else:
        for chunk in chunks:
            await stream.push(chunk)
    return await stream.finish()


__all__ = ["feed", "result"]
