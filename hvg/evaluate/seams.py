"""Seam quality: temporal coherence where blocks meet, against coherence inside blocks.

Works on any per-pair series d (length n-1, d[k-1] measures the pair (k-1, k)), e.g. flicker or warping error.
A block starting at frame s > 0 makes the pair (s-1, s) a seam pair, index s-1.
"""
from __future__ import annotations

import numpy as np

JUMP_FACTOR = 3.0    # a pair this many times the block's median (and JUMP_FLOOR above it) is a jump
JUMP_FLOOR = 0.02
MEDIAN_FLOOR = 1e-3  # a still, flat video has median d near 0: ratios to it would blow up


def seam_pairs(block_starts: list[int], n_frames: int) -> np.ndarray:
    """Indices into the per-pair series of the pairs that cross a block boundary."""
    return np.array(sorted(s - 1 for s in block_starts if 0 < s < n_frames), dtype=int)


def seam_ratio(per_pair: np.ndarray, block_starts: list[int]) -> float:
    """Mean d at seams over median d inside blocks: 1 = the seams are as smooth as the rest, larger = visible seams.
    NaN for a single-block video."""
    seams = seam_pairs(block_starts, len(per_pair) + 1)
    inside = np.setdiff1d(np.arange(len(per_pair)), seams)
    seam_values = per_pair[seams][np.isfinite(per_pair[seams])] if seams.size else np.array([])
    inside_values = per_pair[inside][np.isfinite(per_pair[inside])]
    if not seam_values.size or not inside_values.size:
        return float("nan")
    return float(seam_values.mean() / max(np.median(inside_values), MEDIAN_FLOOR))


def jump_ratio(per_pair: np.ndarray, block_starts: list[int]) -> float:
    """Largest d inside a block over the median d inside blocks: a cut or glitch within a block stands out."""
    inside = _inside_values(per_pair, block_starts)
    if inside.size < 2:
        return float("nan")
    return float(inside.max() / max(np.median(inside), MEDIAN_FLOOR))


def jumps(per_pair: np.ndarray, block_starts: list[int], reference: np.ndarray | None = None) -> list[int]:
    """Frames k (pair k-1 -> k) inside blocks whose d exceeds JUMP_FACTOR x the median and the median + JUMP_FLOOR:
    unplanned cuts or glitches. With the `reference`'s series, a pair the reference jumps at too (a crossfade, a
    planned flash) is planned, not a jump: it must also exceed JUMP_FACTOR x the reference's d there + JUMP_FLOOR."""
    seams = set(seam_pairs(block_starts, len(per_pair) + 1).tolist())
    inside = _inside_values(per_pair, block_starts)
    if inside.size < 2:
        return []
    median = float(np.median(inside))
    limit = max(JUMP_FACTOR * median, median + JUMP_FLOOR)
    found = [k + 1 for k, v in enumerate(per_pair) if k not in seams and np.isfinite(v) and v > limit]
    if reference is not None:
        found = [k for k in found if not np.isfinite(reference[k - 1])
                 or per_pair[k - 1] > JUMP_FACTOR * reference[k - 1] + JUMP_FLOOR]
    return found


def _inside_values(per_pair: np.ndarray, block_starts: list[int]) -> np.ndarray:
    seams = seam_pairs(block_starts, len(per_pair) + 1)
    inside = np.setdiff1d(np.arange(len(per_pair)), seams)
    values = per_pair[inside]
    return values[np.isfinite(values)]
