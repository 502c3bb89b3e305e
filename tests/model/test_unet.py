"""HST-UNet shapes, zero-initialised outputs, conditioning, guidance, the temporal context, refinement."""
from __future__ import annotations

import pytest
import torch

from hvg.model.refine import CrossFrameRefiner
from tests.model.helpers import random_condition, randomise_zero_layers, tiny_model


@pytest.mark.parametrize("grid", [16, 8, 4])
def test_shapes_at_every_pyramid_level(grid):
    model = tiny_model()
    c = model.config
    x = torch.randn(2, c.latent_channels, 3, grid, grid)
    cond = random_condition(c, 2, 3, grid=16)
    context = torch.randn(2, c.latent_channels, 2, grid, grid)
    v, aux = model(x, torch.rand(2), cond, context=context, return_aux=True)
    assert v.shape == x.shape
    assert aux["flow"].shape == (2, 2, 3, grid, grid)
    assert aux["attention"].shape == (2, grid, grid, 5, 5) and aux["k"] == 2


def test_untrained_velocity_is_zero():
    model = tiny_model()
    c = model.config
    v = model(torch.randn(1, c.latent_channels, 2, 8, 8), torch.rand(1), random_condition(c, 1, 2, 8))
    assert torch.count_nonzero(v) == 0


def test_output_depends_on_conditions_and_guidance_extrapolates():
    model = randomise_zero_layers(tiny_model()).eval()
    c = model.config
    x, t = torch.randn(1, c.latent_channels, 2, 8, 8), torch.rand(1)
    cond = random_condition(c, 1, 2, 8)
    v_cond, v_uncond = model(x, t, cond), model(x, t, cond.unconditional())
    assert not torch.allclose(v_cond, v_uncond)
    guided = model.forward_with_guidance(x, t, cond, 3.0)
    assert torch.allclose(guided, v_uncond + 3.0 * (v_cond - v_uncond), atol=1e-5)
    assert torch.allclose(model.forward_with_guidance(x, t, cond, 1.0), v_cond)


def test_block_frames_see_context_but_context_does_not_leak_from_dropped_frames():
    model = randomise_zero_layers(tiny_model(context_frames=1)).eval()
    c = model.config
    x, t = torch.randn(1, c.latent_channels, 3, 8, 8), torch.rand(1)
    cond = random_condition(c, 1, 3, 8)
    context = torch.randn(1, c.latent_channels, 2, 8, 8)
    base = model(x, t, cond, context=context)
    older = context.clone()
    older[:, :, 0] += torch.randn(c.latent_channels, 8, 8)   # not among the last context_frames=1: unused
    assert torch.allclose(base, model(x, t, cond, context=older), atol=1e-5)
    newer = context.clone()
    newer[:, :, 1] += torch.randn(c.latent_channels, 8, 8)   # the previous block's last frame: seen
    assert not torch.allclose(base, model(x, t, cond, context=newer), atol=1e-4)


def test_frames_are_not_coupled_through_normalisation():
    """Per-frame GroupNorm: with temporal attention switched off by its zero init, frames are independent."""
    model = tiny_model()
    torch.nn.init.normal_(model.velocity_head.weight)
    c = model.config
    x, t = torch.randn(1, c.latent_channels, 3, 8, 8), torch.rand(1)
    cond = random_condition(c, 1, 3, 8)
    changed = x.clone()
    changed[:, :, 2] += torch.randn(c.latent_channels, 8, 8)
    assert torch.allclose(model(x, t, cond)[:, :, :2], model(changed, t, cond)[:, :, :2], atol=1e-5)


def test_refinement_is_identity_at_init_and_uses_the_next_frame_once_trained():
    refiner = CrossFrameRefiner(4, hidden=8, iters=2)
    z = torch.randn(2, 4, 5, 6, 6)
    assert torch.equal(refiner(z), z)
    torch.nn.init.normal_(refiner.f_phi[-1].weight)
    changed = z.clone()
    changed[:, :, 3] += 1.0
    step_a, step_b = refiner.step(z), refiner.step(changed)
    assert not torch.allclose(step_a[:, :, 2], step_b[:, :, 2])      # frame 2 sees frame 3 (its next)
    assert torch.allclose(step_a[:, :, 1], step_b[:, :, 1])          # frame 1 does not, in one step


def test_the_model_imports_diffusers_embeddings_without_torch_dynamo():
    """diffusers.utils imports torch._dynamo (~1.1 s) only for a decorator hvg never needs; hvg.model.unet imports
    diffusers' timestep classes without it, and torch._dynamo still imports afterwards (torch.compile)."""
    import subprocess
    import sys
    code = ("import sys; import hvg.model.unet as u; print(u.Timesteps.__module__, u.TimestepEmbedding.__module__, "
            "'torch._dynamo' in sys.modules); import torch._dynamo; print(callable(torch._dynamo.allow_in_graph))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["diffusers.models.embeddings", "diffusers.models.embeddings", "False", "True"]


def test_the_diffusers_import_is_left_alone_once_torch_dynamo_is_loaded():
    import subprocess
    import sys
    code = ("import sys, torch._dynamo; import hvg.model.unet as u; "
            "from diffusers.utils.torch_utils import maybe_allow_in_graph; "
            "print(maybe_allow_in_graph is torch._dynamo.allow_in_graph, sys.modules['torch._dynamo'] is not None)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["True", "True"]
