"""Settings every test shares."""
import os

# `hvg render` run by a test must render in its own process and leave no render server behind; the server's own
# tests (tests/server) turn it back on in a private socket folder.
os.environ["HVG_NO_SERVER"] = "1"
