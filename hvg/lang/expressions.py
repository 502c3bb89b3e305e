"""Arithmetic of `let`, positions and arguments: + - * / unary minus, parentheses, names.

Evaluated with an explicit stack, not recursion: a generated `1 + 1 + ... + 1` builds a tree as deep as it is
long, and a recursive walk would overflow Python's stack long before the file-size limit.
"""
from __future__ import annotations

import math
from collections.abc import Mapping

from lark import Token, Tree

from hvg.lang import codes
from hvg.lang.codes import Code
from hvg.lang.suggest import did_you_mean

_BINARY = {"add", "sub", "mul", "div"}


class EvalError(Exception):
    """An expression that has no value; carries the diagnostic's code, position, message and help.
    `code` is None when the cause was already reported (a name whose `let` failed)."""

    def __init__(self, code: Code | None, line: int, column: int, message: str, help: str = ""):
        super().__init__(message)
        self.code, self.line, self.column, self.message, self.help = code, line, column, message, help


def evaluate(node: Tree | Token, env: Mapping[str, float]) -> float:
    """The value of an expression tree under `env` (names of `let`s, parameters and loop variables)."""
    values: list[float] = []
    stack: list[tuple[Tree | Token, bool]] = [(node, False)]
    while stack:
        current, children_done = stack.pop()
        if isinstance(current, Token):          # a bare NUMBER or NAME (only when an alias was inlined)
            values.append(_leaf(current, env))
            continue
        kind = current.data
        if kind == "number":
            values.append(float(current.children[0]))
        elif kind == "var":
            values.append(_leaf(current.children[0], env))
        elif not children_done:
            stack.append((current, True))
            for child in reversed(current.children):
                stack.append((child, False))
        elif kind == "neg":
            values.append(-values.pop())
        elif kind in _BINARY:
            right, left = values.pop(), values.pop()
            values.append(_apply(kind, left, right, current))
        else:                                    # a parenthesised expression kept as its own node
            if len(current.children) != 1:
                raise EvalError(codes.SYNTAX_ERROR, *_position(current), "this is not a number")
    result = values.pop()
    if not math.isfinite(result):
        raise EvalError(codes.BAD_NUMBER, *_position(node), "this number is too large",
                        help="numbers in a scene are frame units, seconds and counts: keep them small")
    return result


def _leaf(token: Token, env: Mapping[str, float]) -> float:
    if token.type == "NUMBER":
        return float(token)
    name = str(token)
    if name in env:
        value = env[name]
        if value != value:              # NaN marks a `let` whose own expression failed: reported there already
            raise EvalError(None, token.line or 1, token.column or 1, f"`{name}` has no value")
        return value
    raise EvalError(codes.UNDEFINED_NAME, token.line or 1, token.column or 1,
                    f"`{name}` is not defined{did_you_mean(name, env)}",
                    help="define it with `let NAME = ...`, or as a group parameter or loop variable")


def _apply(kind: str, left: float, right: float, node: Tree) -> float:
    if kind == "add":
        return left + right
    if kind == "sub":
        return left - right
    if kind == "mul":
        return left * right
    if right == 0:
        raise EvalError(codes.DIVISION_BY_ZERO, *_position(node), "division by zero",
                        help="the divisor evaluates to 0 here")
    return left / right


def _position(node: Tree | Token) -> tuple[int, int]:
    while isinstance(node, Tree):          # the first token: trees carry no positions in the checker's parse
        if not node.children:
            return 1, 1
        node = node.children[0]
    return node.line or 1, node.column or 1
