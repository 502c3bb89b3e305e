"""Semantic checks on the IR: the timeline, chunks, keyframes, transitions, one statement at a time, warnings."""
from __future__ import annotations

import pytest

from hvg.lang import checks, codes
from hvg.lang.api import check

HEAD = 'video "T" { size 64x64; fps 8 }\nentity ball = ball { color red; size 0.1 }\n'


def _codes(source: str) -> list[tuple[str, int]]:
    return [(d.code, d.line) for d in check(HEAD + source).diagnostics]


def test_rules_are_ordered_tuples_of_functions():
    assert isinstance(checks.ERROR_RULES, tuple) and isinstance(checks.WARNING_RULES, tuple)
    assert all(callable(rule) for rule in checks.ERROR_RULES + checks.WARNING_RULES)


def test_every_code_is_registered_once_with_its_severity():
    assert all(code.startswith({"error": "E", "warning": "W", "info": "I"}[entry.severity])
               for code, entry in codes.REGISTRY.items())
    assert {"E019", "W001", "W002", "W003", "W004", "W005"} <= set(codes.REGISTRY)


@pytest.mark.parametrize("code", [c for c, e in codes.REGISTRY.items() if e.example])
def test_each_codes_example_gives_its_typical_message(code, tmp_path):
    path = tmp_path / "a.scene"                       # E020's example uses itself, so it must be a file
    path.write_text(codes.REGISTRY[code].example)
    result = check(path, backend="builtin" if code == "I001" else None)   # builtin may load torch: only here
    messages = [d.message for d in result.diagnostics if d.code == code]
    assert codes.REGISTRY[code].message in messages, [(d.code, d.message) for d in result.diagnostics]


def test_markdown_table_lists_every_code():
    table = codes.markdown_table()
    assert all(f"| {code} |" in table for code in codes.REGISTRY)


def test_blocks_out_of_file_order_are_fine_when_they_tile_the_timeline():
    assert _codes('block 2s..4s "B" { ball at (0.5, 0.5) }\nblock 0s..2s "A" { ball at (0.5, 0.5) }\n') == []


def test_the_first_block_must_start_at_zero():
    assert _codes('block 1s..2s "A" { ball at (0.5, 0.5) }\n') == [("E016", 3)]


def test_an_empty_block_is_an_error():
    assert _codes('block 1s..1s "A" { ball at (0.5, 0.5) }\n')[0] == ("E004", 3)


def test_keyframes_must_be_in_order():
    source = 'block 0s..3s "A" {\n  ball keys {\n    2s (0.1, 0.5)\n    1s (0.9, 0.5)\n  }\n}\n'
    assert _codes(source) == [("E015", 6)]


def test_keyframe_at_the_end_of_the_block_is_inside():
    source = 'block 0s..3s "A" {\n  ball keys {\n    0s (0.1, 0.5)\n    3s (0.3, 0.5)\n  }\n}\n'
    assert _codes(source) == []


TWO_BLOCKS = 'block 0s..2s "A" { ball at (0.5, 0.5) }\nblock 2s..4s "B" { ball at (0.5, 0.5) }\n'


@pytest.mark.parametrize("transition, expected", [
    ("transition 2s cut", []), ("transition 2s smooth 0.5s", []), ("transition 2s crossfade 4s", []),
    ("transition 2s smooth 3s", [("E028", 5)]), ("transition 2s crossfade 5s", [("E028", 5)]),
    ("transition 2s smooth", [("E028", 5)]), ("transition 4s cut", [("E013", 5)]),
    ("transition 2s cut\ntransition 2s smooth 1s", [("E028", 6)]),
])
def test_transitions(transition, expected):
    assert _codes(TWO_BLOCKS + transition + "\n") == expected


def test_chunks_of_one_instance_may_follow_each_other():
    source = ('block 0s..2s "A" {\n  chunk 0s..1s "a" { ball at (0.5, 0.5) }\n'
              '  chunk 1s..2s "b" { ball moves (0.5, 0.5) -> (0.6, 0.5) }\n}\n')
    assert _codes(source) == []


def test_two_chunks_placing_one_instance_at_once_conflict():
    source = ('block 0s..2s "A" {\n  chunk 0s..1.5s "a" { ball at (0.5, 0.5) }\n'
              '  chunk 1s..2s "b" { ball at (0.5, 0.5) }\n}\n')
    assert _codes(source) == [("E019", 5)]


def test_different_instances_of_one_entity_do_not_conflict():
    source = 'block 0s..2s "A" {\n  repeat i in 0..3 { ball at (0.2 + 0.2 * i, 0.5) }\n  ball at (0.5, 0.9)\n}\n'
    assert _codes(source) == []


def test_teleport_is_silenced_by_a_declared_transition():
    source = 'block 0s..2s "A" { ball at (0.2, 0.8) }\nblock 2s..4s "B" { ball at (0.9, 0.1) }\n'
    assert _codes(source) == [("W001", 4)]
    assert _codes(source + "transition 2s cut\n") == []


def test_no_teleport_across_a_gap_in_the_instance_statements():
    source = ('block 0s..2s "A" { ball at (0.2, 0.8) }\nblock 2s..4s "B" { background plain }\n'
              'block 4s..6s "C" { ball at (0.9, 0.1) }\n')
    assert _codes(source) == []


def test_exits_starts_where_the_instance_was():
    source = ('block 0s..2s "A" { ball moves (0.2, 0.5) -> (0.6, 0.5) }\n'
              'block 2s..4s "B" { ball exits to right }\n')
    assert _codes(source) == []


def test_enters_after_being_on_screen_is_a_jump():
    source = 'block 0s..2s "A" { ball at (0.5, 0.5) }\nblock 2s..4s "B" { ball enters from left to (0.5, 0.5) }\n'
    assert _codes(source) == [("W001", 4)]


def test_leaving_on_one_side_and_coming_back_on_the_other_is_not_a_teleport():
    source = ('block 0s..2s "A" { ball exits to right }\nblock 2s..4s "B" { ball enters from left to (0.5, 0.5) }\n')
    assert _codes(source) == []


def test_partly_visible_motion_is_not_offscreen():
    source = 'block 0s..2s "A" { ball moves (1.5, 0.5) -> (0.5, 0.5) }\n'
    assert _codes(source) == []


def test_an_object_just_past_the_edge_is_offscreen_but_one_touching_it_is_not():
    assert _codes('block 0s..2s "A" { ball at (1.06, 0.5) }\n') == [("W002", 3)]
    assert _codes('block 0s..2s "A" { ball at (1.04, 0.5) }\n') == []


def test_speed_threshold_is_two_frame_widths_a_second():
    assert _codes('block 0s..1s "A" { ball moves (0, 0.5) -> (1.9, 0.5) }\n') == []
    assert _codes('block 0s..1s "A" { ball moves (0, 0.5) -> (0.6, 0.5) -> (0, 0.5) -> (0.6, 0.5) '
                  '-> (0, 0.5) }\n') == [("W003", 3)]


def test_warnings_wait_for_errors_to_be_fixed():
    source = 'entity cat = "a cat"\nblock 0s..2s "A" { ball at (3, 3) }\nblock 3s..4s "B" { ball at (0.5, 0.5) }\n'
    assert [c for c, _ in _codes(source)] == ["E016"]


def test_out_of_vocabulary_backgrounds_and_styles():
    source = 'block 0s..2s "A" {\n  background "a volcano"\n  style "claymation"\n  ball at (0.5, 0.5)\n}\n'
    found = check(HEAD + source).diagnostics
    assert [(d.code, d.line) for d in found] == [("W005", 4), ("W005", 5)]
    assert "`volcano`" in found[0].message and "background" in found[0].message
    assert "`claymation`" in found[1].message and "style" in found[1].message


def test_unplaced_free_words_entity_gets_only_the_unused_warning():
    source = 'entity smaug = "a red dragon"\nblock 0s..1s "A" { ball at (0.5, 0.5) }\n'
    assert _codes(source) == [("W004", 3)]


def test_builtin_backend_infos_say_what_is_drawn():
    source = 'entity gull = "a seagull"\nblock 0s..1s "A" {\n  background "a misty harbor"\n  gull at (0.5, 0.5)\n' \
             '  ball at (0.2, 0.2)\n}\n'
    infos = [d for d in check(HEAD + source, backend="builtin").diagnostics if d.severity == "info"]
    messages = sorted(d.message for d in infos)
    assert any("`bird`" in m and "seagull" in m for m in messages)
    assert any("`ocean`" in m and "harbor" in m for m in messages)
    assert all(d.code == "I001" for d in infos)
    assert [d for d in check(HEAD + source).diagnostics if d.severity == "info"] == []
