"""relay.Reads: an upstream stream's read timeout, kept with one timer per stream. A
stall is the upstream leaving a read unanswered; time the proxy spends elsewhere (writing
to a slow client) is not one."""

from __future__ import annotations

import asyncio
import time

import aiohttp
import pytest
from aiohttp import web

from crosswalk.proxy.relay import Reads
from tests.proxy_support import start

TIMEOUT = 0.3


def upstream(pause_after: int, pause: float) -> web.Application:
    """Five events, 20 ms apart (each its own read); after the `pause_after`-th, `pause`
    seconds of silence."""

    async def answer(request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse(headers={"content-type": "text/event-stream"})
        await response.prepare(request)
        for i in range(5):
            await response.write(f"data: {i}\n\n".encode())
            await asyncio.sleep(pause if i + 1 == pause_after else 0.02)
        await response.write_eof()
        return response

    app = web.Application()
    app.router.add_get("/", answer)
    return app


async def read_all(app: web.Application, between: float) -> tuple[bytes, float]:
    """Every chunk, taking `between` seconds over each (a slow client's backpressure)."""
    runner, url = await start(app)
    try:
        async with (
            aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(sock_read=TIMEOUT)) as session,
            session.get(url) as reply,
        ):
            reads = Reads(reply, TIMEOUT)
            data = b""
            started = time.monotonic()
            try:
                async for chunk in reads:
                    data += chunk
                    await asyncio.sleep(between)
            finally:
                reads.close()
            return data, time.monotonic() - started
    finally:
        await runner.cleanup()


def test_a_slow_reader_is_not_a_stalled_upstream() -> None:
    data, seconds = asyncio.run(read_all(upstream(pause_after=0, pause=0), between=0.5))
    assert data.count(b"data: ") == 5
    assert seconds > 2 * TIMEOUT  # the timer came due while the reader was busy


def test_an_upstream_that_stalls_ends_the_read_with_aiohttps_timeout() -> None:
    started = time.monotonic()
    with pytest.raises(aiohttp.ServerTimeoutError, match="Timeout on reading data"):
        asyncio.run(read_all(upstream(pause_after=2, pause=5), between=0))
    assert time.monotonic() - started < 2 * TIMEOUT + 1


def test_a_wait_just_under_the_timeout_is_not_a_stall() -> None:
    data, _ = asyncio.run(read_all(upstream(pause_after=2, pause=TIMEOUT * 0.6), between=0))
    assert data.count(b"data: ") == 5
