"""Training: a few steps run, resume continues exactly, the checkpoint rebuilds the model, DDP keeps replicas equal."""
from __future__ import annotations

import os
import socket

import pytest
import torch

from hvg.model.checkpoint import load_checkpoint, read_metadata
from hvg.model.train import train
from tests.model.helpers import fake_clips, random_condition, tiny_preset


def test_training_runs_logs_every_term_and_writes_one_self_describing_file(tmp_path):
    preset = tiny_preset(steps=3, frames=3, batch_size=2, log_every=1, save_every=100)
    result = train(preset, tmp_path, data=fake_clips(preset.model), progress=False, log=lambda *a: None)
    assert result.steps == 3 and [row["step"] for row in result.losses] == [1, 2, 3]
    assert set(result.losses[0]) >= {"fm", "flow", "attention", "refinement", "style"}
    metadata = read_metadata(result.checkpoint)
    assert metadata["training"]["steps"] == 3 and metadata["model_config"]["channels"] == [16, 24, 32]
    assert "ball" in metadata["vocabulary"]["kinds"]


def test_checkpoint_round_trip_gives_identical_outputs(tmp_path):
    preset = tiny_preset(steps=2, frames=3, batch_size=2)
    result = train(preset, tmp_path, data=fake_clips(preset.model), progress=False, log=lambda *a: None)
    first, second = load_checkpoint(result.checkpoint), load_checkpoint(result.checkpoint)
    c = first.config
    x = torch.randn(1, c.latent_channels, 2, 16, 16, generator=torch.Generator().manual_seed(0))
    cond = random_condition(c, 1, 2)
    assert torch.equal(first.model(x, torch.tensor([0.3]), cond), second.model(x, torch.tensor([0.3]), cond))
    for name, value in first.model.state_dict().items():
        assert torch.equal(value, second.model.state_dict()[name])
    assert first.sha256 == second.sha256


@pytest.mark.slow
def test_resume_continues_to_the_same_weights_as_one_run(tmp_path):
    preset = tiny_preset(steps=4, frames=3, batch_size=2, save_every=2)
    data = fake_clips(preset.model)
    straight = train(preset, tmp_path / "a", data=data, progress=False, log=lambda *a: None)
    train(tiny_preset(steps=2, frames=3, batch_size=2, save_every=2), tmp_path / "b", data=data, progress=False,
          log=lambda *a: None)
    resumed = train(preset, tmp_path / "b", data=data, resume=True, progress=False, log=lambda *a: None)
    for (name, a), b in zip(straight.model.state_dict().items(), resumed.model.state_dict().values()):
        assert torch.allclose(a, b, atol=1e-6), name


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _ddp_worker(rank: int, world: int, port: int, folder: str) -> None:
    os.environ.update({"WORLD_SIZE": str(world), "RANK": str(rank), "LOCAL_RANK": str(rank),
                       "MASTER_ADDR": "127.0.0.1", "MASTER_PORT": str(port), "HVG_DDP_BACKEND": "gloo"})
    torch.set_num_threads(1)
    preset = tiny_preset(steps=2, frames=3, batch_size=1, save_every=100)
    result = train(preset, folder, data=fake_clips(preset.model), progress=False, log=lambda *a: None)
    torch.save(result.model.state_dict(), os.path.join(folder, f"rank{rank}.pt"))
    import torch.distributed as dist
    dist.destroy_process_group()


@pytest.mark.slow
def test_ddp_on_two_cpu_processes_keeps_replicas_equal(tmp_path, monkeypatch):
    import pathlib

    import torch.multiprocessing as mp
    # spawned workers unpickle `_ddp_worker` by importing tests.model.test_train with the parent's sys.path
    monkeypatch.syspath_prepend(str(pathlib.Path(__file__).resolve().parents[2]))
    mp.spawn(_ddp_worker, args=(2, _free_port(), str(tmp_path)), nprocs=2, join=True)
    zero, one = torch.load(tmp_path / "rank0.pt"), torch.load(tmp_path / "rank1.pt")
    initial = tiny_preset().model
    moved = False
    for name in zero:
        assert torch.equal(zero[name], one[name]), name
    torch.manual_seed(0)
    from hvg.model.unet import HSTUNet
    start = HSTUNet(initial).state_dict()
    moved = any(not torch.equal(zero[n], start[n]) for n in zero)
    assert moved                            # they trained, and stayed equal


def test_learning_rate_warms_up_holds_then_decays_to_a_tenth():
    from dataclasses import replace

    from hvg.model.config import PRESETS
    from hvg.model.train import lr_at
    small = PRESETS["small"]
    preset = replace(small, train=replace(small.train, steps=1000, warmup_steps=10, decay_steps=100, lr=1.0))
    assert lr_at(0, preset) == pytest.approx(0.1) and lr_at(9, preset) == pytest.approx(1.0)
    assert lr_at(899, preset) == pytest.approx(1.0)                        # constant until the decay window
    assert lr_at(950, preset) == pytest.approx(0.1 + 0.9 * 49 / 100)
    assert lr_at(999, preset) == pytest.approx(0.1)                        # the last step runs at a tenth
    values = [lr_at(step, preset) for step in range(900, 1000)]
    assert all(a >= b for a, b in zip(values, values[1:]))
    constant = replace(preset, train=replace(preset.train, decay_steps=0))
    assert lr_at(999, constant) == pytest.approx(1.0)
    short = replace(preset, train=replace(preset.train, steps=50, decay_steps=5000))   # `--steps 50` of a long preset
    assert lr_at(9, short) == pytest.approx(1.0) and lr_at(49, short) == pytest.approx(0.1)
