"""Widening a trained model's latent space: more PatchPCA components, the same network on the ones it knows.

Why: the 16-channel PatchPCA code is what limits control on busy scenes. Passing the animatic through it and
back (no model at all) keeps a mean IoU of 0.52 on unseen synthetic programs whose animatic scores 0.77; 32
channels keep 0.67 (docs/model.md). Training the flow model again from scratch for a wider code costs hours of
CPU; widening does not throw the trained network away:

- PCA components are nested: the top 32 directions of the patch covariance begin with the top 16. So the wider
  code is the old code plus the top components of what the old code leaves out (`extend_latent_space`), and
  its first channels are exactly the old latents.
- The network is widened with zeros (`widen_model`): the new latent channels enter through zero weights and
  leave through zero velocity rows, so the widened model computes exactly what the old one did on the old
  channels and predicts no motion for the new ones. Fine-tuning then teaches it the new channels
  (`hvg train --init-from`), starting from everything it already knew (Net2Net, Chen et al. 2016, widens
  networks the same function-preserving way).
"""
from __future__ import annotations

from dataclasses import replace

import torch

from hvg.model.autoencoder import PatchPCA
from hvg.model.unet import HSTUNet


@torch.no_grad()
def extend_latent_space(pca: PatchPCA, frames: torch.Tensor, channels: int) -> PatchPCA:
    """A PatchPCA of `channels` components whose first ones are `pca`'s (same mean, directions and scales) and
    whose others are the top principal directions of what `pca` leaves of `frames` (n, 3, H, W) in [-1, 1]."""
    extra = channels - pca.latent_channels
    if extra < 0:
        raise ValueError(f"cannot narrow a {pca.latent_channels}-channel latent space to {channels}")
    if extra == 0:              # a fine-tune at the same width: nothing to fit (the residual would be GBs of patches)
        same = PatchPCA(channels, pca.patch)
        same.load_state_dict(pca.state_dict())
        return same
    patches = pca._patches(frames.double()) - pca.mean.double()
    kept = pca.components.double()
    residual = patches - (patches @ kept.T) @ kept                       # orthogonal to the kept directions
    covariance = residual.T @ residual / max(len(residual) - 1, 1)
    eigenvalues, eigenvectors = torch.linalg.eigh(covariance)
    order = eigenvalues.argsort(descending=True)[:extra]
    added = eigenvectors[:, order].T
    signs = torch.sign(added[torch.arange(len(added)), added.abs().argmax(1)])   # a fixed sign, as PatchPCA.fit
    wider = PatchPCA(channels, pca.patch)
    wider.mean.copy_(pca.mean)
    wider.components.copy_(torch.cat([pca.components, (added * signs[:, None]).float()]))
    wider.scale.copy_(torch.cat([pca.scale, eigenvalues[order].clamp_min(1e-8).sqrt().float()]))
    return wider


@torch.no_grad()
def widen_model(model: HSTUNet, channels: int) -> HSTUNet:
    """A copy of `model` for `channels` latent channels that computes exactly what `model` computes on its own
    channels and a zero velocity on the added ones (whatever their values)."""
    old = model.config.latent_channels
    wider = HSTUNet(replace(model.config, latent_channels=channels))
    source = model.state_dict()                 # load_state_dict below copies; the old model is left as it was
    target = wider.state_dict()
    # the weights whose input channels begin with the latents: {name: [(start, count) of each group of latents]}
    in_groups = {"conv_in.weight": [(0, old)], "style_head.conv.weight": [(0, old)],
                 "refiner.f_phi.0.weight": [(0, old), (old, old)]}   # the refiner sees [frame, next frame]
    out_weights = {"velocity_head.weight", "velocity_head.bias", "refiner.f_phi.4.weight", "refiner.f_phi.4.bias"}
    for name, value in source.items():
        if name in in_groups:
            widened = torch.zeros_like(target[name])
            position = 0
            for group, (start, count) in enumerate(in_groups[name]):
                widened[:, group * channels:group * channels + count] = value[:, start:start + count]
                position = start + count
            widened[:, len(in_groups[name]) * channels:] = value[:, position:]   # the layout maps after the latents
            target[name] = widened
        elif name in out_weights:
            widened = torch.zeros_like(target[name])
            widened[:old] = value
            target[name] = widened
        else:
            target[name] = value
    wider.load_state_dict(target)
    return wider
