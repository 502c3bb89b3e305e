"""`hvg bench`: render every program of a suite with each contender, score each video, one table side by side.

A contender is a backend name (`preview`, `builtin`), a backend with options (`builtin:noise=iid,refine=off`, the
ablations of docs/benchmarks.md), or a checkpoint of the builtin model. The reference and the plan's ground truth
are rendered once per program and shared by all contenders.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import numpy as np

# (key in the row, column title, path into the eval summary)
COLUMNS = (
    ("iou", "IoU", ("control", "mean_iou")),
    ("hit", "IoU≥.5", ("control", "share_iou_50")),
    ("flicker", "flicker", ("coherence", "flicker")),
    ("warp", "warp err", ("coherence", "warping_error")),
    ("epe", "EPE mov", ("flow", "epe_moving")),
    ("cos", "cos", ("flow", "cosine_moving")),
    ("psnr", "PSNR", ("fidelity", "psnr")),
    ("ssim", "SSIM", ("fidelity", "ssim")),
    ("seam", "seam/ref", ("seams", "seam_ratio")),   # divided by the reference's seam ratio: 1 = as planned
)


@dataclass(frozen=True)
class Contender:
    label: str
    backend: str
    checkpoint: str | None = None
    options: dict = field(default_factory=dict)    # keyword arguments of the backend (e.g. {"noise": "iid"})


class ContenderError(ValueError):
    def __init__(self, message: str, hint: str):
        super().__init__(message)
        self.hint = hint


def parse_contender(spec: str) -> Contender:
    """`builtin` or `builtin:noise=iid,refine=off`: a backend and its options (on/off are booleans, numbers are
    numbers). The label is the spec as written, so a table says exactly what was compared."""
    from hvg.backends import BACKEND_OPTIONS, BACKENDS

    name, _, rest = spec.partition(":")
    if name not in BACKENDS:
        raise ContenderError(f"there is no backend `{name}`", f"choose one of: {', '.join(BACKENDS)}")
    allowed = BACKEND_OPTIONS.get(name, {})
    options = {}
    for item in filter(None, rest.split(",")):
        key, equals, value = item.partition("=")
        if not equals or key not in allowed:
            choices = ", ".join(f"{k}={v}" for k, v in allowed.items()) or "none"
            raise ContenderError(f"`{item}` is not an option of the {name} backend", f"its options: {choices}")
        options[key] = _option_value(key, value, allowed[key])
    return Contender(spec, name, options=options)


BOOLEANS = {"on": True, "true": True, "yes": True, "off": False, "false": False, "no": False}


def _option_value(key: str, text: str, accepts: str):
    """`text` as what `accepts` says: `on|off` a boolean, `(0, 1]` a number in that range, `a|b` one of the words."""
    wrong = ContenderError(f"`{key}={text}` is not a value {key} takes", f"{key} takes {accepts}")
    if accepts == "on|off":
        if text not in BOOLEANS:
            raise wrong
        return BOOLEANS[text]
    if accepts == "(0, 1]":
        try:
            number = float(text)
        except ValueError:
            raise wrong from None
        if not 0.0 < number <= 1.0:
            raise wrong
        return number
    if text not in accepts.split("|"):
        raise wrong
    return text


def contenders_from(backends: list[str], checkpoints: list[str]) -> list[Contender]:
    """--backend SPEC and --checkpoint PATH, in order; a checkpoint is the builtin model with those weights."""
    found = [parse_contender(spec) for spec in backends]
    for path in checkpoints:
        found.append(Contender(f"builtin:{Path(path).stem}", "builtin", path))
    return found


def suite_programs(suite: Path, only: str | None = None) -> list[Path]:
    programs = sorted(suite.glob("*.scene"))
    return [p for p in programs if only is None or only in p.name]


def run_bench(programs: list[Path], contenders: list[Contender], quality: str = "standard",
              progress: Callable[[str], None] | None = None) -> dict:
    """{"contenders": [...], "programs": [{"program", "seconds", "results": {label: row}}], "means": {...}}."""
    from hvg.evaluate.cli_support import compile_program
    from hvg.evaluate.pipeline import evaluate_video, plan_from_scene
    from hvg.rendering import RenderSettings, render

    rows = []
    for program in programs:
        scene = compile_program(program)
        plan = plan_from_scene(scene)
        entry = {"program": program.name, "seconds": plan.truth.n_frames / plan.truth.fps, "results": {}}
        for contender in contenders:
            if progress:
                progress(f"{program.name}: {contender.label}")
            settings = RenderSettings(backend=contender.backend, checkpoint=contender.checkpoint, quality=quality,
                                      cache_dir=None, backend_options=dict(contender.options))
            started = time.perf_counter()
            frames = render(scene, settings=settings)
            rendered = time.perf_counter()
            result = evaluate_video(plan, frames)
            scored = time.perf_counter()
            row = {key: _dig(result.summary, path) for key, _, path in COLUMNS}
            row["seam"] = _ratio(row["seam"], result.summary["seams"]["reference_seam_ratio"])
            entry["ceiling_iou"] = result.summary["control"]["reference_mean_iou"]
            row.update(jumps=len(result.summary["seams"]["jumps"]), render_s=rendered - started,
                       eval_s=scored - rendered)
            entry["results"][contender.label] = row
        rows.append(entry)
    labels = [c.label for c in contenders]
    means = {label: _means([r["results"][label] for r in rows]) for label in labels}
    ceiling = _means([{"ceiling_iou": r.get("ceiling_iou", float("nan"))} for r in rows]).get("ceiling_iou")
    return {"contenders": [c.__dict__ for c in contenders], "quality": quality, "programs": rows, "means": means,
            "mean_ceiling_iou": ceiling}


def markdown_table(bench: dict) -> str:
    """One table: a row per program (and the mean), a column group per contender.

    "IoU ceiling" is the detector's mean IoU on the procedural reference itself: what a perfect renderer scores,
    so a contender's IoU reads against it. "seam/ref" is the seam ratio over the reference's: 1 = seams as planned.
    """
    labels = [c["label"] for c in bench["contenders"]]
    titles = [title for _, title, _ in COLUMNS] + ["render s"]
    keys = [key for key, _, _ in COLUMNS] + ["render_s"]
    groups = " | ".join(f"{label} {title}" for label in labels for title in titles)
    header = f"| program | IoU ceiling | {groups} |"
    lines = [header, "|---" * (2 + len(labels) * len(titles)) + "|"]
    mean_row = {"program": "**mean**", "results": bench["means"], "ceiling_iou": bench.get("mean_ceiling_iou")}
    for entry in [*bench["programs"], mean_row]:
        cells = [_cell(entry["results"][label].get(key)) for label in labels for key in keys]
        lines.append(f"| {entry['program']} | {_cell(entry.get('ceiling_iou'))} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def paired_summary(bench: dict, metrics: tuple[str, ...] = ("iou", "hit")) -> str:
    """Each contender after the first against the first, paired per program (hvg.evaluate.paired): a markdown
    table of the mean difference, its 95% bootstrap interval and the permutation p-value. Empty with one contender
    or fewer than 3 programs: too few pairs to say anything."""
    from hvg.evaluate.paired import compare_paired
    labels = [c["label"] for c in bench["contenders"]]
    if len(labels) < 2 or len(bench["programs"]) < 3:
        return ""
    titles = {key: title for key, title, _ in COLUMNS}
    lines = ["| contender − " + labels[0] + " | metric | difference | 95% interval | p | verdict |",
             "|---|---|---|---|---|---|"]
    for label in labels[1:]:
        for metric in metrics:
            a = [_number(row["results"][labels[0]].get(metric)) for row in bench["programs"]]
            b = [_number(row["results"][label].get(metric)) for row in bench["programs"]]
            try:
                c = compare_paired(a, b)
            except ValueError:                  # fewer than 3 programs scored by both
                continue
            lines.append(f"| {label} | {titles.get(metric, metric)} | {c.difference:+.3f} | "
                         f"[{c.low:+.3f}, {c.high:+.3f}] | {c.p_value:.2f} | {c.verdict()} |")
    return "\n".join(lines) + "\n" if len(lines) > 2 else ""


def _number(value) -> float:
    return float("nan") if value is None else float(value)


def _ratio(value: float, reference: float) -> float:
    if value is None or reference is None or not np.isfinite(value) or not np.isfinite(reference) or reference <= 0:
        return float("nan")
    return value / reference


def _dig(summary: dict, path: tuple[str, str]) -> float:
    return summary[path[0]][path[1]]


def _means(rows: list[dict]) -> dict:
    out = {}
    for key in rows[0] if rows else []:
        values = np.array([r[key] for r in rows], dtype=float)
        finite = values[np.isfinite(values)]
        out[key] = float(finite.mean()) if finite.size else float("nan")
    return out


def _cell(value) -> str:
    if value is None or (isinstance(value, float) and not np.isfinite(value)):
        return "n/a"
    if isinstance(value, int):
        return str(value)
    return f"{value:.3f}" if abs(value) < 10 else f"{value:.1f}"
