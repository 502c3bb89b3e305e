"""`dump_tensors`: every block's conditioning and initial noise in one self-describing .safetensors file.

Keys are `block{i}.{name}` (names from `Conditioning.TENSORS`, plus `noise`); the metadata holds the scene's
settings and, under `blocks`, each block's frame range, grid and instances as JSON, so a reader needs no hvg.
"""
from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

from hvg.ir import Scene
from hvg.lower.noise import DEFAULT_CORRELATION, NoiseKind
from hvg.lower.scene import DEFAULT_LATENT_CHANNELS, lower_scene, scene_noise

FORMAT = "hvg-conditioning/1"


def dump_tensors(scene: Scene, path: str | Path, *, channels: int = DEFAULT_LATENT_CHANNELS,
                 noise_kind: NoiseKind = "warped", correlation: float = DEFAULT_CORRELATION,
                 grid: tuple[int, int] | None = None) -> Path:
    """Lower every block of `scene`, draw its noise, and write both to `path` (atomically). Returns the path."""
    from safetensors.torch import save_file

    conditionings = lower_scene(scene, grid=grid)
    noises = scene_noise(conditionings, seed=scene.video.seed, channels=channels, kind=noise_kind,
                         correlation=correlation)
    tensors = {}
    for cond, noise in zip(conditionings, noises):
        for name, tensor in cond.as_dict().items():
            tensors[f"block{cond.block_index}.{name}"] = tensor.contiguous()
        tensors[f"block{cond.block_index}.noise"] = noise.contiguous()
    video = scene.video
    metadata = {
        "format": FORMAT, "title": video.title, "width": str(video.width), "height": str(video.height),
        "fps": str(video.fps), "seed": str(video.seed), "noise_kind": noise_kind, "noise_correlation": str(correlation),
        "latent_channels": str(channels), "layout": "(c, t, h, w) maps; (d,) vectors; see docs/lowering.md",
        "blocks": json.dumps([cond.metadata() for cond in conditionings]),
    }
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
    os.close(handle)
    try:
        save_file(tensors, temporary, metadata=metadata)
        os.replace(temporary, path)
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)
    return path
