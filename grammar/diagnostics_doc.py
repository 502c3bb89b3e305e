"""Regenerate the diagnostics section of docs/language.md from the code registry (hvg/lang/codes.py).

    .venv/bin/python grammar/diagnostics_doc.py          # rewrite the section in place
    .venv/bin/python grammar/diagnostics_doc.py --check  # exit 1 if the section is out of date

Each code gets a heading, its summary, a typical message and its minimal program in a ` ```scene expect=CODE`
block, which tests/lang/test_examples.py checks really reports that code.
"""
from __future__ import annotations

import sys
from pathlib import Path

from hvg.lang.codes import REGISTRY, Code
from hvg.lang.fmt import FormatError, format_source

DOC = Path(__file__).resolve().parents[1] / "docs" / "language.md"
START, END = "<!-- diagnostics:start -->", "<!-- diagnostics:end -->"


def _program(entry: Code) -> str:
    """The code's example, laid out by `hvg fmt` when it parses, with the options the test needs."""
    text = entry.example
    options = ""
    first = text.split("\n", 1)[0]
    if first.startswith("# in "):                      # a program that must live in a named file (a `use` cycle)
        options += f" file={first[5:].strip()}"
    if entry.severity == "info":
        options += " backend=builtin"
    try:
        text = format_source(text)
    except FormatError:
        pass
    return f"```scene expect={entry.code}{options}\n{text.rstrip()}\n```"


def section() -> str:
    rows = ["| code | name | severity | meaning |", "|---|---|---|---|"]
    rows += [f"| [{c.code}](#{c.code.lower()}-{c.name}) | {c.name} | {c.severity} | {c.summary} |"
             for c in REGISTRY.values()]
    parts = [START, "", *rows, ""]
    for entry in REGISTRY.values():
        parts += [f"### {entry.code} {entry.name}", "", f"{entry.summary[0].upper()}{entry.summary[1:]}.", "",
                  f"> {entry.severity}: {entry.message}", ""]
        if entry.example:
            parts += [_program(entry), ""]
        else:
            parts += ["No program triggers it on purpose: it reports a bug in hvg itself.", ""]
    return "\n".join(parts + [END])


def updated(document: str) -> str:
    if START in document:
        before, rest = document.split(START, 1)
        after = rest.split(END, 1)[1]
        return before + section() + after
    return document.replace("DIAGNOSTICS-TABLE", section())


if __name__ == "__main__":
    current = DOC.read_text(encoding="utf-8")
    new = updated(current)
    if "--check" in sys.argv[1:]:
        sys.exit(0 if new == current else 1)
    DOC.write_text(new, encoding="utf-8")
