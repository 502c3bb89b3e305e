"""`hvg schema`: the JSON schema of the IR (what `hvg plan` asks language models to produce)."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Optional

import typer

from hvg.cli.app import app, fail, stderr, stdout


@app.command()
def schema(
    output: Annotated[Optional[Path], typer.Option("--output", "-o", help="Write it to a file instead of "
                                                   "stdout.")] = None,
) -> None:
    """Print the JSON schema of a compiled scene (the IR)."""
    from hvg.ir import json_schema

    text = json.dumps(json_schema(), indent=2)
    if output is None:
        stdout.out(text, highlight=False)
        return
    try:
        output.write_text(text + "\n", encoding="utf-8")
    except OSError as error:
        fail(f"cannot write {output}: {error.strerror or error}")
    stderr.print(f"wrote {output}", markup=False)
