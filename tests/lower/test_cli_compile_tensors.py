"""`hvg compile FILE --tensors OUT.safetensors` writes every block's conditioning and noise."""
from pathlib import Path

from safetensors import safe_open

from hvg.cli.main import main

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "beach.scene"


def test_compile_writes_the_lowered_blocks(tmp_path):
    out = tmp_path / "beach.safetensors"
    assert main(["compile", str(EXAMPLE), "-o", str(tmp_path / "beach.json"), "--tensors", str(out)]) == 0
    with safe_open(str(out), "pt") as tensors:
        keys = set(tensors.keys())
        noise = tensors.get_tensor("block0.noise")
        occupancy = tensors.get_tensor("block0.occupancy")
    assert {"block0.noise", "block1.noise", "block0.layout_kind", "block1.motion"} <= keys
    assert noise.shape[1:] == occupancy.shape[1:]  # (c, t, h, w): same frames and grid
    assert abs(float(noise.std()) - 1.0) < 0.1


def test_compile_refuses_to_overwrite_tensors(tmp_path):
    out = tmp_path / "beach.safetensors"
    out.write_bytes(b"keep")
    assert main(["compile", str(EXAMPLE), "-o", str(tmp_path / "b.json"), "--tensors", str(out)]) == 2
    assert out.read_bytes() == b"keep"
