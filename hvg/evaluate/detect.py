"""A colour (and background-subtraction) detector that never looks at the plan's boxes.

It learns WHAT each entity looks like (a few colours per entity, and a few for the background) from the
procedural reference of the same block, pooled over all frames of the block, so no position survives the
learning. It then finds WHERE each entity is in the video under test: every pixel takes the owner of its nearest
colour (nearest centroid in RGB), or, for moving objects under a still camera, pixels that changed against the
block's temporal median towards an entity's colours; the entity's pixels form connected components, and the
largest components are the detections. Given the plan's background alone (no entities), an entity is also what
differs from it: `classify_against_background` keeps the pixels an entity colour covers at least half of.
Detections are matched to instances afterwards (matching only pairs them up; see `control`).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

BACKGROUND_COLOURS = 10
ENTITY_COLOURS = 4
SAMPLE_PIXELS = 4000
MERGE_SHARE = 0.25     # components at least this share of the largest, and near it, belong to the same object
CHANGE_THRESHOLD = 24  # a pixel this far (max over channels) from the still background has changed
COVER_THRESHOLD = 4    # a pixel this far from the plan's own background (which only entities change) may be one


@dataclass
class AppearanceModel:
    centroids: np.ndarray  # (c, 3) float32 RGB
    owner: np.ndarray      # (c,) int: -1 background, else the entity group's index
    _tables: tuple | None = None  # lookup tables over quantised colours, built on first use


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
                     fallback_colors: list[tuple[int, int, int]], seed: int = 0,
                     whole_objects: bool = True, background_colours: np.ndarray | None = None) -> AppearanceModel:
    """Colours of the background and of each entity group (a list of track indices) in reference frames.

    whole_objects: learn from every pixel of an object, its edge included (a dark rim is part of the object's box),
    or only from its interior (edge pixels blend with what is behind and can teach background colours).
    A group never visible in the reference gets its program colour (`fallback_colors[g]`).
    background_colours: reuse the background's centroids of an earlier call on the same frames.
    """
    rng = np.random.default_rng(seed)
    pixels = frames.reshape(-1, 3)
    # Background pixels next to an object blend with it: always leave them out.
    interior = _interior(masks)
    owners = np.where(((masks >= 0) & whole_objects) | interior, masks, -2).reshape(-1)
    centroids, owner = [], []

    def sample(selected: np.ndarray) -> np.ndarray:
        index = np.flatnonzero(selected)
        if index.size > SAMPLE_PIXELS:
            index = rng.choice(index, SAMPLE_PIXELS, replace=False)
        return pixels[index]

    if background_colours is None:
        background = sample(owners == -1)
        background_colours = kmeans(background, BACKGROUND_COLOURS, seed) if len(background) else np.zeros((0, 3))
    centroids += list(background_colours)
    owner += [-1] * len(background_colours)
    for g, tracks in enumerate(groups):
        mine = sample(np.isin(owners, tracks))
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


def classify(frames: np.ndarray, model: AppearanceModel) -> np.ndarray:
    """(..., h, w) int: the owner of each pixel's nearest colour (-1 background). Takes one frame or many."""
    return _tables(model)[0][_quantise(frames)]


def classify_changes(frames: np.ndarray, still_background: np.ndarray, model: AppearanceModel,
                     threshold: int = CHANGE_THRESHOLD) -> np.ndarray:
    """(..., h, w) int: pixels that differ from the still background AND moved towards an entity's colours take
    that entity's group; all others are -1.

    `still_background` (h, w, 3) is the temporal median of the block (valid when the camera holds still): a moving
    object is what differs from it. It may also be (n, h, w, 3), one background per frame: the plan rendered
    without its entities (`background.background_only`), which shows what is behind every object, moving or not.
    "Towards" (nearer the entity's colours than the background pixel was) rejects the ghost a slow object leaves in the median. Colours are compared only among entities here, so a
    dark rim or a shadowed side still counts as the object even when the background holds a similar colour.
    """
    _, nearest_entity, entity_distances, entity_owner = _tables(model)
    if entity_owner.size == 0:
        return np.full(frames.shape[:-1], -1)
    changed = largest_difference(frames, still_background) > threshold
    q_frame, q_still = _quantise(frames), _quantise(still_background)
    nearest = nearest_entity[q_frame]
    towards = entity_distances[q_frame, nearest] < entity_distances[np.broadcast_to(q_still, q_frame.shape), nearest]
    return np.where(changed & towards, entity_owner[nearest], -1)


QUANT_BITS = 5  # colours are looked up in tables of 32x32x32 cells: classifying costs one indexing per pixel


def _quantise(image: np.ndarray) -> np.ndarray:
    q = image.astype(np.int32) >> (8 - QUANT_BITS)
    return (q[..., 0] << (2 * QUANT_BITS)) | (q[..., 1] << QUANT_BITS) | q[..., 2]


def _tables(model: AppearanceModel) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Per quantised colour: owner of the nearest centroid; among entity centroids: the nearest one and the
    squared distances to all of them; and each entity centroid's owner. Built once per model."""
    if getattr(model, "_tables", None) is None:
        levels = (np.arange(1 << QUANT_BITS, dtype=np.float32) + 0.5) * (1 << (8 - QUANT_BITS))
        r, g, b = np.meshgrid(levels, levels, levels, indexing="ij")
        cells = np.stack([r.ravel(), g.ravel(), b.ravel()], axis=1)
        owner = model.owner[_squared_distances(cells, model.centroids).argmin(1)]
        entity = model.owner >= 0
        distances = _squared_distances(cells, model.centroids[entity]) if entity.any() else np.zeros((len(cells), 0))
        nearest = distances.argmin(1) if entity.any() else np.zeros(len(cells), int)
        model._tables = (owner, nearest, distances, model.owner[entity])
    return model._tables


def _squared_distances(points: np.ndarray, centroids: np.ndarray) -> np.ndarray:
    """(points, centroids) squared RGB distances."""
    points = points.reshape(-1, 3).astype(np.float32)
    out = np.empty((len(points), len(centroids)), np.float32)
    for j, c in enumerate(centroids.astype(np.float32)):
        diff = points - c
        out[:, j] = np.einsum("ij,ij->i", diff, diff)
    return out


def detect_group(labels: np.ndarray, group: int, count: int, min_pixels: int = 3, join: bool = True
                 ) -> list[np.ndarray]:
    """Up to `count` boxes (pixel xyxy) for entity `group` in a classified frame, largest components first.

    Specks under `min_pixels` are dropped. With `join`, parts less than 3 pixels apart count as one object (a
    flower's stem and its bloom), and with one expected instance, components near the largest and at least
    MERGE_SHARE of its size join it too (an object cut in two by something passing in front of it is still one
    object); without, in a cluttered scene (a planet among stars of its colour), each part stands alone.
    """
    from scipy import ndimage
    mine = labels == group
    if count == 0 or not mine.any():
        return []
    specks, n = ndimage.label(mine, structure=np.ones((3, 3)))
    sizes = np.bincount(specks.ravel(), minlength=n + 1)
    sizes[0] = 0
    kept = (sizes >= min_pixels)[specks]
    grown = ndimage.binary_dilation(kept, structure=np.ones((3, 3))) if join else kept
    joined, n = ndimage.label(grown, structure=np.ones((3, 3)))
    component = np.where(kept, joined, 0)
    if n == 0:
        return []
    sizes = np.bincount(component.ravel(), minlength=n + 1)[1:]
    slices = ndimage.find_objects(component, max_label=n)
    order = [i for i in np.argsort(-sizes, kind="stable") if sizes[i] >= min_pixels and slices[i] is not None]
    boxes = [_slice_box(slices[i]) for i in order]
    if join and count == 1 and boxes:
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


def classify_against_background(frames: np.ndarray, background: np.ndarray, model: AppearanceModel,
                                threshold: float = COVER_THRESHOLD) -> np.ndarray:
    """(n, h, w) int: pixels an entity covers at least half of, against the plan's background alone; -1 elsewhere.

    A pixel on an object's edge is a blend: frame = a * colour + (1 - a) * background. For every pixel that differs
    from the background (`background` (n, h, w, 3): the plan rendered without entities) each entity colour c gives
    a cover a = <frame - background, c - background> / |c - background|^2; the colour whose blend explains the
    pixel best is its owner, and it counts when a >= 1/2, the rule the planned boxes are drawn with (pixels the
    shape covers at least half of). So boxes neither grow by the soft rim nor shrink by it.
    """
    entity = model.owner >= 0
    labels = np.full(frames.shape[:-1], -1)
    if not entity.any():
        return labels
    changed = largest_difference(frames, background) > threshold
    d = frames[changed].astype(np.float32) - background[changed].astype(np.float32)  # (p, 3)
    behind = background[changed].astype(np.float32)       # (p, 3)
    colours = model.centroids[entity]
    best_residual = np.full(len(d), np.inf, np.float32)
    best_cover = np.zeros(len(d), np.float32)
    best_owner = np.full(len(d), -1)
    for colour, owner in zip(colours, model.owner[entity]):
        towards = colour[None] - behind
        length = np.einsum("ij,ij->i", towards, towards)
        cover = np.clip(np.einsum("ij,ij->i", d, towards) / np.maximum(length, 1.0), 0.0, 1.0)
        rest = d - cover[:, None] * towards
        residual = np.einsum("ij,ij->i", rest, rest)
        better = residual < best_residual
        best_residual[better], best_cover[better], best_owner[better] = residual[better], cover[better], owner
    labels[changed] = np.where(best_cover >= 0.5, best_owner, -1)
    return labels


def largest_difference(frames: np.ndarray, background: np.ndarray) -> np.ndarray:
    """(..., h, w) uint8: the largest absolute difference over the colour channels (uint8 arithmetic: fast)."""
    background = np.broadcast_to(background, frames.shape)
    difference = np.maximum(frames, background) - np.minimum(frames, background)
    return np.maximum(np.maximum(difference[..., 0], difference[..., 1]), difference[..., 2])
