"""A colour detector that never looks at the plan's boxes.

It learns WHAT each entity looks like (a few colours per entity, and a few for the background) from the
procedural reference of the same block, pooled over all frames of the block, so no position survives the
learning. It then finds WHERE each entity is in the video under test: every pixel takes the owner of its nearest
colour (nearest centroid in RGB), the entity's pixels form connected components, and the largest components are
the detections. Detections are matched to instances afterwards (matching only pairs them up; see `control`).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

BACKGROUND_COLOURS = 10
ENTITY_COLOURS = 3
SAMPLE_PIXELS = 6000
MERGE_SHARE = 0.25   # components at least this share of the largest, and near it, belong to the same object


@dataclass
class AppearanceModel:
    centroids: np.ndarray  # (c, 3) float32 RGB
    owner: np.ndarray      # (c,) int: -1 background, else the entity group's index


def kmeans(points: np.ndarray, k: int, seed: int = 0, iterations: int = 12) -> np.ndarray:
    """(k', 3) centroids of `points` (k' <= k; fewer distinct points give fewer), k-means++ start, fixed seed."""
    points = np.unique(points.astype(np.float32), axis=0) if len(points) < 4 * k else points.astype(np.float32)
    if len(points) <= k:
        return np.unique(points, axis=0)
    rng = np.random.default_rng(seed)
    centroids = [points[rng.integers(len(points))]]
    for _ in range(k - 1):
        d2 = np.min([((points - c) ** 2).sum(1) for c in centroids], axis=0)
        if d2.sum() <= 0:
            break
        centroids.append(points[rng.choice(len(points), p=d2 / d2.sum())])
    centroids = np.array(centroids)
    for _ in range(iterations):
        label = ((points[:, None] - centroids[None]) ** 2).sum(-1).argmin(1)
        for j in range(len(centroids)):
            if (label == j).any():
                centroids[j] = points[label == j].mean(0)
    return centroids


def learn_appearance(frames: np.ndarray, masks: np.ndarray, groups: list[list[int]],
                     fallback_colors: list[tuple[int, int, int]], seed: int = 0) -> AppearanceModel:
    """Colours of the background and of each entity group (a list of track indices) in reference frames.

    A group never visible in the reference gets its program colour (`fallback_colors[g]`).
    """
    rng = np.random.default_rng(seed)
    pixels = frames.reshape(-1, 3)
    # Edge pixels blend an object with what is behind it; learning them would teach blends as object colours.
    owners = np.where(_interior(masks), masks, -2).reshape(-1)
    all_owners = masks.reshape(-1)
    centroids, owner = [], []

    def sample(selected: np.ndarray) -> np.ndarray:
        index = np.flatnonzero(selected)
        if index.size > SAMPLE_PIXELS:
            index = rng.choice(index, SAMPLE_PIXELS, replace=False)
        return pixels[index]

    background = sample(owners == -1)
    if len(background):
        found = kmeans(background, BACKGROUND_COLOURS, seed)
        centroids += list(found)
        owner += [-1] * len(found)
    for g, tracks in enumerate(groups):
        mine = sample(np.isin(owners, tracks))
        if len(mine) < 4:  # too small to have an interior: take its edge pixels after all
            mine = sample(np.isin(all_owners, tracks))
        found = kmeans(mine, ENTITY_COLOURS, seed) if len(mine) else np.array([fallback_colors[g]], np.float32)
        centroids += list(found)
        owner += [g] * len(found)
    return AppearanceModel(np.array(centroids, np.float32), np.array(owner, int))


def _interior(masks: np.ndarray) -> np.ndarray:
    """(n, h, w) bool: pixels whose 3x3 neighbourhood has one owner."""
    padded = np.pad(masks, ((0, 0), (1, 1), (1, 1)), mode="edge")
    h, w = masks.shape[1:]
    same = np.ones(masks.shape, bool)
    for dy in range(3):
        for dx in range(3):
            same &= padded[:, dy:dy + h, dx:dx + w] == masks
    return same


def classify(frame: np.ndarray, model: AppearanceModel) -> np.ndarray:
    """(h, w) int: the owner of each pixel's nearest colour (-1 background)."""
    pixels = frame.reshape(-1, 3).astype(np.float32)
    d2 = (pixels ** 2).sum(1)[:, None] - 2 * pixels @ model.centroids.T + (model.centroids ** 2).sum(1)[None]
    return model.owner[d2.argmin(1)].reshape(frame.shape[:2])


def detect_group(labels: np.ndarray, group: int, count: int, min_pixels: int = 3) -> list[np.ndarray]:
    """Up to `count` boxes (pixel xyxy) for entity `group` in a classified frame, largest components first.

    With one expected instance, components near the largest and at least MERGE_SHARE of its size join it
    (an object cut in two by something passing in front of it is still one object).
    """
    from scipy import ndimage
    component, n = ndimage.label(labels == group, structure=np.ones((3, 3)))
    if n == 0 or count == 0:
        return []
    sizes = ndimage.sum_labels(np.ones_like(component), component, index=np.arange(1, n + 1))
    slices = ndimage.find_objects(component)
    order = [i for i in np.argsort(-sizes, kind="stable") if sizes[i] >= min_pixels]
    boxes = [_slice_box(slices[i]) for i in order]
    if count == 1 and boxes:
        largest, reach = boxes[0], max(boxes[0][2] - boxes[0][0], boxes[0][3] - boxes[0][1])
        for i, box in zip(order[1:], boxes[1:]):
            if sizes[i] >= MERGE_SHARE * sizes[order[0]] and _gap(largest, box) <= reach:
                largest = np.array([min(largest[0], box[0]), min(largest[1], box[1]),
                                    max(largest[2], box[2]), max(largest[3], box[3])])
        return [largest]
    return boxes[:count]


def _slice_box(s: tuple[slice, slice]) -> np.ndarray:
    return np.array([s[1].start, s[0].start, s[1].stop, s[0].stop], np.float64)


def _gap(a: np.ndarray, b: np.ndarray) -> float:
    dx = max(b[0] - a[2], a[0] - b[2], 0.0)
    dy = max(b[1] - a[3], a[1] - b[3], 0.0)
    return float(np.hypot(dx, dy))
