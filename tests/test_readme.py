"""The README's Python example runs as written (on the bundled beach example)."""
import re
import shutil
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]


def test_readme_python_example_runs(tmp_path, monkeypatch):
    block = re.search(r"```python\n(.*?)```", (ROOT / "README.md").read_text(), re.S).group(1)
    shutil.copy(ROOT / "examples" / "beach.scene", tmp_path / "story.scene")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("HVG_CACHE_DIR", str(tmp_path / "cache"))
    namespace: dict = {}
    exec(compile(block, "README.md", "exec"), namespace)
    frames, scene = namespace["frames"], namespace["scene"]
    assert frames.dtype == np.uint8
    assert frames.shape == (round(scene.duration * scene.video.fps), scene.video.height, scene.video.width, 3)
    assert namespace["timeline"].n_frames == frames.shape[0]


def test_hvg_render_stays_the_function_after_the_pipeline_is_imported():
    import hvg
    import hvg.rendering  # noqa: F401 - importing the pipeline package must not shadow the exported function
    assert callable(hvg.render) and callable(hvg.render)
    assert hvg.render is hvg.rendering.render
