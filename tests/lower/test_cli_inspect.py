"""`hvg inspect FILE --block N -o out.png`: writes the picture; a user's mistake is one line with a hint."""
from __future__ import annotations

import pytest
from PIL import Image

from hvg.cli.main import main
from hvg.lower import embed as embedding

PROGRAM = '''video "Two" { size 64x64; fps 8; seed 2 }

entity dot = ball { color blue }

block 0s..1s "A blue ball sits" {
  dot at (0.3, 0.5)
}

block 1s..2s "The camera pans past it" {
  camera pan (0.2, 0)
  dot moves (0.3, 0.5) -> (0.7, 0.5)
}
'''


@pytest.fixture
def program(tmp_path, monkeypatch):
    monkeypatch.setenv("HVG_CACHE_DIR", str(tmp_path / "cache"))
    embedding.clear_memory_cache()
    path = tmp_path / "two.scene"
    path.write_text(PROGRAM)
    return path


def test_inspect_writes_a_png(program, tmp_path, capsys):
    out = tmp_path / "block1.png"
    assert main(["inspect", str(program), "--block", "1", "-o", str(out)]) == 0
    image = Image.open(out)
    assert image.width >= 560 and image.height >= 600
    printed = capsys.readouterr().out
    assert "wrote" in printed and "frames 8..15" in printed


def test_default_output_sits_next_to_the_program(program):
    assert main(["inspect", str(program)]) == 0
    assert program.with_suffix(".block0.png").is_file()


def test_mistakes_are_one_line_with_a_hint(program, capsys):
    assert main(["inspect", str(program), "--block", "7"]) == 2
    err = capsys.readouterr().err
    assert "block 7 does not exist" in err and "choose a --block from 0 to 1" in err and "Traceback" not in err
    assert main(["inspect", str(program.with_name("missing.scene"))]) == 2
    assert "no such file" in capsys.readouterr().err
    broken = program.with_name("broken.scene")
    broken.write_text("video { size 64x64 }\nblock 0s..1s { nope }\n")
    assert main(["inspect", str(broken)]) == 2
    err = capsys.readouterr().err
    assert "hvg check" in err and "Traceback" not in err


def test_inspect_refuses_to_replace_an_existing_file_unless_forced(program, tmp_path, capsys):
    out = tmp_path / "picture.png"
    out.write_bytes(b"keep me")
    assert main(["inspect", str(program), "-o", str(out)]) == 2
    assert out.read_bytes() == b"keep me"
    assert "already exists" in capsys.readouterr().err
    assert main(["inspect", str(program), "-o", str(out), "--force"]) == 0
    assert Image.open(out).width >= 560
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []   # no temporary left


def test_long_labels_are_cut_to_fit():
    from hvg.lower.inspect import FONT, fit_text
    name = "row_of_trees_along_the_river_bank.tree_number_seventeen"
    short = fit_text(name, 60)
    assert short.endswith("...") and name.startswith(short[:-3]) and FONT.getlength(short) <= 60
    assert fit_text("dot", 60) == "dot"


def test_long_instance_names_draw_without_error(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("HVG_CACHE_DIR", str(tmp_path / "cache"))
    embedding.clear_memory_cache()
    long = "a_very_long_entity_name_that_would_never_fit"
    path = tmp_path / "long.scene"
    path.write_text(PROGRAM.replace("dot", long))
    assert main(["inspect", str(path), "-o", str(tmp_path / "long.png")]) == 0


def test_a_program_without_blocks_says_so(tmp_path, capsys):
    path = tmp_path / "empty.scene"
    path.write_text('video "E" { size 64x64; fps 8 }\nentity dot = ball\n')
    assert main(["inspect", str(path)]) == 2
    err = capsys.readouterr().err
    assert "has no blocks" in err and "0..0" not in err
