"""The checkpoint that ships in hvg/checkpoints/: small enough, self-describing, loads, renders sensibly."""
from __future__ import annotations

import torch

from hvg.backends import shipped_checkpoint
from hvg.model.checkpoint import load_checkpoint, read_metadata
from hvg.model.config import PRESETS


def test_the_shipped_checkpoint_is_small_and_describes_itself():
    path = shipped_checkpoint()
    assert path is not None and path.name == "small.safetensors"
    total = sum(p.stat().st_size for p in path.parent.glob("*.safetensors"))
    assert total <= 30 * 2 ** 20
    metadata = read_metadata(path)
    assert metadata["model_config"]["channels"] == list(PRESETS["small"].model.channels)
    assert metadata["training"]["steps"] >= 1000 and metadata["training"]["losses"]
    assert metadata["vocabulary"]["styles"][0] == "flat"


def test_the_shipped_model_denoises_better_than_doing_nothing():
    """At flow time 0.5 on its own latent space's code of a flat-colour video, the data estimate
    x1 = x_t + (1 - t) v must be closer to the data than x_t is (a trained model, not noise)."""
    loaded = load_checkpoint(shipped_checkpoint())
    c = loaded.config
    frames = torch.zeros(1, 3, 4, 128, 128)
    frames[:, 2] = 0.6                                    # a blue-ish flat frame, like a plain sky
    frames[:, 1] = 0.2
    x1 = loaded.autoencoder.encode(frames)
    g = torch.Generator().manual_seed(0)
    x0 = torch.randn(x1.shape, generator=g)
    t = torch.tensor([0.5])
    x_t = 0.5 * x1 + 0.5 * x0
    from hvg.model.condition import ModelCondition
    cond = ModelCondition(torch.zeros(1, c.map_channels, 4, 16, 16), torch.zeros(1, c.vector_dim), torch.zeros(1))
    with torch.no_grad():
        estimate = x_t + 0.5 * loaded.model(x_t, t, cond)
    assert (estimate - x1).pow(2).mean() < (x_t - x1).pow(2).mean()
