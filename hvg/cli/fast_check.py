"""The console script's fast path for `hvg check`: plain invocations run without typer.

An editor runs `hvg check` on every save, so its start-up is the command's speed. Typer (0.29) builds pydantic
TypeAdapters for a command's parameters on first use, which alone costs more than parsing and checking a program
(docs/benchmarks.md). `parse_check_arguments` recognises only what `hvg check` accepts: files, `-`,
`--format human|json` and `--backend none|builtin` (also as `--opt=value`, options anywhere, the last one wins, `--`
ends the options). Anything else, `--help` and every mistake included, returns None and goes to the typer command
(hvg/cli/cmd_check.py), which owns the interface and its messages; both paths run `check_run.run_check`, and a test
holds their output and exit codes equal.
"""
from __future__ import annotations

from pathlib import Path

from hvg.cli.check_run import CheckBackend, OutputFormat

CHOICES = {"--format": tuple(f.value for f in OutputFormat), "--backend": tuple(b.value for b in CheckBackend)}


def parse_check_arguments(argv: list[str]) -> tuple[list[Path], str, str | None] | None:
    """`hvg check`'s arguments (after the word `check`) -> (files, format, backend or None), or None."""
    files: list[str] = []
    chosen = {"--format": "human", "--backend": "none"}
    tokens = iter(argv)
    for token in tokens:
        if token == "--":
            files.extend(tokens)
            break
        if token.startswith("--"):
            name, equals, value = token.partition("=")
            if name not in CHOICES:
                return None
            if not equals:
                value = next(tokens, None)
            if value not in CHOICES[name]:
                return None
            chosen[name] = value
        elif token.startswith("-") and token != "-":
            return None
        else:
            files.append(token)
    if not files:
        return None
    backend = None if chosen["--backend"] == "none" else chosen["--backend"]
    return [Path(f) for f in files], chosen["--format"], backend
