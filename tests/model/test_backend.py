"""The builtin backend on a tiny untrained checkpoint: shapes, progress, state carried, determinism, fingerprint."""
from __future__ import annotations

import numpy as np
import pytest
import torch

from hvg.backends.base import QUALITY_PRESETS, BlockJob
from hvg.model.autoencoder import PatchPCA
from hvg.model.checkpoint import save_checkpoint
from hvg.model.config import PRESETS
from hvg.model.unet import HSTUNet
from tests.model.helpers import randomise_zero_layers

SCENE = """video "Two blocks" { size 128x128; fps 12; seed 3 }
entity ball = ball { color red; size 0.2 }
block 0s..1s "a red ball rolls" { background beach; ball moves (0.2, 0.6) -> (0.8, 0.6) }
block 1s..2s "the ball rests" { background beach; ball at (0.8, 0.6) }
"""


@pytest.fixture(scope="module")
def backend(tmp_path_factory):
    from hvg.backends.builtin import BuiltinBackend
    torch.manual_seed(0)
    config = PRESETS["tiny"].model
    model = randomise_zero_layers(HSTUNet(config))
    path = save_checkpoint(tmp_path_factory.mktemp("ckpt") / "tiny.safetensors", model,
                           PatchPCA(config.latent_channels, config.patch))
    return BuiltinBackend(checkpoint=path, init="noise")


@pytest.fixture(scope="module")
def scene_and_timeline():
    from hvg.lang.api import compile_scene
    from hvg.lower.conditioning import resolve_for_lowering
    scene = compile_scene(SCENE)
    return scene, resolve_for_lowering(scene)


def job(scene, timeline, index, previous=None, steps=None, **extra):
    quality = QUALITY_PRESETS["draft"]
    return BlockJob(scene=scene, timeline=timeline, block_index=index, quality=quality, seed=7,
                    previous_state=None if previous is None else previous.state, **extra)


@pytest.mark.slow
def test_renders_a_block_with_progress_and_hands_on_state(backend, scene_and_timeline):
    scene, timeline = scene_and_timeline
    steps = []
    first = backend.render_block(job(scene, timeline, 0, on_step=lambda i, n: steps.append((i, n))))
    assert first.frames.shape == (12, 128, 128, 3) and first.frames.dtype == np.uint8
    assert steps[-1] == (QUALITY_PRESETS["draft"].steps, QUALITY_PRESETS["draft"].steps) and len(steps) == 8
    second = backend.render_block(job(scene, timeline, 1, previous=first))
    assert second.frames.shape == (12, 128, 128, 3)
    again = backend.render_block(job(scene, timeline, 1, previous=first))
    assert np.array_equal(second.frames, again.frames)                     # same seed, same output
    alone = backend.render_block(job(scene, timeline, 1))
    assert not np.array_equal(second.frames, alone.frames)                 # the previous block matters
    # the state survives the render cache's npz round trip (a dict of arrays)
    import io
    buffer = io.BytesIO()
    np.savez(buffer, **first.state)
    buffer.seek(0)
    with np.load(buffer) as stored:
        restored = type(first)(frames=first.frames, state={k: stored[k] for k in stored.files})
    from_cache = backend.render_block(job(scene, timeline, 1, previous=restored))
    assert np.array_equal(second.frames, from_cache.frames)


def test_fingerprint_names_the_checkpoint_and_the_settings(backend):
    from hvg.backends.builtin import BuiltinBackend
    assert backend.fingerprint().startswith("builtin-" + backend.loaded.sha256[:16])
    from_preview = BuiltinBackend(checkpoint=backend.path, init="preview", strength=0.5)
    assert from_preview.fingerprint() != backend.fingerprint()
    assert from_preview.fingerprint() != BuiltinBackend(checkpoint=backend.path, strength=0.7).fingerprint()


@pytest.mark.slow
def test_preview_init_follows_the_animatic(backend, scene_and_timeline):
    """With an identity-like model (zero velocity) and a late start, the output is the animatic's latent code
    scaled by t_start plus noise: it correlates with the preview frames, pure generation does not."""
    from hvg.backends.builtin import BuiltinBackend
    from hvg.world.preview import render_preview
    scene, timeline = scene_and_timeline
    span = timeline.blocks[0]
    animatic = render_preview(timeline, span.start_frame, span.end_frame, ground_truth=False).frames.astype(float)
    late = BuiltinBackend(checkpoint=backend.path, init="preview", strength=0.2)
    frames_in = torch.as_tensor(animatic / 127.5 - 1.0, dtype=torch.float32).permute(0, 3, 1, 2)
    late.loaded.autoencoder.fit(frames_in)                      # a latent space that can hold the animatic
    with torch.no_grad():
        for p in [*late.loaded.model.velocity_head.parameters(), *late.loaded.model.refiner.f_phi[-1].parameters()]:
            p.zero_()
    frames = late.render_block(job(scene, timeline, 0)).frames.astype(float)
    correlation = np.corrcoef(frames.ravel(), animatic.ravel())[0, 1]
    assert correlation > 0.5


def test_a_missing_checkpoint_is_a_friendly_error(tmp_path):
    from hvg.backends import BackendUnavailable
    from hvg.backends.builtin import BuiltinBackend
    with pytest.raises(BackendUnavailable, match="does not exist"):
        BuiltinBackend(checkpoint=tmp_path / "nope.safetensors")
    (tmp_path / "junk.safetensors").write_bytes(b"not a checkpoint")
    with pytest.raises(BackendUnavailable, match="not a safetensors file"):
        BuiltinBackend(checkpoint=tmp_path / "junk.safetensors")


@pytest.mark.parametrize("switch", [{"noise": "iid"}, {"context": False}, {"refine": True}, {"pyramid": False}])
def test_each_ablation_switch_changes_the_fingerprint_and_the_frames(backend, scene_and_timeline, switch):
    """The ablations of docs/benchmarks.md: each switch is its own cache entry and really changes the sampling
    (block 1 with block 0 as context, so the context switch has something to drop)."""
    from hvg.backends.builtin import BuiltinBackend
    scene, timeline = scene_and_timeline
    ablated = BuiltinBackend(checkpoint=backend.path, init="noise", **switch)
    assert ablated.fingerprint() != backend.fingerprint()
    ablated._loaded = backend.loaded                           # the same weights: only the switch differs
    first = backend.render_block(job(scene, timeline, 0))
    reference = backend.render_block(job(scene, timeline, 1, previous=first))
    changed = ablated.render_block(job(scene, timeline, 1, previous=first))
    assert not np.array_equal(reference.frames, changed.frames)


def test_an_unknown_noise_kind_is_a_friendly_error(backend):
    from hvg.backends import BackendUnavailable
    from hvg.backends.builtin import BuiltinBackend
    with pytest.raises(BackendUnavailable, match="noise 'pink'"):
        BuiltinBackend(checkpoint=backend.path, noise="pink")


def test_the_weights_load_only_when_a_block_needs_them(backend):
    from hvg.backends.builtin import BuiltinBackend
    fresh = BuiltinBackend(checkpoint=backend.path)
    assert fresh._loaded is None and fresh.fingerprint() and fresh.config == backend.config
    assert fresh.loaded.sha256 == fresh.sha256


def test_a_render_served_from_the_cache_never_imports_torch(backend, tmp_path):
    """Editing one block of a long program must not pay torch's import for the blocks it did not touch."""
    import subprocess
    import sys
    program = tmp_path / "two.scene"
    program.write_text(SCENE)
    code = ("import sys; from pathlib import Path; from hvg.rendering import RenderSettings, render; "
            f"s = RenderSettings(backend='builtin', checkpoint={str(backend.path)!r}, quality='draft', "
            f"cache_dir=Path({str(tmp_path / 'cache')!r})); "
            f"render(Path({str(program)!r}), settings=s); print('torch' in sys.modules)")
    first = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    again = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert first.stdout.split()[-1] == "True" and again.stdout.split()[-1] == "False"


def test_easing_spreads_the_jump_at_a_smooth_seam_over_the_transition():
    from hvg.backends.builtin import ease_into
    latents = torch.zeros(1, 2, 6, 2, 2)
    latents[:, :, :] = torch.arange(6.0).view(1, 1, 6, 1, 1) * 0.1       # the block moves 0.1 a frame
    previous_last = torch.full((1, 2, 1, 2, 2), -0.9)                     # ... but starts 0.9 away from the last
    eased = ease_into(latents, previous_last, count=3)
    steps = torch.diff(torch.cat([previous_last, eased], dim=2), dim=2)[0, 0, :, 0, 0]
    # the jump of 0.9 is shared by the seam pair and the three pairs after it (0.9 / 4 each), then untouched
    assert torch.allclose(steps[:4], 0.9 / 4 + torch.tensor([0.0, 0.1, 0.1, 0.1]))
    assert torch.equal(eased[:, :, 3:], latents[:, :, 3:])
    assert torch.equal(ease_into(latents, previous_last, count=0), latents)


def test_a_smooth_seam_is_eased_in_the_rendered_frames(backend):
    """Across `transition 1s smooth 0.5s`, block 1's first frames lean towards block 0's last; ease=off does not."""
    from hvg.backends.builtin import BuiltinBackend
    from hvg.lang.api import compile_scene
    from hvg.lower.conditioning import resolve_for_lowering
    scene = compile_scene(SCENE + "transition 1s smooth 0.5s\n")
    timeline = resolve_for_lowering(scene)
    first = backend.render_block(job(scene, timeline, 0))
    eased = backend.render_block(job(scene, timeline, 1, previous=first)).frames.astype(float)
    plain_backend = BuiltinBackend(checkpoint=backend.path, init="noise", ease=False)
    plain_backend._loaded = backend.loaded
    plain = plain_backend.render_block(job(scene, timeline, 1, previous=first)).frames.astype(float)
    last = first.frames[-1].astype(float)
    assert np.abs(eased[0] - last).mean() < np.abs(plain[0] - last).mean()     # the seam is smaller
    assert np.array_equal(eased[6:], plain[6:])                                  # past 0.5 s (6 frames) untouched


def test_a_checkpoint_rewritten_after_the_backend_read_it_is_refused(backend, tmp_path):
    import shutil

    from hvg.backends import BackendUnavailable
    from hvg.backends.builtin import BuiltinBackend
    path = tmp_path / "moving.safetensors"
    shutil.copy(backend.path, path)
    reader = BuiltinBackend(checkpoint=path)
    config = PRESETS["tiny"].model
    torch.manual_seed(5)
    save_checkpoint(path, HSTUNet(config), PatchPCA(config.latent_channels, config.patch))  # training saved over it
    with pytest.raises(BackendUnavailable, match="changed while rendering"):
        reader.loaded


def test_the_backend_options_list_every_noise_kind_the_lowering_makes():
    """BACKEND_OPTIONS is read without torch, so it copies the noise kinds; the copy must not drift."""
    from hvg.backends import BACKEND_OPTIONS
    from hvg.lower.noise import NOISE_KINDS
    assert sorted(BACKEND_OPTIONS["builtin"]["noise"].split("|")) == sorted(NOISE_KINDS)
