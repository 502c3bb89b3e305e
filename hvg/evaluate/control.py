"""Control accuracy: does each entity appear where the plan put it?

`detect_boxes` finds entities with the detector of `detect`, which never sees the planned boxes of the video
under test. Per block and per entity it has a few configurations: colours learned from whole objects or from
their interiors only; nearby parts joined into one object or kept apart; objects found against the plan's
background alone (the timeline rendered without its entity tracks: "background", by cover, and "subtraction", by
a threshold), by colour alone, or (when the plan's camera holds still) as change against the block's temporal
median that moved towards the entity's colours, falling back to colour for objects that do not move. Which works
best depends on the background and the style, so it is chosen on the procedural reference, where the truth is
known, together with how its boxes' edges sit on the planned ones (pooled, relative to the box's size), and then
applied to the video.
Planned boxes of the video's frames are used only afterwards, to pair each detection with the instance it is
closest to (centre distance, Hungarian), the usual matching step of detection benchmarks.
`control_accuracy` then scores IoU and centre error.
"""
from __future__ import annotations

import numpy as np

from hvg.evaluate.boxes import centre, centre_error, iou
from hvg.evaluate.detect import (CHANGE_THRESHOLD, COVER_THRESHOLD, AppearanceModel, classify, classify_against_background,
                                 classify_changes, detect_group, largest_difference, learn_appearance)

IOU_HIT = 0.5
MIN_MOVING_PIXELS = 6   # fewer changed pixels than this is no moving object (rain drops, twinkling stars)
MIN_OBJECT_PIXELS = 3   # against the plan's own background nothing else changes: only specks are dropped
METHODS = ("colour", "changes")   # and BEHIND, when the plan's background alone is known
BEHIND = ("background", "subtraction")
NOISE_FACTOR = 2          # thresholds against the plan's background rise by this times the frame's median difference
BACKGROUND_SLACK = 0.1    # ... of the frame a video may differ from the plan's background beyond the reference
NEAR_TIE = 0.0           # mean IoU on the selection frames this close to the best counts as a tie
SHIFT_MIN_IOU = 0.3       # detections this close to the truth teach how a configuration's boxes sit
BACKGROUND_THRESHOLD = 8  # "subtraction": a pixel this far from the plan's background (max over channels) changed
APPEARANCES = (True, False)   # learn colours from whole objects, or from their interiors only
JOINS = (True, False)         # join nearby parts into one object, or keep them apart
CODEC_QUALITY = 75            # the selection's second look at the reference: as JPEG at this quality hands it back
SELECTION_FRAMES = 12         # frames of a block the configuration is chosen on


def detect_boxes(frames: np.ndarray, reference: np.ndarray, reference_masks: np.ndarray, planned: np.ndarray,
                 evaluable: np.ndarray, groups: list[list[int]], group_colors: list[tuple[int, int, int]],
                 block_starts: list[int], still_camera: list[bool] | None = None, seed: int = 0,
                 reference_detections: dict | None = None, background: np.ndarray | None = None) -> np.ndarray:
    """(n, m, 4) detected boxes for the m instances (NaN where not detected or not evaluable).

    frames: the video under test (n, h, w, 3); reference, reference_masks: the procedural reference and its
    instance masks, used to learn colours per block and to choose the detection method; planned (n, m, 4): used
    on the video only to pair detections with instances; evaluable (n, m) bool: instance-frames to score;
    groups: the track indices of each colour group; still_camera: per block, whether the plan's camera holds still.
    reference_detections: a dict that receives the reference's own detections under key "boxes" and the
    configuration chosen per block and group under "configurations" (optional).
    background (n, h, w, 3): the plan rendered without its entities (optional): adds the "background" method,
    objects found as what differs from it.
    """
    n, m = planned.shape[:2]
    detected = np.full((n, m, 4), np.nan)
    on_reference = np.full((n, m, 4), np.nan)
    bounds = [*sorted(set(block_starts) | {0}), n]
    chosen_configs = []   # per block: {group: (whole objects, method, join, edge shift)}, for reports and tests
    for b, (start, stop) in enumerate(zip(bounds[:-1], bounds[1:])):
        if stop <= start:
            continue
        span = slice(start, stop)
        models = {}
        for whole in APPEARANCES:
            known = next(iter(models.values())).centroids[next(iter(models.values())).owner < 0] if models else None
            models[whole] = learn_appearance(reference[span], reference_masks[span], groups, group_colors, seed,
                                             whole, background_colours=known)
        still = bool(still_camera and b < len(still_camera) and still_camera[b])
        medians = {"reference": _median(reference[span]), "video": _median(frames[span])} \
            if still else {"reference": None, "video": None}
        behind_usable = background is not None and matches_background(frames[span], reference[span], background[span])
        # On a near tie the plan's background wins: it explains every pixel, moving or not (listed first)
        methods = (list(BEHIND) if behind_usable else []) + [m for m in METHODS if m != "changes" or still]
        configs = [(whole, method, join) for whole in APPEARANCES for method in methods for join in JOINS]
        # Choose per group on the reference, where the truth is known, on a sample of the block's frames: as
        # rendered, and as a video codec hands them over (colour at half resolution), so that the choice also
        # holds for videos read back from files.
        pick = np.arange(start, stop)[::max(1, (stop - start) // SELECTION_FRAMES)]
        founds = {c: [] for c in configs}
        behind = background[pick] if background is not None else None
        for coded in (False, True):
            shown = like_a_codec(reference[pick], CODEC_QUALITY) if coded else reference[pick]
            median = medians["reference"]
            if still and coded:
                median = _median(shown)
            classified = {}
            for c in configs:
                found = _detect_span(shown, models[c[0]], c[1], c[2], groups, evaluable[pick], planned[pick],
                                     still=behind if c[1] in BEHIND else median, classified=classified)
                founds[c].append(found)
        # How each configuration's boxes sit on the planned ones, learned per group on the reference and pooled
        # (relative to the box's size: no position survives), then applied to the video: a style's outline
        # drawn beside the shape, or a shape's fill the colour of what is behind, moves box edges the same way
        # in every frame.
        truth, scorable = np.concatenate([planned[pick]] * 2), np.concatenate([evaluable[pick]] * 2)
        shifts = {c: [edge_shift(np.concatenate(founds[c])[:, tracks], truth[:, tracks], scorable[:, tracks])
                      for tracks in groups] for c in configs}
        scores = {c: np.nan_to_num(iou(np.concatenate(founds[c]), truth), nan=0.0) for c in configs}
        for c in configs:
            for tracks, shift in zip(groups, shifts[c]):
                fitted = np.nan_to_num(iou(apply_shift(np.concatenate(founds[c])[:, tracks], shift), truth[:, tracks]))
                scores[c][:, tracks] = fitted
        best = {g: _first_near_best(configs, [_mean(scores[c][:, tracks][scorable[:, tracks]]) for c in configs])
                for g, tracks in enumerate(groups)}
        chosen_configs.append({g: (*best[g], shifts[best[g]][g].round(3).tolist()) for g in best})
        for config in dict.fromkeys(best.values()):
            chosen = [g for g in best if best[g] == config]
            for images, target, median in ((frames, detected, medians["video"]),
                                           (reference, on_reference, medians["reference"])):
                found = _detect_span(images[span], models[config[0]], config[1], config[2],
                                     [groups[g] for g in chosen], evaluable[span], planned[span], group_ids=chosen,
                                     still=background[span] if config[1] in BEHIND else median)
                for g in chosen:
                    target[span, groups[g]] = apply_shift(found[:, groups[g]], shifts[config][g])
    if reference_detections is not None:
        reference_detections["boxes"] = on_reference
        reference_detections["configurations"] = chosen_configs
    return detected


def _mean(values: np.ndarray) -> float:
    return float(values.mean()) if values.size else 0.0


def _first_near_best(configs: list, scores: list[float]) -> tuple:
    """The first configuration scoring within NEAR_TIE of the best: a few selection frames cannot tell apart
    configurations that close, and the earlier ones are the more robust."""
    top = max(scores)
    return next(c for c, score in zip(configs, scores) if score >= top - NEAR_TIE)


def matches_background(frames: np.ndarray, reference: np.ndarray, background: np.ndarray) -> bool:
    """Whether a video keeps the plan's background: it differs from the plan's background alone on hardly more of
    the frame than the reference does (where the entities are; compared coarsely, so codec noise passes). A video that paints its own background (a model's
    sky of other clouds) would turn into one big change, so its entities are then found by colour or motion."""
    def changed_share(images: np.ndarray) -> float:
        return float((largest_difference(images, background) > CHANGE_THRESHOLD).mean())
    return changed_share(frames) <= changed_share(reference) + BACKGROUND_SLACK


def edge_shift(found: np.ndarray, planned: np.ndarray, scorable: np.ndarray) -> np.ndarray:
    """(4,) median offset of each box edge (x0, y0, x1, y1) from the detected to the planned box, in units of the
    detected box's width or height, over scorable instance-frames found roughly right (IoU >= SHIFT_MIN_IOU);
    zeros when there are none."""
    ok = scorable & np.isfinite(found[..., 0]) & (np.nan_to_num(iou(found, planned)) >= SHIFT_MIN_IOU)
    if ok.sum() < 2:
        return np.zeros(4)
    f, p = found[ok], planned[ok]
    size = np.maximum(np.stack([f[:, 2] - f[:, 0], f[:, 3] - f[:, 1]] * 2, axis=1)[:, [0, 1, 2, 3]], 1.0)
    return np.median((p - f) / size, axis=0)


def apply_shift(found: np.ndarray, shift: np.ndarray) -> np.ndarray:
    """Boxes (..., 4) with each edge moved by `shift` (4,) times the box's width or height."""
    width, height = found[..., 2] - found[..., 0], found[..., 3] - found[..., 1]
    size = np.stack([width, height, width, height], axis=-1)
    return found + shift * size


def _median(frames: np.ndarray) -> np.ndarray:
    """The temporal median of a block's frames, (h, w, 3) uint8."""
    return np.rint(np.median(frames, axis=0)).astype(np.uint8)


def chroma_420(frames: np.ndarray) -> np.ndarray:
    """Frames as YUV 4:2:0 video keeps them: full-resolution brightness, colour at half resolution."""
    import cv2
    out = np.empty_like(frames)
    for k, frame in enumerate(frames):
        yuv = cv2.cvtColor(frame, cv2.COLOR_RGB2YCrCb)
        h, w = yuv.shape[:2]
        small = cv2.resize(yuv[..., 1:], (max(w // 2, 1), max(h // 2, 1)), interpolation=cv2.INTER_AREA)
        yuv[..., 1:] = cv2.resize(small, (w, h), interpolation=cv2.INTER_LINEAR)
        out[k] = cv2.cvtColor(yuv, cv2.COLOR_YCrCb2RGB)
    return out


def like_a_codec(frames: np.ndarray, quality: int = 0) -> np.ndarray:
    """Frames as a lossy video codec hands them back: colour at half resolution (`chroma_420`) and, with
    `quality` > 0, the blocky quantisation noise of a JPEG round trip at that quality (deterministic, a stand-in
    for H.264's on textured backgrounds)."""
    import cv2
    frames = chroma_420(frames)
    if quality <= 0:
        return frames
    out = np.empty_like(frames)
    for k, frame in enumerate(frames):
        ok, data = cv2.imencode(".jpg", frame[..., ::-1], [cv2.IMWRITE_JPEG_QUALITY, quality])
        out[k] = cv2.imdecode(data, cv2.IMREAD_COLOR)[..., ::-1]
    return out


def _detect_span(frames: np.ndarray, model: AppearanceModel, method: str, join: bool, groups: list[list[int]],
                 evaluable: np.ndarray, planned: np.ndarray, group_ids: list[int] | None = None,
                 still: np.ndarray | None = None, classified: dict | None = None) -> np.ndarray:
    """Detections (t, m, 4) in frames of one block with one configuration, for the given groups.
    `still`: the block's temporal median of these frames (for the "changes" method), or the plan's background
    alone (for BEHIND). `classified`: a cache of pixel labels of these frames, shared by configurations that
    differ only in `join`."""
    group_ids = list(range(len(groups))) if group_ids is None else group_ids
    detected = np.full((len(frames), planned.shape[1], 4), np.nan)
    key = (id(model), method)
    if classified is None or key not in classified:
        labels = classify(frames, model)
        if method == "changes" and still is None:
            still = _median(frames)
        changes = None
        if method == "changes":
            changes = classify_changes(frames, still, model)
        elif method in BEHIND:
            # A codec's noise on the whole frame raises the bar: the median pixel is background (entities cover
            # less than half of a frame), and how far it is from the plan's background is noise.
            noise = float(np.median(largest_difference(frames, still)))
            if method == "background":
                changes = classify_against_background(frames, still, model, COVER_THRESHOLD + NOISE_FACTOR * noise)
            else:
                changes = classify_changes(frames, still, model, BACKGROUND_THRESHOLD + NOISE_FACTOR * noise)
        if classified is not None:
            classified[key] = (labels, changes)
    else:
        labels, changes = classified[key]
    smallest = MIN_MOVING_PIXELS if method == "changes" else MIN_OBJECT_PIXELS
    for k in range(len(frames)):
        if not evaluable[k].any():
            continue
        for g, tracks in zip(group_ids, groups):
            wanted = [i for i in tracks if evaluable[k, i]]
            if not wanted:
                continue
            found = detect_group(changes[k], g, len(wanted), smallest, join) if changes is not None else []
            if len(found) < len(wanted):  # not (all) moving: find them by colour
                found = detect_group(labels[k], g, len(wanted), join=join)
            if not found:
                continue
            cost = np.linalg.norm(centre(np.array(found))[:, None] - centre(planned[k, wanted])[None], axis=-1)
            rows, cols = assign(cost)
            for r, c in zip(rows, cols):
                detected[k, wanted[c]] = found[r]
    return detected


def assign(cost: np.ndarray) -> tuple[list[int], list[int]]:
    """Rows and columns of the cheapest one-to-one pairing (as scipy's linear_sum_assignment). Exhaustive for the
    few instances of one colour found in a frame; scipy.optimize (half a second to import) only beyond that."""
    from itertools import permutations
    rows, cols = cost.shape
    if min(rows, cols) > 6:
        from scipy.optimize import linear_sum_assignment
        r, c = linear_sum_assignment(cost)
        return list(r), list(c)
    if rows <= cols:
        best = min(permutations(range(cols), rows), key=lambda p: sum(cost[i, j] for i, j in enumerate(p)))
        return list(range(rows)), list(best)
    best = min(permutations(range(rows), cols), key=lambda p: sum(cost[i, j] for j, i in enumerate(p)))
    pairs = sorted(zip(best, range(cols)))
    return [r for r, _ in pairs], [c for _, c in pairs]


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
