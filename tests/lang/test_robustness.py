"""`check` never raises and never fails internally, whatever text it is given (the planner feeds it drafts)."""
from __future__ import annotations

import random
from pathlib import Path

import pytest

import hvg
from hvg.lang.api import check

CONFORMANCE = Path(__file__).resolve().parents[2].parent / "shared" / "conformance"
PIECES = ["{", "}", "(", ")", '"', "#", "..", "->", ";", "\n", " ", "0s", "1.5s", "-", "*", "/", "0", "x", "at",
          "block", "repeat i in 0..3", "ball", "#ff0000", "size", "keys {", "chunk", "use", "let k = ", "1 / 0"]


def _sources() -> list[str]:
    files = sorted(CONFORMANCE.glob("*/*.scene"))
    if not files:
        pytest.fail(f"the conformance set is missing: expected it at {CONFORMANCE}")
    return [f.read_text() for f in files]


def _mutate(text: str, rng: random.Random) -> str:
    for _ in range(rng.randint(1, 4)):
        at = rng.randrange(len(text) + 1)
        action = rng.random()
        if action < 0.4:
            text = text[:at] + rng.choice(PIECES) + text[at:]
        elif action < 0.8:
            text = text[:at] + text[at + rng.randint(1, 12):]
        else:
            lines = text.split("\n")
            rng.shuffle(lines)
            text = "\n".join(lines)
    return text


def test_mutated_programs_give_diagnostics_not_crashes():
    rng = random.Random(1234)
    sources = _sources()
    for _ in range(400):
        text = _mutate(rng.choice(sources), rng)
        result = check(text, file="fuzz.scene")
        internal = [d for d in result.diagnostics if d.code == "E099"]
        assert not internal, (internal[0].message, text)
        assert all(d.line >= 1 and d.column >= 1 and d.message for d in result.diagnostics)
        if result.ok:
            assert result.scene is not None


def test_the_package_exports_the_front_end():
    assert hvg.check is check
    assert hvg.parse("let x = 1").ok
    assert hvg.compile_scene('entity a = ball\nblock 0s..1s "A" { a at (0.5, 0.5) }').blocks[0].end == 1
