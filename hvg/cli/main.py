"""Entry point of the `hvg` command. Each command lives in its own `hvg/cli/cmd_*.py` module, found here.

Command modules import only typer at the top; heavy libraries (torch, av, numpy) are imported inside the
command functions, so `hvg check` starts fast and never imports torch.
"""
from __future__ import annotations

import importlib
import pkgutil
import sys

import typer

from hvg.cli import app as app_module
from hvg.cli.app import UserError, app, report_internal_error, report_user_error


def _register_commands() -> None:
    package = sys.modules["hvg.cli"]
    for info in sorted(pkgutil.iter_modules(package.__path__), key=lambda m: m.name):
        if info.name.startswith("cmd_"):
            importlib.import_module(f"hvg.cli.{info.name}")


_register_commands()


def main(argv: list[str] | None = None) -> int:
    try:
        # Without standalone mode click returns (not raises) the code of a `typer.Exit` raised by a command.
        code = app(args=argv, standalone_mode=False)
        return code if isinstance(code, int) else 0
    except typer.Exit as done:
        return done.exit_code
    except UserError as error:
        return report_user_error(error)
    except KeyboardInterrupt:
        app_module.stderr.print("interrupted")
        return 130
    except Exception as error:  # click's usage errors first, then anything else is a bug
        import click
        from typer import _click as typer_click  # typer raises usage errors from its own copy of click
        if isinstance(error, (click.exceptions.ClickException, typer_click.exceptions.ClickException)):
            error.show()
            return app_module.EXIT_USAGE
        if isinstance(error, click.exceptions.Abort):
            return 130
        return report_internal_error(error)


def run() -> None:
    sys.exit(main())


if __name__ == "__main__":
    run()
