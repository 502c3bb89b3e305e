"""`hvg render`: a program to a video, block by block, with progress, a cache and atomic output."""
from __future__ import annotations

import sys
from enum import Enum
from functools import partial
from pathlib import Path
from typing import Annotated, Optional

import typer

from hvg.presets import QUALITY_PRESETS
from hvg.cli.app import EXIT_FINDINGS, app, fail, stderr, stdout

Quality = Enum("Quality", {name: name for name in QUALITY_PRESETS}, type=str)
QUALITY_HELP = "Quality preset: " + "; ".join(
    f"{p.name} ({p.steps} steps, {p.pyramid_stages} pyramid stages): {p.summary}"
    for p in QUALITY_PRESETS.values())


class StartFrom(str, Enum):
    preview = "preview"
    noise = "noise"


class BackendChoice(str, Enum):
    auto = "auto"
    builtin = "builtin"
    preview = "preview"


@app.command()
def render(
    file: Annotated[Path, typer.Argument(help="The .scene program to render.", show_default=False)],
    output: Annotated[Optional[Path], typer.Option("--output", "-o", help="Output: .mp4, .webm, .gif, or a folder "
                                                   "for PNG frames. Default: the program's name with .mp4.")] = None,
    backend: Annotated[BackendChoice, typer.Option(help="builtin: the flow-matching model; preview: the procedural "
                                                   "renderer; auto: builtin when a checkpoint ships.")] = BackendChoice.auto,
    checkpoint: Annotated[Optional[Path], typer.Option(help="A checkpoint (.safetensors) for the builtin backend.")] = None,
    quality: Annotated[Quality, typer.Option(help=QUALITY_HELP)] = Quality("standard"),  # type: ignore[valid-type]
    init: Annotated[Optional[StartFrom], typer.Option(
        "--init", help="builtin backend: start the flow from the procedural animatic (preview, the default: the "
                       "model redraws it) or from noise alone (pure generation).")] = None,
    strength: Annotated[Optional[float], typer.Option(
        min=0.0, max=1.0, help="builtin backend with --init preview: how much of the flow the model redraws "
                               "(1 = all of it, as from noise).")] = None,
    seed: Annotated[Optional[int], typer.Option(min=0, max=2 ** 63 - 1, help="Seed; default: the program's "
                                                "`seed` setting.")] = None,
    device: Annotated[str, typer.Option(help="torch device for the model: cpu, cuda, cuda:1, mps.")] = "cpu",
    force: Annotated[bool, typer.Option("--force", "-f", help="Replace the output if it exists.")] = False,
    preview: Annotated[bool, typer.Option("--preview", help="Also write a contact sheet PNG beside the output.")] = False,
    cache: Annotated[bool, typer.Option(help="Reuse finished blocks (edits re-render only what they touch).")] = True,
    cache_dir: Annotated[Optional[Path], typer.Option(help="Where finished blocks are kept (default "
                                                      "$HVG_CACHE_DIR or ~/.cache/hvg).")] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")] = False,
    watch: Annotated[bool, typer.Option("--watch", "-w", help="Keep running and render again each time the "
                                        "program is saved: only the edited blocks, with the model kept "
                                        "loaded. Ctrl-C stops.")] = False,
) -> None:
    """Render a program to a video. Finished blocks are cached, so an interrupted render resumes."""
    from hvg.backends import BackendUnavailable
    from hvg.rendering import RenderSettings
    from hvg.rendering.cache import default_cache_dir

    if not file.is_file():
        fail(f"{file} does not exist" if not file.exists() else f"{file} is not a file",
             "give the path of a .scene program")
    output = output or file.with_suffix(".mp4")
    if cache and cache_dir is not None and cache_dir.exists() and not cache_dir.is_dir():
        fail(f"--cache-dir {cache_dir} is a file, not a folder", "give a folder, or leave --cache-dir out")
    if watch and not cache:
        fail("--watch re-renders from the block cache, and --no-cache turns it off", "drop --no-cache")
    settings = RenderSettings(backend=backend.value, checkpoint=checkpoint, quality=quality.value, seed=seed,
                              device=device, cache_dir=(cache_dir or default_cache_dir()) if cache else None,
                              backend_options=_model_options(backend, init, strength))
    if watch:   # one backend for every render, so the model loads once
        from hvg.backends import load_backend
        try:
            settings.backend = load_backend(settings.backend, checkpoint=checkpoint, device=device,
                                            options=settings.backend_options)
        except BackendUnavailable as error:
            fail(str(error), error.hint)
    render_once = partial(_render_and_report, file, output, settings, cache=cache, preview=preview, quiet=quiet)
    render_once(force=force, watching=watch)
    if watch:
        from hvg.cli.watch import watch_file
        stderr.print(f"watching {file}: save it to render again (Ctrl-C stops)")
        watch_file(file, lambda: render_once(force=True, watching=True))


def _render_and_report(file: Path, output: Path, settings, *, cache: bool, preview: bool, quiet: bool, force: bool,
                       watching: bool) -> None:
    """One render with its progress bar and its one-line report. While watching, a program with errors (or no
    block) is reported and waited on, not the end of the command."""
    from hvg.backends import BackendUnavailable
    from hvg.diagnostics import CompileError
    from hvg.rendering import render_scene, sheet_path
    from hvg.rendering.pipeline import NothingToRender
    from hvg.video.io import OutputError

    finished = {"blocks": 0, "total": 0}

    def count_finished(bar):
        def progress(event: str, index: int, total: int, step: int, steps: int) -> None:
            finished["total"] = total
            if event in ("done", "cached"):
                finished["blocks"] = index + 1
            if bar:
                bar(event, index, total, step, steps)
        return progress

    try:
        with _progress_bar(enabled=not quiet) as bar:
            report = render_scene(_checked(file), output, settings=settings, force=force,
                                  contact_sheet=preview, progress=count_finished(bar))
    except KeyboardInterrupt:
        kept = f"{finished['blocks']} of {finished['total']} blocks are finished and cached" if cache else \
            "nothing was cached (--no-cache)"
        if cache and not finished["blocks"]:
            kept = "no block was finished yet"
        fail(f"interrupted: no video was written; {kept}",
             "run the same command again to resume" if cache else "", exit_code=130)
    except CompileError as error:
        _print_diagnostics(error.diagnostics)
        if watching:
            stderr.print(f"{file} has errors; nothing was rendered: fix them and save again")
            return
        fail(f"{file} has errors; nothing was rendered", f"see `hvg check {file}`", exit_code=EXIT_FINDINGS)
    except NothingToRender as error:
        if watching:
            stderr.print(f"{file} has no blocks: there is nothing to render ({error.hint})")
            return
        fail(f"{file} has no blocks: there is nothing to render", error.hint, exit_code=EXIT_FINDINGS)
    except (OutputError, BackendUnavailable) as error:
        fail(str(error), error.hint)
    per_second = report.seconds / max(report.frames / report.fps, 1e-9)
    stdout.print(f"wrote {report.output} ({report.frames} frames, {report.frames / report.fps:.1f}s at "
                 f"{report.fps} fps) with the {report.backend} backend in {report.seconds:.1f}s "
                 f"({per_second:.2f}s per second of video; {_count(report.blocks_rendered, 'block')} rendered, "
                 f"{report.blocks_cached} from cache)")
    if preview:
        stdout.print(f"wrote {sheet_path(report.output)}")
    if watching:
        sys.stdout.flush()     # a reader of the pipe sees each render's report as it happens


def _checked(file: Path):
    """The program's IR; its warnings are printed first (errors raise CompileError), as a compiler would."""
    from hvg.diagnostics import CompileError
    from hvg.lang.api import check
    try:
        result = check(file)
    except OSError as error:
        fail(f"cannot read {file}: {error.strerror or error}", "give the path of a .scene program")
    if result.errors or result.scene is None:
        raise CompileError(result.diagnostics)
    _print_diagnostics([d for d in result.diagnostics if d.severity == "warning"])
    return result.scene


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def _model_options(backend: BackendChoice, init, strength) -> dict:
    options = {key: value for key, value in (("init", init.value if init else None), ("strength", strength))
               if value is not None}
    if options and backend == BackendChoice.preview:
        fail("--init and --strength are settings of the builtin backend", "drop them, or use --backend builtin")
    return options


def _print_diagnostics(diagnostics) -> None:
    """As `hvg check` shows them (source line, caret, help), on stderr: stdout is the render's own report."""
    from hvg.cli.check_run import source_line_reader
    from hvg.lang.report import render
    source_line = source_line_reader()
    for diagnostic in diagnostics:
        stderr.print(render(diagnostic, source_line), end="")


class _progress_bar:
    """A rich progress bar over blocks, with a second bar over the steps of the block being rendered."""

    def __init__(self, enabled: bool):
        self.enabled = enabled

    def __enter__(self):
        if not self.enabled:
            return None
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, \
            TimeRemainingColumn
        self.bar = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                            TimeRemainingColumn(), console=stderr, transient=False)
        self.bar.__enter__()
        self.blocks = self.steps = None
        return self.update

    def update(self, event: str, index: int, total: int, step: int, steps: int) -> None:
        if self.blocks is None:
            self.blocks = self.bar.add_task("blocks", total=total)
            self.steps = self.bar.add_task("steps", total=1)
        if event == "block":
            self.bar.update(self.steps, description=f"block {index + 1}", completed=0, total=steps)
        elif event == "step":
            self.bar.update(self.steps, completed=step, total=steps)
        elif event in ("done", "cached"):
            self.bar.update(self.blocks, completed=index + 1,
                            description="blocks" + (" (cached)" if event == "cached" else ""))

    def __exit__(self, *exc):
        if self.enabled:
            self.bar.__exit__(*exc)
