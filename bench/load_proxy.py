"""Load on the proxy: N concurrent streaming calls through it vs. the same load straight
to the upstream, on loopback, bounded in time.

    .venv/bin/python bench/load_proxy.py [--streams 1000] [--events 20] [--gap 0.05]

Three processes, as in production: the upstream (a small aiohttp server replaying
tests/fixtures/streams/chat__text_usage.sse, one event every --gap seconds, so that all
streams are open at once), `crosswalk serve --upstream chat=...` (its own process,
measured from outside), and this script as the clients (aiohttp). The clients speak
Anthropic Messages to the proxy (Claude Code in front of a Chat server: every event is
translated) and Chat to the upstream directly.

Reported: throughput (streams and events per second), time to first byte and to the
last byte (p50 / p99) for each path and what the proxy adds, errors (non-200 answers,
broken or truncated streams), and the proxy's resident memory: idle, peak while every
stream is open, and (peak - idle) / streams. Targets (issue 5): 0 errors, added p50 < 1 ms
and p99 < 5 ms, < 64 KB per open stream. The machine's cores are shared by all three
processes, so added latency includes the proxy's CPU time under this load.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import resource
import socket
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp
from aiohttp import web

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = ROOT / "tests" / "fixtures" / "streams" / "chat__text_usage.sse"


def raise_fd_limit() -> None:
    _, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


# -- the upstream (its own process) ------------------------------------------------------


def upstream_main(port: int, events: int, gap: float) -> None:
    raise_fd_limit()
    recorded = [e + b"\n\n" for e in FIXTURE.read_bytes().split(b"\n\n") if e.strip()]
    content = [e for e in recorded if b'"content":"' in e and b"[DONE]" not in e]
    head, tail = recorded[:1], recorded[-3:]
    body = head + [content[i % len(content)] for i in range(events)] + tail

    async def answer(request: web.Request) -> web.StreamResponse:
        await request.read()
        response = web.StreamResponse(headers={"content-type": "text/event-stream"})
        await response.prepare(request)
        for event in body:
            await response.write(event)
            await asyncio.sleep(gap)
        await response.write_eof()
        return response

    app = web.Application()
    app.router.add_post("/v1/chat/completions", answer)
    web.run_app(app, host="127.0.0.1", port=port, print=None, access_log=None, backlog=4096)


# -- the clients -------------------------------------------------------------------------


@dataclass
class Result:
    first: list[float] = field(default_factory=list)
    last: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    events: int = 0
    seconds: float = 0.0


async def one_stream(
    session: aiohttp.ClientSession, url: str, body: dict[str, object], headers: dict[str, str],
    done_marker: bytes, result: Result,
) -> None:  # fmt: skip
    started = time.perf_counter()
    try:
        async with session.post(url, json=body, headers=headers) as reply:
            if reply.status != 200:
                result.errors.append(f"status {reply.status}")
                return
            first: float | None = None
            data = b""
            async for chunk in reply.content.iter_any():
                if first is None:
                    first = time.perf_counter() - started
                data += chunk
            if done_marker not in data:
                result.errors.append("stream ended without its terminal event")
                return
            result.first.append(first or 0.0)
            result.last.append(time.perf_counter() - started)
            result.events += data.count(b"\n\n")
    except (aiohttp.ClientError, TimeoutError) as err:
        result.errors.append(type(err).__name__)


async def load(url: str, fmt: str, streams: int, timeout: float, ramp: float = 0.0) -> Result:
    """`streams` calls, started evenly over `ramp` seconds, all awaited."""
    if fmt == "anthropic":
        body: dict[str, object] = {
            "model": "claude-sonnet-4-5", "max_tokens": 256, "stream": True,
            "messages": [{"role": "user", "content": "hi"}],
        }  # fmt: skip
        headers = {"x-api-key": "k", "anthropic-version": "2023-06-01"}
        marker = b"event: message_stop"
    else:
        body = {"model": "gpt-4o", "stream": True, "messages": [{"role": "user", "content": "hi"}]}
        headers = {"authorization": "Bearer k"}
        marker = b"data: [DONE]"
    result = Result()
    connector = aiohttp.TCPConnector(limit=0, force_close=True)
    async with aiohttp.ClientSession(
        connector=connector, timeout=aiohttp.ClientTimeout(total=timeout)
    ) as session:
        started = time.perf_counter()

        async def later(i: int) -> None:
            await asyncio.sleep(ramp * i / streams)
            await one_stream(session, url, body, headers, marker, result)

        await asyncio.gather(*(later(i) for i in range(streams)))
        result.seconds = time.perf_counter() - started
    return result


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def rss_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


async def watch_rss(pid: int, peak: list[int], stop: asyncio.Event) -> None:
    while not stop.is_set():
        peak[0] = max(peak[0], rss_kb(pid))
        await asyncio.sleep(0.02)


def wait_ready(url: str, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(url.removeprefix("http://").split("/")[0].split(":"), 1):  # type: ignore[arg-type]
                return
        except OSError:
            time.sleep(0.1)
    raise SystemExit(f"{url} did not start")


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def ms(value: float) -> str:
    return f"{value * 1000:.2f}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--streams", type=int, default=1000)
    parser.add_argument("--events", type=int, default=20, help="content events per stream")
    parser.add_argument("--gap", type=float, default=0.1, help="seconds between events")
    parser.add_argument(
        "--ramp",
        type=float,
        default=1.0,
        help="seconds over which the streams start (all are open together once the last "
        "has started, as long as a stream outlasts the ramp)",
    )
    parser.add_argument("--timeout", type=float, default=120, help="bound on each phase")
    parser.add_argument("--upstream-only", nargs=3, metavar=("PORT", "EVENTS", "GAP"))
    args = parser.parse_args(argv)
    if args.upstream_only:
        upstream_main(
            int(args.upstream_only[0]), int(args.upstream_only[1]), float(args.upstream_only[2])
        )
        return 0
    raise_fd_limit()
    up_port, proxy_port = free_port(), free_port()
    up_url = f"http://127.0.0.1:{up_port}"
    proxy_url = f"http://127.0.0.1:{proxy_port}"
    children = [
        subprocess.Popen(
            [sys.executable, __file__, "--upstream-only", str(up_port), str(args.events), str(args.gap)]
        ),
        subprocess.Popen(
            [
                sys.executable, "-c",
                "import resource, sys; s, h = resource.getrlimit(resource.RLIMIT_NOFILE); "
                "resource.setrlimit(resource.RLIMIT_NOFILE, (h, h)); "
                "from crosswalk.cli import main; sys.exit(main(sys.argv[1:]))",
                "serve", "--port", str(proxy_port), "--upstream", f"chat={up_url}/v1",
            ],
            stderr=subprocess.DEVNULL,  # one log line per call: not what is measured
            env={k: v for k, v in os.environ.items() if not k.endswith(("_API_KEY", "_BASE_URL"))},
        ),
    ]  # fmt: skip
    try:
        wait_ready(up_url)
        wait_ready(proxy_url)
        proxy_pid = children[1].pid

        async def run() -> tuple[Result, Result, int, int, float]:
            # Warm both paths (imports, first connections) before measuring.
            await load(f"{up_url}/v1/chat/completions", "chat", 20, args.timeout)
            await load(f"{proxy_url}/v1/messages", "anthropic", 20, args.timeout)
            direct = await load(
                f"{up_url}/v1/chat/completions", "chat", args.streams, args.timeout, args.ramp
            )
            idle = rss_kb(proxy_pid)
            cpu = cpu_seconds(proxy_pid)
            peak = [idle]
            stop = asyncio.Event()
            watcher = asyncio.create_task(watch_rss(proxy_pid, peak, stop))
            proxied = await load(
                f"{proxy_url}/v1/messages", "anthropic", args.streams, args.timeout, args.ramp
            )
            stop.set()
            await watcher
            return direct, proxied, idle, peak[0], cpu_seconds(proxy_pid) - cpu

        direct, proxied, idle, peak, cpu = asyncio.run(run())
    finally:
        for child in children:
            child.terminate()
            child.wait(10)

    print(f"# crosswalk proxy load: {args.streams} concurrent streams, started over "
          f"{args.ramp:g} s, {args.events} content events each, {args.gap * 1000:.0f} ms apart\n")  # fmt: skip
    print(f"Python {sys.version.split()[0]}, {os.cpu_count()} cores, aiohttp {aiohttp.__version__}; "
          "client, proxy and upstream in three processes on loopback.\n")  # fmt: skip
    print(
        "| path | streams ok | errors | streams/s | events/s | first byte p50 / p99 ms | last byte p50 / p99 ms |"
    )
    print("|---|---|---|---|---|---|---|")
    for name, r in (("direct (chat)", direct), ("proxy (anthropic -> chat)", proxied)):
        print(
            f"| {name} | {len(r.last)} | {len(r.errors)} | {len(r.last) / r.seconds:.0f} | "
            f"{r.events / r.seconds:.0f} | {ms(pct(r.first, 0.5))} / {ms(pct(r.first, 0.99))} | "
            f"{ms(pct(r.last, 0.5))} / {ms(pct(r.last, 0.99))} |"
        )
    added = {
        q: (
            pct(proxied.first, q) - pct(direct.first, q),
            pct(proxied.last, q) - pct(direct.last, q),
        )
        for q in (0.5, 0.99)
    }
    print(
        f"\nAdded by the proxy: first byte p50 {ms(added[0.5][0])} ms, p99 {ms(added[0.99][0])} ms; "
        f"last byte p50 {ms(added[0.5][1])} ms, p99 {ms(added[0.99][1])} ms "
        "(targets: p50 < 1 ms, p99 < 5 ms)."
    )
    per_stream = (peak - idle) / max(args.streams, 1)
    print(
        f"Proxy RSS: idle {idle / 1024:.1f} MB, peak {peak / 1024:.1f} MB with all streams open: "
        f"{per_stream:.1f} KB per open stream (target < 64 KB)."
    )
    print(
        f"Proxy CPU: {cpu:.2f} s for {len(proxied.last)} streams and {proxied.events} client "
        f"events over {proxied.seconds:.1f} s: {cpu / max(proxied.events, 1) * 1e6:.0f} µs per "
        f"event, {cpu / proxied.seconds * 100:.0f}% of a core."
    )
    errors = sorted(set(direct.errors + proxied.errors))
    print(
        f"Errors: {len(direct.errors)} direct, {len(proxied.errors)} proxied"
        + (f" ({', '.join(errors)})" if errors else "")
        + "."
    )
    if statistics.fmean(proxied.last or [0]) == 0:
        return 1
    return 0 if not proxied.errors and not direct.errors else 1


if __name__ == "__main__":
    raise SystemExit(main())
