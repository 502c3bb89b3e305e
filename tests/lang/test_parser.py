"""The grammar and the parser: lexing corner cases, comments, and syntax errors worded for people."""
from __future__ import annotations

import re

import pytest

from hvg.lang.parser import _lark, parse

HEAD = 'video "T" { size 64x64; fps 8 }\nentity ball = ball { color red }\n'


def _kinds(tree, name):
    return [t for t in tree.iter_subtrees_topdown() if t.data == name]


def test_every_terminal_is_named():
    names = [t.name for t in _lark().terminals]
    assert not [n for n in names if n.startswith("__")]


def test_ranges_and_times_lex_apart():
    result = parse(HEAD + 'block 0s..3s "A" {\n  repeat i in 0..4 { ball at (0.1 * i, 0.5) }\n}\n'
                          'block 3s..4.5s "B" { ball at (0.5, 0.5) }\n')
    assert result.ok, result.diagnostics
    spans = [[str(t) for t in s.children] for s in _kinds(result.tree, "span")]
    assert spans == [["0s", "3s"], ["3s", "4.5s"]]
    (loop,) = _kinds(result.tree, "repeat")
    assert [str(c.children[0]) for c in loop.children[1:3]] == ["0", "4"]


def test_statements_split_on_newlines_and_semicolons():
    one_line = parse(HEAD + 'block 0s..1s "A" { background plain; ball at (0.5, 0.5) }')
    many = parse(HEAD + 'block 0s..1s "A" {\n\n  background plain\n  # note\n\n  ball at (0.5, 0.5)\n}\n')
    assert one_line.ok and many.ok
    assert len(_kinds(one_line.tree, "placement")) == len(_kinds(many.tree, "placement")) == 1


def test_hex_color_is_not_a_comment_and_comments_are_kept():
    result = parse('# title comment\nentity a = ball { color #ff8800 }  # trailing {\n')
    assert result.ok, result.diagnostics
    assert [str(c) for c in result.comments] == ["# title comment", "# trailing {"]
    assert [c.line for c in result.comments] == [1, 2]
    assert [str(h.children[0]) for h in _kinds(result.tree, "hex")] == ["#ff8800"]


def test_keywords_are_names_where_no_keyword_fits():
    result = parse(HEAD + 'block 0s..1s "A" {\n  ball moves (0, 0) -> (1, 1) ease in fades out\n}\n')
    assert result.ok, result.diagnostics


def test_negative_numbers_and_arrows():
    result = parse(HEAD + 'block 0s..1s "A" {\n  ball moves (-0.2, 0.5)->(1.2, 0.5) size 0.1 -> 0.2\n}\n')
    assert result.ok, result.diagnostics


@pytest.mark.parametrize("source, line, words", [
    ('bloc 0s..1s "A" {\n}\n', 1, "unexpected `bloc` (did you mean `block`?)"),
    (HEAD + 'block 0s..1s "A" {\n  ball mvoes (0, 0) -> (1, 1)\n}\n', 4, "did you mean `moves`?"),
    (HEAD + 'block 0s..1s "A" {\n  ball at (0.5, 0.5) ball at (0.1, 0.1)\n}\n', 4, "unexpected `ball`"),
    (HEAD + 'block 0..1s "A" {\n}\n', 3, "unexpected `0`"),
    (HEAD + 'block 0s..1s "A" {\n  ball at (0.5,\n 0.5)\n}\n', 4, "unexpected end of line"),
    (HEAD + 'block 0s..1s "A" {\n  ball at (0.5, 0.5) @\n}\n', 4, "unexpected `@`"),
    ('video "T" { size 64x64 }\n}\n', 2, "unexpected `}`"),
])
def test_syntax_errors_name_the_token_in_words(source, line, words):
    (diagnostic,) = parse(source, "x.scene").diagnostics
    assert diagnostic.code == "E017" and diagnostic.line == line
    assert words in diagnostic.message


BROKEN = [
    'video', 'video "T"', 'video "T" {', 'entity', 'entity x', 'entity x =', 'entity x = 3', 'let', 'let x',
    'let x = ', 'let x = (1', 'let x = 1 +', 'group g(', 'group g(a,) {}', 'block', 'block 1s', 'block 1s..',
    'block 0s..1s', 'block 0s..1s "d"', 'block 0s..1s "d" { ball }', 'block 0s..1s "d" { ball at }',
    'block 0s..1s "d" { ball at (1) }', 'block 0s..1s "d" { ball moves (0,0) }', 'block 0s..1s "d" { camera }',
    'block 0s..1s "d" { camera pan 3 }', 'block 0s..1s "d" { ball keys { } }', 'transition', 'transition 1s',
    'use', 'use x', 'block 0s..1s "d" { chunk 0s..1s { } }', 'block 0s..1s "d" { repeat i 0..2 { } }',
    'block 0s..1s "d" { ball bounces (0,0) -> (1,1) }', 'block 0s..1s "d" { ball enters left }',
    '}', ')', '..', '->', '"', '{', 'entity x = ball { color }}', '\x00', 'block 0s..1s "d" { ball at (0,0) ease }',
]


@pytest.mark.parametrize("source", BROKEN)
def test_errors_never_show_terminal_names(source):
    result = parse(source)
    assert result.tree is None and len(result.diagnostics) == 1
    text = result.diagnostics[0].message + " " + result.diagnostics[0].help
    assert "__ANON" not in text and "$END" not in text
    assert not re.search(r"\b_?[A-Z]{2,}(_[A-Z]+)*\b", text.replace("UTF-8", "")), text


def test_unclosed_string_is_reported_on_its_line():
    (diagnostic,) = parse('video "T" { size 64x64 }\nentity a = "a boat { size 0.1 }\nlet x = 1\n').diagnostics
    assert (diagnostic.code, diagnostic.line, diagnostic.column) == ("E022", 2, 12)


def test_unclosed_brace_is_blamed_by_indentation():
    source = ('block 0s..1s "A" {\n  chunk 0s..1s "B" {\n    ball at (0, 0)\n'
              '  chunk 0s..1s "C" {\n    ball at (0, 0)\n  }\n}\n')
    (diagnostic,) = parse(source).diagnostics
    assert (diagnostic.code, diagnostic.line) == ("E001", 2)


def test_misindented_but_balanced_braces_parse():
    assert parse('video "T" {\n      size 64x64\n  }\n').ok


def test_a_hash_inside_a_string_is_not_a_comment():
    result = parse('video "Take #1 {" { size 64x64 }\n')
    assert result.ok and result.comments == []
