"""The checkpoint that ships in hvg/checkpoints/: small enough, self-describing, loads, renders sensibly."""
from __future__ import annotations

import torch

from hvg.backends import shipped_checkpoint
from hvg.model.checkpoint import load_checkpoint, read_metadata
from hvg.model.config import PRESETS, ModelConfig


def test_the_shipped_checkpoint_is_small_and_describes_itself():
    path = shipped_checkpoint()
    assert path is not None and path.name == "small.safetensors"
    total = sum(p.stat().st_size for p in path.parent.glob("*.safetensors"))
    assert total <= 30 * 2 ** 20
    metadata = read_metadata(path)
    # the small32 preset: small's network on a 32-channel latent space, continued from session 5's small32 file,
    # which was widened from a 16-channel small run (docs/model.md): the lineage is in the metadata
    assert ModelConfig.from_dict(metadata["model_config"]) == PRESETS["small32"].model
    parent = metadata["training"]["init_from"]
    assert parent["latent_channels"] == PRESETS["small32"].model.latent_channels
    assert parent["training"]["init_from"]["latent_channels"] == PRESETS["small"].model.latent_channels
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


def test_the_shipped_decoder_beats_the_linear_one_on_unseen_frames():
    """The shipped file carries a learned decoder (hvg/model/decoder.py). On preview frames of synthetic clips it
    never saw (another seed), and on their latents with a sampler's kind of error added, it must decode closer
    to the frames than PatchPCA's linear decoder does, frame by frame."""
    from hvg.model.decoder import LatentSpace
    from hvg.model.decoder_train import training_frames
    space = load_checkpoint(shipped_checkpoint()).autoencoder
    assert isinstance(space, LatentSpace)
    frames = training_frames(clips=2, seed=90210, every=6)                 # (n, 3, H, W), unseen clips
    video = frames.permute(1, 0, 2, 3)[None]
    with torch.no_grad():
        latents = space.encode(video)
        noisy = latents + 0.1 * torch.randn(latents.shape, generator=torch.Generator().manual_seed(0))
        # measured (session 6, fine-tuned on what the sampler draws): 0.958 of the linear L1 on clean latents, better
        # on 79% of the frames (session 5's decoder: 0.955, all frames), and 0.64 on noisy ones, better on every
        # frame. Learning the sampler's leftovers cost a few frames on exact codes, which renders never decode.
        for code, gain, share in ((latents, 0.98, 0.75), (noisy, 0.8, 0.9)):
            learned = (space.decode(code) - video).abs().mean(dim=(0, 1, 3, 4))     # per frame
            linear = (space.pca.decode(code) - video).abs().mean(dim=(0, 1, 3, 4))
            assert (learned < linear).float().mean() >= share and learned.mean() < gain * linear.mean()
