"""Diagnostics for people (rustc/ruff style, with the source line and a caret) and for machines (a JSON array).

    beach.scene:8:3: error[E002]: `bal` is not defined (did you mean `ball`?)
       |
     8 |   bal at (0.5, 0.5)
       |   ^^^
       = help: define it first: `entity bal = ball { color red }`
"""
from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable

from rich.text import Text

from hvg.diagnostics import Diagnostic

SEVERITY_STYLE = {"error": "bold red", "warning": "bold yellow", "info": "bold cyan"}
_TOKEN = re.compile(r'\d+(?:\.\d+)?s\.\.\d+(?:\.\d+)?s|"(?:[^"\\]|\\.)*"?|#[0-9a-fA-F]{6}|[A-Za-z_][A-Za-z0-9_]*'
                    r'|\d+(?:\.\d+)?[sx]?\d*|->|\.\.|\S')   # a time range first: underline all of `2s..4s`


def to_json(diagnostics: Iterable[Diagnostic]) -> str:
    """The JSON array that `hvg check --format json` prints: file, line, column, severity, code, message, help."""
    return json.dumps([d.model_dump() for d in diagnostics], indent=2, ensure_ascii=False)


def caret_width(source_line: str, column: int, end_column: int | None) -> int:
    """How many characters to underline: the given span, else the token that starts at `column`."""
    if end_column is not None and end_column > column:
        return end_column - column
    match = _TOKEN.match(source_line, max(column - 1, 0))
    return max(1, len(match.group(0))) if match else 1


def render(diagnostic: Diagnostic, source_line: Callable[[str, int], str | None]) -> Text:
    """One diagnostic as styled text; `source_line(file, line)` gives the line's text (None if unknown)."""
    d = diagnostic
    out = Text()
    out.append(f"{d.file}:{d.line}:{d.column}: ", style="bold")
    out.append(f"{d.severity}[{d.code}]", style=SEVERITY_STYLE.get(d.severity, "bold"))
    out.append(f": {d.message}\n", style="bold")
    line_text = source_line(d.file, d.line)
    if line_text is not None and not _printable(line_text):
        line_text = None                     # bytes that are not text would print as garbage: show no excerpt
    gutter = " " * len(str(d.line))
    if line_text is not None:
        shown = line_text.rstrip("\n").replace("\t", " ")
        out.append(f" {gutter} |\n", style="blue")
        out.append(f" {d.line} | ", style="blue")
        out.append(shown + "\n")
        out.append(f" {gutter} | ", style="blue")
        out.append(" " * (d.column - 1) + "^" * caret_width(shown, d.column, d.end_column) + "\n",
                   style=SEVERITY_STYLE.get(d.severity, "bold"))
    if d.help:
        out.append(f" {gutter} = ", style="blue")
        out.append("help: ", style="bold cyan")
        out.append(d.help + "\n")
    out.append("\n")
    return out


def _printable(line: str) -> bool:
    return "\ufffd" not in line and not any(ord(c) < 32 and c not in "\t\n\r" for c in line)


def summary(diagnostics: list[Diagnostic], files: int) -> str:
    errors = sum(d.severity == "error" for d in diagnostics)
    warnings = sum(d.severity == "warning" for d in diagnostics)
    where = f"{files} file{'s' if files != 1 else ''}"
    if not errors and not warnings:
        return f"All checks passed ({where})."
    parts = [f"{errors} error{'s' if errors != 1 else ''}", f"{warnings} warning{'s' if warnings != 1 else ''}"]
    return f"Found {parts[0]} and {parts[1]} in {where}."
