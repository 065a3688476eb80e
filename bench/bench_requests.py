"""Request-conversion speed of crosswalk, against a JSON round-trip floor and two peers.

A script, not a test: timings depend on the machine, so nothing here asserts; it prints a
markdown table to read next to the targets in its header. Run it with `make bench`, which
installs the optional peers (llm-rosetta, LiteLLM) into their own venv.

Every number is the median of several repeats of a timeit loop, after a warm-up, of one
in-process call on an already-parsed body: the cost a proxy pays per request on top of
parsing and serialising, which the floor (`orjson.loads(orjson.dumps(body))`) stands for.
"""

from __future__ import annotations

import argparse
import copy
import importlib.metadata
import json
import os
import platform
import statistics
import subprocess
import sys
import timeit
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

# LiteLLM fetches a model price map over the network at import unless told not to.
os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")

ROOT = Path(__file__).resolve().parent.parent
CLAUDE_CODE_FIXTURE = ROOT / "tests" / "fixtures" / "claude_code_tool_read_image_with_thinking.json"
TARGETS = (
    "crosswalk ≤ 2× floor; ≥ 10× faster than llm-rosetta; ≥ 20× faster than LiteLLM; "
    "converter import < 150 ms"
)
IMPORT_SNIPPET = (
    "import time; t=time.perf_counter(); from crosswalk.convert import convert; "
    "convert(('chat','anthropic'),'request'); print(time.perf_counter()-t)"
)

Body = dict[str, Any]
Call = Callable[[Body], object]


@dataclass(frozen=True)
class Case:
    """One payload converted in one direction."""

    name: str
    source: str
    target: str
    body: Body


@dataclass(frozen=True)
class Peer:
    """A peer library's in-process request translation, or why it is unavailable."""

    name: str
    calls: dict[tuple[str, str], Call]
    missing: str = ""


# -- payloads ------------------------------------------------------------------------


def synthetic_chat_request() -> Body:
    """A 20-message Chat Completions request with 3 tools, calls and their results.

    Shaped like an agent loop (the traffic a proxy carries most): a system prompt, user
    turns, assistant turns that call tools (one of them two tools in parallel), tool
    results, and plain assistant answers.
    """
    tools = [
        _chat_tool("read_file", "Read a file from the workspace", {"path": "string"}),
        _chat_tool(
            "run_command", "Run a shell command", {"command": "string", "timeout": "integer"}
        ),
        _chat_tool("search", "Search the workspace", {"query": "string", "limit": "integer"}),
    ]
    messages: list[Body] = [
        {"role": "system", "content": "You are a careful coding assistant. " * 20},
    ]
    turn = 0
    while len(messages) < 20:
        turn += 1
        messages.append({"role": "user", "content": f"Step {turn}: look at module {turn}. " * 5})
        calls = [_call(f"call_{turn}_a", "read_file", {"path": f"src/module_{turn}.py"})]
        if turn % 2 == 0:
            calls.append(_call(f"call_{turn}_b", "search", {"query": f"def f{turn}", "limit": 5}))
        messages.append({"role": "assistant", "content": None, "tool_calls": calls})
        for call in calls:
            result = f"# contents of {call['function']['name']} call\n" + "x = 1\n" * 40
            messages.append({"role": "tool", "tool_call_id": call["id"], "content": result})
        messages.append({"role": "assistant", "content": f"Module {turn} looks fine. " * 8})
    return {
        "model": "gpt-4o",
        "messages": messages[:20],
        "tools": tools,
        "tool_choice": "auto",
        "temperature": 0.2,
        "max_completion_tokens": 2048,
    }


def _chat_tool(name: str, description: str, params: dict[str, str]) -> Body:
    return {
        "type": "function",
        "function": {
            "name": name,
            "description": description,
            "parameters": {
                "type": "object",
                "properties": {key: {"type": kind} for key, kind in params.items()},
                "required": [next(iter(params))],
            },
        },
    }


def _call(call_id: str, name: str, arguments: Body) -> Body:
    return {
        "id": call_id,
        "type": "function",
        "function": {"name": name, "arguments": json.dumps(arguments)},
    }


def build_cases() -> tuple[list[Case], list[str]]:
    """The four benchmark cases, and notes on any that could not be built.

    The second body of each payload is crosswalk's own conversion of the first, so both
    directions run on equivalent content.
    """
    from crosswalk.convert import run

    cases: list[Case] = []
    notes: list[str] = []
    chat = synthetic_chat_request()
    cases.append(Case("synthetic 20 msgs / 3 tools", "chat", "anthropic", chat))
    try:
        anthropic = run("chat", "anthropic", "request", chat, check_input=False).result
        cases.append(Case("synthetic 20 msgs / 3 tools", "anthropic", "chat", anthropic))
    except Exception as exc:
        notes.append(f"synthetic anthropic body not built: {type(exc).__name__}: {exc}")
    claude_code = json.loads(CLAUDE_CODE_FIXTURE.read_text())
    size = f"{round(len(CLAUDE_CODE_FIXTURE.read_bytes()) / 1000)} kB"
    cases.append(Case(f"Claude Code request ({size})", "anthropic", "chat", claude_code))
    try:
        as_chat = run("anthropic", "chat", "request", claude_code, check_input=False).result
        cases.append(Case(f"Claude Code request ({size})", "chat", "anthropic", as_chat))
    except Exception as exc:
        notes.append(f"Claude Code chat body not built: {type(exc).__name__}: {exc}")
    return cases, notes


# -- what is timed -------------------------------------------------------------------


def crosswalk_call(source: str, target: str, *, check_input: bool) -> Call:
    from crosswalk.convert import run

    def call(body: Body) -> object:
        return run(source, target, "request", body, check_input=check_input).result

    return call


def floor_call() -> Call | None:
    try:
        import orjson
    except ImportError:
        return None

    def call(body: Body) -> object:
        return orjson.loads(orjson.dumps(body))

    return call


def llm_rosetta_peer() -> Peer:
    try:
        import llm_rosetta
    except ImportError:
        return Peer("llm-rosetta", {}, "not installed")
    names = {"chat": "openai_chat", "anthropic": "anthropic"}

    def direction(source: str, target: str) -> Call:
        def call(body: Body) -> object:
            # A ConversionPipeline is one-shot by design, so `convert` builds one per
            # request: that is the library's per-request cost.
            return llm_rosetta.convert(body, names[target], source_provider=names[source])

        return call

    calls = {pair: direction(*pair) for pair in (("chat", "anthropic"), ("anthropic", "chat"))}
    return Peer("llm-rosetta", calls)


def litellm_peer() -> Peer:
    try:
        from litellm.llms.anthropic.chat.transformation import AnthropicConfig
        from litellm.llms.anthropic.pass_through.adapters.transformation import (
            LiteLLMAnthropicMessagesAdapter,
        )
    except ImportError:
        return Peer("LiteLLM", {}, "not installed")
    adapter = LiteLLMAnthropicMessagesAdapter()
    config = AnthropicConfig()

    def anthropic_to_chat(body: Body) -> object:
        return adapter.translate_anthropic_to_openai(body)

    def chat_to_anthropic(body: Body) -> object:
        # LiteLLM's own completion() path: map the OpenAI params, then build the body.
        params = {k: v for k, v in body.items() if k not in ("model", "messages")}
        optional = config.map_openai_params(
            non_default_params=params, optional_params={}, model=body["model"], drop_params=True
        )
        return config.transform_request(
            model=body["model"],
            messages=body["messages"],
            optional_params=optional,
            litellm_params={},
            headers={},
        )

    return Peer(
        "LiteLLM",
        {("anthropic", "chat"): anthropic_to_chat, ("chat", "anthropic"): chat_to_anthropic},
    )


def median_us(fn: Call, body: Body, repeat: int, min_time: float) -> float:
    """Median µs per call over `repeat` loops each lasting at least `min_time` seconds."""
    for _ in range(3):
        fn(body)
    timer = timeit.Timer(lambda: fn(body))
    number = 1
    while True:
        elapsed = timer.timeit(number)
        if elapsed >= min_time:
            break
        number = max(number * 2, int(number * min_time / max(elapsed, 1e-9)) + 1)
    runs = timer.repeat(repeat=repeat, number=number)
    return statistics.median(runs) / number * 1e6


def checked(fn: Call, body: Body) -> str:
    """Run once, and say why a call cannot be timed (an error, or it mutates its input)."""
    before = copy.deepcopy(body)
    try:
        fn(body)
    except Exception as exc:
        detail = " ".join(str(exc).split())[:60].replace("|", "/")
        return f"error: {type(exc).__name__}: {detail}"
    if body != before:
        return "mutates its input"
    return ""


def import_time_ms(runs: int = 5) -> str:
    """Median wall time of importing crosswalk and loading one converter, fresh process."""
    samples: list[float] = []
    for _ in range(runs):
        proc = subprocess.run(
            [sys.executable, "-c", IMPORT_SNIPPET],
            capture_output=True,
            text=True,
            cwd=ROOT,
            check=False,
        )
        if proc.returncode != 0:
            last = (proc.stderr.strip().splitlines() or ["?"])[-1]
            return f"failed: {last}"
        samples.append(float(proc.stdout.strip()) * 1e3)
    return f"{statistics.median(samples):.1f} ms (median of {runs} fresh processes)"


# -- report ----------------------------------------------------------------------------


def fmt(us: float | None) -> str:
    return "n/a" if us is None else f"{us:,.1f}"


def ratio(num: float | None, den: float | None) -> str:
    return "n/a" if num is None or den is None or den == 0 else f"{num / den:.1f}×"


def timed(fn: Call, body: Body, args: argparse.Namespace) -> tuple[float | None, str]:
    problem = checked(fn, body)
    if problem:
        return None, problem
    return median_us(fn, body, args.repeat, args.min_time), ""


def row(case: Case, peers: list[Peer], floor: Call | None, args: argparse.Namespace) -> str:
    plain, plain_note = timed(
        crosswalk_call(case.source, case.target, check_input=False), case.body, args
    )
    valid, valid_note = timed(
        crosswalk_call(case.source, case.target, check_input=True), case.body, args
    )
    floor_us = timed(floor, case.body, args)[0] if floor else None
    cells = [
        case.name,
        f"{case.source} → {case.target}",
        fmt(plain) if plain is not None else f"n/a: {plain_note}",
        fmt(valid) if valid is not None else f"n/a: {valid_note}",
        fmt(floor_us),
        ratio(plain, floor_us),
    ]
    for peer in peers:
        fn = peer.calls.get((case.source, case.target))
        if fn is None:
            cells.append(f"n/a: {peer.missing or 'no such direction'}")
            continue
        peer_us, note = timed(fn, case.body, args)
        cells.append(
            f"n/a: {note}" if peer_us is None else f"{fmt(peer_us)} ({ratio(peer_us, plain)})"
        )
    return "| " + " | ".join(cells) + " |"


def version(dist: str) -> str:
    try:
        return importlib.metadata.version(dist)
    except importlib.metadata.PackageNotFoundError:
        return "not installed"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--repeat", type=int, default=7, help="timeit repeats (median taken)")
    parser.add_argument("--min-time", type=float, default=0.1, help="seconds per repeat")
    args = parser.parse_args(argv)

    print("# crosswalk request-conversion benchmark\n")
    print(f"Targets: {TARGETS}.\n")
    print(
        f"Python {platform.python_version()} on {platform.machine()}; "
        f"pydantic {version('pydantic')}, orjson {version('orjson')}, "
        f"llm-rosetta {version('llm-rosetta')}, litellm {version('litellm')}.\n"
    )
    print(f"Converter import: {import_time_ms()}.\n")

    cases, notes = build_cases()
    peers = [llm_rosetta_peer(), litellm_peer()]
    floor = floor_call()
    header = [
        "case",
        "direction",
        "crosswalk µs",
        "crosswalk+validation µs",
        "floor µs",
        "crosswalk/floor",
        *(f"{peer.name} µs (×crosswalk)" for peer in peers),
    ]
    print("| " + " | ".join(header) + " |")
    print("|" + "---|" * len(header))
    for case in cases:
        print(row(case, peers, floor, args), flush=True)
    if floor is None:
        notes.append("floor n/a: orjson not installed")
    for note in notes:
        print(f"\n- {note}")
    print(
        "\nµs per call, median of the repeats. floor = orjson.loads(orjson.dumps(body)) of "
        "the same source body. Peer ratios are peer µs / crosswalk µs (without validation)."
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
