"""Diagnostics: structured findings that feed both the human and the JSON output of `hvg check`.

Every diagnostic has a stable code registered in `hvg.lang.codes`; this module holds only the data type. The checker
makes diagnostics with `Code.at` (`model_construct`, no validation), so `hvg check` never builds their schema.
"""
from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict

Severity = Literal["error", "warning", "info"]


class Diagnostic(BaseModel):
    model_config = ConfigDict(defer_build=True)     # its schema is built on first validation or dump, not import
    file: str
    line: int
    column: int
    severity: Severity
    code: str
    message: str
    help: str = ""
    end_column: int | None = None

    def sort_key(self) -> tuple:
        return (self.file, self.line, self.column, self.code)


class CompileError(Exception):
    """Raised by the `compile_scene` API when a program has errors; carries all of them."""

    def __init__(self, diagnostics: list[Diagnostic]):
        self.diagnostics = diagnostics
        errors = [d for d in diagnostics if d.severity == "error"]
        first = errors[0] if errors else diagnostics[0]
        more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
        super().__init__(f"{first.file}:{first.line}:{first.column}: {first.message}{more}")
