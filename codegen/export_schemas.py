"""Export JSON Schema (draft 2020-12) for the three wire formats from the pinned SDK types.

Run as ``python -m codegen.export_schemas``.  Writes ``schemas/<id>.json`` for the twelve roots in
:data:`ROOTS` plus ``schemas/PROVENANCE.json``; reads ``schemas/requirements-export.txt`` (the pins)
and ``schemas/overlay.json`` (hand-maintained fields the APIs accept but the SDKs do not type).

The output is a pure function of the pinned SDKs, pydantic, this file and the overlay: running it
twice gives byte-identical files.  Post-processing, in order:

1. per-root adjustments (``stream`` added to request roots, header-only SDK params dropped,
   the OpenAI error body wrapper);
2. module-qualified / non-identifier ``$defs`` names renamed to stable CamelCase names;
3. overlay properties merged in, tagged ``"x-crosswalk-overlay": <source>``;
4. ``title`` keywords stripped, descriptions right-stripped, and Python-only input
   conveniences removed (``format: path`` string alternatives: the SDK reads such files itself);
5. discriminators re-injected: the SDKs mark tagged unions with ``PropertyInfo(discriminator=...)``
   inside ``Annotated``, which pydantic ignores, so their schemas come out as plain ``anyOf``;
6. keys sorted recursively.
"""

from __future__ import annotations

import argparse
import hashlib
import importlib
import importlib.metadata
import json
import re
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
SCHEMAS_DIR = REPO / "schemas"
REQUIREMENTS = SCHEMAS_DIR / "requirements-export.txt"
OVERLAY = SCHEMAS_DIR / "overlay.json"
PROVENANCE = SCHEMAS_DIR / "PROVENANCE.json"

OVERLAY_TAG = "x-crosswalk-overlay"
DEFS_PREFIX = "#/$defs/"

JSON = Any  # a JSON value (the schemas are plain dicts/lists/scalars)


class ExportError(RuntimeError):
    """A problem that must stop the export (pins, overlay or schema shape)."""


# --------------------------------------------------------------------------------------------
# Roots
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Root:
    """One exported schema: ``id`` -> the SDK type it comes from and how it is adjusted."""

    id: str
    type_path: str  # "module:QualName"
    add_stream: bool = False  # add an optional boolean ``stream`` (request roots)
    drop_properties: tuple[str, ...] = ()  # SDK kwargs that the SDK sends as headers, not body
    wrap_error: bool = False  # wrap the type as {"error": <type>} (OpenAI error body)
    # An HTTP error response: {status, headers, body}; names the body def and the headers kept.
    http_error: tuple[str, tuple[str, ...]] | None = None
    notes: tuple[str, ...] = field(default=())


_ENVELOPE_NOTE = (
    "an HTTP error response: {status, headers, body}; the status and the headers that mean "
    "the same in every format (retry-after, the request id) belong to the error as much as "
    "the body does, so the converters take and return all three"
)

ROOTS: tuple[Root, ...] = (
    Root(
        "anthropic.request",
        "anthropic.types.beta.message_create_params:MessageCreateParamsBase",
        add_stream=True,
        # The SDK sends these three as the anthropic-beta / anthropic-user-profile-id /
        # anthropic-workspace-id headers (resources/beta/messages/messages.py), never in the body.
        drop_properties=("betas", "user_profile_id", "workspace_id"),
        notes=(
            "beta params (a superset of anthropic.types.MessageCreateParams); `stream: bool` added",
            "header-only SDK params betas/user_profile_id/workspace_id removed from the body schema",
        ),
    ),
    Root("anthropic.response", "anthropic.types.beta:BetaMessage"),
    Root("anthropic.stream_event", "anthropic.types.beta:BetaRawMessageStreamEvent"),
    Root(
        "anthropic.error",
        "anthropic.types:ErrorResponse",
        http_error=("ErrorResponse", ("retry-after", "request-id")),
        notes=(_ENVELOPE_NOTE,),
    ),
    Root(
        "chat.request",
        "openai.types.chat.completion_create_params:CompletionCreateParamsBase",
        add_stream=True,
        notes=("`stream: bool` added",),
    ),
    Root("chat.response", "openai.types.chat:ChatCompletion"),
    Root("chat.chunk", "openai.types.chat:ChatCompletionChunk"),
    Root(
        "chat.error",
        "openai.types.shared:ErrorObject",
        wrap_error=True,
        http_error=("ErrorBody", ("retry-after", "x-request-id")),
        notes=('body wrapped as {"error": ErrorObject} (the HTTP error body)', _ENVELOPE_NOTE),
    ),
    Root(
        "responses.request",
        "openai.types.responses.response_create_params:ResponseCreateParamsBase",
        add_stream=True,
        notes=("`stream: bool` added",),
    ),
    Root("responses.response", "openai.types.responses:Response"),
    Root("responses.stream_event", "openai.types.responses:ResponseStreamEvent"),
    Root(
        "responses.error",
        "openai.types.shared:ErrorObject",
        wrap_error=True,
        http_error=("ErrorBody", ("retry-after", "x-request-id")),
        notes=(
            "/v1/responses answers HTTP errors with the same body as /v1/chat/completions; "
            "the ResponseError object of a failed Response is part of responses.response and "
            "of the stream events",
            'body wrapped as {"error": ErrorObject}',
            _ENVELOPE_NOTE,
        ),
    ),
)

ROOTS_BY_ID = {r.id: r for r in ROOTS}


def schema_file(schema_id: str) -> str:
    return f"{schema_id}.json"


# --------------------------------------------------------------------------------------------
# Pins
# --------------------------------------------------------------------------------------------

_PIN_RE = re.compile(r"^([A-Za-z0-9_.\-]+)==([^\s\\]+)")
_HASH_RE = re.compile(r"--hash=sha256:([0-9a-f]{64})")


def read_pins(path: Path = REQUIREMENTS) -> dict[str, dict[str, str]]:
    """``{"anthropic": {"version": ..., "wheel_sha256": ...}, ...}`` from the requirements file."""
    text = path.read_text(encoding="utf-8")
    # join backslash continuations, drop comments
    logical = re.sub(r"\\\n", " ", text)
    pins: dict[str, dict[str, str]] = {}
    for line in logical.splitlines():
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        m = _PIN_RE.match(line)
        if not m:
            raise ExportError(f"{path}: cannot parse requirement line {line!r}")
        hashes = _HASH_RE.findall(line)
        if len(hashes) != 1:
            raise ExportError(f"{path}: {m.group(1)} needs exactly one --hash=sha256:... (wheel)")
        pins[m.group(1).lower()] = {"version": m.group(2), "wheel_sha256": hashes[0]}
    for needed in ("anthropic", "openai"):
        if needed not in pins:
            raise ExportError(f"{path}: no pin for {needed}")
    return pins


def check_installed(pins: dict[str, dict[str, str]]) -> None:
    bad = []
    for name, pin in sorted(pins.items()):
        try:
            have = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            have = "not installed"
        if have != pin["version"]:
            bad.append(f"  {name}: installed {have}, pinned {pin['version']}")
    if bad:
        raise ExportError(
            "installed SDK versions differ from schemas/requirements-export.txt:\n"
            + "\n".join(bad)
            + "\nInstall the pinned ones with:  pip install --no-deps -r schemas/requirements-export.txt"
            "\n(or, to move to new SDK versions on purpose, update the pins and their wheel hashes)"
        )


# --------------------------------------------------------------------------------------------
# Raw schema from the SDK types
# --------------------------------------------------------------------------------------------


def load_type(type_path: str) -> Any:
    module_name, _, qualname = type_path.partition(":")
    obj: Any = importlib.import_module(module_name)
    for part in qualname.split("."):
        obj = getattr(obj, part)
    return obj


def _with_stream(base: Any) -> Any:
    """A TypedDict subclass of ``base`` with an optional ``stream: bool``."""

    class WithStream(base, total=False):  # type: ignore[misc,call-arg]
        stream: bool

    WithStream.__name__ = WithStream.__qualname__ = base.__name__
    return WithStream


def raw_schema(root: Root) -> dict[str, JSON]:
    from pydantic import TypeAdapter

    tp = load_type(root.type_path)
    if root.add_stream:
        tp = _with_stream(tp)
    schema: dict[str, JSON] = TypeAdapter(tp).json_schema(mode="validation")

    if root.add_stream:
        props = schema["properties"]
        if "stream" not in props:
            raise ExportError(f"{root.id}: `stream` did not make it into the schema")
        props["stream"] = {
            "description": "Whether to incrementally stream the response using server-sent events.",
            "type": "boolean",
        }
        if "stream" in schema.get("required", []):
            raise ExportError(f"{root.id}: `stream` came out required")
    for name in root.drop_properties:
        if name not in schema.get("properties", {}):
            raise ExportError(f"{root.id}: property {name!r} to drop is not in the SDK schema")
        del schema["properties"][name]
        if name in schema.get("required", []):
            schema["required"].remove(name)
    if root.wrap_error:
        defs = schema.pop("$defs", {})
        name = tp.__name__
        if name in defs:
            raise ExportError(f"{root.id}: {name} already in $defs")
        defs[name] = schema
        schema = {
            "$defs": defs,
            "properties": {"error": {"$ref": DEFS_PREFIX + name}},
            "required": ["error"],
            "type": "object",
        }
    if root.http_error is not None:
        body_name, header_names = root.http_error
        defs = schema.pop("$defs", {})
        for name in (body_name, "ErrorHeaders"):
            if name in defs:
                raise ExportError(f"{root.id}: {name} already in $defs")
        defs[body_name] = schema
        defs["ErrorHeaders"] = {
            "additionalProperties": False,
            "description": "Response headers that carry meaning across formats.",
            # Header values are visible ASCII (RFC 9110 field-value, no obs-text).
            "properties": {
                h: {"pattern": "^[\\x20-\\x7e]*$", "type": "string"} for h in header_names
            },
            "type": "object",
        }
        schema = {
            "$defs": defs,
            "additionalProperties": False,
            "properties": {
                "body": {"$ref": DEFS_PREFIX + body_name},
                "headers": {"$ref": DEFS_PREFIX + "ErrorHeaders"},
                "status": {"maximum": 599, "minimum": 400, "type": "integer"},
            },
            "required": ["body", "status"],
            "type": "object",
        }
    return schema


# --------------------------------------------------------------------------------------------
# Schema walking (keyword-aware: only schema positions, never data such as const/default/enum)
# --------------------------------------------------------------------------------------------

_SUBSCHEMA = (
    "additionalProperties",
    "contains",
    "else",
    "if",
    "items",
    "not",
    "propertyNames",
    "then",
    "unevaluatedItems",
    "unevaluatedProperties",
)
_SUBSCHEMA_LIST = ("allOf", "anyOf", "oneOf", "prefixItems")
_SUBSCHEMA_MAP = ("$defs", "definitions", "dependentSchemas", "patternProperties", "properties")


def iter_schemas(schema: JSON) -> Iterator[dict[str, JSON]]:
    """Every schema object in ``schema`` (pre-order), including ``schema`` itself."""
    if not isinstance(schema, dict):
        return
    yield schema
    for key in _SUBSCHEMA:
        if key in schema:
            yield from iter_schemas(schema[key])
    for key in _SUBSCHEMA_LIST:
        if isinstance(schema.get(key), list):
            for sub in schema[key]:
                yield from iter_schemas(sub)
    for key in _SUBSCHEMA_MAP:
        if isinstance(schema.get(key), dict):
            for name in sorted(schema[key]):
                yield from iter_schemas(schema[key][name])


# --------------------------------------------------------------------------------------------
# Stable $defs names
# --------------------------------------------------------------------------------------------

# what a def may be called as it is; anything else (module-qualified ``a__b__C``, underscores,
# lower-case starts) is renamed.  datamodel-codegen would drop the underscores itself, so
# dropping them here keeps every def name equal to its generated class name.
_CAMEL_OK = re.compile(r"^[A-Z][A-Za-z0-9]*$")


def _camel(segment: str) -> str:
    """``chat_completion_message_param`` -> ``ChatCompletionMessageParam`` (keeps inner caps)."""
    parts = [p for p in re.split(r"[^A-Za-z0-9]+", segment) if p]
    return "".join(p[0].upper() + p[1:] for p in parts)


def _needs_rename(name: str) -> bool:
    return not _CAMEL_OK.match(name)


def _candidates(name: str) -> Iterator[str]:
    """Readable names for ``name``, shortest first."""
    if "__" in name:
        *modules, cls = name.split("__")
        # module-qualified (pydantic's duplicate-name form): last module segment + class,
        # then with more leading module segments if that collides.
        for n in range(1, len(modules) + 1):
            yield "".join(_camel(m) for m in modules[-n:]) + _camel(cls)
    else:
        yield _camel(name)
    base = _camel(name.replace("__", "_"))
    i = 2
    while True:
        yield f"{base}{i}"
        i += 1


def stable_names(defs: dict[str, JSON]) -> dict[str, str]:
    """old -> new for every def whose name needs normalising (deterministic, collision-free)."""
    taken = {n for n in defs if not _needs_rename(n)}
    renames: dict[str, str] = {}
    for old in sorted(n for n in defs if _needs_rename(n)):
        for cand in _candidates(old):
            if cand and cand not in taken:
                renames[old] = cand
                taken.add(cand)
                break
    return renames


def apply_renames(schema: dict[str, JSON], renames: dict[str, str]) -> None:
    if not renames:
        return
    defs = schema.get("$defs", {})
    schema["$defs"] = {renames.get(k, k): v for k, v in defs.items()}
    for node in iter_schemas(schema):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith(DEFS_PREFIX):
            name = ref[len(DEFS_PREFIX) :]
            if name in renames:
                node["$ref"] = DEFS_PREFIX + renames[name]


# --------------------------------------------------------------------------------------------
# Overlay
# --------------------------------------------------------------------------------------------

_OVERLAY_KEYS = {"def", "property", "schema", "required", "source", "why", "mode"}
_OVERLAY_MODES = ("add", "replace")


def load_overlay(path: Path = OVERLAY) -> dict[str, list[dict[str, JSON]]]:
    data = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict):
        raise ExportError(f"{path}: top level must be an object")
    for schema_id, entries in data.items():
        if schema_id.startswith("$") or schema_id.startswith("_"):
            continue  # "$comment"-style keys
        if schema_id not in ROOTS_BY_ID:
            raise ExportError(f"{path}: unknown schema id {schema_id!r}")
        for i, entry in enumerate(entries):
            missing = {"def", "property", "schema", "source", "why"} - set(entry)
            extra = set(entry) - _OVERLAY_KEYS
            if missing or extra:
                raise ExportError(
                    f"{path}: {schema_id}[{i}]: missing {sorted(missing)} / unknown {sorted(extra)}"
                )
            if entry.get("mode", "add") not in _OVERLAY_MODES:
                raise ExportError(f"{path}: {schema_id}[{i}]: mode must be one of {_OVERLAY_MODES}")
    return {k: v for k, v in data.items() if not (k.startswith("$") or k.startswith("_"))}


def apply_overlay(schema_id: str, schema: dict[str, JSON], entries: list[dict[str, JSON]]) -> None:
    """Merge overlay entries into ``schema`` (after the def renames).

    ``mode: "add"`` (the default) adds a property the SDK does not type and fails if the SDK
    types it (the entry is then stale); ``mode: "replace"`` replaces the SDK's schema of an
    existing property (e.g. to admit a null that real clients send) and fails if it is absent.
    """
    defs = schema.get("$defs", {})
    for entry in entries:
        target_name = entry["def"]
        if target_name == "$root":
            target = schema
        else:
            target = defs.get(target_name)
            if target is None:
                raise ExportError(f"overlay {schema_id}: no def {target_name!r}")
        props = target.setdefault("properties", {})
        prop = entry["property"]
        mode = entry.get("mode", "add")
        if mode == "add" and prop in props:
            raise ExportError(
                f"overlay {schema_id}: {target_name}.{prop} is already typed by the SDK; "
                "remove the overlay entry (or make it mode: replace)"
            )
        if mode == "replace" and prop not in props:
            raise ExportError(f"overlay {schema_id}: {target_name}.{prop} to replace is absent")
        sub = json.loads(json.dumps(entry["schema"]))
        for node in iter_schemas(sub):
            ref = node.get("$ref")
            if isinstance(ref, str) and not (
                ref.startswith(DEFS_PREFIX) and ref[len(DEFS_PREFIX) :] in defs
            ):
                raise ExportError(f"overlay {schema_id}: {target_name}.{prop}: dangling {ref}")
        sub[OVERLAY_TAG] = entry["source"]
        props[prop] = sub
        if entry.get("required", False):
            req = target.setdefault("required", [])
            if prop not in req:
                req.append(prop)


# --------------------------------------------------------------------------------------------
# Titles and descriptions
# --------------------------------------------------------------------------------------------


def strip_titles_and_tidy(schema: dict[str, JSON]) -> None:
    for node in iter_schemas(schema):
        node.pop("title", None)
        desc = node.get("description")
        if isinstance(desc, str):
            tidy = "\n".join(line.rstrip() for line in desc.rstrip().splitlines())
            if tidy:
                node["description"] = tidy
            else:
                del node["description"]


# --------------------------------------------------------------------------------------------
# Python-only input conveniences
# --------------------------------------------------------------------------------------------

_PATH_STRING = {"format": "path", "type": "string"}


def drop_python_only(schema: dict[str, JSON]) -> int:
    """Remove ``{"type": "string", "format": "path"}`` union members; returns how many.

    The SDK types base64 ``data`` as ``str | Base64FileInput`` (a path or file object that the
    SDK itself reads and encodes); on the wire it is always the string.
    """
    dropped = 0
    for node in iter_schemas(schema):
        alts = node.get("anyOf")
        if not isinstance(alts, list) or _PATH_STRING not in alts:
            continue
        if {"type": "string"} not in alts:
            raise ExportError(f"path-typed union without a plain string member: {alts}")
        kept = [a for a in alts if a != _PATH_STRING]
        dropped += len(alts) - len(kept)
        if len(kept) == 1 and not (set(kept[0]) & (set(node) - {"anyOf"})):
            del node["anyOf"]
            node.update(kept[0])
        else:
            node["anyOf"] = kept
    return dropped


# --------------------------------------------------------------------------------------------
# Discriminators
# --------------------------------------------------------------------------------------------

PREFERRED_TAGS = ("type", "role")
NULL = {"type": "null"}


def _tag_values(prop_schema: JSON) -> list[str] | None:
    """The string values a tag property allows: ``const``, or an ``enum`` (one or more values:
    the SDKs give aliased members such as ``web_search`` / ``web_search_2025_08_26`` one class,
    and pydantic discriminates on a multi-value ``Literal`` as well)."""
    if not isinstance(prop_schema, dict):
        return None
    if isinstance(prop_schema.get("const"), str):
        return [str(prop_schema["const"])]
    enum = prop_schema.get("enum")
    if isinstance(enum, list) and enum and all(isinstance(v, str) for v in enum):
        return [str(v) for v in enum]
    return None


def find_discriminator(
    members: list[str], defs: dict[str, JSON]
) -> tuple[str, dict[str, str]] | None:
    """(property, {value: def name}) if ``members`` (def names) form a tagged union."""
    schemas = [defs.get(m) for m in members]
    if any(not isinstance(s, dict) or "properties" not in s for s in schemas):
        return None
    common = set.intersection(*(set(s["properties"]) for s in schemas))  # type: ignore[index]
    order = [t for t in PREFERRED_TAGS if t in common] + sorted(common - set(PREFERRED_TAGS))
    for tag in order:
        mapping: dict[str, str] = {}
        for name, s in zip(members, schemas, strict=True):
            assert s is not None
            values = _tag_values(s["properties"][tag])
            if not values or tag not in s.get("required", []) or any(v in mapping for v in values):
                break
            mapping.update(dict.fromkeys(values, name))
        else:
            return tag, mapping
    return None


@dataclass
class UnionReport:
    location: str
    members: list[str]
    tag: str | None


def inject_discriminators(schema: dict[str, JSON]) -> list[UnionReport]:
    defs: dict[str, JSON] = schema.get("$defs", {})
    reports: list[UnionReport] = []

    def visit(node: dict[str, JSON], where: str) -> None:
        for key in ("anyOf", "oneOf"):
            alts = node.get(key)
            if not isinstance(alts, list) or "discriminator" in node:
                continue
            non_null = [a for a in alts if a != NULL]
            has_null = len(non_null) != len(alts)
            refs = [
                a["$ref"][len(DEFS_PREFIX) :]
                for a in non_null
                if isinstance(a, dict)
                and set(a) == {"$ref"}
                and str(a["$ref"]).startswith(DEFS_PREFIX)
            ]
            if len(refs) != len(non_null) or len(refs) < 2:
                continue
            found = find_discriminator(refs, defs)
            reports.append(UnionReport(where, refs, found[0] if found else None))
            if not found:
                continue
            tag, mapping = found
            tagged: dict[str, JSON] = {
                "discriminator": {
                    "mapping": {v: DEFS_PREFIX + n for v, n in mapping.items()},
                    "propertyName": tag,
                },
                "oneOf": [{"$ref": DEFS_PREFIX + n} for n in refs],
            }
            del node[key]
            if has_null:
                node["anyOf"] = [tagged, dict(NULL)]
            else:
                node.update(tagged)

    # iterate over a snapshot of (node, location) pairs: visit() only rewrites the node in place
    for where, node in _located(schema, "#"):
        visit(node, where)
    return reports


def _located(schema: JSON, where: str) -> Iterator[tuple[str, dict[str, JSON]]]:
    if not isinstance(schema, dict):
        return
    yield where, schema
    for key in _SUBSCHEMA:
        if key in schema:
            yield from _located(schema[key], f"{where}/{key}")
    for key in _SUBSCHEMA_LIST:
        if isinstance(schema.get(key), list):
            for i, sub in enumerate(list(schema[key])):
                yield from _located(sub, f"{where}/{key}/{i}")
    for key in _SUBSCHEMA_MAP:
        if isinstance(schema.get(key), dict):
            for name in sorted(schema[key]):
                yield from _located(schema[key][name], f"{where}/{key}/{name}")


# --------------------------------------------------------------------------------------------
# Driver
# --------------------------------------------------------------------------------------------


def sort_keys(obj: JSON) -> JSON:
    if isinstance(obj, dict):
        return {k: sort_keys(obj[k]) for k in sorted(obj)}
    if isinstance(obj, list):
        return [sort_keys(v) for v in obj]
    return obj


def dumps(obj: JSON) -> str:
    return json.dumps(obj, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def build_schema(
    root: Root, overlay: dict[str, list[dict[str, JSON]]]
) -> tuple[dict[str, JSON], list[UnionReport]]:
    schema = raw_schema(root)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    apply_renames(schema, stable_names(schema.get("$defs", {})))
    apply_overlay(root.id, schema, overlay.get(root.id, []))
    strip_titles_and_tidy(schema)
    drop_python_only(schema)
    reports = inject_discriminators(schema)
    return sort_keys(schema), reports


def export(out_dir: Path = SCHEMAS_DIR, log: Callable[[str], None] | None = print) -> None:
    pins = read_pins()
    check_installed(pins)
    overlay = load_overlay()
    entries: dict[str, JSON] = {}
    for root in ROOTS:
        schema, reports = build_schema(root, overlay)
        text = dumps(schema)
        path = out_dir / schema_file(root.id)
        path.write_text(text, encoding="utf-8", newline="\n")
        entry: dict[str, JSON] = {
            "file": schema_file(root.id),
            "root": root.type_path.replace(":", "."),
            "sha256": sha256_bytes(text.encode("utf-8")),
        }
        if root.notes:
            entry["notes"] = list(root.notes)
        entries[root.id] = entry
        if log:
            tagged = sum(1 for r in reports if r.tag)
            log(
                f"{path.relative_to(REPO) if path.is_relative_to(REPO) else path}: "
                f"{len(schema.get('$defs', {}))} defs, {tagged}/{len(reports)} ref-unions discriminated"
            )
    import pydantic

    provenance = {
        "exporter_sha256": sha256_bytes(Path(__file__).read_bytes()),
        "overlay_sha256": sha256_bytes(OVERLAY.read_bytes()),
        "requirements_sha256": sha256_bytes(REQUIREMENTS.read_bytes()),
        "schemas": entries,
        "sdks": pins,
        # the schemas depend on pydantic's JSON Schema generator too: recorded, not enforced
        "toolchain": {
            "pydantic": pydantic.VERSION,
            "pydantic_core": importlib.metadata.version("pydantic_core"),
        },
    }
    (out_dir / "PROVENANCE.json").write_text(dumps(provenance), encoding="utf-8", newline="\n")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m codegen.export_schemas", description=__doc__)
    parser.add_argument("--out", type=Path, default=SCHEMAS_DIR, help="output directory")
    parser.add_argument("-q", "--quiet", action="store_true")
    args = parser.parse_args(argv)
    try:
        export(args.out, log=None if args.quiet else print)
    except ExportError as exc:
        print(f"export_schemas: error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
