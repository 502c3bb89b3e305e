"""Lark's exceptions turned into diagnostics that speak the language's words, never terminal names."""
from __future__ import annotations

import difflib
import re

from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, UnexpectedToken

from hvg.diagnostics import Diagnostic
from hvg.lang import codes

# What each terminal is, in the words of the language reference. Keywords and punctuation show as themselves.
TERMINAL_WORDS = {
    "NAME": "a name",
    "NUMBER": "a number",
    "TIME": "a time like `1.5s`",
    "STRING": 'a quoted text like "a red ball"',
    "DIMENSION": "a frame size like `128x128`",
    "HEX_COLOR": "a color like `#ff8800`",
    "_SEP": "a new line or `;`",
    "$END": "the end of the file",
}


def terminal_words(name: str, pattern: str | None) -> str:
    """`name` (a terminal) as a user reads it: `block`, `{`, a number, ..."""
    if name in TERMINAL_WORDS:
        return TERMINAL_WORDS[name]
    return f"`{pattern}`" if pattern is not None else "something else"


def describe_token(token_type: str, value: str) -> str:
    if token_type == "$END":
        return "end of file"
    if token_type == "_SEP":
        return "`;`" if value.lstrip().startswith(";") else "end of line"
    return f"`{value}`"


def to_diagnostic(error: UnexpectedInput, file: str, keyword_patterns: dict[str, str],
                  text: str = "") -> Diagnostic:
    """One diagnostic for a Lark parse error. `keyword_patterns` maps string terminals to their text; `text` (the
    source) lets habits from other languages (`//`, `'a'`, `.5`, `1e3`) get a hint that says what to write."""
    expected = sorted(_expected(error))
    wanted = sorted(terminal_words(name, keyword_patterns.get(name)) for name in expected)
    if isinstance(error, UnexpectedCharacters):
        got_text = error.char if not error.char.isspace() else "space"
        habit = _habit(text, error.pos_in_stream) if text else None
        return codes.SYNTAX_ERROR.at(file, error.line, error.column, f"unexpected `{got_text}`",
                                     help=habit or _expected_help(wanted))
    if isinstance(error, UnexpectedToken):
        token = error.token
        line, column = _position(error, token)
        message = f"unexpected {describe_token(token.type, str(token))}"
        help_text = _expected_help(wanted)
        value = str(token)
        keywords_wanted = [keyword_patterns[n] for n in expected if n in keyword_patterns and
                           keyword_patterns[n].isalpha()]
        guess = difflib.get_close_matches(value, keywords_wanted, n=1, cutoff=0.6) if token.type == "NAME" else []
        if guess:
            message += f" (did you mean `{guess[0]}`?)"
        elif token.type in keyword_patterns and value.isalpha() and "NAME" in expected:
            help_text = f"`{value}` is a keyword of the language; choose another name"
        elif "_SEP" in expected and token.type not in ("$END", "_SEP"):
            help_text = "end the statement here: put the next one on its own line, or separate them with `;`"
        habit = _habit(text, token.start_pos) if text and token.start_pos is not None else None
        if text and token.start_pos is not None and expected == ["NAME"] and \
                re.search(r"\bfades\s*$", text[:token.start_pos]):
            habit = "`fades` takes a direction: expected `in` or `out`, like `dot fades in`"
        if habit:
            help_text = habit
        end_column = column + len(value) if token.type not in ("$END", "_SEP") and "\n" not in value else None
        return codes.SYNTAX_ERROR.at(file, line, column, message, help=help_text, end_column=end_column)
    if isinstance(error, UnexpectedEOF):
        return codes.SYNTAX_ERROR.at(file, getattr(error, "line", 1) or 1, getattr(error, "column", 1) or 1,
                                     "unexpected end of file", help=_expected_help(wanted))
    return codes.SYNTAX_ERROR.at(file, 1, 1, "the program could not be read")


_EXPONENT = re.compile(r"(?<![\w.])\d+(?:\.\d+)?[eE][+-]?\d+(?![\w.])")
_LEADING_DOT = re.compile(r"(?<![\w.])\.\d+")


def _habit(text: str, pos: int) -> str | None:
    """A hint for a habit from another language at `pos` (where the parser stopped), or None."""
    if not 0 <= pos < len(text):
        return None
    char = text[pos]
    if text.startswith("//", pos):
        return "comments start with `#`, like `# the hero enters`"
    if char == "'":
        return 'strings use double quotes, like "a red ball"'
    if ord(char) > 127:
        return "names use ASCII letters, digits and `_` (other letters may appear in quoted text)"
    line_start, line_end = text.rfind("\n", 0, pos) + 1, text.find("\n", pos)
    for pattern in (_LEADING_DOT, _EXPONENT):
        for match in pattern.finditer(text, line_start, len(text) if line_end < 0 else line_end):
            if match.start() <= pos < match.end():
                return f"write `{plain_number(match.group(0))}`"
    return None


def plain_number(number: str) -> str:
    """`.5` as `0.5`, `1e3` as `1000`, `2.5e-3` as `0.0025`: the language writes numbers without exponents."""
    from decimal import Decimal
    value = Decimal(number)
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _expected(error: UnexpectedInput) -> set[str]:
    names: set[str] = set()
    interactive = getattr(error, "interactive_parser", None)
    if interactive is not None:
        try:     # exact for this parser state; `expected` is LALR's merged lookahead, often too wide
            names = set(interactive.accepts())
        except Exception:  # noqa: BLE001 - fall back to Lark's own list
            names = set()
    names = names or set(getattr(error, "expected", None) or getattr(error, "allowed", None) or ())
    # Comments and spaces are accepted everywhere; saying so would only add noise.
    return {n for n in names if n not in ("COMMENT", "WHITESPACE")}


def _position(error: UnexpectedToken, token) -> tuple[int, int]:
    if token.type == "$END" or getattr(token, "line", None) is None:
        return max(error.line, 1) if error.line not in (None, -1) else 1, max(error.column or 1, 1)
    if token.type == "_SEP":     # point at the end of the line that ended too early, not the next one
        return token.line, token.column
    return token.line, token.column


def _expected_help(wanted: list[str]) -> str:
    if not wanted:
        return ""
    if len(wanted) > 8:
        wanted = wanted[:8] + ["..."]
    if len(wanted) == 1:
        return f"expected {wanted[0]} here"
    return "expected one of: " + ", ".join(wanted)
