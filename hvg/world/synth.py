"""Synthetic training data: random programs, their timelines, and (with a renderer) frames with ground truth.

Clip `i` of a data set with seed `s` is drawn from `numpy.random.default_rng([s, i])`, so a clip depends on
(seed, index) only: `synth` on disk and the streaming `SyntheticClips` yield the same clips, any number of
workers split the same stream, and an interrupted `synth` resumes where it stopped. The on-disk format is in
docs/data.md.
"""
from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from hvg import ir, vocab
from hvg.lang.unparse import unparse
from hvg.world.resolve import resolve
from hvg.world.synth_program import ProgramConfig, random_program, random_scene
from hvg.world.timeline import Timeline

__all__ = ["Clip", "ProgramConfig", "SyntheticClips", "make_clip", "random_program", "random_scene",
           "screen_boxes", "synth", "preview_renderer"]

FORMAT_VERSION = 1


class DataSetMismatch(ValueError):
    """The output folder holds clips made with other settings; resuming would mix two data sets."""

    def __init__(self, message: str, hint: str):
        super().__init__(message)
        self.hint = hint

Renderer = Callable[[Timeline], object]   # returns an object (or dict) with frames, masks, boxes, flow


@dataclass
class Clip:
    """One synthetic clip. Arrays are None when it was made without a renderer (except `boxes`, which the
    timeline gives on its own)."""
    index: int
    source: str                   # scene program text; `hvg check` passes it clean
    scene: ir.Scene
    timeline: Timeline
    boxes: np.ndarray             # (n, k, 4) float32 pixel boxes x0, y0, x1, y1 per track; NaN where not visible
    frames: np.ndarray | None = None   # (n, h, w, 3) uint8
    masks: np.ndarray | None = None    # (n, h, w) int16: track index, -1 for background
    flow: np.ndarray | None = None     # (n, h, w, 2) float32 backward flow in pixels (frame n -> n - 1)
    valid: np.ndarray | None = None    # (n, h, w) bool: the flow's source point was visible as the same thing

    def instances(self) -> list[dict]:
        return [{"index": i, "instance": t.instance, "entity": t.entity, "kind": t.kind, "color": list(t.color),
                 "layer": t.layer} for i, t in enumerate(self.timeline.tracks)]

    def metadata(self) -> dict:
        tl = self.timeline
        return {"format": FORMAT_VERSION, "index": self.index, "fps": tl.fps, "width": tl.width, "height": tl.height,
                "n_frames": tl.n_frames, "seed": tl.seed, "instances": self.instances(),
                "blocks": [{"start_frame": b.start_frame, "end_frame": b.end_frame, "description": b.description,
                            "background": b.background, "time_of_day": b.time_of_day, "weather": b.weather,
                            "background_motion": b.background_motion, "style": b.style,
                            "transition_in": b.transition_in} for b in tl.blocks]}


# ---------------------------------------------------------------------------------------------------------------
# Ground truth from the timeline alone
# ---------------------------------------------------------------------------------------------------------------

def screen_boxes(timeline: Timeline) -> np.ndarray:
    """(n, k, 4) pixel boxes (x0, y0, x1, y1) of each track's rotated rectangle on screen; NaN when not visible.
    The rectangle is the kind's extent (height `screen_size`, width from `vocab.KIND_ASPECT`), not its pixels:
    a renderer's mask-tight boxes are preferred when there is one."""
    n, w, h = timeline.n_frames, timeline.width, timeline.height
    boxes = np.full((n, len(timeline.tracks), 4), np.nan, np.float32)
    for k, track in enumerate(timeline.tracks):
        half_h = track.screen_size * h / 2
        half_w = half_h * vocab.KIND_ASPECT.get(track.kind, 1.0)
        theta = np.deg2rad(track.screen_rotation)
        cos, sin = np.abs(np.cos(theta)), np.abs(np.sin(theta))
        ex, ey = half_w * cos + half_h * sin, half_w * sin + half_h * cos
        cx, cy = track.screen_x * w, track.screen_y * h
        box = np.stack([cx - ex, cy - ey, cx + ex, cy + ey], axis=-1)
        boxes[track.visible, k] = box[track.visible]
    return boxes


# ---------------------------------------------------------------------------------------------------------------
# Rendering
# ---------------------------------------------------------------------------------------------------------------

def preview_renderer() -> Renderer:
    """The procedural preview renderer with ground truth (`hvg.world.preview.render_preview`)."""
    from hvg.world.preview import render_preview

    def render(timeline: Timeline):
        return render_preview(timeline, 0, timeline.n_frames, ground_truth=True)
    return render


def _field(result, name: str):
    return result.get(name) if isinstance(result, dict) else getattr(result, name, None)


def _mask_boxes(masks: np.ndarray, n_tracks: int) -> np.ndarray:
    """(n, k, 4) tight pixel boxes of each track's mask (x1, y1 one past the last pixel); NaN where empty."""
    boxes = np.full((masks.shape[0], n_tracks, 4), np.nan, np.float32)
    for f, mask in enumerate(masks):
        for k in np.unique(mask):
            if k < 0 or k >= n_tracks:
                continue
            ys, xs = np.nonzero(mask == k)
            boxes[f, k] = (xs.min(), ys.min(), xs.max() + 1, ys.max() + 1)
    return boxes


def make_clip(seed: int, index: int, *, config: ProgramConfig | None = None, renderer: Renderer | None = None
              ) -> Clip:
    """Clip `index` of the data set `seed`: a deterministic function of the two numbers (and the config)."""
    rng = np.random.default_rng([seed, index])
    scene = random_scene(rng, config)
    timeline = resolve(scene)
    clip = Clip(index=index, source=unparse(scene), scene=scene, timeline=timeline, boxes=screen_boxes(timeline))
    if renderer is not None:
        result = renderer(timeline)
        clip.frames = np.asarray(_field(result, "frames"))
        masks, flow, valid, boxes = (_field(result, name) for name in ("masks", "flow", "valid", "boxes"))
        clip.masks = None if masks is None else np.asarray(masks, np.int16)
        clip.flow = None if flow is None else np.asarray(flow, np.float32)
        clip.valid = None if valid is None else np.asarray(valid, bool)
        if boxes is not None:
            clip.boxes = np.asarray(boxes, np.float32)
        elif clip.masks is not None:
            clip.boxes = _mask_boxes(clip.masks, len(timeline.tracks))
    return clip


# ---------------------------------------------------------------------------------------------------------------
# On disk
# ---------------------------------------------------------------------------------------------------------------

def clip_paths(out_dir: Path, index: int) -> dict[str, Path]:
    stem = f"{index:05d}"
    return {"scene": out_dir / f"{stem}.scene", "arrays": out_dir / f"{stem}.npz", "meta": out_dir / f"{stem}.json"}


def write_clip(clip: Clip, out_dir: Path) -> None:
    """`NNNNN.scene`, `NNNNN.npz` (frames, masks, boxes, flow as float16) and `NNNNN.json`; the json is written
    last (atomically), so a clip with a json is complete."""
    paths = clip_paths(out_dir, clip.index)
    paths["scene"].write_text(clip.source)
    arrays = {"boxes": clip.boxes}
    if clip.frames is not None:
        arrays["frames"] = clip.frames
    if clip.masks is not None:
        arrays["masks"] = clip.masks
    if clip.flow is not None:
        arrays["flow"] = clip.flow.astype(np.float16)
    if clip.valid is not None:
        arrays["valid"] = clip.valid
    with open(paths["arrays"], "wb") as f:
        np.savez_compressed(f, **arrays)
    partial = paths["meta"].with_suffix(".json.partial")
    partial.write_text(json.dumps(clip.metadata(), indent=1))
    partial.replace(paths["meta"])


def read_clip(out_dir: str | Path, index: int) -> dict:
    """A written clip as a dict: `source`, `meta`, and the arrays that were written."""
    paths = clip_paths(Path(out_dir), index)
    with np.load(paths["arrays"]) as arrays:
        data = {name: arrays[name] for name in arrays.files}
    if "flow" in data:
        data["flow"] = data["flow"].astype(np.float32)
    return {"source": paths["scene"].read_text(), "meta": json.loads(paths["meta"].read_text()), **data}


def synth(count: int, seed: int, out_dir: str | Path, *, renderer: Renderer | None = None,
          config: ProgramConfig | None = None, on_clip: Callable[[int], None] | None = None) -> Path:
    """Write clips 0..count-1 of data set `seed` into `out_dir` (see docs/data.md); clips already complete
    are kept, so an interrupted run resumes. `on_clip(index)` is called after each clip (progress bars)."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    index_file = out / "index.json"
    settings = {"format": FORMAT_VERSION, "seed": seed, "count": count, "rendered": renderer is not None,
                "config": vars(config or ProgramConfig())}
    if index_file.exists():
        before = json.loads(index_file.read_text())
        if {k: before.get(k) for k in ("seed", "rendered", "config")} != \
                {k: json.loads(json.dumps(settings[k])) for k in ("seed", "rendered", "config")}:
            raise DataSetMismatch(f"{out} already holds a different data set (seed {before.get('seed')})",
                                  "use another --out folder, or the same seed and settings to resume")
    index_file.write_text(json.dumps(settings, indent=1))
    for index in range(count):
        if not clip_paths(out, index)["meta"].exists():
            write_clip(make_clip(seed, index, config=config, renderer=renderer), out)
        if on_clip is not None:
            on_clip(index)
    return out


# ---------------------------------------------------------------------------------------------------------------
# Streaming
# ---------------------------------------------------------------------------------------------------------------

def _iterable_dataset_base():
    try:
        from torch.utils.data import IterableDataset
        return IterableDataset
    except ImportError:  # the generator itself needs no torch
        return object


class SyntheticClips(_iterable_dataset_base()):
    """A stream of clips straight from memory: `for clip in SyntheticClips(seed=0, renderer=preview_renderer())`.

    Yields `Clip` objects (pass `as_dict=True` for plain dicts of arrays, which the default collate function
    can batch when the clips share a size and length). Worker-aware: in a DataLoader with K workers, worker k
    yields clips k, k + K, k + 2K, ... of the same stream, so no clip is repeated and the set of clips does not
    depend on K. `length=None` streams forever; `start` skips clips already used (resuming)."""

    def __init__(self, seed: int, *, config: ProgramConfig | None = None, renderer: Renderer | None = None,
                 length: int | None = None, start: int = 0, as_dict: bool = False):
        super().__init__()
        self.seed, self.config, self.renderer = seed, config, renderer
        self.length, self.start, self.as_dict = length, start, as_dict

    def _indices(self) -> Iterator[int]:
        worker, workers = 0, 1
        try:
            from torch.utils.data import get_worker_info
            info = get_worker_info()
            if info is not None:
                worker, workers = info.id, info.num_workers
        except ImportError:
            pass
        index = self.start + worker
        while self.length is None or index < self.start + self.length:
            yield index
            index += workers

    def __iter__(self):
        for index in self._indices():
            clip = make_clip(self.seed, index, config=self.config, renderer=self.renderer)
            yield clip_as_dict(clip) if self.as_dict else clip


def clip_as_dict(clip: Clip) -> dict:
    data = {"index": clip.index, "source": clip.source, "boxes": clip.boxes}
    for name in ("frames", "masks", "flow", "valid"):
        value = getattr(clip, name)
        if value is not None:
            data[name] = value
    return data
