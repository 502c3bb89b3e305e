"""What `hvg check` does, without the CLI framework: the typer command (cmd_check.py) and the console script's
fast path (fast_check.py) both call `run_check`, so they cannot drift apart.

Diagnostics go to stdout (like ruff); never imports torch. Colour (through rich) only on a terminal: to a pipe or a
file the same text is written plainly, which spares a cold check the import of rich's console.
"""
from __future__ import annotations

import sys
from enum import Enum
from pathlib import Path

from hvg.cli.consoles import EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, console, is_terminal


class OutputFormat(str, Enum):        # `--format`: the typer command and the fast path both read these
    human = "human"
    json = "json"


class CheckBackend(str, Enum):        # `--backend`
    none = "none"
    builtin = "builtin"


def run_check(files: list[Path], output_format: str = "human", backend: str | None = None) -> int:
    """Check `files` (folders: every .scene inside; `-`: standard input), print the diagnostics as `human` or
    `json`, and return the exit code: 0 clean (warnings allowed), 1 errors found, 2 a file could not be read."""
    from hvg.lang.api import check as check_source
    from hvg.lang.codes import SYNTAX_ERROR
    from hvg.lang.source_text import NOT_TEXT_HELP, NotText, decode_source
    from hvg.lang.report import to_json

    sources: dict[str, list[str]] = {}
    found = []
    unreadable = 0
    files = _expand_folders(files)
    for path in files:
        name = str(path)
        if name == "-":
            text = decode_source(sys.stdin.buffer.read())
            if isinstance(text, NotText):
                found.append(SYNTAX_ERROR.at("<stdin>", text.line, text.column, text.message("<stdin>"),
                                             NOT_TEXT_HELP))
                continue
            result = check_source(text, file="<stdin>", backend=backend)
            sources["<stdin>"] = text.splitlines()
        elif path.is_dir():
            console("stderr").print(f"error: no .scene files under {name}", markup=False)
            unreadable += 1
            continue
        else:
            problem = _unreadable(path)
            if problem:
                console("stderr").print(f"error: cannot read {name}: {problem}", markup=False)
                unreadable += 1
                continue
            result = check_source(path, file=name, backend=backend)
        found.extend(result.diagnostics)
    if output_format == "json":
        sys.stdout.write(to_json(found) + "\n")     # plain JSON on a terminal too: no styles to apply
    else:
        _print_human(found, max(len(files) - unreadable, 0), lambda file, line: _line(sources, file, line))
    if unreadable:
        return EXIT_USAGE
    return EXIT_FINDINGS if any(d.severity == "error" for d in found) else EXIT_OK


def _print_human(found: list, checked: int, source_line) -> None:
    """Each diagnostic with its source line and caret, then the summary (when any file was read)."""
    from hvg.lang.report import render, render_plain, summary

    if is_terminal(sys.stdout):
        for diagnostic in found:
            console("stdout").print(render(diagnostic, source_line), end="")
        if checked:
            console("stdout").print(summary(found, checked), markup=False)
        return
    for diagnostic in found:
        sys.stdout.write(render_plain(diagnostic, source_line))
    if checked:
        sys.stdout.write(summary(found, checked) + "\n")


def _expand_folders(paths: list[Path]) -> list[Path]:
    """A folder stands for every .scene file under it, like `ruff check src/`; one without any stays itself, to be
    reported."""
    expanded: list[Path] = []
    for path in paths:
        if path.is_dir():
            expanded.extend(sorted(p for p in path.rglob("*.scene") if p.is_file()) or [path])
        else:
            expanded.append(path)
    return expanded


def _unreadable(path: Path) -> str:
    if not path.exists():
        return "no such file"
    if not path.is_file():
        return "not a file"
    try:
        with path.open("rb"):
            return ""
    except OSError as error:
        return error.strerror or str(error)


def source_line_reader():
    """A `(file, line number) -> text or None` that reads each file once, for rendering diagnostics."""
    sources: dict[str, list[str]] = {}
    return lambda file, line: _line(sources, file, line)


def _line(sources: dict[str, list[str]], file: str, line: int) -> str | None:
    if file not in sources:
        try:
            sources[file] = Path(file).read_text(encoding="utf-8", errors="replace").splitlines()
        except (OSError, ValueError):
            sources[file] = []
    lines = sources[file]
    return lines[line - 1] if 0 < line <= len(lines) else None
