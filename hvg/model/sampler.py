"""Samplers for the flow-matching model: Euler, and pyramidal Euler (low resolution first, then finer).

Flow time, written once here: t = 0 is noise, t = 1 is data. On the straight (rectified-flow) path

    x_t = t * x1 + (1 - t) * x0,      dx_t/dt = x1 - x0,     x0 ~ N(0, I) noise, x1 data          (1)

the model predicts the velocity v(x_t, t) ~ x1 - x0 and a sampler integrates dx/dt = v from t = 0 to 1.
A sampler is a free function `sample(model, x, cond, *, steps, generator, callback, ...)`; `model` is any
callable `model(x, t, cond, **kwargs) -> v` (an HSTUNet, or a test's known velocity field).
"""
from __future__ import annotations

from typing import Callable

import torch

from hvg.model.pyramid import downsample, renoise, stage_plan

NOISE_T, DATA_T = 0.0, 1.0
StepCallback = Callable[[int, int, torch.Tensor], None]      # (steps done, steps in all, current x)


# =============================================================================================================
# The path (1): the objective imports these, so the convention lives in one place
# =============================================================================================================


def interpolate(noise: torch.Tensor, data: torch.Tensor, t: torch.Tensor) -> torch.Tensor:
    """x_t = t * data + (1 - t) * noise; t (b,) broadcast over (b, c, f, h, w)."""
    t = t.view(-1, *([1] * (data.ndim - 1)))
    return t * data + (1 - t) * noise


def velocity_target(noise: torch.Tensor, data: torch.Tensor) -> torch.Tensor:
    """dx_t/dt on the straight path: data - noise."""
    return data - noise


def predict_data(x_t: torch.Tensor, velocity: torch.Tensor, t: torch.Tensor) -> torch.Tensor:
    """The data estimate one Euler step to t = 1 reaches: x1 = x_t + (1 - t) v."""
    t = t.view(-1, *([1] * (x_t.ndim - 1)))
    return x_t + (1 - t) * velocity


def velocity(model, x, t, cond, guidance: float = 1.0, **kwargs) -> torch.Tensor:
    """The model's velocity, with classifier-free guidance when the model supports it and guidance != 1."""
    if guidance != 1.0 and hasattr(model, "forward_with_guidance"):
        return model.forward_with_guidance(x, t, cond, guidance, **kwargs)
    return model(x, t, cond, **kwargs)


def initial_noise(x, generator: torch.Generator | None) -> torch.Tensor:
    """`x` is the starting noise, or a shape to draw it for (from `generator`)."""
    if torch.is_tensor(x):
        return x
    return torch.randn(tuple(x), generator=generator)


# =============================================================================================================
# Samplers
# =============================================================================================================


@torch.no_grad()
def sample(model, x, cond, *, steps: int, generator: torch.Generator | None = None,
           callback: StepCallback | None = None, guidance: float = 1.0, t_start: float = NOISE_T,
           t_end: float = DATA_T, step_offset: int = 0, total_steps: int | None = None, **model_kwargs):
    """Euler's method on dx/dt = v(x, t) from t_start to t_end in `steps` equal steps (rectified flow sampling,
    Liu et al. 2022). x: noise (b, c, f, h, w) or its shape. Returns x at t_end."""
    x = initial_noise(x, generator)
    times = torch.linspace(t_start, t_end, steps + 1)
    total = total_steps or steps
    for i in range(steps):
        t = torch.full((x.shape[0],), float(times[i]), device=x.device, dtype=x.dtype)
        v = velocity(model, x, t, cond, guidance, **model_kwargs)
        x = x + (times[i + 1] - times[i]).item() * v
        if callback is not None:
            callback(step_offset + i + 1, total, x)
    return x


@torch.no_grad()
def sample_pyramid(model, x, cond, *, steps: int, stages: int = 3, generator: torch.Generator | None = None,
                   callback: StepCallback | None = None, guidance: float = 1.0, context: torch.Tensor | None = None,
                   init: torch.Tensor | None = None, t_start: float = NOISE_T, **model_kwargs):
    """Pyramidal flow matching (Jin et al. 2024): stage s runs Euler at 1/2^(stages-1-s) of the latent grid over
    its time window; between stages the latents are upsampled and re-noised so that the next stage starts on the
    right marginal (`hvg.model.pyramid.renoise`). Only the last stage runs at full resolution.

    x: full-resolution noise (b, c, f, h, w) (e.g. motion-guided) or its shape. The noise of every stage is
    taken from it: stage 0 uses its average at the coarsest grid, each jump adds its next-finer detail, so the
    whole trajectory is a function of `x` alone. `context` (b, c, k, h, w) is pooled to each stage's grid.

    `init` (b, c, f, h, w) clean latents and `t_start` > 0: start part-way, from x_t = t init + (1 - t) noise on
    the stage that holds t_start (SDEdit, Meng et al. 2021: the result keeps init's layout, the model redraws it).
    """
    noise = initial_noise(x, generator)
    plan = stage_plan(steps, stages)
    if init is not None and t_start > NOISE_T:
        plan = _plan_from(plan, t_start, steps)
    total = sum(stage.steps for stage in plan)
    levels = stage_plan(steps, stages)
    first = len(levels) - len(plan)                               # stages skipped by a late start
    factor = 2 ** (len(levels) - 1 - first)
    x = downsample(noise, factor) * factor                        # unit variance at the first stage's grid
    if init is not None and t_start > NOISE_T:
        x = plan[0].start * downsample(init, factor) + (1 - plan[0].start) * x
    done = 0
    for index, stage in enumerate(plan):
        factor = 2 ** (len(levels) - 1 - first - index)
        stage_context = None if context is None else downsample(context, factor)
        x = sample(model, x, cond, steps=stage.steps, guidance=guidance, t_start=stage.start, t_end=stage.end,
                   callback=callback, step_offset=done, total_steps=total, context=stage_context, **model_kwargs)
        done += stage.steps
        if index + 1 < len(plan):
            finer = factor // 2
            x = renoise(x, stage.end, downsample(noise, finer) * finer)
    return x


def _plan_from(plan, t_start: float, steps: int):
    """The stages still needed when sampling starts at t_start, the first one cut at t_start. Like diffusers'
    image-to-image pipelines with `strength`, a late start runs int(steps x (1 - t_start)) steps (at least one a
    stage), shared equally among the kept stages, the remainder to the coarsest: the standard preset's 16 steps
    from the animatic at strength 0.3 are 4 steps, not a share of one stage's."""
    from hvg.model.pyramid import Stage
    kept = [stage for stage in plan if stage.end > t_start]
    total = max(len(kept), int(steps * (1.0 - t_start) + 1e-9))
    share, remainder = divmod(total, len(kept))
    starts = [max(kept[0].start, t_start)] + [stage.start for stage in kept[1:]]
    return [Stage(start, stage.end, share + (1 if i < remainder else 0))
            for i, (start, stage) in enumerate(zip(starts, kept))]
