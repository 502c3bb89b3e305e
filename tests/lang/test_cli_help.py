"""`hvg --help` lists each command with its docstring's first paragraph: it must be one complete line."""
from __future__ import annotations

import inspect

from hvg.cli.main import main  # noqa: F401 - registers every command


def test_every_command_summary_is_one_complete_line():
    from hvg.cli.app import app
    for command in app.registered_commands:
        summary = inspect.getdoc(command.callback).split("\n\n")[0]
        assert "\n" not in summary and summary.endswith("."), (command.callback.__name__, summary)
