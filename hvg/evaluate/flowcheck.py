"""Flow consistency: optical flow measured on the video against the planned motion field.

Both fields are backward flows in pixels. Frame 0 has no flow and is left out.
"""
from __future__ import annotations

import numpy as np

MOVING_PX = 0.5  # planned motion below half a pixel per frame counts as "no motion" for the cosine


def endpoint_error_per_frame(measured: np.ndarray, planned: np.ndarray) -> np.ndarray:
    """(n-1,) mean end-point error |measured - planned| in pixels, frames 1..n-1."""
    return np.linalg.norm(measured[1:] - planned[1:], axis=-1).reshape(len(planned) - 1, -1).mean(axis=1)


def moving_endpoint_error(measured: np.ndarray, planned: np.ndarray, threshold: float = MOVING_PX) -> float:
    """Mean end-point error over pixels where the plan moves more than `threshold` px a frame (NaN if none)."""
    moving = np.linalg.norm(planned[1:], axis=-1) > threshold
    if not moving.any():
        return float("nan")
    return float(np.linalg.norm(measured[1:] - planned[1:], axis=-1)[moving].mean())


def cosine_agreement(measured: np.ndarray, planned: np.ndarray, threshold: float = MOVING_PX) -> float:
    """Mean cosine between measured and planned vectors where the plan moves more than `threshold` px a frame.

    1 = same direction everywhere, 0 = no measured motion (or orthogonal), -1 = opposite. NaN when the plan has
    no motion at all. A zero measured vector counts as cosine 0: a frozen video does not agree with a moving plan.
    """
    planned, measured = planned[1:], measured[1:]
    planned_norm = np.linalg.norm(planned, axis=-1)
    moving = planned_norm > threshold
    if not moving.any():
        return float("nan")
    measured_norm = np.linalg.norm(measured, axis=-1)
    dot = (measured * planned).sum(axis=-1)
    cosine = np.where(measured_norm > 1e-6, dot / np.maximum(measured_norm * planned_norm, 1e-12), 0.0)
    return float(cosine[moving].mean())
