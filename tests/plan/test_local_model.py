"""The transformers backend end to end with a tiny random GPT-2 built from a config in code (no hub)."""
from __future__ import annotations

import pytest

from hvg.lang.api import check
from hvg.plan.errors import ModelLoadError
from hvg.plan.local_model import TransformersBackend
from hvg.plan.refine import refine

WORDS = ("video entity block ball bird moves at bounces { } ( ) , . 0 1 2 3 s red blue the a scene "
         "system user assistant : write story program json").split()
TEMPLATE = ("{% for m in messages %}{{ m['role'] }} : {{ m['content'] }} {% endfor %}"
            "{% if add_generation_prompt %}assistant : {% endif %}")


def tiny_model(folder, chat_template: str | None = None):
    import torch
    from tokenizers import Tokenizer, models, pre_tokenizers
    from transformers import GPT2Config, GPT2LMHeadModel, PreTrainedTokenizerFast

    vocab = {word: i for i, word in enumerate(["<unk>", "<eos>", *WORDS])}
    tokenizer = Tokenizer(models.WordLevel(vocab, unk_token="<unk>"))
    tokenizer.pre_tokenizer = pre_tokenizers.Whitespace()
    fast = PreTrainedTokenizerFast(tokenizer_object=tokenizer, unk_token="<unk>", eos_token="<eos>",
                                   pad_token="<eos>")
    if chat_template:
        fast.chat_template = chat_template
    fast.save_pretrained(folder)
    torch.manual_seed(0)
    config = GPT2Config(vocab_size=len(vocab), n_positions=128, n_embd=32, n_layer=2, n_head=2,
                        bos_token_id=1, eos_token_id=1)
    GPT2LMHeadModel(config).save_pretrained(folder)
    return folder


@pytest.fixture(scope="module")
def model_folder(tmp_path_factory):
    return tiny_model(tmp_path_factory.mktemp("tiny-gpt2"))


def test_a_garbage_model_is_handled_and_reported(model_folder):
    backend = TransformersBackend(model_folder, max_new_tokens=12)
    result = refine("a red ball bounces", backend, rounds=1, checker=check)
    assert not result.ok and result.requests == 2
    assert result.diagnostics and all(d.severity == "error" for d in result.diagnostics)
    assert result.diagnostics[0].code in ("P001", "P002") or result.diagnostics[0].code.startswith("E")
    assert result.last_answer.strip()  # it did generate something, and it was kept for the report


def test_greedy_decoding_is_deterministic_and_sampling_is_seeded(model_folder):
    messages = [{"role": "user", "content": "write a scene"}]
    greedy = [TransformersBackend(model_folder, max_new_tokens=10).answer("p", messages) for _ in range(2)]
    assert greedy[0] == greedy[1]
    sampled = [TransformersBackend(model_folder, max_new_tokens=10, temperature=1.0, seed=3).answer("p", messages)
               for _ in range(2)]
    assert sampled[0] == sampled[1]


def test_the_chat_template_is_used_when_the_tokenizer_has_one(tmp_path):
    folder = tiny_model(tmp_path / "templated", chat_template=TEMPLATE)
    backend = TransformersBackend(folder, max_new_tokens=6)
    tokenizer, _ = backend._load()
    encoded = backend._encode(tokenizer, [{"role": "user", "content": "write a story"}])
    words = tokenizer.decode(encoded[0] if hasattr(encoded, "dim") and encoded.dim() == 2 else encoded)
    assert words.split()[:3] == ["user", ":", "write"] and words.split()[-2:] == ["assistant", ":"]
    assert isinstance(backend.answer("p", [{"role": "user", "content": "write a story"}]), str)


def test_a_folder_that_is_not_a_model_is_a_clear_error(tmp_path):
    with pytest.raises(ModelLoadError, match="no config.json"):
        TransformersBackend(tmp_path).answer("p", [{"role": "user", "content": "p"}])
    (tmp_path / "config.json").write_text("{}")
    with pytest.raises(ModelLoadError, match="cannot load the model"):
        TransformersBackend(tmp_path).answer("p", [{"role": "user", "content": "p"}])
