"""The render pipeline: program -> blocks rendered in order (cached) -> transitions -> one video.

    1. compile the program (a path or text) to IR, or take a Scene;
    2. resolve it to a per-frame timeline;
    3. load the backend (builtin model or procedural preview);
    4. for each block: look it up in the cache by content hash, else render it (handing the previous block's
       frames and state on for smooth transitions) and store it (hvg/rendering/blocks.py);
    5. apply the transition into the block and hand its frames on (to a file writer, or to the caller); an
       .mp4 or .webm with a cache is instead joined from each block's encoded segment, itself cached, so a block
       whose segment is cached is neither encoded nor even read again (hvg/rendering/encoded.py).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

import numpy as np

from hvg.backends import load_backend
from hvg.backends.base import QUALITY_PRESETS, Backend
from hvg.ir import Scene
from hvg.rendering.blocks import BlockSource, ProgressCallback
from hvg.rendering.cache import BlockCache, default_cache_dir


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


def open_blocks(source: Scene | str | Path, settings: RenderSettings,
                progress: ProgressCallback | None = None) -> BlockSource:
    """Steps 1-3, and the blocks' cache keys: each block is then loaded or rendered when asked for."""
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
    return BlockSource(scene, timeline, backend, quality=quality, seed=seed, device=settings.device,
                       cache=BlockCache(settings.cache_dir), progress=progress)


def render_blocks(source: Scene | str | Path, settings: RenderSettings,
                  progress: ProgressCallback | None = None) -> Iterator[tuple[int, np.ndarray]]:
    """Yield (block index, frames (t, h, w, 3) uint8) in order, transitions applied."""
    yield from _each_block(open_blocks(source, settings, progress))


def _each_block(blocks: BlockSource) -> Iterator[tuple[int, np.ndarray]]:
    for index in range(len(blocks)):
        frames = blocks.frames(index)
        blocks.report_cached(index)
        yield index, frames


def _word_mapper(scene: Scene):
    """The sentence-embedding match for free words that no synonym covers; None when every word matches
    (loading the embedding model costs a couple of seconds, so only pay for it when it decides something)."""
    from hvg.vocab import match_kind
    if all(match_kind(e.kind).item is not None for e in scene.entities if e.free_words):
        return None
    from hvg.world.resolve import embedding_word_mapper
    return embedding_word_mapper()


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

    from hvg.rendering.encoded import encoded_blocks
    from hvg.video.io import OutputError, VideoWriter, check_output, write_png
    from hvg.video.segments import SEGMENT_FORMATS, SegmentWriter

    settings = settings or RenderSettings()
    target, fmt = check_output(output, force=force)  # fail before any work, not after it
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

    blocks = open_blocks(scene, settings, track)
    fps = scene.video.fps
    # With a cache, an .mp4 or .webm is joined from each block's encoded segment, kept beside the block: a
    # re-render then encodes only the blocks an edit changed (hvg/rendering/encoded.py).
    joined = fmt in SEGMENT_FORMATS and settings.cache_dir is not None
    samples: list[np.ndarray] = []
    with (SegmentWriter if joined else VideoWriter)(output, fps, force=force) as writer:
        pieces = encoded_blocks(blocks, writer, want_frames=contact_sheet) if joined else \
            _written_blocks(blocks, writer)
        for index, frames in pieces:
            if contact_sheet:  # one frame a second, so a sheet of any length stays small
                start = blocks.spans[index].start_frame
                samples.extend(frames[(-start) % fps::fps])
    if contact_sheet and samples:
        from hvg.world.contact import contact_sheet as make_sheet
        write_png(make_sheet(np.stack(samples), labels=[f"{i}s" for i in range(len(samples))]),
                  sheet_path(writer.target))
    return RenderReport(output=writer.target, frames=writer.frames_written, fps=fps,
                        backend=_backend_label(settings.backend),
                        blocks_rendered=counts["block"], blocks_cached=counts["cached"],
                        seconds=time.perf_counter() - started)


def _written_blocks(blocks: BlockSource, writer) -> Iterator[tuple[int, np.ndarray]]:
    """Every block's frames, written to `writer` (a VideoWriter) as they come."""
    for index, frames in _each_block(blocks):
        writer.write(frames)
        yield index, frames


def sheet_path(output: Path) -> Path:
    """`story.mp4` -> `story.preview.png` (beside the video)."""
    return output.with_name(f"{output.stem if output.suffix else output.name}.preview.png")


def _backend_label(backend: str | Backend) -> str:
    from hvg.backends import default_backend_name
    if not isinstance(backend, str):
        return backend.name
    return default_backend_name() if backend == "auto" else backend
