"""A whole scene at once: every block's Conditioning and its initial noise, the noise continuing across seams."""
from __future__ import annotations

import torch

from hvg.ir import Scene
from hvg.lower.conditioning import Conditioning, lower, resolve_for_lowering
from hvg.lower.motion_field import noise_flow
from hvg.lower.noise import DEFAULT_CORRELATION, NoiseKind, make_noise
from hvg.world.timeline import Timeline

DEFAULT_LATENT_CHANNELS = 16   # hvg.model.config.ModelConfig.latent_channels


def lower_scene(scene: Scene, *, timeline: Timeline | None = None,
                grid: tuple[int, int] | None = None) -> list[Conditioning]:
    """Every block's Conditioning, in time order, resolving the scene once."""
    timeline = timeline if timeline is not None else resolve_for_lowering(scene)
    return [lower(scene, index, timeline=timeline, grid=grid) for index in range(len(timeline.blocks))]


def block_seed(seed: int, block_index: int) -> int:
    """A block's own noise seed, so a block's fresh noise does not depend on how long earlier blocks were."""
    return (seed * 0x9E3779B1 + (block_index + 1) * 0x85EBCA77) % (2 ** 63)


def scene_noise(conditionings: list[Conditioning], *, seed: int, channels: int = DEFAULT_LATENT_CHANNELS,
                kind: NoiseKind = "warped", correlation: float = DEFAULT_CORRELATION) -> list[torch.Tensor]:
    """Initial noise (c, t, h, w) for each block, in order. Warped noise follows each block's `motion`, and a
    block's first frame continues the previous block's last frame along the flow into it."""
    noises: list[torch.Tensor] = []
    previous_last = None                       # the last noise frame so far (a block may have no frames)
    for cond in conditionings:
        generator = torch.Generator().manual_seed(block_seed(seed, cond.block_index))
        shape = (channels, cond.frames, *cond.grid)
        noise = make_noise(kind, shape, generator=generator, flow=noise_flow(cond.motion), correlation=correlation,
                           previous_last=previous_last)
        noises.append(noise)
        if cond.frames:
            previous_last = noise[:, -1]
    return noises
