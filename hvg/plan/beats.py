"""Beats as blocks need them: one base motion per thing per beat.

An instance may have one motion at a time (docs/semantics.md), so a beat that gives a thing a second base motion
("flies over the house and lands") is cut in two at the clause break before the second verb.
"""
from __future__ import annotations

from dataclasses import replace

from hvg.plan.lexicon import BASE_MOTIONS
from hvg.plan.reader import Action, Beat


def is_base(action: Action) -> bool:
    return action.motion in BASE_MOTIONS


def split_conflicts(beats: list[Beat]) -> list[Beat]:
    """A thing given two base motions in one beat ("flies over the house and lands") gets a second beat."""
    result: list[Beat] = []
    for beat in beats:
        current = replace(beat, actions=[])
        moving: set[int] = set()
        offset = 0  # where `current.words` starts in `beat.words`
        for action in beat.actions:
            if is_base(action) and moving & set(action.subjects):
                # Cut the words at the last clause break before this verb ("..., and walks toward").
                previous = current.actions[-1].at if current.actions else offset
                breaks = [k for k in range(previous + 1, action.at) if beat.words[k] in (",", "and", "|", "while")]
                cut = breaks[-1] if breaks else action.at
                current.words = beat.words[offset:cut]
                result.append(current)
                offset = cut + 1 if breaks else cut
                current = Beat(beat.words[offset:], present=[t for t in action.subjects],
                               backgrounds=beat.backgrounds, settings_places=beat.settings_places,
                               time=beat.time, weather=beat.weather, style=beat.style)
                moving = set()
            current.actions.append(action)
            if is_base(action):
                moving |= set(action.subjects)
        result.append(current)
    return result
