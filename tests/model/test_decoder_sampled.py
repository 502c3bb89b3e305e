"""Decoding what the sampler draws: `sampled_pairs` (the builtin backend's own latents beside the clip's frames),
training on them, and fine-tuning an earlier checkpoint's decoder (`hvg train-decoder --start-from`)."""
from __future__ import annotations

import numpy as np
import pytest
import torch
from typer.testing import CliRunner

from hvg.model.autoencoder import PatchPCA
from hvg.model.checkpoint import load_checkpoint, read_metadata, save_checkpoint
from hvg.model.config import PRESETS
from hvg.model.decoder import DecoderConfig, LatentDecoder, LatentSpace
from hvg.model.decoder_train import (DecoderMismatch, DecoderTraining, SampledPairs, add_decoder, sampled_pairs,
                                     train_decoder)
from hvg.model.unet import HSTUNet
from tests.model.test_decoder import _pca, _shapes


def _as_uint8(frames: torch.Tensor) -> torch.Tensor:
    return ((frames + 1) * 127.5).round().clamp(0, 255).to(torch.uint8)


def test_training_on_sampled_pairs_learns_the_samplers_own_error():
    """A sampler whose latents are off by a fixed offset (a colour drift): a decoder that sees those pairs learns
    to undo it; one trained on Gaussian latent noise alone cannot."""
    train, held_out = _shapes(64, seed=0), _shapes(16, seed=1)
    pca = _pca(train)
    offset = torch.zeros(1, 4, 1, 1, 1)
    offset[:, 0] = 1.5

    def drawn(frames):                                       # (n, 3, H, W) -> the biased sampler's (n, c, h, w)
        return (pca.encode(frames.permute(1, 0, 2, 3)[None]) + offset)[0].permute(1, 0, 2, 3)

    pairs = SampledPairs(drawn(train), _as_uint8(train))
    config = DecoderConfig(4, 8, width=32, blocks=1)
    errors = {}
    for share in (0.0, 0.5):
        settings = DecoderTraining(steps=300, batch_size=8, crop=16, latent_noise=0.2, lr=3e-3, seed=0,
                                   sampled_share=share)
        decoder = train_decoder(train, pca, settings, config=config, pairs=pairs).decoder
        latents = drawn(held_out).permute(1, 0, 2, 3)[None]
        with torch.no_grad():
            decoded = LatentSpace(pca, decoder).decode(latents)
        errors[share] = (decoded - held_out.permute(1, 0, 2, 3)[None]).abs().mean().item()
    assert errors[0.5] < 0.6 * errors[0.0], errors


def test_fine_tuning_starts_from_the_given_decoder_and_leaves_it_alone():
    frames = _shapes(16)
    pca = _pca(frames)
    start = LatentDecoder(DecoderConfig(4, 8, width=16, blocks=1))
    torch.nn.init.normal_(start.out.weight, std=0.1)
    before = {k: v.clone() for k, v in start.state_dict().items()}
    zero_steps = DecoderTraining(steps=1, batch_size=2, crop=16, lr=0.0, seed=0)
    tuned = train_decoder(frames, pca, zero_steps, start=start).decoder
    for key, value in before.items():          # lr 0: the copy is the start; the start itself is untouched
        torch.testing.assert_close(tuned.state_dict()[key], value, rtol=0, atol=0)
        torch.testing.assert_close(start.state_dict()[key], value, rtol=0, atol=0)
    assert tuned is not start


def _tiny_checkpoint(path, pca: PatchPCA | None = None, decoder: LatentDecoder | None = None):
    config = PRESETS["tiny"].model
    torch.manual_seed(0)
    pca = pca or PatchPCA(config.latent_channels, config.patch)
    return save_checkpoint(path, HSTUNet(config), pca if decoder is None else LatentSpace(pca, decoder))


def _stand_in_renderer(timeline):
    """Flat frames whose brightness follows the frame index: cheap, and each frame tells which one it is."""
    n = timeline.n_frames
    frames = np.zeros((n, timeline.height, timeline.width, 3), np.uint8)
    frames[:] = (np.arange(n) % 200)[:, None, None, None]
    return {"frames": frames}


def test_sampled_pairs_are_the_backends_latents_beside_each_blocks_own_frames(tmp_path):
    checkpoint = _tiny_checkpoint(tmp_path / "tiny.safetensors")
    pairs = sampled_pairs(checkpoint, 2, seed=0, clip_seconds=1.0, every=2, renderer=_stand_in_renderer)
    again = sampled_pairs(checkpoint, 2, seed=0, clip_seconds=1.0, every=2, renderer=_stand_in_renderer)
    config = PRESETS["tiny"].model
    assert pairs.latents.shape[1] == config.latent_channels and pairs.latents.shape[0] == pairs.frames.shape[0] > 0
    assert pairs.latents.shape[-1] * config.patch == pairs.frames.shape[-1]
    assert pairs.frames.dtype == torch.uint8
    torch.testing.assert_close(pairs.latents, again.latents, rtol=0, atol=0)     # seeded: the same draw
    # every other frame of each block, counted from the block's own first frame (the stand-in's brightness is the
    # frame's index in its clip)
    brightness = pairs.frames[:, 0, 0, 0].tolist()
    assert brightness[0] == 0 and all(b % 2 == 0 for b in brightness)
    from hvg.model.data import training_stream
    expected = [f % 200 for clip in training_stream(0, 2, 1.0, _stand_in_renderer)
                for span in clip.timeline.blocks for f in range(span.start_frame, span.end_frame, 2)]
    assert brightness == expected


def test_a_decoder_from_another_latent_space_is_refused(tmp_path):
    config = PRESETS["tiny"].model
    frames = torch.rand(8, 3, 32, 32) * 2 - 1
    fitted = PatchPCA(config.latent_channels, config.patch).fit(frames)
    decoder = LatentDecoder(DecoderConfig(config.latent_channels, config.patch, width=16, blocks=1))
    other = _tiny_checkpoint(tmp_path / "other.safetensors", fitted, decoder)
    source = _tiny_checkpoint(tmp_path / "source.safetensors")
    with pytest.raises(DecoderMismatch, match="another latent space"):
        add_decoder(source, tmp_path / "out.safetensors", DecoderTraining(steps=1), clips=1, start_from=other,
                    renderer=_stand_in_renderer)
    assert not (tmp_path / "out.safetensors").exists()


def test_train_decoder_can_start_from_a_decoder_and_learn_from_sampled_clips(tmp_path, capsys):
    from hvg.cli.main import app, main
    config = PRESETS["tiny"].model
    pca = PatchPCA(config.latent_channels, config.patch)
    first = _tiny_checkpoint(tmp_path / "first.safetensors", pca,
                             LatentDecoder(DecoderConfig(config.latent_channels, config.patch, width=16, blocks=1)))
    source = _tiny_checkpoint(tmp_path / "source.safetensors", pca)
    out = tmp_path / "out.safetensors"
    arguments = ["train-decoder", str(source), "-o", str(out), "--steps", "2", "--clips", "1", "--sampled-clips", "1",
                 "--start-from", str(first), "--no-progress"]
    result = CliRunner().invoke(app, arguments)
    assert result.exit_code == 0, result.output
    record = read_metadata(out)["decoder_training"]
    assert record["sampled_clips"] == 1 and record["sampled_frames"] > 0
    assert record["start_from"]["sha256"] == load_checkpoint(first).sha256
    assert load_checkpoint(out).autoencoder.decoder.config.width == 16                 # the start's shape
    capsys.readouterr()
    plain = _tiny_checkpoint(tmp_path / "plain.safetensors", pca)
    assert main([*arguments[:3], str(tmp_path / "x.safetensors"), "--start-from", str(plain)]) == 2
    assert "no learned decoder" in capsys.readouterr().err
