"""Load on the proxy: N concurrent streaming calls through it, through a bare aiohttp
relay, and straight to the upstream, on loopback, bounded in time.

    .venv/bin/python bench/load_proxy.py [--streams 1000] [--events 20] [--gap 0.1]
        [--ramp 1] [--keep-alive] [--workers 1] [--rounds 1]

Four processes: the upstream (a small aiohttp server streaming Chat chunks in the shape
of tests/fixtures/streams/chat__text_usage.sse, one event every --gap seconds, so that
all streams are open at once), the bare relay (bytes passed on, nothing parsed: the floor
of any aiohttp proxy), `crosswalk serve --upstream chat=...` (its own process or
processes, measured from outside), and this script as the clients (aiohttp). The clients
speak Anthropic Messages to crosswalk (Claude Code in front of a Chat server: every
event is translated) and Chat to the relay and the upstream.

Reported, for each path and as what each middle adds: throughput, time to first byte,
each content event's latency (the upstream stamps its write time in the event's text;
the client reads it back in whatever format the event arrives), time to the last byte
(p50 / p99), errors (non-200 answers, broken or truncated streams); each middle's CPU
per event and memory per open stream (PSS, peak - idle); every process's CPU. Targets
(issue 5): 0 errors, added p50 < 1 ms and p99 < 5 ms, < 64 KB per open stream. The
machine's cores are shared by all four processes, so what a middle adds includes
queueing for CPU under load.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import resource
import socket
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


# Each content event's text is the moment the upstream wrote it (CLOCK_MONOTONIC, which
# every process on the machine shares), between two @: the client reads it back out of
# whatever format the event arrives in, for each event's latency.
STAMP = re.compile(rb"@(\d+\.\d{6})@")


def upstream_main(port: int, events: int, gap: float) -> None:
    raise_fd_limit()
    recorded = [e + b"\n\n" for e in FIXTURE.read_bytes().split(b"\n\n") if e.strip()]
    sample = json.loads(next(e for e in recorded if b'"content":"Hi"' in e)[len(b"data: ") :])
    sample["choices"][0]["delta"] = {"content": "@TS@"}
    content = b"data: " + json.dumps(sample, separators=(",", ":")).encode() + b"\n\n"
    head, tail = recorded[0], recorded[-3:]

    async def answer(request: web.Request) -> web.StreamResponse:
        await request.read()
        response = web.StreamResponse(headers={"content-type": "text/event-stream"})
        await response.prepare(request)
        await response.write(head)
        await asyncio.sleep(gap)
        for _ in range(events):
            await response.write(content.replace(b"@TS@", b"@%.6f@" % time.monotonic()))
            await asyncio.sleep(gap)
        for event in tail:
            await response.write(event)
            await asyncio.sleep(gap)
        await response.write_eof()
        return response

    app = web.Application()
    app.router.add_post("/v1/chat/completions", answer)
    web.run_app(app, host="127.0.0.1", port=port, print=None, access_log=None, backlog=4096)


# -- a bare relay (its own process): the floor of any aiohttp proxy ----------------------


def bare_main(port: int, upstream: str) -> None:
    """An aiohttp server that relays each call's upstream stream unchanged, chunk by
    chunk, with one pooled aiohttp client session: no parsing, no translation, no
    validation, no log line. What it adds is what aiohttp and the kernel cost a proxy
    on this machine; crosswalk's own cost is what it adds beyond this."""
    raise_fd_limit()

    async def open_session(app: web.Application) -> None:
        app["session"] = aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0))

    async def close_session(app: web.Application) -> None:
        await app["session"].close()

    async def relay(request: web.Request) -> web.StreamResponse:
        body = await request.read()
        async with request.app["session"].post(
            upstream, data=body, headers={"content-type": "application/json"}
        ) as reply:
            response = web.StreamResponse(headers={"content-type": "text/event-stream"})
            await response.prepare(request)
            async for chunk in reply.content.iter_any():
                await response.write(chunk)
            await response.write_eof()
            return response

    app = web.Application()
    app.on_startup.append(open_session)
    app.on_cleanup.append(close_session)
    app.router.add_post("/v1/chat/completions", relay)
    web.run_app(app, host="127.0.0.1", port=port, print=None, access_log=None, backlog=4096)


# -- the clients -------------------------------------------------------------------------


@dataclass
class Result:
    first: list[float] = field(default_factory=list)
    last: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    events: int = 0
    seconds: float = 0.0
    cpu: tuple[float, float] = (0.0, 0.0)  # the clients', the upstream's
    event_latency: list[float] = field(default_factory=list)  # upstream write -> client read


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
            carry = b""
            async for chunk in reply.content.iter_any():
                now = time.monotonic()
                if first is None:
                    first = time.perf_counter() - started
                data += chunk
                carry += chunk
                for stamp in STAMP.finditer(carry):
                    result.event_latency.append(now - float(stamp.group(1)))
                carry = carry[carry.rfind(b"@") :] if carry.count(b"@") % 2 else b""
            if done_marker not in data:
                result.errors.append("stream ended without its terminal event")
                return
            result.first.append(first or 0.0)
            result.last.append(time.perf_counter() - started)
            result.events += data.count(b"\n\n")
    except (aiohttp.ClientError, TimeoutError) as err:
        result.errors.append(type(err).__name__)


def new_session(timeout: float, keep_alive: bool) -> aiohttp.ClientSession:
    connector = aiohttp.TCPConnector(limit=0, force_close=not keep_alive)
    return aiohttp.ClientSession(connector=connector, timeout=aiohttp.ClientTimeout(total=timeout))


async def load(
    url: str, fmt: str, streams: int, timeout: float, ramp: float = 0.0,
    session: aiohttp.ClientSession | None = None,
) -> Result:  # fmt: skip
    """`streams` calls, started evenly over `ramp` seconds, all awaited; each on a new
    connection, unless a keep-alive `session` is given."""
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
    own = session is None
    session = session or new_session(timeout, keep_alive=False)
    try:
        started = time.perf_counter()

        async def later(i: int) -> None:
            await asyncio.sleep(ramp * i / streams)
            await one_stream(session, url, body, headers, marker, result)

        await asyncio.gather(*(later(i) for i in range(streams)))
        result.seconds = time.perf_counter() - started
    finally:
        if own:
            await session.close()
    return result


def family(pid: int) -> list[int]:
    """A process and its children (crosswalk's workers)."""
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return []
    return [pid, *(int(c) for c in children)]


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process and its living children so far."""
    total = 0
    for member in family(pid):
        try:
            fields = Path(f"/proc/{member}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


def rss_kb(pid: int) -> int:
    """Proportional set size of a process and its children: forked workers share their
    parent's pages, which plain RSS would count once per worker."""
    total = 0
    for member in family(pid):
        try:
            lines = Path(f"/proc/{member}/smaps_rollup").read_text().splitlines()
        except OSError:
            continue
        total += sum(int(line.split()[1]) for line in lines if line.startswith("Pss:"))
    return total


async def watch_rss(pid: int, peak: list[int], stop: asyncio.Event) -> None:
    while not stop.is_set():
        peak[0] = max(peak[0], rss_kb(pid))
        await asyncio.sleep(0.25)  # reading smaps_rollup costs CPU the load shares


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


@dataclass
class Hop:
    """One way to reach the upstream: straight, through the bare relay, or through
    crosswalk. `pid` is the process in the middle (None when straight)."""

    name: str
    url: str
    fmt: str
    pid: int | None
    results: list[Result] = field(default_factory=list)
    session: aiohttp.ClientSession | None = None  # with --keep-alive
    idle_kb: int = 0
    peak_kb: int = 0
    cpu: float = 0.0  # the middle process's, over every measured round

    def pooled(self) -> Result:
        whole = Result()
        for r in self.results:
            whole.first += r.first
            whole.last += r.last
            whole.errors += r.errors
            whole.events += r.events
            whole.event_latency += r.event_latency
            whole.seconds += r.seconds
            whole.cpu = (whole.cpu[0] + r.cpu[0], whole.cpu[1] + r.cpu[1])
        return whole


def python_child(*code_and_args: str) -> list[str]:
    return [sys.executable, "-c", "import resource, sys; s, h = resource.getrlimit("
            "resource.RLIMIT_NOFILE); resource.setrlimit(resource.RLIMIT_NOFILE, (h, h)); "
            + code_and_args[0], *code_and_args[1:]]  # fmt: skip


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
    parser.add_argument(
        "--rounds", type=int, default=1,
        help="measure each path this many times, interleaved (latencies are pooled)",
    )  # fmt: skip
    parser.add_argument(
        "--keep-alive", action="store_true",
        help="clients keep their connections (as Claude Code and the SDKs do): a first "
        "unmeasured round opens them, on every path, and leaves the proxy's upstream pool "
        "warm; without it every call opens a new connection",
    )  # fmt: skip
    parser.add_argument(
        "--workers", type=int, default=1, help="crosswalk serve --workers (the bare relay has one)"
    )
    parser.add_argument("--timeout", type=float, default=120, help="bound on each phase")
    parser.add_argument("--upstream-only", nargs=3, metavar=("PORT", "EVENTS", "GAP"))
    parser.add_argument("--bare-only", nargs=2, metavar=("PORT", "UPSTREAM_URL"))
    args = parser.parse_args(argv)
    if args.upstream_only:
        port, events, gap = args.upstream_only
        upstream_main(int(port), int(events), float(gap))
        return 0
    if args.bare_only:
        bare_main(int(args.bare_only[0]), args.bare_only[1])
        return 0
    raise_fd_limit()
    up_port, bare_port, proxy_port = free_port(), free_port(), free_port()
    up_url = f"http://127.0.0.1:{up_port}"
    env = {k: v for k, v in os.environ.items() if not k.endswith(("_API_KEY", "_BASE_URL"))}
    upstream = subprocess.Popen(
        [sys.executable, __file__, "--upstream-only", str(up_port), str(args.events), str(args.gap)]
    )  # fmt: skip
    bare = subprocess.Popen(
        [sys.executable, __file__, "--bare-only", str(bare_port), f"{up_url}/v1/chat/completions"]
    )  # fmt: skip
    proxy = subprocess.Popen(
        python_child("from crosswalk.cli import main; sys.exit(main(sys.argv[1:]))",
                     "serve", "--port", str(proxy_port), "--upstream", f"chat={up_url}/v1",
                     "--workers", str(args.workers)),
        stderr=subprocess.DEVNULL,  # one log line per call: not what is measured
        env=env,
    )  # fmt: skip
    hops = [
        Hop("direct (chat)", f"{up_url}/v1/chat/completions", "chat", None),
        Hop("bare aiohttp relay (chat -> chat)",
            f"http://127.0.0.1:{bare_port}/v1/chat/completions", "chat", bare.pid),
        Hop("crosswalk (anthropic -> chat)"
            + (f", {args.workers} workers" if args.workers > 1 else ""),
            f"http://127.0.0.1:{proxy_port}/v1/messages", "anthropic", proxy.pid),
    ]  # fmt: skip
    try:
        for hop in hops:
            wait_ready(hop.url)

        async def streams(hop: Hop) -> Result:
            """One round of the load on a path, the middle's peak memory watched."""
            peak = [rss_kb(hop.pid) if hop.pid else 0]
            stop = asyncio.Event()
            watcher = asyncio.create_task(watch_rss(hop.pid, peak, stop)) if hop.pid else None
            result = await load(
                hop.url, hop.fmt, args.streams, args.timeout, args.ramp, hop.session
            )
            stop.set()
            if watcher:
                await watcher
            hop.peak_kb = max(hop.peak_kb, peak[0])
            return result

        async def measure(hop: Hop) -> None:
            spent = (time.process_time(), cpu_seconds(upstream.pid))
            middle = cpu_seconds(hop.pid) if hop.pid else 0.0
            result = await streams(hop)
            result.cpu = (time.process_time() - spent[0], cpu_seconds(upstream.pid) - spent[1])
            if hop.pid:
                hop.cpu += cpu_seconds(hop.pid) - middle
            hop.results.append(result)

        async def run() -> None:
            # Warm every path (imports, first connections) before measuring; the middle's
            # idle memory is taken before any round has opened its streams.
            for hop in hops:
                await load(hop.url, hop.fmt, 20, args.timeout)
                hop.idle_kb = rss_kb(hop.pid) if hop.pid else 0
                if args.keep_alive:
                    hop.session = new_session(args.timeout, keep_alive=True)
                    await streams(hop)
            try:
                for _ in range(args.rounds):
                    for hop in hops:
                        await measure(hop)
            finally:
                for hop in hops:
                    if hop.session:
                        await hop.session.close()

        asyncio.run(run())
    finally:
        for child in (upstream, bare, proxy):
            child.terminate()
            child.wait(10)
    report(args, hops)
    errors = [e for hop in hops for r in hop.results for e in r.errors]
    return 0 if not errors and hops[-1].pooled().last else 1


def report(args: argparse.Namespace, hops: list[Hop]) -> None:
    print(f"# crosswalk proxy load: {args.streams} concurrent streams, started over "
          f"{args.ramp:g} s, {args.events} content events each, {args.gap * 1000:.0f} ms apart"
          + (f", {args.rounds} rounds interleaved" if args.rounds > 1 else "")
          + (", kept-alive connections" if args.keep_alive else ", a new connection per call")
          + "\n")  # fmt: skip
    print(f"Python {sys.version.split()[0]}, {os.cpu_count()} cores, aiohttp {aiohttp.__version__}; "
          "clients, upstream and each middle process on loopback.\n")  # fmt: skip
    print("| path | streams ok | errors | streams/s | events/s | first byte p50 / p99 ms "
          "| each event p50 / p99 ms | last byte p50 / p99 ms | middle CPU µs/event "
          "| middle KB/stream |")  # fmt: skip
    print("|---|---|---|---|---|---|---|---|---|---|")
    for hop in hops:
        r = hop.pooled()
        cpu = f"{hop.cpu / max(r.events, 1) * 1e6:.0f}" if hop.pid else "-"
        kb = f"{(hop.peak_kb - hop.idle_kb) / max(args.streams, 1):.1f}" if hop.pid else "-"
        assert len(r.event_latency) == args.events * len(r.last), "a stamp went unread"
        print(
            f"| {hop.name} | {len(r.last)} | {len(r.errors)} | {len(r.last) / r.seconds:.0f} | "
            f"{r.events / r.seconds:.0f} | {ms(pct(r.first, 0.5))} / {ms(pct(r.first, 0.99))} | "
            f"{ms(pct(r.event_latency, 0.5))} / {ms(pct(r.event_latency, 0.99))} | "
            f"{ms(pct(r.last, 0.5))} / {ms(pct(r.last, 0.99))} | {cpu} | {kb} |"
        )
    direct = hops[0].pooled()
    print()
    for hop in hops[1:]:
        r = hop.pooled()
        added = [
            [pct(mine, q) - pct(theirs, q) for q in (0.5, 0.99)]
            for mine, theirs in (
                (r.first, direct.first), (r.event_latency, direct.event_latency),
                (r.last, direct.last),
            )
        ]  # fmt: skip
        print(
            f"Added by the {hop.name.split(' (')[0]}: first byte p50 {ms(added[0][0])} ms, "
            f"p99 {ms(added[0][1])} ms; each event p50 {ms(added[1][0])} ms, "
            f"p99 {ms(added[1][1])} ms; last byte p50 {ms(added[2][0])} ms, "
            f"p99 {ms(added[2][1])} ms."
        )
    proxy = hops[-1]
    print(
        f"\nTargets (issue 5): 0 errors; added p50 < 1 ms and p99 < 5 ms; < 64 KB per open "
        f"stream. crosswalk's RSS: idle {proxy.idle_kb / 1024:.1f} MB, peak "
        f"{proxy.peak_kb / 1024:.1f} MB."
    )
    for hop in hops:
        r = hop.pooled()
        print(
            f"CPU while {hop.name} was measured: clients {r.cpu[0]:.2f} s, upstream "
            f"{r.cpu[1]:.2f} s"
            + (f", middle {hop.cpu:.2f} s" if hop.pid else "")
            + f", over {r.seconds:.1f} s."
        )


if __name__ == "__main__":
    raise SystemExit(main())
