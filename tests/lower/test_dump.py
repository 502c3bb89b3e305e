"""A whole scene lowered: noise continuing across blocks, the .safetensors dump, the inspection picture."""
from __future__ import annotations

import json

import numpy as np
import pytest
import torch
from safetensors import safe_open

from hvg.ir import At, Background, Block, Entity, Moves, Placement, Scene, VideoSettings
from hvg.lower import conditioning as conditioning_module
from hvg.lower import embed as embedding
from hvg.lower.conditioning import Conditioning
from hvg.lower.dump import FORMAT, dump_tensors
from hvg.lower.inspect import MAX_LAG, inspect_image
from hvg.lower.scene import lower_scene, scene_noise

SIZE, FPS = 64, 8
SHIFT = 8.0   # pixels a frame: one grid cell at 64x64 -> 8x8


@pytest.fixture(autouse=True)
def private_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("HVG_CACHE_DIR", str(tmp_path / "cache"))
    embedding.clear_memory_cache()


@pytest.fixture(autouse=True)
def translating_flow(monkeypatch):
    """Everything moves right one grid cell a frame (backward flow -SHIFT), so trajectories are known exactly."""
    def flow(timeline, start, stop):
        field = np.zeros((stop - start, timeline.height, timeline.width, 2), np.float32)
        field[..., 0] = -SHIFT
        return field
    monkeypatch.setattr(conditioning_module, "pixel_flow", flow)


@pytest.fixture
def scene() -> Scene:
    ball = Placement(entity="ball", instance="ball", motion=Moves(path=[(0.2, 0.5), (0.8, 0.5)]), start=0, end=2)
    box = Placement(entity="box", instance="box", motion=At(pos=(0.5, 0.5)), start=2, end=4)
    return Scene(video=VideoSettings(title="Two blocks", width=SIZE, height=SIZE, fps=FPS, seed=11),
                 entities=[Entity(name="ball", kind="ball", color="red", size=0.3),
                           Entity(name="box", kind="box", size=0.3)],
                 blocks=[Block(start=0, end=2, description="a ball rolls", placements=[ball]),
                         Block(start=2, end=4, description="a box sits", background=Background(kind="room"),
                               placements=[box])])


def test_scene_noise_continues_across_the_seam_and_is_seeded(scene):
    conds = lower_scene(scene)
    assert [c.frame_range for c in conds] == [(0, 16), (16, 32)]
    first, second = scene_noise(conds, seed=11, channels=8, correlation=0.9)
    assert first.shape == second.shape == (8, 16, 8, 8)
    # Second block's frame 0 reads the first block's last frame one cell to the left.
    r = torch.corrcoef(torch.stack([second[:, 0, :, 1:].reshape(-1), first[:, -1, :, :-1].reshape(-1)]))[0, 1]
    assert r > 0.75                                                  # rho = 0.9 over 448 pairs
    again = scene_noise(conds, seed=11, channels=8, correlation=0.9)
    assert torch.equal(again[1], second)
    other = scene_noise(conds, seed=12, channels=8, correlation=0.9)
    assert not torch.allclose(other[0], first)
    iid = scene_noise(conds, seed=11, channels=8, kind="iid")
    r_iid = torch.corrcoef(torch.stack([iid[1][:, 0, :, 1:].reshape(-1), iid[0][:, -1, :, :-1].reshape(-1)]))[0, 1]
    assert abs(r_iid) < 4 / (8 * 8 * 7) ** 0.5


def test_dump_writes_every_block_with_metadata(scene, tmp_path):
    path = dump_tensors(scene, tmp_path / "out" / "tensors.safetensors", channels=4)
    with safe_open(str(path), framework="pt") as handle:
        keys = set(handle.keys())
        metadata = handle.metadata()
        names = [*Conditioning.TENSORS, "noise"]
        assert keys == {f"block{i}.{name}" for i in (0, 1) for name in names}
        assert tuple(handle.get_tensor("block1.noise").shape) == (4, 16, 8, 8)
        assert tuple(handle.get_tensor("block0.layout_embed").shape) == (384, 16, 8, 8)
        reference = lower_scene(scene)[1]
        assert torch.equal(handle.get_tensor("block1.occupancy"), reference.occupancy)
    assert metadata["format"] == FORMAT and metadata["title"] == "Two blocks"
    assert metadata["noise_kind"] == "warped" and metadata["latent_channels"] == "4"
    blocks = json.loads(metadata["blocks"])
    assert [b["frame_range"] for b in blocks] == ["0,16", "16,32"]
    assert blocks[1]["instances"] == "box"
    assert not list(path.parent.glob("*.tmp"))


def test_inspection_measures_the_designed_correlation_and_writes_a_png(scene, tmp_path):
    path = tmp_path / "block1.png"
    info = inspect_image(scene, 1, path, correlation=0.8, channels=16)
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert info.frames[0] == 0 and info.frames[-1] == 15 and len(info.frames) == 4
    assert len(info.trajectory) == MAX_LAG
    # One whole cell a frame: the exact cell carries rho^lag; the within-one-cell sum is noisier on an 8x8 grid.
    assert info.trajectory_strict[0] == pytest.approx(0.8, abs=0.05)
    assert info.trajectory_strict[2] == pytest.approx(0.8 ** 3, abs=0.07)
    assert info.trajectory[0] == pytest.approx(0.8, abs=0.2)
    assert all(abs(r) < 0.3 for r in info.trajectory_iid)
    assert abs(info.neighbours) < 0.06
    box_index = 1                                                   # timeline tracks: ball, box
    assert np.isnan(info.boxes[:, 0]).all() and not np.isnan(info.boxes[:, box_index]).any()


def test_inspecting_a_missing_block_is_explained(scene, tmp_path):
    with pytest.raises(IndexError, match="has 2 blocks"):
        inspect_image(scene, 5, tmp_path / "x.png")
