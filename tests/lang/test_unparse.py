"""`unparse`: IR scenes printed as canonical source that compiles back to the same scene."""
from __future__ import annotations

import math
import os
from pathlib import Path

import pytest

from hvg import ir
from hvg.ir import semantic_dump
from hvg.lang.api import check
from hvg.lang.fmt import format_source
from hvg.lang.unparse import format_number, format_string, format_time, unparse

from .strategies import canonical_instances

ROOT = Path(__file__).resolve().parents[2]
CONFORMANCE = ROOT.parent / "shared" / "conformance"
CLEAN = sorted((CONFORMANCE / "ok").glob("*.scene")) + sorted((CONFORMANCE / "warn").glob("*.scene")) + \
    sorted((ROOT / "examples").glob("*.scene"))


@pytest.mark.parametrize("value,text", [(3.0, "3"), (0.1, "0.1"), (0.10000000000000002, "0.10000000000000002"),
                                        (1e-7, "0.0000001"), (-0.05, "-0.05"), (1e20, "100000000000000000000"),
                                        (-0.0, "0"), (12, "12"), (1.25, "1.25")])
def test_numbers_print_minimally_and_exactly(value, text):
    assert format_number(value) == text
    assert float(text) == value


def test_numbers_that_have_no_source_form_are_refused():
    for bad in (math.inf, math.nan):
        with pytest.raises(ValueError):
            format_number(bad)
    with pytest.raises(ValueError, match="negative time"):
        format_time(-1.0)
    assert format_time(1.5) == "1.5s"


def test_strings_are_escaped_and_kept_on_one_line():
    assert format_string('say "hi" \\ bye') == '"say \\"hi\\" \\\\ bye"'
    assert format_string("two\nlines") == '"two lines"'


def _compile_beside(path: Path, text: str):
    previous = os.getcwd()
    os.chdir(path.parent)
    try:
        return check(text, file=path.name)
    finally:
        os.chdir(previous)


@pytest.mark.parametrize("path", CLEAN, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_unparse_of_a_checked_program_means_the_same(path: Path):
    original = _compile_beside(path, path.read_text(encoding="utf-8"))
    source = unparse(original.scene)
    again = check(source)
    assert [d.code for d in again.diagnostics] == [d.code for d in original.diagnostics]
    assert canonical_instances(semantic_dump(again.scene)) == canonical_instances(semantic_dump(original.scene))
    assert format_source(source) == source


def test_instances_from_group_calls_stay_distinct_and_continue_across_blocks():
    text = ('video "Palms" { size 64x64; fps 8 }\nentity palm = tree\n'
            'group palms(n) { repeat i in 0..n { palm at (0.2 + 0.3 * i, 0.6) } }\n'
            'block 0s..1s "A" { palms(2) }\nblock 1s..2s "B" { palms(2) }\n')
    scene = check(text).scene
    assert [p.instance for b in scene.blocks for p in b.placements] == ["palm@palms[0]", "palm@palms[1]"] * 2
    source = unparse(scene)
    assert "repeat i in 1..2 {" in source and "group" not in source
    again = check(source)
    assert again.diagnostics == []          # no conflict (E019), no teleport (W001)
    assert [p.instance for b in again.scene.blocks for p in b.placements] == ["palm", "palm[1]"] * 2


def test_used_files_are_inlined_and_named_in_a_comment():
    scene = ir.Scene(entities=[ir.Entity(name="walker", kind="person")], uses=["lib/characters.scene"],
                     blocks=[ir.Block(start=0, end=1, description="A walk", placements=[
                         ir.Placement(entity="walker", instance="walker", motion=ir.At(pos=(0.5, 0.5)), start=0,
                                      end=1)])])
    source = unparse(scene)
    assert source.startswith('# use "lib/characters.scene" (inlined below)\n')
    assert "entity walker = person { size 0.1 }" in source
    assert check(source).diagnostics == []


def test_names_that_cannot_be_written_are_refused():
    scene = ir.Scene(entities=[ir.Entity(name="camera", kind="ball")])
    with pytest.raises(ValueError, match="`camera` cannot be written"):
        unparse(scene)
    with pytest.raises(ValueError):
        unparse(ir.Scene(entities=[ir.Entity(name="two words", kind="ball")]))


def test_camera_values_of_the_wrong_shape_are_refused():
    for op, value in (("pan", 0.5), ("zoom", (1.0, 2.0)), ("rotate", None)):
        block = ir.Block(start=0, end=1, description="A", camera=[ir.CameraOp(op=op, value=value)])
        with pytest.raises(ValueError, match=f"camera `{op}` takes"):
            unparse(ir.Scene(blocks=[block]))
    block = ir.Block(start=0, end=1, description="A", camera=[ir.CameraOp(op="zoom", value=2)])
    assert "  camera zoom 2\n" in unparse(ir.Scene(blocks=[block]))


def test_kinds_outside_the_vocabulary_print_as_free_words_and_bad_colors_are_refused():
    dragon = ir.Entity(name="smaug", kind="red dragon", color="crimson")
    source = unparse(ir.Scene(entities=[dragon]))
    assert 'entity smaug = "red dragon" { color crimson; size 0.1 }' in source
    assert [d.code for d in check(source).errors] == ["E006"]          # the checker suggests a real color
    for color in ("#FFF", "light blue"):
        with pytest.raises(ValueError, match="cannot be written as a color"):
            unparse(ir.Scene(entities=[ir.Entity(name="a", kind="ball", color=color)]))
    assert "color #FF8800" in unparse(ir.Scene(entities=[ir.Entity(name="a", kind="ball", color="#FF8800")]))
