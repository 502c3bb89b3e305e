"""The learned decoder: starts as PatchPCA's, learns to beat it, round-trips through a checkpoint, and
`hvg train-decoder` writes a new file without touching its input."""
from __future__ import annotations

import torch
from typer.testing import CliRunner

from hvg.model.autoencoder import PatchPCA
from hvg.model.checkpoint import load_checkpoint, read_metadata, save_checkpoint
from hvg.model.config import PRESETS
from hvg.model.decoder import DecoderConfig, LatentDecoder, LatentSpace
from hvg.model.decoder_train import DecoderTraining, train_decoder
from hvg.model.unet import HSTUNet


def _shapes(n: int = 48, size: int = 32, seed: int = 0) -> torch.Tensor:
    """Frames (n, 3, size, size) in [-1, 1]: a flat background and a flat rectangle (colours from a small
    palette, like the built-in world's flat shapes), edges anywhere inside the 8x8 patches."""
    g = torch.Generator().manual_seed(seed)
    palette = torch.tensor([[-0.8, -0.2, 0.6], [0.7, 0.5, -0.6], [0.1, 0.8, 0.2], [0.9, -0.7, -0.5]])
    frames = torch.empty(n, 3, size, size)
    for i in range(n):
        back, front = torch.randperm(len(palette), generator=g)[:2].tolist()
        frames[i] = palette[back].view(3, 1, 1)
        top, left = torch.randint(0, size - 10, (2,), generator=g).tolist()
        h, w = torch.randint(5, 10, (2,), generator=g).tolist()
        frames[i, :, top:top + h, left:left + w] = palette[front].view(3, 1, 1)
    return frames


def _pca(frames: torch.Tensor, channels: int = 4) -> PatchPCA:
    return PatchPCA(channels, 8).fit(frames)


def test_an_untrained_decoder_is_exactly_the_linear_one():
    frames = _shapes(8)
    pca = _pca(frames)
    space = LatentSpace(pca, LatentDecoder(DecoderConfig(4, 8, width=16, blocks=1)))
    latents = pca.encode(frames.permute(1, 0, 2, 3)[None])
    with torch.no_grad():
        torch.testing.assert_close(space.decode(latents), pca.decode(latents), rtol=0, atol=0)


def test_decoding_in_chunks_equals_decoding_at_once():
    frames = _shapes(10)
    pca = _pca(frames)
    torch.manual_seed(0)
    decoder = LatentDecoder(DecoderConfig(4, 8, width=16, blocks=1))
    torch.nn.init.normal_(decoder.out.weight, std=0.1)           # a decoder whose correction is not zero
    latents = pca.encode(frames.permute(1, 0, 2, 3)[None])
    with torch.no_grad():
        whole = LatentSpace(pca, decoder, frames_per_call=100).decode(latents)
        chunked = LatentSpace(pca, decoder, frames_per_call=3).decode(latents)
    assert not torch.allclose(whole, pca.decode(latents))
    torch.testing.assert_close(chunked, whole)


def test_the_channels_last_decode_is_the_plain_layouts_frame_for_frame():
    """The decoder runs its convolutions channels-last for speed; the frames must be the default layout's, in the
    (b, c, f, h, w) order, to float rounding."""
    frames = _shapes(6)
    pca = _pca(frames)
    torch.manual_seed(1)
    decoder = LatentDecoder(DecoderConfig(4, 8, width=16, blocks=1))
    torch.nn.init.normal_(decoder.out.weight, std=0.1)
    latents = pca.encode(frames.permute(1, 0, 2, 3)[None])
    linear = pca.decode(latents)
    with torch.no_grad():
        decoded = decoder(latents, linear)
        per_frame = [linear[:, :, i] + decoder.correction(latents[:, :, i].contiguous(),
                                                          linear[:, :, i].contiguous())
                     for i in range(latents.shape[2])]
    assert decoded.is_contiguous()
    torch.testing.assert_close(decoded, torch.stack(per_frame, dim=2), rtol=0, atol=1e-5)


def test_training_beats_the_linear_decoder_on_noisy_held_out_latents():
    train, held_out = _shapes(64, seed=0), _shapes(16, seed=1)
    pca = _pca(train)
    settings = DecoderTraining(steps=400, batch_size=8, crop=16, latent_noise=0.5, lr=3e-3, seed=0)
    result = train_decoder(train, pca, settings, config=DecoderConfig(4, 8, width=32, blocks=1))
    video = held_out.permute(1, 0, 2, 3)[None]
    with torch.no_grad():
        latents = pca.encode(video)
        latents = latents + 0.3 * torch.randn(latents.shape, generator=torch.Generator().manual_seed(2))
        learned = (LatentSpace(pca, result.decoder).decode(latents) - video).abs().mean().item()
        linear = (pca.decode(latents) - video).abs().mean().item()
    assert learned < 0.8 * linear, (learned, linear)
    assert result.losses[-1]["step"] == 400 and result.losses[-1]["l1"] < result.losses[-1]["l1_linear"]


def test_the_same_seed_trains_the_same_decoder():
    frames = _shapes(16)
    pca = _pca(frames)
    settings = DecoderTraining(steps=5, batch_size=4, crop=16, seed=3)
    config = DecoderConfig(4, 8, width=16, blocks=1)
    first, second = (train_decoder(frames, pca, settings, config=config).decoder.state_dict() for _ in range(2))
    for key in first:
        torch.testing.assert_close(first[key], second[key], rtol=0, atol=0)


def test_a_checkpoint_keeps_its_decoder_and_one_without_decodes_linearly(tmp_path):
    config = PRESETS["tiny"].model
    pca = PatchPCA(config.latent_channels, config.patch)
    torch.manual_seed(0)
    decoder = LatentDecoder(DecoderConfig(config.latent_channels, config.patch, width=16, blocks=1))
    torch.nn.init.normal_(decoder.out.weight, std=0.1)
    model = HSTUNet(config)
    with_decoder = save_checkpoint(tmp_path / "with.safetensors", model, LatentSpace(pca, decoder),
                                   metadata_extra={"decoder_training": {"steps": 1}})
    without = save_checkpoint(tmp_path / "without.safetensors", model, pca)
    latents = torch.randn(1, config.latent_channels, 3, 4, 4)
    loaded = load_checkpoint(with_decoder)
    assert isinstance(loaded.autoencoder, LatentSpace)
    assert read_metadata(with_decoder)["decoder_training"] == {"steps": 1}
    with torch.no_grad():
        torch.testing.assert_close(loaded.autoencoder.decode(latents), LatentSpace(pca, decoder).decode(latents))
    plain = load_checkpoint(without).autoencoder
    assert isinstance(plain, PatchPCA) and "decoder_config" not in read_metadata(without)


def test_train_decoder_writes_a_new_checkpoint_and_refuses_to_overwrite(tmp_path, capsys):
    from hvg.cli.main import app, main
    config = PRESETS["tiny"].model
    source = save_checkpoint(tmp_path / "tiny.safetensors", HSTUNet(config), PatchPCA(config.latent_channels,
                                                                                        config.patch))
    before = source.read_bytes()
    out = tmp_path / "tiny-decoded.safetensors"
    arguments = ["train-decoder", str(source), "-o", str(out), "--steps", "2", "--clips", "1", "--no-progress"]
    result = CliRunner().invoke(app, arguments)
    assert result.exit_code == 0, result.output
    assert source.read_bytes() == before
    assert isinstance(load_checkpoint(out).autoencoder, LatentSpace)
    assert read_metadata(out)["decoder_training"]["steps"] == 2
    capsys.readouterr()
    assert main(arguments) == 2
    assert "already exists" in capsys.readouterr().err
    assert main(["train-decoder", str(tmp_path / "missing.safetensors"), "-o", str(tmp_path / "x.safetensors")]) == 2


def test_the_edge_term_is_zero_for_equal_images_and_measures_a_blurred_step():
    """`edge_loss` compares neighbouring-pixel differences: an image against itself or a shifted-brightness copy
    scores 0 (the same steps), a blurred step loses exactly what the blur took from the step."""
    from hvg.model.decoder_train import edge_loss
    step = torch.zeros(1, 3, 1, 8, 8)
    step[..., 4:] = 1.0                                  # one vertical edge of height 1 across 8 rows
    assert edge_loss(step, step).item() == 0.0
    assert edge_loss(step + 0.25, step).item() == 0.0              # 0.25 and 1.25 are exact in binary
    blurred = step.clone()
    blurred[..., 3], blurred[..., 4] = 1 / 3, 2 / 3       # the same ramp spread over three pixel steps
    # across: target differences (0, 0, 0, 1, 0, 0, 0) per row, blurred (0, 0, 1/3, 1/3, 1/3, 0, 0): L1 = 4/3 / 7
    assert abs(edge_loss(blurred, step).item() - (4 / 3) / 7) < 1e-6


def test_the_edge_weight_changes_training_and_zero_leaves_it_as_before():
    frames = _shapes()
    pca = _pca(frames)
    plain = train_decoder(frames, pca, DecoderTraining(steps=3, batch_size=4, crop=16)).decoder
    zero = train_decoder(frames, pca, DecoderTraining(steps=3, batch_size=4, crop=16, edge_weight=0.0)).decoder
    edged = train_decoder(frames, pca, DecoderTraining(steps=3, batch_size=4, crop=16, edge_weight=1.0)).decoder
    weights = [torch.cat([p.flatten() for p in d.parameters()]) for d in (plain, zero, edged)]
    assert torch.equal(weights[0], weights[1])
    assert not torch.allclose(weights[0], weights[2])


def test_train_decoder_sizes_a_new_decoder_and_refuses_a_size_for_a_fine_tune(tmp_path, capsys):
    from hvg.cli.main import main
    config = PRESETS["tiny"].model
    source = save_checkpoint(tmp_path / "tiny.safetensors", HSTUNet(config), PatchPCA(config.latent_channels,
                                                                                        config.patch))
    out = tmp_path / "wide.safetensors"
    assert main(["train-decoder", str(source), "-o", str(out), "--steps", "2", "--clips", "1", "--no-progress",
                 "--width", "32", "--blocks", "1", "--edge-weight", "0.5"]) == 0
    assert read_metadata(out)["decoder_config"] == {**DecoderConfig(config.latent_channels, config.patch, 32, 1).to_dict()}
    assert read_metadata(out)["decoder_training"]["settings"]["edge_weight"] == 0.5
    decoder = load_checkpoint(out).autoencoder.decoder
    assert decoder.config.width == 32 and len(decoder.body) == 1
    capsys.readouterr()
    assert main(["train-decoder", str(source), "-o", str(tmp_path / "x.safetensors"), "--start-from", str(out),
                 "--width", "48"]) == 2
    assert "--start-from" in capsys.readouterr().err
