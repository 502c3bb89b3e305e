"""The IR builder: expressions, `let`, group expansion and instance names (docs/semantics.md), chunks, values."""
from __future__ import annotations

import pytest

from hvg import ir
from hvg.lang.api import check, compile_scene

HEAD = 'video "T" { size 64x64; fps 8 }\nentity ball = ball { color red; size 0.05 }\n'


def _block(body: str, span: str = "0s..1s") -> str:
    return HEAD + f'block {span} "A" {{\n{body}\n}}\n'


def _placements(source: str) -> list[ir.Placement]:
    scene = compile_scene(source)
    return [p for b in scene.blocks for p in b.all_placements()]


@pytest.mark.parametrize("expression, value", [
    ("1 + 2 * 3", 7), ("(1 + 2) * 3", 9), ("-2 - -3", 1), ("10 / 4", 2.5), ("2 * -(1 - 3)", 4),
    ("1 - 2 - 3", -4), ("24 / 2 / 3", 4), ("k * 2", 0.5), ("-k", -0.25),
])
def test_expressions(expression, value):
    source = "let k = 0.25\n" + f"let x = {expression}\n" + _block("ball at (x, 0)")
    (placement,) = _placements(source)
    assert placement.motion.pos == (pytest.approx(value), 0)


def test_division_by_zero_is_reported_once_on_its_line():
    result = check("let a = 1\nlet b = a / (a - 1)\n" + _block("ball at (b, b)"))
    assert [(d.code, d.line) for d in result.diagnostics] == [("E014", 2)]


def test_undefined_variable_suggests_a_close_name():
    result = check("let shore = 0.8\n" + _block("ball at (0.5, shroe)"))
    (diagnostic,) = result.diagnostics
    assert diagnostic.code == "E002" and "did you mean `shore`" in diagnostic.message


def test_deep_left_nested_sum_does_not_overflow():
    source = "let x = " + " + ".join(["1"] * 20000) + "\n" + _block("ball at (0.5, 0.5)")
    result = check(source)
    assert result.ok, result.diagnostics[:1]


def test_instance_names_follow_the_semantics():
    source = HEAD + """
group row(n) {
  repeat i in 0..n { ball at (0.1 * i, 0.5) }
}
group town() {
  repeat j in 0..2 { row(2) }
}
block 0s..1s "A" {
  ball at (0.5, 0.1)
  row(2)
  row(1)
  town()
  repeat k in 3..5 { ball at (0.5, 0.9) }
}
"""
    result = check(source)
    names = [p.instance for p in result.scene.blocks[0].placements]
    assert names == ["ball", "ball@row[0]", "ball@row[1]", "ball@row#2[0]",
                     "ball@row@town[0][0]", "ball@row@town[0][1]", "ball@row@town[1][0]", "ball@row@town[1][1]",
                     "ball[3]", "ball[4]"]


def test_the_same_call_in_the_next_block_continues_the_same_instances():
    source = HEAD + """
group pair() {
  repeat i in 0..2 { ball at (0.2 + 0.5 * i, 0.5) }
}
block 0s..1s "A" { pair() }
block 1s..2s "B" { pair() }
"""
    result = check(source)
    assert result.diagnostics == []
    first, second = ([p.instance for p in b.placements] for b in result.scene.blocks)
    assert first == second == ["ball@pair[0]", "ball@pair[1]"]


def test_group_parameters_shadow_globals_and_loop_bounds_use_them():
    source = "let n = 5\n" + HEAD.replace("size 0.05", "size 0.05") + """
group row(n, gap) { repeat i in 0..n { ball at (gap * i, 0.5) } }
block 0s..1s "A" { row(3, 0.25) }
"""
    xs = [p.motion.pos[0] for p in _placements(source)]
    assert xs == [0, 0.25, 0.5]


def test_mutual_recursion_is_reported_on_the_call_that_closes_the_circle():
    source = HEAD + 'group a() {\n  b()\n}\ngroup b() {\n  a()\n}\nblock 0s..1s "A" { a() }\n'
    (diagnostic,) = check(source).errors
    assert diagnostic.code == "E007" and diagnostic.line == 7 and "`a` calls itself through `b`" in diagnostic.message


def test_arity_message_counts_plurals():
    source = HEAD + 'group g(a, b) { ball at (a, b) }\nblock 0s..1s "A" { g(1) }\n'
    (diagnostic,) = check(source).errors
    assert diagnostic.message == "group `g` takes 2 arguments, 1 given"


def test_chunks_keep_their_own_span_and_statements():
    source = _block('background beach { time sunset; motion waves 0.5 }\ncamera pan (0.1, 0) zoom 1.5\n'
                    'style "soft watercolor"\nchunk 0.5s..1s "C" {\n  ball fades in\n}', "0s..1s")
    result = check(source)
    assert [d.code for d in result.errors] == ["E017"]        # `fades in` alone: a modifier needs a motion first
    source = source.replace("ball fades in", "ball at (0.5, 0.5) fades in spins 90 size 0.1 -> 0.2")
    scene = compile_scene(source)
    block = scene.blocks[0]
    assert block.background.kind == "beach" and block.background.time == "sunset"
    assert block.background.motion == "waves" and block.background.strength == 0.5
    assert [(op.op, op.value) for op in block.camera] == [("pan", (0.1, 0.0)), ("zoom", 1.5)]
    assert block.style == "soft watercolor"
    (chunk,) = block.chunks
    (placement,) = chunk.placements
    assert (placement.start, placement.end, placement.fades, placement.spins, placement.size) == \
        (0.5, 1.0, "in", 90.0, (0.1, 0.2))


def test_motions_build_their_ir():
    source = _block("ball moves (0, 0) -> (0.5, 0.5) -> (1, 0) ease in_out", "0s..1s") \
        + 'block 1s..2s "B" { ball bounces (0.1, 0.8) -> (0.9, 0.8) height 0.3 times 2 }\n' \
        + 'block 2s..3s "C" { ball orbits (0.5, 0.5) radius 0.2 turns 0.5 }\n' \
        + 'block 3s..4s "D" { ball enters from left to (0.4, 0.8) }\n' \
        + 'block 4s..5s "E" { ball exits to right }\n' \
        + 'block 5s..6s "F" { ball keys {\n 5s (0, 0)\n 6s (1, 1)\n} }\n'
    motions = [p.motion for p in _placements(source)]
    assert motions[0] == ir.Moves(path=[(0, 0), (0.5, 0.5), (1, 0)], ease="in_out")
    assert motions[1] == ir.Bounces(start=(0.1, 0.8), end=(0.9, 0.8), height=0.3, times=2)
    assert motions[2] == ir.Orbits(center=(0.5, 0.5), radius=0.2, turns=0.5)
    assert motions[3] == ir.Enters(side="left", to=(0.4, 0.8))
    assert motions[4] == ir.Exits(side="right")
    assert [(k.time, k.pos) for k in motions[5].keys] == [(5, (0, 0)), (6, (1, 1))]


@pytest.mark.parametrize("body, code, words", [
    ("ball moves (0, 0) -> (1, 1) ease inout", "E006", "did you mean `in_out`"),
    ("ball enters from lft", "E006", "did you mean `left`"),
    ("ball at (0.5, 0.5) fades inn", "E006", "not a fade"),
    ("ball bounces (0, 0) -> (1, 1) height 0.2 times 1.5", "E011", "whole number"),
    ("ball at (0.5, 0.5) size 0 -> 1", "E011", "greater than 0"),
    ("background beech", "E006", "did you mean `beach`"),
    ('background beach { weather rainy }', "E006", "did you mean `rain`"),
    ('background beach { time sunset; time dawn }', "E010", "already given"),
    ("style pastle", "E006", "did you mean `pastel`"),
    ("camera zoom 0", "E011", "greater than 0"),
    ("camera still pan (0.1, 0)", "E023", "cannot be combined"),
    ("background sky\nbackground beach", "E023", "already has a background"),
    ('chunk 0s..1s "C" { camera still }', "E023", "a chunk cannot move the camera"),
    ("palms(2)", "E002", "`palms` is not defined"),
    ("ball(2)", "E002", "`ball` is an entity"),
    ("repeat i in 0..2.5 { ball at (0, 0) }", "E011", "whole numbers"),
    ("repeat i in 3..1 { ball at (0, 0) }", "E004", "backwards"),
])
def test_value_mistakes_are_errors_with_hints(body, code, words):
    result = check(_block(body))
    assert any(d.code == code and (words in d.message or words in d.help) for d in result.errors), \
        [(d.code, d.message, d.help) for d in result.diagnostics]


@pytest.mark.parametrize("definition, code, words", [
    ("entity e = dragon", "E006", 'quotes'),
    ("entity e = ball { colr red }", "E021", "did you mean `color`"),
    ("entity e = ball { size big }", "E025", "takes a number"),
    ("entity e = ball { layer 1.5 }", "E011", "whole number"),
    ("entity e = ball { color #12345g }", "E006", "not a color"),
    ('video "Again" { fps 8 }', "E023", "already described"),
    ("let a = 1\nlet a = 2", "E010", "already defined on line"),
    ("group ball2() { ball at (0, 0) }\ngroup ball2() { ball at (0, 0) }", "E010", "already defined"),
    ("transition 1s fade 0.5s", "E006", "not a transition"),
    ("transition 1s cut 0.5s", "E028", "no duration"),
])
def test_definition_mistakes(definition, code, words):
    source = HEAD + definition + "\n" + 'block 0s..1s "A" { ball at (0.5, 0.5) }\nblock 1s..2s "B" { ball at (0.5, 0.5) }\n'
    result = check(source)
    assert any(d.code == code and (words in d.message or words in d.help) for d in result.diagnostics), \
        [(d.code, d.message, d.help) for d in result.diagnostics]


@pytest.mark.parametrize("settings, code, words", [
    ("fps 500", "E011", "between 1 and 120"), ("size 4096x4096", "E012", "between 8 and 2048"),
    ("size 64", "E025", "WIDTHxHEIGHT"), ("seed 1.5", "E011", "whole number"), ("style grunge", "E006", "quotes"),
    ("sizes 64x64", "E021", "did you mean `size`"),
])
def test_video_setting_mistakes(settings, code, words):
    result = check(f'video "T" {{ {settings} }}\nentity ball = ball\nblock 0s..1s "A" {{ ball at (0.5, 0.5) }}\n')
    assert any(d.code == code and (words in d.message or words in d.help) for d in result.diagnostics), \
        [(d.code, d.message, d.help) for d in result.diagnostics]


def test_video_settings():
    video = compile_scene('video "Dusk" { size 256x128; fps 24; seed 9; style "grainy film" }\n').video
    assert (video.title, video.width, video.height, video.fps, video.seed, video.style) == \
        ("Dusk", 256, 128, 24, 9, "grainy film")


def test_entity_attributes_and_free_words():
    source = ('entity boat = "a weathered fishing boat" { color #AA5500; size 0.2; style neon; '
              'look "rusty"; layer -2 }\n' + 'block 0s..1s "A" { boat at (0.5, 0.5) }\n')
    (entity,) = compile_scene(source).entities
    assert (entity.kind, entity.free_words, entity.color, entity.size, entity.style, entity.look, entity.layer) == \
        ("a weathered fishing boat", True, "#aa5500", 0.2, "neon", "rusty", -2)


def test_lets_can_size_entities():
    source = "let s = 0.3\nentity e = ball { size s }\n" + 'block 0s..1s "A" { e at (0.5, 0.5) }\n'
    assert compile_scene(source).entities[0].size == 0.3


def test_compile_scene_raises_with_every_error():
    from hvg.diagnostics import CompileError
    source = HEAD + 'block 0s..1s "A" {\n  bal at (0.5, 0.5)\n  ball at (0.5, k)\n}\n'
    with pytest.raises(CompileError) as caught:
        compile_scene(source, file="story.scene")
    assert [(d.code, d.line) for d in caught.value.diagnostics] == [("E002", 4), ("E002", 5)]
    assert str(caught.value).startswith("story.scene:4:3: `bal` is not defined") and "(and 1 more)" in str(caught.value)
