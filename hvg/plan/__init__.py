"""Planning: drafting scene programs from a prompt, repaired by the checker (`hvg plan`).

    plan_offline(prompt) -> Scene                          rules only, no model (hvg.plan.offline)
    refine(prompt, backend, rounds=3, checker=None) -> PlanResult   the draft/check/repair loop (hvg.plan.refine)
    ChatBackend(endpoint, model, ...)                      any OpenAI-compatible endpoint (hvg.plan.chat)
    TransformersBackend(path, ...)                         a local causal LM folder (hvg.plan.local_model)
    OfflineBackend()                                       the rules as a backend (hvg.plan.backends)
    coverage(cases, checker) -> Coverage                   how much of a prompt's words a plan keeps (hvg.plan.score)

Imported lazily, so `import hvg.plan` stays cheap.
"""
from __future__ import annotations

import importlib

_EXPORTS = {
    "plan_offline": "hvg.plan.offline",
    "refine": "hvg.plan.refine",
    "PlanResult": "hvg.plan.refine",
    "ChatBackend": "hvg.plan.chat",
    "TransformersBackend": "hvg.plan.local_model",
    "OfflineBackend": "hvg.plan.backends",
    "PlanError": "hvg.plan.errors",
    "coverage": "hvg.plan.score",
}

__all__ = list(_EXPORTS)


def __getattr__(name: str):
    if name in _EXPORTS:
        return getattr(importlib.import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'hvg.plan' has no attribute {name!r}")
