"""The console script registers only the command it runs, yet behaves like the full application."""
import gc
import os
import subprocess
import sys

CODE = ("import sys; sys.argv = ['hvg'] + sys.argv[1:]; from hvg.cli.entry import run; run()")


def hvg(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", CODE, *args], capture_output=True, text=True, timeout=120)


PROGRAM = 'video "A" { size 64x64; fps 8 }\nentity b = ball {}\nblock 0s..1s "x" {\n  b at (0.5, 0.5)\n}\n'
PROBE = ("import sys; sys.argv = ['hvg', *sys.argv[1:]]\nfrom hvg.cli.entry import run\ntry:\n    run()\n"
         "except SystemExit as e:\n    print(sorted(m for m in sys.modules if m.startswith('hvg.cli.cmd_')), "
         "'typer' in sys.modules, 'torch' in sys.modules, 'numpy' in sys.modules, e.code)")


def modules_after(tmp_path, *args: str) -> str:
    """Run the console script on a small program; what it imported: command modules, typer, torch, numpy, code."""
    program = tmp_path / "a.scene"
    program.write_text(PROGRAM)
    return subprocess.run([sys.executable, "-c", PROBE, *args, str(program)], capture_output=True, text=True).stdout


def test_a_plain_check_imports_no_command_module_and_no_typer(tmp_path):
    out = modules_after(tmp_path, "check")
    assert out.strip().endswith("[] False False False 0"), out


def test_any_other_command_imports_only_its_own_module(tmp_path):
    out = modules_after(tmp_path, "fmt", "--check")
    assert out.strip().endswith("['hvg.cli.cmd_fmt'] True False False 1"), out


def test_help_and_unknown_commands_see_every_command():
    assert "render" in hvg("--help").stdout and "plan" in hvg("--help").stdout
    typo = hvg("chek")
    assert typo.returncode == 2 and "check" in typo.stderr


def test_the_objects_are_frozen_before_the_interpreter_shuts_down(tmp_path):
    """Shutdown would walk every object once more (~0.5 s with torch loaded); the console script freezes them
    first, and exit handlers still run."""
    program = tmp_path / "a.scene"
    program.write_text(PROGRAM)
    probe = ("import atexit, gc, sys; sys.argv = ['hvg', *sys.argv[1:]]\n"
             "atexit.register(lambda: print('frozen', gc.get_freeze_count() > 1000))\n"
             "from hvg.cli.entry import run\nrun()\n")
    done = subprocess.run([sys.executable, "-c", probe, "fmt", "--check", str(program)], capture_output=True,
                          text=True, timeout=120)
    assert done.stdout.strip().endswith("frozen True"), done.stdout + done.stderr


def test_render_collects_garbage_less_often_and_other_commands_as_usual(tmp_path):
    """Importing torch and diffusers with the default thresholds walks the heap again and again (~0.15 s)."""
    program = tmp_path / "a.scene"
    program.write_text(PROGRAM)
    probe = ("import atexit, gc, sys; sys.argv = ['hvg', *sys.argv[1:]]\n"
             "atexit.register(lambda: print(gc.get_threshold()))\nfrom hvg.cli.entry import run\nrun()\n")
    seen = {}
    for command in ("render", "fmt"):
        args = [command, str(program)] + (["-q", "--backend", "preview", "-o", str(tmp_path / "a.gif")]
                                          if command == "render" else ["--check"])
        done = subprocess.run([sys.executable, "-c", probe, *args], capture_output=True, text=True, timeout=120,
                              env={**os.environ, "HVG_CACHE_DIR": str(tmp_path / "cache")})
        seen[command] = done.stdout.strip().splitlines()[-1]
    from hvg.cli.entry import RENDER_GC_THRESHOLDS
    assert seen == {"render": str(RENDER_GC_THRESHOLDS), "fmt": str(gc.get_threshold())}


def test_render_ends_without_teardown_but_with_its_output_exit_code_and_exit_handlers(tmp_path):
    """Skipping the interpreter's teardown (~0.15 s with torch loaded) must lose nothing a normal exit gives."""
    program = tmp_path / "a.scene"
    program.write_text(PROGRAM)
    probe = ("import atexit, sys; sys.argv = ['hvg', *sys.argv[1:]]\n"
             "atexit.register(lambda: print('exit handlers ran'))\n"
             "import hvg.cli.entry as entry\nreal = entry._end_without_teardown\n"
             "def ending(code):\n    print('ending without teardown')\n    real(code)\n"
             "entry._end_without_teardown = ending\nentry.run()\nprint('not reached')\n")
    env = {**os.environ, "HVG_CACHE_DIR": str(tmp_path / "cache")}

    def render(*args):
        return subprocess.run([sys.executable, "-c", probe, "render", *args], capture_output=True, text=True,
                              timeout=120, env=env)

    done = render(str(program), "--backend", "preview", "-q", "-o", str(tmp_path / "a.mp4"))
    lines = done.stdout.strip().splitlines()
    assert done.returncode == 0 and lines[0].startswith("wrote ") and "not reached" not in done.stdout
    assert lines[-2:] == ["ending without teardown", "exit handlers ran"]
    assert (tmp_path / "a.mp4").stat().st_size > 0
    missing = render(str(tmp_path / "missing.scene"), "-q")
    assert missing.returncode == 2 and "does not exist" in missing.stderr
    assert missing.stdout.strip().splitlines()[-1] == "exit handlers ran"
