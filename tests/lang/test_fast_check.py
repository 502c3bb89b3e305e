"""What keeps a cold `hvg check` fast must not change what it says (docs/benchmarks.md, "Scene language"):

- the builder makes IR nodes and diagnostics with `model_construct`, without validation: validating what it makes
  must give back exactly the same values and types (so `hvg compile` writes the JSON validation would);
- the check path builds no pydantic schema of its own.
"""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

from hvg.diagnostics import Diagnostic
from hvg.ir import Scene
from hvg.lang.api import check

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
print("BUILT", built, file=sys.stderr)
"""


@pytest.mark.parametrize("argv", [["check", str(CONFORMANCE / "ok" / "beach.scene")],
                                  ["check", str(CONFORMANCE / "err" / "02-unknown-entity.scene")]])
def test_check_builds_no_schema(argv):
    proc = subprocess.run([sys.executable, "-c", CHECK_ONLY, *argv], capture_output=True, text=True, timeout=60)
    assert "BUILT []" in proc.stderr, proc.stderr[-800:]
    assert proc.stdout.strip().splitlines()[-1].startswith(("All checks passed", "Found 1 error"))
