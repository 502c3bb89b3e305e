"""Widening a trained model's latent space (hvg/model/widen.py): the wider code begins with the old one, the
widened network computes what the old one did on the old channels, and `hvg train --init-from` starts there."""
from __future__ import annotations

from dataclasses import replace

import pytest
import torch

from hvg.model.autoencoder import PatchPCA
from hvg.model.checkpoint import load_checkpoint, save_checkpoint
from hvg.model.widen import extend_latent_space, widen_model
from tests.model.helpers import fake_clips, random_condition, randomise_zero_layers, tiny_config, tiny_model, \
    tiny_preset


def _frames(n: int = 40, size: int = 32, seed: int = 0) -> torch.Tensor:
    """Smooth random frames in [-1, 1]: blurred noise, so that patches have a few strong directions."""
    g = torch.Generator().manual_seed(seed)
    coarse = torch.randn(n, 3, size // 4, size // 4, generator=g)
    return torch.tanh(torch.nn.functional.interpolate(coarse, scale_factor=4, mode="bilinear")
                      + 0.3 * torch.randn(n, 3, size, size, generator=g))


def test_the_wider_code_begins_with_the_old_one_and_reconstructs_better():
    frames = _frames()
    base = PatchPCA(4, 8).fit(frames)
    wider = extend_latent_space(base, frames, 12)
    video = frames[:6].transpose(0, 1)[None]                       # (1, 3, f, H, W)
    old_code, new_code = base.encode(video), wider.encode(video)
    assert torch.allclose(new_code[:, :4], old_code, atol=1e-5)
    gram = wider.components @ wider.components.T                   # orthonormal directions, old ones kept
    assert torch.allclose(gram, torch.eye(12), atol=1e-4)
    assert ((wider.decode(new_code) - video) ** 2).mean() < 0.8 * ((base.decode(old_code) - video) ** 2).mean()
    # the added channels are whitened on the fitting frames, as PatchPCA's own
    assert torch.allclose(wider.encode(frames.transpose(0, 1)[None])[:, 4:].std(dim=(0, 2, 3, 4)),
                          torch.ones(8), atol=0.05)
    # 12 channels fitted at once span the same space as 4 extended by 8 (PCA is nested)
    direct = PatchPCA(12, 8).fit(frames)
    projection = wider.components.T @ wider.components
    assert torch.allclose(projection @ direct.components.T, direct.components.T, atol=1e-3)
    with pytest.raises(ValueError, match="narrow"):
        extend_latent_space(wider, frames, 4)


def test_extending_to_the_same_width_keeps_the_code_as_it_is(monkeypatch):
    """A same-width fine-tune (--init-from a file of the preset's width) fits nothing: no residual, no eigh."""
    frames = _frames()
    base = PatchPCA(4, 8).fit(frames)

    def no_fit(*args, **kwargs):
        raise AssertionError("a same-width extension must not fit new directions")
    monkeypatch.setattr(torch.linalg, "eigh", no_fit)
    same = extend_latent_space(base, frames, 4)
    assert same is not base
    for name, value in base.state_dict().items():
        assert torch.equal(same.state_dict()[name], value), name


def test_the_widened_network_computes_the_old_velocity_on_old_channels_and_zero_on_new_ones():
    old = randomise_zero_layers(tiny_model()).eval()
    channels = old.config.latent_channels
    before = {name: value.clone() for name, value in old.state_dict().items()}
    wider = widen_model(old, channels + 5).eval()
    assert all(torch.equal(value, before[name]) for name, value in old.state_dict().items())   # old one untouched
    wider.velocity_head.weight.data.add_(1.0)             # and not sharing storage with the widened copy
    assert torch.equal(old.velocity_head.weight, before["velocity_head.weight"])
    wider.velocity_head.weight.data.sub_(1.0)
    g = torch.Generator().manual_seed(3)
    x_old = torch.randn(2, channels, 4, 16, 16, generator=g)
    x_new = torch.cat([x_old, torch.randn(2, 5, 4, 16, 16, generator=g)], dim=1)   # any values in the new ones
    context_new = torch.randn(2, channels + 5, 2, 16, 16, generator=g)
    t = torch.tensor([0.3, 0.8])
    cond = random_condition(old.config, 2, 4)
    with torch.no_grad():
        v_old = old(x_old, t, cond, context=context_new[:, :channels])
        v_new = wider(x_new, t, cond, context=context_new)
        refined_old, refined_new = old.refiner(x_old), wider.refiner(x_new)
        style_old, style_new = old.style_head(x_old), wider.style_head(x_new)
    assert torch.allclose(v_new[:, :channels], v_old, atol=1e-5)
    assert torch.count_nonzero(v_new[:, channels:]) == 0
    assert torch.allclose(refined_new[:, :channels], refined_old, atol=1e-5)
    assert torch.equal(refined_new[:, channels:], x_new[:, channels:])   # the refiner leaves new channels be
    assert torch.allclose(style_new, style_old, atol=1e-5)


def test_training_from_a_narrower_checkpoint_starts_from_its_widened_weights(tmp_path):
    from hvg.model.train import InitMismatch, train
    narrow = tiny_preset(steps=2, frames=3, batch_size=2, save_every=2)
    source = save_checkpoint(tmp_path / "narrow.safetensors", randomise_zero_layers(tiny_model()),
                             PatchPCA(narrow.model.latent_channels, narrow.model.patch))
    init = load_checkpoint(source)
    wide = replace(narrow, model=replace(narrow.model, latent_channels=narrow.model.latent_channels + 4),
                   train=replace(narrow.train, lr=0.0))          # lr 0: the weights stay where training started
    result = train(wide, tmp_path / "run", data=fake_clips(wide.model), progress=False, log=lambda *a: None,
                   init=init)
    trained = load_checkpoint(result.checkpoint)
    expected = widen_model(init.model, wide.model.latent_channels).state_dict()
    assert all(torch.equal(value, expected[name]) for name, value in trained.model.state_dict().items())
    assert trained.metadata["training"]["init_from"]["sha256"] == init.sha256
    other = replace(wide, model=replace(wide.model, channels=(8, 16, 24)))
    with pytest.raises(InitMismatch, match="latent channels"):
        train(other, tmp_path / "other", data=fake_clips(other.model), progress=False, log=lambda *a: None, init=init)


def test_the_data_cache_keeps_the_initial_checkpoints_latent_space_as_its_first_channels(tmp_path):
    """With a base latent space, building the cache fits only the added channels (`fit_latent_space`)."""
    from hvg.model.data import fit_latent_space

    class Clip:
        def __init__(self, frames):
            self.frames = ((frames.permute(0, 2, 3, 1) + 1) * 127.5).round().clamp(0, 255).to(torch.uint8).numpy()

    frames = _frames(20)
    base = PatchPCA(4, 8).fit(frames)
    fitted = fit_latent_space([Clip(frames[:10]), Clip(frames[10:])], tiny_config(latent_channels=10), base=base)
    assert fitted.latent_channels == 10
    assert torch.equal(fitted.components[:4], base.components) and torch.equal(fitted.scale[:4], base.scale)


def test_init_from_a_missing_file_is_a_clear_error(tmp_path, capsys):
    from hvg.cli.main import main
    assert main(["train", "--preset", "tiny", "--out", str(tmp_path / "run"), "--init-from",
                 str(tmp_path / "missing.safetensors"), "--no-progress"]) == 2
    assert "does not exist" in capsys.readouterr().err


def test_a_data_cache_made_from_another_starting_checkpoint_is_refused_not_replaced(tmp_path):
    from hvg.model.train import CACHE_FILE, InitMismatch, load_or_build_cache
    preset = tiny_preset()
    clips, pca = fake_clips(preset.model)
    torch.save({"key": {"latent_base": "0123456789abcdef"}, "clips": clips, "autoencoder": pca}, tmp_path / CACHE_FILE)
    before = (tmp_path / CACHE_FILE).read_bytes()
    with pytest.raises(InitMismatch, match="another checkpoint") as error:
        load_or_build_cache(preset, tmp_path, log=lambda *a: None)          # a resume without its --init-from
    assert "--init-from" in error.value.hint and (tmp_path / CACHE_FILE).read_bytes() == before
