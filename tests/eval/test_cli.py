"""`hvg eval` and `hvg bench` through the CLI: table, JSON only on stdout, the report, friendly failures."""
from __future__ import annotations

import json

import pytest

from hvg.cli.main import main

PROGRAM = """video "Tiny" { size 64x64; fps 12; seed 3 }
entity ball = ball { color red; size 0.25 }
entity box = box { color blue; size 0.2 }
block 0s..1s "A ball rolls past a box" {
  background plain { color white }
  ball moves (0.2, 0.3) -> (0.8, 0.3)
  box at (0.5, 0.7)
}
block 1s..2s "The ball rolls back" {
  background plain { color white }
  ball moves (0.8, 0.3) -> (0.2, 0.3)
  box at (0.5, 0.7)
}
transition 1s cut
"""


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    folder = tmp_path_factory.mktemp("eval_cli")
    program = folder / "tiny.scene"
    program.write_text(PROGRAM)
    video = folder / "tiny.mp4"
    assert main(["render", str(program), "-o", str(video), "--backend", "preview", "--no-cache", "--quiet"]) == 0
    return program, video


def test_json_output_is_only_json_and_scores_the_preview_render_well(rendered, capsys):
    program, video = rendered
    capsys.readouterr()
    assert main(["eval", str(program), str(video), "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["frames"] == 24 and data["width"] == 64
    assert data["control"]["mean_iou"] > 0.85          # through H.264 and back
    assert data["fidelity"]["psnr"] > 35
    assert set(data) >= {"control", "coherence", "flow", "fidelity", "seams"}


def test_the_table_and_the_report(rendered, tmp_path, capsys):
    program, video = rendered
    assert main(["eval", str(program), str(video), "--report", str(tmp_path / "report")]) == 0
    out = capsys.readouterr().out
    assert "mean IoU" in out and "SSIM" in out
    html = (tmp_path / "report" / "index.html").read_text()
    assert html.count("<svg") >= 5 and "contact_sheet.png" in html
    assert (tmp_path / "report" / "contact_sheet.png").stat().st_size > 1000


def test_a_video_of_another_program_is_refused_with_a_hint(rendered, tmp_path, capsys):
    program, video = rendered
    longer = tmp_path / "longer.scene"
    longer.write_text(PROGRAM.replace("1s..2s", "1s..3s"))
    assert main(["eval", str(longer), str(video)]) == 2
    err = capsys.readouterr().err
    assert "frames" in err and "help:" in err and "Traceback" not in err


def test_missing_files_and_broken_programs_are_one_line(rendered, tmp_path, capsys):
    program, video = rendered
    assert main(["eval", str(tmp_path / "nope.scene"), str(video)]) == 2
    assert main(["eval", str(program), str(tmp_path / "nope.mp4")]) == 2
    broken = tmp_path / "broken.scene"
    broken.write_text(PROGRAM.replace("color red", "color reed"))
    assert main(["eval", str(broken), str(video)]) == 1
    err = capsys.readouterr().err
    assert "does not exist" in err and "does not compile" in err and "Traceback" not in err


def test_bench_compares_two_contenders_side_by_side(rendered, tmp_path, capsys):
    program, _ = rendered
    suite = tmp_path / "suite"
    suite.mkdir()
    (suite / "tiny.scene").write_text(program.read_text())
    out = tmp_path / "bench"
    assert main(["bench", "--backend", "preview", "--backend", "preview", "--suite", str(suite), "--out", str(out)]) \
        == 2  # the same contender twice is a usage error
    assert main(["bench", "--backend", "preview", "--suite", str(suite), "--out", str(out)]) == 0
    data = json.loads((out / "bench.json").read_text())
    assert [p["program"] for p in data["programs"]] == ["tiny.scene"]
    row = data["programs"][0]["results"]["preview"]
    assert row["psnr"] == 100.0 and row["iou"] > 0.9
    assert "preview IoU" in (out / "bench.md").read_text()


def test_an_unavailable_reference_backend_is_one_line(rendered, capsys):
    program, video = rendered
    assert main(["eval", str(program), str(video), "--reference", "nonsense"]) == 2
    assert "no backend" in capsys.readouterr().err


def test_report_refuses_a_folder_that_holds_anything(rendered, tmp_path, capsys):
    program, video = rendered
    folder = tmp_path / "notes"
    folder.mkdir()
    (folder / "draft.txt").write_text("mine")
    for extra in ([], ["--force"]):
        assert main(["eval", str(program), str(video), "--report", str(folder), *extra]) == 2
    assert [p.name for p in folder.iterdir()] == ["draft.txt"]
    assert "not an hvg eval report" in capsys.readouterr().err


def test_report_replaces_a_previous_report_only_with_force(rendered, tmp_path, capsys):
    program, video = rendered
    folder = tmp_path / "report"
    folder.mkdir()
    (folder / "index.html").write_text("old")
    assert main(["eval", str(program), str(video), "--report", str(folder)]) == 2
    assert (folder / "index.html").read_text() == "old"
    assert "--force" in capsys.readouterr().err
    assert main(["eval", str(program), str(video), "--report", str(folder), "--force"]) == 0
    assert "<svg" in (folder / "index.html").read_text()
    assert sorted(p.name for p in folder.iterdir()) == ["contact_sheet.png", "index.html"]


def test_a_missing_video_is_named_once(rendered, tmp_path, capsys):
    program, _ = rendered
    missing = tmp_path / "missing.mp4"
    assert main(["eval", str(program), str(missing)]) == 2
    err = capsys.readouterr().err
    assert err.count(str(missing)) == 1 and "does not exist" in err


def test_a_program_without_blocks_is_one_line(tmp_path, capsys):
    empty = tmp_path / "empty.scene"
    empty.write_text('video "E" { size 64x64; fps 8 }\nentity dot = ball\n')
    assert main(["eval", str(empty), str(tmp_path / "x.mp4")]) == 2
    err = capsys.readouterr().err
    assert "has no blocks" in err and "internal error" not in err
