"""Each objective term re-derived independently, and each switched off by its lambda = 0."""
from __future__ import annotations

from dataclasses import replace

import pytest
import torch

from hvg.model.config import ObjectiveConfig
from hvg.model.objective import FlowMatchingObjective, TrainingBatch
from tests.model.helpers import random_condition, randomise_zero_layers, tiny_config, tiny_model

TERMS = {"flow": "lambda_flow", "attention": "lambda_attention", "refinement": "lambda_refinement",
         "style": "lambda_style"}


def make_batch(config, b=2, f=3, grid=8, context=True, seed=0) -> TrainingBatch:
    g = torch.Generator().manual_seed(seed)
    return TrainingBatch(
        latents=torch.randn(b, config.latent_channels, f, grid, grid, generator=g),
        cond=random_condition(config, b, f, grid, seed=seed),
        flow=torch.randn(b, 2, f, grid, grid, generator=g),
        style=torch.randint(config.n_styles, (b,), generator=g),
        context=torch.randn(b, config.latent_channels, config.context_frames, grid, grid, generator=g) if context
        else None)


def no_dropout_objective(**lambdas) -> FlowMatchingObjective:
    objective = FlowMatchingObjective(ObjectiveConfig(**lambdas), replace(tiny_config(), cond_dropout=0.0))
    return objective


def gradients(model, objective, batch, seed=0):
    model.zero_grad()
    total, terms = objective(model, batch, torch.Generator().manual_seed(seed))
    total.backward()
    return total, terms, {n: (p.grad.clone() if p.grad is not None else torch.zeros_like(p))
                          for n, p in model.named_parameters()}


def test_fm_term_is_the_velocity_error_against_data_minus_noise():
    model = randomise_zero_layers(tiny_model())
    batch = make_batch(model.config, context=False)
    objective = no_dropout_objective(lambda_flow=0, lambda_attention=0, lambda_refinement=0, lambda_style=0)
    total, terms = objective(model, batch, torch.Generator().manual_seed(3))
    # re-derive: the same draws, in the objective's order (time, then noise)
    g = torch.Generator().manual_seed(3)
    t = torch.sigmoid(torch.randn(2, generator=g))
    x0 = torch.randn(batch.latents.shape, generator=g)
    x_t = t[:, None, None, None, None] * batch.latents + (1 - t[:, None, None, None, None]) * x0
    expected = ((model(x_t, t, batch.cond) - (batch.latents - x0)) ** 2).mean()
    assert torch.allclose(total, expected, atol=1e-6)
    assert terms == {"fm": pytest.approx(float(expected.detach()), rel=1e-5)}


@pytest.mark.parametrize("term", list(TERMS))
def test_lambda_zero_removes_the_term_from_the_gradient(term):
    """The gradient is affine in λ: g(λ) = g_rest + λ g_term. λ = 0 must give exactly g_rest = 2 g(1) - g(2),
    and the term must matter (g(1) != g(0))."""
    model = randomise_zero_layers(tiny_model())
    batch = make_batch(model.config)
    grads = {}
    for value in (0.0, 1.0, 2.0):
        _, terms, grads[value] = gradients(model, no_dropout_objective(**{TERMS[term]: value}), batch, seed=1)
        assert (term in terms) == (value != 0)
    changed = False
    for name in grads[0.0]:
        extrapolated = 2 * grads[1.0][name] - grads[2.0][name]
        assert torch.allclose(grads[0.0][name], extrapolated, atol=1e-5), name
        changed |= not torch.allclose(grads[0.0][name], grads[1.0][name], atol=1e-6)
    assert changed


def test_switched_off_heads_get_no_gradient():
    model = randomise_zero_layers(tiny_model())
    objective = no_dropout_objective(lambda_flow=0, lambda_refinement=0, lambda_style=0)
    _, _, grads = gradients(model, objective, make_batch(model.config))
    for prefix in ("flow_head", "refiner", "style_head"):
        assert all(torch.count_nonzero(g) == 0 for n, g in grads.items() if n.startswith(prefix)), prefix
    objective = no_dropout_objective(lambda_flow=1, lambda_refinement=1, lambda_style=1)
    _, _, grads = gradients(model, objective, make_batch(model.config))
    for prefix in ("flow_head", "refiner", "style_head"):
        assert any(torch.count_nonzero(g) > 0 for n, g in grads.items() if n.startswith(prefix)), prefix


def test_attention_term_matches_a_hand_computation():
    objective = no_dropout_objective(attention_sigma=0.5)
    g = torch.Generator().manual_seed(0)
    weights = torch.rand(1, 2, 2, 4, 4, generator=g).softmax(-1)       # k = 1 context frame + 3 block frames
    flow = torch.randn(1, 2, 3, 2, 2, generator=g)
    loss = objective.attention_loss(weights, flow, k=1)
    errors = []
    for i in range(3):                      # block frame i is sequence frame 1 + i; its predecessor is i
        for y in range(2):
            for x in range(2):
                a_prev, a_self = weights[0, y, x, 1 + i, i], weights[0, y, x, 1 + i, 1 + i]
                moved = flow[0, 0, i, y, x] ** 2 + flow[0, 1, i, y, x] ** 2
                target = 0.5 * torch.exp(-moved / (2 * 0.25))
                errors.append((a_prev / (a_prev + a_self) - target) ** 2)
    assert torch.allclose(loss, torch.stack(errors).mean(), atol=1e-6)


def test_refinement_term_on_content_moving_along_the_flow():
    """A ramp moving one cell right per frame: video_k(x) = x - k, backward flow dx = -1. Warping frame k-1 along
    the flow reproduces frame k everywhere but column 0 (its source x = -1 is outside; border padding reads
    x = 0, off by exactly 1). With refined = data the anchor is 0, so the term is 1 * (1 column of 6) = 1/6."""
    objective = no_dropout_objective()
    ramp = torch.arange(6.0)[None, None, None, None, :].expand(1, 2, 1, 6, 6)
    video = torch.cat([ramp - k for k in range(3)], dim=2)                    # (1, 2, 3, 6, 6)
    flow = torch.zeros(1, 2, 3, 6, 6)
    flow[:, 0] = -1.0
    assert torch.allclose(objective.refinement_loss(video, video, flow), torch.tensor(1 / 6), atol=1e-6)
    still = torch.zeros_like(flow)
    assert torch.allclose(objective.refinement_loss(video, video, still), torch.tensor(1.0), atol=1e-6)
    assert torch.allclose(objective.refinement_loss(video + 0.5, video, flow), torch.tensor(0.25 + 1 / 6))


def test_style_term_is_cross_entropy():
    objective = no_dropout_objective()
    logits = torch.tensor([[2.0, 0.0, 0.0], [0.0, 1.0, 0.0]])
    labels = torch.tensor([0, 2])
    expected = -(torch.log(torch.exp(torch.tensor(2.0)) / (torch.exp(torch.tensor(2.0)) + 2))
                 + torch.log(1 / (torch.exp(torch.tensor(1.0)) + 2))) / 2
    assert torch.allclose(objective.style_loss(logits, labels), expected)


def test_condition_dropout_zeroes_whole_samples():
    objective = FlowMatchingObjective(ObjectiveConfig(), replace(tiny_config(), cond_dropout=0.5))
    batch = make_batch(tiny_config(), b=64, f=1, grid=4, context=False)
    dropped = objective.drop_conditions(batch, torch.Generator().manual_seed(0)).cond
    gone = dropped.present == 0
    assert 16 < int(gone.sum()) < 48          # Binomial(64, 0.5): outside this is < 1e-4 likely
    assert torch.all(dropped.maps[gone] == 0) and torch.all(dropped.vector[gone] == 0)
    assert torch.equal(dropped.maps[~gone], batch.cond.maps[~gone])


@pytest.mark.parametrize("share, correlated", [(1.0, True), (0.0, False)])
def test_training_noise_follows_the_motion_for_its_share_of_samples(share, correlated):
    """Everything moves one cell right per frame: warped noise at (y, x) in frame i repeats frame i-1's noise at
    (y, x-1) with correlation ~0.9; i.i.d. noise does not. Every frame stays N(0, 1) either way."""
    objective = FlowMatchingObjective(ObjectiveConfig(warped_noise_probability=share), tiny_config())
    b, c, f, grid = 4, 8, 6, 16
    flow = torch.zeros(b, 2, f, grid, grid)
    flow[:, 0] = -1.0                                         # backward flow: the source is one cell to the left
    noise = objective.sample_noise((b, c, f, grid, grid), flow, torch.Generator().manual_seed(0))
    now, before = noise[:, :, 1:, :, 1:], noise[:, :, :-1, :, :-1]
    correlation = torch.corrcoef(torch.stack([now.flatten(), before.flatten()]))[0, 1].item()
    assert (correlation > 0.8) if correlated else (abs(correlation) < 0.05)
    assert abs(noise.mean().item()) < 0.05 and abs(noise.std().item() - 1.0) < 0.05


def test_late_time_share_puts_that_share_of_samples_uniformly_on_the_end_of_the_path():
    """share 0: exactly the logit-normal draw (older runs resume exactly); share 1: U(0.8, 1) (Kolmogorov-Smirnov);
    share 0.5: the count in [0.8, 1] is binomial around 0.5 + 0.5 P(logit-normal > 0.8)."""
    from scipy import stats
    n = 4000

    def draw(share):
        objective = FlowMatchingObjective(ObjectiveConfig(late_time_share=share, late_time_from=0.8), tiny_config())
        return objective.sample_time(n, torch.Generator().manual_seed(0))

    plain = torch.sigmoid(torch.randn(n, generator=torch.Generator().manual_seed(0)))
    assert torch.equal(draw(0.0), plain)
    late = draw(1.0)
    assert late.min() >= 0.8 and stats.kstest(late.numpy(), stats.uniform(0.8, 0.2).cdf).pvalue > 1e-3
    above = stats.norm.sf(torch.logit(torch.tensor(0.8)).item())          # P(sigmoid(N(0, 1)) > 0.8) ~ 0.082
    expected = 0.5 + 0.5 * above
    count = int((draw(0.5) >= 0.8).sum())
    assert stats.binomtest(count, n, expected).pvalue > 1e-3, (count / n, expected)
