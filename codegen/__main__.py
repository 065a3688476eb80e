"""`python -m codegen`: regenerate generated/; `--check`: fail if it would change.

Regeneration is byte-idempotent: the same schemas, tables and codegen give the same bytes.
"""

from __future__ import annotations

import argparse
import filecmp
import hashlib
import json
import shutil
import sys
import tempfile
from pathlib import Path

import jsonschema

from codegen import CODEGEN_VERSION
from codegen.diagnostics import CodegenError, Diagnostic
from codegen.render import check_ruff, render_policy, render_streams, render_tables
from codegen.schema import SchemaDoc
from codegen.streams import load_stream_tables
from codegen.tables import TableBuilder, ValueTables, load_yaml

ROOT = Path(__file__).resolve().parent.parent
REGEN = "python -m codegen   (or: make regen)"


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def codegen_sha() -> str:
    digest = hashlib.sha256()
    here = Path(__file__).parent
    for path in sorted([*here.glob("*.py"), *here.glob("templates/*.jinja")]):
        digest.update(
            path.relative_to(here).as_posix().encode() + b"\0" + path.read_bytes() + b"\0"
        )
    return digest.hexdigest()


def load_schemas(root: Path) -> dict[str, SchemaDoc]:
    provenance = json.loads((root / "schemas" / "PROVENANCE.json").read_text())
    return {
        sid: SchemaDoc.load(root / "schemas" / entry["file"], sid)
        for sid, entry in sorted(provenance["schemas"].items())
    }


def generate(root: Path, out: Path, *, models: bool = True, partial: bool = False) -> None:
    check_ruff()
    schemas = load_schemas(root)
    mappings = root / "mappings"
    values = ValueTables(mappings / "values.yaml")
    meta = json.loads((mappings / "meta.schema.json").read_text())
    tables, diagnostics = [], []
    for path in sorted(mappings.glob("*__*.yaml")):
        builder = TableBuilder(path, root, schemas, values, meta, partial=partial)
        try:
            tables.append(builder.build())
        except CodegenError as exc:
            diagnostics.extend(exc.diagnostics)
    try:
        streams = load_stream_tables(root, schemas)
    except CodegenError as exc:
        diagnostics.extend(exc.diagnostics)
    if diagnostics:
        raise CodegenError(diagnostics)
    for t in tables:
        if t.coverage and t.coverage.uncovered:
            print(
                f"warning: {t.path}: {len(t.coverage.uncovered)} uncovered source fields (--partial)",
                file=sys.stderr,
            )
    models_path = mappings / "models.yaml"
    model_policy = load_yaml(models_path)
    policy_errors = list(
        jsonschema.Draft202012Validator(
            json.loads((mappings / "models.schema.json").read_text())
        ).iter_errors(model_policy)
    )
    if policy_errors:
        raise CodegenError([Diagnostic("mappings/models.yaml", e.message) for e in policy_errors])
    out.mkdir(parents=True, exist_ok=True)
    render_tables(tables, streams, out, root)
    render_streams(streams, out, root)
    render_policy(model_policy, sha256(models_path), out, root)
    if models:
        from codegen.models import render_models

        render_models(root / "schemas", out / "models")
    provenance = {
        "codegen": {"version": CODEGEN_VERSION, "sha256": codegen_sha()},
        "sdks": json.loads((root / "schemas" / "PROVENANCE.json").read_text())["sdks"],
        "schemas": {sid: doc.sha256 for sid, doc in schemas.items()},
        "tables": {t.path: t.sha256 for t in tables} | {s.path: s.sha256 for s in streams},
        "values": values.sha256,
        "models": sha256(models_path),
        "meta_schema": sha256(mappings / "meta.schema.json"),
        "stream_schema": sha256(mappings / "stream.schema.json"),
    }
    (out / "PROVENANCE.json").write_text(json.dumps(provenance, indent=2, sort_keys=True) + "\n")


def tree_diff(a: Path, b: Path) -> list[str]:
    def files(base: Path) -> set[str]:
        return {
            p.relative_to(base).as_posix()
            for p in base.rglob("*")
            if p.is_file() and "__pycache__" not in p.parts
        }

    fa, fb = files(a), files(b)
    changed = sorted(f for f in fa & fb if not filecmp.cmp(a / f, b / f, shallow=False))
    return (
        [f"missing: {f}" for f in sorted(fb - fa)]
        + [f"stale: {f}" for f in sorted(fa - fb)]
        + [f"differs: {f}" for f in changed]
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m codegen", description=__doc__)
    parser.add_argument(
        "--check", action="store_true", help="fail if generated/ is not what the inputs give"
    )
    parser.add_argument(
        "--partial",
        action="store_true",
        help="development only: render even if coverage is incomplete",
    )
    parser.add_argument(
        "--no-models", action="store_true", help="skip the pydantic models (fast iteration)"
    )
    args = parser.parse_args(argv)
    target = ROOT / "generated"
    try:
        if args.check:
            with tempfile.TemporaryDirectory() as tmp:
                fresh = Path(tmp) / "generated"
                if args.no_models and (target / "models").exists():
                    shutil.copytree(target / "models", fresh / "models")
                generate(ROOT, fresh, models=not args.no_models, partial=args.partial)
                problems = tree_diff(target, fresh)
            if problems:
                print("generated/ does not match schemas/ + mappings/ + codegen/:", file=sys.stderr)
                for line in problems:
                    print(f"  {line}", file=sys.stderr)
                print(f"regenerate with: {REGEN}", file=sys.stderr)
                return 1
            print("generated/ is up to date")
            return 0
        with tempfile.TemporaryDirectory() as tmp:
            fresh = Path(tmp) / "generated"
            if args.no_models and (target / "models").exists():
                shutil.copytree(target / "models", fresh / "models")
            generate(ROOT, fresh, models=not args.no_models, partial=args.partial)
            if target.exists():
                shutil.rmtree(target)
            shutil.copytree(fresh, target)
        print(f"wrote {target.relative_to(ROOT)}/")
        return 0
    except CodegenError as exc:
        print(f"codegen failed with {len(exc.diagnostics)} problem(s):", file=sys.stderr)
        for d in exc.diagnostics:
            print(f"  {d}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
