"""A video joined from the blocks' encoded segments (hvg.video.segments), each kept in the render cache.

Each block is encoded once, as it appears in the video (transition applied), and stored beside its frames under
a key of its own (`keys.segment_key`). A render joins the segments without encoding them again, so a re-render
after an edit encodes only the blocks that changed, and reads no frames of a block whose segment is cached
unless the next block needs them (BlockSource loads on demand).
"""
from __future__ import annotations

from functools import partial
from typing import Iterator

import numpy as np

from hvg.rendering.blocks import BlockSource
from hvg.rendering.keys import segment_key
from hvg.video.segments import SegmentError, SegmentWriter, encode_segment, encoder_id


def encoded_blocks(blocks: BlockSource, writer: SegmentWriter, *,
                   want_frames: bool = False) -> Iterator[tuple[int, np.ndarray | None]]:
    """Append every block's segment to `writer`, in order; yield (block index, its frames, or None when they
    were not needed: its segment was cached and `want_frames` is off)."""
    suffix = f".{writer.format}"
    encoder = encoder_id(writer.format, writer.fps, writer.crf)
    for index in range(len(blocks)):
        span = blocks.spans[index]
        count = span.end_frame - span.start_frame
        previous = blocks.keys[index - 1] if blocks.blends_previous(index) else None
        key = segment_key(blocks.keys[index], previous, encoder)
        frames = blocks.frames(index) if want_frames else None
        cached = blocks.cache.segment(key, suffix)
        if cached is None or not _appended(writer, cached, count):
            frames = blocks.frames(index) if frames is None else frames
            encode = partial(encode_segment, frames, fps=writer.fps, fmt=writer.format, crf=writer.crf)
            stored = blocks.cache.put_segment(key, suffix, encode)   # encode(path) writes the segment there
            if stored is None:  # the cache cannot be written: encode beside the output instead
                writer.append_frames(frames)
            else:
                writer.append(stored, count)
        blocks.report_cached(index)
        yield index, frames


def _appended(writer: SegmentWriter, segment, count: int) -> bool:
    """Append a cached segment; False (nothing written) when it cannot be joined, so it is encoded again."""
    try:
        writer.append(segment, count)
    except SegmentError:
        return False
    return True
