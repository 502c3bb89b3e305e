"""`hvg check`: lint .scene programs like a compiler (the work is in check_run.py). Never imports torch.

Exit 0 clean (warnings allowed), 1 errors found, 2 usage or I/O error (a file that cannot be read). The console
script runs plain invocations without typer (fast_check.py); `--help` and mistakes in the arguments come here.
"""
from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from hvg.cli.app import app, exit_with
from hvg.cli.check_run import CheckBackend, OutputFormat, run_check


@app.command()
def check(
    files: Annotated[list[Path], typer.Argument(help="The .scene programs to check: files, folders (every .scene "
                                                "inside), or `-` for standard input.",
                                                show_default=False)],
    output_format: Annotated[OutputFormat, typer.Option("--format", help="human: source lines and carets; json: "
                                                        "only a JSON array of diagnostics on stdout.")]
    = OutputFormat.human,
    backend: Annotated[CheckBackend, typer.Option(help="builtin: also say (as infos) what the built-in model will "
                                                  "draw for each free word.")] = CheckBackend.none,
) -> None:
    """Check programs for errors and warnings without rendering anything."""
    exit_with(run_check(files, output_format.value, None if backend is CheckBackend.none else backend.value))
