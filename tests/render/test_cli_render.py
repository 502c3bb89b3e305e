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


def test_ctrl_c_says_what_was_kept_and_how_to_resume(tmp_path, capsys, monkeypatch):
    from hvg.backends.preview import PreviewBackend
    monkeypatch.setenv("HVG_CACHE_DIR", str(tmp_path / "cache"))
    program = tmp_path / "two.scene"
    program.write_text(PROGRAM + 'block 1s..2s "Still a ball" { ball at (0.5, 0.5) }\n')
    original = PreviewBackend.render_block

    def interrupted_on_the_second_block(self, job):
        if job.block_index == 1:
            raise KeyboardInterrupt
        return original(self, job)

    monkeypatch.setattr(PreviewBackend, "render_block", interrupted_on_the_second_block)
    assert main(["render", str(program), "--backend", "preview", "-q"]) == 130
    err = capsys.readouterr().err
    assert "interrupted: no video was written; 1 of 2 blocks are finished and cached" in err
    assert "run the same command again to resume" in err
    assert not (tmp_path / "two.mp4").exists()
    monkeypatch.setattr(PreviewBackend, "render_block", original)
    assert main(["render", str(program), "--backend", "preview", "-q"]) == 0
    assert "1 block rendered, 1 from cache" in capsys.readouterr().out


def test_ctrl_c_before_any_block_is_finished(tmp_path, capsys, monkeypatch):
    from hvg.backends.preview import PreviewBackend
    monkeypatch.setenv("HVG_CACHE_DIR", str(tmp_path / "cache"))
    program = tmp_path / "one.scene"
    program.write_text(PROGRAM)

    def interrupted(self, job):
        raise KeyboardInterrupt

    monkeypatch.setattr(PreviewBackend, "render_block", interrupted)
    assert main(["render", str(program), "--backend", "preview", "-q"]) == 130
    assert "interrupted: no video was written; no block was finished yet" in capsys.readouterr().err


def test_warnings_are_shown_before_rendering(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("HVG_CACHE_DIR", str(tmp_path / "cache"))
    program = tmp_path / "warn.scene"
    program.write_text(PROGRAM + "entity gull = bird\n")
    assert main(["render", str(program), "--backend", "preview", "-q"]) == 0
    assert "W004" in capsys.readouterr().err and (tmp_path / "warn.mp4").exists()


def test_a_cache_dir_that_is_a_file_is_a_usage_error(tmp_path, capsys):
    program = tmp_path / "one.scene"
    program.write_text(PROGRAM)
    (tmp_path / "cache").write_text("")
    assert main(["render", str(program), "--backend", "preview", "-q", "--cache-dir", str(tmp_path / "cache")]) == 2
    assert "is a file, not a folder" in capsys.readouterr().err


def test_the_seed_option_has_the_range_of_the_seed_setting(tmp_path, capsys):
    program = tmp_path / "one.scene"
    program.write_text(PROGRAM)
    assert main(["render", str(program), "--backend", "preview", "-q", "--seed", "-5"]) == 2
    assert not (tmp_path / "one.mp4").exists()


def test_model_settings_are_refused_for_the_preview_backend(tmp_path):
    from hvg.cli.main import main as run_cli
    program = tmp_path / "a.scene"
    program.write_text('video "A" { size 32x32; fps 8 }\nentity b = ball {}\nblock 0s..1s "x" {\n  b at (0.5, 0.5)\n}\n')
    assert run_cli(["render", str(program), "--backend", "preview", "--init", "noise", "-o", str(tmp_path / "a.mp4")]) == 2
    assert not (tmp_path / "a.mp4").exists()


def test_a_program_with_errors_shows_them_like_check_and_writes_nothing(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("HVG_CACHE_DIR", str(tmp_path / "cache"))
    program = tmp_path / "typo.scene"
    program.write_text(PROGRAM.replace("{ ball at", "{ bal at"))
    assert main(["render", str(program), "--backend", "preview", "-q"]) == 1
    err = capsys.readouterr().err
    assert "error[E002]: `bal` is not defined (did you mean `ball`?)" in err
    assert " 3 | block 0s..1s" in err and "^^^" in err                      # the source line and its caret
    assert not (tmp_path / "typo.mp4").exists()
