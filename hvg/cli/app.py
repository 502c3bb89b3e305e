"""The typer application and what every command shares: consoles, friendly failures, exit codes.

Exit codes: 0 clean (warnings allowed), 1 findings (errors in a program, a failed render), 2 usage or I/O error.
Results go to stdout, diagnostics and progress to stderr. Set HVG_DEBUG=1 to see tracebacks.

`stdout` and `stderr`, the rich Consoles every command shares, are made on first use (`console(...)`, or the module
attributes): importing rich.console costs a cold `hvg check` about 20 ms, and its output to a pipe needs none.
"""
from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING, NoReturn

import typer

from hvg.cli.consoles import EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, console, is_terminal  # noqa: F401 (shared)

if TYPE_CHECKING:
    from rich.console import Console

app = typer.Typer(
    name="hvg",
    help="Hierarchical video generation for writers: check, format, compile and render .scene programs.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode="rich",
)


def __getattr__(name: str) -> Console:
    """`from hvg.cli.app import stdout, stderr` (PEP 562): the Consoles, made when first asked for."""
    if name in ("stdout", "stderr"):
        return console(name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


class UserError(Exception):
    """A mistake the user can fix: printed as one line plus a hint, never as a traceback (exit 2)."""

    def __init__(self, message: str, hint: str = "", exit_code: int = EXIT_USAGE):
        super().__init__(message)
        self.hint = hint
        self.exit_code = exit_code


def fail(message: str, hint: str = "", exit_code: int = EXIT_USAGE) -> NoReturn:
    raise UserError(message, hint, exit_code)


def debug_enabled() -> bool:
    return os.environ.get("HVG_DEBUG", "") not in ("", "0")


def report_user_error(error: UserError) -> int:
    console("stderr").print(f"[bold red]error:[/] {error}", markup=True)
    if error.hint:
        console("stderr").print(f"  [cyan]help:[/] {error.hint}", markup=True)
    return error.exit_code


def report_internal_error(error: BaseException) -> int:
    if debug_enabled():
        raise error
    console("stderr").print(f"[bold red]internal error:[/] {type(error).__name__}: {error}", markup=True)
    console("stderr").print("  [cyan]help:[/] this is a bug in hvg; run again with HVG_DEBUG=1 for the traceback "
                            "and report it", markup=True)
    return EXIT_USAGE


def exit_with(code: int) -> NoReturn:
    sys.stdout.flush()
    raise typer.Exit(code)


def run_app(argv: list[str] | None = None) -> int:
    """Run the registered commands; map known exceptions to one friendly line and an exit code."""
    try:
        # Without standalone mode click returns (not raises) the code of a `typer.Exit` raised by a command.
        code = app(args=argv, standalone_mode=False)
        return code if isinstance(code, int) else 0
    except typer.Exit as done:
        return done.exit_code
    except UserError as error:
        return report_user_error(error)
    except KeyboardInterrupt:
        console("stderr").print("interrupted")
        return 130
    except Exception as error:  # click's usage errors first, then anything else is a bug
        import click
        from typer import _click as typer_click  # typer raises usage errors from its own copy of click
        if isinstance(error, (click.exceptions.ClickException, typer_click.exceptions.ClickException)):
            error.show()
            return EXIT_USAGE
        if isinstance(error, click.exceptions.Abort):
            return 130
        return report_internal_error(error)


@app.callback()
def _root() -> None:
    """Hierarchical video generation for writers: check, format, compile and render .scene programs."""
