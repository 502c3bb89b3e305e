"""What can go wrong while planning, as one-line messages with a hint (the CLI prints them, exit 2).

A model's bad answer is not one of these: it becomes a diagnostic that goes back to the model for repair.
These are the failures no repair round can fix: the endpoint is down or too slow, it answers with an error
status or with something that is not a chat completion at all, or a local model cannot be loaded.
"""
from __future__ import annotations


class PlanError(Exception):
    """A planning failure the user can act on."""

    def __init__(self, message: str, hint: str = ""):
        super().__init__(message)
        self.hint = hint


class EndpointDown(PlanError):
    """Nothing answers at the endpoint (connection refused, unknown host)."""


class EndpointTimeout(PlanError):
    """The endpoint accepted the request but did not answer within the per-request timeout."""


class EndpointStatus(PlanError):
    """The endpoint answered with an HTTP error status."""

    def __init__(self, message: str, hint: str = "", status: int = 0):
        super().__init__(message, hint)
        self.status = status


class GarbageAnswer(PlanError):
    """The endpoint answered 200 with something that is not a chat completion."""


class ModelLoadError(PlanError):
    """A local model folder could not be loaded."""


def mask_secret(text: str, secret: str | None) -> str:
    """`text` with every occurrence of the secret (and of its long tail, which servers like to echo) hidden."""
    if not secret:
        return text
    text = text.replace(secret, "***")
    if len(secret) >= 12:
        text = text.replace(secret[-8:], "***")  # "Incorrect API key provided: sk-...abcd1234"
        text = text.replace(secret[:8], "***")
    return text
