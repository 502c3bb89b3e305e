"""Rendering a program to frames or a video file. See `pipeline.py` for the steps."""
from hvg.rendering.pipeline import RenderReport, RenderSettings, render, render_blocks, render_scene, sheet_path

__all__ = ["RenderReport", "RenderSettings", "render", "render_blocks", "render_scene", "sheet_path"]
