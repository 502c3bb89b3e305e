"""Attention of the HST-UNet: spatial (within a frame), temporal (across frames, block-sparse), cross-scale.

Axis legend: b batch, c channels, f frames (context frames first, then the block's own), h w latent grid,
n heads, d head width.

Temporal attention is block-sparse: a frame attends to the frames of its own block and to the last
`context_frames` frames of the previous block, nothing else. `block_sparse_mask` writes that rule once; flex
attention (where it compiles, on CUDA) and SDPA with a boolean mask (everywhere else) both consume it.
"""
from __future__ import annotations

import math

import torch
import torch.nn.functional as F
from einops import rearrange
from torch import nn

# =============================================================================================================
# The block-sparse temporal mask
# =============================================================================================================


def block_sparse_mask(frame_blocks: torch.Tensor, context_frames: int) -> torch.Tensor:
    """frame_blocks (f,) int: the block each frame belongs to, non-decreasing. Returns (f, f) bool, True = may
    attend: query i sees key j iff j is in i's block, or j is among the last `context_frames` of block(i) - 1."""
    blocks = frame_blocks.long()
    index = torch.arange(len(blocks), device=blocks.device)
    last_of_block = torch.zeros_like(blocks)
    for block in blocks.unique():
        last_of_block[blocks == block] = index[blocks == block].max()
    same_block = blocks[:, None] == blocks[None, :]
    previous_block = blocks[None, :] == blocks[:, None] - 1
    recent = (last_of_block - index)[None, :] < context_frames                          # among its block's last K
    return same_block | (previous_block & recent)


def flex_available(device: torch.device | str) -> bool:
    """Flex attention only pays off when compiled, which hvg does only on CUDA."""
    if torch.device(device).type != "cuda":
        return False
    try:
        from torch.nn.attention.flex_attention import flex_attention  # noqa: F401
        return True
    except ImportError:
        return False


def masked_attention(q: torch.Tensor, k: torch.Tensor, v: torch.Tensor, mask: torch.Tensor | None,
                     use_flex: bool = False) -> torch.Tensor:
    """q k v (b, n, f, d); mask (f, f) bool or None. SDPA with a boolean mask, or flex attention with the same
    mask as a block mask."""
    if mask is None:
        return F.scaled_dot_product_attention(q, k, v)
    if use_flex:
        from torch.nn.attention.flex_attention import create_block_mask, flex_attention
        dense = mask

        def mask_mod(b, h, q_idx, kv_idx):
            return dense[q_idx, kv_idx]

        block_mask = create_block_mask(mask_mod, None, None, q.shape[-2], k.shape[-2], device=q.device)
        run = torch.compile(flex_attention) if q.device.type == "cuda" else flex_attention
        return run(q, k, v, block_mask=block_mask)
    return F.scaled_dot_product_attention(q, k, v, attn_mask=mask)


def attention_weights(q: torch.Tensor, k: torch.Tensor, mask: torch.Tensor | None) -> torch.Tensor:
    """The softmax weights (b, n, f, f) written out, for the L_attention term (SDPA does not return them)."""
    scores = q @ k.transpose(-1, -2) / math.sqrt(q.shape[-1])
    if mask is not None:
        scores = scores.masked_fill(~mask, float("-inf"))
    return scores.softmax(-1)


def frame_positions(n_frames: int, dim: int, device) -> torch.Tensor:
    """Sinusoidal embedding of the frame index (f, dim): temporal attention needs to know frame order."""
    half = dim // 2
    freqs = torch.exp(-math.log(1000.0) * torch.arange(half, device=device) / max(half, 1))
    angles = torch.arange(n_frames, device=device)[:, None] * freqs[None, :]
    emb = torch.cat([angles.sin(), angles.cos()], dim=-1)
    return F.pad(emb, (0, dim - emb.shape[-1]))


# =============================================================================================================
# Modules (each: pre-norm, zero-initialised output projection, residual)
# =============================================================================================================


class _Attention(nn.Module):
    def __init__(self, channels: int, heads: int, context_channels: int | None = None):
        super().__init__()
        self.heads = heads
        self.norm = nn.LayerNorm(channels)
        self.to_q = nn.Linear(channels, channels, bias=False)
        self.to_kv = nn.Linear(context_channels or channels, 2 * channels, bias=False)
        self.context_norm = nn.LayerNorm(context_channels) if context_channels else nn.Identity()
        self.out = nn.Linear(channels, channels)
        nn.init.zeros_(self.out.weight)   # starts as the identity (residual)
        nn.init.zeros_(self.out.bias)

    def split(self, x: torch.Tensor) -> torch.Tensor:
        return rearrange(x, "b s (n d) -> b n s d", n=self.heads)


class SpatialAttention(_Attention):
    """Self-attention among the h*w positions of each frame."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:                   # x (b, c, f, h, w)
        b, c, f, h, w = x.shape
        tokens = rearrange(x, "b c f h w -> (b f) (h w) c")
        normed = self.norm(tokens)
        q = self.split(self.to_q(normed))
        k, v = map(self.split, self.to_kv(normed).chunk(2, dim=-1))
        out = rearrange(F.scaled_dot_product_attention(q, k, v), "b n s d -> b s (n d)")
        tokens = tokens + self.out(out)
        return rearrange(tokens, "(b f) (h w) c -> b c f h w", b=b, h=h)


class TemporalAttention(_Attention):
    """Attention across frames at each position, restricted by the block-sparse mask."""

    def forward(self, x: torch.Tensor, mask: torch.Tensor | None, *, use_flex: bool = False,
                return_weights: bool = False):                            # x (b, c, f, h, w); mask (f, f)
        b, c, f, h, w = x.shape
        tokens = rearrange(x, "b c f h w -> (b h w) f c")
        normed = self.norm(tokens) + frame_positions(f, c, x.device)
        q = self.split(self.to_q(normed))
        k, v = map(self.split, self.to_kv(normed).chunk(2, dim=-1))
        out = rearrange(masked_attention(q, k, v, mask, use_flex), "b n s d -> b s (n d)")
        tokens = tokens + self.out(out)
        y = rearrange(tokens, "(b h w) f c -> b c f h w", b=b, h=h, w=w)
        if not return_weights:
            return y
        weights = attention_weights(q, k, mask).mean(1)                                  # (b h w, f, f)
        return y, rearrange(weights, "(b h w) i j -> b h w i j", b=b, h=h, w=w)


class CrossScaleAttention(_Attention):
    """A finer scale's positions query a coarser scale's positions of the same frame (local <- global)."""

    def forward(self, x: torch.Tensor, coarse: torch.Tensor) -> torch.Tensor:  # x (b,c,f,h,w); coarse (b,c2,f,h2,w2)
        b, c, f, h, w = x.shape
        tokens = rearrange(x, "b c f h w -> (b f) (h w) c")
        context = self.context_norm(rearrange(coarse, "b c f h w -> (b f) (h w) c"))
        q = self.split(self.to_q(self.norm(tokens)))
        k, v = map(self.split, self.to_kv(context).chunk(2, dim=-1))
        out = rearrange(F.scaled_dot_product_attention(q, k, v), "b n s d -> b s (n d)")
        tokens = tokens + self.out(out)
        return rearrange(tokens, "(b f) (h w) c -> b c f h w", b=b, h=h)
