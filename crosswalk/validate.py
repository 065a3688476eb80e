"""Check a body against its own format's schema before converting it.

A converter trusts its input's shape; a malformed body must fail here, as the client's
mistake, with a JSON Pointer into what the client sent, instead of failing deep inside a
transform as something that looks like our bug.

The generated pydantic modules are large, so nothing is imported until a schema is first
used, and only that schema's module; pydantic itself is not imported by `import
crosswalk.validate`, so conversions run with `check_input=False` never pay for it.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping, Sequence
from functools import cache
from typing import TYPE_CHECKING, Any

from crosswalk.errors import InvalidRequestError

if TYPE_CHECKING:
    from pydantic import BaseModel, ValidationError

__all__ = ["loc_to_pointer", "validate", "validate_with"]

_MISSING = object()


def validate(schema_id: str, body: object) -> None:
    """Raise `InvalidRequestError` unless `body` satisfies the generated root model of `schema_id`.

    `schema_id` is a key of `crosswalk.generated.models.ROOTS` (`"chat.request"`, ...).
    """
    _check(_validator(schema_id), body)


def prepare(schema_id: str) -> None:
    """Import and build `schema_id`'s validator now (it takes up to a second), so that
    a server's first request does not wait for it."""
    _validator(schema_id)


def validate_with(model: type[BaseModel], body: object) -> None:
    """`validate` against an explicit pydantic model: the same errors, no ROOTS lookup.

    Kept public so that tests (and callers with their own models) get the exact pointer
    and message behaviour of `validate` without a generated schema.
    """
    _check(model.__pydantic_validator__.validate_python, body)


@cache
def _validator(schema_id: str) -> Callable[[Any], Any]:
    """The bound core validator of the schema's root model, imported once per process.

    Calling `__pydantic_validator__.validate_python` directly skips `model_validate`'s
    argument handling, which is measurable on small bodies validated per request.
    """
    roots = importlib.import_module("crosswalk.generated.models").ROOTS
    try:
        module_name, class_name = roots[schema_id]
    except KeyError:
        raise LookupError(f"no generated model for schema {schema_id!r}") from None
    module = importlib.import_module(f"crosswalk.generated.models.{module_name}")
    model: type[BaseModel] = getattr(module, class_name)
    validate_python: Callable[[Any], Any] = model.__pydantic_validator__.validate_python
    return validate_python


def _check(validate_python: Callable[[Any], Any], body: object) -> None:
    # Every body of every kind is a JSON object; a root-level array or string would
    # otherwise surface as a model error with a confusing location.
    if not isinstance(body, dict):
        raise InvalidRequestError("", "request body must be a JSON object")
    # pydantic is imported only on the failure path: the models already loaded it, and the
    # success path then costs nothing beyond the validator call.
    try:
        validate_python(body)
    except Exception as exc:
        from pydantic import ValidationError

        if not isinstance(exc, ValidationError):
            raise
        raise _invalid(exc, body) from None


def _invalid(exc: ValidationError, body: object) -> InvalidRequestError:
    """The pydantic error that reaches deepest into `body`, as a pointer and a one-line
    message. A value that fits no member of a union gets one error per member; the one
    that got furthest names the field a person has to fix (`/input/0/content`, not
    `/input` for not being a string), and the first of equals is kept."""
    errors = exc.errors(include_url=False, include_context=False, include_input=False)
    best = errors[0]
    pointer = loc_to_pointer(best["loc"], body)
    depth = pointer.count("/")
    # A pointer has at most as many steps as its loc, so the errors are tried longest loc
    # first and the search stops where no loc could go deeper (a body that fits no union
    # member can have thousands of errors).
    for error in sorted(errors[1:], key=lambda e: -len(e["loc"])):
        if len(error["loc"]) <= depth:
            break
        candidate = loc_to_pointer(error["loc"], body)
        if candidate.count("/") > depth:
            best, pointer, depth = error, candidate, candidate.count("/")
    message = best["msg"]
    if best["type"] == "missing" and best["loc"]:
        message = f"{message}: {best['loc'][-1]}"
    return InvalidRequestError(pointer, message)


def loc_to_pointer(loc: Sequence[str | int], data: object) -> str:
    """The RFC 6901 pointer, into `data`, of a pydantic error location.

    A pydantic `loc` mixes real keys and indices with steps that exist only in the model:
    union member names (`TextBlockParam`, `str`, `function-after[...]`) and discriminator
    tag values (`text`, `image`). Only the data can tell them apart, so the walk descends
    where a step is a key of the current object or an index of the current array and
    skips the rest. A tag can also be a real key (a `text` block has a `text` field), so a
    greedy walk could wander into the wrong child; instead the walk keeps the longest path
    the data supports, preferring the earliest descent on ties.
    """
    path = _longest_path(tuple(loc), 0, data, {})
    return "".join("/" + str(step).replace("~", "~0").replace("/", "~1") for step in path)


def _longest_path(
    loc: tuple[str | int, ...],
    start: int,
    node: object,
    memo: dict[tuple[int, int], tuple[str | int, ...]],
) -> tuple[str | int, ...]:
    # Memoised on (position in loc, node identity): the result depends only on those, so
    # the search stays quadratic in len(loc) however many steps are ambiguous.
    key = (start, id(node))
    if key in memo:
        return memo[key]
    best: tuple[str | int, ...] = ()
    for i in range(start, len(loc)):
        child = _child(node, loc[i])
        if child is _MISSING:
            continue
        candidate = (loc[i], *_longest_path(loc, i + 1, child, memo))
        if len(candidate) > len(best):
            best = candidate
    memo[key] = best
    return best


def _child(node: object, step: str | int) -> object:
    if isinstance(node, Mapping):
        return node.get(step, _MISSING)
    if (
        isinstance(node, Sequence)
        and not isinstance(node, str | bytes)
        and type(step) is int
        and 0 <= step < len(node)
    ):
        return node[step]
    return _MISSING
