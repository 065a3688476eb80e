"""Diagnostics are values: every check appends, and the run fails once, listing all."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Diagnostic:
    where: str
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


class CodegenError(Exception):
    """Raised at the end of a phase that produced diagnostics."""

    def __init__(self, diagnostics: list[Diagnostic]) -> None:
        self.diagnostics = diagnostics
        super().__init__("\n".join(str(d) for d in diagnostics))
