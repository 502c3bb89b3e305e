"""Samplers against known answers, the pyramid's re-noising statistics, cost, and determinism."""
from __future__ import annotations

import pytest
import torch

from hvg.model.pyramid import compress_history, expand_history, jump_time, pyramid_cost, renoise, stage_plan, \
    upsample
from hvg.model.sampler import predict_data, sample, sample_pyramid
from tests.model.helpers import random_condition, randomise_zero_layers, tiny_model


def cubic_velocity(x, t, cond, **_):
    """v = 3 t²: x moves by ∫0^1 3t² dt = 1 exactly."""
    return 3 * t.view(-1, 1, 1, 1, 1) ** 2 * torch.ones_like(x)


@pytest.mark.parametrize("steps", [1, 4, 50, 1000])
def test_euler_on_3t_squared_matches_its_closed_form_and_converges_to_one(steps):
    x0 = torch.zeros(1, 1, 1, 2, 2)
    moved = sample(cubic_velocity, x0, None, steps=steps)
    # Euler is the left Riemann sum: sum_i 3 (i/n)^2 / n = (n-1)(2n-1) / (2n^2)
    expected = (steps - 1) * (2 * steps - 1) / (2 * steps ** 2)
    assert torch.allclose(moved, torch.full_like(moved, expected), atol=1e-5)
    assert abs(moved.mean().item() - 1.0) <= 1.6 / steps


def test_euler_is_exact_for_a_straight_path():
    """On a straight path with the true velocity x1 - x0, even one Euler step lands on the data."""
    g = torch.Generator().manual_seed(0)
    x0, x1 = torch.randn(2, 3, 2, 4, 4, generator=g), torch.randn(2, 3, 2, 4, 4, generator=g)
    field = (lambda x, t, cond, **_: x1 - x0)
    assert torch.allclose(sample(field, x0, None, steps=1), x1, atol=1e-6)
    assert torch.allclose(sample(field, x0, None, steps=7), x1, atol=1e-5)
    t = torch.full((2,), 0.3)
    assert torch.allclose(predict_data(0.3 * x1 + 0.7 * x0, x1 - x0, t), x1, atol=1e-6)


def test_callback_sees_every_step():
    seen = []
    sample(cubic_velocity, torch.zeros(1, 1, 1, 4, 4), None, steps=5, callback=lambda i, n, x: seen.append((i, n)))
    assert seen == [(i, 5) for i in range(1, 6)]
    seen.clear()
    sample_pyramid(cubic_velocity, torch.zeros(1, 1, 1, 16, 16), None, steps=9, stages=3,
                   callback=lambda i, n, x: seen.append((i, n)))
    assert seen == [(i, 9) for i in range(1, 10)]


def test_samplers_are_deterministic_under_a_generator():
    model = randomise_zero_layers(tiny_model()).eval()
    c = model.config
    cond = random_condition(c, 1, 2, 16)
    shape = (1, c.latent_channels, 2, 16, 16)
    for sampler in (sample, sample_pyramid):
        a = sampler(model, shape, cond, steps=3, generator=torch.Generator().manual_seed(5), guidance=2.0)
        b = sampler(model, shape, cond, steps=3, generator=torch.Generator().manual_seed(5), guidance=2.0)
        other = sampler(model, shape, cond, steps=3, generator=torch.Generator().manual_seed(6), guidance=2.0)
        assert torch.equal(a, b) and not torch.allclose(a, other)


def test_renoise_gives_iid_noise_of_the_right_scale_and_the_blurred_data():
    """x_low = e * y + (1 - e) * n on the coarse grid; after the jump the noise part must be i.i.d. with std
    1 - s (no correlation inside 2x2 blocks) and the data part s * U(y)."""
    e = 0.5
    s = jump_time(e)
    g = torch.Generator().manual_seed(0)
    y = torch.randn(1, 1, 1, 4, 4, generator=g)
    n = torch.randn(4000, 1, 1, 4, 4, generator=g)
    fine = torch.randn(4000, 1, 1, 8, 8, generator=g)
    out = renoise(e * y + (1 - e) * n, e, fine)
    mean = out.mean(0, keepdim=True)
    assert torch.allclose(mean, s * upsample(y), atol=0.05)                   # 4000 samples: se ~ 0.011
    noise = (out - s * upsample(y)).flatten(1)
    std = noise.std(0)
    assert torch.allclose(std, torch.full_like(std, 1 - s), atol=0.03)
    corr = torch.corrcoef(noise[:, :16].T)                                   # pixels (0,0),(0,1) share a block
    block_neighbours = corr[0, 1]
    assert abs(block_neighbours.item()) < 0.06                                # se ~ 1/sqrt(4000) = 0.016


def test_stage_plan_covers_the_path_and_the_pyramid_is_cheaper():
    plan = stage_plan(16, 3)
    assert plan[0].start == 0.0 and plan[-1].end == 1.0
    assert sum(stage.steps for stage in plan) == 16
    for previous, stage in zip(plan, plan[1:]):
        assert stage.start == pytest.approx(jump_time(previous.end)) and stage.start < previous.end
    assert pyramid_cost(16, 3) < 0.45 and pyramid_cost(16, 1) == 1.0


def test_the_coarse_stages_hold_only_the_first_thirty_percent_of_the_path():
    """Stage ends 0.1, 0.3, 1 (3 stages) and 0.3, 1 (2): full resolution from t = 0.176, where the layout forms
    (docs/model.md); each coarse stage ends at a third of the next one's end."""
    from hvg.model.pyramid import stage_ends
    assert stage_ends(3) == [0.1, 0.3, 1.0] and stage_ends(2) == [0.3, 1.0] and stage_ends(1) == [1.0]
    for stages in (2, 3):
        assert stage_plan(16, stages)[-1].start == pytest.approx(0.3 / 1.7)      # jump_time(0.3) = 0.3 / (2 - 0.3)


@pytest.mark.parametrize("steps, stages, counts", [(16, 3, [6, 5, 5]), (8, 3, [3, 3, 2]), (32, 2, [16, 16]),
                                                   (3, 3, [1, 1, 1]), (2, 3, [1, 1])])
def test_every_stage_gets_the_same_steps_and_the_coarsest_the_remainder(steps, stages, counts):
    assert [stage.steps for stage in stage_plan(steps, stages)] == counts


def test_pyramid_costs_fewer_flops_than_full_resolution():
    from torch.utils.flop_counter import FlopCounterMode
    model = randomise_zero_layers(tiny_model()).eval()
    c = model.config
    cond = random_condition(c, 1, 2, 16)
    noise = torch.randn(1, c.latent_channels, 2, 16, 16, generator=torch.Generator().manual_seed(0))

    def flops(fn) -> int:
        with FlopCounterMode(display=False) as counter:
            fn()
        return counter.get_total_flops()
    full = flops(lambda: sample(model, noise, cond, steps=12))
    pyramid = flops(lambda: sample_pyramid(model, noise, cond, steps=12, stages=3))
    assert pyramid < 0.6 * full


def test_history_keeps_the_newest_frames_exactly_and_older_ones_at_half_resolution():
    latents = torch.randn(1, 2, 6, 8, 8)
    history = compress_history(latents, keep=4, full_frames=2)
    assert history["fine"].shape == (1, 2, 2, 8, 8) and history["coarse"].shape == (1, 2, 2, 4, 4)
    context = expand_history(history)
    assert context.shape == (1, 2, 4, 8, 8)
    assert torch.equal(context[:, :, 2:], latents[:, :, 4:])
    assert torch.allclose(context[:, :, :2].mean((-1, -2)), latents[:, :, 2:4].mean((-1, -2)), atol=1e-5)


def test_a_late_start_keeps_the_init_and_skips_early_stages():
    """Starting at t_start = 0.7 (past both coarse stages, which end at 1/3 and 2/3) runs only the full-resolution
    stage; with the exact field toward `init`, v = (init - x) / (1 - t), the last Euler step lands on init."""
    g = torch.Generator().manual_seed(0)
    init = torch.randn(1, 2, 1, 16, 16, generator=g)
    noise = torch.randn(1, 2, 1, 16, 16, generator=g)
    seen = []

    def toward_init(x, t, cond, **_):
        return (init - x) / (1 - t.view(-1, 1, 1, 1, 1))
    out = sample_pyramid(toward_init, noise, None, steps=8, stages=3, init=init, t_start=0.7,
                         callback=lambda i, n, x: seen.append((i, n, x.shape[-1])))
    assert all(size == 16 for _, _, size in seen)
    assert seen[-1][0] == seen[-1][1] == len(seen) < 8
    assert torch.allclose(out, init, atol=1e-5)


@pytest.mark.parametrize("steps, stages, expected", [(16, 3, 4), (8, 3, 2), (32, 2, 9), (16, 1, 4)])
def test_a_late_start_runs_its_share_of_the_steps_as_img2img_does(steps, stages, expected):
    """strength 0.3 (t_start 0.7): int(steps x 0.3) steps, whatever the pyramid, so pyramid=off costs the same."""
    from hvg.model.sampler import _plan_from
    plan = _plan_from(stage_plan(steps, stages), 0.7, steps)
    assert sum(stage.steps for stage in plan) == expected and plan[0].start == 0.7 and plan[-1].end == 1.0
