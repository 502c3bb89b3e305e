"""A character scan before the parser: unclosed strings, unclosed `{`, nesting past the limit.

Lark would report these at the end of the file ("unexpected end of input"), far from the mistake. Here an unclosed
string is reported on its own line, and an unclosed `{` on the line of the brace (guessed from indentation when
several are open: a `}` that starts a line closes the last `{` opened on a line indented no deeper).
"""
from __future__ import annotations

import re

from hvg.diagnostics import Diagnostic
from hvg.lang import codes
from hvg.lang.limits import MAX_NESTING

_HEX_COLOR = re.compile(r"#[0-9a-fA-F]{6}(?![0-9A-Za-z_])")
_BAD_HEX = re.compile(r"#[0-9A-Za-z_]+")     # `color #12g` would otherwise silently become a comment
_SPECIAL = re.compile(r'[#"{}()]')
_STRING = re.compile(r'"(?:[^"\\]|\\.)*"')


def scan(text: str, file: str) -> list[Diagnostic]:
    """Structural problems of `text`, at most one (later ones would only be echoes of the first)."""
    lines = text.split("\n")
    open_braces: list[tuple[int, int, int]] = []   # (line, column, indentation of its line)
    unclosed: list[tuple[int, int]] = []           # braces that indentation says were left open
    depth = 0                                      # plain count: decides whether anything is unclosed
    parens = 0
    for number, line in enumerate(lines, start=1):
        indent = len(line) - len(line.lstrip(" \t"))
        i = 0
        while True:
            special = _SPECIAL.search(line, i)      # jump straight to the next character that matters
            if special is None:
                break
            i = special.start()
            char = line[i]
            if char == "#":
                hex_color = _HEX_COLOR.match(line, i)
                if not hex_color:
                    bad = _BAD_HEX.match(line, i)
                    if bad and line[:i].rstrip().endswith("color"):
                        return [codes.UNKNOWN_VALUE.at(
                            file, number, i + 1, f"`{bad.group(0)}` is not a color",
                            help="a color is a name like `red` or `#rrggbb` with six hex digits (0-9, a-f)",
                            end_column=bad.end() + 1)]
                    break                                   # a comment runs to the end of the line
                i = hex_color.end()
                continue
            if char == '"':
                string = _STRING.match(line, i)
                if string is None:
                    return [codes.UNCLOSED_STRING.at(
                        file, number, i + 1, "the string is not closed",
                        help='add the closing `"` on the same line (a string cannot span lines)')]
                i = string.end()
                continue
            if char == "{":
                depth += 1
                open_braces.append((number, i + 1, indent))
                if depth > MAX_NESTING:
                    return [_too_deep(file, number, i + 1, "braces `{`")]
            elif char == "}":
                depth -= 1
                if i == indent:                             # a `}` that starts its line closes by indentation
                    while len(open_braces) > 1 and open_braces[-1][2] > indent:
                        unclosed.append(open_braces.pop()[:2])
                if open_braces:
                    open_braces.pop()
            elif char == "(":
                parens += 1
                if parens > MAX_NESTING:
                    return [_too_deep(file, number, i + 1, "parentheses `(`")]
            elif char == ")":
                parens = max(parens - 1, 0)
            i += 1
    unclosed.extend(brace[:2] for brace in open_braces)
    if depth > 0 and unclosed:
        line, column = min(unclosed)
        return [codes.UNCLOSED_BLOCK.at(
            file, line, column, "this block is never closed (its `{` has no matching `}`)",
            help="add a `}` where the block ends")]
    return []


def _too_deep(file: str, line: int, column: int, what: str) -> Diagnostic:
    return codes.TOO_DEEP.at(file, line, column, f"{what} are nested more than {MAX_NESTING} deep",
                             help="split the expression or the program into smaller pieces")
