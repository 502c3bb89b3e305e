"""Checkpoints: ONE self-describing safetensors file holds everything needed to rebuild and run the model.

    tensors   model.*   the HST-UNet's weights (the EMA weights, for a trained model)
              latent.*  the latent space (PatchPCA mean, components, scales)
    metadata  format, model_config, objective_config, train_config (JSON), vocabulary (JSON: the kinds,
              backgrounds, styles, colors the model was trained on), training (JSON summary: steps, wall time,
              losses, command), created_by

`load_checkpoint(path)` needs nothing but the file. Training state for `--resume` (optimizer, EMA, step, RNG)
lives next to it in the training folder (hvg/model/train.py), not in the shipped file.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import torch
from safetensors import safe_open
from safetensors.torch import save_file

from hvg import vocab
from hvg.model.autoencoder import PatchPCA
from hvg.model.checkpoint_file import FORMAT, CheckpointError, file_sha256, read_metadata
from hvg.model.config import ModelConfig
from hvg.model.unet import HSTUNet

__all__ = ["FORMAT", "CheckpointError", "LoadedCheckpoint", "file_sha256", "load_checkpoint", "read_metadata",
           "save_checkpoint", "vocabulary"]   # the torch-free half lives in checkpoint_file.py


@dataclass
class LoadedCheckpoint:
    model: HSTUNet
    autoencoder: PatchPCA
    config: ModelConfig
    metadata: dict = field(default_factory=dict)   # parsed JSON fields
    sha256: str = ""


def vocabulary() -> dict:
    return {"kinds": list(vocab.KINDS), "backgrounds": list(vocab.BACKGROUNDS), "styles": list(vocab.STYLES),
            "colors": sorted(vocab.COLORS), "times_of_day": list(vocab.TIMES_OF_DAY), "weathers": list(vocab.WEATHERS)}


def save_checkpoint(path: str | Path, model: HSTUNet, autoencoder: PatchPCA, *, objective_config: dict | None = None,
                    train_config: dict | None = None, training: dict | None = None) -> Path:
    """Write the model, its latent space and their description to `path` (atomically)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tensors = {f"model.{k}": v.detach().cpu().contiguous().clone() for k, v in model.state_dict().items()}
    tensors |= {f"latent.{k}": v.detach().cpu().contiguous().clone() for k, v in autoencoder.state_dict().items()}
    metadata = {
        "format": FORMAT,
        "model_config": json.dumps(model.config.to_dict()),
        "objective_config": json.dumps(objective_config or {}),
        "train_config": json.dumps(train_config or {}),
        "vocabulary": json.dumps(vocabulary()),
        "training": json.dumps(training or {}),
        "created_by": "hvg",
    }
    partial = path.with_suffix(".partial")
    save_file(tensors, str(partial), metadata=metadata)
    partial.replace(path)
    return path


def load_checkpoint(path: str | Path, device: str | torch.device = "cpu") -> LoadedCheckpoint:
    """Rebuild the model and latent space from the file alone (eval mode, on `device`)."""
    metadata = read_metadata(path)
    config = ModelConfig.from_dict(metadata["model_config"])
    model = HSTUNet(config)
    autoencoder = PatchPCA(config.latent_channels, config.patch)
    model_state, latent_state = {}, {}
    with safe_open(str(path), framework="pt") as handle:
        for key in handle.keys():
            target = model_state if key.startswith("model.") else latent_state
            target[key.split(".", 1)[1]] = handle.get_tensor(key)
    model.load_state_dict(model_state)
    autoencoder.load_state_dict(latent_state)
    return LoadedCheckpoint(model.to(device).eval(), autoencoder.to(device).eval(), config, metadata,
                            file_sha256(path))
