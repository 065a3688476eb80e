"""The `crosswalk` command: convert one body, or one stream, from a file or stdin.

The contract is for scripts as much as for people, so it is fixed: the converted JSON (or
SSE stream) on stdout, the loss report as a JSON list on stderr, and one diagnostic line
with a JSON Pointer when something is wrong. A stream is translated as it is read: each
piece of input that completes events is written out and flushed at once, so the command
works in a pipe (`curl -N … | crosswalk convert stream --from chat --to anthropic`).
`convert response --stream` writes a reply as a stream (synthesis); `convert stream
--accumulate` writes a stream's complete reply (accumulation). Exit codes:

- 0: converted (losses, if any, are on stderr);
- 2: the input is at fault (unreadable, not JSON, fails its schema, a refused field, any
  loss under `--strict`, or a stream that failed, broke off or broke its format: the
  output then ends with the target's error termination), or the command line is
  (argparse's usage errors);
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
        if args.command == "serve":
            return _serve(args)
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
    serve = commands.add_parser(
        "serve",
        help="run the proxy",
        description="Run the proxy: any client format in front of any upstream format. "
        "Without --config and --upstream, the upstreams come from ANTHROPIC_API_KEY / "
        "OPENAI_API_KEY (and their *_BASE_URL); with none, it still serves health and "
        "models and answers calls with an error.",
    )
    serve.add_argument("--config", metavar="FILE", help="a crosswalk.toml")
    serve.add_argument("--host", help="listen address (default 127.0.0.1)")
    serve.add_argument("--port", type=_port, help="listen port (default 8787)")
    serve.add_argument(
        "--workers",
        type=int,
        metavar="N",
        help="worker processes sharing the port, one core each (default 1)",
    )
    serve.add_argument(
        "--upstream",
        action="append",
        default=[],
        metavar="FORMAT=BASE_URL",
        help="an upstream every model goes to, e.g. chat=http://127.0.0.1:8000/v1",
    )
    serve.add_argument(
        "--upstream-key-env", metavar="VAR", help="the environment variable holding its key"
    )
    serve.add_argument(
        "--upstream-model",
        metavar="NAME",
        help="send every call under this model name, whatever the client asks for",
    )
    convert = commands.add_parser("convert", help="convert one JSON body")
    kinds = convert.add_subparsers(dest="kind", required=True, metavar="KIND")
    for kind, what in (
        ("request", "a request body"),
        ("response", "a non-streaming response body"),
        ("error", "an error body with its HTTP status"),
        ("stream", "a streamed response (SSE)"),
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
        if kind in ("response", "stream"):
            sub.add_argument(
                "--request",
                metavar="FILE",
                help="the request (in the --to format) this response answers: its custom "
                "tools' calls come back as custom tool calls",
            )
            sub.add_argument(
                "--no-usage",
                dest="include_usage",
                action="store_false",
                help="a Chat stream without the usage chunk (the client did not ask for "
                "stream_options.include_usage)",
            )
        if kind == "response":
            sub.add_argument(
                "--stream", action="store_true", help="write the reply as an SSE stream"
            )
        if kind == "stream":
            sub.add_argument(
                "--accumulate",
                action="store_true",
                help="write the stream's complete reply as one JSON body",
            )
    return parser


def _serve(args: argparse.Namespace) -> int:
    from dataclasses import replace as with_fields
    from pathlib import Path

    from crosswalk.proxy import app, config

    try:
        if args.config:
            if args.upstream or args.upstream_key_env or args.upstream_model:
                raise config.ConfigError(
                    "--upstream, --upstream-key-env and --upstream-model cannot be used "
                    "with --config (routes go in the file)"
                )
            loaded = config.load(Path(args.config))
            loaded = with_fields(
                loaded,
                host=args.host or loaded.host,
                port=loaded.port if args.port is None else args.port,
            )
        else:
            loaded = config.from_flags(
                args.upstream,
                key_env=args.upstream_key_env,
                upstream_model=args.upstream_model,
                port=args.port,
                host=args.host,
            )
        if args.workers is not None:
            loaded = with_fields(loaded, workers=args.workers)
    except config.ConfigError as exc:
        return _fail(EXIT_INPUT, f"configuration: {exc}")
    try:
        app.serve(loaded)
    except OSError as exc:  # the port is taken, the address is not this machine's
        return _fail(EXIT_INPUT, f"cannot listen on {loaded.host}:{loaded.port}: {exc}")
    return EXIT_OK


def _convert(args: argparse.Namespace) -> int:
    # Imported here, not at the top, so that `--help` and usage errors never pay for the
    # converters, and a broken install still ends in one line rather than a traceback.
    from crosswalk.convert import UnsupportedPair, convert, custom_tool_names, run
    from crosswalk.transforms import Options

    kind = "response" if args.kind == "stream" else args.kind
    try:
        # Looked up before reading the input, so an unbuilt pair never waits on stdin.
        if args.source != args.target or args.kind != "stream":
            convert((args.source, args.target), kind)
    except UnsupportedPair as exc:
        return _fail(EXIT_UNSUPPORTED, str(exc))
    options = Options(strict=args.strict)
    if args.default_max_tokens is not None:
        options = replace(options, default_max_tokens=args.default_max_tokens)
    if kind == "response" and args.request is not None:
        request = _read_json(args.request)
        if isinstance(request, dict):
            options = replace(options, custom_tools=custom_tool_names(args.target, request))
    if args.kind == "stream":
        return _stream(args, options)
    body = _read_json(args.file)
    if args.kind == "error" and args.status is not None:
        # An error's meaning is split between its HTTP status and its body, so the error
        # converters take and return both together, and stdout carries both.
        body = {"status": args.status, "body": body}
    if args.kind == "response" and args.stream:
        from crosswalk.stream import synthesize

        data, loss = synthesize(
            args.source,
            args.target,
            body,
            options,
            include_usage=args.include_usage,
            check_input=True,
        )
        _write(sys.stdout, data)
        _write(sys.stderr, _dumps([e.to_json() for e in loss], indent=None))
        return EXIT_OK
    conversion = run(args.source, args.target, args.kind, body, options)
    _write(sys.stdout, _dumps(conversion.result, indent=2))
    _write(sys.stderr, _dumps(conversion.loss_json(), indent=None))
    return EXIT_OK


# How much one read may take from the input; a read returns as soon as any data is there.
_READ_SIZE = 65536


def _stream(args: argparse.Namespace, options: Any) -> int:
    """Translate an SSE stream as it arrives, or accumulate it into the whole reply."""
    from crosswalk.stream import Translator, accumulate

    out = sys.stdout
    if args.accumulate:
        result = accumulate(args.source, args.target, _chunks(args.file), options)
        _write(out, _dumps(result.error if result.error is not None else result.response, indent=2))
        loss, error = result.loss, result.error
    else:
        translator = Translator(args.source, args.target, options, include_usage=args.include_usage)
        for chunk in _chunks(args.file):
            if data := translator.feed(chunk):
                _write(out, data)
        if tail := translator.close():
            _write(out, tail)
        loss, error = translator.loss, translator.error
    _write(sys.stderr, _dumps([e.to_json() for e in loss], indent=None))
    if error is not None:
        detail = error.get("body", {}).get("error", {})
        message = detail.get("message") if isinstance(detail, dict) else None
        return _fail(EXIT_INPUT, f"the stream ended in an error: {message or error}")
    return EXIT_OK


def _chunks(path: str) -> Any:
    """The input's bytes as they become available (os.read does not wait to fill)."""
    try:
        fd = sys.stdin.fileno() if path == "-" else os.open(path, os.O_RDONLY)
    except OSError as exc:
        raise _UnreadableInput(f"cannot read {path}: {exc.strerror or exc}") from None
    try:
        while True:
            try:
                chunk = os.read(fd, _READ_SIZE)
            except OSError as exc:
                raise _UnreadableInput(f"cannot read {path}: {exc.strerror or exc}") from None
            if not chunk:
                return
            yield chunk
    finally:
        if path != "-":
            os.close(fd)


class _UnreadableInput(Exception):
    """The FILE argument cannot be read: the user's mistake, reported without a pointer."""


def _read_json(path: str) -> Any:
    raw = b"".join(_chunks(path))
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


def _port(text: str) -> int:
    value = _int(text)
    if not 0 <= value <= 65535:
        raise argparse.ArgumentTypeError(f"not a TCP port: {text!r}")
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
