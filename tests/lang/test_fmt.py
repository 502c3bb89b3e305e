"""`hvg fmt` and `format_source`: golden layouts, idempotence, meaning and comments kept, syntax errors refused,
and the command's in-place, --check, --diff and stdin modes."""
from __future__ import annotations

import os
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from hvg.cli.main import main
from hvg.ir import semantic_dump
from hvg.lang.api import check
from hvg.lang.fmt import FormatError, format_source

ROOT = Path(__file__).resolve().parents[2]
CONFORMANCE = ROOT.parent / "shared" / "conformance"
CORPUS = ROOT / "grammar" / "corpus"
SYNTAX_ERRORS = {"01-unclosed-block.scene": "E001", "17-misspelled-keyword.scene": "E017",
                 "22-bad-unclosed-string.scene": "E022"}


def _programs() -> list[Path]:
    found = sorted(CORPUS.glob("*.scene")) + sorted((ROOT / "examples").rglob("*.scene"))
    for folder in ("ok", "warn", "err"):
        found += sorted(p for p in (CONFORMANCE / folder).rglob("*.scene") if p.name not in SYNTAX_ERRORS)
    return found


PROGRAMS = _programs()


def _check_in_place(path: Path, text: str):
    """Check `text` as if it were the file at `path` (so `use` resolves beside it)."""
    previous = os.getcwd()
    os.chdir(path.parent)
    try:
        return check(text, file=path.name)
    finally:
        os.chdir(previous)


def _findings(result) -> list[tuple[str, str]]:
    """Codes and messages, without the line numbers that messages cite (formatting may move lines)."""
    return sorted((d.code, re.sub(r"line \d+", "line N", d.message)) for d in result.diagnostics)


def _comments(text: str) -> Counter:
    return Counter(re.findall(r"#(?![0-9a-fA-F]{6}\b)[^\n]*", _without_strings(text)))


def _without_strings(text: str) -> str:
    return re.sub(r'"([^"\\\n]|\\.)*"', '""', text)


def test_the_suite_finds_programs():
    assert len(PROGRAMS) >= 30 and len(list(CORPUS.glob("*.scene"))) >= 4


@pytest.mark.parametrize("path", sorted(CORPUS.glob("*.scene")), ids=lambda p: p.name)
def test_corpus_formats_to_its_golden_layout(path: Path):
    expected = (path.parent / (path.name + ".expected")).read_text(encoding="utf-8")
    assert format_source(path.read_text(encoding="utf-8")) == expected
    assert format_source(expected) == expected


@pytest.mark.parametrize("path", PROGRAMS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_format_is_idempotent_and_keeps_meaning_and_comments(path: Path):
    text = path.read_text(encoding="utf-8")
    formatted = format_source(text, str(path))
    assert format_source(formatted) == formatted
    assert _comments(formatted) == _comments(text)
    before, after = _check_in_place(path, text), _check_in_place(path, formatted)
    assert _findings(after) == _findings(before)
    if before.scene is None:
        assert after.scene is None
    else:
        assert semantic_dump(after.scene) == semantic_dump(before.scene)


@pytest.mark.parametrize("name,code", sorted(SYNTAX_ERRORS.items()))
def test_a_syntax_error_is_refused_not_mangled(name: str, code: str):
    with pytest.raises(FormatError) as refused:
        format_source((CONFORMANCE / "err" / name).read_text(encoding="utf-8"), name)
    assert [d.code for d in refused.value.diagnostics] == [code]
    assert name in str(refused.value)


def test_layout_rules():
    text = ('video "T" { size 64x64; fps 8 }\nentity  b=ball{color red;size 0.50}\n'
            'let k = ((1 + 2)) * -(3 - 4) - (5 - 6)\n'
            'block 0s..1.50s "A" { b at (k/10, 1.0); b2 keys { 0s (0, 0); 1s (1, 1) } spins 007 }')
    assert format_source(text) == (
        'video "T" {\n  size 64x64\n  fps 8\n}\n\n'
        'entity b = ball { color red; size 0.5 }\n\n'
        'let k = (1 + 2) * -(3 - 4) - (5 - 6)\n\n'
        'block 0s..1.5s "A" {\n  b at (k / 10, 1.0)\n  b2 keys {\n    0s (0, 0)\n    1s (1, 1)\n  } spins 7\n}\n')


def test_comments_keep_their_places():
    text = ('# header\n\nentity b = ball  # trailing\n# above the block\nblock 0s..1s "A" {\n'
            '  # inside\n  b at (0.5, 0.5);   b at (0.1, 0.1)  # after the second\n}\n# the end\n')
    assert format_source(text) == (
        '# header\n\nentity b = ball  # trailing\n\n# above the block\nblock 0s..1s "A" {\n'
        '  # inside\n  b at (0.5, 0.5)\n  b at (0.1, 0.1)  # after the second\n}\n# the end\n')


def test_a_comment_among_attributes_spreads_them_one_a_line():
    text = 'entity b = ball { color red  # why red\n size 0.2 }\n'
    assert format_source(text) == 'entity b = ball {\n  color red  # why red\n  size 0.2\n}\n'


def test_empty_program_and_comment_only_program():
    assert format_source("") == ""
    assert format_source("\n\n;\n") == ""
    assert format_source("# just a note   \n\n\n# another\n") == "# just a note\n\n# another\n"


def test_windows_line_endings_are_read():
    text = 'entity b = ball  # note\r\nblock 0s..1s "A" {\r\n  b at (0.5, 0.5)\r\n}\r\n'
    assert format_source(text) == 'entity b = ball  # note\n\nblock 0s..1s "A" {\n  b at (0.5, 0.5)\n}\n'


# ---------------------------------------------------------------------------------------------------------------
# The command
# ---------------------------------------------------------------------------------------------------------------

MESSY = 'video "T" { size 64x64; fps 8 }\nentity b = ball\nblock 0s..1s "A" { b at (0.5,0.5) }\n'
TIDY = format_source(MESSY)


def test_fmt_rewrites_files_in_place_keeping_permissions(tmp_path: Path, capsys):
    messy, tidy = tmp_path / "messy.scene", tmp_path / "tidy.scene"
    messy.write_text(MESSY)
    tidy.write_text(TIDY)
    messy.chmod(0o640)
    tidy_mtime = tidy.stat().st_mtime_ns
    assert main(["fmt", str(messy), str(tidy)]) == 0
    assert messy.read_text() == TIDY
    assert messy.stat().st_mode & 0o777 == 0o640
    assert tidy.stat().st_mtime_ns == tidy_mtime          # an unchanged file is not rewritten
    assert sorted(p.name for p in tmp_path.iterdir()) == ["messy.scene", "tidy.scene"]   # no temp file left
    assert "1 file reformatted, 1 unchanged" in capsys.readouterr().err


def test_fmt_through_a_symbolic_link_rewrites_the_target_and_keeps_the_link(tmp_path: Path):
    target = tmp_path / "real.scene"
    target.write_text(MESSY)
    link = tmp_path / "link.scene"
    link.symlink_to(target)
    assert main(["fmt", str(link)]) == 0
    assert link.is_symlink() and target.read_text() == TIDY


def test_fmt_check_lists_files_and_writes_nothing(tmp_path: Path, capsys):
    messy, tidy = tmp_path / "messy.scene", tmp_path / "tidy.scene"
    messy.write_text(MESSY)
    tidy.write_text(TIDY)
    assert main(["fmt", "--check", str(messy), str(tidy)]) == 1
    assert messy.read_text() == MESSY
    out = capsys.readouterr().out
    assert "messy.scene" in out and "tidy.scene" not in out
    assert main(["fmt", "--check", str(tidy)]) == 0


def test_fmt_diff_prints_a_unified_diff(tmp_path: Path, capsys):
    messy = tmp_path / "messy.scene"
    messy.write_text(MESSY)
    assert main(["fmt", "--diff", str(messy)]) == 1
    out = capsys.readouterr().out
    assert messy.read_text() == MESSY
    assert '-video "T" { size 64x64; fps 8 }' in out and "+  size 64x64" in out and out.startswith("---")


def test_fmt_folder_formats_every_scene_below_it(tmp_path: Path):
    (tmp_path / "lib").mkdir()
    (tmp_path / "lib" / "a.scene").write_text(MESSY)
    (tmp_path / "b.scene").write_text(MESSY)
    (tmp_path / "notes.txt").write_text("not a scene {")
    assert main(["fmt", str(tmp_path)]) == 0
    assert (tmp_path / "lib" / "a.scene").read_text() == TIDY == (tmp_path / "b.scene").read_text()
    assert (tmp_path / "notes.txt").read_text() == "not a scene {"


def test_fmt_leaves_a_file_with_a_syntax_error_alone(tmp_path: Path, capsys):
    broken = tmp_path / "broken.scene"
    text = (CONFORMANCE / "err" / "17-misspelled-keyword.scene").read_text()
    broken.write_text(text)
    messy = tmp_path / "messy.scene"
    messy.write_text(MESSY)
    assert main(["fmt", str(broken), str(messy)]) == 1
    assert broken.read_text() == text
    assert messy.read_text() == TIDY                      # the other file is still formatted
    err = capsys.readouterr().err
    assert "E017" in err and "unexpected `bloc`" in err and "Traceback" not in err


def test_fmt_missing_file_is_a_usage_error(tmp_path: Path, capsys):
    assert main(["fmt", str(tmp_path / "nowhere.scene")]) == 2
    assert "does not exist" in capsys.readouterr().err


def test_fmt_never_loses_the_file_when_the_write_fails(tmp_path: Path, monkeypatch, capsys):
    messy = tmp_path / "messy.scene"
    messy.write_text(MESSY)

    def refuse(*_args, **_kwargs):
        raise OSError(28, "No space left on device")
    monkeypatch.setattr(os, "replace", refuse)
    assert main(["fmt", str(messy)]) == 2
    assert messy.read_text() == MESSY
    assert [p.name for p in tmp_path.iterdir()] == ["messy.scene"]
    assert "No space left on device" in capsys.readouterr().err


def test_fmt_stdin_to_stdout():
    done = subprocess.run([sys.executable, "-m", "hvg.cli.main", "fmt", "-"], input=MESSY, text=True,
                          capture_output=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout == TIDY
    done = subprocess.run([sys.executable, "-m", "hvg.cli.main", "fmt", "--check", "-"], input=MESSY, text=True,
                          capture_output=True, timeout=60)
    assert done.returncode == 1 and "<stdin>" in done.stdout


@pytest.mark.parametrize("written,canonical", [
    ("(1 - 2) - 3", "1 - 2 - 3"), ("1 - (2 - 3)", "1 - (2 - 3)"), ("1 - (2 + 3)", "1 - (2 + 3)"),
    ("(1 * 2) * 3", "1 * 2 * 3"), ("1 / (2 * 3)", "1 / (2 * 3)"), ("1 / (2 / 3)", "1 / (2 / 3)"),
    ("(1 + 2) * 3", "(1 + 2) * 3"), ("1 + (2 * 3)", "1 + 2 * 3"), ("-(1 * 2)", "-(1 * 2)"),
    ("-(-(1))", "-(-1)"), ("(-1) * 2", "-1 * 2"), ("2 * -(3)", "2 * -3"), ("1 - -2", "1 - -2"),
])
def test_expressions_keep_only_the_parentheses_they_need(written: str, canonical: str):
    assert format_source(f"let k = {written}\n") == f"let k = {canonical}\n"

    def value(expression: str) -> float:
        scene = check(f'entity e = ball\nblock 0s..1s "A" {{ e at ({expression}, 0) }}\n').scene
        return scene.blocks[0].placements[0].motion.pos[0]
    assert value(canonical) == value(written) == eval(written)  # noqa: S307 - the same arithmetic in Python


def test_fmt_diff_applies_with_git_apply_even_without_a_final_newline(tmp_path: Path, capsys):
    import shutil
    messy = tmp_path / "messy.scene"
    messy.write_text(MESSY.rstrip("\n"))
    assert main(["fmt", "--diff", str(messy)]) == 1
    patch = capsys.readouterr().out
    assert "\\ No newline at end of file\n" in patch
    assert patch.splitlines()[0] == f"--- {messy}\t(original)"
    if shutil.which("git") is None:
        pytest.skip("git is not installed")  # the header and marker are still checked above
    (tmp_path / "fix.diff").write_text(patch)
    result = subprocess.run(["git", "apply", "--unsafe-paths", "-p0", str(tmp_path / "fix.diff")], cwd="/",
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert messy.read_text() == TIDY


def test_a_crlf_file_with_a_byte_order_mark_keeps_both(tmp_path):
    """A Windows editor's file: fmt changes the layout, not the line endings or the BOM; a second run is a no-op."""
    messy = 'video "T" { size 64x64; fps 8 }\r\nentity dot = ball\r\n# note\r\nblock 0s..1s "A dot" { dot at (0.5, 0.5) }\r\n'
    path = tmp_path / "windows.scene"
    path.write_bytes(b"\xef\xbb\xbf" + messy.encode())
    assert main(["fmt", str(path)]) == 0
    data = path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf") and data.count(b"\r\n") == data.count(b"\n") > 5
    assert data[3:].decode().replace("\r\n", "\n") == format_source(messy.replace("\r\n", "\n"))
    assert main(["fmt", "--check", str(path)]) == 0


def test_an_lf_file_stays_lf_and_gets_no_byte_order_mark(tmp_path):
    path = tmp_path / "unix.scene"
    path.write_text('video "T" { size 64x64; fps 8 }\nentity dot = ball\n', encoding="utf-8")
    assert main(["fmt", str(path)]) == 0
    data = path.read_bytes()
    assert b"\r" not in data and not data.startswith(b"\xef\xbb\xbf")
