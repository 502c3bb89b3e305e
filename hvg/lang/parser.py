"""`parse`: scene text -> Lark tree plus comment tokens, or diagnostics. Never raises on any input.

The LALR tables are built once per process and cached on disk by Lark (`cache=`), so `hvg check` starts fast.
"""
from __future__ import annotations

import os
import tempfile
import threading
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from lark import Lark, Token, Tree
from lark.exceptions import UnexpectedInput

from hvg.diagnostics import Diagnostic
from hvg.lang import codes, parse_errors, prepass
from hvg.lang.limits import MAX_FILE_BYTES
from hvg.lang.source_text import NOT_TEXT_HELP, find_nul

GRAMMAR_PATH = Path(__file__).with_name("scene.lark")


@dataclass
class ParseResult:
    """The parse of one file. `tree` is None when the text has a syntax error (then `diagnostics` says why)."""
    tree: Tree | None
    comments: list[Token] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    text: str = ""
    file: str = "<string>"

    @property
    def ok(self) -> bool:
        return self.tree is not None and not self.diagnostics


class _CollapseSeparators:
    """Post-lexer: a comment line between statements splits a run of new lines in two; make it one `_SEP`."""
    always_accept = ("_SEP",)

    def process(self, stream):
        previous = None
        for token in stream:
            if token.type == "_SEP" and previous == "_SEP":
                continue
            previous = token.type
            yield token


_sink = threading.local()        # where the lexer callback puts comments during one parse


def _collect_comment(token: Token) -> Token:
    comments = getattr(_sink, "comments", None)
    if comments is not None:
        comments.append(token)
    return token


@lru_cache(maxsize=2)
def _lark(positions: bool = True) -> Lark:
    """The parser. With `positions`, every tree node's `meta` holds its start and end (the formatter needs them);
    without, only tokens have positions, and parsing is about 40% faster (what `check` uses)."""
    return Lark(GRAMMAR_PATH.read_text(encoding="utf-8"), parser="lalr", lexer="contextual",
                propagate_positions=positions, maybe_placeholders=False, postlex=_CollapseSeparators(),
                lexer_callbacks={"COMMENT": _collect_comment}, cache=_cache_file(positions))


def _cache_file(positions: bool) -> str | bool:
    """A per-user cache of the parse tables (Lark names the file by a hash of the grammar when given True)."""
    folder = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "hvg"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        probe = folder / ".writable"
        probe.touch()
    except OSError:
        folder = Path(tempfile.gettempdir())
    import hashlib
    import lark
    digest = hashlib.sha256((GRAMMAR_PATH.read_text(encoding="utf-8") + lark.__version__).encode()).hexdigest()
    return str(folder / f"scene-grammar-{digest[:16]}{'' if positions else '-fast'}.lark-cache")


@lru_cache(maxsize=1)
def keyword_patterns() -> dict[str, str]:
    """Terminal name -> its literal text, for every string terminal (keywords and punctuation)."""
    return {t.name: t.pattern.value for t in _lark(False).terminals if t.pattern.type == "str"}


def parse(text: str, file: str = "<string>", *, positions: bool = True) -> ParseResult:
    """Parse scene source. Syntax problems come back as diagnostics (E001, E017, E022, E026, E027).

    `positions=False` leaves tree nodes without `meta` positions (tokens keep theirs): faster, for the checker."""
    if len(text.encode("utf-8", errors="replace")) > MAX_FILE_BYTES:
        return ParseResult(None, [], [codes.TOO_LARGE.at(
            file, 1, 1, f"the file is larger than {MAX_FILE_BYTES // 1024} KiB, the limit for one program",
            help="split the story into several files and `use` the shared definitions")], text, file)
    if text.startswith("\ufeff"):          # a byte-order mark from some editors: not part of the program
        text = text[1:]
    binary = find_nul(text)
    if binary is not None:
        return ParseResult(None, [], [codes.SYNTAX_ERROR.at(file, binary.line, binary.column, binary.message(file),
                                                            NOT_TEXT_HELP)], text, file)
    structural = prepass.scan(text, file)
    if structural:
        return ParseResult(None, [], structural, text, file)
    comments: list[Token] = []
    _sink.comments = comments
    try:
        tree = _lark(positions).parse(text)
    except UnexpectedInput as error:
        return ParseResult(None, comments, [parse_errors.to_diagnostic(error, file, keyword_patterns(), text)],
                           text, file)
    finally:
        _sink.comments = None
    return ParseResult(tree, comments, [], text, file)
