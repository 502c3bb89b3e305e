"""The chat messages the planner sends: the task, the repair requests with the checker's diagnostics."""
from __future__ import annotations

import json

from hvg import vocab
from hvg.diagnostics import Diagnostic
from hvg.plan.checking import as_json

Message = dict[str, str]

_EXAMPLE = {
    "video": {"title": "Beach day", "width": 128, "height": 128, "fps": 12, "seed": 1, "style": "pastel"},
    "entities": [{"name": "ball", "kind": "ball", "color": "red", "size": 0.1}],
    "blocks": [{"start": 0, "end": 3, "description": "A red ball bounces along the beach",
                "background": {"kind": "beach", "time": "sunset", "motion": "waves", "strength": 0.4},
                "placements": [{"entity": "ball", "instance": "ball", "start": 0, "end": 3,
                                "motion": {"type": "bounces", "start": [0.2, 0.8], "end": [0.8, 0.8],
                                           "height": 0.3, "times": 2}}]}],
    "transitions": [],
}


def system_message() -> str:
    return f"""You write programs for hvg, a video generator. Answer with ONE JSON object that matches the JSON
schema of a Scene, and nothing else.

Rules:
- Positions are (x, y) in frame units: (0, 0) top-left, (1, 1) bottom-right, y down; a position is an object's
  centre. `size` is an object's height as a fraction of the frame height (0.05 to 0.4 is typical).
- Times are absolute seconds. Blocks follow each other with no gaps or overlaps, 2 to 4 seconds each. Every
  placement's start and end equal its block's start and end.
- Each entity is on screen only during the placements that name it, and has at most one placement per block.
  A placement should start where the same entity's previous placement ended.
- Motion types: at {{pos}}, moves {{path: [[x, y], ...], ease}}, bounces {{start, end, height, times}},
  orbits {{center, radius, turns}}, enters {{side, to}}, exits {{side}}. Modifiers on a placement: size [from, to],
  fades "in"|"out", spins (degrees a second).
- Kinds: {", ".join(vocab.KINDS)}.
- Backgrounds: {", ".join(vocab.BACKGROUNDS)}; time {"|".join(vocab.TIMES_OF_DAY)}; weather
  {"|".join(vocab.WEATHERS)}; motion {"|".join(vocab.BACKGROUND_MOTIONS)}.
- Colors: {", ".join(vocab.COLORS)} or #rrggbb. Styles: {", ".join(vocab.STYLES)}.
- Put every entity you define in at least one placement. Names are identifiers (letters, digits, `_`).
- Transitions sit on a boundary between two blocks: {{"time": 3, "kind": "smooth", "duration": 0.5}}.

Example of a complete answer:
{json.dumps(_EXAMPLE)}"""


def first_messages(prompt: str) -> list[Message]:
    return [{"role": "system", "content": system_message()},
            {"role": "user", "content": f"Write the scene program for this story:\n{prompt}"}]


def numbered(source: str) -> str:
    return "\n".join(f"{n:4d} | {line}" for n, line in enumerate(source.splitlines(), start=1))


def repair_message(diagnostics: list[Diagnostic], draft_source: str | None) -> str:
    """What goes back to the model after a failed check: the diagnostics as JSON and the program they point at."""
    parts = ["Your program has problems. Fix every one and answer again with the whole corrected program, "
             "as one JSON object that matches the schema.",
             "Diagnostics (JSON, as `hvg check --format json` prints them):",
             json.dumps(as_json(diagnostics), indent=1)]
    if draft_source:
        parts += ["Your answer read as this program (line numbers as in the diagnostics):", numbered(draft_source)]
    return "\n\n".join(parts)
