"""The `crosswalk` command's contract, exercised as users and scripts see it: a subprocess.

Scripts depend on the exact shape of stdout, stderr and the exit code, so these tests
check bytes and codes, not internals. The conversions themselves are the tables' business
(golden tests); here any chat <-> anthropic request that converts will do.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"

CHAT_FIXTURES = ["sdk_chat_tools.json", "sdk_chat_tool_followup.json", "sdk_chat_stream_usage.json"]
ANTHROPIC_FIXTURES = [
    "sdk_anthropic_tools.json",
    "sdk_anthropic_tool_result.json",
    "claude_code_tool_read_image_with_thinking.json",
    "claude_code_tool_bash_followup.json",
    "claude_code_say_hi_opus.json",
    "claude_code_sonnet45.json",
]
MINIMAL_CHAT = {"model": "gpt-4o-mini", "messages": [{"role": "user", "content": "hi"}]}
ONE_LINE = re.compile(r"^crosswalk: [^\n]+\n\Z")


def crosswalk(*args: str, stdin: bytes = b"") -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "crosswalk", *args],
        input=stdin,
        capture_output=True,
        cwd=ROOT,
        timeout=60,
        check=False,
    )


def chat_to_anthropic(body: object, *extra: str) -> subprocess.CompletedProcess[bytes]:
    stdin = json.dumps(body).encode()
    return crosswalk(
        "convert", "request", "--from", "chat", "--to", "anthropic", *extra, stdin=stdin
    )


def assert_converted(
    proc: subprocess.CompletedProcess[bytes], losses: list[tuple[str, str]] | None = None
) -> dict[str, object]:
    """Exit 0, one indented JSON object on stdout, a JSON list of loss entries on stderr.

    `losses`, when given, is the exact list of (kind, pointer) expected on stderr.
    """
    assert proc.returncode == 0, proc.stderr.decode()
    out = proc.stdout.decode("utf-8")
    result = json.loads(out)
    assert isinstance(result, dict)
    assert out == json.dumps(result, indent=2, ensure_ascii=False) + "\n"
    loss = json.loads(proc.stderr)
    assert isinstance(loss, list)
    for entry in loss:
        assert set(entry) == {"kind", "pointer", "reason"}
        assert entry["kind"] in {"dropped", "coerced"}
        assert entry["pointer"] == "" or entry["pointer"].startswith("/")
    if losses is not None:
        assert [(e["kind"], e["pointer"]) for e in loss] == losses
    return result


def assert_one_line(proc: subprocess.CompletedProcess[bytes], code: int) -> str:
    """The failure contract: exit `code`, nothing on stdout, exactly one line on stderr."""
    err = proc.stderr.decode()
    assert proc.returncode == code, err
    assert proc.stdout == b""
    assert ONE_LINE.match(err), err
    return err


@pytest.mark.parametrize("name", CHAT_FIXTURES)
def test_chat_fixture_converts_to_anthropic(name: str) -> None:
    proc = crosswalk(
        "convert", "request", "--from", "chat", "--to", "anthropic", str(FIXTURES / name)
    )
    result = assert_converted(proc)
    assert "messages" in result
    assert "max_tokens" in result


@pytest.mark.parametrize("name", ANTHROPIC_FIXTURES)
def test_anthropic_fixture_converts_to_chat(name: str) -> None:
    proc = crosswalk(
        "convert", "request", "--from", "anthropic", "--to", "chat", str(FIXTURES / name)
    )
    result = assert_converted(proc)
    assert "messages" in result


def test_stdin_dash_and_absent_file_are_the_same() -> None:
    stdin = (FIXTURES / "sdk_chat_tools.json").read_bytes()
    args = ("convert", "request", "--from", "chat", "--to", "anthropic")
    with_dash = crosswalk(*args, "-", stdin=stdin)
    without = crosswalk(*args, stdin=stdin)
    from_file = crosswalk(*args, str(FIXTURES / "sdk_chat_tools.json"))
    assert_converted(with_dash)
    assert with_dash.stdout == without.stdout == from_file.stdout
    assert with_dash.stderr == without.stderr == from_file.stderr


def test_output_is_utf8_not_escaped() -> None:
    body = {**MINIMAL_CHAT, "messages": [{"role": "user", "content": "héllo ✓ 日本"}]}
    proc = chat_to_anthropic(body)
    assert_converted(proc)
    assert "héllo ✓ 日本" in proc.stdout.decode("utf-8")


def test_default_max_tokens_is_used_when_source_has_none() -> None:
    result = assert_converted(chat_to_anthropic(MINIMAL_CHAT, "--default-max-tokens", "321"))
    assert result["max_tokens"] == 321


def test_schema_invalid_body_names_the_pointer() -> None:
    err = assert_one_line(chat_to_anthropic({"model": "gpt-4o-mini", "messages": "x"}), 2)
    assert err.startswith("crosswalk: invalid request at /messages: ")


def test_schema_invalid_nested_field_names_the_pointer() -> None:
    body = {"model": "gpt-4o-mini", "messages": [{"role": "user", "content": 5}]}
    err = assert_one_line(chat_to_anthropic(body), 2)
    assert err.startswith("crosswalk: invalid request at /messages/0"), err


def test_bad_json_is_an_invalid_request_at_the_root() -> None:
    proc = crosswalk(
        "convert", "request", "--from", "chat", "--to", "anthropic", stdin=b'{"model": '
    )
    err = assert_one_line(proc, 2)
    assert err.startswith("crosswalk: invalid request at /: invalid JSON: "), err


@pytest.mark.parametrize("stdin", [b"[1, 2]", b'"text"', b"null"])
def test_non_object_body_is_refused(stdin: bytes) -> None:
    proc = crosswalk("convert", "request", "--from", "chat", "--to", "anthropic", stdin=stdin)
    err = assert_one_line(proc, 2)
    assert err == "crosswalk: invalid request at /: request body must be a JSON object\n"


@pytest.mark.parametrize(
    ("field", "value"),
    [("n", 3), ("logit_bias", {"1": 5})],
)
def test_strict_turns_a_lossy_field_into_exit_2(field: str, value: object) -> None:
    err = assert_one_line(chat_to_anthropic({**MINIMAL_CHAT, field: value}, "--strict"), 2)
    assert re.match(rf"crosswalk: (refused|loss) at /{field}: ", err), err


@pytest.mark.parametrize(
    ("field", "value"),
    [("n", 3), ("logit_bias", {"1": 5})],
)
def test_lenient_reports_or_refuses_a_lossy_field(field: str, value: object) -> None:
    proc = chat_to_anthropic({**MINIMAL_CHAT, field: value})
    if proc.returncode == 0:
        loss = json.loads(proc.stderr)
        assert any(entry["pointer"] == f"/{field}" for entry in loss), loss
    else:
        err = assert_one_line(proc, 2)
        assert err.startswith(f"crosswalk: refused at /{field}: "), err


def test_unbuilt_pair_exits_3() -> None:
    # Every pair of distinct formats is built; a format to itself has no table.
    proc = crosswalk("convert", "request", "--from", "chat", "--to", "chat", stdin=b"{}")
    err = assert_one_line(proc, 3)
    assert err == "crosswalk: request chat -> chat: not supported yet\n"


def test_error_kind_takes_a_status() -> None:
    body = {"type": "error", "error": {"type": "overloaded_error", "message": "Overloaded"}}
    proc = crosswalk(
        "convert",
        "error",
        "--from",
        "anthropic",
        "--to",
        "chat",
        "--status",
        "529",
        stdin=json.dumps(body).encode(),
    )
    assert assert_converted(proc) == {
        "status": 503,
        "body": {
            "error": {
                "message": "Overloaded",
                "type": "service_unavailable_error",
                "param": None,
                "code": None,
            }
        },
    }


def test_error_kind_reads_a_whole_error_response_without_status() -> None:
    envelope = {
        "status": 429,
        "headers": {"retry-after": "20"},
        "body": {"error": {"message": "slow", "type": "requests", "code": "rate_limit_exceeded"}},
    }
    proc = crosswalk(
        "convert",
        "error",
        "--from",
        "responses",
        "--to",
        "anthropic",
        stdin=json.dumps(envelope).encode(),
    )
    assert assert_converted(proc, losses=[("dropped", "/body/error/code")]) == {
        "status": 429,
        "headers": {"retry-after": "20"},
        "body": {"type": "error", "error": {"type": "rate_limit_error", "message": "slow"}},
    }


def test_error_status_must_be_an_error_status() -> None:
    proc = crosswalk(
        "convert", "error", "--from", "chat", "--to", "anthropic", "--status", "200", stdin=b"{}"
    )
    assert proc.returncode == 2 and b"400-599" in proc.stderr


@pytest.mark.parametrize(
    "args",
    [
        ("convert", "request", "--from", "gemini", "--to", "chat"),
        ("convert", "request", "--to", "chat"),
        ("convert", "stream", "--from", "chat"),
        ("convert", "bodies", "--from", "chat", "--to", "anthropic"),
        ("convert", "request", "--from", "chat", "--to", "anthropic", "--default-max-tokens", "x"),
        (),
    ],
)
def test_usage_errors_exit_2_without_traceback(args: tuple[str, ...]) -> None:
    proc = crosswalk(*args)
    assert proc.returncode == 2
    assert b"Traceback" not in proc.stderr
    assert proc.stdout == b""


def test_unreadable_file_is_one_line() -> None:
    proc = crosswalk(
        "convert", "request", "--from", "chat", "--to", "anthropic", "no/such/file.json"
    )
    err = assert_one_line(proc, 2)
    assert err.startswith("crosswalk: cannot read no/such/file.json: "), err


def test_response_request_option_turns_custom_tool_calls_back(tmp_path: Path) -> None:
    # Codex declared apply_patch as a custom tool; Anthropic saw a function taking
    # {"input": string} and called it. Only the request knows to undo that.
    codex = json.loads((FIXTURES / "rr_codex_apply_patch_reply.json").read_text())["request"]
    request_file = tmp_path / "request.json"
    request_file.write_text(json.dumps(codex))
    patch = "*** Begin Patch\n*** Add File: a.txt\n+hi\n*** End Patch\n"
    reply = {
        "id": "msg_01",
        "type": "message",
        "role": "assistant",
        "model": "claude-sonnet-4-5",
        "content": [
            {"type": "tool_use", "id": "toolu_01", "name": "apply_patch", "input": {"input": patch}}
        ],
        "stop_reason": "tool_use",
        "stop_sequence": None,
        "usage": {"input_tokens": 10, "output_tokens": 5},
    }
    args = ("convert", "response", "--from", "anthropic", "--to", "responses")
    with_request = assert_converted(
        crosswalk(*args, "--request", str(request_file), stdin=json.dumps(reply).encode())
    )
    without = assert_converted(crosswalk(*args, stdin=json.dumps(reply).encode()))
    item = with_request["output"][0]  # type: ignore[index]
    assert item["type"] == "custom_tool_call" and item["input"] == patch
    assert item["call_id"] == "toolu_01" and item["name"] == "apply_patch"
    assert without["output"][0]["type"] == "function_call"  # type: ignore[index]
