"""The render pipeline: program -> blocks rendered in order (cached) -> transitions -> one video.

    1. compile the program (a path or text) to IR, or take a Scene;
    2. resolve it to a per-frame timeline;
    3. load the backend (builtin model or procedural preview);
    4. for each block: look it up in the cache by content hash, else render it (handing the previous block's
       frames and state on for smooth transitions) and store it;
    5. apply the transition into the block and hand its frames on (to a file writer, or to the caller).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterator

import numpy as np

from hvg.backends import load_backend
from hvg.backends.base import QUALITY_PRESETS, Backend, BlockJob, BlockResult
from hvg.ir import Scene
from hvg.rendering.cache import BlockCache, default_cache_dir
from hvg.rendering.keys import block_key
from hvg.rendering.stitch import apply_transition

# (event, block index, blocks in all, step, steps in all): "block" when a block starts, "step" as it renders,
# "cached" when it came from the cache, "done" when it is finished.
ProgressCallback = Callable[[str, int, int, int, int], None]


class NothingToRender(Exception):
    """The program checks, but has no block, so there is no frame to write."""

    hint = 'add a block, like `block 0s..3s "A ball rests on the sand" { ball at (0.5, 0.8) }`'


@dataclass
class RenderSettings:
    backend: str | Backend = "auto"   # a name (`hvg.backends.BACKENDS`) or any object with the Backend protocol
    checkpoint: str | Path | None = None
    quality: str = "standard"
    seed: int | None = None          # None: the program's own `seed`
    device: str = "cpu"
    cache_dir: Path | None = field(default_factory=default_cache_dir)  # None: no cache
    backend_options: dict = field(default_factory=dict)  # e.g. {"init": "noise"} for the builtin backend


@dataclass
class RenderReport:
    output: Path | None
    backend: str
    frames: int
    fps: int
    blocks_rendered: int
    blocks_cached: int
    seconds: float


def _as_scene(source: Scene | str | Path) -> Scene:
    if isinstance(source, Scene):
        return source
    from hvg.lang.api import compile_scene
    return compile_scene(source)


def render_blocks(source: Scene | str | Path, settings: RenderSettings,
                  progress: ProgressCallback | None = None) -> Iterator[tuple[int, np.ndarray]]:
    """Yield (block index, frames (t, h, w, 3) uint8) in order, transitions applied."""
    from hvg.world.resolve import resolve

    scene = _as_scene(source)
    if settings.quality not in QUALITY_PRESETS:
        raise ValueError(f"unknown quality {settings.quality!r}; choose one of {', '.join(QUALITY_PRESETS)}")
    quality = QUALITY_PRESETS[settings.quality]
    seed = scene.video.seed if settings.seed is None else settings.seed
    timeline = resolve(scene, word_mapper=_word_mapper(scene))
    backend = settings.backend if not isinstance(settings.backend, str) else \
        load_backend(settings.backend, checkpoint=settings.checkpoint, device=settings.device,
                     options=settings.backend_options)
    cache = BlockCache(settings.cache_dir)
    total = len(timeline.blocks)
    previous: BlockResult | None = None
    previous_key: str | None = None
    for index, span in enumerate(timeline.blocks):
        key = block_key(scene, timeline, index, backend=f"{backend.name}:{backend.fingerprint()}", quality=quality,
                        seed=seed, previous_key=previous_key)
        result = cache.get(key)
        if result is not None:
            if progress:
                progress("cached", index, total, 1, 1)
        else:
            if progress:
                progress("block", index, total, 0, 1)
            # Only a smooth transition hands the previous block on (docs/semantics.md: a cut starts fresh);
            # that is also what lets block_key chain keys only across smooth transitions.
            carried = previous if previous is not None and span.transition_in == "smooth" else None
            job = BlockJob(scene=scene, timeline=timeline, block_index=index, quality=quality, seed=seed,
                           device=settings.device,
                           previous_frames=None if carried is None else carried.frames[-4:],
                           previous_state=None if carried is None else carried.state,
                           on_step=(lambda step, steps, i=index: progress("step", i, total, step, steps))
                           if progress else None)
            result = backend.render_block(job)
            _check_block(result.frames, span.end_frame - span.start_frame, timeline, backend.name)
            cache.put(key, result)
            if progress:
                progress("done", index, total, 1, 1)
        frames = apply_transition(result.frames, span, None if previous is None else previous.frames[-1],
                                  timeline.fps)
        yield index, frames
        previous, previous_key = result, key


def _word_mapper(scene: Scene):
    """The sentence-embedding match for free words that no synonym covers; None when every word matches
    (loading the embedding model costs a couple of seconds, so only pay for it when it decides something)."""
    from hvg.vocab import match_kind
    if all(match_kind(e.kind).item is not None for e in scene.entities if e.free_words):
        return None
    from hvg.world.resolve import embedding_word_mapper
    return embedding_word_mapper()


def _check_block(frames: np.ndarray, count: int, timeline, backend: str) -> None:
    want = (count, timeline.height, timeline.width, 3)
    if frames.shape != want or frames.dtype != np.uint8:
        raise RuntimeError(f"backend {backend} returned frames {frames.shape} {frames.dtype}, expected {want} uint8")


def render(source: Scene | str | Path, *, settings: RenderSettings | None = None,
           progress: ProgressCallback | None = None) -> np.ndarray:
    """Render a whole program to frames (n, h, w, 3) uint8 in memory (for notebooks and tests)."""
    blocks = [frames for _, frames in render_blocks(source, settings or RenderSettings(), progress)]
    return np.concatenate(blocks) if blocks else np.zeros((0, 0, 0, 3), np.uint8)


def render_scene(source: Scene | str | Path, output: str | Path, *, settings: RenderSettings | None = None,
                 force: bool = False, contact_sheet: bool = False,
                 progress: ProgressCallback | None = None) -> RenderReport:
    """Render a program to a video file, block by block, streaming to disk; the file appears atomically."""
    import time

    from hvg.video.io import OutputError, VideoWriter, check_output, write_png

    settings = settings or RenderSettings()
    target, _ = check_output(output, force=force)  # fail before any work, not after it
    if contact_sheet and sheet_path(target).exists() and not force:
        raise OutputError(f"{sheet_path(target)} already exists",
                          "pass --force to replace it, or render without --preview")
    scene = _as_scene(source)
    if not scene.blocks:
        raise NothingToRender(f"{source if isinstance(source, (str, Path)) else 'the program'} has no blocks: "
                              "there is nothing to render")
    started = time.perf_counter()
    counts = {"block": 0, "cached": 0}

    def track(event: str, *args) -> None:
        if event in counts:
            counts[event] += 1
        if progress:
            progress(event, *args)

    samples: list[np.ndarray] = []
    frames_written = 0
    with VideoWriter(output, scene.video.fps, force=force) as writer:
        for _, frames in render_blocks(scene, settings, track):
            writer.write(frames)
            if contact_sheet:  # one frame a second, so a sheet of any length stays small
                samples.extend(frames[(-frames_written) % scene.video.fps::scene.video.fps])
            frames_written += len(frames)
    if contact_sheet and samples:
        from hvg.world.contact import contact_sheet as make_sheet
        write_png(make_sheet(np.stack(samples), labels=[f"{i}s" for i in range(len(samples))]),
                  sheet_path(writer.target))
    return RenderReport(output=writer.target, frames=frames_written, fps=scene.video.fps,
                        backend=_backend_label(settings.backend),
                        blocks_rendered=counts["block"], blocks_cached=counts["cached"],
                        seconds=time.perf_counter() - started)


def sheet_path(output: Path) -> Path:
    """`story.mp4` -> `story.preview.png` (beside the video)."""
    return output.with_name(f"{output.stem if output.suffix else output.name}.preview.png")


def _backend_label(backend: str | Backend) -> str:
    from hvg.backends import default_backend_name
    if not isinstance(backend, str):
        return backend.name
    return default_backend_name() if backend == "auto" else backend
