"""The training objective, one overridable step per term.

    L = L_fm + λ1 L_flow + λ2 L_attention + λ3 L_refinement + λ4 L_style                               (0)

With x1 the data latents (b, c, f, h, w), x0 ~ N(0, I) (for a share `warped_noise_probability` of the samples
motion-guided: N(0, I) in every frame, correlated along the ground-truth motion, as the sampler draws it),
t ~ sigmoid(N(0, s²)) per sample (a share `late_time_share` uniform on [late_time_from, 1] instead),
x_t = t x1 + (1 - t) x0 (hvg.model.sampler, t = 0 noise, t = 1 data), v = model(x_t, t, cond) and
x̂1 = x_t + (1 - t) v the data estimate:

    L_fm        = mean |v - (x1 - x0)|²                                                               (1)
    L_flow      = mean |F̂ - F|²       F̂ the flow head's backward motion (b, 2, f, h, w), F the ground truth
                                       (grid cells), so the features must know where things move          (2)
    L_attention = mean_{i ≥ 1, p} (r_ip - ½ exp(-|F_i(p)|² / 2σ²))²
                  r_ip = A[i, i-1] / (A[i, i-1] + A[i, i]) at position p of the first temporal attention:
                  a frame leans on the previous frame as much as itself where the content stayed put, and
                  not at all where it moved away (ground-truth correspondence = zero displacement)          (3)
    L_refinement = mean |R(x̂1) - x1|² + mean_{i ≥ 1} |R(x̂1)_i - W(R(x̂1)_{i-1}, F_i)|²
                  R the cross-frame refiner on x̂1 (detached: only the refiner learns from it), W the
                  backward warp: refined latents match the data and agree along the motion                 (4)
    L_style     = CE(style_head(x̂1), style label): the output must carry its style                          (5)

A λ of 0 skips its term entirely (nothing computed, no gradient). Classifier-free guidance: all conditions of
a sample are dropped together with probability `cond_dropout` (ModelConfig).
"""
from __future__ import annotations

from dataclasses import dataclass, replace

import torch
import torch.nn.functional as F

from hvg.model.condition import ModelCondition
from hvg.model.config import ModelConfig, ObjectiveConfig
from hvg.model.pyramid import downsample
from hvg.model.sampler import interpolate, predict_data, velocity_target
from hvg.model.warp import warp_backward


@dataclass
class TrainingBatch:
    latents: torch.Tensor                    # (b, c, f, h, w) data x1
    cond: ModelCondition                     # maps (b, m, f, h, w), vector (b, v), present (b,)
    flow: torch.Tensor                       # (b, 2, f, h, w) backward motion in grid cells (frame i vs i - 1)
    style: torch.Tensor                      # (b,) long: built-in style index
    context: torch.Tensor | None = None      # (b, c, k, h, w) clean latents of the frames before
    context_maps: torch.Tensor | None = None  # (b, m, k, h, w)

    def at_resolution(self, factor: int) -> "TrainingBatch":
        """The batch on a grid `factor` times coarser (pyramid training): latents and context average-pooled,
        flow pooled and scaled to the coarse grid's cells. Maps stay; the model pools them."""
        if factor == 1:
            return self
        return replace(self, latents=downsample(self.latents, factor), flow=downsample(self.flow, factor) / factor,
                       context=None if self.context is None else downsample(self.context, factor))

    def to(self, device) -> "TrainingBatch":
        move = (lambda x: None if x is None else x.to(device))
        return TrainingBatch(move(self.latents), self.cond.to(device), move(self.flow), move(self.style),
                             move(self.context), move(self.context_maps))


class FlowMatchingObjective:
    def __init__(self, config: ObjectiveConfig, model_config: ModelConfig):
        self.config = config
        self.cond_dropout = model_config.cond_dropout

    # --- sampling the path -----------------------------------------------------------------------------------

    def sample_time(self, batch_size: int, generator: torch.Generator) -> torch.Tensor:
        """t ~ sigmoid(N(0, s²)) (logit-normal, as in SD3): more weight on the middle of the path; for a share
        `late_time_share` of the samples t ~ U(late_time_from, 1) instead (no extra draws when it is 0, so older
        runs resume exactly)."""
        t = torch.sigmoid(torch.randn(batch_size, generator=generator) * self.config.logit_normal_std)
        share, start = self.config.late_time_share, self.config.late_time_from
        if share > 0:
            late = start + (1 - start) * torch.rand(batch_size, generator=generator)
            t = torch.where(torch.rand(batch_size, generator=generator) < share, late, t)
        return t

    def drop_conditions(self, batch: TrainingBatch, generator: torch.Generator) -> TrainingBatch:
        drop = torch.rand(batch.latents.shape[0], generator=generator) < self.cond_dropout
        if not drop.any():
            return batch
        drop = drop.to(batch.latents.device)
        context_maps = batch.context_maps
        if context_maps is not None:
            context_maps = context_maps * (~drop).to(context_maps.dtype)[:, None, None, None, None]
        return replace(batch, cond=batch.cond.dropped(drop), context_maps=context_maps)

    # --- the terms -------------------------------------------------------------------------------------------

    def fm_loss(self, v: torch.Tensor, target: torch.Tensor) -> torch.Tensor:                          # (1)
        return F.mse_loss(v, target)

    def flow_loss(self, predicted: torch.Tensor, flow: torch.Tensor) -> torch.Tensor:                  # (2)
        return F.mse_loss(predicted, flow)

    def attention_target(self, flow: torch.Tensor) -> torch.Tensor:
        """½ exp(-|F|² / 2σ²) per frame and position: (b, 2, f, h, w) -> (b, h, w, f)."""
        displacement = flow.square().sum(1)                                                    # (b, f, h, w)
        return 0.5 * torch.exp(-displacement / (2 * self.config.attention_sigma ** 2)).permute(0, 2, 3, 1)

    def attention_loss(self, weights: torch.Tensor, flow: torch.Tensor, k: int) -> torch.Tensor:      # (3)
        """weights (b, h, w, k+f, k+f) over context + block frames; flow (b, 2, f, h, w) of the block frames."""
        first = 1 if k == 0 else 0              # with context, the block's first frame has a predecessor too
        frames = torch.arange(k + first, weights.shape[-1], device=weights.device)
        to_previous = weights[..., frames, frames - 1]                                         # (b, h, w, n)
        to_self = weights[..., frames, frames]
        ratio = to_previous / (to_previous + to_self + 1e-8)
        target = self.attention_target(flow)[..., first:]
        return F.mse_loss(ratio, target)

    def refinement_loss(self, refined: torch.Tensor, data: torch.Tensor, flow: torch.Tensor) -> torch.Tensor:  # (4)
        anchor = F.mse_loss(refined, data)
        if refined.shape[2] < 2:
            return anchor
        b, c, f, h, w = refined.shape
        previous = refined[:, :, :-1].transpose(1, 2).reshape(b * (f - 1), c, h, w)
        motion = flow[:, :, 1:].transpose(1, 2).reshape(b * (f - 1), 2, h, w)
        current = refined[:, :, 1:].transpose(1, 2).reshape(b * (f - 1), c, h, w)
        return anchor + F.mse_loss(current, warp_backward(previous, motion))

    def sample_noise(self, shape, flow: torch.Tensor, generator: torch.Generator) -> torch.Tensor:
        """x0 for a batch: i.i.d. N(0, I), or for a share of the samples motion-guided noise along their flow
        (Go-with-the-Flow, Burgert et al. 2025, trains on warped noise so the model learns to read its motion;
        a model trained on i.i.d. noise alone takes correlated noise for content and keeps it)."""
        noise = torch.randn(shape, generator=generator)
        share = self.config.warped_noise_probability
        if share <= 0:
            return noise
        from hvg.lower.noise import DEFAULT_CORRELATION, warped_noise
        chosen = torch.rand(shape[0], generator=generator) < share
        for index in torch.nonzero(chosen).flatten().tolist():
            motion = flow[index].detach().cpu().permute(1, 2, 3, 0)                         # (f, h, w, 2)
            noise[index] = warped_noise(motion, shape[1], generator=generator, correlation=DEFAULT_CORRELATION)
        return noise

    def style_loss(self, logits: torch.Tensor, style: torch.Tensor) -> torch.Tensor:                  # (5)
        return F.cross_entropy(logits, style)

    # --- all together (0) ------------------------------------------------------------------------------------

    def __call__(self, model, batch: TrainingBatch, generator: torch.Generator
                 ) -> tuple[torch.Tensor, dict[str, float]]:
        """Returns the total loss (a scalar with gradient) and every term's value (floats, for logs)."""
        c = self.config
        x1 = batch.latents
        t = self.sample_time(x1.shape[0], generator).to(x1.device)
        x0 = self.sample_noise(x1.shape, batch.flow, generator).to(x1.device)
        batch = self.drop_conditions(batch, generator)
        x_t = interpolate(x0, x1, t)
        v, aux = model(x_t, t, batch.cond, context=batch.context, context_maps=batch.context_maps, return_aux=True)
        terms = {"fm": self.fm_loss(v, velocity_target(x0, x1))}
        total = terms["fm"]
        data_estimate = predict_data(x_t, v, t)
        if c.lambda_flow:
            terms["flow"] = self.flow_loss(aux["flow"], batch.flow)
            total = total + c.lambda_flow * terms["flow"]
        if c.lambda_attention:
            terms["attention"] = self.attention_loss(aux["attention"], batch.flow, aux["k"])
            total = total + c.lambda_attention * terms["attention"]
        if c.lambda_refinement:
            refined = model.refiner(data_estimate.detach())
            terms["refinement"] = self.refinement_loss(refined, x1, batch.flow)
            total = total + c.lambda_refinement * terms["refinement"]
        if c.lambda_style:
            terms["style"] = self.style_loss(model.style_head(data_estimate), batch.style)
            total = total + c.lambda_style * terms["style"]
        return total, {name: float(value.detach()) for name, value in terms.items()}
