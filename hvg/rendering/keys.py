"""Content hashes of blocks: what determines a block's frames, and nothing else.

A block's key covers the backend and its checkpoint, the quality preset, the seed, the frame size and rate,
the block's own program text (as IR) and its slice of the resolved timeline (which already holds what earlier
blocks pass on: camera state, where an exiting instance starts). Only a `smooth` transition makes a block depend
on how the previous block was rendered, so only then does its key include the previous key: editing one block
re-renders that block, plus the next one when a smooth transition joins them.
"""
from __future__ import annotations

import hashlib
import json

import numpy as np

from hvg.backends.base import QualityPreset
from hvg.ir import Scene, semantic_dump
from hvg.rendering.stitch import hands_on_previous
from hvg.world.timeline import Timeline

KEY_VERSION = "4"   # bumped whenever the same inputs would draw other frames (2: pyramid steps, eased seams;
                    # 3: refinement off by default, so a key without a refine switch means another thing;
                    # 4: pyramid stages end at 0.1, 0.3, 1 instead of thirds)


def _update_arrays(digest, arrays) -> None:
    for array in arrays:
        array = np.ascontiguousarray(array)
        digest.update(str(array.dtype).encode() + str(array.shape).encode())
        digest.update(array.tobytes())


def block_key(scene: Scene, timeline: Timeline, index: int, *, backend: str, quality: QualityPreset, seed: int,
              previous_key: str | None) -> str:
    span = timeline.blocks[index]
    s, e = span.start_frame, span.end_frame
    digest = hashlib.sha256()
    header = {
        "v": KEY_VERSION, "backend": backend, "quality": quality.__dict__, "seed": seed, "index": index,
        "size": [timeline.width, timeline.height], "fps": timeline.fps,
        "block": semantic_dump(scene.blocks[index]), "span": {k: v for k, v in span.__dict__.items()},
    }
    if hands_on_previous(span):
        header["previous"] = previous_key
    digest.update(json.dumps(header, sort_keys=True, default=str).encode())
    camera = timeline.camera
    _update_arrays(digest, (a[s:e] for a in (camera.cx, camera.cy, camera.zoom, camera.roll, camera.shake_x,
                                            camera.shake_y)))
    for track in timeline.tracks:
        if not track.visible[s:e].any():
            continue
        digest.update(json.dumps([track.instance, track.kind, track.color, track.layer, track.look]).encode())
        _update_arrays(digest, (a[s:e] for a in (track.visible, track.screen_x, track.screen_y, track.screen_size,
                                                track.screen_rotation, track.opacity)))
    return digest.hexdigest()


def segment_key(block: str, previous_block: str | None, encoder: str) -> str:
    """The key of a block's encoded segment: the block's frames (its key), the previous block's when the
    transition into it blends from the previous last frame (`stitch.blends_previous`), and the encoder
    (`hvg.video.segments.encoder_id`)."""
    header = {"v": KEY_VERSION, "segment": block, "previous": previous_block, "encoder": encoder}
    return hashlib.sha256(json.dumps(header, sort_keys=True).encode()).hexdigest()
