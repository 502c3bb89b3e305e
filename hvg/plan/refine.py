"""The refinement loop: draft -> check -> diagnostics back to the model -> ... until clean or out of rounds.

    1. ask the backend for a draft (the task and the IR's schema in the first messages);
    2. read the answer (JSON IR -> validated -> `unparse`, or source text as it is);
    3. check it; with no errors, return it formatted (warnings are kept and reported);
    4. otherwise send the diagnostics (JSON) and the numbered program back as a repair message, and go to 1,
       at most `rounds` times.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from hvg.diagnostics import Diagnostic
from hvg.plan import checking, messages
from hvg.plan.backends import Backend
from hvg.plan.extract import read_answer


@dataclass
class PlanResult:
    source: str | None               # formatted source when ok; otherwise the last draft (None if none was read)
    ok: bool
    diagnostics: list[Diagnostic]    # of the returned program (warnings only, when ok)
    requests: int                    # answers asked of the backend
    transcript: list[dict[str, str]] = field(default_factory=list)
    from_cache: bool = False
    last_answer: str = ""            # the backend's last answer, as it came (kept when it held no program)


def refine(prompt: str, backend: Backend, *, rounds: int = 3, checker: checking.Checker | None = None,
           file: str = "<plan>", repair_warnings: bool = False,
           on_round: Callable[[int, list[Diagnostic]], None] | None = None) -> PlanResult:
    """Plan `prompt` with `backend`, repairing with the checker's diagnostics up to `rounds` times.

    With `repair_warnings`, a draft with warnings but no errors is sent back too; if the rounds run out, the
    clean draft with the fewest warnings is the result. Backend failures (endpoint down, error status, a model
    that cannot load) raise `PlanError`; a bad answer does not raise, it is repaired or reported in the result."""
    check = checker or checking.default_checker()
    transcript = messages.first_messages(prompt)
    can_repair = getattr(backend, "can_repair", True)
    last_source: str | None = None
    best: PlanResult | None = None
    diagnostics: list[Diagnostic] = []
    requests, answer = 0, ""
    for round_index in range(rounds + 1):
        answer = backend.answer(prompt, transcript)
        requests += 1
        draft = read_answer(answer, to_source=checking.scene_to_source, file=file)
        if draft.source is None:
            diagnostics = draft.problems
        else:
            last_source = draft.source
            diagnostics = list(check(draft.source, file=file).diagnostics)
        last_round = not can_repair or round_index == rounds
        if draft.source is not None and not checking.errors(diagnostics):
            clean = PlanResult(checking.tidy(draft.source, file), True, diagnostics, requests, transcript,
                               last_answer=answer)
            if best is None or _warnings(clean.diagnostics) < _warnings(best.diagnostics):
                best = clean
            if not (repair_warnings and _warnings(diagnostics)) or last_round:
                break
        if on_round:
            on_round(round_index, diagnostics)
        if last_round:
            break
        problems = checking.errors(diagnostics) or [d for d in diagnostics if d.severity != "info"] or diagnostics
        transcript = [*transcript, {"role": "assistant", "content": answer[:8000]},
                      {"role": "user", "content": messages.repair_message(problems, draft.source)}]
    if best is not None:
        best.requests = requests
        return best
    return PlanResult(last_source, False, diagnostics, requests, transcript, last_answer=answer)


def _warnings(diagnostics: list[Diagnostic]) -> int:
    return sum(d.severity == "warning" for d in diagnostics)
