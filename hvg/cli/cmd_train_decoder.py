"""`hvg train-decoder`: add a learned decoder to a checkpoint (hvg/model/decoder_train.py does the work)."""
from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from hvg.cli.app import app, fail, stderr, stdout


@app.command("train-decoder")
def train_decoder_command(
    checkpoint: Annotated[Path, typer.Argument(help="the checkpoint whose latent space to decode")],
    out: Annotated[Path, typer.Option("--out", "-o", help="the checkpoint to write: the same model, plus the decoder")],
    steps: Annotated[int, typer.Option(min=1, help="training steps")] = 4000,
    clips: Annotated[int, typer.Option(min=1, help="synthetic clips of the model's training stream to learn from")] = 160,
    seed: Annotated[int, typer.Option(help="seed of initialisation, crops and latent noise")] = 0,
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
    from hvg.model.decoder_train import DecoderTraining, add_decoder
    from hvg.model.train import progress_bar
    bar = progress_bar(progress, steps, 0)
    with bar:
        task = bar.add_task("decoder", total=steps, loss=float("nan"))
        path, result = add_decoder(checkpoint, out, DecoderTraining(steps=steps, seed=seed), clips=clips,
                                   command="hvg " + " ".join(sys.argv[1:]),
                                   on_step=lambda step, loss: bar.update(task, completed=step, loss=loss))
    last = result.losses[-1] if result.losses else {}
    stderr.print(f"trained the decoder {steps} steps in {result.wall_seconds:.0f} s; L1 {last.get('l1', 0):.4f} "
                 f"(the linear decoder's on the same latents: {last.get('l1_linear', 0):.4f})")
    stdout.print(str(path))
