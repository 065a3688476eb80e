"""The `crosswalk` command: convert one body from a file or stdin.

The contract is for scripts as much as for people, so it is fixed: the converted JSON on
stdout, the loss report as a JSON list on stderr, and one diagnostic line with a JSON
Pointer when something is wrong. Exit codes:

- 0: converted (losses, if any, are on stderr);
- 2: the input is at fault (unreadable, not JSON, fails its schema, a refused field, or
  any loss under `--strict`), or the command line is (argparse's usage errors);
- 3: the pair or kind is not built yet;
- 70 (EX_SOFTWARE): anything else, which is a bug in crosswalk.

No traceback ever reaches the user: every exception is turned into one of these.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys
from collections.abc import Sequence
from dataclasses import replace
from typing import Any, NoReturn

from crosswalk.errors import ConversionError, InvalidRequestError

__all__ = ["main"]

FORMAT_CHOICES = ("anthropic", "chat", "responses")
EXIT_OK = 0
EXIT_INPUT = 2
EXIT_UNSUPPORTED = 3
EXIT_INTERNAL = 70

# How each error kind is named in the diagnostic line (`crosswalk: refused at /n: ...`).
_LABELS = {
    "invalid_request": "invalid request",
    "refused": "refused",
    "loss": "loss",
}


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code (the console script exits with it)."""
    args = _parser().parse_args(argv)
    try:
        return _convert(args)
    except ConversionError as exc:
        label = _LABELS.get(exc.kind, exc.kind.replace("_", " "))
        return _fail(EXIT_INPUT, f"{label} at {exc.pointer or '/'}: {exc.message}")
    except _UnreadableInput as exc:
        return _fail(EXIT_INPUT, str(exc))
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        _silence_stdout()
        return 1
    except Exception as exc:
        return _fail(EXIT_INTERNAL, f"internal error: {type(exc).__name__}: {exc}")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="crosswalk",
        description="Convert between Anthropic Messages, OpenAI Chat Completions and "
        "OpenAI Responses bodies.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    convert = commands.add_parser("convert", help="convert one JSON body")
    kinds = convert.add_subparsers(dest="kind", required=True, metavar="KIND")
    for kind, what in (
        ("request", "a request body"),
        ("response", "a non-streaming response body"),
        ("error", "an error body with its HTTP status"),
    ):
        sub = kinds.add_parser(kind, help=f"convert {what}")
        sub.add_argument("--from", dest="source", required=True, choices=FORMAT_CHOICES)
        sub.add_argument("--to", dest="target", required=True, choices=FORMAT_CHOICES)
        sub.add_argument(
            "file", nargs="?", default="-", metavar="FILE", help="JSON input; '-' or absent: stdin"
        )
        sub.add_argument(
            "--strict", action="store_true", help="fail on any dropped or coerced field"
        )
        sub.add_argument(
            "--default-max-tokens",
            type=_positive_int,
            metavar="N",
            help="max_tokens for an Anthropic target when the source has none",
        )
        if kind == "error":
            sub.add_argument(
                "--status",
                type=_http_status,
                metavar="N",
                help="HTTP status the error body came with (without it, FILE is a whole "
                'error response: {"status": N, "body": {...}, "headers": {...}})',
            )
        if kind == "response":
            sub.add_argument(
                "--request",
                metavar="FILE",
                help="the request (in the --to format) this response answers: its custom "
                "tools' calls come back as custom tool calls",
            )
    return parser


def _convert(args: argparse.Namespace) -> int:
    # Imported here, not at the top, so that `--help` and usage errors never pay for the
    # converters, and a broken install still ends in one line rather than a traceback.
    from crosswalk.convert import UnsupportedPair, convert, custom_tool_names, run
    from crosswalk.transforms import Options

    try:
        # Looked up before reading the input, so an unbuilt pair never waits on stdin.
        convert((args.source, args.target), args.kind)
    except UnsupportedPair as exc:
        return _fail(EXIT_UNSUPPORTED, str(exc))
    options = Options(strict=args.strict)
    if args.default_max_tokens is not None:
        options = replace(options, default_max_tokens=args.default_max_tokens)
    if args.kind == "response" and args.request is not None:
        request = _read_json(args.request)
        if isinstance(request, dict):
            options = replace(options, custom_tools=custom_tool_names(args.target, request))
    body = _read_json(args.file)
    if args.kind == "error" and args.status is not None:
        # An error's meaning is split between its HTTP status and its body, so the error
        # converters take and return both together, and stdout carries both.
        body = {"status": args.status, "body": body}
    conversion = run(args.source, args.target, args.kind, body, options)
    _write(sys.stdout, _dumps(conversion.result, indent=2))
    _write(sys.stderr, _dumps(conversion.loss_json(), indent=None))
    return EXIT_OK


class _UnreadableInput(Exception):
    """The FILE argument cannot be read: the user's mistake, reported without a pointer."""


def _read_json(path: str) -> Any:
    try:
        if path == "-":
            raw = sys.stdin.buffer.read()
        else:
            with open(path, "rb") as f:
                raw = f.read()
    except OSError as exc:
        raise _UnreadableInput(f"cannot read {path}: {exc.strerror or exc}") from None
    try:
        return json.loads(raw, parse_constant=_reject_constant)
    except (ValueError, RecursionError) as exc:
        # ValueError covers JSONDecodeError, bad UTF-8 and over-long integers.
        raise InvalidRequestError("", f"invalid JSON: {exc}") from None


def _reject_constant(name: str) -> NoReturn:
    # Python's json accepts NaN and Infinity; JSON (and every API upstream) does not.
    raise ValueError(f"{name} is not valid JSON")


def _dumps(value: object, *, indent: int | None) -> bytes:
    text = json.dumps(value, indent=indent, ensure_ascii=False) + "\n"
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError:
        # A lone surrogate (legal as a JSON escape) cannot be UTF-8: keep it escaped.
        return (json.dumps(value, indent=indent) + "\n").encode("ascii")


def _write(stream: Any, data: bytes) -> None:
    # Write bytes so the output is UTF-8 whatever the locale says stdout's encoding is;
    # a replaced stream without a byte buffer (io.StringIO in a caller's test) gets text.
    buffer = getattr(stream, "buffer", None)
    if buffer is None:
        stream.write(data.decode("utf-8"))
        stream.flush()
        return
    stream.flush()
    buffer.write(data)
    buffer.flush()


def _fail(code: int, message: str) -> int:
    line = " ".join(message.split())
    with contextlib.suppress(OSError):  # stderr gone: the exit code still tells
        print(f"crosswalk: {line}", file=sys.stderr, flush=True)
    return code


def _silence_stdout() -> None:
    # After EPIPE, the interpreter's final flush of stdout would print another error.
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())


def _positive_int(text: str) -> int:
    value = _int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be a positive integer: {text!r}")
    return value


def _http_status(text: str) -> int:
    value = _int(text)
    if not 400 <= value <= 599:
        raise argparse.ArgumentTypeError(f"not an HTTP error status (400-599): {text!r}")
    return value


def _int(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an integer: {text!r}") from None
