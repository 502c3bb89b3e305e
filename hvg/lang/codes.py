"""Every diagnostic code of the scene language, registered as a named object.

Errors are ``E0xx``, warnings ``W0xx``, infos ``I0xx``. Codes never change meaning once published; the numbers of
E001..E022 follow the conformance set's err/ files. Each code carries a one-line summary, a typical message and
a minimal program that triggers it, so docs/language.md's table is generated from here::

    .venv/bin/python -c "from hvg.lang.codes import markdown_table; print(markdown_table())"
    .venv/bin/python -c "from hvg.lang.codes import markdown_reference; print(markdown_reference())"
"""
from __future__ import annotations

from dataclasses import dataclass

from hvg.diagnostics import Diagnostic, Severity

_HEAD = 'video "T" { size 64x64; fps 8 }\nentity ball = ball { color red }\n'
_BLOCK = 'block 0s..1s "A ball" {\n  background plain\n  ball at (0.5, 0.5)\n}\n'


@dataclass(frozen=True)
class Code:
    code: str
    name: str
    severity: Severity
    summary: str
    message: str      # a typical message, as `hvg check` prints it
    example: str      # a minimal program that triggers it

    def at(self, file: str, line: int, column: int, message: str, help: str = "",
           end_column: int | None = None) -> Diagnostic:
        # Constructed, not validated: the fields are plain values already, and validating would build the schema
        # on every `hvg check`.
        return Diagnostic.model_construct(file=file, line=max(line, 1), column=max(column, 1),
                                          severity=self.severity, code=self.code, message=message, help=help,
                                          end_column=end_column)


REGISTRY: dict[str, Code] = {}


def _code(code: str, name: str, summary: str, message: str, example: str) -> Code:
    severity: Severity = {"E": "error", "W": "warning", "I": "info"}[code[0]]  # type: ignore[assignment]
    entry = Code(code, name, severity, summary, message, example)
    assert code not in REGISTRY, code
    REGISTRY[code] = entry
    return entry


# ---------------------------------------------------------------------------------------------------------------
# Errors
# ---------------------------------------------------------------------------------------------------------------

UNCLOSED_BLOCK = _code(
    "E001", "unclosed-block", "a `{` has no matching `}`",
    "this block is never closed (its `{` has no matching `}`)",
    _HEAD + 'block 0s..1s "A ball" {\n  ball at (0.5, 0.5)\n')
UNDEFINED_NAME = _code(
    "E002", "undefined-name", "a statement, call or expression names something never defined",
    "`bal` is not defined (did you mean `ball`?)",
    _HEAD + 'block 0s..1s "A ball" {\n  bal at (0.5, 0.5)\n}\n')
OVERLAPPING_BLOCKS = _code(
    "E003", "overlapping-blocks", "two blocks cover the same time",
    "block 2s..4s overlaps block 0s..3s",
    _HEAD + 'block 0s..3s "A" { ball at (0.5, 0.5) }\nblock 2s..4s "B" { ball at (0.5, 0.5) }\n')
BACKWARDS_RANGE = _code(
    "E004", "backwards-range", "a block, chunk or loop range ends before it starts (or is empty)",
    "the block ends (1s) before it starts (3s)",
    _HEAD + 'block 3s..1s "A ball" { ball at (0.5, 0.5) }\n')
CHUNK_OUTSIDE_BLOCK = _code(
    "E005", "chunk-outside-block", "a chunk's span reaches outside its block",
    "chunk 2s..5s reaches outside its block 0s..3s",
    _HEAD + 'block 0s..3s "A" {\n  chunk 2s..5s "B" { ball at (0.5, 0.5) }\n}\n')
UNKNOWN_VALUE = _code(
    "E006", "unknown-value", "a word that is not one of its allowed values (color, kind, ease, side, ...)",
    "`blurple` is not a color (did you mean `purple`?)",
    'entity ball = ball { color blurple }\n' + _BLOCK)
RECURSIVE_GROUP = _code(
    "E007", "recursive-group", "a group calls itself, directly or through other groups",
    "group `spiral` calls itself",
    _HEAD + 'group spiral(n) {\n  spiral(n - 1)\n}\nblock 0s..1s "S" { spiral(3) }\n')
TOO_MANY_INSTANCES = _code(
    "E008", "too-many-instances", "groups and loops make more instances than the limit (hvg.lang.limits)",
    "the loop makes 1000000 instances, over the limit of 10000",
    _HEAD + 'block 0s..1s "Dust" {\n  repeat i in 0..1000000 { ball at (0.5, 0.5) }\n}\n')
USE_OUTSIDE_PROJECT = _code(
    "E009", "use-outside-project", "`use` names a file outside the scene's own folder tree",
    "`use` may only name files inside the scene's own folder tree",
    'use "../../etc/passwd"\n' + _HEAD + _BLOCK)
DUPLICATE_DEFINITION = _code(
    "E010", "duplicate-definition", "an entity, group or `let` is defined twice",
    "`ball` is already defined on line 2",
    _HEAD + 'entity ball = box { color blue }\n' + _BLOCK)
BAD_NUMBER = _code(
    "E011", "bad-number", "a number outside its allowed range (size, fps, radius, hops, loop bounds, ...)",
    "an entity's size must be greater than 0",
    'entity ball = ball { size 0 }\n' + _BLOCK)
BAD_FRAME_SIZE = _code(
    "E012", "bad-frame-size", "the frame size is not a multiple of 8 or outside 8..2048 pixels",
    "the frame size must be a multiple of 8 in each dimension (100x75 is not)",
    'video "T" { size 100x75 }\nentity ball = ball\n' + _BLOCK)
TRANSITION_OFF_BOUNDARY = _code(
    "E013", "transition-off-boundary", "a transition is not at a boundary between two blocks",
    "a transition must sit on a boundary between blocks (3s)",
    _HEAD + 'block 0s..3s "A" { ball at (0.5, 0.5) }\nblock 3s..6s "B" { ball at (0.5, 0.5) }\n'
    'transition 2s smooth 0.5s\n')
DIVISION_BY_ZERO = _code(
    "E014", "division-by-zero", "an expression divides by zero",
    "division by zero",
    'let k = 1 / (2 - 2)\n' + _HEAD + _BLOCK)
KEYFRAME_OUTSIDE = _code(
    "E015", "keyframe-outside", "a keyframe's time lies outside its block or chunk, or keyframes are out of order",
    "keyframe 5s lies outside block 0s..3s",
    _HEAD + 'block 0s..3s "A" {\n  ball keys {\n    0s (0.1, 0.5)\n    5s (0.9, 0.5)\n  }\n}\n')
TIMELINE_GAP = _code(
    "E016", "timeline-gap", "no block covers part of the timeline",
    "nothing covers 3s..4s: blocks must follow each other without gaps",
    _HEAD + 'block 0s..3s "A" { ball at (0.5, 0.5) }\nblock 4s..6s "B" { ball at (0.5, 0.5) }\n')
SYNTAX_ERROR = _code(
    "E017", "syntax-error", "the text does not follow the language's grammar",
    "unexpected `bloc` (did you mean `block`?)",
    _HEAD + 'bloc 0s..1s "A ball" { ball at (0.5, 0.5) }\n')
WRONG_ARGUMENT_COUNT = _code(
    "E018", "wrong-argument-count", "a group call gives a different number of arguments than the group takes",
    "group `row` takes 1 argument, 2 given",
    _HEAD + 'group row(n) { ball at (0.1 * n, 0.5) }\nblock 0s..1s "R" { row(3, 4) }\n')
CONFLICTING_MOTIONS = _code(
    "E019", "conflicting-motions", "one instance gets two statements at the same time",
    "`ball` already moves during 0s..4s (line 4)",
    _HEAD + 'block 0s..4s "A" {\n  ball moves (0.1, 0.5) -> (0.9, 0.5)\n'
    '  chunk 2s..4s "B" { ball at (0.5, 0.5) }\n}\n')
USE_CYCLE = _code(
    "E020", "use-cycle", "files `use` each other in a circle",
    "`use` cycle: a.scene uses itself",
    '# in a.scene\nuse "a.scene"\n' + _HEAD + _BLOCK)
UNKNOWN_ATTRIBUTE = _code(
    "E021", "unknown-attribute", "a video, entity or background attribute that does not exist",
    "`tide` is not an attribute of a background (did you mean `time`?)",
    _HEAD + 'block 0s..1s "A" {\n  background beach { tide high }\n  ball at (0.5, 0.5)\n}\n')
UNCLOSED_STRING = _code(
    "E022", "unclosed-string", "a quoted text has no closing quote on its line",
    "the string is not closed",
    _HEAD + 'block 0s..1s "A ball {\n  ball at (0.5, 0.5)\n}\n')
MISPLACED_STATEMENT = _code(
    "E023", "misplaced-statement", "a statement where it is not allowed (a chunk in a group, two backgrounds, "
    "a block in a `use`d file, ...)",
    "a chunk cannot set the background; only its block can",
    _HEAD + 'block 0s..2s "A" {\n  ball at (0.5, 0.5)\n  chunk 0s..1s "B" { background sky }\n}\n')
USE_NOT_FOUND = _code(
    "E024", "use-not-found", "a `use`d file does not exist or cannot be read",
    "`use` cannot find `lib/missing.scene`",
    'use "lib/missing.scene"\n' + _HEAD + _BLOCK)
BAD_ATTRIBUTE_VALUE = _code(
    "E025", "bad-attribute-value", "an attribute is given the wrong kind or number of values",
    "`size` takes a number, like `size 0.2`",
    'entity ball = ball { size big }\n' + _BLOCK)
TOO_DEEP = _code(
    "E026", "too-deep", "braces, parentheses or group calls nested past the limit (hvg.lang.limits)",
    "parentheses `(` are nested more than 64 deep",
    _HEAD + 'block 0s..1s "A" { ball at ' + "(" * 70 + "0.5" + ")" * 70 + ' }\n')
TOO_LARGE = _code(
    "E027", "too-large", "the file, the number of blocks or the video's frames x pixels pass a limit",
    "the video is 4800 frames of 2048x2048 pixels, over the limit of 4294967296 pixel-frames",
    'video "T" { size 2048x2048; fps 120 }\nentity ball = ball\n'
    'block 0s..40s "Long" { ball at (0.5, 0.5) }\n')
BAD_TRANSITION = _code(
    "E028", "bad-transition", "a transition's kind or duration is wrong, or two transitions share a time",
    "a `smooth` transition needs a duration greater than 0, like `transition 3s smooth 0.5s`",
    _HEAD + 'block 0s..3s "A" { ball at (0.5, 0.5) }\nblock 3s..6s "B" { ball at (0.5, 0.5) }\n'
    'transition 3s smooth\n')

INTERNAL_ERROR = _code(
    "E099", "internal-error", "hvg itself failed on this program (a bug: please report it)",
    "hvg could not check this program: ...",
    "")

# ---------------------------------------------------------------------------------------------------------------
# Warnings (exactly as docs/semantics.md defines them)
# ---------------------------------------------------------------------------------------------------------------

TELEPORT = _code(
    "W001", "teleport", "an instance starts more than 0.05 away from where it just was, with no transition",
    "`ball` jumps from (0.2, 0.8) to (0.9, 0.1) at 2s with no transition",
    _HEAD + 'block 0s..2s "A" { ball at (0.2, 0.8) }\nblock 2s..4s "B" { ball at (0.9, 0.1) }\n')
ALWAYS_OFFSCREEN = _code(
    "W002", "always-offscreen", "an object's box is outside the frame for its whole statement",
    "`ball` is outside the frame for the whole of 0s..2s",
    _HEAD + 'block 0s..2s "A" { ball at (1.6, 0.5) }\n')
TOO_FAST = _code(
    "W003", "too-fast", "a statement's path is longer than 2 frame widths a second",
    "`ball` crosses 0.8 of the frame in 0.25s (3.2 frame widths a second), too fast to follow",
    _HEAD + 'block 0s..0.25s "A" { ball moves (0.1, 0.8) -> (0.9, 0.8) }\n')
UNUSED_ENTITY = _code(
    "W004", "unused-entity", "an entity defined in the program (not in a `use`d file) that nothing places",
    "`cat` is defined but never placed",
    _HEAD + 'entity cat = "a cat"\n' + _BLOCK)
OUT_OF_VOCABULARY = _code(
    "W005", "out-of-vocabulary", "free words for a placed entity, a background or a style that the built-in "
    "vocabulary and its synonyms do not cover",
    "the built-in model has no `dragon`; it will draw the nearest kind it knows",
    'video "T" { size 64x64; fps 8 }\nentity smaug = "a red dragon"\n'
    'block 0s..1s "A" { smaug at (0.5, 0.5) }\n')

# ---------------------------------------------------------------------------------------------------------------
# Infos (only on request: `hvg check --backend builtin`)
# ---------------------------------------------------------------------------------------------------------------

DRAWN_AS = _code(
    "I001", "drawn-as", "what the built-in model will draw for free words",
    "\"a seagull\" will be drawn as `bird` (synonym `seagull`)",
    'video "T" { size 64x64; fps 8 }\nentity gull = "a seagull"\n'
    'block 0s..1s "A" { gull at (0.5, 0.5) }\n')


def markdown_reference() -> str:
    """Each code with its typical message and the minimal program that triggers it."""
    parts = []
    for entry in REGISTRY.values():
        if not entry.example:
            continue
        parts.append(f"### {entry.code} {entry.name} ({entry.severity})\n\n{entry.summary[0].upper()}"
                     f"{entry.summary[1:]}.\n\n> {entry.message}\n\n```\n{entry.example.rstrip()}\n```\n")
    return "\n".join(parts)


def markdown_table() -> str:
    """The diagnostics table of docs/language.md."""
    rows = ["| code | name | severity | meaning | example message |", "|---|---|---|---|---|"]
    for entry in REGISTRY.values():
        rows.append(f"| {entry.code} | {entry.name} | {entry.severity} | {entry.summary} | {entry.message} |")
    return "\n".join(rows)
