"""The `hvg` console script: registers only the command being run, so `hvg check` starts fast.

`hvg.cli.main` is the full application (every command registered), for `python -m hvg.cli.main`, tests and docs.
"""
from __future__ import annotations

import importlib
import importlib.util
import sys

from hvg.cli.app import run_app


def _command_named(argv: list[str]) -> str | None:
    """`hvg check x.scene` -> "check"; None when the line starts with an option (`hvg --help`)."""
    return argv[0] if argv and not argv[0].startswith("-") else None


def run() -> None:
    argv = sys.argv[1:]
    name = _command_named(argv)
    module = f"hvg.cli.cmd_{name}" if name else None
    if module and importlib.util.find_spec(module) is not None:
        importlib.import_module(module)
    else:  # help, or an unknown command: the full application, so click can list the commands and suggest
        importlib.import_module("hvg.cli.main")
    sys.exit(run_app(argv))
