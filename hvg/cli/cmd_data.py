"""`hvg data synth`: write a synthetic data set (random programs, frames and ground truth) to a folder."""
from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from hvg.cli.app import app, fail, stderr, stdout

data_app = typer.Typer(help="Synthetic training data from the built-in world.", no_args_is_help=True)
app.add_typer(data_app, name="data")


def _size(text: str) -> tuple[int, int]:
    try:
        width, height = (int(v) for v in text.lower().split("x"))
    except ValueError:
        fail(f"`{text}` is not a frame size", "write it as WIDTHxHEIGHT, e.g. 128x128")
    if width % 8 or height % 8 or min(width, height) < 8:
        fail(f"the frame size {width}x{height} is not a multiple of 8 in each dimension", "try 64x64 or 128x128")
    return width, height


@data_app.command("synth")
def synth_command(
    out: Annotated[Path, typer.Option("--out", "-o", help="Folder to write the clips into (created if missing).",
                                      show_default=False)],
    count: Annotated[int, typer.Option("--count", "-n", min=1, help="Number of clips.")] = 100,
    seed: Annotated[int, typer.Option(help="Data set seed: clip i depends only on (seed, i).")] = 0,
    size: Annotated[str, typer.Option(help="Frame size WIDTHxHEIGHT (multiples of 8).")] = "128x128",
    fps: Annotated[int, typer.Option(min=1, max=120, help="Frames a second.")] = 12,
    min_seconds: Annotated[float, typer.Option(help="Shortest clip, seconds.")] = 2.0,
    max_seconds: Annotated[float, typer.Option(help="Longest clip, seconds.")] = 6.0,
    render: Annotated[bool, typer.Option(help="Render frames, masks and flow with the preview renderer; "
                                              "--no-render writes programs and boxes only.")] = True,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")] = False,
) -> None:
    """Write COUNT random clips: NNNNN.scene, NNNNN.npz (frames, masks, boxes, flow), NNNNN.json (see docs/data.md).
    Clips already complete in --out are kept, so an interrupted run resumes."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    from hvg.world.synth import DataSetMismatch, ProgramConfig, preview_renderer, synth

    if not 1.0 <= min_seconds <= max_seconds:
        fail(f"--min-seconds {min_seconds} and --max-seconds {max_seconds} do not make a range",
             "use 1 <= --min-seconds <= --max-seconds")
    if out.exists() and not out.is_dir():
        fail(f"{out} exists and is not a folder", "give a folder for --out")
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        fail(f"cannot create the folder {out}: {error.strerror or error}", "give a folder that can be written")
    config = ProgramConfig(size=_size(size), fps=fps, duration=(min_seconds, max_seconds))
    renderer = None
    if render:
        try:
            renderer = preview_renderer()
        except ImportError:
            fail("the preview renderer is not available in this installation", "use --no-render for programs only")
    from hvg.world.synth import clip_paths
    kept = sum(clip_paths(out, index)["meta"].exists() for index in range(count)) if out.is_dir() else 0
    columns = (TextColumn("synth"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
    with Progress(*columns, console=stderr, disable=quiet, transient=True) as progress:
        task = progress.add_task("clips", total=count)
        try:
            synth(count, seed, out, renderer=renderer, config=config, on_clip=lambda _: progress.advance(task))
        except DataSetMismatch as error:
            fail(str(error), error.hint)
        except KeyboardInterrupt:
            complete = sum(clip_paths(out, index)["meta"].exists() for index in range(count))
            fail(f"interrupted: {complete} of {count} clips in {out} are complete",
                 "run the same command again to resume", exit_code=130)
    written = count - kept
    stdout.print(f"wrote {written} clip{'' if written == 1 else 's'} to {out} (seed {seed}, {config.size[0]}x"
                 f"{config.size[1]} at {fps} fps{'' if render else ', programs and boxes only'})"
                 + (f"; kept {kept} already complete" if kept else ""))
