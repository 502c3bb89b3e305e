"""docs/cli.md is generated from the commands; it must match them (regenerate: python -m hvg.cli.docs > docs/cli.md)."""
from pathlib import Path

from hvg.cli.docs import cli_reference


def test_cli_reference_is_up_to_date():
    written = (Path(__file__).resolve().parents[1] / "docs" / "cli.md").read_text()
    assert written == cli_reference(), "docs/cli.md is stale: run `.venv/bin/python -m hvg.cli.docs > docs/cli.md`"
