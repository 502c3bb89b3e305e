"""Tiny line plots as inline SVG (matplotlib is not a dependency): one or more series over frames."""
from __future__ import annotations

from html import escape

import numpy as np

PALETTE = ("#d62728", "#1f77b4", "#2ca02c", "#9467bd", "#ff7f0e")


def line_plot(title: str, series: dict[str, np.ndarray], *, x_offset: int = 0, markers: list[int] = (),
              highlights: list[int] = (), width: int = 560, height: int = 180, y_label: str = "") -> str:
    """An SVG line plot of `series` (name -> values over frames x_offset, x_offset+1, ...).

    markers: frames drawn as grey dashed lines (block starts); highlights: frames drawn as red bands (jumps).
    NaN values leave gaps.
    """
    left, right, top, bottom = 48, 12, 22, 24
    plot_w, plot_h = width - left - right, height - top - bottom
    values = np.concatenate([np.asarray(v, float) for v in series.values()]) if series else np.zeros(0)
    finite = values[np.isfinite(values)]
    low, high = (float(finite.min()), float(finite.max())) if finite.size else (0.0, 1.0)
    if high - low < 1e-9:
        low, high = low - 0.5, high + 0.5
    length = max((len(v) for v in series.values()), default=1)
    last = x_offset + max(length - 1, 1)

    def sx(frame: float) -> float:
        return left + (frame - x_offset) / max(last - x_offset, 1) * plot_w

    def sy(value: float) -> float:
        return top + (1 - (value - low) / (high - low)) * plot_h

    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
             f'font-family="sans-serif" font-size="11">',
             f'<text x="{left}" y="14" font-weight="bold">{escape(title)}</text>',
             f'<rect x="{left}" y="{top}" width="{plot_w}" height="{plot_h}" fill="none" stroke="#999"/>']
    for frame in highlights:
        parts.append(f'<rect x="{sx(frame) - 2:.1f}" y="{top}" width="4" height="{plot_h}" fill="#f4a0a0"/>')
    for frame in markers:
        parts.append(f'<line x1="{sx(frame):.1f}" x2="{sx(frame):.1f}" y1="{top}" y2="{top + plot_h}" '
                     f'stroke="#888" stroke-dasharray="3,3"/>')
    for value in (low, high):
        parts.append(f'<text x="{left - 4}" y="{sy(value) + 4:.1f}" text-anchor="end">{value:.3g}</text>')
    parts.append(f'<text x="{left}" y="{height - 6}">{x_offset}</text>'
                 f'<text x="{left + plot_w}" y="{height - 6}" text-anchor="end">frame {last}</text>')
    if y_label:
        parts.append(f'<text x="{left + plot_w / 2:.0f}" y="{height - 6}" text-anchor="middle">'
                     f'{escape(y_label)}</text>')
    for i, (name, data) in enumerate(series.items()):
        colour = PALETTE[i % len(PALETTE)]
        for run in _finite_runs(np.asarray(data, float)):
            points = " ".join(f"{sx(x_offset + k):.1f},{sy(data[k]):.1f}" for k in run)
            if len(run) == 1:
                parts.append(f'<circle cx="{sx(x_offset + run[0]):.1f}" cy="{sy(data[run[0]]):.1f}" r="2" '
                             f'fill="{colour}"/>')
            else:
                parts.append(f'<polyline points="{points}" fill="none" stroke="{colour}" stroke-width="1.5"/>')
        parts.append(f'<text x="{left + plot_w - 4}" y="{top + 14 + 13 * i}" text-anchor="end" fill="{colour}">'
                     f'{escape(name)}</text>')
    parts.append("</svg>")
    return "".join(parts)


def _finite_runs(data: np.ndarray) -> list[list[int]]:
    runs, current = [], []
    for k, value in enumerate(data):
        if np.isfinite(value):
            current.append(k)
        elif current:
            runs.append(current)
            current = []
    if current:
        runs.append(current)
    return runs
