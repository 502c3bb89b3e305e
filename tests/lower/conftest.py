"""Lowering tests work on small tensors, where torch's thread pool only adds overhead on a busy machine: run
them single-threaded, restoring the setting afterwards so other tests in the same process are unaffected."""
from __future__ import annotations

import pytest
import torch


@pytest.fixture(autouse=True)
def single_torch_thread():
    previous = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(previous)
