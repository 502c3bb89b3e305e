"""`hvg fmt`: rewrite scene programs in the canonical layout, in place and atomically.

Exit codes as `hvg check`: 0 done (or nothing to change), 1 a program has a syntax error or, with `--check` or
`--diff`, would change; 2 a file cannot be read or written.
"""
from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from hvg.cli.app import EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, app, exit_with, stderr, stdout

STDIN = "-"


@app.command()
def fmt(
    files: Annotated[list[str], typer.Argument(
        help="`.scene` files or folders (every `.scene` file below them); `-` formats standard input to "
             "standard output.", show_default=False)],
    check: Annotated[bool, typer.Option(
        "--check", help="Write nothing; list the files that would change and exit 1 if there are any.")] = False,
    diff: Annotated[bool, typer.Option(
        "--diff", help="Write nothing; print what would change as a unified diff (exit 1 if anything would).")]
    = False,
) -> None:
    """Format programs: canonical layout, comments kept, meaning unchanged; never a file with a syntax error."""
    from hvg.lang.fmt import FormatError, format_file_text

    worst = EXIT_OK
    changed = unchanged = 0
    for path in _expand(files):
        try:
            original = _read(path)
        except _ReadError as error:
            stderr.print(f"[bold red]error:[/] {error}", markup=True)
            worst = max(worst, EXIT_USAGE)
            continue
        name = "<stdin>" if path == STDIN else path
        try:
            formatted = format_file_text(original, file=name)
        except FormatError as error:
            _print_diagnostics(error.diagnostics, original)
            stderr.print(f"[bold red]error:[/] {name} was left unchanged: fix the syntax error first",
                         markup=True)
            worst = max(worst, EXIT_FINDINGS)
            continue
        if formatted == original:
            unchanged += 1
            if path == STDIN and not (check or diff):
                _write_stdout(formatted)
            continue
        changed += 1
        if diff:
            _write_stdout(_unified_diff(original, formatted, name))
        if check and not diff:
            stdout.print(f"would reformat {name}", markup=False)
        if check or diff:
            worst = max(worst, EXIT_FINDINGS)
        elif path == STDIN:
            _write_stdout(formatted)
        else:
            try:
                _replace_atomically(Path(path), formatted)
            except OSError as error:
                stderr.print(f"[bold red]error:[/] cannot write {path}: {error.strerror or error}", markup=True)
                worst = max(worst, EXIT_USAGE)
                continue
            stderr.print(f"reformatted {path}", markup=False)
    if STDIN not in files:
        verb = "would be reformatted" if (check or diff) else "reformatted"
        stderr.print(f"{changed} file{'s' if changed != 1 else ''} {verb}, {unchanged} unchanged", markup=False)
    exit_with(worst)


class _ReadError(Exception):
    pass


def _expand(arguments: list[str]) -> list[str]:
    """Folders become every `.scene` file below them, sorted; files and `-` stay as given."""
    paths: list[str] = []
    for argument in arguments:
        if argument != STDIN and Path(argument).is_dir():
            found = sorted(str(p) for p in Path(argument).rglob("*.scene") if p.is_file())
            if not found:
                stderr.print(f"warning: no .scene files under {argument}", markup=False)
            paths += found
        else:
            paths.append(argument)
    return paths


def _read(path: str) -> str:
    import sys
    try:
        data = sys.stdin.buffer.read() if path == STDIN else Path(path).read_bytes()
    except FileNotFoundError:
        raise _ReadError(f"{path} does not exist") from None
    except OSError as error:
        raise _ReadError(f"cannot read {path}: {error.strerror or error}") from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise _ReadError(f"{path} is not UTF-8 text") from None


def _replace_atomically(path: Path, text: str) -> None:
    """Write next to the file, flush to disk, then rename over it: a crash leaves the old or the new file whole,
    never half of one. The file keeps its permissions, and a symbolic link stays a link (its target is rewritten).
    """
    import os
    import tempfile
    path = path.resolve()
    mode = path.stat().st_mode & 0o7777
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".fmt", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(temporary, mode)
        os.replace(temporary, path)
    except BaseException:
        if os.path.exists(temporary):
            os.unlink(temporary)
        raise


def _unified_diff(original: str, formatted: str, name: str) -> str:
    import difflib
    lines = difflib.unified_diff(original.splitlines(keepends=True), formatted.splitlines(keepends=True),
                                 fromfile=f"{name}\t(original)", tofile=f"{name}\t(formatted)")
    # A last line without a newline gets the marker that `patch` and `git apply` expect.
    return "".join(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n" for line in lines)


def _write_stdout(text: str) -> None:
    import sys
    sys.stdout.write(text)
    sys.stdout.flush()


def _print_diagnostics(diagnostics, text: str) -> None:
    """The syntax error as `hvg check` shows it: location, source line, caret, help."""
    from hvg.lang.report import render
    lines = text.split("\n")
    for diagnostic in diagnostics:
        stderr.print(render(diagnostic, lambda _file, number: lines[number - 1] if 0 < number <= len(lines)
                            else None), end="")
