"""Property tests of the front end, derandomized so CI is deterministic:

(a) any text, however damaged, gives diagnostics or IR: never an exception, an internal error or a hang;
(b) formatting keeps the meaning of any program (same IR, same findings) and is idempotent;
(c) `unparse` writes a scene that compiles back to the same scene.
"""
from __future__ import annotations

import re

from hypothesis import HealthCheck, given, settings

from hvg.ir import semantic_dump
from hvg.lang import codes
from hvg.lang.api import check
from hvg.lang.fmt import FormatError, format_source
from hvg.lang.unparse import unparse

from .strategies import canonical_instances, damaged_texts, programs, scenes



def _settings(examples: int) -> settings:
    """Derandomized (the same examples on every run, so CI is deterministic); `deadline` catches one example that
    hangs or crawls. Each property stays under ~10 s on one core."""
    return settings(max_examples=examples, deadline=2000, derandomize=True, database=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


def _findings(result) -> list[tuple[str, str]]:
    """Codes and messages, without line numbers (formatting moves lines), in a stable order."""
    return sorted((d.code, re.sub(r"line \d+", "line N", d.message)) for d in result.diagnostics)


@_settings(300)
@given(damaged_texts())
def test_any_text_gives_diagnostics_or_ir_never_a_crash(text: str):
    result = check(text)
    assert result.scene is not None or result.errors
    assert codes.INTERNAL_ERROR.code not in [d.code for d in result.diagnostics], result.diagnostics
    for d in result.diagnostics:
        assert d.line >= 1 and d.column >= 1 and d.message
        assert "__ANON" not in d.message and "_SEP" not in d.message
    try:
        formatted = format_source(text)
    except FormatError as refused:
        assert refused.diagnostics and all(d.severity == "error" for d in refused.diagnostics)
        return
    # A damaged program that still parses formats without changing what it means.
    assert format_source(formatted) == formatted
    after = check(formatted)
    assert _findings(after) == _findings(result)
    if result.scene is not None:
        assert semantic_dump(after.scene) == semantic_dump(result.scene)


@_settings(60)
@given(programs())
def test_format_keeps_meaning_and_is_idempotent(text: str):
    before = check(text)
    assert not [d for d in before.diagnostics if d.code in ("E017", "E001", "E022", codes.INTERNAL_ERROR.code)], \
        (before.diagnostics, text)
    formatted = format_source(text)
    assert format_source(formatted) == formatted
    after = check(formatted)
    assert _findings(after) == _findings(before)
    assert semantic_dump(after.scene) == semantic_dump(before.scene)


@_settings(100)
@given(scenes())
def test_unparse_compiles_back_to_the_same_scene(scene):
    source = unparse(scene)
    result = check(source)
    assert not result.errors, (result.errors, source)
    assert canonical_instances(semantic_dump(result.scene)) == canonical_instances(semantic_dump(scene))
    assert format_source(source) == source          # unparse prints the canonical layout
