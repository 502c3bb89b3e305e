"""HST-UNet: a hierarchical space-time U-Net that predicts the flow-matching velocity of a block of latents.

Three scales: local (the latent grid), regional (1/2), global (1/4). Every stage is a factorised space-time
block: a per-frame conv ResBlock modulated by (flow time + text + style + background) per frame, optional
spatial attention, then block-sparse temporal attention across frames. Layout maps are concatenated at the
input and injected (1x1 conv, added) at every scale. On the way up, the regional and local scales cross-attend
to the global scale. Heads: velocity (zero-initialised), backward motion field (for L_flow), and a style
classifier on latents (for L_style). The previous block's last frames come in as clean context frames.

Axis legend: b batch, c channels, f frames (context first, then the block's own), h w grid.
"""
from __future__ import annotations

import sys
from collections.abc import Mapping

import torch
import torch.nn.functional as F
from einops import rearrange
from torch import nn

from hvg.model.attention import CrossScaleAttention, SpatialAttention, TemporalAttention, block_sparse_mask, \
    flex_available
from hvg.model.condition import ModelCondition, layout_projection
from hvg.model.config import ModelConfig
from hvg.model.refine import CrossFrameRefiner


class _DistributionsWhenRead(Mapping):
    """`importlib.metadata.packages_distributions()`, computed on first read instead of when made."""

    def __init__(self, compute):
        self._compute, self._table = compute, None

    def _read(self) -> dict:
        if self._table is None:
            self._table = self._compute()
        return self._table

    def __getitem__(self, name):
        return self._read()[name]

    def __iter__(self):
        return iter(self._read())

    def __len__(self) -> int:
        return len(self._read())


def _import_diffusers_embeddings() -> tuple[type, type]:
    """diffusers' (Timesteps, TimestepEmbedding), imported without two costs that only other parts of diffusers
    need, when nothing has imported diffusers (or torch._dynamo) yet.

    - `diffusers.models.embeddings` imports `diffusers.utils`, whose torch_utils runs
      `from torch._dynamo import allow_in_graph` (falling back on a no-op decorator when that import fails).
      Importing torch._dynamo costs ~1.1 s, a fifth of re-rendering one block, for a decorator that only matters
      to `torch.compile` of diffusers' own attention blocks, which hvg does not use. So the import runs with
      torch._dynamo marked unimportable, and the mark is removed right after: a later `import torch._dynamo`
      (torch.compile, flex attention on a GPU) loads it as usual.
    - `diffusers.utils.import_utils` builds the table of every installed distribution's packages
      (`importlib.metadata.packages_distributions()`, ~0.1 s: it lists every file of every distribution) to look
      up three optional packages by distribution name, and reads it only when one of them is installed. During
      the import, the table is handed over unbuilt (a mapping that builds it when first read), so it is built only
      if diffusers ever reads it; the function itself is put back right after.
    """
    if "torch._dynamo" in sys.modules or "diffusers.models.embeddings" in sys.modules:
        from diffusers.models.embeddings import TimestepEmbedding, Timesteps
        return Timesteps, TimestepEmbedding
    import importlib.metadata

    packages_distributions = importlib.metadata.packages_distributions
    importlib.metadata.packages_distributions = lambda: _DistributionsWhenRead(packages_distributions)
    sys.modules["torch._dynamo"] = None   # type: ignore[assignment]  # `import torch._dynamo` -> ImportError
    try:
        from diffusers.models.embeddings import TimestepEmbedding, Timesteps
    finally:
        importlib.metadata.packages_distributions = packages_distributions
        if "torch._dynamo" in sys.modules and sys.modules["torch._dynamo"] is None:
            del sys.modules["torch._dynamo"]
    return Timesteps, TimestepEmbedding


Timesteps, TimestepEmbedding = _import_diffusers_embeddings()

# =============================================================================================================
# Layers
# =============================================================================================================


class FrameConv(nn.Conv2d):
    """A 2D conv applied to each frame on its own (a Conv3d with kernel 1 along frames is ~7x slower on CPU)."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:                   # (b, c, f, h, w)
        b = x.shape[0]
        y = super().forward(rearrange(x, "b c f h w -> (b f) c h w"))
        return rearrange(y, "(b f) c h w -> b c f h w", b=b)


def spatial_conv(c_in: int, c_out: int, stride: int = 1, kernel: int = 3) -> FrameConv:
    return FrameConv(c_in, c_out, kernel, stride=stride, padding=kernel // 2)


class FrameGroupNorm(nn.GroupNorm):
    """GroupNorm with statistics per frame, so that no frame's output depends on another frame through them."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:                   # (b, c, f, h, w)
        b = x.shape[0]
        y = super().forward(rearrange(x, "b c f h w -> (b f) c h w"))
        return rearrange(y, "(b f) c h w -> b c f h w", b=b)


def norm(channels: int) -> FrameGroupNorm:
    return FrameGroupNorm(min(8, channels), channels)


class ResBlock(nn.Module):
    """conv -> norm, modulated per frame by the embedding (adaLN: scale, shift) -> conv (zero-init) + skip."""

    def __init__(self, c_in: int, c_out: int, emb_dim: int):
        super().__init__()
        self.norm1, self.conv1 = norm(c_in), spatial_conv(c_in, c_out)
        self.norm2, self.conv2 = norm(c_out), spatial_conv(c_out, c_out)
        self.modulation = nn.Sequential(nn.SiLU(), nn.Linear(emb_dim, 2 * c_out))
        self.skip = spatial_conv(c_in, c_out, kernel=1) if c_in != c_out else nn.Identity()
        nn.init.zeros_(self.conv2.weight)
        nn.init.zeros_(self.conv2.bias)

    def forward(self, x: torch.Tensor, emb: torch.Tensor) -> torch.Tensor:  # x (b, c, f, h, w); emb (b, f, e)
        h = self.conv1(F.silu(self.norm1(x)))
        scale, shift = rearrange(self.modulation(emb), "b f (two c) -> two b c f 1 1", two=2)
        h = self.norm2(h) * (1 + scale) + shift
        return self.skip(x) + self.conv2(F.silu(h))


class SpaceTimeBlock(nn.Module):
    """Layout injection, ResBlock (space), optional spatial attention, temporal attention (time)."""

    def __init__(self, c_in: int, c_out: int, config: ModelConfig, spatial_attention: bool):
        super().__init__()
        self.inject = spatial_conv(config.map_channels, c_in, kernel=1)
        self.res = ResBlock(c_in, c_out, config.emb_dim)
        self.spatial = SpatialAttention(c_out, config.heads) if spatial_attention else None
        self.temporal = TemporalAttention(c_out, config.heads)

    def forward(self, x, emb, maps: "PooledMaps", mask, use_flex=False, return_weights=False):
        x = self.res(x + self.inject(maps.at(x)), emb)
        if self.spatial is not None:
            x = self.spatial(x)
        return self.temporal(x, mask, use_flex=use_flex, return_weights=return_weights)


def pool_to(maps: torch.Tensor, like: torch.Tensor) -> torch.Tensor:
    """Average-pool maps (b, m, f, H, W) to the grid of `like` (b, c, f, h, w)."""
    if maps.shape[-2:] == like.shape[-2:]:
        return maps
    return F.adaptive_avg_pool3d(maps, (maps.shape[2], *like.shape[-2:]))


class PooledMaps:
    """The layout maps at each grid a block asks for, pooled once per forward: seven blocks share three grids,
    and at the pyramid's coarse stages the pooling was a tenth of a step's time."""

    def __init__(self, maps: torch.Tensor):
        self.maps = maps
        self._by_grid: dict[tuple[int, int], torch.Tensor] = {}

    def at(self, like: torch.Tensor) -> torch.Tensor:
        grid = tuple(like.shape[-2:])
        if grid not in self._by_grid:
            self._by_grid[grid] = pool_to(self.maps, like)
        return self._by_grid[grid]


class StyleHead(nn.Module):
    """Predicts the style class from (clean) latents: L_style asks the output to carry its style."""

    def __init__(self, latent_channels: int, n_styles: int, hidden: int = 32):
        super().__init__()
        self.conv = spatial_conv(latent_channels, hidden)
        self.classify = nn.Linear(hidden, n_styles)

    def forward(self, latents: torch.Tensor) -> torch.Tensor:            # (b, c, f, h, w) -> (b, n_styles)
        return self.classify(F.silu(self.conv(latents)).mean(dim=(2, 3, 4)))


# =============================================================================================================
# The model
# =============================================================================================================


class HSTUNet(nn.Module):
    def __init__(self, config: ModelConfig):
        super().__init__()
        self.config = config
        c0, c1, c2 = config.channels
        sa = config.spatial_attention
        e = config.emb_dim
        # embeddings: flow time per frame (diffusers' sinusoidal Timesteps + MLP), conditions per sample
        self.time_proj = Timesteps(e, flip_sin_to_cos=True, downscale_freq_shift=0)
        self.time_embed = TimestepEmbedding(e, e)
        self.vector_embed = nn.Sequential(nn.Linear(config.vector_dim, e), nn.SiLU(), nn.Linear(e, e))
        self.null_embed = nn.Parameter(torch.zeros(e))           # replaces the conditions when dropped (CFG)
        self.register_buffer("layout_projection", layout_projection(config))
        # U: local -> regional -> global -> regional -> local
        self.conv_in = spatial_conv(config.latent_channels + config.map_channels, c0)
        self.local_down = SpaceTimeBlock(c0, c0, config, sa[0])
        self.to_regional = spatial_conv(c0, c1, stride=2)
        self.regional_down = SpaceTimeBlock(c1, c1, config, sa[1])
        self.to_global = spatial_conv(c1, c2, stride=2)
        self.global_mid = nn.ModuleList([SpaceTimeBlock(c2, c2, config, sa[2]) for _ in range(2)])
        self.from_global = spatial_conv(c2, c1)
        self.regional_up = SpaceTimeBlock(2 * c1, c1, config, sa[1])
        self.regional_from_global = CrossScaleAttention(c1, config.heads, context_channels=c2)
        self.from_regional = spatial_conv(c1, c0)
        self.local_up = SpaceTimeBlock(2 * c0, c0, config, sa[0])
        self.local_from_global = CrossScaleAttention(c0, config.heads, context_channels=c2)
        self.norm_out = norm(c0)
        self.velocity_head = spatial_conv(c0, config.latent_channels)
        self.flow_head = spatial_conv(c0, 2)
        self.style_head = StyleHead(config.latent_channels, config.n_styles)
        self.refiner = CrossFrameRefiner(config.latent_channels, config.refine_hidden, config.refine_iters)
        nn.init.zeros_(self.velocity_head.weight)
        nn.init.zeros_(self.velocity_head.bias)

    # --- embeddings ------------------------------------------------------------------------------------------

    def embed(self, t_frames: torch.Tensor, cond: ModelCondition) -> torch.Tensor:
        """t_frames (b, f) flow time per frame; returns (b, f, e)."""
        b, f = t_frames.shape
        time = self.time_embed(self.time_proj(t_frames.flatten() * 1000).to(t_frames.dtype))
        time = rearrange(time, "(b f) e -> b f e", b=b)
        present = cond.present[:, None]
        conditions = self.vector_embed(cond.vector) * present + self.null_embed * (1 - present)   # (b, e)
        return time + conditions[:, None, :]

    # --- forward ---------------------------------------------------------------------------------------------

    def forward(self, x: torch.Tensor, t: torch.Tensor, cond: ModelCondition, *,
                context: torch.Tensor | None = None, context_maps: torch.Tensor | None = None,
                return_aux: bool = False):
        """
        x            (b, c, f, h, w)  latents at flow time t (h, w: the latent grid or 1/2, 1/4 of it)
        t            (b,)             flow time, 0 = noise, 1 = data
        cond         ModelCondition   maps (b, m, f, H, W) at any grid (pooled to x's), vector (b, v)
        context      (b, c, k, h, w)  clean latents of the frames before (only the last `context_frames` used)
        context_maps (b, m, k, H, W)  their layout maps (zeros when not given)
        Returns the velocity (b, c, f, h, w); with return_aux also a dict: `flow` (b, 2, f, h, w) backward
        motion in grid cells, `attention` (b, h, w, k+f, k+f) the first temporal attention's weights, `k`.
        """
        b, _, f, h, w = x.shape
        if h % 4 or w % 4:
            raise ValueError(f"latent grid {h}x{w} must be divisible by 4 (three scales)")
        if context is not None:      # only the previous block's last `context_frames` frames are ever seen
            context = context[:, :, -self.config.context_frames:] if self.config.context_frames else None
            if context_maps is not None and context is not None:
                context_maps = context_maps[:, :, -context.shape[2]:]
        k = 0 if context is None else context.shape[2]
        maps = cond.maps
        t_frames = t[:, None].expand(b, f)
        mask = None
        if k:
            if context_maps is None:
                context_maps = maps.new_zeros(b, maps.shape[1], k, *maps.shape[-2:])
            x = torch.cat([context, x], dim=2)
            maps = torch.cat([pool_to(context_maps, maps), maps], dim=2)
            t_frames = torch.cat([t.new_ones(b, k), t_frames], dim=1)       # context frames are clean
            blocks = torch.cat([torch.zeros(k), torch.ones(f)]).to(x.device)
            mask = block_sparse_mask(blocks, self.config.context_frames)
        emb = self.embed(t_frames, cond)                                        # (b, k+f, e)
        use_flex = flex_available(x.device)

        maps = PooledMaps(maps)
        h0 = self.conv_in(torch.cat([x, maps.at(x)], dim=1))                   # local (b, c0, F, h, w)
        if return_aux:      # the attention weights are written out for L_attention only: not at sampling time
            h0, weights = self.local_down(h0, emb, maps, mask, use_flex, return_weights=True)
        else:
            h0, weights = self.local_down(h0, emb, maps, mask, use_flex), None
        h1 = self.regional_down(self.to_regional(h0), emb, maps, mask, use_flex)  # regional (b, c1, F, h/2, w/2)
        h2 = self.to_global(h1)                                                  # global (b, c2, F, h/4, w/4)
        for block in self.global_mid:
            h2 = block(h2, emb, maps, mask, use_flex)
        u1 = self.from_global(F.interpolate(h2, scale_factor=(1, 2, 2), mode="nearest"))
        u1 = self.regional_from_global(self.regional_up(torch.cat([u1, h1], 1), emb, maps, mask, use_flex), h2)
        u0 = self.from_regional(F.interpolate(u1, scale_factor=(1, 2, 2), mode="nearest"))
        u0 = self.local_from_global(self.local_up(torch.cat([u0, h0], 1), emb, maps, mask, use_flex), h2)
        out = F.silu(self.norm_out(u0))[:, :, k:]
        velocity = self.velocity_head(out)
        if not return_aux:
            return velocity
        return velocity, {"flow": self.flow_head(out), "attention": weights, "k": k}

    # --- guidance --------------------------------------------------------------------------------------------

    def forward_with_guidance(self, x, t, cond: ModelCondition, guidance: float, **kwargs) -> torch.Tensor:
        """Classifier-free guidance: v = v_uncond + guidance * (v_cond - v_uncond), one doubled batch."""
        if guidance == 1.0:
            return self(x, t, cond, **kwargs)
        doubled = {key: torch.cat([value, value]) if torch.is_tensor(value) else value
                   for key, value in kwargs.items()}
        if doubled.get("context_maps") is not None:   # the unconditional branch sees no layout at all
            doubled["context_maps"][len(x):] = 0
        v = self(torch.cat([x, x]), torch.cat([t, t]), ModelCondition.cat([cond, cond.unconditional()]), **doubled)
        v_cond, v_uncond = v.chunk(2)
        return v_uncond + guidance * (v_cond - v_uncond)

    def num_parameters(self) -> int:
        return sum(p.numel() for p in self.parameters())
