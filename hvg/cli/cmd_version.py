"""`hvg version`: the versions that matter for a bug report."""
from __future__ import annotations

import platform

from hvg.cli.app import app, stdout


@app.command()
def version() -> None:
    """Print hvg's version and the Python it runs on."""
    import hvg
    stdout.print(f"hvg {hvg.__version__} (Python {platform.python_version()}, {platform.system()})")
