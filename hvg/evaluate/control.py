"""Control accuracy: does each entity appear where the plan put it?

`detect_boxes` finds entities with the colour detector (`detect`), which never sees the planned boxes; planned
boxes are used only afterwards, to pair each detection with the instance it is closest to (centre distance,
Hungarian), the usual matching step of detection benchmarks. `control_accuracy` then scores IoU and centre error.
"""
from __future__ import annotations

import numpy as np

from hvg.evaluate.boxes import centre, centre_error, iou
from hvg.evaluate.detect import classify, detect_group, learn_appearance

IOU_HIT = 0.5


def detect_boxes(frames: np.ndarray, reference: np.ndarray, reference_masks: np.ndarray, planned: np.ndarray,
                 evaluable: np.ndarray, groups: list[list[int]], group_colors: list[tuple[int, int, int]],
                 block_starts: list[int], seed: int = 0) -> np.ndarray:
    """(n, m, 4) detected boxes for the m instances (NaN where not detected or not evaluable).

    frames: the video under test (n, h, w, 3); reference, reference_masks: the procedural reference and its
    instance masks, used only to learn colours per block; planned (n, m, 4): used only to pair detections with
    instances; evaluable (n, m) bool: instance-frames to score; groups: the track indices of each entity.
    """
    from scipy.optimize import linear_sum_assignment
    n, m = planned.shape[:2]
    detected = np.full((n, m, 4), np.nan)
    bounds = [*sorted(set(block_starts) | {0}), n]
    for start, stop in zip(bounds[:-1], bounds[1:]):
        if stop <= start:
            continue
        model = learn_appearance(reference[start:stop], reference_masks[start:stop], groups, group_colors, seed)
        for k in range(start, stop):
            if not evaluable[k].any():
                continue
            labels = classify(frames[k], model)
            for g, tracks in enumerate(groups):
                wanted = [i for i in tracks if evaluable[k, i]]
                found = detect_group(labels, g, len(wanted))
                if not wanted or not found:
                    continue
                cost = np.linalg.norm(centre(np.array(found))[:, None] - centre(planned[k, wanted])[None], axis=-1)
                rows, cols = linear_sum_assignment(cost)
                for r, c in zip(rows, cols):
                    detected[k, wanted[c]] = found[r]
    return detected


def control_accuracy(detected: np.ndarray, planned: np.ndarray, evaluable: np.ndarray,
                     entity_of_track: list[str], block_starts: list[int]) -> dict:
    """IoU and centre error over evaluable instance-frames: overall, per entity and per block.

    A missed detection scores IoU 0 and counts in `miss_rate`; centre errors are over detections only.
    Returns plain floats (NaN where there is nothing to score) plus `iou_per_frame` (n,) for plots.
    """
    n = len(planned)
    scores = np.nan_to_num(iou(detected, planned), nan=0.0)
    errors = centre_error(detected, planned)
    block_index = np.searchsorted(np.array(sorted(set(block_starts) | {0})), np.arange(n), side="right") - 1

    def summary(select: np.ndarray) -> dict:
        chosen = evaluable & select
        count = int(chosen.sum())
        if count == 0:
            return {"instance_frames": 0, "mean_iou": float("nan"), "share_iou_50": float("nan"),
                    "mean_centre_error_px": float("nan"), "miss_rate": float("nan")}
        found = chosen & np.isfinite(errors)
        return {
            "instance_frames": count,
            "mean_iou": float(scores[chosen].mean()),
            "share_iou_50": float((scores[chosen] >= IOU_HIT).mean()),
            "mean_centre_error_px": float(errors[found].mean()) if found.any() else float("nan"),
            "miss_rate": float(1 - found.sum() / count),
        }

    everything = np.ones_like(evaluable)
    result = summary(everything)
    result["per_entity"] = {name: summary(np.array([e == name for e in entity_of_track])[None].repeat(n, 0))
                            for name in dict.fromkeys(entity_of_track)}
    result["per_block"] = [summary((block_index == b)[:, None].repeat(planned.shape[1], 1))
                           for b in range(block_index.max() + 1)] if n else []
    with np.errstate(invalid="ignore"):
        per_frame = np.where(evaluable.any(1), (scores * evaluable).sum(1) / np.maximum(evaluable.sum(1), 1), np.nan)
    result["iou_per_frame"] = per_frame
    return result
