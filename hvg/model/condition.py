"""What the model is conditioned on, in the model's own terms, and how a lowered block becomes that.

`hvg.lower.conditioning.lower` gives per-block tensors `(c, frames, h, w)` at the latent grid. The model takes:
    maps   (b, m, f, h, w): occupancy, layout_kind, layout_color, depth, motion, and layout_embed reduced by a
                            fixed random projection (m = ModelConfig.map_channels)
    vector (b, v):          text embedding, style vector, background vector, concatenated
    present (b,):           1 = conditions given, 0 = dropped (classifier-free guidance's unconditional branch)
"""
from __future__ import annotations

from dataclasses import dataclass

import torch

from hvg.model.config import LAYOUT_MAPS, ModelConfig


@dataclass
class ModelCondition:
    maps: torch.Tensor       # (b, m, f, h, w)
    vector: torch.Tensor     # (b, v)
    present: torch.Tensor    # (b,) float

    def unconditional(self) -> "ModelCondition":
        return ModelCondition(torch.zeros_like(self.maps), torch.zeros_like(self.vector),
                              torch.zeros_like(self.present))

    def dropped(self, drop: torch.Tensor) -> "ModelCondition":
        """The same batch with the samples where `drop` (b,) bool is True made unconditional."""
        keep = (~drop).to(self.maps.dtype)
        return ModelCondition(self.maps * keep[:, None, None, None, None], self.vector * keep[:, None],
                              self.present * keep)

    def frames(self, start: int, stop: int) -> "ModelCondition":
        return ModelCondition(self.maps[:, :, start:stop], self.vector, self.present)

    def to(self, device) -> "ModelCondition":
        return ModelCondition(self.maps.to(device), self.vector.to(device), self.present.to(device))

    @staticmethod
    def cat(parts: list["ModelCondition"]) -> "ModelCondition":
        return ModelCondition(torch.cat([p.maps for p in parts]), torch.cat([p.vector for p in parts]),
                              torch.cat([p.present for p in parts]))


def layout_projection(config: ModelConfig, seed: int = 1234) -> torch.Tensor:
    """A fixed random projection (layout_embed_proj, layout_embed_dim) with orthonormal rows: reduces the
    per-entity word embeddings on the layout maps to a few channels before caching (distances roughly kept)."""
    generator = torch.Generator().manual_seed(seed)
    gaussian = torch.randn(config.layout_embed_dim, config.layout_embed_proj, generator=generator)
    q, _ = torch.linalg.qr(gaussian)
    return q.T.contiguous()


def _field(conditioning, name: str):
    value = conditioning[name] if isinstance(conditioning, dict) else getattr(conditioning, name)
    return torch.as_tensor(value, dtype=torch.float32)


def condition_from_lowered(conditioning, config: ModelConfig, projection: torch.Tensor) -> ModelCondition:
    """One lowered block (attributes or dict keys `text`, `layout_embed`, the LAYOUT_MAPS, `style`,
    `background`) -> a batch of one ModelCondition."""
    maps = [_field(conditioning, name) for name in LAYOUT_MAPS]                    # each (c, f, h, w)
    embed = _field(conditioning, "layout_embed")                                   # (384, f, h, w)
    maps.append(torch.einsum("pe,efhw->pfhw", projection, embed))
    vector = torch.cat([_vector(conditioning, "text", config.text_dim),
                        _vector(conditioning, "style", config.style_dim),
                        _vector(conditioning, "background", config.background_dim)])
    return ModelCondition(torch.cat(maps)[None], vector[None], torch.ones(1))


def _vector(conditioning, name: str, dim: int) -> torch.Tensor:
    """A conditioning vector padded or cut to the width the model was built with."""
    value = _field(conditioning, name).flatten()
    if len(value) >= dim:
        return value[:dim]
    return torch.cat([value, value.new_zeros(dim - len(value))])
