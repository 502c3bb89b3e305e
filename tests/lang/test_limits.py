"""Every limit of hvg.lang.limits is an error with a line, reported quickly: never a crash, a hang or a recursion."""
from __future__ import annotations

import time

import pytest

from hvg.lang import limits
from hvg.lang.api import check

HEAD = 'video "T" { size 64x64; fps 8 }\nentity ball = ball { color red; size 0.05 }\n'


def _timed_check(source: str):
    started = time.perf_counter()
    result = check(source)
    return result, time.perf_counter() - started


def test_a_loop_over_the_limit_is_refused_before_expanding():
    result, seconds = _timed_check(HEAD + 'block 0s..1s "A" {\n  repeat i in 0..100000000 { ball at (0, 0) }\n}\n')
    (diagnostic,) = result.errors
    assert diagnostic.code == "E008" and diagnostic.line == 4 and "100000000 instances" in diagnostic.message
    assert seconds < 2


def test_nested_loops_stop_at_the_instance_limit():
    source = HEAD + ('block 0s..1s "A" {\n  repeat i in 0..5000 {\n    repeat j in 0..5000 { ball at (0, 0) }\n'
                     '  }\n}\n')
    result, seconds = _timed_check(source)
    assert [d.code for d in result.errors] == ["E008"]
    assert f"more than {limits.MAX_INSTANCES}" in result.errors[0].message
    assert seconds < 5


def test_deep_group_calls_stop_at_the_depth_limit():
    groups = "".join(f"group g{i}() {{ g{i + 1}() }}\n" for i in range(60)) + "group g60() { ball at (0, 0) }\n"
    result, _ = _timed_check(HEAD + groups + 'block 0s..1s "A" { g0() }\n')
    (diagnostic,) = result.errors
    assert diagnostic.code == "E026" and f"limit of {limits.MAX_CALL_DEPTH}" in diagnostic.message


def test_exponential_group_fanout_is_cut_off():
    groups = "".join(f"group g{i}() {{\n  g{i + 1}()\n  g{i + 1}()\n}}\n" for i in range(40))
    groups += "group g40() { ball at (0, 0) }\n"
    result, seconds = _timed_check(HEAD + groups + 'block 0s..1s "A" { g0() }\n')
    assert "E008" in {d.code for d in result.errors} or "E026" in {d.code for d in result.errors}
    assert seconds < 5


@pytest.mark.parametrize("opener, closer", [("{", "}"), ("(", ")")])
def test_nesting_past_the_limit_is_an_error(opener, closer):
    depth = limits.MAX_NESTING + 5
    if opener == "{":
        source = "block 0s..1s \"A\" " + "{ " * depth + "}" * depth
    else:
        source = "let x = " + "(" * depth + "1" + ")" * depth
    (diagnostic,) = check(source).errors
    assert diagnostic.code == "E026" and diagnostic.line == 1


def test_a_file_over_the_size_limit_is_refused():
    source = "# " + "x" * limits.MAX_FILE_BYTES + "\n"
    (diagnostic,) = check(source).errors
    assert diagnostic.code == "E027" and diagnostic.line == 1


def test_too_many_blocks():
    blocks = "".join(f'block {i}s..{i + 1}s "b" {{ ball at (0.5, 0.5) }}\n' for i in range(limits.MAX_BLOCKS + 1))
    result, seconds = _timed_check(HEAD + blocks)
    assert [d.code for d in result.errors] == ["E027"]
    assert result.errors[0].line == 3 + limits.MAX_BLOCKS
    assert seconds < 20


def test_too_many_pixel_frames():
    source = 'video "T" { size 2048x2048; fps 120 }\nentity ball = ball\nblock 0s..100s "A" { ball at (0.5, 0.5) }\n'
    (diagnostic,) = check(source).errors
    assert diagnostic.code == "E027" and diagnostic.line == 1 and "pixel-frames" in diagnostic.message


@pytest.mark.parametrize("source", [
    "", "\n\n", ";;;", "# only a comment", "let x = 1", "\ufeffvideo \"T\" { size 64x64 }", "\x00\x01", "{" * 10,
    "}" * 10, '"' * 3, "block 0s..1s \"a\" {}", "repeat i in 0..3 {}", "€", "a" * 5000,
])
def test_odd_inputs_give_diagnostics_not_exceptions(source):
    result = check(source)
    assert all(d.line >= 1 and d.column >= 1 for d in result.diagnostics)
    assert all(d.code != "E099" for d in result.diagnostics)


def test_fanout_that_places_nothing_still_stops():
    groups = "".join(f"group g{i}() {{\n  g{i + 1}()\n  g{i + 1}()\n}}\n" for i in range(25)) + "group g25() { }\n"
    result, seconds = _timed_check(HEAD + groups + 'block 0s..1s "A" {\n  g0()\n  ball at (0.5, 0.5)\n}\n')
    (diagnostic,) = result.errors
    assert diagnostic.code == "E008" and f"more than {limits.MAX_EXPANSIONS}" in diagnostic.message
    assert seconds < 10
