"""The scene language front end: text -> parse tree -> IR -> diagnostics.

    scene.lark      the grammar (LALR, contextual lexer, every terminal named)
    prepass.py      unclosed strings and braces, nesting limits, before the parser sees the text
    parser.py       `parse(text, file)` -> ParseResult(tree, comments, diagnostics)
    parse_errors.py Lark's exceptions in the language's words
    builder.py      tree -> hvg.ir.Scene: lets, `use`, groups and loops expanded, instances named
    attributes.py   video / entity / background attributes; uses.py: `use` confinement and cycles
    expressions.py  arithmetic, evaluated without recursion
    checks.py       semantic rules on the IR (errors, then warnings)
    codes.py        every diagnostic code, with a message and a minimal program; limits.py: the limits
    api.py          `check`, `compile_scene` (exported as hvg.check, hvg.compile_scene, hvg.parse)
    report.py       human (caret) and JSON output; infos.py: `--backend builtin` infos
    fmt.py, unparse.py  the formatter and IR -> source (another owner)
"""
