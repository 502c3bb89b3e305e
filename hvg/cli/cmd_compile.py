"""`hvg compile`: a program to its IR as JSON (the input of resolve, lower and render). Exit 1 on errors."""
from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from hvg.cli.app import EXIT_FINDINGS, app, exit_with, fail, stderr, stdout
from hvg.cli.output_files import refuse_existing, write_text_atomically


@app.command(name="compile")
def compile_command(
    file: Annotated[Path, typer.Argument(help="The .scene program to compile.", show_default=False)],
    output: Annotated[Optional[Path], typer.Option("--output", "-o", help="Where to write the IR JSON "
                                                   "(default: stdout).")] = None,
    tensors: Annotated[Optional[Path], typer.Option("--tensors", help="Also write what every block lowers to "
                                                    "(conditioning tensors and motion-guided noise) as "
                                                    ".safetensors; see docs/lowering.md.")] = None,
    force: Annotated[bool, typer.Option("--force", "-f", help="Replace the -o and --tensors files if they "
                                        "exist.")] = False,
) -> None:
    """Compile a program to its IR (JSON): lets evaluated, groups expanded, `use` files inlined."""
    from hvg.lang.api import check
    from hvg.lang.report import render

    if not file.is_file():
        fail(f"cannot read {file}: {'no such file' if not file.exists() else 'not a file'}",
             "give the path of a .scene program")
    if output is not None:
        if output.resolve() == file.resolve():
            fail(f"-o {output} would replace the program itself with its IR", "choose another -o, e.g. "
                 f"{file.with_suffix('.json')}")
        refuse_existing(output, force)
    result = check(file)
    text = {}
    for diagnostic in result.diagnostics:
        stderr.print(render(diagnostic, lambda name, line: _line(text, name, line)), end="")
    if result.errors or result.scene is None:
        stderr.print(f"{file}: not compiled, {len(result.errors)} error(s)", markup=False)
        exit_with(EXIT_FINDINGS)
    if tensors is not None:
        _dump_tensors(result.scene, tensors, force)
    data = result.scene.model_dump_json(indent=2)
    if output is None:
        stdout.out(data, highlight=False)
        return
    write_text_atomically(output, data + "\n")
    stderr.print(f"wrote {output}", markup=False)


def _dump_tensors(scene, path: Path, force: bool) -> None:
    if path.suffix != ".safetensors":
        fail(f"--tensors writes a .safetensors file, not `{path.name}`", f"use {path.with_suffix('.safetensors')}")
    if path.exists() and not force:
        fail(f"{path} already exists", "pass --force to replace it")
    if not path.parent.exists():
        fail(f"the folder {path.parent} does not exist", f"create it first: mkdir -p {path.parent}")
    from hvg.lower.dump import dump_tensors
    dump_tensors(scene, path)
    stderr.print(f"wrote {path}", markup=False)


def _line(cache: dict[str, list[str]], name: str, line: int) -> str | None:
    if name not in cache:
        try:
            cache[name] = Path(name).read_text(encoding="utf-8", errors="replace").splitlines()
        except OSError:
            cache[name] = []
    lines = cache[name]
    return lines[line - 1] if 0 < line <= len(lines) else None
