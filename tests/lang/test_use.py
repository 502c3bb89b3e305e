"""`use`: definitions inlined from files inside the scene's folder tree only, checked before reading; cycles."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from hvg.lang.api import check

MAIN_BODY = 'video "T" { size 64x64; fps 8 }\nblock 0s..1s "A" { walker at (0.5, 0.5) }\n'
LIB = 'entity walker = person { color yellow }\nlet gap = 0.25\ngroup row() { walker at (gap, 0.5) }\n'


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def test_definitions_come_in_from_a_subfolder(tmp_path):
    _write(tmp_path / "lib" / "people.scene", LIB)
    main = _write(tmp_path / "story.scene", 'use "lib/people.scene"\n' + MAIN_BODY)
    result = check(main)
    assert result.diagnostics == []
    assert result.scene.uses == ["lib/people.scene"]
    assert [e.name for e in result.scene.entities] == ["walker"]


def test_a_used_file_may_use_its_neighbours(tmp_path):
    _write(tmp_path / "lib" / "base.scene", "entity walker = person\n")
    _write(tmp_path / "lib" / "people.scene", 'use "base.scene"\nlet gap = 0.1\n')
    main = _write(tmp_path / "story.scene", 'use "lib/people.scene"\n' + MAIN_BODY)
    result = check(main)
    assert result.diagnostics == [] and result.scene.uses == ["lib/people.scene", "lib/base.scene"]


def test_a_diamond_is_not_a_cycle_and_inlines_once(tmp_path):
    _write(tmp_path / "base.scene", "entity walker = person\n")
    _write(tmp_path / "a.scene", 'use "base.scene"\n')
    _write(tmp_path / "b.scene", 'use "base.scene"\n')
    main = _write(tmp_path / "story.scene", 'use "a.scene"\nuse "b.scene"\n' + MAIN_BODY)
    result = check(main)
    assert result.diagnostics == [] and len(result.scene.entities) == 1


@pytest.mark.parametrize("written", ["../secret.scene", "../../etc/passwd", "/etc/passwd", "lib/../../x.scene",
                                     "~/x.scene"])
def test_paths_outside_the_tree_are_refused_without_reading(tmp_path, written, monkeypatch):
    project = tmp_path / "project"
    _write(tmp_path / "secret.scene", "entity walker = person\n")
    main = _write(project / "story.scene", f'use "{written}"\n' + MAIN_BODY)
    opened: list[str] = []
    real_read_bytes = Path.read_bytes

    def spy(self, *args, **kwargs):
        opened.append(str(self))
        return real_read_bytes(self, *args, **kwargs)

    monkeypatch.setattr(Path, "read_bytes", spy)
    result = check(main)
    assert [d.code for d in result.errors][:1] == ["E009"] and result.errors[0].line == 1
    assert opened == [str(main)]


def test_a_symlink_that_leaves_the_tree_is_refused(tmp_path):
    _write(tmp_path / "outside.scene", "entity walker = person\n")
    project = tmp_path / "project"
    project.mkdir()
    os.symlink(tmp_path / "outside.scene", project / "link.scene")
    main = _write(project / "story.scene", 'use "link.scene"\n' + MAIN_BODY)
    assert check(main).errors[0].code == "E009"


def test_text_resolves_against_the_current_folder(tmp_path, monkeypatch):
    _write(tmp_path / "lib.scene", "entity walker = person\n")
    monkeypatch.chdir(tmp_path)
    assert check('use "lib.scene"\n' + MAIN_BODY).diagnostics == []
    assert check('use "../lib.scene"\n' + MAIN_BODY).errors[0].code == "E009"


def test_self_use_is_a_cycle(tmp_path):
    main = _write(tmp_path / "loop.scene", 'use "loop.scene"\n' + MAIN_BODY.replace("walker", "w") +
                  "entity w = ball\n")
    (diagnostic,) = check(main).errors
    assert diagnostic.code == "E020" and diagnostic.line == 1 and "loop.scene uses itself" in diagnostic.message


def test_a_two_file_cycle_names_both_and_points_at_the_first_use(tmp_path):
    _write(tmp_path / "b.scene", 'use "a.scene"\nentity walker = person\n')
    main = _write(tmp_path / "a.scene", '\nuse "b.scene"\n' + MAIN_BODY)
    (diagnostic,) = check(main, file=str(tmp_path / "a.scene")).errors
    assert diagnostic.code == "E020" and diagnostic.line == 2
    assert "a.scene uses b.scene which uses a.scene" in diagnostic.message


@pytest.mark.parametrize("lib, code, words", [
    (None, "E024", "cannot find"),
    ('video "X" { fps 8 }\n', "E023", "only hold definitions"),
    ('block 0s..1s "X" { }\n', "E023", "only hold definitions"),
    ("entity walker = person {\n", "E001", "never closed"),
])
def test_problems_in_used_files(tmp_path, lib, code, words):
    if lib is not None:
        _write(tmp_path / "lib.scene", lib)
    main = _write(tmp_path / "story.scene", 'use "lib.scene"\n' + MAIN_BODY)
    result = check(main)
    assert any(d.code == code and words in d.message for d in result.errors), result.diagnostics


def test_errors_in_a_used_file_are_reported_in_that_file(tmp_path):
    _write(tmp_path / "lib.scene", "entity walker = person { color blurple }\n")
    main = _write(tmp_path / "story.scene", 'use "lib.scene"\n' + MAIN_BODY)
    (diagnostic,) = check(main, file=str(main)).errors
    assert diagnostic.file == str(tmp_path / "lib.scene") and diagnostic.line == 1


def test_only_scene_files_may_be_used(tmp_path):
    _write(tmp_path / "notes.txt", "entity walker = person\n")
    main = _write(tmp_path / "story.scene", 'use "notes.txt"\n' + MAIN_BODY)
    assert check(main).errors[0].code == "E024"


def test_entities_from_used_files_are_not_reported_unused(tmp_path):
    _write(tmp_path / "lib.scene", "entity walker = person\nentity spare = ball\n")
    main = _write(tmp_path / "story.scene", 'use "lib.scene"\n' + MAIN_BODY)
    assert check(main).diagnostics == []
