"""The programs users read: every examples/*.scene and every whole program in docs/language.md.

- examples are clean (no diagnostic at all), canonically formatted, and together use the whole vocabulary;
- a ` ```scene program` block in the reference is clean; a ` ```scene expect=CODE` block reports CODE;
- the reference lists every diagnostic code, vocabulary word and limit there is.
"""
from __future__ import annotations

import functools
import re
from pathlib import Path

import pytest

from hvg import ir, vocab
from hvg.lang import limits
from hvg.lang.api import check
from hvg.lang.codes import REGISTRY
from hvg.lang.fmt import format_source

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = sorted((ROOT / "examples").glob("*.scene"))
DOC = (ROOT / "docs" / "language.md").read_text(encoding="utf-8")
FENCE = re.compile(r"^```scene([^\n]*)\n(.*?)^```", re.MULTILINE | re.DOTALL)


def _blocks(kind: str) -> list[tuple[str, dict[str, str], str]]:
    """(info string, options, program) of each fenced scene block whose info starts with `kind`."""
    found = []
    for info, body in FENCE.findall(DOC):
        words = info.split()
        if words and (words[0] == kind or words[0].startswith(kind + "=")):
            options = dict(word.split("=", 1) for word in words if "=" in word)
            found.append((info.strip(), options, body))
    return found


PROGRAMS = _blocks("program")
EXPECTED = _blocks("expect")


def test_the_reference_has_programs_to_check():
    assert len(PROGRAMS) >= 2 and len(EXPECTED) >= len(REGISTRY) - 1


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_example_is_clean_and_formatted(path: Path):
    result = check(path)
    assert result.diagnostics == [], [f"{d.line}: {d.code} {d.message}" for d in result.diagnostics]
    text = path.read_text(encoding="utf-8")
    assert format_source(text) == text, "run `hvg fmt examples/`"


@pytest.mark.parametrize("index", range(len(PROGRAMS)))
def test_reference_program_is_clean(index: int):
    _, _, program = PROGRAMS[index]
    result = check(program)
    assert result.diagnostics == [], [f"{d.line}: {d.code} {d.message}" for d in result.diagnostics]


@pytest.mark.parametrize("index", range(len(EXPECTED)), ids=lambda i: EXPECTED[i][1]["expect"])
def test_reference_program_reports_its_code(index: int, tmp_path: Path):
    _, options, program = EXPECTED[index]
    path = tmp_path / options.get("file", "program.scene")
    path.write_text(program, encoding="utf-8")
    result = check(path, backend=options.get("backend"))
    assert options["expect"] in [d.code for d in result.diagnostics], result.diagnostics


def test_the_reference_documents_every_code_once():
    documented = re.findall(r"^### ([EWI]\d{3}) ", DOC, re.MULTILINE)
    assert sorted(documented) == sorted(REGISTRY)
    with_programs = sorted(options["expect"] for _, options, _ in EXPECTED)
    assert with_programs == sorted(code for code, entry in REGISTRY.items() if entry.example)


def test_the_reference_lists_the_vocabulary_and_limits():
    table = DOC.split("## Vocabulary", 1)[1].split("## Limits", 1)[0]
    for words in (vocab.KINDS, vocab.BACKGROUNDS, vocab.TIMES_OF_DAY, vocab.WEATHERS, vocab.BACKGROUND_MOTIONS,
                  tuple(vocab.COLORS), vocab.STYLES, vocab.EASES, vocab.SIDES, vocab.CAMERA_OPS):
        for word in words:
            assert re.search(rf"\b{re.escape(word)}\b", table), word
    limits_table = DOC.split("## Limits", 1)[1].split("##", 1)[0]
    written = {"MAX_FILE_BYTES": f"{limits.MAX_FILE_BYTES >> 20} MiB", "MAX_PIXEL_FRAMES": "2³²"}
    for name in (n for n in dir(limits) if n.startswith(("MAX_", "MIN_"))):
        value = getattr(limits, name)
        forms = [written[name]] if name in written else [f"{value:,}", str(value)]
        assert any(form in limits_table for form in forms), f"docs/language.md does not list {name}"


def test_the_diagnostics_section_is_up_to_date():
    import importlib.util
    spec = importlib.util.spec_from_file_location("diagnostics_doc", ROOT / "grammar" / "diagnostics_doc.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.updated(DOC) == DOC, "run `.venv/bin/python grammar/diagnostics_doc.py`"


# ---------------------------------------------------------------------------------------------------------------
# The examples show the language off: the quickstart's shape, and the whole vocabulary between them
# ---------------------------------------------------------------------------------------------------------------

@functools.lru_cache(maxsize=1)
def _scenes() -> tuple[ir.Scene, ...]:
    return tuple(check(path).scene for path in EXAMPLES)


def test_there_are_enough_examples_and_one_uses_a_library():
    assert len(EXAMPLES) >= 6
    assert any(scene.uses for scene in _scenes())


def test_the_quickstart_beach_is_small_and_smooth():
    scene = check(ROOT / "examples" / "beach.scene").scene
    assert (scene.video.width, scene.video.height, scene.video.fps) == (128, 128, 12)
    assert 5 <= scene.duration <= 7 and len(scene.blocks) >= 2
    assert any(t.kind == "smooth" for t in scene.transitions)


def test_the_examples_use_the_whole_vocabulary():
    scenes = _scenes()
    entities = [e for s in scenes for e in s.entities]
    backgrounds = [b.background for s in scenes for b in s.blocks]
    placements = [p for s in scenes for b in s.blocks for p in b.all_placements()]
    styles = [x for s in scenes for x in [s.video.style, *(b.style for b in s.blocks), *(e.style for e in s.entities)]
              if x]
    used = {
        "kinds": {vocab.match_kind(e.kind).item for e in entities},
        "backgrounds": {vocab.match_background(b.kind).item for b in backgrounds},
        "times": {b.time for b in backgrounds}, "weathers": {b.weather for b in backgrounds},
        "background motions": {b.motion for b in backgrounds},
        "colors": {c for c in [*(e.color for e in entities), *(b.color for b in backgrounds)] if c},
        "styles": {vocab.match_style(x).item for x in styles},
        "eases": {p.motion.ease for p in placements if isinstance(p.motion, ir.Moves)},
        "sides": {p.motion.side for p in placements if isinstance(p.motion, (ir.Enters, ir.Exits))},
        "camera": {op.op for s in scenes for b in s.blocks for op in b.camera},
        "transitions": {t.kind for s in scenes for t in s.transitions},
        "motions": {p.motion.type for p in placements},
    }
    wanted = {"kinds": vocab.KINDS, "backgrounds": vocab.BACKGROUNDS, "times": vocab.TIMES_OF_DAY,
              "weathers": vocab.WEATHERS, "background motions": vocab.BACKGROUND_MOTIONS, "colors": vocab.COLORS,
              "styles": vocab.STYLES, "eases": vocab.EASES, "sides": vocab.SIDES, "camera": vocab.CAMERA_OPS,
              "transitions": ("cut", "smooth", "crossfade"),
              "motions": ("at", "moves", "bounces", "orbits", "enters", "exits", "keys")}
    for category, words in wanted.items():
        assert set(words) <= used[category], (category, set(words) - used[category])
    assert any(vocab.HEX_COLOR.match(c) for c in used["colors"])
    assert {"size", "fades", "spins"} <= {m for p in placements for m in ("size", "fades", "spins")
                                          if getattr(p, m) is not None}
    assert any(e.free_words for e in entities) and any(b.free_words for b in backgrounds)
