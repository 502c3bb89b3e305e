"""Configs of the built-in model, its objective and its training, and the named size presets.

A checkpoint stores `ModelConfig` (and the rest) as JSON in its metadata, so a model rebuilds from the file alone.
Sizes are a registry: `PRESETS["small"]` is the shipped default, `tiny` is for tests, `base` is larger.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, fields, replace

# Layout map channels that `hvg.lower.conditioning.lower` produces, in the order the model concatenates them.
LAYOUT_MAPS: dict[str, int] = {"occupancy": 1, "layout_kind": 16, "layout_color": 3, "depth": 1, "motion": 2}


@dataclass(frozen=True)
class ModelConfig:
    """The HST-UNet and its latent space. Latents are (b, latent_channels, frames, size/8, size/8)."""
    # latent space (hvg/model/autoencoder.py): 8x8 RGB patches -> `latent_channels` whitened PCA components
    latent_channels: int = 16
    patch: int = 8
    # three scales: local (latent res), regional (1/2), global (1/4)
    channels: tuple[int, int, int] = (64, 96, 128)
    heads: int = 4
    emb_dim: int = 256                  # time + text + style + background embedding width
    spatial_attention: tuple[bool, bool, bool] = (False, True, True)
    # conditioning widths (from the lowering; `hvg train` fills them from the data)
    text_dim: int = 384
    style_dim: int = 392                # one-hot of the 8 built-in styles, then the style words' embedding
    background_dim: int = 30
    layout_embed_dim: int = 384         # per-entity word embedding placed on the layout maps
    layout_embed_proj: int = 16         # ... reduced by a fixed random projection (a buffer) before caching
    n_styles: int = 8                   # style classes for the L_style head
    # temporal attention: a block's frames see their block and the previous block's last `context_frames`
    context_frames: int = 4
    history_full_frames: int = 2        # temporal pyramid: older context frames are kept at half resolution
    # cross-frame latent refinement z(k) = z(k-1) + f(z(k-1)_i, z(k-1)_{i+1})
    refine_iters: int = 2
    refine_hidden: int = 32
    cond_dropout: float = 0.1           # classifier-free guidance: all conditions dropped together

    @property
    def map_channels(self) -> int:
        return sum(LAYOUT_MAPS.values()) + self.layout_embed_proj

    @property
    def vector_dim(self) -> int:
        return self.text_dim + self.style_dim + self.background_dim

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> "ModelConfig":
        known = {f.name for f in fields(cls)}
        values = {k: tuple(v) if isinstance(v, list) else v for k, v in data.items() if k in known}
        return cls(**values)


@dataclass(frozen=True)
class ObjectiveConfig:
    """L = L_fm + lambda_flow L_flow + lambda_attention L_attention + lambda_refinement L_refinement
    + lambda_style L_style (hvg/model/objective.py). A lambda of 0 switches its term off."""
    lambda_flow: float = 0.1
    lambda_attention: float = 0.05
    lambda_refinement: float = 0.1
    lambda_style: float = 0.02
    attention_sigma: float = 0.5        # latent cells: how far content may move and still count as "the same place"
    low_res_probability: float = 0.3    # pyramid training: share of batches at 1/2 or 1/4 latent resolution
    logit_normal_std: float = 1.0       # flow time t ~ sigmoid(N(0, std))
    warped_noise_probability: float = 0.0   # share of samples whose noise is motion-guided along their flow
    # share of samples whose t is instead uniform on [late_time_from, 1]: the end of the path, where a render
    # from the animatic (strength 0.1: t = 0.9) samples, and which the logit-normal draws about 4% of the time
    late_time_share: float = 0.0
    late_time_from: float = 0.8

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class TrainConfig:
    steps: int = 2000
    batch_size: int = 4
    frames: int = 8                     # frames of the block being learned per sample
    context_probability: float = 0.5    # share of samples that also get the previous frames as context
    lr: float = 3e-4
    weight_decay: float = 0.01
    warmup_steps: int = 100
    decay_steps: int = 0                # the last this-many steps decay the learning rate linearly to a tenth
    grad_clip: float = 1.0
    ema_decay: float = 0.999
    clips: int = 160                    # synthetic clips rendered and cached before training (~3 s each on CPU)
    clip_seconds: float = 3.0
    seed: int = 0
    log_every: int = 10
    save_every: int = 250

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class Preset:
    name: str
    model: ModelConfig
    objective: ObjectiveConfig
    train: TrainConfig
    summary: str


PRESETS: dict[str, Preset] = {p.name: p for p in (
    Preset("tiny", ModelConfig(latent_channels=8, channels=(16, 24, 32), heads=2, emb_dim=32, context_frames=2,
                               history_full_frames=1, refine_iters=1, refine_hidden=8, layout_embed_proj=4),
           ObjectiveConfig(), TrainConfig(steps=4, batch_size=2, frames=4, clips=4, clip_seconds=1.0,
                                          log_every=1, save_every=2, warmup_steps=1),
           "for tests: seconds on a CPU"),
    Preset("small", ModelConfig(channels=(32, 64, 96), emb_dim=128, context_frames=2, history_full_frames=1),
           ObjectiveConfig(warped_noise_probability=0.5),
           TrainConfig(steps=26000, frames=6, lr=1e-3, warmup_steps=50, decay_steps=5000),
           "16 latent channels, about two hours of training on a 2-core CPU; the shipped model's first stage"),
    Preset("small32", ModelConfig(latent_channels=32, channels=(32, 64, 96), emb_dim=128, context_frames=2,
                                  history_full_frames=1),
           ObjectiveConfig(warped_noise_probability=0.5),
           TrainConfig(steps=12000, frames=6, lr=5e-4, warmup_steps=50, decay_steps=4000),
           "the shipped default: small with 32 latent channels, fine-tuned from a small checkpoint "
           "(--init-from) for about 40 minutes on a 2-core CPU, then continued 20 minutes on more clips "
           "(docs/model.md)"),
    Preset("base", ModelConfig(channels=(96, 160, 256), emb_dim=384, heads=8, spatial_attention=(True, True, True),
                               refine_hidden=64),
           ObjectiveConfig(), TrainConfig(steps=20000, batch_size=8, clips=2048, frames=12),
           "larger; wants a GPU"),
)}


def preset(name: str, **train_overrides) -> Preset:
    """A preset by name, with training fields overridden (e.g. `steps=10`)."""
    if name not in PRESETS:
        raise KeyError(f"no preset `{name}`; choose one of: {', '.join(PRESETS)}")
    chosen = PRESETS[name]
    overrides = {k: v for k, v in train_overrides.items() if v is not None}
    return replace(chosen, train=replace(chosen.train, **overrides)) if overrides else chosen


__all__ = ["LAYOUT_MAPS", "ModelConfig", "ObjectiveConfig", "TrainConfig", "Preset", "PRESETS", "preset"]
