"""Functional tests of the compiler: a tiny table using every rule, rendered and executed.

These pin what each rule *does* at runtime, independently of the real tables.
"""

from __future__ import annotations

import types

import pytest

from crosswalk.errors import LossError, RefusedError
from tests.codegen_support import MINI, build, compile_table, run_mini


@pytest.fixture(scope="module")
def mini() -> types.ModuleType:
    return compile_table(build(MINI / "chat__anthropic.request.yaml", MINI))


def test_rename_const_and_default(mini: types.ModuleType) -> None:
    ctx = run_mini(mini, "mini", {"model": "m"})
    assert ctx.out == {"model": "m", "max": 4096, "meta": {"kind": "k"}}
    assert ctx.loss.entries == []


def test_default_first_present_wins_and_reports_superseded(mini: types.ModuleType) -> None:
    ctx = run_mini(mini, "mini", {"model": "m", "a": 5, "b": 9})
    assert ctx.out["max"] == 5
    assert [(e.kind, e.pointer) for e in ctx.loss.entries] == [("dropped", "/b")]
    assert run_mini(mini, "mini", {"model": "m", "b": 9}).out["max"] == 9


def test_default_from_options(mini: types.ModuleType) -> None:
    assert run_mini(mini, "mini", {"model": "m"}, default_max_tokens=7).out["max"] == 7


def test_clamp_reports_only_changed_values(mini: types.ModuleType) -> None:
    ctx = run_mini(mini, "mini", {"model": "m", "temperature": 1.7})
    assert ctx.out["temperature"] == 1
    assert [(e.kind, e.pointer) for e in ctx.loss.entries] == [("coerced", "/temperature")]
    assert run_mini(mini, "mini", {"model": "m", "temperature": 0.3}).loss.entries == []


def test_enum_maps_and_refuses_unknown(mini: types.ModuleType) -> None:
    assert run_mini(mini, "mini", {"model": "m", "mode": "y"}).out["mode"] == "q"
    with pytest.raises(RefusedError) as err:
        run_mini(mini, "mini", {"model": "m", "mode": "z"})
    assert err.value.pointer == "/mode"


def test_null_means_absent(mini: types.ModuleType) -> None:
    ctx = run_mini(mini, "mini", {"model": "m", "mode": None, "temperature": None})
    assert "mode" not in ctx.out and "temperature" not in ctx.out


def test_nested_instance_pointers(mini: types.ModuleType) -> None:
    ctx = run_mini(mini, "mini", {"model": "m", "opts": {"flag": True, "level": 0}})
    assert ctx.out["meta"] == {"kind": "k", "flag": True}
    assert ctx.loss.entries == []  # level 0 is neutral


def test_drop_reports_with_reason(mini: types.ModuleType) -> None:
    ctx = run_mini(mini, "mini", {"model": "m", "secret": "s", "opts": {"level": 3}})
    assert [(e.pointer, e.reason) for e in ctx.loss.entries] == [
        ("/opts/level", "no level"),
        ("/secret", "never forwarded"),
    ]


def test_refuse_except_neutral(mini: types.ModuleType) -> None:
    assert run_mini(mini, "mini", {"model": "m", "n": 1}).loss.entries == []
    with pytest.raises(RefusedError) as err:
        run_mini(mini, "mini", {"model": "m", "n": 2})
    assert (err.value.pointer, err.value.message) == ("/n", "one only")


def test_unknown_fields_are_reported(mini: types.ModuleType) -> None:
    ctx = run_mini(mini, "mini", {"model": "m", "new/field": 1})
    assert [(e.kind, e.pointer) for e in ctx.loss.entries] == [("dropped", "/new~1field")]


def test_strict_turns_the_first_loss_into_an_error(mini: types.ModuleType) -> None:
    with pytest.raises(LossError) as err:
        run_mini(mini, "mini", {"model": "m", "temperature": 3}, strict=True)
    assert err.value.pointer == "/temperature"
