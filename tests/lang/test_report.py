"""Human and JSON renderings of diagnostics."""
from __future__ import annotations

import json

from hvg.diagnostics import Diagnostic
from hvg.lang.report import caret_width, render, summary, to_json


def _diagnostic(**changes) -> Diagnostic:
    fields = dict(file="s.scene", line=2, column=7, severity="error", code="E003",
                  message="block 2s..4s overlaps block 0s..3s", help="start it at 3s")
    fields.update(changes)
    return Diagnostic(**fields)


def test_caret_covers_the_token_or_the_given_span():
    line = 'block 2s..4s "Second" { ball at (0.5, 0.5) }'
    assert caret_width(line, 7, None) == len("2s..4s")
    assert caret_width(line, 14, None) == len('"Second"')
    assert caret_width(line, 25, None) == len("ball")
    assert caret_width(line, 25, 27) == 2
    assert caret_width("", 1, None) == 1


def test_human_rendering_has_header_source_caret_and_help():
    text = render(_diagnostic(), lambda file, line: 'block 2s..4s "Second" {').plain.splitlines()
    assert text[0] == "s.scene:2:7: error[E003]: block 2s..4s overlaps block 0s..3s"
    assert text[2] == ' 2 | block 2s..4s "Second" {'
    assert text[3] == "   |       ^^^^^^"
    assert text[4] == "   = help: start it at 3s"


def test_without_source_only_the_header_and_help():
    text = render(_diagnostic(help=""), lambda file, line: None).plain.strip().splitlines()
    assert text == ["s.scene:2:7: error[E003]: block 2s..4s overlaps block 0s..3s"]


def test_json_round_trips():
    data = json.loads(to_json([_diagnostic(), _diagnostic(severity="warning", code="W001")]))
    assert [d["code"] for d in data] == ["E003", "W001"] and data[0]["help"] == "start it at 3s"


def test_summary_counts():
    assert summary([], 2) == "All checks passed (2 files)."
    assert summary([_diagnostic(), _diagnostic(severity="warning")], 1) == \
        "Found 1 error and 1 warning in 1 file."
