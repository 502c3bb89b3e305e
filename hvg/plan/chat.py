"""The chat backend: any OpenAI-compatible chat-completions endpoint (ollama, llama.cpp server, vLLM, ...).

Standard library only (urllib). Each request asks for structured output first (`response_format` with the IR's
JSON schema); a server that refuses it (400/404/422 naming response_format or json_schema) is asked again with
`json_object`, then with no format at all, and the mode that worked is remembered; without structured output
the schema itself is written into the system message. Connection errors, timeouts,
429 and 5xx are retried with exponential backoff and seeded jitter; anything else fails at once with a one-line
message. The API key travels only in the Authorization header and is masked in every message.
"""
from __future__ import annotations

import http.client
import json
import random
import socket
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from typing import Any, Callable

from hvg.ir import json_schema
from hvg.plan.errors import EndpointDown, EndpointStatus, EndpointTimeout, GarbageAnswer, mask_secret

RESPONSE_MODES = ("json_schema", "json_object", "text")
SCHEMA_HEADING = "The JSON schema of a Scene:"
_RETRY_STATUSES = frozenset({408, 429, 500, 502, 503, 504})


def completions_url(endpoint: str) -> str:
    """`http://host:11434/v1` -> `http://host:11434/v1/chat/completions`; a full URL is kept."""
    url = endpoint.rstrip("/")
    if url.endswith("/chat/completions"):
        return url
    return url + "/chat/completions"


def _response_format(mode: str) -> dict[str, Any] | None:
    if mode == "json_schema":
        return {"type": "json_schema", "json_schema": {"name": "scene", "schema": json_schema(), "strict": False}}
    if mode == "json_object":
        return {"type": "json_object"}
    return None


def _server_message(body: bytes) -> str:
    """The error message in an error body ({"error": {"message": ...}} or {"error": "..."}), else the text."""
    text = body.decode("utf-8", "replace").strip()
    try:
        value = json.loads(text)
    except ValueError:
        return " ".join(text.split())[:200]
    if isinstance(value, dict):
        error = value.get("error", value.get("detail", value.get("message")))
        if isinstance(error, dict):
            error = error.get("message", error)
        if error is not None:
            return " ".join(str(error).split())[:200]
    return " ".join(text.split())[:200]


@dataclass
class ChatBackend:
    endpoint: str
    model: str
    api_key: str | None = None
    timeout: float = 60.0               # seconds per request
    retries: int = 4                    # extra tries after the first, on connection errors, timeouts, 429, 5xx
    backoff: float = 1.0                # first wait in seconds; doubles each retry, plus up to 50% jitter
    max_backoff: float = 30.0
    seed: int = 0
    temperature: float = 0.0
    max_tokens: int = 4096
    sleep: Callable[[float], None] = time.sleep
    mode: str = "json_schema"
    requests_made: int = field(default=0, init=False)

    name = "chat"

    def __post_init__(self) -> None:
        self.url = completions_url(self.endpoint)
        self._jitter = random.Random(self.seed)

    # -- the protocol -------------------------------------------------------------------------------------------

    def answer(self, prompt: str, messages: list[dict[str, str]]) -> str:
        """The assistant's text for these messages, switching to a simpler response format when refused."""
        while True:
            try:
                return self._complete(messages, self.mode)
            except EndpointStatus as error:
                if not self._format_refused(error) or self.mode == RESPONSE_MODES[-1]:
                    raise
                self.mode = RESPONSE_MODES[RESPONSE_MODES.index(self.mode) + 1]

    # -- one completion, with retries ---------------------------------------------------------------------------

    def _format_refused(self, error: EndpointStatus) -> bool:
        text = str(error).lower()
        return error.status in (400, 404, 422, 501) and ("response_format" in text or "json_schema" in text
                                                         or "json_object" in text or "format" in text)

    def _payload(self, messages: list[dict[str, str]], mode: str) -> bytes:
        if mode != "json_schema" and messages and messages[0]["role"] == "system":
            # Without structured output the model sees the schema only if it is written out for it.
            schema = json.dumps(json_schema(), separators=(",", ":"))
            messages = [{**messages[0], "content": f"{messages[0]['content']}\n\n{SCHEMA_HEADING}\n{schema}"},
                        *messages[1:]]
        body: dict[str, Any] = {"model": self.model, "messages": messages, "temperature": self.temperature,
                                "seed": self.seed, "max_tokens": self.max_tokens, "stream": False}
        response_format = _response_format(mode)
        if response_format is not None:
            body["response_format"] = response_format
        return json.dumps(body).encode()

    def _request(self, payload: bytes) -> urllib.request.Request:
        headers = {"Content-Type": "application/json", "Accept": "application/json"}
        if self.api_key:
            headers["Authorization"] = f"Bearer {self.api_key}"
        return urllib.request.Request(self.url, data=payload, headers=headers, method="POST")

    def _complete(self, messages: list[dict[str, str]], mode: str) -> str:
        payload = self._payload(messages, mode)
        attempts = self.retries + 1
        last: Exception | None = None
        for attempt in range(attempts):
            if attempt:
                self.sleep(self._wait(attempt, last))
            self.requests_made += 1
            try:
                with urllib.request.urlopen(self._request(payload), timeout=self.timeout) as response:
                    return self._content(response.read())
            except urllib.error.HTTPError as error:
                body = error.read() if error.fp is not None else b""
                status_error = self._status_error(error.code, error.reason, body)
                if error.code not in _RETRY_STATUSES:
                    raise status_error from None
                last = status_error
                last.retry_after = error.headers.get("Retry-After") if error.headers else None  # type: ignore
            except (TimeoutError, socket.timeout) as error:
                last = error
            except urllib.error.URLError as error:
                last = error.reason if isinstance(error.reason, (TimeoutError, socket.timeout)) else error
            except (ConnectionError, http.client.HTTPException) as error:
                last = error
        raise self._final_error(last, attempts)

    def _wait(self, attempt: int, last: Exception | None) -> float:
        wait = min(self.max_backoff, self.backoff * 2 ** (attempt - 1))
        wait += wait * 0.5 * self._jitter.random()
        retry_after = getattr(last, "retry_after", None)
        if retry_after and str(retry_after).replace(".", "", 1).isdigit():
            wait = max(wait, min(float(retry_after), self.max_backoff))
        return wait

    def _status_error(self, status: int, reason: Any, body: bytes) -> EndpointStatus:
        message = mask_secret(_server_message(body) or str(reason), self.api_key)
        hints = {401: "check the API key: it is read from $HVG_API_KEY or $OPENAI_API_KEY (or --api-key-env)",
                 403: "check the API key and that it may use this model",
                 404: f"check --endpoint (requests go to {self.url}) and --model",
                 429: "the server is rate-limiting; wait a little or raise --retries"}
        hint = hints.get(status, "see the server's log for details" if status >= 500 else "")
        return EndpointStatus(f"the endpoint answered {status} {reason}: {message}", hint, status=status)

    def _final_error(self, last: Exception | None, attempts: int) -> Exception:
        tries = f"after {attempts} {'try' if attempts == 1 else 'tries'}"
        if isinstance(last, EndpointStatus):
            return EndpointStatus(f"{last} ({tries})", last.hint, status=last.status)
        if isinstance(last, (TimeoutError, socket.timeout)):
            return EndpointTimeout(f"the endpoint {self.url} did not answer within {self.timeout:g}s ({tries})",
                                   "the model may still be loading or is too slow for this timeout; "
                                   "raise --timeout or use a smaller model")
        reason = getattr(last, "reason", last)
        return EndpointDown(mask_secret(f"cannot reach the endpoint {self.url}: {reason} ({tries})", self.api_key),
                            "is the server running? (e.g. `ollama serve`, `llama-server -m model.gguf`, "
                            "`vllm serve NAME`); check --endpoint")

    def _content(self, raw: bytes) -> str:
        try:
            value = json.loads(raw)
            content = value["choices"][0]["message"]["content"]
        except (ValueError, KeyError, IndexError, TypeError):
            snippet = " ".join(raw.decode("utf-8", "replace").split())[:80]
            raise GarbageAnswer(f"the endpoint's answer is not a chat completion (it starts: {snippet!r})",
                                "check that --endpoint is an OpenAI-compatible server "
                                "(its URL usually ends in /v1)") from None
        if not isinstance(content, str):
            raise GarbageAnswer("the endpoint's chat completion has no text content",
                                "check that --model names a chat model")
        return content

