"""Checkpoints: ONE self-describing safetensors file holds everything needed to rebuild and run the model.

    tensors   model.*   the HST-UNet's weights (the EMA weights, for a trained model)
              latent.*  the latent space (PatchPCA mean, components, scales)
              decoder.* the learned decoder of that latent space (optional: hvg/model/decoder.py)
    metadata  format, model_config, objective_config, train_config (JSON), vocabulary (JSON: the kinds,
              backgrounds, styles, colors the model was trained on), training (JSON summary: steps, wall time,
              losses, command), created_by; with a decoder also decoder_config and decoder_training (JSON)

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
from hvg.model.decoder import DecoderConfig, LatentDecoder, LatentSpace, latent_pca
from hvg.model.unet import HSTUNet

__all__ = ["FORMAT", "CheckpointError", "LoadedCheckpoint", "file_sha256", "load_checkpoint", "read_metadata",
           "save_checkpoint", "vocabulary"]   # the torch-free half lives in checkpoint_file.py


@dataclass
class LoadedCheckpoint:
    model: HSTUNet
    autoencoder: PatchPCA | LatentSpace   # encode/decode alike; LatentSpace when the file has a learned decoder
    config: ModelConfig
    metadata: dict = field(default_factory=dict)   # parsed JSON fields
    sha256: str = ""


def vocabulary() -> dict:
    return {"kinds": list(vocab.KINDS), "backgrounds": list(vocab.BACKGROUNDS), "styles": list(vocab.STYLES),
            "colors": sorted(vocab.COLORS), "times_of_day": list(vocab.TIMES_OF_DAY), "weathers": list(vocab.WEATHERS)}


def save_checkpoint(path: str | Path, model: HSTUNet, autoencoder: PatchPCA | LatentSpace, *,
                    objective_config: dict | None = None, train_config: dict | None = None,
                    training: dict | None = None, metadata_extra: dict | None = None) -> Path:
    """Write the model, its latent space (with its learned decoder, if it has one) and their description to `path`
    (atomically). `metadata_extra`: more JSON-serialisable metadata fields (e.g. decoder_training)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    pca = latent_pca(autoencoder)
    tensors = {f"model.{k}": v.detach().cpu().contiguous().clone() for k, v in model.state_dict().items()}
    tensors |= {f"latent.{k}": v.detach().cpu().contiguous().clone() for k, v in pca.state_dict().items()}
    if isinstance(autoencoder, LatentSpace):
        tensors |= {f"decoder.{k}": v.detach().cpu().contiguous().clone()
                    for k, v in autoencoder.decoder.state_dict().items()}
    metadata = {
        "format": FORMAT,
        "model_config": json.dumps(model.config.to_dict()),
        "objective_config": json.dumps(objective_config or {}),
        "train_config": json.dumps(train_config or {}),
        "vocabulary": json.dumps(vocabulary()),
        "training": json.dumps(training or {}),
        "created_by": "hvg",
    }
    if isinstance(autoencoder, LatentSpace):
        metadata["decoder_config"] = json.dumps(autoencoder.decoder.config.to_dict())
    metadata |= {key: json.dumps(value) for key, value in (metadata_extra or {}).items()}
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
    states = {"model": {}, "latent": {}, "decoder": {}}
    with safe_open(str(path), framework="pt") as handle:
        for key in handle.keys():
            group, name = key.split(".", 1)
            states.setdefault(group, {})[name] = handle.get_tensor(key)
    model.load_state_dict(states["model"])
    autoencoder.load_state_dict(states["latent"])
    if states["decoder"]:
        decoder = LatentDecoder(DecoderConfig.from_dict(metadata["decoder_config"]))
        decoder.load_state_dict(states["decoder"])
        autoencoder = LatentSpace(autoencoder, decoder)
    return LoadedCheckpoint(model.to(device).eval(), autoencoder.to(device).eval(), config, metadata,
                            file_sha256(path))
