"""Quality presets: one table drives `--quality`'s choices, its help text and the samplers' settings.

Kept free of numpy and torch: the CLI builds its help text from it at start-up.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class QualityPreset:
    """One row of the quality table: `--quality NAME` picks it; the flag's help text is built from it too."""
    name: str
    steps: int                  # flow-matching steps in total, across pyramid stages
    pyramid_stages: int         # 1 = full resolution all the way
    guidance: float             # classifier-free guidance scale
    summary: str


QUALITY_PRESETS: dict[str, QualityPreset] = {p.name: p for p in (
    QualityPreset("draft", steps=8, pyramid_stages=3, guidance=2.0, summary="fastest; for blocking out a story"),
    QualityPreset("standard", steps=16, pyramid_stages=3, guidance=3.0, summary="the default"),
    QualityPreset("final", steps=32, pyramid_stages=2, guidance=3.5, summary="slowest; for the finished video"),
)}
