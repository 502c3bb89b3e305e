"""The loop's seams with stand-in backends and checkers; the cache; masking secrets."""
from __future__ import annotations

import json
from dataclasses import dataclass, field

from hvg.diagnostics import Diagnostic
from hvg.lang.api import check
from hvg.plan.backends import OfflineBackend
from hvg.plan.cache import PlanCache, plan_key
from hvg.plan.errors import mask_secret
from hvg.plan.messages import _EXAMPLE
from hvg.plan.refine import refine


@dataclass
class ScriptedBackend:
    answers: list[str]
    seen: list[list[dict]] = field(default_factory=list)
    name = "scripted"

    def answer(self, prompt, messages):
        self.seen.append(messages)
        return self.answers[min(len(self.seen) - 1, len(self.answers) - 1)]


@dataclass
class Result:
    scene: object
    diagnostics: list


def always_broken(source, file=None):
    return Result(None, [Diagnostic(file=file, line=2, column=3, severity="error", code="E999", message="no")])


def test_the_offline_backend_is_checked_once_and_never_repaired():
    result = refine("a ball bounces", OfflineBackend(), rounds=3, checker=always_broken)
    assert not result.ok and result.requests == 1 and result.diagnostics[0].code == "E999"
    assert refine("a ball bounces", OfflineBackend(), checker=check).ok


def test_rounds_bound_the_requests_and_warnings_do_not_trigger_repair():
    backend = ScriptedBackend(["nothing"])
    assert refine("p", backend, rounds=2, checker=check).requests == 3
    scene = json.loads(json.dumps(_EXAMPLE))
    scene["entities"].append({"name": "extra", "kind": "box"})     # never placed: a warning only (W004)
    backend = ScriptedBackend([json.dumps(scene)])
    result = refine("p", backend, rounds=2, checker=check)
    assert result.ok and result.requests == 1 and [d.code for d in result.diagnostics] == ["W004"]


def test_source_answers_are_formatted():
    messy = 'video "T" {size 64x64; fps 8}\nentity dot=ball\nblock 0s..1s "A" {   dot at (0.5,0.5) }\n'
    result = refine("p", ScriptedBackend([messy]), checker=check)
    assert result.ok and "dot at (0.5, 0.5)" in result.source and result.source != messy


def test_cache_keys_change_with_every_setting(tmp_path):
    base = {"prompt": "p", "backend": "chat", "model": "m", "endpoint": "http://h/v1", "seed": 0}
    keys = {plan_key(**base)} | {plan_key(**{**base, name: "other"}) for name in base}
    assert len(keys) == 1 + len(base) and plan_key(**base) == plan_key(**dict(reversed(base.items())))
    cache = PlanCache(tmp_path / "plans")
    assert cache.get("k") is None
    cache.put("k", "video ...")
    assert cache.get("k") == "video ..." and not list((tmp_path / "plans").glob("*.tmp"))


def test_mask_secret_hides_the_key_and_its_ends():
    key = "sk-abcdefgh12345678zyxwvuts"
    text = mask_secret(f"bad key {key}; also sk-abcdefgh...zyxwvuts", key)
    assert key not in text and "zyxwvuts" not in text and "sk-abcdefgh" not in text
    assert mask_secret("nothing", None) == "nothing"


def test_repair_warnings_asks_again_and_keeps_the_cleanest_draft():
    noisy = json.loads(json.dumps(_EXAMPLE))
    noisy["entities"].append({"name": "extra", "kind": "box"})     # W004
    backend = ScriptedBackend([json.dumps(noisy), json.dumps(_EXAMPLE)])
    result = refine("p", backend, rounds=3, checker=check, repair_warnings=True)
    assert result.ok and result.requests == 2 and result.diagnostics == []
    assert "W004" in backend.seen[1][-1]["content"]
    stubborn = ScriptedBackend([json.dumps(noisy)])
    result = refine("p", stubborn, rounds=1, checker=check, repair_warnings=True)
    assert result.ok and result.requests == 2 and [d.code for d in result.diagnostics] == ["W004"]
