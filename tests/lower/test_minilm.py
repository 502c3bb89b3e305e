"""The plain-torch MiniLM (hvg.lower.minilm) against transformers' own model on the same files: same tokens, same
embeddings; and embedding a new sentence does not import transformers (its import costs more than a block)."""
from __future__ import annotations

import os
import subprocess
import sys

import pytest
import torch

from hvg.lower import embed as embedding
from hvg.lower.minilm import MiniLM

TEXTS = ["a red ball", "Block 6: the ball races, a gull crosses, a car drives", "x",
         "Crème brûlée at the café, 東京 by night", "a word " * 200]   # the last is cut at MAX_TOKENS


def reference(texts: list[str]) -> tuple[dict, torch.Tensor]:
    """The previous path: transformers' AutoTokenizer + AutoModel, masked mean pooling, L2."""
    tokenizer, model = embedding.load_model()
    batch = tokenizer(texts, padding=True, truncation=True, max_length=embedding.MAX_TOKENS, return_tensors="pt")
    with torch.inference_mode():
        tokens = model(**batch).last_hidden_state
    mask = batch["attention_mask"].unsqueeze(-1).to(tokens.dtype)
    pooled = (tokens * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
    return batch, torch.nn.functional.normalize(pooled, p=2, dim=1)


@pytest.fixture(scope="module")
def encoder() -> MiniLM:
    return MiniLM(embedding.model_path(), embedding.MAX_TOKENS)


def test_tokens_are_those_of_the_transformers_tokenizer(encoder):
    batch, _ = reference(TEXTS)
    ids, mask = encoder.tokenize(TEXTS)
    assert ids.shape[1] == embedding.MAX_TOKENS                 # padded to the longest, which was truncated
    assert torch.equal(ids, batch["input_ids"]) and torch.equal(mask, batch["attention_mask"])


@pytest.mark.parametrize("batched", [True, False])
def test_embeddings_equal_the_transformers_model(encoder, batched, monkeypatch, tmp_path):
    monkeypatch.setenv("HVG_CACHE_DIR", str(tmp_path))
    embedding.clear_memory_cache()
    try:
        if batched:   # padding in the batch: the mask must keep padded tokens out of attention and pooling
            got = embedding.embed(TEXTS)
        else:
            got = torch.cat([embedding.embed([text]) for text in TEXTS])
    finally:
        embedding.clear_memory_cache()
    want = reference(TEXTS)[1] if batched else torch.cat([reference([text])[1] for text in TEXTS])
    assert got.shape == (len(TEXTS), embedding.EMBEDDING_DIM)
    assert (got - want).abs().max() <= 1e-6


def test_the_hidden_states_equal_the_transformers_model_token_by_token(encoder):
    batch, _ = reference(TEXTS[:3])
    _, model = embedding.load_model()
    with torch.inference_mode():
        want = model(**batch).last_hidden_state
    got = encoder.hidden_states(batch["input_ids"], batch["attention_mask"])
    keep = batch["attention_mask"].bool()
    assert (got - want).abs()[keep].max() <= 1e-6


def test_a_new_sentence_is_embedded_without_importing_transformers(tmp_path):
    code = ("import sys; from hvg.lower.embed import embed; v = embed(['a sentence no cache has seen']); "
            "print(tuple(v.shape), 'transformers' in sys.modules, 'torch._dynamo' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                          env={**os.environ, "HVG_CACHE_DIR": str(tmp_path)})
    assert done.stdout.split("\n")[-2] == "(1, 384) False False"
    assert list((tmp_path / "embeddings").rglob("*.npy"))       # it was computed, not read from a cache


def test_a_model_folder_of_another_architecture_is_refused(tmp_path):
    (tmp_path / "config.json").write_text('{"model_type": "roberta", "hidden_act": "gelu"}')
    with pytest.raises(ValueError, match="roberta"):
        MiniLM(tmp_path, 256)
