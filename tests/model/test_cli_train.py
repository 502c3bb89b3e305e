"""`hvg train`: mistakes are one friendly line, not a traceback."""
from __future__ import annotations

from hvg.cli.main import main


def test_unknown_preset_is_a_usage_error_with_the_choices(capsys):
    assert main(["train", "--preset", "huge"]) == 2
    err = capsys.readouterr().err
    assert "no preset `huge`" in err and "tiny, small, small32, base" in err and "Traceback" not in err


def test_zero_steps_is_a_usage_error(capsys):
    assert main(["train", "--preset", "tiny", "--steps", "0"]) == 2
    assert "--steps must be at least 1" in capsys.readouterr().err


def test_an_existing_run_needs_resume(tmp_path, capsys):
    (tmp_path / "train_state.pt").write_bytes(b"")
    assert main(["train", "--preset", "tiny", "--out", str(tmp_path)]) == 2
    assert "--resume" in capsys.readouterr().err


def test_init_from_a_checkpoint_of_another_architecture_fails_before_any_data_is_made(tmp_path, capsys):
    from hvg.model.autoencoder import PatchPCA
    from hvg.model.checkpoint import save_checkpoint
    from tests.model.helpers import tiny_model
    model = tiny_model()
    source = save_checkpoint(tmp_path / "tiny.safetensors", model, PatchPCA(model.config.latent_channels, 8))
    assert main(["train", "--preset", "small32", "--out", str(tmp_path / "run"), "--init-from", str(source),
                 "--no-progress"]) == 2
    err = capsys.readouterr().err
    assert "is not the preset `small32`'s" in err and "Traceback" not in err
    assert not (tmp_path / "run" / "data_cache.pt").exists()


def test_lr_and_decay_steps_reach_the_training_settings(tmp_path, monkeypatch, capsys):
    """A fine-tune's learning rate and schedule are flags, not a script (the shipped file's last stage used them)."""
    import types

    import hvg.model.train
    seen = {}

    def fake_train(preset, out_dir, **kwargs):
        seen["train"] = preset.train
        return types.SimpleNamespace(losses=[], steps=preset.train.steps, wall_seconds=0.0,
                                     checkpoint=tmp_path / "tiny.safetensors")
    monkeypatch.setattr(hvg.model.train, "train", fake_train)
    assert main(["train", "--preset", "tiny", "--out", str(tmp_path / "run"), "--lr", "2e-4", "--decay-steps", "0",
                 "--no-progress"]) == 0
    assert (seen["train"].lr, seen["train"].decay_steps) == (2e-4, 0)
    assert main(["train", "--preset", "tiny", "--out", str(tmp_path / "run2"), "--no-progress"]) == 0
    from hvg.model.config import PRESETS
    tiny = PRESETS["tiny"].train
    assert (seen["train"].lr, seen["train"].decay_steps) == (tiny.lr, tiny.decay_steps)
    assert main(["train", "--preset", "tiny", "--lr", "0"]) == 2
    assert "Traceback" not in capsys.readouterr().err
