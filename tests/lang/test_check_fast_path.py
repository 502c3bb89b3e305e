"""The console script runs plain `hvg check` invocations without typer; its output and exit code must be the
typer command's, byte for byte, and anything it does not recognise must reach typer."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from hvg.cli.fast_check import parse_check_arguments

ROOT = Path(__file__).resolve().parents[2]
CONFORMANCE = ROOT.parent / "shared" / "conformance"
CONSOLE_SCRIPT = "import sys; from hvg.cli.entry import run; sys.argv = ['hvg', *sys.argv[1:]]; run()"


def run_both(arguments: list[str], stdin: str = "") -> tuple[subprocess.CompletedProcess, subprocess.CompletedProcess]:
    fast = subprocess.run([sys.executable, "-c", CONSOLE_SCRIPT, "check", *arguments], input=stdin,
                          capture_output=True, text=True, cwd=ROOT)
    typer = subprocess.run([sys.executable, "-m", "hvg.cli.main", "check", *arguments], input=stdin,
                           capture_output=True, text=True, cwd=ROOT)
    return fast, typer


@pytest.mark.parametrize("arguments", [
    ["examples/beach.scene"],
    [str(CONFORMANCE / "err" / "02-unknown-entity.scene")],
    [str(CONFORMANCE / "warn" / "01-teleport.scene"), "--format", "json"],
    ["--format=json", str(CONFORMANCE / "err")],
    [str(CONFORMANCE / "warn"), "examples/beach.scene", "--format", "human", "--format", "json"],
    ["no-such-file.scene", "examples/beach.scene"],
    ["--", "examples/beach.scene"],
    ["--backend", "builtin", "examples/beach.scene"],
])
def test_the_fast_path_prints_what_the_typer_command_prints(arguments):
    assert parse_check_arguments(arguments) is not None          # these really take the fast path
    fast, typer = run_both(arguments)
    assert (fast.returncode, fast.stdout, fast.stderr) == (typer.returncode, typer.stdout, typer.stderr)
    assert fast.stdout or fast.stderr


def test_standard_input_takes_the_same_path():
    program = 'video "T" { size 64x64; fps 8 }\nentity dot = ball\nblock 0s..1s "A dot" { dot at (2, 0.5) }\n'
    fast, typer = run_both(["-"], stdin=program)
    assert (fast.returncode, fast.stdout) == (typer.returncode, typer.stdout) and "W002" in fast.stdout


@pytest.mark.parametrize("arguments, expected", [
    (["a.scene"], ([Path("a.scene")], "human", None)),
    (["a.scene", "--format", "json", "b.scene"], ([Path("a.scene"), Path("b.scene")], "json", None)),
    (["--backend=builtin", "-"], ([Path("-")], "human", "builtin")),
    (["--backend", "none", "--", "--odd-name.scene"], ([Path("--odd-name.scene")], "human", None)),
])
def test_plain_invocations_are_recognised(arguments, expected):
    assert parse_check_arguments(arguments) == expected


@pytest.mark.parametrize("arguments", [
    [], ["--help"], ["-h", "a.scene"], ["a.scene", "--format", "xml"], ["a.scene", "--format"],
    ["a.scene", "--colour"], ["--backend=magic", "a.scene"],
])
def test_everything_else_goes_to_typer(arguments):
    assert parse_check_arguments(arguments) is None


@pytest.mark.parametrize("arguments", [["--format", "xml", "examples/beach.scene"], ["--help"], []])
def test_help_and_mistakes_are_typers_own(arguments):
    fast, typer = run_both(arguments)
    # click names the program it ran, and rich pads its boxes to that name's length
    same_name = (lambda text: " ".join(text.replace("python -m hvg.cli.main", "hvg").split()))
    assert fast.returncode == typer.returncode and fast.returncode in (0, 2)
    assert same_name(fast.stdout + fast.stderr) == same_name(typer.stdout + typer.stderr)
