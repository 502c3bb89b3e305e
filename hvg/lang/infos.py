"""`hvg check --backend builtin`: infos (I001) that say what the built-in model will draw for each free word.

The synonym table (hvg.vocab) answers without torch. Words it does not cover are matched by meaning with
`hvg.lower.embed.nearest_vocabulary` when that module can be imported (it needs torch): only this flag pays for it.
"""
from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import lru_cache

from hvg import vocab
from hvg.diagnostics import Diagnostic
from hvg.lang import codes
from hvg.lang.builder import BuildResult


@lru_cache(maxsize=1)
def _nearest() -> Callable[[str, tuple[str, ...]], tuple[str, float]] | None:
    """The embedding matcher, imported only when a word needs it (it loads torch and a model)."""
    try:
        from hvg.lower.embed import nearest_vocabulary
    except Exception:  # noqa: BLE001 - no torch, no model: the synonym table is all we have
        return None
    return nearest_vocabulary


def drawn_as(build: BuildResult) -> list[Diagnostic]:
    if build.scene is None:
        return []
    return list(_infos(build))


def _infos(build: BuildResult) -> Iterator[Diagnostic]:
    scene = build.scene
    assert scene is not None
    for entity in scene.entities:
        if entity.free_words and entity.name in build.placed_entities:
            site = build.entity_sites[entity.name]
            yield codes.DRAWN_AS.at(site.file, site.kind_line, site.kind_column,
                                    _say(entity.kind, vocab.match_kind(entity.kind), vocab.KINDS))
    for block in scene.blocks:
        if block.background.free_words:
            words = block.background.kind
            yield codes.DRAWN_AS.at(build.file, block.background.line, block.background.column,
                                    _say(words, vocab.match_background(words), vocab.BACKGROUNDS))
    for site in build.style_sites:
        if site.free_words:
            yield codes.DRAWN_AS.at(site.file, site.line, site.column,
                                    _say(site.text, vocab.match_style(site.text), vocab.STYLES))


def _say(words: str, match: vocab.WordMatch, vocabulary: tuple[str, ...]) -> str:
    if match.item is not None:
        how = "the word itself" if match.via == "exact" else f"{match.via} `{match.head}`"
        return f'"{words}" will be drawn as `{match.item}` ({how})'
    nearest = _nearest()
    if nearest is not None:
        try:
            item, score = nearest(words, vocabulary)
            return f'"{words}" will be drawn as `{item}` (nearest by meaning, similarity {score:.2f})'
        except Exception:  # noqa: BLE001 - a model that fails to load must not break `check`
            pass
    return f'"{words}" will be drawn as the nearest thing the built-in model knows (no word of it matched)'
