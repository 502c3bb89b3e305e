"""Fixtures of the planner's tests."""
from __future__ import annotations

from .chat_server import chat_server  # noqa: F401 - a fixture, found by name
