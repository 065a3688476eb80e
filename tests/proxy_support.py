"""The proxy tests' servers: the real proxy (`crosswalk.proxy.app`) and the loopback
upstream double, both real aiohttp servers on 127.0.0.1, run on one event loop in a
background thread so that the official SDKs' synchronous clients can call them from the
test's own thread, as a user's program would.

`ROUTES` puts one model name in front of each upstream format: a test picks the
upstream by the model it asks for (`via-chat`), and the upstream is told the model name
it knows (`gpt-4o-2024-08-06`).
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Coroutine, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, TypeVar

from aiohttp import web

from crosswalk.proxy.app import make_app
from crosswalk.proxy.config import Config, parse
from tests.upstream_double import Double

T = TypeVar("T")
FORMATS = ("anthropic", "chat", "responses")
UPSTREAM_MODELS = {
    "anthropic": "claude-sonnet-4-5-20250929",
    "chat": "gpt-4o-2024-08-06",
    "responses": "gpt-5-codex",
}
UPSTREAM_KEY = "sk-upstream-secret-0123456789"
ENV = {"UPSTREAM_KEY": UPSTREAM_KEY}


def model_for(upstream: str) -> str:
    return f"via-{upstream}"


# Upstream variants, each behind its own model prefix (`slow-via-chat`).
VARIANTS: dict[str, dict[str, Any]] = {
    "": {},
    "slow-": {"read_timeout": 0.5},
    "never-": {"stream": "never"},  # answers streaming clients with one body
    "always-": {"stream": "always"},  # streams to non-streaming clients
}


def config_document(double_url: str, **server: Any) -> dict[str, Any]:
    """A crosswalk.toml (as parsed) with one upstream of each format and VARIANT at the
    double."""
    upstreams: list[dict[str, Any]] = []
    routes: list[dict[str, Any]] = []
    for fmt in FORMATS:
        base = double_url if fmt == "anthropic" else f"{double_url}/v1"
        for prefix, extra in VARIANTS.items():
            upstreams.append(
                {
                    "name": prefix + fmt,
                    "format": fmt,
                    "base_url": base,
                    "key_env": "UPSTREAM_KEY",
                    **extra,
                }
            )
            routes.append(
                {
                    "model": prefix + model_for(fmt),
                    "upstream": prefix + fmt,
                    "upstream_model": UPSTREAM_MODELS[fmt],
                }
            )
    return {"server": server, "upstream": upstreams, "route": routes}


class Loop:
    """An event loop in a daemon thread, for servers the test thread calls."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()

    def run(self, coro: Coroutine[Any, Any, T], timeout: float = 30) -> T:
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout)

    def stop(self) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(5)


async def start(app: web.Application) -> tuple[web.AppRunner, str]:
    runner = web.AppRunner(app, handler_cancellation=True, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    host, port = runner.addresses[0][:2]
    return runner, f"http://{host}:{port}"


@dataclass
class Servers:
    loop: Loop
    double: Double
    double_url: str
    proxy_url: str
    config: Config
    app: web.Application


@contextmanager
def servers(
    env: Mapping[str, str] = ENV,
    *,
    upstreams: bool = True,
    routes: list[dict[str, Any]] | None = None,
    **server: Any,
) -> Iterator[Servers]:
    """The double and a proxy in front of it (with no upstream at all when `upstreams`
    is false), for the duration of the block; `routes` go before the usual ones,
    `server` are `[server]` settings (Responses state in memory unless one says)."""
    server.setdefault("state", ":memory:")
    loop = Loop()
    double = Double()
    runners: list[web.AppRunner] = []
    try:
        runner, double_url = loop.run(start(double.app()))
        runners.append(runner)
        document = config_document(double_url, **server)
        document["route"][:0] = routes or []
        if not upstreams:
            document = {"server": server}
        config = parse(document, env)
        app = make_app(config)
        runner, proxy_url = loop.run(start(app))
        runners.append(runner)
        yield Servers(loop, double, double_url, proxy_url, config, app)
    finally:
        for runner in reversed(runners):
            loop.run(runner.cleanup())
        loop.stop()


@contextmanager
def proxy_only(config: Config) -> Iterator[str]:
    """A proxy serving `config` (its upstreams wherever the config says), by its URL."""
    loop = Loop()
    try:
        runner, url = loop.run(start(make_app(config)))
        try:
            yield url
        finally:
            loop.run(runner.cleanup())
    finally:
        loop.stop()
