"""Training the built-in model on the streaming synthetic world: `hvg train --preset small`.

1. data: render `clips` synthetic clips, fit the latent space, cache latents + conditioning (once per folder)
2. model, AdamW with warm-up, EMA (diffusers' EMAModel), all seeded
3. resume from `train_state.pt` in the folder when asked (model, optimizer, EMA, step, RNG states)
4. steps: a random batch, a random pyramid level, the objective, a clipped AdamW step, the EMA
5. every `save_every` steps and at the end: the training state, and the EMA weights as one self-describing
   safetensors checkpoint `<preset>.safetensors`

CPU by default, a GPU with `device="cuda"`. Data-parallel under `torchrun` / `accelerate launch`: every process
builds the same cache, draws its own batches (seed + rank) and DDP averages the gradients (gloo on CPU).
"""
from __future__ import annotations

import json
import os
import random
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import torch
from torch import nn

from hvg.model.checkpoint import save_checkpoint
from hvg.model.config import Preset
from hvg.model.data import CachedClip, build_latent_clips, sample_batch, training_windows
from hvg.model.objective import FlowMatchingObjective, TrainingBatch
from hvg.model.unet import HSTUNet

STATE_FILE, LOG_FILE, CACHE_FILE = "train_state.pt", "log.jsonl", "data_cache.pt"


@dataclass
class TrainResult:
    checkpoint: Path
    steps: int
    wall_seconds: float
    losses: list[dict] = field(default_factory=list)   # one row per log interval: step and mean of each term
    model: HSTUNet | None = None                       # the trained (not EMA) weights of this process


class LossModule(nn.Module):
    """Model + objective as one module, so DDP sees every parameter the loss touches in one forward."""

    def __init__(self, model: HSTUNet, objective: FlowMatchingObjective):
        super().__init__()
        self.model, self.objective = model, objective

    def forward(self, batch: TrainingBatch, generator: torch.Generator):
        return self.objective(self.model, batch, generator)


# =============================================================================================================
# Distributed helpers
# =============================================================================================================


def distributed() -> tuple[int, int]:
    """(rank, world size), initialising the process group when launched by torchrun / accelerate."""
    world = int(os.environ.get("WORLD_SIZE", "1"))
    if world == 1:
        return 0, 1
    import torch.distributed as dist
    if not dist.is_initialized():
        backend = "nccl" if torch.cuda.is_available() and os.environ.get("HVG_DDP_BACKEND") != "gloo" else "gloo"
        dist.init_process_group(backend)
    return dist.get_rank(), dist.get_world_size()


# =============================================================================================================
# Data cache
# =============================================================================================================


def load_or_build_cache(preset: Preset, out_dir: Path, renderer=None, log=print, base=None):
    """The cached clips and latent space for this preset's data settings; built and saved when missing.
    `base`: the latent space (PatchPCA) of the checkpoint training starts from, kept as the first channels."""
    train, config = preset.train, preset.model
    key = {"seed": train.seed, "clips": train.clips, "clip_seconds": train.clip_seconds,
           "latent_channels": config.latent_channels, "patch": config.patch,
           "layout_embed_proj": config.layout_embed_proj, "vector_dim": config.vector_dim}
    if base is not None:
        key["latent_base"] = _tensor_digest(base.components)
    path = out_dir / CACHE_FILE
    if path.exists():
        cached = torch.load(path, weights_only=False)
        if cached.get("key") == key:
            return cached["clips"], cached["autoencoder"]
        if cached.get("key", {}).get("latent_base") != key.get("latent_base"):   # not a cache to silently replace
            raise InitMismatch(f"{path} was made for a run started from another checkpoint (--init-from)",
                               hint="pass the same --init-from as the run that made it, or use a new --out")
    started = time.time()
    clips, autoencoder = build_latent_clips(preset, renderer=renderer, base=base)
    torch.save({"key": key, "clips": clips, "autoencoder": autoencoder}, path)
    log(f"cached {len(clips)} clips in {time.time() - started:.0f} s -> {path}")
    return clips, autoencoder


def _tensor_digest(tensor: torch.Tensor) -> str:
    import hashlib
    return hashlib.sha256(tensor.detach().cpu().contiguous().numpy().tobytes()).hexdigest()[:16]


class InitMismatch(ValueError):
    def __init__(self, message: str, hint: str = "start from a checkpoint of the same preset (only the latent "
                                                 "channels may grow), or train from scratch"):
        super().__init__(message)
        self.hint = hint


def check_init(preset: Preset, init) -> None:
    """An InitMismatch unless checkpoint `init` is the preset's architecture with as many latent channels or
    fewer (checked before any data is rendered)."""
    from dataclasses import replace
    wanted, have = preset.model, init.config
    if replace(have, latent_channels=wanted.latent_channels) != wanted or have.latent_channels > wanted.latent_channels:
        raise InitMismatch(f"the checkpoint's model ({have.latent_channels} latent channels, channels "
                           f"{list(have.channels)}) is not the preset `{preset.name}`'s ({wanted.latent_channels} "
                           f"latent channels, channels {list(wanted.channels)}) or a narrower one")


def initial_model(preset: Preset, init) -> HSTUNet:
    """The network training starts from. `init`: a LoadedCheckpoint that passed `check_init`, or None for a fresh
    network. A checkpoint with fewer latent channels is widened (`hvg.model.widen`)."""
    from hvg.model.widen import widen_model
    if init is None:
        return HSTUNet(preset.model)
    wanted, have = preset.model, init.config
    if have.latent_channels < wanted.latent_channels:
        return widen_model(init.model, wanted.latent_channels)
    model = HSTUNet(wanted)
    model.load_state_dict(init.model.state_dict())
    return model


# =============================================================================================================
# Training
# =============================================================================================================


def seed_everything(seed: int) -> None:
    random.seed(seed)
    np.random.seed(seed % (1 << 32))
    torch.manual_seed(seed)


def lr_at(step: int, preset: Preset) -> float:
    """Linear warm-up, constant, then over the last `decay_steps` steps a linear decay to a tenth (annealing the
    step size is where the loss drops most at the end of a run; 0 keeps it constant)."""
    tc = preset.train
    warm = min(1.0, (step + 1) / max(tc.warmup_steps, 1))
    window = min(tc.decay_steps, max(tc.steps - tc.warmup_steps, 1))   # a short `--steps` run decays after warm-up
    left = tc.steps - step
    decay = 1.0 if window <= 0 or left > window else 0.1 + 0.9 * max(left - 1, 0) / window
    return tc.lr * warm * decay


def pyramid_factor(generator: torch.Generator, probability: float, grid: int) -> int:
    """1 (full grid) most of the time; 2 or 4 with `probability` so the pyramid's coarse stages are trained."""
    if torch.rand((), generator=generator).item() >= probability:
        return 1
    factor = 2 if torch.rand((), generator=generator).item() < 0.5 else 4
    return factor if grid // factor >= 4 else 1


def train(preset: Preset, out_dir: str | Path, *, resume: bool = False, device: str = "cpu",
          progress: bool = True, renderer=None, data=None, command: str | None = None, log=print,
          init=None) -> TrainResult:
    """Train `preset` into `out_dir`. `data`: (cached clips, latent space) to use instead of rendering them
    (tests); `renderer`: a stand-in for the preview renderer. `init`: a LoadedCheckpoint to start from instead
    of a fresh network (a fine-tune; widened when the preset has more latent channels, `initial_model`)."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    rank, world = distributed()
    if world > 1 and device == "cuda":
        device = f"cuda:{int(os.environ.get('LOCAL_RANK', 0))}"
    tc = preset.train
    main_process = rank == 0
    log = log if main_process else (lambda *a, **k: None)

    # 1. data (with an `init` checkpoint: its latent space as the first channels)
    if init is not None:
        check_init(preset, init)
    from hvg.model.decoder import latent_pca
    base = None if init is None else latent_pca(init.autoencoder)
    clips, autoencoder = data if data is not None else load_or_build_cache(preset, out_dir, renderer, log, base)
    windows = training_windows(clips, tc.frames)
    grid = clips[0].latents.shape[-1]

    # 2. model, optimizer, EMA
    seed_everything(tc.seed)
    model = initial_model(preset, init).to(device)
    objective = FlowMatchingObjective(preset.objective, preset.model)
    optimizer = torch.optim.AdamW(model.parameters(), lr=tc.lr, weight_decay=tc.weight_decay)
    from diffusers.training_utils import EMAModel
    ema = EMAModel(model.parameters(), decay=tc.ema_decay)
    generator = torch.Generator().manual_seed(tc.seed * 1000 + rank)
    step, elapsed, losses = 0, 0.0, []

    # 3. resume
    state_path = out_dir / STATE_FILE
    if resume and state_path.exists():
        state = torch.load(state_path, weights_only=False, map_location=device)
        model.load_state_dict(state["model"])
        optimizer.load_state_dict(state["optimizer"])
        ema.load_state_dict(state["ema"])
        generator.set_state(state["generators"][rank] if rank < len(state["generators"]) else state["generators"][0])
        torch.set_rng_state(state["torch_rng"])
        step, elapsed, losses = state["step"], state["elapsed"], state["losses"]
        log(f"resumed at step {step}")
    ema.to(device)

    wrapped = LossModule(model, objective)
    if world > 1:
        wrapped = nn.parallel.DistributedDataParallel(wrapped, find_unused_parameters=True)

    def save(final: bool) -> Path:
        generators = _gather_generator_states(generator, world)
        if not main_process:
            return out_dir / f"{preset.name}.safetensors"
        torch.save({"model": model.state_dict(), "optimizer": optimizer.state_dict(), "ema": ema.state_dict(),
                    "generators": generators, "torch_rng": torch.get_rng_state(), "step": step,
                    "elapsed": elapsed, "losses": losses}, out_dir / (STATE_FILE + ".partial"))
        (out_dir / (STATE_FILE + ".partial")).replace(state_path)
        ema.store(model.parameters())
        ema.copy_to(model.parameters())
        summary = {"preset": preset.name, "steps": step, "wall_seconds": round(elapsed, 1), "device": device,
                   "processes": world, "clips": len(clips), "parameters": model.num_parameters(),
                   "torch": torch.__version__, "command": command or " ".join(sys.argv),
                   "final": final, "losses": losses[-200:]}
        if init is not None:     # what the run started from, so the file tells its whole history
            summary["init_from"] = {"sha256": init.sha256, "latent_channels": init.config.latent_channels,
                                    "training": {k: v for k, v in init.metadata.get("training", {}).items()
                                                 if k != "losses"}}
        path = save_checkpoint(out_dir / f"{preset.name}.safetensors", model, autoencoder,
                               objective_config=preset.objective.to_dict(), train_config=tc.to_dict(),
                               training=summary)
        ema.restore(model.parameters())
        return path

    # 4. steps
    window_terms: dict[str, list[float]] = {}
    bar = progress_bar(progress and main_process, tc.steps, step)
    model.train()
    checkpoint = out_dir / f"{preset.name}.safetensors"
    with bar:
        task = bar.add_task("training", total=tc.steps, completed=step, loss=float("nan"))
        while step < tc.steps:
            started = time.time()
            batch = sample_batch(clips, windows, batch_size=tc.batch_size, frames=tc.frames,
                                 context_frames=preset.model.context_frames,
                                 context_probability=tc.context_probability, generator=generator)
            batch = batch.at_resolution(pyramid_factor(generator, preset.objective.low_res_probability, grid))
            for group in optimizer.param_groups:
                group["lr"] = lr_at(step, preset)
            loss, terms = wrapped(batch.to(device), generator)
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), tc.grad_clip)
            optimizer.step()
            ema.step(model.parameters())
            step += 1
            elapsed += time.time() - started
            for name, value in terms.items():
                window_terms.setdefault(name, []).append(value)
            bar.update(task, completed=step, loss=terms["fm"])
            if step % tc.log_every == 0 or step == tc.steps:
                row = {"step": step, "wall_seconds": round(elapsed, 1),
                       **{k: round(float(np.mean(v)), 5) for k, v in window_terms.items()}}
                losses.append(row)
                window_terms = {}
                if main_process:
                    with open(out_dir / LOG_FILE, "a") as handle:
                        handle.write(json.dumps(row) + "\n")
            if step % tc.save_every == 0 and step < tc.steps:
                save(final=False)
        checkpoint = save(final=True)
    if world > 1:
        import torch.distributed as dist
        dist.barrier()
    return TrainResult(checkpoint, step, elapsed, losses, model)


def _gather_generator_states(generator: torch.Generator, world: int) -> list[torch.Tensor]:
    """Every process's batch generator state (so a resumed run draws the same batches)."""
    if world == 1:
        return [generator.get_state()]
    import torch.distributed as dist
    states = [None] * world
    dist.all_gather_object(states, generator.get_state())
    return states


def progress_bar(enabled: bool, total: int, done: int):
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, \
        TimeRemainingColumn
    return Progress(TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(),
                    TextColumn("loss {task.fields[loss]:.4f}"), TimeElapsedColumn(), TimeRemainingColumn(),
                    console=Console(stderr=True), disable=not enabled, transient=False)


__all__ = ["train", "TrainResult", "LossModule", "CachedClip", "progress_bar"]
