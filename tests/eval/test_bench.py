"""`hvg bench` compares contenders side by side, and a broken backend scores worse than the preview."""
from __future__ import annotations

import importlib.machinery
import json
import sys
import types

import numpy as np
import pytest

from hvg.backends import BACKENDS
from hvg.backends.base import BlockResult
from hvg.cli.main import main

PROGRAM = """video "Roll" { size 64x64; fps 12; seed 4 }
entity ball = ball { color red; size 0.3 }
block 0s..2s "A ball rolls" {
  background plain { color white }
  ball moves (0.25, 0.5) -> (0.75, 0.5)
}
"""


class FrozenBackend:
    """A deliberately broken backend: every block shows the preview's first frame of that block."""
    name = "frozen"

    def __init__(self, checkpoint=None, device="cpu"):
        self.checkpoint, self.device = checkpoint, device

    def fingerprint(self) -> str:
        return "frozen-test"

    def render_block(self, job):
        from hvg.world.preview import render_preview
        span = job.timeline.blocks[job.block_index]
        first = render_preview(job.timeline, span.start_frame, span.start_frame + 1, ground_truth=False).frames
        return BlockResult(frames=np.repeat(first, span.end_frame - span.start_frame, axis=0))


def test_two_contenders_side_by_side_and_the_broken_one_scores_worse(tmp_path, monkeypatch, capsys):
    module = types.ModuleType("hvg_test_frozen_backend")
    module.__spec__ = importlib.machinery.ModuleSpec(module.__name__, None)
    module.FrozenBackend = FrozenBackend
    monkeypatch.setitem(sys.modules, module.__name__, module)
    monkeypatch.setitem(BACKENDS, "frozen", (module.__name__, "FrozenBackend", "test only"))
    suite = tmp_path / "suite"
    suite.mkdir()
    (suite / "roll.scene").write_text(PROGRAM)
    out = tmp_path / "bench"
    assert main(["bench", "--backend", "preview", "--backend", "frozen", "--suite", str(suite), "--out", str(out)]) == 0
    data = json.loads((out / "bench.json").read_text())
    good, bad = data["programs"][0]["results"]["preview"], data["programs"][0]["results"]["frozen"]
    assert good["cos"] > 0.9 > 0.2 > bad["cos"]
    assert good["iou"] > 0.9 > 0.6 > bad["iou"]
    assert good["psnr"] > bad["psnr"]
    header = (out / "bench.md").read_text().splitlines()[0]
    assert header.index("preview IoU") < header.index("frozen IoU")


def test_another_reference_backend_changes_only_fidelity(tmp_path, monkeypatch, capsys):
    module = types.ModuleType("hvg_test_frozen_backend_ref")
    module.__spec__ = importlib.machinery.ModuleSpec(module.__name__, None)
    module.FrozenBackend = FrozenBackend
    monkeypatch.setitem(sys.modules, module.__name__, module)
    monkeypatch.setitem(BACKENDS, "frozen", (module.__name__, "FrozenBackend", "test only"))
    program, video = tmp_path / "roll.scene", tmp_path / "roll.mp4"
    program.write_text(PROGRAM)
    assert main(["render", str(program), "-o", str(video), "--backend", "preview", "--no-cache", "--quiet"]) == 0
    capsys.readouterr()
    results = {}
    for reference in ("preview", "frozen"):
        assert main(["eval", str(program), str(video), "--format", "json", "--reference", reference]) == 0
        results[reference] = json.loads(capsys.readouterr().out)
    assert results["frozen"]["fidelity"]["psnr"] < results["preview"]["fidelity"]["psnr"] - 5
    assert results["frozen"]["control"] == results["preview"]["control"]
    assert results["frozen"]["flow"] == results["preview"]["flow"]


def test_a_contender_spec_names_a_backend_and_its_options():
    from hvg.evaluate.bench import parse_contender
    plain = parse_contender("builtin")
    assert (plain.backend, plain.options, plain.label) == ("builtin", {}, "builtin")
    ablated = parse_contender("builtin:noise=iid,refine=off,strength=0.5,pyramid=on")
    assert ablated.backend == "builtin" and ablated.label == "builtin:noise=iid,refine=off,strength=0.5,pyramid=on"
    assert ablated.options == {"noise": "iid", "refine": False, "strength": 0.5, "pyramid": True}


def test_an_unknown_backend_or_option_is_a_clear_error(tmp_path, capsys):
    suite = tmp_path / "suite"
    suite.mkdir()
    (suite / "roll.scene").write_text(PROGRAM)
    assert main(["bench", "--backend", "builtin:colour=red", "--suite", str(suite), "--out", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "`colour=red` is not an option of the builtin backend" in err and "noise=warped|iid|freenoise" in err
    assert main(["bench", "--backend", "preview:noise=iid", "--suite", str(suite), "--out", str(tmp_path)]) == 2
    assert "its options: none" in capsys.readouterr().err
    assert main(["bench", "--backend", "magic", "--suite", str(suite), "--out", str(tmp_path)]) == 2
    assert "there is no backend `magic`" in capsys.readouterr().err


@pytest.mark.parametrize("spec, said", [("builtin:refine=of", "`refine=of` is not a value refine takes"),
                                        ("builtin:strength=abc", "strength takes (0, 1]"),
                                        ("builtin:strength=1.5", "strength takes (0, 1]"),
                                        ("builtin:noise=pink", "noise takes warped|iid|freenoise")])
def test_a_wrong_option_value_is_refused_not_ignored(spec, said):
    from hvg.evaluate.bench import ContenderError, parse_contender
    with pytest.raises(ContenderError) as caught:
        parse_contender(spec)
    assert said in f"{caught.value} {caught.value.hint}"


def _bench(iou_a, iou_b):
    programs = [{"program": f"{i:02d}.scene", "results": {"a": {"iou": x, "hit": x}, "b": {"iou": y, "hit": y}}}
                for i, (x, y) in enumerate(zip(iou_a, iou_b))]
    return {"contenders": [{"label": "a"}, {"label": "b"}], "programs": programs}


def test_the_paired_summary_reports_a_real_gain_and_stays_silent_on_too_few_programs():
    from hvg.evaluate.bench import paired_summary
    rng = np.random.default_rng(0)
    a = rng.uniform(0.3, 0.9, 12)
    summary = paired_summary(_bench(a, a + 0.05 + rng.normal(0, 0.01, 12)))
    row = next(line for line in summary.splitlines() if line.startswith("| b | IoU |"))
    assert "+0.05" in row and row.endswith("better |")
    flat = paired_summary(_bench(a, a + rng.normal(0, 0.01, 12)))
    assert "not distinguishable" in flat
    assert paired_summary(_bench(a[:2], a[:2] + 0.1)) == ""
    one = {"contenders": [{"label": "a"}], "programs": _bench(a, a)["programs"]}
    assert paired_summary(one) == ""
