"""The pyramids of pyramidal flow matching: stage plans, resolution changes, the corrected re-noising at a stage
jump (spatial pyramid), and the history of earlier blocks kept at reduced resolution (temporal pyramid).

Re-noising, derived (docs/model.md has it written out). A stage ends at time e on a grid 2x coarser:
    x_low = e * D(x1) + (1 - e) * n,               n ~ N(0, I) on the coarse grid
D = 2x2 average pooling, U = nearest upsampling. U(n) has one shared value per 2x2 block (covariance J, all
ones), so U(x_low) is not a valid noisy sample on the fine grid. With the fine noise's block detail
m = eps - U(D(eps)) (covariance I - J/4 per block, independent of D(eps)):
    x_start = c * U(x_low) + (1 - s) * m,   s = e / (2 - e),   c = 1 / (2 - e)
has data part s * U(D(x1)) and noise covariance c^2 (1-e)^2 J + (1-s)^2 (I - J/4) = (1-s)^2 I, since
c (1 - e) = (1 - s) / 2. So the next stage starts at flow time s < e with exactly i.i.d. N(0, (1-s)^2) noise.
"""
from __future__ import annotations

from dataclasses import dataclass

import torch
import torch.nn.functional as F
from einops import rearrange

# =============================================================================================================
# Resolution changes on (b, c, f, h, w)
# =============================================================================================================


def downsample(x: torch.Tensor, factor: int) -> torch.Tensor:
    """Average pooling of each frame by `factor` (b, c, f, h, w) -> (b, c, f, h/factor, w/factor)."""
    if factor == 1:
        return x
    b = x.shape[0]
    pooled = F.avg_pool2d(rearrange(x, "b c f h w -> (b f) c h w"), factor)
    return rearrange(pooled, "(b f) c h w -> b c f h w", b=b)


def upsample(x: torch.Tensor, factor: int = 2) -> torch.Tensor:
    """Nearest upsampling of each frame (b, c, f, h, w) -> (b, c, f, h*factor, w*factor)."""
    return x if factor == 1 else F.interpolate(x, scale_factor=(1, factor, factor), mode="nearest")


# =============================================================================================================
# Spatial pyramid
# =============================================================================================================


def jump_time(stage_end: float) -> float:
    """The flow time s = e / (2 - e) at which the next (2x finer) stage starts when the current one ends at e."""
    return stage_end / (2.0 - stage_end)


def renoise(x_low: torch.Tensor, stage_end: float, fine_noise: torch.Tensor) -> torch.Tensor:
    """Upsample a stage's end point x_low (b, c, f, h, w) at flow time `stage_end` to the 2x finer grid and
    re-noise it (module docstring). `fine_noise` (b, c, f, 2h, 2w) is unit-variance noise on the fine grid;
    only its 2x2 block detail is used. Returns the next stage's start, at flow time `jump_time(stage_end)`."""
    s = jump_time(stage_end)
    detail = fine_noise - upsample(downsample(fine_noise, 2))
    return upsample(x_low) / (2.0 - stage_end) + (1.0 - s) * detail


@dataclass(frozen=True)
class Stage:
    start: float      # flow time at the stage's start
    end: float        # ... and end
    steps: int


COARSE_END = 0.3     # the last coarse stage ends here; each coarser one at a third of the next (docs/model.md)


def stage_ends(stages: int) -> list[float]:
    """Where each stage ends, coarsest first: 3 stages 0.1, 0.3, 1; 2 stages 0.3, 1. The coarse stages hold only
    the first 30% of the path: the network's layout forms on the finest grid, so the sooner it gets there the
    better it follows the program (measured from noise, docs/benchmarks.md: equal windows 1/3, 2/3, 1 lost 0.08
    of IoU against full resolution throughout, these 0.002), while the coarse stages still take the noisiest,
    cheapest steps."""
    return [round(COARSE_END / 3 ** (stages - 2 - s), 12) for s in range(stages - 1)] + [1.0]


def stage_plan(steps: int, stages: int) -> list[Stage]:
    """Split [0, 1] into `stages` windows, coarsest first, ending at `stage_ends`; the next stage starts at the
    previous one's jump time. Every stage gets the same number of steps, as in Pyramidal Flow Matching's sampler
    (Jin et al. 2024: e.g. [20, 20, 20]); the remainder goes to the coarsest stages, which are the cheapest."""
    stages = max(1, min(stages, steps))
    ends = stage_ends(stages)
    starts = [0.0] + [jump_time(e) for e in ends[:-1]]
    share, remainder = divmod(steps, stages)
    counts = [share + (1 if s < remainder else 0) for s in range(stages)]
    return [Stage(s, e, n) for s, e, n in zip(starts, ends, counts)]


def pyramid_cost(steps: int, stages: int) -> float:
    """Model evaluations weighted by grid area, relative to `steps` full-resolution steps."""
    plan = stage_plan(steps, stages)
    return sum(stage.steps / 4 ** (len(plan) - 1 - i) for i, stage in enumerate(plan)) / steps


# =============================================================================================================
# Temporal pyramid: the previous block's last frames, the older ones kept at half resolution
# =============================================================================================================


def compress_history(latents: torch.Tensor, keep: int, full_frames: int) -> dict[str, torch.Tensor]:
    """The last `keep` frames of latents (b, c, f, h, w): the newest `full_frames` as they are, the older ones
    pooled 2x (a quarter of the memory; attention to far history needs less detail)."""
    history = latents[:, :, -keep:] if keep else latents[:, :, :0]
    split = max(history.shape[2] - full_frames, 0)
    return {"coarse": downsample(history[:, :, :split], 2), "fine": history[:, :, split:]}


def expand_history(history: dict[str, torch.Tensor]) -> torch.Tensor:
    """The context frames (b, c, k, h, w) back on the full grid, oldest first."""
    return torch.cat([upsample(history["coarse"], 2), history["fine"]], dim=2)
