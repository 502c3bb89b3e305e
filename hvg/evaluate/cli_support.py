"""What `hvg eval` and `hvg bench` share: loading a program and a video with friendly errors, the rich table."""
from __future__ import annotations

from pathlib import Path

import numpy as np

from hvg.cli.app import fail, stderr, stdout


def load_plan(program: Path, reference: str = "preview"):
    """Compile, resolve and render the reference of `program`; a broken program is one line and a hint."""
    from hvg.evaluate.pipeline import plan_from_scene
    if not program.exists():
        fail(f"{program} does not exist", "check the path to the .scene program")
    scene = compile_program(program)
    if not scene.blocks:
        fail(f"{program} has no blocks: there is nothing to score", "add a block, like "
             "`block 0s..2s \"A ball rolls\" { ball moves (0.2, 0.5) -> (0.8, 0.5) }`")
    if reference != "preview":
        from hvg.backends import BACKENDS
        if reference not in BACKENDS:
            fail(f"there is no backend `{reference}`", f"choose one of: {', '.join(BACKENDS)}")
    from hvg.backends import BackendUnavailable
    try:
        return plan_from_scene(scene, reference)
    except BackendUnavailable as error:
        fail(f"cannot render the reference with `{reference}`: {error}", error.hint or "use --reference preview")


def compile_program(program: Path):
    """The IR of a program file; a program with errors is one line and a hint (exit 1)."""
    from hvg.diagnostics import CompileError
    from hvg.lang.api import compile_scene
    try:
        return compile_scene(Path(program))
    except CompileError as error:
        fail(f"{program} does not compile: {_first_line(error)}", f"run `hvg check {program}` for every error",
             exit_code=1)
    except OSError as error:
        fail(f"cannot read {program}: {error.strerror or error}", "check the path to the .scene program")


def load_video(path: Path, fps: float) -> np.ndarray:
    from hvg.video.io import OutputError, read_video
    try:
        frames, video_fps = read_video(path)
    except OutputError as error:
        message = str(error)        # read_video's messages usually name the path already: say it once
        fail(message if str(path) in message else f"{path}: {message}", error.hint)
    if video_fps and abs(video_fps - fps) > 0.01:
        stderr.print(f"[yellow]warning:[/] {path} plays at {video_fps:g} fps but the program says {fps:g} fps; "
                     "frames are compared one to one", markup=True)
    return frames


def print_table(summary: dict, title: str) -> None:
    from rich.table import Table

    from hvg.evaluate.table import summary_rows
    table = Table(title=title, title_justify="left")
    for column in ("family", "metric", "value", "better"):
        table.add_column(column, justify="right" if column == "value" else "left")
    previous = None
    for family, label, value, better in summary_rows(summary):
        table.add_row(family if family != previous else "", label, value, better)
        previous = family
    stdout.print(table)


def _first_line(error: Exception) -> str:
    return (str(error).strip().splitlines() or [type(error).__name__])[0]
