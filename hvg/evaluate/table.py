"""The scores as rows (family, metric, value, which way is better): shared by the terminal table and the report."""
from __future__ import annotations

import math

ROWS = (
    ("control", "mean_iou", "mean IoU", "higher"),
    ("control", "reference_mean_iou", "mean IoU on the reference", "(context)"),
    ("control", "share_iou_50", "share IoU >= 0.5", "higher"),
    ("control", "mean_centre_error_px", "centre error (px)", "lower"),
    ("control", "miss_rate", "missed", "lower"),
    ("coherence", "flicker", "flicker", "lower"),
    ("coherence", "reference_flicker", "flicker of the reference", "(context)"),
    ("coherence", "warping_error", "warping error", "lower"),
    ("flow", "epe", "end-point error (px)", "lower"),
    ("flow", "epe_moving", "end-point error, moving (px)", "lower"),
    ("flow", "cosine_moving", "cosine agreement, moving", "higher"),
    ("fidelity", "psnr", "PSNR (dB)", "higher"),
    ("fidelity", "ssim", "SSIM", "higher"),
    ("seams", "seam_ratio", "seam ratio", "near reference"),
    ("seams", "reference_seam_ratio", "seam ratio of the reference", "(context)"),
    ("seams", "warping_seam_ratio", "seam ratio of warping error", "lower"),
    ("seams", "jump_ratio", "jump ratio", "lower"),
    ("seams", "jumps", "jumps at frames", "none"),
)


def format_value(value) -> str:
    if isinstance(value, list):
        return ", ".join(str(v) for v in value) or "none"
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "n/a"
    if isinstance(value, int):
        return str(value)
    return f"{value:.4f}" if abs(value) < 10 else f"{value:.2f}"


def summary_rows(summary: dict) -> list[tuple[str, str, str, str]]:
    return [(family, label, format_value(summary[family][key]), better) for family, key, label, better in ROWS]
