"""The planner's seam to the language front end: check a draft, print IR as source, tidy finished source.

Kept in one place so that the planner and its tests can pass their own checker (any callable with the
signature of `hvg.lang.api.check`) and so that the front end is imported only when a plan is checked.
"""
from __future__ import annotations

from typing import Any, Callable, Protocol

from hvg.diagnostics import Diagnostic
from hvg.ir import Scene


class CheckResultLike(Protocol):
    scene: Scene | None
    diagnostics: list[Diagnostic]


Checker = Callable[..., CheckResultLike]   # checker(source, file=...) -> result; never raises


def default_checker() -> Checker:
    from hvg.lang.api import check
    return check


def scene_to_source(scene: Scene) -> str:
    from hvg.lang.unparse import unparse
    return unparse(scene)


def tidy(source: str, file: str = "<plan>") -> str:
    """The program as `hvg fmt` prints it; unchanged if the formatter is not there or refuses it."""
    try:
        from hvg.lang.fmt import format_source
        return format_source(source, file)
    except Exception:  # formatting is a nicety: a clean program stays usable unformatted
        return source if source.endswith("\n") else source + "\n"


def errors(diagnostics: list[Diagnostic]) -> list[Diagnostic]:
    return [d for d in diagnostics if d.severity == "error"]


def as_json(diagnostics: list[Diagnostic]) -> list[dict[str, Any]]:
    """The fields `hvg check --format json` prints, which is what a model is shown."""
    keys = ("file", "line", "column", "severity", "code", "message", "help")
    return [{k: getattr(d, k) for k in keys} for d in diagnostics]
