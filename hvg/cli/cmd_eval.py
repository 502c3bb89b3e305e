"""`hvg eval FILE VIDEO`: score a rendered video against its program, offline."""
from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer

from hvg.cli.app import app, fail, stderr, stdout


class EvalFormat(str, Enum):
    table = "table"
    json = "json"


@app.command(name="eval")
def eval_(
    file: Annotated[Path, typer.Argument(help="the .scene program the video was rendered from")],
    video: Annotated[Path, typer.Argument(help="the video to score (mp4, webm, gif, or a folder of PNG frames)")],
    format: Annotated[EvalFormat, typer.Option("--format", help="table for people, json for machines")] =
    EvalFormat.table,
    report: Annotated[Optional[Path], typer.Option("--report", help="write DIR/index.html with plots and a "
                                                   "contact sheet")] = None,
    reference: Annotated[str, typer.Option("--reference", help="backend that renders the reference for "
                                           "PSNR/SSIM")] = "preview",
    force: Annotated[bool, typer.Option("--force", "-f", help="replace a previous report in --report DIR")] =
    False,
) -> None:
    """Score VIDEO against FILE: control accuracy, temporal coherence, flow consistency, fidelity, seams.

    The plan's boxes and motion come from the preview renderer; a colour detector finds the video's own boxes.

    See docs/eval.md for every metric and how to read the report.
    """
    import json

    from hvg.evaluate.cli_support import load_plan, load_video, print_table
    from hvg.evaluate.score import VideoMismatch, to_jsonable

    if report is not None:
        from hvg.evaluate.report import check_report_folder
        problem = check_report_folder(report, force)
        if problem:
            fail(*problem)
    plan = load_plan(file, reference)
    frames = load_video(video, plan.truth.fps)
    from hvg.evaluate.pipeline import evaluate_video
    try:
        result = evaluate_video(plan, frames)
    except VideoMismatch as error:
        fail(f"{video}: {error}", error.hint)
    if report is not None:
        from hvg.evaluate.report import write_report
        path = write_report(report, result, frames, plan.truth.reference, plan.truth.block_starts, title=file.name)
        stderr.print(f"report: {path}")
    if format is EvalFormat.json:
        payload = {"program": str(file), "video": str(video), **to_jsonable(result.summary)}
        stdout.print(json.dumps(payload, indent=2, allow_nan=False), markup=False)
    else:
        print_table(result.summary, title=f"{video.name} against {file.name}")
