"""Relaying an upstream stream to a streaming client: translated event by event, or
passed through byte for byte in the client's own format, with the client's disconnect
told apart from the upstream's failure.

Writing awaits the client (backpressure: a slow client slows the upstream read, nothing
piles up here). A stream that breaks, upstream or in crosswalk, ends with the client
format's error termination, never as a quiet success.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import aiohttp
from aiohttp import web

from crosswalk.proxy import wire
from crosswalk.proxy.call import Call
from crosswalk.proxy.config import Format
from crosswalk.stream.failures import upstream_failure
from crosswalk.stream.translate import TRUNCATED, Follower, Translator, termination

log = logging.getLogger("crosswalk.proxy")
Body = dict[str, Any]


class Reads:
    """An upstream stream's reads, with its read timeout kept here rather than by aiohttp.

    aiohttp re-arms a timer on every read it gets (a timer made, cancelled and made
    again per event, which was a tenth of the proxy's CPU per relayed event). Here one
    timer is armed for the stream and, when it fires, re-armed for what is left of the
    timeout if the stream was not waiting all that while: a stall is the upstream
    leaving a read unanswered for `seconds`. Time spent writing to a slow client is not
    a stall. A stall ends the read with aiohttp's own `ServerTimeoutError`, as its timer
    would have. `close()` when done (the timer holds the stream)."""

    def __init__(self, upstream: aiohttp.ClientResponse, seconds: float) -> None:
        self.content = upstream.content
        self.seconds = seconds
        self.loop = asyncio.get_running_loop()
        self.waiting: float | None = None  # since when a read has waited, if one is
        self.closed = False
        if upstream.connection is not None:  # before the first byte, aiohttp's timer holds
            upstream.connection.protocol.read_timeout = None  # type: ignore[union-attr]
        self.timer = self.loop.call_later(seconds, self._check)

    def __aiter__(self) -> Reads:
        return self

    async def __anext__(self) -> bytes:
        self.waiting = self.loop.time()
        chunk = await self.content.readany()
        self.waiting = None
        if not chunk:
            self.close()
            raise StopAsyncIteration
        return chunk

    def close(self) -> None:
        self.closed = True
        self.timer.cancel()

    def _check(self) -> None:
        if self.closed:
            return
        waited = 0.0 if self.waiting is None else self.loop.time() - self.waiting
        if waited >= self.seconds:
            self.content.set_exception(
                aiohttp.ServerTimeoutError("Timeout on reading data from socket")
            )
            self.closed = True
            return
        self.timer = self.loop.call_later(self.seconds - waited, self._check)


async def translate(
    call: Call,
    translator: Translator,
    reads: Reads,
    response: web.StreamResponse,
) -> None:
    """Each upstream read through the translator, its output sent at once."""
    try:
        async for chunk in reads:
            out = translator.feed(chunk)
            if out:
                await send(response, out)
            if translator.done:
                break
    except (TimeoutError, aiohttp.ClientError) as err:
        log.warning("request %s: upstream stream broke: %s", call.request_id, reason(err))
    except ClientGone:
        raise
    except Exception:
        # A bug in crosswalk, met in the middle of a stream: the client's stream still
        # ends as its format ends a failure, and the traceback goes to the log.
        log.exception("internal error in request %s", call.request_id)
        call.error = "internal"
        await send(response, translator.fail(internal_error(call)))
        return
    out = translator.close()
    if out:
        await send(response, out)
    if translator.error is not None:
        call.error = "stream"
    call.lost(translator.loss)
    call.usage = wire.usage_of(call.client, translator.final)


def internal_error(call: Call) -> Body:
    return upstream_failure(call.client, call.internal_message(), 500)


async def end_with_error(call: Call, response: web.StreamResponse) -> None:
    """End a stream whose writer is not at hand with the format's error termination."""
    try:
        await send(response, termination(call.client, internal_error(call)))
        await response.write_eof()
    except (ClientGone, ConnectionResetError):
        pass


async def pass_through(call: Call, reads: Reads, response: web.StreamResponse) -> None:
    """A stream in the client's own format goes on byte for byte; it is read beside
    for its usage and its end, and a stream that breaks off is ended with the
    format's error termination (never left to look like a success)."""
    follower = Follower(call.client)
    try:
        async for chunk in reads:
            await send(response, chunk)
            follower.feed(chunk)
    except (TimeoutError, aiohttp.ClientError) as err:
        log.warning("request %s: upstream stream broke: %s", call.request_id, reason(err))
    if not follower.close():
        call.error = "stream"
        await send(response, relayed_termination(call.client, follower))
    call.usage = wire.usage_of(call.client, followed_reply(follower))


# How long the rest of an upstream stream (after its terminal event: Chat's [DONE] after
# its usage chunk) is read for, so that the connection goes back to the pool instead of
# being cut.
DRAIN_SECONDS = 2.0


async def drain(upstream: aiohttp.ClientResponse, reads: Reads) -> None:
    try:
        async with asyncio.timeout(DRAIN_SECONDS):
            async for _ in reads:
                pass
    except (TimeoutError, aiohttp.ClientError):
        upstream.close()


class ClientGone(Exception):
    """The client closed its connection while its stream was being written."""


async def send(response: web.StreamResponse, data: bytes) -> None:
    """Write to the client. Its disconnection is told apart from the upstream's: both
    surface as aiohttp connection errors, but only the upstream's is a failure to report
    to the client (who is no longer there to be told)."""
    try:
        await response.write(data)
    except ConnectionResetError as err:
        raise ClientGone from err


def relayed_termination(fmt: Format, follower: Follower) -> bytes:
    """The error termination of a stream relayed unchanged that broke or was cut off
    (Responses numbers it on from the upstream's last event)."""
    why = f"malformed upstream stream: {follower.broken}" if follower.broken else TRUNCATED
    return termination(
        fmt, upstream_failure(fmt, why), sequence_from=follower.reader.last_sequence + 1
    )


def followed_reply(follower: Follower) -> Body | None:
    """What a relayed stream added up to, for its usage; None when it has no reply."""
    try:
        return follower.reader.response()
    except Exception:  # a broken stream has no reply to count tokens from
        return None


def reason(err: BaseException) -> str:
    return str(err) or type(err).__name__
