"""hvg: hierarchical video generation for writers.

Each stage is a plain function (imported lazily, so `import hvg` stays cheap):

    parse(text) -> AST            check(path_or_text) -> diagnostics     compile_scene(path) -> Scene (IR)
    resolve(scene) -> Timeline    lower(scene, block) -> Conditioning    render(scene, ...) -> frames / file
"""
from __future__ import annotations

import importlib

__version__ = "0.1.0"

_EXPORTS = {
    "parse": "hvg.lang.parser",
    "check": "hvg.lang.api",
    "compile_scene": "hvg.lang.api",
    "format_source": "hvg.lang.fmt",
    "resolve": "hvg.world.resolve",
    "lower": "hvg.lower.conditioning",
    "render": "hvg.rendering",
}

__all__ = list(_EXPORTS)


def __getattr__(name: str):
    if name in _EXPORTS:
        return getattr(importlib.import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'hvg' has no attribute {name!r}")
