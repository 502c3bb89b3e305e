"""What keeps a cold `hvg check` fast must not change what it says (docs/benchmarks.md, "Scene language"):

- the builder makes IR nodes and diagnostics with `model_construct`, without validation: validating what it makes
  must give back exactly the same values and types (so `hvg compile` writes the JSON validation would);
- to a pipe, `hvg check` writes its human output without rich: the text must be what rich prints there;
- the check path builds no pydantic schema of its own and never imports rich's console.
"""
from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rich.console import Console

from hvg.diagnostics import Diagnostic
from hvg.ir import Scene
from hvg.lang.api import check
from hvg.lang.report import render, render_plain

from .strategies import damaged_texts, programs

ROOT = Path(__file__).resolve().parents[2]
CONFORMANCE = ROOT.parent / "shared" / "conformance"
PROGRAMS = sorted((ROOT / "examples").rglob("*.scene")) + sorted(CONFORMANCE.rglob("*.scene"))


def _settings(examples: int) -> settings:
    return settings(max_examples=examples, deadline=2000, derandomize=True, database=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


def assert_as_validated(result) -> None:
    """The IR and every diagnostic equal their validated selves, down to each value's type (`repr` tells a float
    from an int and a tuple from a list, where `==` does not)."""
    if result.scene is not None:
        validated = Scene.model_validate(result.scene.model_dump())
        assert validated == result.scene
        assert repr(validated) == repr(result.scene)
        assert validated.model_dump_json() == result.scene.model_dump_json()
    for diagnostic in result.diagnostics:
        assert repr(Diagnostic.model_validate(diagnostic.model_dump())) == repr(diagnostic)


def test_the_programs_cover_examples_and_the_conformance_set():
    assert len(PROGRAMS) > 30 and any(p.parent.name == "ok" for p in PROGRAMS)


@pytest.mark.parametrize("path", PROGRAMS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_constructed_ir_and_diagnostics_are_what_validation_gives(path: Path):
    assert_as_validated(check(path))


@_settings(80)
@given(programs())
def test_constructed_ir_of_generated_programs_is_what_validation_gives(text: str):
    assert_as_validated(check(text))


@_settings(80)
@given(damaged_texts())
def test_constructed_ir_of_damaged_programs_is_what_validation_gives(text: str):
    assert_as_validated(check(text))


def _rich_prints(diagnostic: Diagnostic, source_line) -> str:
    """What `hvg check` printed through rich before it learnt to write plainly (a Console that is no terminal)."""
    out = io.StringIO()
    Console(file=out, highlight=False, soft_wrap=True).print(render(diagnostic, source_line), end="")
    return out.getvalue()


@pytest.mark.parametrize("path", sorted((CONFORMANCE / "err").glob("*.scene")), ids=lambda p: p.name)
def test_plain_output_is_what_rich_prints(path: Path):
    lines = path.read_text(encoding="utf-8").splitlines()
    source_line = lambda file, line: lines[line - 1] if 0 < line <= len(lines) else None  # noqa: E731
    for diagnostic in check(path).diagnostics:
        assert render_plain(diagnostic, source_line) == _rich_prints(diagnostic, source_line)


# Text a diagnostic may echo from a program: tabs in quoted words, wide characters, control codes rich drops.
odd_text = st.lists(st.sampled_from([*"ab \t\r\x07\x0b\x0c\x7f`\"漢é😀", ":smile:", "[bold]"]), max_size=16).map("".join)


@_settings(150)
@given(message=odd_text, help=odd_text, source=odd_text, column=st.integers(1, 30),
       severity=st.sampled_from(["error", "warning", "info"]))
def test_plain_output_is_what_rich_prints_for_any_text(message: str, help: str, source: str, column: int,
                                                       severity: str):
    diagnostic = Diagnostic(file="a\tb.scene", line=12, column=column, severity=severity, code="E006",
                            message=message, help=help)
    for source_line in (lambda file, line: source, lambda file, line: None):
        assert render_plain(diagnostic, source_line) == _rich_prints(diagnostic, source_line)


CHECK_ONLY = """
import sys
from hvg.cli.entry import run
sys.argv = ["hvg", *sys.argv[1:]]
try:
    run()
except SystemExit:
    pass
from hvg import ir
from hvg.diagnostics import Diagnostic
built = sorted(name for name in dir(ir) if getattr(getattr(ir, name), "__pydantic_complete__", False))
built += ["Diagnostic"] if Diagnostic.__pydantic_complete__ else []
print("BUILT", built, "RICH_CONSOLE", "rich.console" in sys.modules, file=sys.stderr)
"""


@pytest.mark.parametrize("argv", [["check", str(CONFORMANCE / "ok" / "beach.scene")],
                                  ["check", str(CONFORMANCE / "err" / "02-unknown-entity.scene")]])
def test_check_to_a_pipe_builds_no_schema_and_no_rich_console(argv):
    proc = subprocess.run([sys.executable, "-c", CHECK_ONLY, *argv], capture_output=True, text=True, timeout=60)
    assert "BUILT [] RICH_CONSOLE False" in proc.stderr, proc.stderr[-800:]
    assert proc.stdout.strip().splitlines()[-1].startswith(("All checks passed", "Found 1 error"))
