"""`hvg plan` through the CLI: output files, no overwrite without --force, the cache, failures, --render."""
from __future__ import annotations

import json

import pytest

from hvg.cli.main import main
from hvg.lang.api import check
from hvg.plan.messages import _EXAMPLE

from .chat_server import Reply, completion

KEY = "sk-cli-secret-0123456789abcdef"


@pytest.fixture(autouse=True)
def private_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("HVG_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    monkeypatch.setenv("HVG_API_KEY", KEY)


def chat_args(url: str, *more: str) -> list[str]:
    return ["plan", "a red ball bounces", "--endpoint", url, "--model", "m", "--retries", "0", *more]


def test_offline_plan_to_a_file_and_to_stdout(tmp_path, capsys):
    story = tmp_path / "story.scene"
    assert main(["plan", "A red ball bounces along a beach at sunset", "-o", str(story)]) == 0
    assert check(story.read_text(), file="story.scene").diagnostics == []
    assert main(["plan", "A gull flies over the harbor"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("video ") and "look \"gull\"" in out


def test_an_existing_output_is_kept_without_force(tmp_path, capsys):
    story = tmp_path / "story.scene"
    story.write_text("mine")
    assert main(["plan", "a ball", "-o", str(story)]) == 2
    assert story.read_text() == "mine" and "--force" in capsys.readouterr().err
    assert main(["plan", "a ball", "-o", str(story), "--force"]) == 0
    assert story.read_text().startswith("video ")


def test_a_chat_plan_is_cached_and_paid_for_once(chat_server, tmp_path, capsys):
    chat_server.script(Reply(body=completion(json.dumps(_EXAMPLE))))
    assert main(chat_args(chat_server.url, "-o", str(tmp_path / "a.scene"))) == 0
    assert main(chat_args(chat_server.url, "-o", str(tmp_path / "b.scene"))) == 0
    assert len(chat_server.requests) == 1 and "from the cache" in capsys.readouterr().err
    assert (tmp_path / "a.scene").read_text() == (tmp_path / "b.scene").read_text()
    assert main(chat_args(chat_server.url, "-o", str(tmp_path / "c.scene"), "--no-cache")) == 0
    assert len(chat_server.requests) == 2
    assert main(chat_args(chat_server.url, "-o", str(tmp_path / "d.scene"), "--seed", "5")) == 0
    assert len(chat_server.requests) == 3  # other settings, another plan


def test_a_plan_that_stays_broken_exits_1_and_keeps_the_draft(chat_server, tmp_path, capsys):
    broken = json.loads(json.dumps(_EXAMPLE))
    broken["blocks"][0]["placements"][0]["entity"] = "bal"
    chat_server.script(Reply(body=completion(json.dumps(broken))))
    story = tmp_path / "story.scene"
    assert main(chat_args(chat_server.url, "-o", str(story), "--rounds", "1")) == 1
    err = capsys.readouterr().err
    assert "E002" in err and "after 2 drafts" in err and "round 1" in err
    assert not story.exists() and "bal bounces" in (tmp_path / "story.scene.draft").read_text()
    assert len(chat_server.requests) == 2


def test_an_error_status_is_one_line_with_the_key_masked(chat_server, capsys):
    chat_server.script(Reply(401, {"error": {"message": f"invalid key {KEY}"}}))
    assert main(chat_args(chat_server.url)) == 2
    err = capsys.readouterr().err
    assert "401" in err and "invalid key ***" in err and KEY not in err and "Traceback" not in err


def test_usage_mistakes_are_exit_2(capsys):
    assert main(["plan", "a ball", "--backend", "chat"]) == 2
    assert main(["plan", "a ball", "--model", "no-such-folder-or-endpoint"]) == 2
    assert main(["plan", "  "]) == 2
    assert main(["plan", "a ball", "--render"]) == 2
    err = capsys.readouterr().err
    assert "--endpoint" in err and "prompt is empty" in err and "--render needs" in err


def test_render_right_away_with_the_preview_backend(tmp_path):
    story = tmp_path / "story.scene"
    assert main(["plan", "A blue ball rests on the grass", "-o", str(story), "--render",
                 "--render-backend", "preview"]) == 0
    assert (tmp_path / "story.mp4").stat().st_size > 0


def test_the_offline_planner_never_imports_torch():
    import subprocess
    import sys
    code = ("import sys, io, contextlib\nfrom hvg.cli.main import main\n"
            "with contextlib.redirect_stdout(io.StringIO()): assert main(['plan', 'a red ball bounces']) == 0\n"
            "print(sorted(m for m in ('torch', 'transformers', 'numpy') if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


def test_output_that_is_a_folder_or_in_a_missing_folder_is_refused_before_planning(tmp_path, capsys):
    assert main(["plan", "a red ball bounces", "-o", str(tmp_path), "--force"]) == 2
    assert "is a folder" in capsys.readouterr().err and tmp_path.is_dir()
    missing = tmp_path / "no" / "such" / "story.scene"
    assert main(["plan", "a red ball bounces", "-o", str(missing)]) == 2
    assert "does not exist" in capsys.readouterr().err and not (tmp_path / "no").exists()


def test_the_program_gets_the_usual_permissions_and_keeps_its_mode_when_replaced(tmp_path):
    import os
    import stat
    story = tmp_path / "story.scene"
    umask = os.umask(0o022)
    try:
        assert main(["plan", "a red ball bounces", "-o", str(story)]) == 0
        assert stat.S_IMODE(story.stat().st_mode) == 0o644
        story.chmod(0o640)
        assert main(["plan", "a blue box rests", "-o", str(story), "--force"]) == 0
        assert stat.S_IMODE(story.stat().st_mode) == 0o640 and "box" in story.read_text()
    finally:
        os.umask(umask)


def test_an_unknown_render_backend_is_refused_before_anything_is_written(tmp_path, capsys):
    story = tmp_path / "story.scene"
    assert main(["plan", "a red ball bounces", "-o", str(story), "--render", "--render-backend", "foo"]) == 2
    assert not story.exists() and "--render-backend" in capsys.readouterr().err


def test_a_video_name_for_the_program_is_refused(tmp_path, capsys):
    video = tmp_path / "story.mp4"
    assert main(["plan", "a red ball bounces", "-o", str(video), "--render", "--force"]) == 2
    assert "names a video" in capsys.readouterr().err and not video.exists()


def test_a_prompt_with_nothing_to_draw_says_so(capsys):
    assert main(["plan", "A dog runs"]) == 0
    assert "nothing in the prompt is a thing the offline planner can draw" in capsys.readouterr().err
    assert main(["plan", "A ball runs"]) == 0
    assert "nothing in the prompt" not in capsys.readouterr().err
