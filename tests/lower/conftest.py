"""Lowering tests work on small tensors, where torch's thread pool only adds overhead on a busy machine: run
them single-threaded, restoring the setting afterwards so other tests in the same process are unaffected."""
from __future__ import annotations

import pytest
import torch

from hvg.lower import embed as embedding


@pytest.fixture(autouse=True)
def single_torch_thread():
    previous = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(previous)


@pytest.fixture(scope="module")
def private_embedding_cache(tmp_path_factory):
    """A module's own embedding cache on disk and in memory, so tests never read or write the user's."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("HVG_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))
        embedding.clear_memory_cache()
        yield
    embedding.clear_memory_cache()
