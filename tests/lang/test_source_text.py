"""A program that is not UTF-8 text (binary, Latin-1, a NUL byte), given directly or through `use`, is one clear
diagnostic pointing at the first bad byte, never a syntax error over replacement characters."""
from __future__ import annotations

from hvg.cli.main import main
from hvg.lang.api import check

HEAD = b'video "x" { size 64x64; fps 8 }\nentity dot = ball\n'


def test_latin1_file_points_at_the_bad_byte(tmp_path):
    path = tmp_path / "story.scene"
    path.write_bytes(HEAD + b'block 0s..1s "caf\xe9" { dot at (0.5, 0.5) }\n')
    [diagnostic] = check(path).diagnostics
    assert diagnostic.code == "E017" and "is not UTF-8 text (byte 0xe9)" in diagnostic.message
    assert (diagnostic.line, diagnostic.column) == (3, 18)


def test_a_nul_byte_in_a_text_file_is_the_same_diagnostic(tmp_path):
    path = tmp_path / "story.scene"
    path.write_bytes(HEAD + b'entity cat\x00 = ball\n')
    [diagnostic] = check(path).diagnostics
    assert "is not UTF-8 text (a zero byte)" in diagnostic.message and (diagnostic.line, diagnostic.column) == (3, 11)
    [from_text] = check((HEAD + b"\x00").decode()).diagnostics
    assert "zero byte" in from_text.message


def test_a_used_binary_file_is_one_diagnostic_at_the_use(tmp_path):
    (tmp_path / "lib.scene").write_bytes(b"\x7fELF\x02\x01\x01\x00\x00\xff\xfe" * 20)
    path = tmp_path / "story.scene"
    path.write_bytes(b'use "lib.scene"\n' + HEAD + b'block 0s..1s "A" { dot at (0.5, 0.5) }\n')
    [diagnostic] = check(path).diagnostics
    assert diagnostic.code == "E024" and diagnostic.line == 1
    assert "`use` cannot read `lib.scene`: it is not UTF-8 text (byte 0xff at line 1, column 10)" == \
        diagnostic.message


def test_check_prints_no_garbage_line(tmp_path, capsys):
    path = tmp_path / "binary.scene"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\xff\xd8" * 10)
    assert main(["check", str(path)]) == 1
    out = capsys.readouterr().out
    assert "is not UTF-8 text" in out and "\ufffd" not in out and "PNG" not in out
    assert out.count("error[") == 1


def test_check_reads_standard_input_as_bytes(monkeypatch, capsys):
    import io
    import sys
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(HEAD + b"# caf\xe9\n")))
    assert main(["check", "-"]) == 1
    out = capsys.readouterr().out
    assert "<stdin>:3:6: error[E017]: `<stdin>` is not UTF-8 text (byte 0xe9)" in out
