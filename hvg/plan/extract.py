"""A model's answer -> a draft program. The answer is only ever parsed, never executed.

A model may answer with JSON that matches the IR's schema (the structured-output request), with JSON inside
prose or a ```json fence, or with scene source text (in a fence or bare). JSON is validated with pydantic
(`Scene.model_validate`) and printed as source with `unparse`; source text is taken as it is. Whatever cannot
be read becomes a `P0xx` diagnostic that goes back to the model with the next repair message.

Before validation a few fields that models often leave out, but that follow from the rest, are filled in:
a placement's `instance` (the entity's name) and its `start`/`end` (its block's or chunk's span), and
`free_words` for a kind or background outside the vocabulary (`"seagull"` is written as quoted free words).
Points written as `{"x": .., "y": ..}` and times written as `"3s"` are read as `[x, y]` and 3.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any, Callable

from pydantic import ValidationError

from hvg import vocab
from hvg.diagnostics import Diagnostic
from hvg.ir import Scene

NO_PROGRAM, BAD_SCHEMA, NO_SOURCE_FORM = "P001", "P002", "P003"
_SCENE_KEYS = frozenset(Scene.model_fields) - {"line", "column"}
_FENCE = re.compile(r"```[ \t]*([A-Za-z0-9_+-]*)[ \t]*\n(.*?)(?:```|\Z)", re.S)
_SOURCE_START = re.compile(r"^[ \t]*(video|entity|block|let|group|use|#)\b", re.M)
_SOURCE_SIGN = re.compile(r"\bblock\s+[0-9.]+\s*s?\s*\.\.")


@dataclass
class Draft:
    """What was read from one answer: source text, or the problems that kept it from being read."""
    source: str | None
    form: str                                   # "json", "source" or "none"
    problems: list[Diagnostic] = field(default_factory=list)


def _problem(code: str, message: str, help: str, file: str) -> Diagnostic:
    return Diagnostic(file=file, line=1, column=1, severity="error", code=code, message=message, help=help)


def json_objects(text: str) -> list[dict[str, Any]]:
    """Every top-level JSON object in the text, in order (fenced ones first)."""
    found: list[dict[str, Any]] = []
    candidates = [body for lang, body in _FENCE.findall(text) if lang.lower() in ("json", "")] + [text]
    decoder = json.JSONDecoder()
    for candidate in candidates:
        at = candidate.find("{")
        while at != -1:
            try:
                value, end = decoder.raw_decode(candidate, at)
            except ValueError:
                at = candidate.find("{", at + 1)
                continue
            if isinstance(value, dict):
                found.append(value)
            at = candidate.find("{", end)
    return found


def _scene_object(value: dict[str, Any]) -> dict[str, Any] | None:
    """The scene inside a JSON object: the object itself, or one wrapped as {"scene": {...}}."""
    if value.keys() & _SCENE_KEYS:
        return value
    for inner in value.values():
        if isinstance(inner, dict) and inner.keys() & _SCENE_KEYS:
            return inner
    return None


def _mark_free_words(node: Any, vocabulary: tuple[str, ...]) -> None:
    """A kind outside the vocabulary (`"seagull"`, `"fishing boat"`) can only be written as quoted free words."""
    if isinstance(node, dict) and isinstance(node.get("kind"), str) and "free_words" not in node:
        node["free_words"] = node["kind"] not in vocabulary


_SECONDS = re.compile(r"^\s*(-?[0-9]+(?:\.[0-9]+)?)\s*s?\s*$")
_TIME_KEYS = frozenset({"start", "end", "time", "duration"})


def _coerce(value: Any) -> Any:
    """Spellings models like that mean the same thing: `{"x": 0.2, "y": 0.8}` for `[0.2, 0.8]`, `"3s"` for 3."""
    if isinstance(value, list):
        return [_coerce(item) for item in value]
    if not isinstance(value, dict):
        return value
    if set(value) == {"x", "y"}:
        return [value["x"], value["y"]]
    result = {}
    for key, item in value.items():
        if key in _TIME_KEYS and isinstance(item, str) and _SECONDS.match(item):
            item = float(_SECONDS.match(item).group(1))
        result[key] = _coerce(item)
    return result


def fill_defaults(scene: dict[str, Any]) -> dict[str, Any]:
    """Fill the fields that follow from the rest (see the module docstring); everything else is left alone."""
    scene = _coerce(scene)
    for entity in scene.get("entities") or []:
        _mark_free_words(entity, vocab.KINDS)
    for block in scene.get("blocks") or []:
        if not isinstance(block, dict):
            continue
        _mark_free_words(block.get("background"), vocab.BACKGROUNDS)
        spans = [(block, block.get("placements"))]
        spans += [(chunk, chunk.get("placements")) for chunk in block.get("chunks") or [] if isinstance(chunk, dict)]
        for owner, placements in spans:
            for placement in placements or []:
                if not isinstance(placement, dict):
                    continue
                if "instance" not in placement and isinstance(placement.get("entity"), str):
                    placement["instance"] = placement["entity"]
                for key in ("start", "end"):
                    if key not in placement and key in owner:
                        placement[key] = owner[key]
    return scene


def _schema_problems(error: ValidationError, file: str) -> list[Diagnostic]:
    problems = []
    for item in error.errors()[:10]:
        where = ".".join(str(part) for part in item["loc"]) or "(top level)"
        problems.append(_problem(BAD_SCHEMA, f"the JSON does not match the schema at `{where}`: {item['msg']}",
                                 "answer with one JSON object that matches the schema you were given", file))
    return problems


def _source_text(text: str) -> str | None:
    fenced = [body for lang, body in _FENCE.findall(text) if _SOURCE_SIGN.search(body)]
    body = fenced[0] if fenced else text
    if not _SOURCE_SIGN.search(body):
        return None
    start = _SOURCE_START.search(body)
    body = body[start.start():] if start else body
    last = body.rfind("}")
    tail = body[last + 1:]
    if last != -1 and not re.search(r"^\s*(transition|let|entity)\b", tail, re.M):
        body = body[:last + 1]  # drop prose after the last closing brace
    return body.strip() + "\n"


def read_answer(text: str, *, to_source: Callable[[Scene], str], file: str = "<plan>") -> Draft:
    """The draft program in a model's answer. Never raises."""
    objects = [scene for scene in map(_scene_object, json_objects(text)) if scene is not None]
    source = _source_text(text)
    if objects and not (source and text.lstrip().startswith(("video", "entity", "block", "```scene"))):
        try:
            scene = Scene.model_validate(fill_defaults(objects[0]))
        except ValidationError as error:
            return Draft(None, "json", _schema_problems(error, file))
        try:
            return Draft(to_source(scene), "json")
        except (ValueError, TypeError) as error:
            return Draft(None, "json", [_problem(NO_SOURCE_FORM, f"the JSON scene cannot be written as a "
                                                 f"program: {error}", "use plain names and finite numbers",
                                                 file)])
    if source is not None:
        return Draft(source, "source")
    snippet = " ".join(text.split())[:80]
    return Draft(None, "none", [_problem(
        NO_PROGRAM, f"the answer holds neither a JSON scene nor scene source (it starts: {snippet!r})",
        "answer with one JSON object that matches the schema, and nothing else", file)])
