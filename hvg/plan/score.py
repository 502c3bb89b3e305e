"""How much of what a prompt names ends up in its plan: objects, colours and motions, read from compiled IR.

A prompt case lists by hand what it names: `objects` (kinds, repeated for "two birds"), `colors`
([kind, color] pairs) and `motions` ([kind, motion] pairs, motion one of MOTION_NAMES). A named item counts as
kept when the compiled scene has it:
- an object: an entity of that kind (as a multiset: two birds need two bird entities);
- a colour: an entity of that kind with that colour;
- a motion: a placement of an entity of that kind with that motion type or modifier.
Kinds written as free words are mapped with the vocabulary's synonyms (`"a seagull"` -> bird).
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from hvg import ir, vocab

MOTION_NAMES = ("at", "moves", "bounces", "orbits", "enters", "exits", "keys", "spins", "grows", "shrinks",
                "fades")


def _kind(entity: ir.Entity) -> str:
    return (vocab.match_kind(entity.kind).item or entity.kind) if entity.free_words else entity.kind


def motions_of(scene: ir.Scene) -> set[tuple[str, str]]:
    """(kind, motion) for every placement: its motion type and each modifier it carries."""
    kinds = {e.name: _kind(e) for e in scene.entities}
    found: set[tuple[str, str]] = set()
    for block in scene.blocks:
        for placement in block.all_placements():
            kind = kinds.get(placement.entity, placement.entity)
            found.add((kind, placement.motion.type))
            if placement.spins:
                found.add((kind, "spins"))
            if placement.fades:
                found.add((kind, "fades"))
            if placement.size and placement.size[1] > placement.size[0]:
                found.add((kind, "grows"))
            if placement.size and placement.size[1] < placement.size[0]:
                found.add((kind, "shrinks"))
    return found


@dataclass
class CaseScore:
    prompt: str
    named: Counter = field(default_factory=Counter)      # per category: how many items the prompt names
    kept: Counter = field(default_factory=Counter)       # per category: how many the plan has
    missing: list[str] = field(default_factory=list)


def score_case(case: dict[str, Any], scene: ir.Scene) -> CaseScore:
    result = CaseScore(case["prompt"])
    have = Counter(_kind(e) for e in scene.entities)
    for kind, count in Counter(case.get("objects", [])).items():
        result.named["objects"] += count
        result.kept["objects"] += min(count, have[kind])
        if have[kind] < count:
            result.missing.append(f"object {kind} x{count - have[kind]}")
    colors = {(_kind(e), e.color) for e in scene.entities}
    for kind, color in case.get("colors", []):
        result.named["colors"] += 1
        if (kind, color) in colors:
            result.kept["colors"] += 1
        else:
            result.missing.append(f"color {color} {kind}")
    motions = motions_of(scene)
    for kind, motion in case.get("motions", []):
        result.named["motions"] += 1
        if (kind, motion) in motions:
            result.kept["motions"] += 1
        else:
            result.missing.append(f"motion {kind} {motion}")
    return result


@dataclass
class Coverage:
    cases: list[CaseScore]

    def share(self, category: str | None = None) -> float:
        named = sum(c.named[category] if category else sum(c.named.values()) for c in self.cases)
        kept = sum(c.kept[category] if category else sum(c.kept.values()) for c in self.cases)
        return kept / named if named else 1.0

    def report(self) -> str:
        lines = [f"prompts: {len(self.cases)}"]
        for category in ("objects", "colors", "motions"):
            named = sum(c.named[category] for c in self.cases)
            kept = sum(c.kept[category] for c in self.cases)
            lines.append(f"{category}: {kept}/{named} = {self.share(category):.1%}")
        lines.append(f"all: {self.share():.1%}")
        lines += [f"  missing in {c.prompt!r}: {', '.join(c.missing)}" for c in self.cases if c.missing]
        return "\n".join(lines)


def coverage(cases: list[dict[str, Any]], scenes: list[ir.Scene]) -> Coverage:
    return Coverage([score_case(case, scene) for case, scene in zip(cases, scenes, strict=True)])


def score_offline(cases: list[dict[str, Any]]) -> Coverage:
    """Plan every case with the offline planner, compile it with the real checker, and score it."""
    from hvg.lang.api import check
    from hvg.lang.unparse import unparse
    from hvg.plan.offline import plan_offline

    scenes = []
    for case in cases:
        result = check(unparse(plan_offline(case["prompt"])), file="plan.scene")
        if result.scene is None or result.errors:
            raise AssertionError(f"the plan of {case['prompt']!r} does not check: {result.diagnostics}")
        scenes.append(result.scene)
    return coverage(cases, scenes)


if __name__ == "__main__":  # python -m hvg.plan.score tests/plan/prompts.json tests/plan/heldout.json
    import json
    import sys

    for path in sys.argv[1:]:
        print(f"== {path}")
        print(score_offline(json.loads(open(path, encoding="utf-8").read())).report())
