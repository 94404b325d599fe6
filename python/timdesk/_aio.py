"""The Python side of timdesk.AsyncClient: its methods return coroutines (so that
``asyncio.create_task`` takes them, as it takes httpx's) around the asyncio future the
Rust core resolves; and the feeding of stream_msg (the sequencing is the core's)."""
import asyncio
import weakref
from typing import AsyncIterable, Awaitable, Iterable, Optional, Protocol, TypeVar, Union

from ._native import AsyncMsgStream, Completions

T = TypeVar("T")


class Request(Protocol):
    """A request in the Rust core, as its coroutine holds it."""

    def release(self) -> None:
        """Lets go of the request, cancelling it if it has not finished."""


async def result(future: Awaitable[T], request: Optional[Request]) -> T:
    """Awaits the core's future; cancelling the coroutine cancels the future and, as the
    coroutine ends, the request."""
    try:
        return await future
    finally:
        if request is not None:
            request.release()


_COMPLETIONS: "weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, Completions]" = weakref.WeakKeyDictionary()


def completions(loop: asyncio.AbstractEventLoop) -> Completions:
    """The completion queue of ``loop``, made and registered as a reader on first use:
    the Rust I/O thread queues finished calls there and wakes the loop through it."""
    queue = _COMPLETIONS.get(loop)
    if queue is None:
        queue = Completions()
        loop.add_reader(queue.fileno(), queue.drain)
        _COMPLETIONS[loop] = queue
    return queue


async def feed(stream: AsyncMsgStream, chunks: Union[Iterable[str], AsyncIterable[str]]) -> str:
    """Pushes every chunk as it arrives, then finishes the message; returns its MsgKey."""
    if isinstance(chunks, AsyncIterable):
        async for chunk in chunks:
            await stream.push(chunk)
    else:
        for chunk in chunks:
            await stream.push(chunk)
    return await stream.finish()


__all__ = ["completions", "feed", "result"]
