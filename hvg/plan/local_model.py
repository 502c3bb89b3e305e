"""The transformers backend: a local causal language model folder, loaded with `local_files_only=True`.

Nothing is downloaded. The tokenizer's chat template is used when it has one; otherwise the messages are
written as `System:` / `User:` / `Assistant:` turns. Greedy decoding at temperature 0, else sampling seeded
by `seed`. The answer goes through the same JSON/source extraction as a chat endpoint's.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hvg.plan.errors import ModelLoadError


def _plain_prompt(messages: list[dict[str, str]]) -> str:
    turns = [f"{m['role'].capitalize()}: {m['content']}" for m in messages]
    return "\n\n".join(turns) + "\n\nAssistant:"


@dataclass
class TransformersBackend:
    path: str | Path
    seed: int = 0
    temperature: float = 0.0
    max_new_tokens: int = 1024
    device: str = "cpu"
    _loaded: tuple[Any, Any] | None = field(default=None, init=False, repr=False)

    name = "transformers"

    def _load(self) -> tuple[Any, Any]:
        if self._loaded is None:
            folder = Path(self.path).expanduser()
            if not (folder / "config.json").is_file():
                raise ModelLoadError(f"{folder} is not a local model folder (it has no config.json)",
                                     "pass --model PATH to a folder saved with `save_pretrained` "
                                     "(nothing is downloaded)")
            try:
                from transformers import AutoModelForCausalLM, AutoTokenizer
                tokenizer = AutoTokenizer.from_pretrained(folder, local_files_only=True)
                model = AutoModelForCausalLM.from_pretrained(folder, local_files_only=True)
            except (OSError, ValueError, KeyError) as error:
                first = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
                raise ModelLoadError(f"cannot load the model in {folder}: {first}",
                                     "it must be a causal language model with its tokenizer, saved locally")
            self._loaded = (tokenizer, model.to(self.device).eval())
        return self._loaded

    def _encode(self, tokenizer: Any, messages: list[dict[str, str]]):
        if getattr(tokenizer, "chat_template", None):
            try:
                return tokenizer.apply_chat_template(messages, add_generation_prompt=True, return_tensors="pt",
                                                     return_dict=False)
            except Exception:  # a template that rejects system turns, for one: fall back to plain turns
                pass
        return tokenizer(_plain_prompt(messages), return_tensors="pt").input_ids

    def answer(self, prompt: str, messages: list[dict[str, str]]) -> str:
        import torch

        tokenizer, model = self._load()
        input_ids = self._encode(tokenizer, messages)
        if not torch.is_tensor(input_ids):
            input_ids = torch.as_tensor(input_ids["input_ids"] if isinstance(input_ids, dict) else input_ids)
        if input_ids.dim() == 1:
            input_ids = input_ids[None]
        limit = getattr(model.config, "n_positions", None) or getattr(model.config, "max_position_embeddings", None)
        new_tokens = self.max_new_tokens
        if limit:  # keep the end of the conversation and room to answer in a small context
            new_tokens = max(1, min(new_tokens, limit // 2))
            input_ids = input_ids[:, -(limit - new_tokens):]
        input_ids = input_ids.to(self.device)
        sampling = self.temperature > 0
        generator_args: dict[str, Any] = {"do_sample": sampling, "max_new_tokens": new_tokens,
                                          "attention_mask": torch.ones_like(input_ids)}
        if sampling:
            generator_args["temperature"] = self.temperature
            torch.manual_seed(self.seed)
        pad = tokenizer.pad_token_id if tokenizer.pad_token_id is not None else tokenizer.eos_token_id
        if pad is not None:
            generator_args["pad_token_id"] = pad
        with torch.no_grad():
            output = model.generate(input_ids, **generator_args)
        return tokenizer.decode(output[0, input_ids.shape[1]:], skip_special_tokens=True)
