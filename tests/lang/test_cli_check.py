"""`hvg check`, `hvg compile`, `hvg schema`: output formats, exit codes, and no torch or numpy on the way."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

import hvg.cli.main  # noqa: F401 - registers every command
from hvg.cli.app import app
from hvg.ir import Scene

CONFORMANCE = Path(__file__).resolve().parents[2].parent / "shared" / "conformance"
OK = CONFORMANCE / "ok" / "beach.scene"
ERR = CONFORMANCE / "err" / "02-unknown-entity.scene"
WARN = CONFORMANCE / "warn" / "04-unused-entity.scene"
runner = CliRunner()


def test_clean_file_exits_0_with_a_summary():
    result = runner.invoke(app, ["check", str(OK)])
    assert result.exit_code == 0
    assert "All checks passed" in result.stdout


def test_errors_exit_1_with_source_line_caret_and_help():
    result = runner.invoke(app, ["check", str(ERR)])
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert lines[0] == f"{ERR}:8:3: error[E002]: `bal` is not defined (did you mean `ball`?)"
    assert "  bal at (0.5, 0.5)" in lines[2]
    caret_line = lines[3]
    assert caret_line.index("^^^") == lines[2].index("bal") and "^^^^" not in caret_line
    assert any(line.strip().startswith("= help:") for line in lines)
    assert "Found 1 error and 0 warnings in 1 file." in result.stdout


def test_warnings_alone_exit_0():
    result = runner.invoke(app, ["check", str(WARN)])
    assert result.exit_code == 0 and "warning[W004]" in result.stdout


def test_json_is_the_only_thing_on_stdout():
    result = runner.invoke(app, ["check", "--format", "json", str(ERR), str(OK)])
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert [(d["file"], d["line"], d["column"], d["severity"], d["code"]) for d in data] == \
        [(str(ERR), 8, 3, "error", "E002")]
    assert set(data[0]) >= {"file", "line", "column", "severity", "code", "message", "help"}


def test_json_for_a_clean_file_is_an_empty_array():
    result = runner.invoke(app, ["check", "--format", "json", str(OK)])
    assert result.exit_code == 0 and json.loads(result.stdout) == []


def test_a_missing_file_is_a_usage_error(tmp_path):
    result = runner.invoke(app, ["check", str(tmp_path / "nope.scene")])
    assert result.exit_code == 2
    assert "no such file" in result.output and "Traceback" not in result.output


def test_an_empty_folder_is_a_usage_error(tmp_path):
    assert runner.invoke(app, ["check", str(tmp_path)]).exit_code == 2


def test_a_folder_checks_every_scene_inside():
    result = runner.invoke(app, ["check", "--format", "json", str(CONFORMANCE / "ok")])
    assert result.exit_code == 0 and json.loads(result.stdout) == []
    result = runner.invoke(app, ["check", str(CONFORMANCE / "warn")])
    assert result.exit_code == 0 and "in 5 files" in result.stdout


def test_no_arguments_is_a_usage_error():
    assert runner.invoke(app, ["check"]).exit_code == 2


def test_standard_input(tmp_path):
    result = runner.invoke(app, ["check", "-"], input=OK.read_text())
    assert result.exit_code == 0


def test_builtin_backend_adds_infos():
    result = runner.invoke(app, ["check", "--backend", "builtin", "--format", "json",
                                 str(CONFORMANCE / "ok" / "harbor.scene")])
    data = json.loads(result.stdout)
    assert result.exit_code == 0 and data and {d["code"] for d in data} == {"I001"}


def test_compile_writes_the_ir(tmp_path):
    out = tmp_path / "beach.json"
    result = runner.invoke(app, ["compile", str(OK), "-o", str(out)])
    assert result.exit_code == 0
    scene = Scene.model_validate_json(out.read_text())
    assert len(scene.blocks) == 2 and scene.video.title == "Beach day"


def test_compile_to_stdout_and_refusing_errors():
    result = runner.invoke(app, ["compile", str(OK)])
    assert result.exit_code == 0 and Scene.model_validate_json(result.stdout).video.fps == 12
    failed = runner.invoke(app, ["compile", str(ERR)])
    assert failed.exit_code == 1 and "E002" in failed.output


def test_schema_is_the_ir_schema():
    result = runner.invoke(app, ["schema"])
    assert result.exit_code == 0
    schema = json.loads(result.stdout)
    assert schema["title"] == "Scene" and "Placement" in schema["$defs"]


@pytest.mark.parametrize("argv", [["check", str(OK)], ["check", "--format", "json", str(ERR)]])
def test_check_never_imports_torch_or_numpy(argv):
    code = ("import sys; from hvg.cli.main import main; rc = main(" + repr(argv) + "); "
            "heavy = sorted(m for m in sys.modules if m.split('.')[0] in ('torch', 'numpy', 'cv2', 'av')); "
            "print('HEAVY', heavy, file=sys.stderr)")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert "HEAVY []" in proc.stderr, proc.stderr[-500:]


def test_a_folder_without_scene_files_says_so(tmp_path, capsys):
    from hvg.cli.main import main
    (tmp_path / "notes.txt").write_text("no programs here")
    assert main(["check", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert f"no .scene files under {tmp_path}" in err and "not a file" not in err
