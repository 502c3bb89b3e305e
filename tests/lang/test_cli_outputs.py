"""`hvg compile -o` and `hvg schema -o` never replace an existing file without --force, and write atomically."""
from __future__ import annotations

import json

from hvg.cli.main import main

PROGRAM = 'video "x" { size 64x64; fps 8; seed 1 }\nentity dot = ball\nblock 0s..1s "a" { dot at (0.5, 0.5) }\n'


def test_compile_refuses_to_replace_the_program_itself(tmp_path, capsys):
    program = tmp_path / "story.scene"
    program.write_text(PROGRAM)
    assert main(["compile", str(program), "-o", str(program)]) == 2
    assert main(["compile", str(program), "-o", str(program), "--force"]) == 2
    assert program.read_text() == PROGRAM
    assert "replace the program itself" in capsys.readouterr().err


def test_compile_refuses_an_existing_output_unless_forced(tmp_path, capsys):
    program, out = tmp_path / "story.scene", tmp_path / "story.json"
    program.write_text(PROGRAM)
    out.write_text("keep me")
    assert main(["compile", str(program), "-o", str(out)]) == 2
    assert out.read_text() == "keep me"
    assert "already exists" in capsys.readouterr().err
    assert main(["compile", str(program), "-o", str(out), "--force"]) == 0
    assert json.loads(out.read_text())["blocks"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["story.json", "story.scene"]   # no temporary left


def test_schema_refuses_an_existing_output_unless_forced(tmp_path, capsys):
    out = tmp_path / "story.scene"
    out.write_text(PROGRAM)
    assert main(["schema", "-o", str(out)]) == 2
    assert out.read_text() == PROGRAM
    assert main(["schema", "-o", str(out), "--force"]) == 0
    assert "properties" in json.loads(out.read_text())
    fresh = tmp_path / "schema.json"
    assert main(["schema", "-o", str(fresh)]) == 0 and fresh.exists()
