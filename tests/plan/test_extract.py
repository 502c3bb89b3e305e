"""Reading a model's answer: JSON IR (bare, fenced, in prose, wrapped), scene source, and garbage."""
from __future__ import annotations

import json

from hvg.lang.api import check
from hvg.lang.unparse import unparse
from hvg.plan.extract import BAD_SCHEMA, NO_PROGRAM, fill_defaults, json_objects, read_answer
from hvg.plan.messages import _EXAMPLE

SOURCE = """video "Dot" { size 64x64; fps 8 }
entity dot = ball { color blue }
block 0s..1s "A dot" {
  background plain
  dot at (0.5, 0.5)
}
"""


def read(text: str):
    return read_answer(text, to_source=unparse, file="a.scene")


def test_bare_json_is_validated_and_printed_as_source():
    draft = read(json.dumps(_EXAMPLE))
    assert draft.form == "json" and not draft.problems
    assert check(draft.source, file="a.scene").diagnostics == []
    assert "ball bounces (0.2, 0.8) -> (0.8, 0.8) height 0.3 times 2" in draft.source


def test_json_in_a_fence_in_prose_or_wrapped():
    body = json.dumps(_EXAMPLE, indent=2)
    for text in (f"Sure! Here is the scene:\n```json\n{body}\n```\nEnjoy.",
                 f"The plan is {body} -- hope it helps",
                 json.dumps({"scene": _EXAMPLE})):
        draft = read(text)
        assert draft.form == "json" and draft.source and not draft.problems, text[:40]


def test_missing_instance_and_span_are_filled_from_the_block():
    scene = json.loads(json.dumps(_EXAMPLE))
    placement = scene["blocks"][0]["placements"][0]
    for key in ("instance", "start", "end"):
        del placement[key]
    filled = fill_defaults(scene)["blocks"][0]["placements"][0]
    assert (filled["instance"], filled["start"], filled["end"]) == ("ball", 0, 3)
    assert read(json.dumps(scene)).problems == []


def test_json_that_breaks_the_schema_is_a_diagnostic_naming_the_field():
    scene = json.loads(json.dumps(_EXAMPLE))
    scene["blocks"][0]["placements"][0]["motion"] = {"type": "teleports", "to": [1, 1]}
    draft = read(json.dumps(scene))
    assert draft.source is None and draft.problems
    assert all(p.code == BAD_SCHEMA and p.severity == "error" for p in draft.problems)
    assert "blocks.0.placements.0.motion" in draft.problems[0].message


def test_scene_source_is_accepted_bare_or_fenced():
    for text in (SOURCE, f"Here you go:\n```scene\n{SOURCE}```\nThe dot sits still.", f"```\n{SOURCE}\n```"):
        draft = read(text)
        assert draft.form == "source", text[:30]
        assert check(draft.source, file="a.scene").diagnostics == []


def test_garbage_is_a_diagnostic_quoting_the_start_of_the_answer():
    draft = read("I am sorry, I cannot draw videos. {not json}")
    assert draft.source is None and draft.form == "none"
    assert draft.problems[0].code == NO_PROGRAM and "I am sorry" in draft.problems[0].message


def test_json_objects_skips_broken_ones_and_finds_the_next():
    assert json_objects('{"a": [1, } then {"b": 2} and {"c": {"d": 3}}') == [{"b": 2}, {"c": {"d": 3}}]


def test_kinds_outside_the_vocabulary_become_free_words():
    scene = json.loads(json.dumps(_EXAMPLE))
    scene["entities"][0]["kind"] = "fishing boat"
    scene["blocks"][0]["background"]["kind"] = "misty harbor"
    draft = read(json.dumps(scene))
    assert 'entity ball = "fishing boat"' in draft.source and 'background "misty harbor"' in draft.source
    assert check(draft.source, file="a.scene").errors == []


def test_points_as_objects_and_times_as_strings_are_understood():
    scene = json.loads(json.dumps(_EXAMPLE))
    block = scene["blocks"][0]
    block["start"], block["end"] = "0s", "3s"
    motion = block["placements"][0]["motion"]
    motion["start"], motion["end"] = {"x": 0.2, "y": 0.8}, {"x": 0.8, "y": 0.8}
    draft = read(json.dumps(scene))
    assert not draft.problems and "bounces (0.2, 0.8) -> (0.8, 0.8)" in draft.source
