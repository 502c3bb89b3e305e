"""`hvg render` through the CLI: what a writer reads when there is nothing to render, and the summary line."""
from __future__ import annotations

from hvg.cli.main import main

PROGRAM = 'video "One" { size 32x32; fps 4 }\nentity ball = ball\nblock 0s..1s "A ball" { ball at (0.5, 0.5) }\n'


def test_a_program_without_blocks_is_a_finding_not_an_internal_error(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("HVG_CACHE_DIR", str(tmp_path / "cache"))
    program = tmp_path / "empty.scene"
    program.write_text("")
    assert main(["render", str(program), "--backend", "preview", "-q"]) == 1
    err = capsys.readouterr().err
    assert "has no blocks" in err and "internal error" not in err
    assert not (tmp_path / "empty.mp4").exists()


def test_the_summary_counts_one_block_in_the_singular(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("HVG_CACHE_DIR", str(tmp_path / "cache"))
    program = tmp_path / "one.scene"
    program.write_text(PROGRAM)
    assert main(["render", str(program), "--backend", "preview", "-q"]) == 0
    assert "1 block rendered, 0 from cache" in capsys.readouterr().out
