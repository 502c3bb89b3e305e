"""Boxes: pixel xyxy float arrays (pixel i covers [i, i+1)), NaN rows where nothing is visible."""
from __future__ import annotations

import numpy as np


def iou(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Intersection over union of boxes (..., 4) and (..., 4); NaN where either box is NaN."""
    ix = np.minimum(a[..., 2], b[..., 2]) - np.maximum(a[..., 0], b[..., 0])
    iy = np.minimum(a[..., 3], b[..., 3]) - np.maximum(a[..., 1], b[..., 1])
    inter = np.clip(ix, 0, None) * np.clip(iy, 0, None)
    union = area(a) + area(b) - inter
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(union > 0, inter / union, 0.0) * np.where(np.isnan(union), np.nan, 1.0)


def area(box: np.ndarray) -> np.ndarray:
    return np.clip(box[..., 2] - box[..., 0], 0, None) * np.clip(box[..., 3] - box[..., 1], 0, None)


def centre(box: np.ndarray) -> np.ndarray:
    """(..., 2) box centres."""
    return np.stack([(box[..., 0] + box[..., 2]) / 2, (box[..., 1] + box[..., 3]) / 2], axis=-1)


def centre_error(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Distance between box centres in pixels; NaN where either box is NaN."""
    return np.linalg.norm(centre(a) - centre(b), axis=-1)


def clip_to_frame(box: np.ndarray, width: int, height: int) -> np.ndarray:
    """Boxes cut to the frame; a box wholly outside becomes NaN (nothing of it can be seen or detected)."""
    out = box.astype(np.float64).copy()
    out[..., [0, 2]] = np.clip(out[..., [0, 2]], 0, width)
    out[..., [1, 3]] = np.clip(out[..., [1, 3]], 0, height)
    empty = (out[..., 2] - out[..., 0] <= 0) | (out[..., 3] - out[..., 1] <= 0)
    out[empty] = np.nan
    return out
