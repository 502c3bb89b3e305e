"""Planner backends: anything with `answer(prompt, messages) -> str` and a `name`.

The offline backend needs no model: it answers every request with the rule-based plan of the prompt (so a
repair round gives the same answer, and the loop stops after the first check).
"""
from __future__ import annotations

from typing import Protocol


class Backend(Protocol):
    name: str

    def answer(self, prompt: str, messages: list[dict[str, str]]) -> str: ...


class OfflineBackend:
    name = "offline"
    can_repair = False

    def answer(self, prompt: str, messages: list[dict[str, str]]) -> str:
        from hvg.plan.checking import scene_to_source
        from hvg.plan.offline import plan_offline
        return scene_to_source(plan_offline(prompt))
