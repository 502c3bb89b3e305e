"""`python -m hvg`: the same as the `hvg` command."""
from hvg.cli.entry import run

run()
