"""Every file of the conformance set (../shared/conformance): through the API, and a few through the CLI."""
from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from hvg.lang.api import check

CONFORMANCE = Path(__file__).resolve().parents[2].parent / "shared" / "conformance"
EXPECT = re.compile(r"#\s*expect:\s*(error|warning)\s+line\s+(\d+)(?:\s+or\s+(\d+))?\s*:?\s*(.*)")
# The words each expectation's meaning hangs on: the message must carry them (the wording around them is ours).
KEY_WORDS = {
    "01": ["never closed"], "02": ["`bal`", "not defined", "`ball`"], "03": ["2s..4s", "overlaps", "0s..3s"],
    "04": ["ends (1s)", "starts (3s)"], "05": ["chunk 2s..5s", "outside", "0s..3s"],
    "06": ["`blurple`", "not a color", "`purple`"], "07": ["`spiral`", "calls itself"],
    "08": ["1000000 instances", "limit"], "09": ["folder tree"], "10": ["`ball`", "already defined on line 4"],
    "11": ["size", "greater than 0"], "12": ["multiple of 8"], "13": ["boundary", "(3s)"],
    "14": ["division by zero"], "15": ["keyframe 5s", "outside", "0s..3s"], "16": ["3s..4s", "without gaps"],
    "17": ["unexpected `bloc`", "`block`"], "18": ["`row`", "1 argument, 2 given"],
    "19": ["`ball`", "0s..4s", "(line 8)"], "20": ["cycle", "20-use-cycle.scene uses itself"],
    "21": ["`tide`", "attribute of a background", "`time`"], "22": ["string is not closed"],
}
WARN_KEY_WORDS = {
    "01": ["(0.2, 0.8)", "(0.9, 0.1)", "2s", "no transition"], "02": ["outside the frame", "0s..2s"],
    "03": ["`snail`", "0.8", "0.25s", "3.2 frame widths a second"], "04": ["`cat`", "never placed"],
    "05": ["`dragon`", "nearest kind"],
}


def _files(kind: str) -> list[Path]:
    if not CONFORMANCE.is_dir():
        pytest.fail(f"the conformance set is missing: expected it at {CONFORMANCE}")
    return sorted((CONFORMANCE / kind).glob("*.scene"))


def _expectation(path: Path) -> tuple[str, set[int], str]:
    match = EXPECT.match(path.read_text().splitlines()[0])
    assert match, f"{path.name} has no `# expect:` line"
    lines = {int(match.group(2))} | ({int(match.group(3))} if match.group(3) else set())
    return match.group(1), lines, match.group(4)


def test_the_set_is_complete():
    assert len(_files("ok")) >= 6 and len(_files("err")) >= 22 and len(_files("warn")) >= 5


@pytest.mark.parametrize("path", _files("ok"), ids=lambda p: p.name)
def test_ok_files_have_no_diagnostics(path):
    result = check(path)
    assert result.diagnostics == []
    assert result.scene is not None and result.scene.blocks


@pytest.mark.parametrize("path", _files("err"), ids=lambda p: p.name)
def test_err_files_report_their_error(path):
    severity, lines, _what = _expectation(path)
    result = check(path)
    hits = [d for d in result.errors if d.line in lines]
    assert hits, f"no error on line {lines}: {[(d.line, d.message) for d in result.diagnostics]}"
    message = " ".join(d.message for d in hits)
    for word in KEY_WORDS[path.name[:2]]:
        assert word in message, f"{word!r} missing from {message!r}"
    assert not result.ok


@pytest.mark.parametrize("path", _files("warn"), ids=lambda p: p.name)
def test_warn_files_report_exactly_their_warning(path):
    _severity, lines, _what = _expectation(path)
    result = check(path)
    assert len(result.diagnostics) == 1, [(d.line, d.message) for d in result.diagnostics]
    (found,) = result.diagnostics
    assert found.severity == "warning" and found.line in lines
    for word in WARN_KEY_WORDS[path.name[:2]]:
        assert word in found.message


@pytest.mark.parametrize("relative", ["ok/beach.scene", "err/02-unknown-entity.scene", "warn/01-teleport.scene",
                                      "err/09-use-outside-project.scene"])
def test_cli_json_output_matches_the_api(relative):
    path = CONFORMANCE / relative
    proc = subprocess.run([sys.executable, "-m", "hvg.cli.main", "check", "--format", "json", str(path)],
                          capture_output=True, text=True, timeout=60)
    data = json.loads(proc.stdout)          # stdout is only the JSON array
    expected = check(path, file=str(path)).diagnostics
    assert [(d["line"], d["column"], d["severity"], d["code"], d["message"], d["help"]) for d in data] == \
        [(d.line, d.column, d.severity, d.code, d.message, d.help) for d in expected]
    assert all(set(d) >= {"file", "line", "column", "severity", "code", "message", "help"} for d in data)
    assert proc.returncode == (1 if any(d.severity == "error" for d in expected) else 0)
