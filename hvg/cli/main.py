"""Entry point of the `hvg` command. Each command lives in its own `hvg/cli/cmd_*.py` module, found here.

Command modules import only typer at the top; heavy libraries (torch, av, numpy) are imported inside the
command functions, so `hvg check` starts fast and never imports torch.
"""
from __future__ import annotations

import importlib
import pkgutil
import sys

from hvg.cli.app import app, run_app  # noqa: F401 (app: for CliRunner tests and the docs)


def _register_commands() -> None:
    package = sys.modules["hvg.cli"]
    for info in sorted(pkgutil.iter_modules(package.__path__), key=lambda m: m.name):
        if info.name.startswith("cmd_"):
            importlib.import_module(f"hvg.cli.{info.name}")


_register_commands()


def main(argv: list[str] | None = None) -> int:
    """Run the full application (every command registered) and return the exit code."""
    return run_app(argv)


def run() -> None:
    sys.exit(main())


if __name__ == "__main__":
    run()
