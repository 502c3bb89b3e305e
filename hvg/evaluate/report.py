"""`hvg eval --report DIR`: index.html with the scores, SVG plots over frames and a contact sheet."""
from __future__ import annotations

from html import escape
from pathlib import Path

import numpy as np

from hvg.evaluate.score import EvalResult
from hvg.evaluate.sheets import contact_sheet, pick_frames
from hvg.evaluate.svgplot import line_plot
from hvg.evaluate.table import summary_rows


REPORT_FILES = frozenset({"index.html", "contact_sheet.png"})


def check_report_folder(directory: str | Path, force: bool) -> tuple[str, str] | None:
    """Why `directory` may not receive a report (message, hint), or None: a folder that holds anything is
    refused without --force, and one that holds anything but a previous report is refused even with it."""
    out = Path(directory)
    if not out.exists():
        return None
    if not out.is_dir():
        return f"--report {out} is a file, not a folder", "give a new or empty folder for the report"
    names = {entry.name for entry in out.iterdir()}
    if not names:
        return None
    if not names <= REPORT_FILES:
        return (f"--report {out} holds files that are not an hvg eval report",
                "give a new or empty folder; nothing in it was touched")
    if not force:
        return f"--report {out} already holds a report", "pass --force to replace it, or give another folder"
    return None


def write_report(directory: str | Path, result: EvalResult, video: np.ndarray, reference: np.ndarray,
                 block_starts: list[int], title: str) -> Path:
    """Write DIR/index.html and DIR/contact_sheet.png; returns the html path."""
    from PIL import Image
    out = Path(directory)
    out.mkdir(parents=True, exist_ok=True)
    frames = pick_frames(len(video), block_starts)
    sheet = Image.fromarray(contact_sheet(video, reference, result.planned, result.detected, frames,
                                          scored=result.scored))
    _replace(out / "contact_sheet.png", lambda temporary: sheet.save(temporary, format="PNG"))
    series, jumps = result.series, result.summary["seams"]["jumps"]
    seams = [s for s in block_starts if s > 0]
    plots = [
        line_plot("Control accuracy: mean IoU per frame", {"IoU": series["iou"]}, markers=seams),
        line_plot("Flicker after the planned motion (per frame pair)",
                  {"video": series["flicker"], "reference": series["reference_flicker"]},
                  x_offset=1, markers=seams, highlights=jumps),
        line_plot("Warping error along the measured flow", {"video": series["warping_error"]}, x_offset=1,
                  markers=seams, highlights=jumps),
        line_plot("Flow end-point error against the plan (px)", {"EPE": series["epe"]}, x_offset=1, markers=seams),
        line_plot("PSNR against the reference (dB)", {"PSNR": series["psnr"]}, markers=seams),
        line_plot("SSIM against the reference", {"SSIM": series["ssim"]}, markers=seams),
    ]
    rows = "".join(f"<tr><td>{escape(group)}</td><td>{escape(name)}</td><td>{escape(value)}</td>"
                   f"<td>{escape(better)}</td></tr>" for group, name, value, better in summary_rows(result.summary))
    entities = "".join(
        f"<tr><td>{escape(name)}</td><td>{s['instance_frames']}</td><td>{_fmt(s['mean_iou'])}</td>"
        f"<td>{_fmt(s['share_iou_50'])}</td><td>{_fmt(s['mean_centre_error_px'])}</td></tr>"
        for name, s in result.summary["control"]["per_entity"].items())
    blocks = "".join(
        f"<tr><td>{b}</td><td>{start}</td><td>{s['instance_frames']}</td><td>{_fmt(s['mean_iou'])}</td>"
        f"<td>{_fmt(s['share_iou_50'])}</td><td>{_fmt(s['mean_centre_error_px'])}</td></tr>"
        for b, (start, s) in enumerate(zip(sorted(set(block_starts) | {0}), result.summary["control"]["per_block"])))
    html = f"""<!doctype html>
<html><head><meta charset="utf-8"><title>hvg eval: {escape(title)}</title>
<style>body{{font-family:sans-serif;margin:24px;max-width:1200px}} table{{border-collapse:collapse;margin:8px 0}}
td,th{{border:1px solid #ccc;padding:3px 8px;text-align:left}} .plots svg{{margin:6px}}</style></head><body>
<h1>hvg eval: {escape(title)}</h1>
<p>{result.summary['frames']} frames, {result.summary['width']}x{result.summary['height']} at
{result.summary['fps']:g} fps. Dashed lines: block boundaries; red bands: jumps (unplanned cuts or glitches).</p>
<h2>Scores</h2><table><tr><th>family</th><th>metric</th><th>value</th><th>better</th></tr>{rows}</table>
<h2>Control accuracy per entity</h2>
<table><tr><th>entity</th><th>instance-frames</th><th>mean IoU</th><th>IoU&ge;0.5</th><th>centre error px</th></tr>
{entities}</table>
<h2>Control accuracy per block</h2>
<table><tr><th>block</th><th>first frame</th><th>instance-frames</th><th>mean IoU</th><th>IoU&ge;0.5</th>
<th>centre error px</th></tr>{blocks}</table>
<h2>Over time</h2><div class="plots">{''.join(plots)}</div>
<h2>Contact sheet</h2><p>Top: the video, planned boxes green, detected boxes red. Bottom: the procedural
reference with the planned boxes. Grey: planned boxes of instances not scored in that frame (faded below 3/4
opacity or mostly hidden).</p><img src="contact_sheet.png" alt="contact sheet">
</body></html>
"""
    path = out / "index.html"
    _replace(path, lambda temporary: temporary.write_text(html, encoding="utf-8"))
    return path


def _replace(path: Path, write) -> None:
    """Write a temporary file next to `path` and rename it over: a previous report is never left half-written."""
    import os
    import tempfile
    handle, name = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    os.close(handle)
    try:
        write(Path(name))
        os.chmod(name, 0o644)
        os.replace(name, path)
    except BaseException:
        Path(name).unlink(missing_ok=True)
        raise


def _fmt(value) -> str:
    return "n/a" if value is None or not np.isfinite(value) else f"{value:.3f}"
