"""`hvg schema`: the JSON schema of the IR (what `hvg plan` asks language models to produce)."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Optional

import typer

from hvg.cli.app import app, stderr, stdout
from hvg.cli.output_files import refuse_existing, write_text_atomically


@app.command()
def schema(
    output: Annotated[Optional[Path], typer.Option("--output", "-o", help="Write it to a file instead of "
                                                   "stdout.")] = None,
    force: Annotated[bool, typer.Option("--force", "-f", help="Replace the -o file if it exists.")] = False,
) -> None:
    """Print the JSON schema of a compiled scene (the IR)."""
    from hvg.ir import json_schema

    if output is not None:
        refuse_existing(output, force)

    text = json.dumps(json_schema(), indent=2)
    if output is None:
        stdout.out(text, highlight=False)
        return
    write_text_atomically(output, text + "\n")
    stderr.print(f"wrote {output}", markup=False)
