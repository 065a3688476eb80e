"""Render the typed model through Jinja, then format with the pinned ruff.

One environment, one dict of filters; templates only print what the model holds.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import jinja2

from codegen import ir
from codegen.streams import StreamTable

TEMPLATES = Path(__file__).parent / "templates"
RUFF_VERSION = "0.17.6"


def _md(text: str) -> str:
    return f"`{text}`" if text else ""


def _e_md(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


FILTERS: dict[str, Any] = {
    "py": repr,
    "tuple": tuple,
    "format_present": lambda expr: f"{expr} is not None",
    "md": _md,
    "e_md": _e_md,
}


def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
        autoescape=False,
    )
    env.filters.update(FILTERS)
    return env


def check_ruff() -> None:
    found = subprocess.run(
        [sys.executable, "-m", "ruff", "--version"], capture_output=True, text=True, check=True
    ).stdout.split()[-1]
    if found != RUFF_VERSION:
        raise SystemExit(
            f"codegen formats with ruff {RUFF_VERSION}; found {found} (pip install ruff=={RUFF_VERSION})"
        )


def ruff(text: str, filename: str, root: Path) -> str:
    """Sort imports, then format: generated code reads like formatted hand-written code."""
    base = [sys.executable, "-m", "ruff"]
    fixed = subprocess.run(
        [*base, "check", "--fix", "--select", "I,F401", "--stdin-filename", filename, "-"],
        input=text,
        capture_output=True,
        text=True,
        cwd=root,
    )
    if fixed.returncode not in (0, 1):
        raise RuntimeError(f"ruff check failed on {filename}:\n{fixed.stderr}\n{text}")
    formatted = subprocess.run(
        [*base, "format", "--stdin-filename", filename, "-"],
        input=fixed.stdout,
        capture_output=True,
        text=True,
        cwd=root,
    )
    if formatted.returncode != 0:
        raise RuntimeError(f"ruff format failed on {filename}:\n{formatted.stderr}\n{fixed.stdout}")
    return formatted.stdout


def render_converter(table: ir.Table) -> str:
    """One converter module's source (unformatted); tests exec it from tiny inline tables."""
    return environment().get_template("converter.py.jinja").render(table=table)


def render_policy(models: dict[str, Any], sha256: str, out: Path, root: Path) -> None:
    """`mappings/models.yaml` -> `generated/policy.py` (validated by models.schema.json first)."""
    text = (
        environment()
        .get_template("policy.py.jinja")
        .render(families=models["families"], sha256=sha256)
    )
    (out / "policy.py").write_text(ruff(text, "generated/policy.py", root), encoding="utf-8")


def render_streams(tables: Sequence[StreamTable], out: Path, root: Path) -> None:
    """`mappings/*.stream.yaml` -> `generated/streams.py`."""
    text = environment().get_template("streams.py.jinja").render(tables=tables)
    (out / "streams.py").write_text(ruff(text, "generated/streams.py", root), encoding="utf-8")


def render_tables(
    tables: Sequence[ir.Table], streams: Sequence[StreamTable], out: Path, root: Path
) -> None:
    """Write converters, golden tests, the converter index, and the audit report."""
    env = environment()
    (out / "converters").mkdir(parents=True, exist_ok=True)
    (out / "tests").mkdir(parents=True, exist_ok=True)
    files: dict[Path, str] = {
        out / "__init__.py": env.get_template("generated_init.py.jinja").render(),
        out / "converters" / "__init__.py": env.get_template("converters_init.py.jinja").render(
            tables=tables
        ),
    }
    for table in tables:
        files[out / "converters" / f"{table.stem}.py"] = render_converter(table)
        files[out / "tests" / f"test_golden_{table.stem}.py"] = env.get_template(
            "golden_test.py.jinja"
        ).render(table=table)
    for path, text in files.items():
        rel = path.relative_to(out.parent) if out.parent != path else path
        path.write_text(ruff(text, str(rel), root), encoding="utf-8")
    (out / "AUDIT.md").write_text(
        env.get_template("audit.md.jinja").render(tables=tables, streams=streams), encoding="utf-8"
    )
