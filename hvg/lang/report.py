"""Diagnostics for people (rustc/ruff style, with the source line and a caret) and for machines (a JSON array).

    beach.scene:8:3: error[E002]: `bal` is not defined (did you mean `ball`?)
       |
     8 |   bal at (0.5, 0.5)
       |   ^^^
       = help: define it first: `entity bal = ball { color red }`
"""
from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from hvg.diagnostics import Diagnostic

if TYPE_CHECKING:
    from rich.text import Text

SourceLine = Callable[[str, int], "str | None"]
SEVERITY_STYLE = {"error": "bold red", "warning": "bold yellow", "info": "bold cyan"}
_TOKEN = re.compile(r'\d+(?:\.\d+)?s\.\.\d+(?:\.\d+)?s|"(?:[^"\\]|\\.)*"?|#[0-9a-fA-F]{6}|[A-Za-z_][A-Za-z0-9_]*'
                    r'|\d+(?:\.\d+)?[sx]?\d*|->|\.\.|\S')   # a time range first: underline all of `2s..4s`


def to_json(diagnostics: Iterable[Diagnostic]) -> str:
    """The JSON array that `hvg check --format json` prints: file, line, column, severity, code, message, help."""
    import json     # not at the top: nothing else on the way of a human `hvg check` needs json (1 ms)

    return json.dumps([d.model_dump() for d in diagnostics], indent=2, ensure_ascii=False)


def caret_width(source_line: str, column: int, end_column: int | None) -> int:
    """How many characters to underline: the given span, else the token that starts at `column`."""
    if end_column is not None and end_column > column:
        return end_column - column
    match = _TOKEN.match(source_line, max(column - 1, 0))
    return max(1, len(match.group(0))) if match else 1


def render(diagnostic: Diagnostic, source_line: SourceLine) -> Text:
    """One diagnostic as styled text; `source_line(file, line)` gives the line's text (None if unknown)."""
    from rich.text import Text      # only a terminal needs styles: `hvg check | ...` never imports rich's text

    out = Text()
    for text, style in _pieces(diagnostic, source_line):
        out.append(text, style=style or None)
    return out


def render_plain(diagnostic: Diagnostic, source_line: SourceLine) -> str:
    """The same text as `render`, as a rich Console prints it without colour (so a pipe gets what a terminal
    shows): control codes that rich drops are dropped and tabs expand to columns of 8 cells, as rich does."""
    text = "".join(text for text, _style in _pieces(diagnostic, source_line)).translate(_RICH_DROPS)
    return _expand_tabs(text) if "\t" in text else text


def _pieces(diagnostic: Diagnostic, source_line: SourceLine) -> list[tuple[str, str]]:
    """The rendering as (text, rich style) pieces: the one layout behind `render` and `render_plain`."""
    d = diagnostic
    severity_style = SEVERITY_STYLE.get(d.severity, "bold")
    out = [(f"{d.file}:{d.line}:{d.column}: ", "bold"), (f"{d.severity}[{d.code}]", severity_style),
           (f": {d.message}\n", "bold")]
    line_text = source_line(d.file, d.line)
    if line_text is not None and not _printable(line_text):
        line_text = None                     # bytes that are not text would print as garbage: show no excerpt
    gutter = " " * len(str(d.line))
    if line_text is not None:
        shown = line_text.rstrip("\n").replace("\t", " ")
        out += [(f" {gutter} |\n", "blue"), (f" {d.line} | ", "blue"), (shown + "\n", ""),
                (f" {gutter} | ", "blue"),
                (" " * (d.column - 1) + "^" * caret_width(shown, d.column, d.end_column) + "\n", severity_style)]
    if d.help:
        out += [(f" {gutter} = ", "blue"), ("help: ", "bold cyan"), (d.help + "\n", "")]
    out.append(("\n", ""))
    return out


# rich.control.STRIP_CONTROL_CODES: bell, backspace, vertical tab, form feed and carriage return never reach the
# screen through a rich Text.
_RICH_DROPS = dict.fromkeys((7, 8, 11, 12, 13))


def _expand_tabs(text: str, tab_size: int = 8) -> str:
    """Tabs to spaces, counting terminal cells like rich's `Text.expand_tabs` (a wide character takes two)."""
    from rich.cells import cell_len

    lines = []
    for line in text.split("\n"):
        parts = line.split("\t")
        column, expanded = 0, []
        for part in parts[:-1]:
            column += cell_len(part) + 1
            padding = -column % tab_size
            column += padding
            expanded.append(part + " " * (1 + padding))
        lines.append("".join(expanded) + parts[-1])
    return "\n".join(lines)


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
