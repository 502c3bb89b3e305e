"""Mistakes from other languages and common slips get a help line that says what to write."""
from __future__ import annotations

import pytest

from hvg.lang.api import check

VIDEO = 'video "x" { size 64x64; fps 8 }\n'
ENTITY = "entity dot = ball\n"
BLOCK = 'block 0s..1s "a" { dot at (0.5, 0.5) }\n'


def only(source: str, folder=None):
    result = check(source) if folder is None else check(folder)
    assert len(result.diagnostics) == 1, result.diagnostics
    return result.diagnostics[0]


@pytest.mark.parametrize(("source", "code", "help_part"), [
    ('video "x" { size 128 x 128; fps 8 }\n' + ENTITY + BLOCK, "E025", "write `size 128x128`, without spaces"),
    ('video "x" { size 64x64; fps 0 }\n' + ENTITY + BLOCK, "E011", "frames per second, like `fps 12`"),
    (VIDEO + ENTITY + 'block 0s..1s "a" { dot at (0.5, 0.5) fades }\n', "E017", "expected `in` or `out`"),
    (VIDEO + ENTITY + 'block 0s..1s "a" { dot at (.5, 0.5) }\n', "E017", "write `0.5`"),
    (VIDEO + ENTITY + 'block 0s..1s "a" { dot at (1e3, 0.5) }\n', "E017", "write `1000`"),
    (VIDEO + ENTITY + 'block 0s..1s "a" { dot at (2.5e-3, 0.5) }\n', "E017", "write `0.0025`"),
    (VIDEO + "entity dot = ball { size 1e3 }\n" + BLOCK, "E025", "write `1000`"),
    (VIDEO + "// the hero\n" + ENTITY + BLOCK, "E017", "comments start with `#`"),
    ("video 'x' { size 64x64; fps 8 }\n" + ENTITY + BLOCK, "E017", "strings use double quotes"),
    (VIDEO + "entity café = ball\n" + BLOCK, "E017", "names use ASCII letters, digits and `_`"),
])
def test_help_says_what_to_write(source, code, help_part):
    diagnostic = only(source)
    assert diagnostic.code == code and help_part in diagnostic.help, diagnostic


@pytest.mark.parametrize("seed", ["-1", "1.5", "9223372036854775808"])
def test_seed_says_its_whole_range(seed):
    diagnostic = only(f'video "x" {{ size 64x64; fps 8; seed {seed} }}\n' + ENTITY + BLOCK)
    assert diagnostic.code == "E011"
    assert diagnostic.message == "`seed` must be a whole number from 0 to 9223372036854775807"


def test_use_of_a_folder_names_a_scene_file_in_it(tmp_path):
    (tmp_path / "lib").mkdir()
    (tmp_path / "lib" / "people.scene").write_text("entity dot = ball\n")
    story = tmp_path / "story.scene"
    story.write_text('use "lib"\n' + VIDEO + BLOCK)
    diagnostic = only("", story)
    assert diagnostic.code == "E024" and 'name a .scene file in it, like `use "lib/people.scene"`' in diagnostic.help


def test_a_failed_use_does_not_cascade_into_undefined_names(tmp_path):
    story = tmp_path / "story.scene"
    story.write_text('use "lib/people.scene"\n' + VIDEO + 'block 0s..1s "a" { hero at (0.5, 0.5); row(2) }\n'
                     'block 1s..2s "b" { hero at (0.2, 0.5) }\n')
    diagnostic = only("", story)
    assert diagnostic.code == "E024"


def test_undefined_names_are_still_reported_when_every_use_works(tmp_path):
    (tmp_path / "people.scene").write_text("entity hero = person\n")
    story = tmp_path / "story.scene"
    story.write_text('use "people.scene"\n' + VIDEO + 'block 0s..1s "a" { villain at (0.5, 0.5) }\n')
    assert [d.code for d in check(story).errors] == ["E002"]


def test_off_boundary_transition_lists_at_most_five_boundaries():
    blocks = "".join(f'block {i}s..{i + 1}s "a" {{ dot at (0.5, 0.5) }}\n' for i in range(12))
    diagnostic = only(VIDEO + ENTITY + blocks + "transition 7.5s cut\n")
    assert diagnostic.code == "E013"
    assert "(the nearest are 5s, 6s, 7s, 8s, 9s, and 6 more)" in diagnostic.message
