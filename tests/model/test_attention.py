"""The block-sparse temporal mask and the two attention paths that consume it."""
from __future__ import annotations

import pytest
import torch

from hvg.model.attention import TemporalAttention, block_sparse_mask, masked_attention


def test_mask_frames_see_their_block_and_the_previous_blocks_last_k():
    blocks = torch.tensor([0, 0, 0, 0, 1, 1, 1, 2, 2])
    k = 2
    mask = block_sparse_mask(blocks, k)
    for i in range(len(blocks)):
        for j in range(len(blocks)):
            last_of_j = max(n for n in range(len(blocks)) if blocks[n] == blocks[j])
            expected = bool(blocks[i] == blocks[j]) or (bool(blocks[j] == blocks[i] - 1) and last_of_j - j < k)
            assert bool(mask[i, j]) == expected, (i, j)


def test_mask_hides_older_blocks_and_the_future_block():
    mask = block_sparse_mask(torch.tensor([0, 0, 1, 1, 2, 2]), context_frames=2)
    assert not mask[4:, :2].any()        # block 2 never sees block 0
    assert not mask[:2, 2:].any()        # block 0 never sees later blocks
    assert mask[4:, 2:4].all()           # block 2 sees the previous block's last two frames


def test_masked_frames_do_not_change_the_output():
    torch.manual_seed(0)
    attention = TemporalAttention(8, heads=2)
    torch.nn.init.normal_(attention.out.weight)
    x = torch.randn(1, 8, 6, 2, 2)
    mask = block_sparse_mask(torch.tensor([0, 0, 0, 1, 1, 1]), context_frames=1)
    changed = x.clone()
    changed[:, :, 0] += torch.randn(8, 2, 2)   # frame 0 is not block 0's last frame: block 1 must not see it
    y, y_changed = attention(x, mask), attention(changed, mask)
    assert torch.allclose(y[:, :, 3:], y_changed[:, :, 3:], atol=1e-6)
    changed[:, :, 2] += torch.randn(8, 2, 2)   # frame 2 is: block 1 does see it
    assert not torch.allclose(y[:, :, 3:], attention(changed, mask)[:, :, 3:], atol=1e-4)


@pytest.mark.filterwarnings("ignore:flex_attention called without torch.compile")
def test_flex_attention_matches_sdpa_on_cpu():
    pytest.importorskip("torch.nn.attention.flex_attention")
    torch.manual_seed(0)
    q, k, v = (torch.randn(2, 2, 8, 16) for _ in range(3))
    mask = block_sparse_mask(torch.tensor([0, 0, 0, 1, 1, 1, 1, 1]), context_frames=2)
    sdpa = masked_attention(q, k, v, mask, use_flex=False)
    flex = masked_attention(q, k, v, mask, use_flex=True)
    assert torch.allclose(sdpa, flex, atol=1e-5)


def test_attention_weights_are_zero_where_masked_and_rows_sum_to_one():
    torch.manual_seed(0)
    attention = TemporalAttention(8, heads=2)
    mask = block_sparse_mask(torch.tensor([0, 0, 0, 1, 1]), context_frames=1)
    _, weights = attention(torch.randn(2, 8, 5, 3, 3), mask, return_weights=True)
    assert weights.shape == (2, 3, 3, 5, 5)
    assert torch.all(weights[..., ~mask] == 0)
    assert torch.allclose(weights.sum(-1), torch.ones(2, 3, 3, 5))
