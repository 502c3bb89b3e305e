"""all-MiniLM-L6-v2's forward pass in plain torch, with the `tokenizers` library for its tokenizer.

The same computation as transformers' `BertModel` (absolute positions, token type 0, post-LayerNorm layers, exact
GELU, scaled dot-product attention with the padding masked out) on the same packaged weights and tokenizer.json,
without importing transformers: its import alone (modeling_utils pulls in torch.distributed, torch._dynamo and
scipy) costs ~3 s, more than re-rendering a block after its description is reworded. tests/lower/test_minilm.py
checks the embeddings against transformers' `AutoModel` to 1e-6.
"""
from __future__ import annotations

import json
from pathlib import Path

import torch
import torch.nn.functional as F


class MiniLM:
    """A BERT encoder loaded from a model folder (config.json, model.safetensors, tokenizer.json), for inference."""

    def __init__(self, path: Path, max_tokens: int):
        from safetensors.torch import load_file
        from tokenizers import Tokenizer

        config = json.loads((path / "config.json").read_text())
        unsupported = {k: config.get(k) for k, want in (("model_type", "bert"), ("hidden_act", "gelu"),
                                                       ("position_embedding_type", "absolute"))
                       if config.get(k, want) != want}
        if unsupported:
            raise ValueError(f"{path} is not a model this encoder computes: {unsupported}")
        self.heads = int(config["num_attention_heads"])
        self.layers = int(config["num_hidden_layers"])
        self.eps = float(config["layer_norm_eps"])
        self.max_tokens = min(max_tokens, int(config["max_position_embeddings"]))
        weights = load_file(str(path / "model.safetensors"))
        self.w = {key.removeprefix("bert."): value.float() for key, value in weights.items()}
        pad_id = int(config.get("pad_token_id") or 0)
        self.tokenizer = Tokenizer.from_file(str(path / "tokenizer.json"))
        self.tokenizer.enable_truncation(self.max_tokens)     # as tokenizer(..., truncation=True, max_length=...)
        self.tokenizer.enable_padding(pad_id=pad_id, pad_token=self.tokenizer.id_to_token(pad_id))  # to the longest

    def tokenize(self, texts: list[str]) -> tuple[torch.Tensor, torch.Tensor]:
        """(input ids, attention mask), both (n, tokens) int64."""
        encodings = self.tokenizer.encode_batch(texts)
        ids = torch.tensor([e.ids for e in encodings], dtype=torch.long)
        mask = torch.tensor([e.attention_mask for e in encodings], dtype=torch.long)
        return ids, mask

    def _linear(self, x: torch.Tensor, name: str) -> torch.Tensor:
        return F.linear(x, self.w[f"{name}.weight"], self.w[f"{name}.bias"])

    def _norm(self, x: torch.Tensor, name: str) -> torch.Tensor:
        return F.layer_norm(x, x.shape[-1:], self.w[f"{name}.weight"], self.w[f"{name}.bias"], self.eps)

    @torch.inference_mode()
    def hidden_states(self, ids: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        """The last layer's token states (n, tokens, hidden)."""
        n, length = ids.shape
        w = self.w
        x = F.embedding(ids, w["embeddings.word_embeddings.weight"]) \
            + w["embeddings.token_type_embeddings.weight"][0] \
            + w["embeddings.position_embeddings.weight"][:length]
        x = self._norm(x, "embeddings.LayerNorm")
        # None when nothing is padded, as transformers passes no mask then; else True where a key may be attended.
        keep = None if bool(mask.all()) else mask.bool()[:, None, None, :]
        for i in range(self.layers):
            p = f"encoder.layer.{i}"
            q, k, v = (self._linear(x, f"{p}.attention.self.{part}").view(n, length, self.heads, -1).transpose(1, 2)
                       for part in ("query", "key", "value"))
            attended = F.scaled_dot_product_attention(q, k, v, attn_mask=keep).transpose(1, 2).reshape(n, length, -1)
            x = self._norm(self._linear(attended, f"{p}.attention.output.dense") + x, f"{p}.attention.output.LayerNorm")
            inner = F.gelu(self._linear(x, f"{p}.intermediate.dense"))
            x = self._norm(self._linear(inner, f"{p}.output.dense") + x, f"{p}.output.LayerNorm")
        return x
