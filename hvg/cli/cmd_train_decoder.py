"""`hvg train-decoder`: add a learned decoder to a checkpoint (hvg/model/decoder_train.py does the work)."""
from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from hvg.cli.app import app, fail, stderr, stdout


@app.command("train-decoder")
def train_decoder_command(
    checkpoint: Annotated[Path, typer.Argument(help="the checkpoint whose latent space to decode")],
    out: Annotated[Path, typer.Option("--out", "-o", help="the checkpoint to write: the same model, plus the decoder")],
    steps: Annotated[int, typer.Option(min=1, help="training steps")] = 4000,
    clips: Annotated[int, typer.Option(min=1, help="synthetic clips of the model's training stream to learn from")] = 160,
    seed: Annotated[int, typer.Option(help="seed of initialisation, crops and latent noise")] = 0,
    sampled_clips: Annotated[int, typer.Option(
        min=0, help="also render this many training clips with the checkpoint's own model and learn to decode "
                    "what its sampler draws (0: noisy latents only)")] = 0,
    sampled_share: Annotated[float, typer.Option(
        min=0.0, max=1.0, help="share of each batch from those sampled clips")] = 0.5,
    start_from: Annotated[Optional[Path], typer.Option(
        help="fine-tune the decoder of this checkpoint (same latent space) instead of starting afresh")] = None,
    lr: Annotated[float, typer.Option(min=0.0, help="peak learning rate (one-cycle)")] = 2e-3,
    width: Annotated[Optional[int], typer.Option(
        min=16, help="channels at the latent grid, halved at each upsampling [default: 64]")] = None,
    blocks: Annotated[Optional[int], typer.Option(
        min=0, help="residual blocks at the latent grid [default: 2]")] = None,
    edge_weight: Annotated[float, typer.Option(
        min=0.0, help="weight of the edge term (L1 between neighbouring-pixel differences) beside L1")] = 0.0,
    force: Annotated[bool, typer.Option("--force", help="overwrite OUT if it exists")] = False,
    progress: Annotated[bool, typer.Option("--progress/--no-progress", help="show a progress bar")] = True,
) -> None:
    """Train the decoder of a checkpoint's latent space (PatchPCA codes -> frames) and write a new checkpoint.

    The flow model and the latent codes stay as they are; only decoding changes: the learned decoder
    (docs/model.md) removes PatchPCA's 8x8 tiles and decodes slightly-off latents to clean frames.
    """
    import sys

    from hvg.model.checkpoint_file import CheckpointError, read_metadata
    try:
        read_metadata(checkpoint)
    except CheckpointError as error:
        fail(str(error), error.hint)
    if out.exists() and not force:
        fail(f"{out} already exists", "pass --force to replace it, or choose another --out")
    if start_from is not None:
        try:
            read_metadata(start_from)
        except CheckpointError as error:
            fail(str(error), error.hint)
    if start_from is not None and (width is not None or blocks is not None):
        fail("--width and --blocks set the size of a new decoder; --start-from fine-tunes one of its own size",
             "drop --width and --blocks, or --start-from")
    from hvg.model.decoder import DecoderConfig
    from hvg.model.decoder_train import DecoderMismatch, DecoderTraining, add_decoder
    from hvg.model.train import progress_bar
    defaults = DecoderConfig()
    config = DecoderConfig(width=width or defaults.width, blocks=defaults.blocks if blocks is None else blocks)
    settings = DecoderTraining(steps=steps, seed=seed, lr=lr, sampled_share=sampled_share if sampled_clips else 0.0,
                               edge_weight=edge_weight)
    bar = progress_bar(progress, steps, 0)
    with bar:
        task = bar.add_task("decoder", total=steps, loss=float("nan"))
        clips_task = bar.add_task("sampling clips", total=sampled_clips, loss=float("nan")) if sampled_clips else None
        try:
            path, result = add_decoder(
                checkpoint, out, settings, clips=clips, sampled_clips=sampled_clips, start_from=start_from,
                config=None if start_from is not None else config,
                command="hvg " + " ".join(sys.argv[1:]),
                on_clip=lambda done: bar.update(clips_task, completed=done),
                on_step=lambda step, loss: bar.update(task, completed=step, loss=loss))
        except DecoderMismatch as error:
            fail(str(error), error.hint)
    last = result.losses[-1] if result.losses else {}
    stderr.print(f"trained the decoder {steps} steps in {result.wall_seconds:.0f} s; L1 {last.get('l1', 0):.4f} "
                 f"(the linear decoder's on the same latents: {last.get('l1_linear', 0):.4f})")
    stdout.print(str(path))
