"""`hvg train`: train the built-in model on the synthetic world (hvg/model/train.py does the work)."""
from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from hvg.cli.app import app, fail, stderr, stdout


def _preset_help() -> str:
    from hvg.model.config import PRESETS   # pure dataclasses: cheap to import
    return "size preset: " + "; ".join(f"{p.name} ({p.summary})" for p in PRESETS.values())


@app.command("train")
def train_command(
    preset: Annotated[str, typer.Option("--preset", help=_preset_help())] = "small",
    steps: Annotated[Optional[int], typer.Option(help="training steps (default: the preset's)")] = None,
    out: Annotated[Optional[Path], typer.Option(help="training folder (default: runs/PRESET)")] = None,
    resume: Annotated[bool, typer.Option("--resume", help="continue from the folder's training state")] = False,
    device: Annotated[str, typer.Option(help="cpu, cuda or cuda:N")] = "cpu",
    clips: Annotated[Optional[int], typer.Option(help="synthetic clips to render and cache")] = None,
    seed: Annotated[Optional[int], typer.Option(help="seed of data, initialisation and batches")] = None,
    lr: Annotated[Optional[float], typer.Option(
        help="peak learning rate (default: the preset's); a fine-tune wants less")] = None,
    decay_steps: Annotated[Optional[int], typer.Option(
        min=0, help="the last this-many steps decay the learning rate linearly to a tenth; 0: constant after "
                    "warm-up, so a run may be lengthened later by --resume (default: the preset's)")] = None,
    late_time_share: Annotated[Optional[float], typer.Option(
        min=0.0, max=1.0, help="share of samples with flow time uniform on [0.8, 1], the end of the path that "
                               "renders from the animatic use (default: the preset's)")] = None,
    init_from: Annotated[Optional[Path], typer.Option(
        help="start from this checkpoint's weights instead of a fresh network; a checkpoint of the preset's "
             "architecture with fewer latent channels is widened to the preset's (docs/model.md)")] = None,
    progress: Annotated[bool, typer.Option("--progress/--no-progress", help="show a progress bar")] = True,
) -> None:
    """Train the built-in HST-UNet; writes ONE self-describing checkpoint OUT/PRESET.safetensors.

    Data-parallel: `torchrun --nproc-per-node 2 -m hvg.cli.main train ...` (gloo on CPU, NCCL on GPUs).
    """
    import sys

    from hvg.model.config import PRESETS, preset as get_preset
    if preset not in PRESETS:
        fail(f"there is no preset `{preset}`", f"choose one of: {', '.join(PRESETS)}")
    if steps is not None and steps < 1:
        fail("--steps must be at least 1", "for example --steps 100")
    if lr is not None and lr <= 0:
        fail(f"--lr must be above 0, not {lr:g}", "for example --lr 2e-4")
    import torch
    if device.startswith("cuda") and not torch.cuda.is_available():
        fail(f"--device {device} asked for, but this machine has no CUDA GPU", "train with --device cpu")
    chosen = get_preset(preset, steps=steps, clips=clips, seed=seed, lr=lr, decay_steps=decay_steps)
    if late_time_share is not None:
        from dataclasses import replace
        chosen = replace(chosen, objective=replace(chosen.objective, late_time_share=late_time_share))
    folder = out or Path("runs") / preset
    if not resume and (folder / "train_state.pt").exists():
        fail(f"{folder} already holds a training run", "pass --resume to continue it, or --out for a new folder")
    init = None
    if init_from is not None:
        from hvg.model.checkpoint import CheckpointError, load_checkpoint
        try:
            init = load_checkpoint(init_from)
        except CheckpointError as error:
            fail(str(error), error.hint)
    from hvg.model.train import InitMismatch, train
    try:
        result = train(chosen, folder, resume=resume, device=device, progress=progress, init=init,
                       command="hvg " + " ".join(sys.argv[1:]), log=lambda m: stderr.print(m))
    except InitMismatch as error:
        fail(str(error), error.hint)
    last = result.losses[-1] if result.losses else {}
    stderr.print(f"trained {result.steps} steps in {result.wall_seconds:.0f} s; last losses: "
                 + ", ".join(f"{k} {v:.4f}" for k, v in last.items() if k not in ("step", "wall_seconds")))
    stdout.print(str(result.checkpoint))
