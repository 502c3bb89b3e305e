"""Tiny models and fake data built in code (like diffusers' get_dummy_components): no rendering, no hub."""
from __future__ import annotations

from dataclasses import replace

import torch

from hvg.model.autoencoder import PatchPCA
from hvg.model.condition import ModelCondition
from hvg.model.config import PRESETS, ModelConfig, Preset
from hvg.model.data import CachedClip
from hvg.model.unet import HSTUNet

TINY = PRESETS["tiny"]


def tiny_config(**changes) -> ModelConfig:
    return replace(TINY.model, text_dim=6, style_dim=5, background_dim=3, **changes)


def tiny_preset(**train_changes) -> Preset:
    return replace(TINY, model=tiny_config(), train=replace(TINY.train, **train_changes))


def tiny_model(seed: int = 0, **changes) -> HSTUNet:
    torch.manual_seed(seed)
    return HSTUNet(tiny_config(**changes))


def randomise_zero_layers(model: HSTUNet, seed: int = 1) -> HSTUNet:
    """Zero-initialised output layers make an untrained model's velocity exactly 0; tests that need a model
    whose output depends on its inputs give every parameter random values."""
    generator = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for parameter in model.parameters():
            parameter.copy_(torch.randn(parameter.shape, generator=generator) * 0.1)
    return model


def random_condition(config: ModelConfig, batch: int, frames: int, grid: int = 16, seed: int = 0) -> ModelCondition:
    g = torch.Generator().manual_seed(seed)
    return ModelCondition(torch.randn(batch, config.map_channels, frames, grid, grid, generator=g),
                          torch.randn(batch, config.vector_dim, generator=g), torch.ones(batch))


def fake_clips(config: ModelConfig, n_clips: int = 3, n_frames: int = 12, grid: int = 16, seed: int = 0):
    """Cached clips of random tensors, two blocks each, and an identity-ish latent space."""
    g = torch.Generator().manual_seed(seed)
    clips = []
    for _ in range(n_clips):
        block = torch.tensor([0] * (n_frames // 2) + [1] * (n_frames - n_frames // 2))
        clips.append(CachedClip(
            latents=torch.randn(config.latent_channels, n_frames, grid, grid, generator=g),
            maps=torch.randn(config.map_channels, n_frames, grid, grid, generator=g).half(),
            vectors=torch.randn(config.vector_dim, 2, generator=g), block=block,
            flow=torch.randn(2, n_frames, grid, grid, generator=g) * 0.5,
            style=torch.randint(config.n_styles, (n_frames,), generator=g)))
    return clips, PatchPCA(config.latent_channels, config.patch)
