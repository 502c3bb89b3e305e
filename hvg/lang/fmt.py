"""`format_source`: a scene program laid out in the one canonical style, comments kept.

It works on the parse tree, not the IR, so `let`, groups, loops, `use` and comments survive as written; only the
layout changes. The rules:

- two-space indents; one statement a line (`;` between statements becomes a new line);
- `video` settings one a line; entity and background attributes on one line, `{ color red; size 0.1 }`, unless a
  comment sits among them (then one a line, so the comment keeps its place); keyframes one a line;
- spaces around binary operators, `->` and `=`; none inside parentheses, around `..`, or after a unary minus;
  parentheses only where the tree needs them (the parser keeps none: `((a)) + (b * c)` becomes `a + b * c`);
- numbers keep their value and their form (`1.0` stays a decimal), with redundant zeros dropped (`0.50` -> `0.5`);
- a blank line between top-level items of different kinds and around every `video`, `group` and `block`; other
  blank lines are kept (several become one) except right after `{` and right before `}`;
- comments stay where they were: a comment on its own line stays on its own line before the same code, a comment
  after code stays after that code (two spaces, then `#`).

A program with a syntax error is never formatted: `format_source` raises `FormatError` with the diagnostics.
Formatting is idempotent and keeps the meaning (`tests/lang/test_fmt.py`, `tests/lang/test_properties.py`).
"""
from __future__ import annotations

import bisect
from dataclasses import dataclass

from lark import Token, Tree

from hvg.diagnostics import Diagnostic
from hvg.lang.parser import ParseResult, parse

INDENT = "  "
_BIG_ITEMS = ("video", "group", "block")


class FormatError(ValueError):
    """The text could not be parsed, so it was left alone. `diagnostics` says why."""

    def __init__(self, diagnostics: list[Diagnostic]):
        self.diagnostics = diagnostics
        if not diagnostics:
            super().__init__("the program could not be read")
            return
        first = diagnostics[0]
        super().__init__(f"{first.file}:{first.line}:{first.column}: {first.message}")


@dataclass
class Line:
    """One output line. `first`/`last` are the source lines of its first and last tokens (comments and blank
    lines are placed by them)."""
    depth: int
    text: str
    first: int
    last: int
    closes: bool = False     # a line that starts with the `}` of a body
    opens: bool = False      # a line that ends with `{`


def format_source(text: str, file: str = "<string>") -> str:
    """`text` in the canonical layout. Raises FormatError (with diagnostics) when `text` has a syntax error."""
    result = parse(text, file)
    if result.tree is None or result.diagnostics:
        raise FormatError(result.diagnostics)
    return _Printer(result).program()


BOM = "\ufeff"


def format_file_text(text: str, file: str = "<string>") -> str:
    """`format_source` for the text of a file, keeping what the writer's editor chose: a byte-order mark stays,
    and a file whose lines mostly end in CRLF keeps CRLF (the layout is canonical; the file's conventions are not
    ours to change)."""
    bom = text.startswith(BOM)
    body = text[len(BOM):] if bom else text
    crlf = body.count("\r\n")
    formatted = format_source(body.replace("\r\n", "\n") if crlf else body, file)
    if crlf and crlf * 2 >= body.count("\n"):
        formatted = formatted.replace("\n", "\r\n")
    return (BOM if bom else "") + formatted


# ---------------------------------------------------------------------------------------------------------------
# Positions (the tree keeps only value tokens; `propagate_positions` metadata still covers keywords and braces)
# ---------------------------------------------------------------------------------------------------------------

def _open_brace(node: Tree) -> tuple[int, int]:
    """Where the `{` of a braced node (body, attrs, keys) is: its first character."""
    return node.meta.line, node.meta.column


def _close_brace(node: Tree) -> tuple[int, int]:
    return node.meta.end_line, node.meta.end_column - 1


# ---------------------------------------------------------------------------------------------------------------
# Single-line text
# ---------------------------------------------------------------------------------------------------------------

def _number(text: str) -> str:
    """`007` -> `7`, `0.50` -> `0.5`, `2.000` -> `2.0`: same value, same form, no redundant zeros."""
    whole, dot, fraction = text.partition(".")
    whole = whole.lstrip("0") or "0"
    if not dot:
        return whole
    return f"{whole}.{fraction.rstrip('0') or '0'}"


def _token_text(token: Token) -> str:
    if token.type == "NUMBER":
        return _number(str(token))
    if token.type == "TIME":
        return _number(str(token)[:-1]) + "s"
    return str(token)


_BINARY = {"add": ("+", 1), "sub": ("-", 1), "mul": ("*", 2), "div": ("/", 2)}
_UNARY_PRECEDENCE = 3
_ATOM_PRECEDENCE = 4


def _precedence(node) -> int:
    if isinstance(node, Tree) and node.data in _BINARY:
        return _BINARY[node.data][1]
    if isinstance(node, Tree) and node.data == "neg":
        return _UNARY_PRECEDENCE
    return _ATOM_PRECEDENCE


def _expr(node) -> str:
    """An expression with the fewest parentheses that give back the same tree (the tree has none of its own)."""
    if isinstance(node, Token):
        return _token_text(node)
    if node.data in _BINARY:
        symbol, precedence = _BINARY[node.data]
        left, right = node.children
        left_text = _expr(left) if _precedence(left) >= precedence else f"({_expr(left)})"
        right_text = _expr(right) if _precedence(right) > precedence else f"({_expr(right)})"
        return f"{left_text} {symbol} {right_text}"
    if node.data == "neg":
        (operand,) = node.children
        inner = _expr(operand)
        return "-" + (inner if _precedence(operand) == _ATOM_PRECEDENCE else f"({inner})")
    if node.data in ("number", "var"):
        return _token_text(node.children[0])
    raise ValueError(f"not an expression: {node.data}")


def _point(node: Tree) -> str:
    x, y = node.children
    return f"({_expr(x)}, {_expr(y)})"


def _value(node: Tree) -> str:
    (token,) = node.children
    return "-" + _token_text(token) if node.data == "negative" else _token_text(token)


def _attr(node: Tree) -> str:
    name, *values = node.children
    return " ".join([str(name), *(_value(value) for value in values)])


def _kind(node: Tree) -> str:
    return str(node.children[0])


def _span(node: Tree) -> str:
    start, end = node.children
    return f"{_token_text(start)}..{_token_text(end)}"


def _camera_op(node: Tree) -> str:
    if node.data == "still":
        return "still"
    (argument,) = node.children
    return f"{node.data} {_point(argument) if node.data == 'pan' else _expr(argument)}"


def _motion(node: Tree) -> str:
    kind, children = node.data, node.children
    if kind == "at":
        return f"at {_point(children[0])}"
    if kind == "moves":
        points = [child for child in children if isinstance(child, Tree)]
        ease = [child for child in children if isinstance(child, Token)]
        return "moves " + " -> ".join(_point(p) for p in points) + (f" ease {ease[0]}" if ease else "")
    if kind == "bounces":
        start, end, height, *times = children
        text = f"bounces {_point(start)} -> {_point(end)} height {_expr(height)}"
        return text + (f" times {_expr(times[0])}" if times else "")
    if kind == "orbits":
        center, radius, *turns = children
        return f"orbits {_point(center)} radius {_expr(radius)}" + (f" turns {_expr(turns[0])}" if turns else "")
    if kind == "enters":
        side, *to = children
        return f"enters from {side}" + (f" to {_point(to[0])}" if to else "")
    if kind == "exits":
        return f"exits to {children[0]}"
    raise ValueError(f"not a one-line motion: {kind}")


def _modifier(node: Tree) -> str:
    if node.data == "resize":
        start, end = node.children
        return f"size {_expr(start)} -> {_expr(end)}"
    if node.data == "fades":
        return f"fades {node.children[0]}"
    return f"spins {_expr(node.children[0])}"


def _one_line_statement(node: Tree) -> str:
    kind, children = node.data, node.children
    if kind == "let":
        return f"let {children[0]} = {_expr(children[1])}"
    if kind == "use":
        return f"use {children[0]}"
    if kind == "transition":
        return " ".join(["transition", *(_token_text(token) for token in children)])
    if kind == "background":
        return f"background {_kind(children[0])}"
    if kind == "camera":
        return "camera " + " ".join(_camera_op(op) for op in children)
    if kind == "style":
        return f"style {_kind(children[0])}"
    if kind == "call":
        name, args = children
        return f"{name}({', '.join(_expr(arg) for arg in args.children)})"
    if kind == "placement":
        name, motion, *modifiers = children
        return " ".join([str(name), _motion(motion), *(_modifier(m) for m in modifiers)])
    raise ValueError(f"unknown statement {kind}")


# ---------------------------------------------------------------------------------------------------------------
# The printer
# ---------------------------------------------------------------------------------------------------------------

class _Printer:
    def __init__(self, result: ParseResult):
        self.tree = result.tree
        source_lines = result.text.split("\n")
        self.comments: list[tuple[Token, bool]] = []   # (comment, on a line of its own)
        for token in result.comments:
            before = source_lines[token.line - 1][: token.column - 1]
            self.comments.append((token, before.strip() == ""))
        self.positions = sorted((token.line, token.column) for token, _ in self.comments)

    # -- the program ------------------------------------------------------------------------------------------

    def program(self) -> str:
        items = [child for child in self.tree.children if isinstance(child, Tree)]
        inside: list[list[tuple[Token, bool]]] = [[] for _ in items]
        top: list[Token] = []
        starts = [(item.meta.line, item.meta.column) for item in items]
        for comment, own in self.comments:
            index = _owner(items, starts, comment)
            if index is None:
                top.append(comment)
            else:
                inside[index].append((comment, own))

        # Entries in source order: (kind, lines); kind is the item's rule name or "comment".
        entries: list[tuple[str, list[Line]]] = []
        for item, comments in zip(items, inside):
            entries.append((item.data, _with_comments(self.item(item), comments)))
        for comment in top:
            entries.append(("comment", [Line(0, _comment_text(comment), comment.line, comment.line)]))
        entries.sort(key=lambda entry: entry[1][0].first)

        out: list[str] = []
        previous: tuple[str, list[Line]] | None = None
        for unit in _units(entries):
            if previous is not None and _blank_between(previous, unit):
                out.append("")
            out.extend(_render(unit[1]))
            previous = unit
        return "\n".join(out) + "\n" if out else ""

    # -- top-level items --------------------------------------------------------------------------------------

    def item(self, node: Tree) -> list[Line]:
        children = node.children
        if node.data == "video":
            title, attrs = children
            return self.attrs(f"video {title}", node.meta.line, attrs, 0, multiline=True)
        if node.data == "entity":
            head = f"entity {children[0]} = {_kind(children[1])}"
            if len(children) == 2:
                return [Line(0, head, node.meta.line, node.meta.end_line)]
            return self.attrs(head, node.meta.line, children[2], 0, multiline=False)
        if node.data == "group":
            name, params, body = children
            header = f"group {name}({', '.join(str(p) for p in params.children)})"
            return self.body(header, node.meta.line, body, 0)
        if node.data == "block":
            span, description, body = children
            return self.body(f"block {_span(span)} {description}", node.meta.line, body, 0)
        return [Line(0, _one_line_statement(node), node.meta.line, node.meta.end_line)]

    # -- bodies and statements ---------------------------------------------------------------------------------

    def body(self, head: str, head_line: int, body: Tree, depth: int) -> list[Line]:
        statements = body.children
        opening, closing = _open_brace(body), _close_brace(body)
        if not statements and not self._comments_between(opening, closing):
            return [Line(depth, f"{head} {{}}", head_line, closing[0])]
        lines = [Line(depth, head + " {", head_line, opening[0], opens=True)]
        for statement in statements:
            lines += self.statement(statement, depth + 1)
        lines.append(Line(depth, "}", closing[0], closing[0], closes=True))
        return lines

    def statement(self, node: Tree, depth: int) -> list[Line]:
        kind, children = node.data, node.children
        if kind == "chunk":
            span, description, body = children
            return self.body(f"chunk {_span(span)} {description}", node.meta.line, body, depth)
        if kind == "repeat":
            name, start, end, body = children
            head = f"repeat {name} in {_expr(start)}..{_expr(end)}"
            return self.body(head, node.meta.line, body, depth)
        if kind == "background" and len(children) == 2:
            head = f"background {_kind(children[0])}"
            return self.attrs(head, node.meta.line, children[1], depth, multiline=False)
        if kind == "placement" and children[1].data == "keys":
            return self.keys(node, depth)
        return [Line(depth, _one_line_statement(node), node.meta.line, node.meta.end_line)]

    def keys(self, node: Tree, depth: int) -> list[Line]:
        name, keys, *modifiers = node.children
        closing = _close_brace(keys)
        lines = [Line(depth, f"{name} keys {{", node.meta.line, _open_brace(keys)[0], opens=True)]
        for frame in keys.children:
            time, point = frame.children
            lines.append(Line(depth + 1, f"{_token_text(time)} {_point(point)}", frame.meta.line,
                              frame.meta.end_line))
        tail = "".join(" " + _modifier(modifier) for modifier in modifiers)
        lines.append(Line(depth, "}" + tail, closing[0], node.meta.end_line, closes=True))
        return lines

    def attrs(self, head: str, head_line: int, attrs: Tree, depth: int, *, multiline: bool) -> list[Line]:
        entries = attrs.children
        opening, closing = _open_brace(attrs), _close_brace(attrs)
        commented = self._comments_between(opening, closing)
        if not entries and not commented:
            return [Line(depth, f"{head} {{}}", head_line, closing[0])]
        if not multiline and not commented:
            inline = "; ".join(_attr(entry) for entry in entries)
            return [Line(depth, f"{head} {{ {inline} }}", head_line, closing[0])]
        lines = [Line(depth, head + " {", head_line, opening[0], opens=True)]
        lines += [Line(depth + 1, _attr(entry), entry.meta.line, entry.meta.end_line) for entry in entries]
        lines.append(Line(depth, "}", closing[0], closing[0], closes=True))
        return lines

    def _comments_between(self, begin: tuple[int, int], finish: tuple[int, int]) -> bool:
        index = bisect.bisect_right(self.positions, begin)
        return index < len(self.positions) and self.positions[index] < finish


# ---------------------------------------------------------------------------------------------------------------
# Comments and blank lines inside an item
# ---------------------------------------------------------------------------------------------------------------

def _owner(items: list[Tree], starts: list[tuple[int, int]], comment: Token) -> int | None:
    """The item a comment belongs to: the last one that starts before it and either holds it or ends on its line
    (a comment after `entity a = ball` belongs to that entity). None for a comment between items. `starts` are
    the items' start positions, in order."""
    where = (comment.line, comment.column)
    index = bisect.bisect_left(starts, where) - 1
    if index < 0:
        return None
    meta = items[index].meta
    return index if where < (meta.end_line, meta.end_column) or meta.end_line == comment.line else None


def _comment_text(comment: Token) -> str:
    return str(comment).rstrip()


def _with_comments(lines: list[Line], comments: list[tuple[Token, bool]]) -> list[Line]:
    """Put an item's comments among its lines: own-line comments before the first line that comes after them in
    the source, trailing comments after the last line that starts on or before their line."""
    trailing: dict[int, list[str]] = {}
    before: dict[int, list[Line]] = {}
    after_all: list[Line] = []
    for comment, own in comments:
        if own:
            index = next((i for i, line in enumerate(lines) if line.first > comment.line), None)
            if index is None:
                after_all.append(Line(lines[-1].depth, _comment_text(comment), comment.line, comment.line))
                continue
            target = lines[index]
            depth = target.depth + 1 if target.closes else target.depth
            before.setdefault(index, []).append(Line(depth, _comment_text(comment), comment.line, comment.line))
        else:
            index = max((i for i, line in enumerate(lines) if line.first <= comment.line), default=0)
            trailing.setdefault(index, []).append(_comment_text(comment))
    merged: list[Line] = []
    for index, line in enumerate(lines):
        merged += before.get(index, [])
        if index in trailing:
            line = Line(line.depth, line.text + "".join("  " + c for c in trailing[index]), line.first,
                        line.last, line.closes, line.opens)
        merged.append(line)
    return merged + after_all


def _units(entries: list[tuple[str, list[Line]]]) -> list[tuple[str, list[Line]]]:
    """Top-level entries grouped into units: comments directly above an item (no blank line between) belong to
    it, so the item's blank line goes above them; other comments stand alone."""
    units: list[tuple[str, list[Line]]] = []
    pending: list[Line] = []
    for kind, lines in entries:
        if kind == "comment":
            pending += lines
            continue
        attached: list[Line] = []
        next_first = lines[0].first
        while pending and pending[-1].last + 1 == next_first:
            attached.insert(0, pending.pop())
            next_first = attached[0].first
        units += [("comment", [line]) for line in pending]
        pending = []
        units.append((kind, attached + lines))
    return units + [("comment", [line]) for line in pending]


def _blank_between(previous: tuple[str, list[Line]], current: tuple[str, list[Line]]) -> bool:
    (previous_kind, previous_lines), (kind, lines) = previous, current
    if lines[0].first > previous_lines[-1].last + 1:
        return True      # the source had a blank line here: keep one
    if "comment" in (kind, previous_kind):
        return False
    return kind != previous_kind or kind in _BIG_ITEMS


def _render(lines: list[Line]) -> list[str]:
    """Text lines of one item, keeping single blank lines that the source had between its statements."""
    out: list[str] = []
    for index, line in enumerate(lines):
        if index:
            previous = lines[index - 1]
            if line.first > previous.last + 1 and not previous.opens and not line.closes:
                out.append("")
        out.append(INDENT * line.depth + line.text)
    return out
