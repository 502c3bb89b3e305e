"""The front end as functions: `check` (diagnostics, never raises on text), `compile_scene` (IR or CompileError).

    >>> from hvg import check
    >>> result = check('video "T" { size 64x64; fps 8 }\\nentity dot = ball\\n'
    ...                'block 0s..1s "A dot" { dot at (0.5, 0.5) }')
    >>> result.ok, [d.code for d in result.diagnostics]
    (True, [])
"""
from __future__ import annotations

import gc
import os
from dataclasses import dataclass, field
from pathlib import Path

from hvg.diagnostics import CompileError, Diagnostic
from hvg.ir import Scene
from hvg.lang import codes
from hvg.lang.parser import parse
from hvg.lang.source_text import NOT_TEXT_HELP, NotText, decode_source

__all__ = ["CheckResult", "check", "compile_scene", "parse"]


@dataclass
class CheckResult:
    """The IR (None when the program could not be read) and every diagnostic, sorted by position."""
    scene: Scene | None
    diagnostics: list[Diagnostic] = field(default_factory=list)

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.severity == "error"]

    @property
    def warnings(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.severity == "warning"]

    @property
    def ok(self) -> bool:
        """True when there is no error (warnings and infos allowed)."""
        return not self.errors


def check(source: str | os.PathLike, *, file: str | None = None, backend: str | None = None) -> CheckResult:
    """Check a program given as text (a `str`) or as a file (a `pathlib.Path`, read from disk).

    `use` in text resolves against the current folder; in a file, against the file's folder, and may not leave
    it. With `backend="builtin"`, infos (I001) say what the built-in model will draw for each free word.
    Text never raises; a Path that cannot be read raises OSError.
    """
    if isinstance(source, os.PathLike):
        path = Path(source)
        name = file or str(source)
        decoded = decode_source(path.read_bytes())
        if isinstance(decoded, NotText):
            return CheckResult(None, [codes.SYNTAX_ERROR.at(name, decoded.line, decoded.column,
                                                            decoded.message(name), NOT_TEXT_HELP)])
        text, folder, main_path = decoded, path.parent, path
    else:
        text, name, folder, main_path = str(source), file or "<string>", Path.cwd(), None
    collecting = gc.isenabled()
    gc.disable()            # a long program allocates a million short-lived nodes: no cycles, but many GC passes
    try:
        return _check_text(text, name, folder, main_path, backend)
    except RecursionError:
        return CheckResult(None, [codes.TOO_DEEP.at(name, 1, 1, "the program is nested too deeply to read",
                                                    "split deep expressions or group calls")])
    except Exception as error:  # noqa: BLE001 - the planner's repair loop must get an answer, not a crash
        return CheckResult(None, [codes.INTERNAL_ERROR.at(
            name, 1, 1, f"hvg could not check this program: {type(error).__name__}: {error}",
            "this is a bug in hvg; please report it with the program")])
    finally:
        if collecting:
            gc.enable()


def _check_text(text: str, name: str, folder: Path, main_path: Path | None, backend: str | None) -> CheckResult:
    from hvg.lang.builder import build
    from hvg.lang.checks import run_checks

    parsed = parse(text, name, positions=False)
    if parsed.tree is None:
        return CheckResult(None, _tidy(parsed.diagnostics))
    built = build(parsed.tree, name, folder, main_path)
    found = [*built.diagnostics, *run_checks(built)]
    if backend == "builtin":
        from hvg.lang.infos import drawn_as
        found.extend(drawn_as(built))
    return CheckResult(built.scene, _tidy(found))


def _tidy(diagnostics: list[Diagnostic]) -> list[Diagnostic]:
    """Sorted by position, each finding once (a group called twice would report its mistake twice)."""
    unique = {(d.file, d.line, d.column, d.code, d.message): d for d in diagnostics}
    return sorted(unique.values(), key=Diagnostic.sort_key)


def compile_scene(source: str | os.PathLike, *, file: str | None = None) -> Scene:
    """The IR of a program; raises `hvg.diagnostics.CompileError` (carrying every diagnostic) if it has errors."""
    result = check(source, file=file)
    if result.errors or result.scene is None:
        raise CompileError(result.diagnostics or [codes.SYNTAX_ERROR.at(file or "<string>", 1, 1,
                                                                         "the program could not be read")])
    return result.scene
