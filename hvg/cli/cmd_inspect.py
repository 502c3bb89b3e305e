"""`hvg inspect`: a picture of one block's lowering (layout maps, motion field, noise statistics)."""
from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from hvg.cli.app import app, fail, stdout
from hvg.cli.output_files import refuse_existing, write_atomically


@app.command()
def inspect(
    file: Annotated[Path, typer.Argument(help="the .scene program")],
    block: Annotated[int, typer.Option("--block", "-b", help="which block, 0-based, in time order")] = 0,
    output: Annotated[Optional[Path], typer.Option("--output", "-o", help="PNG to write (default: "
                                                   "FILE.blockN.png next to the program)")] = None,
    correlation: Annotated[float, typer.Option(help="noise correlation along motion per frame, 0..1")] = 0.9,
    force: Annotated[bool, typer.Option("--force", "-f", help="replace the -o file if it exists")] = False,
) -> None:
    """Draw how one block is lowered, as a PNG picture.

    It shows the layout boxes, the visible colour and depth, the motion field, and the noise's correlation along
    motion against i.i.d. noise and neighbours."""
    if not file.is_file():
        fail(f"cannot read {file}: no such file", "check the path; programs end in .scene")
    if not 0.0 <= correlation <= 1.0:
        fail(f"--correlation must be between 0 and 1, got {correlation}", "0.9 is the default")
    if output is not None:
        if output.suffix.lower() != ".png":
            fail(f"-o writes a PNG picture, not `{output.name}`", f"use {output.with_suffix('.png')}")
        refuse_existing(output, force)
    from hvg.diagnostics import CompileError
    from hvg.lang.api import compile_scene
    try:
        scene = compile_scene(file)
    except CompileError as error:
        fail(f"{error}", f"run `hvg check {file}` to see every problem")
    if not scene.blocks:
        fail(f"{file} has no blocks: there is nothing to inspect", "add a block, like "
             "`block 0s..2s \"A ball rolls\" { ball moves (0.2, 0.5) -> (0.8, 0.5) }`")
    if not 0 <= block < len(scene.blocks):
        fail(f"block {block} does not exist: {file} has {len(scene.blocks)} block(s)",
             f"choose a --block from 0 to {len(scene.blocks) - 1}" if len(scene.blocks) > 1 else "use --block 0")
    from hvg.lower.inspect import inspect_image
    target = output or file.with_suffix(f".block{block}.png")
    info = None

    def draw(temporary: Path) -> None:
        nonlocal info
        info = inspect_image(scene, block, temporary, correlation=correlation)
    try:
        write_atomically(target, draw)
    except OSError as error:
        fail(f"cannot write {target}: {error.strerror or error}")
    lag1 = info.trajectory[0] if info.trajectory else float("nan")
    stdout.print(f"wrote {target} (block {block}, frames {info.conditioning.frame_range[0]}.."
                 f"{info.conditioning.frame_range[1] - 1}; noise r along motion {lag1:.3f}, "
                 f"between neighbours {info.neighbours:+.3f})")
