"""The chat backend and the repair loop against a real local HTTP server with scripted replies."""
from __future__ import annotations

import copy
import json
import socket

import pytest

from .chat_server import Reply, completion
from hvg.lang.api import check
from hvg.plan.chat import SCHEMA_HEADING, ChatBackend, completions_url
from hvg.plan.errors import EndpointDown, EndpointStatus, EndpointTimeout, GarbageAnswer
from hvg.plan.messages import _EXAMPLE, first_messages
from hvg.plan.refine import refine

KEY = "sk-test-0123456789abcdefXYZ"
VALID = json.dumps(_EXAMPLE)


def broken_scene() -> str:
    scene = copy.deepcopy(_EXAMPLE)
    scene["blocks"][0]["placements"][0]["entity"] = "bal"   # never defined: E002
    scene["blocks"][0]["placements"][0]["instance"] = "bal"
    return json.dumps(scene)


def backend(url: str, **options) -> tuple[ChatBackend, list[float]]:
    waits: list[float] = []
    options = {"timeout": 10.0, "retries": 2, "backoff": 0.01, "sleep": waits.append, **options}
    return ChatBackend(url, "tiny-model", api_key=KEY, **options), waits


def test_a_valid_json_answer_is_one_request_with_structured_output(chat_server):
    chat_server.script(Reply(body=completion(VALID)))
    chat, _ = backend(chat_server.url)
    result = refine("a red ball bounces", chat, checker=check)
    assert result.ok and result.requests == 1
    request = chat_server.requests[0]
    assert request["path"] == "/v1/chat/completions"
    assert request["headers"]["Authorization"] == f"Bearer {KEY}"
    body = request["body"]
    assert body["model"] == "tiny-model" and body["messages"][0]["role"] == "system"
    assert body["response_format"]["type"] == "json_schema"
    assert "blocks" in body["response_format"]["json_schema"]["schema"]["properties"]
    assert "ball bounces" in result.source


def test_an_invalid_draft_is_repaired_with_the_diagnostics(chat_server):
    chat_server.script(Reply(body=completion(broken_scene())), Reply(body=completion(VALID)))
    chat, _ = backend(chat_server.url)
    result = refine("a red ball bounces", chat, checker=check, file="story.scene")
    assert result.ok and result.requests == 2
    repair = chat_server.requests[1]["body"]["messages"]
    assert [m["role"] for m in repair[-2:]] == ["assistant", "user"]
    text = repair[-1]["content"]
    sent = json.loads(text[text.index("["):text.index("]", text.index("[")) + 1])
    assert sent and sent[0]["code"] == "E002" and "`bal` is not defined" in sent[0]["message"]
    assert {"file", "line", "column", "severity", "code", "message", "help"} <= set(sent[0])
    assert "bal at" in text or "bal bounces" in text   # the numbered program the line numbers point into


def test_a_model_that_never_answers_with_a_program_fails_after_the_rounds(chat_server):
    chat_server.script(Reply(body=completion("I would rather write a poem.")))
    chat, _ = backend(chat_server.url)
    result = refine("a ball", chat, rounds=2, checker=check)
    assert not result.ok and result.requests == 3 and len(chat_server.requests) == 3
    assert result.diagnostics[0].code == "P001" and "poem" in result.diagnostics[0].message


def test_a_body_that_is_not_a_chat_completion_is_a_clear_error(chat_server):
    chat_server.script(Reply(body="<html>proxy error</html>"))
    chat, _ = backend(chat_server.url)
    with pytest.raises(GarbageAnswer, match="not a chat completion.*proxy error"):
        chat.answer("p", [{"role": "user", "content": "p"}])


def test_a_slow_endpoint_times_out_retries_and_says_so(chat_server):
    chat_server.script(Reply(body=completion(VALID), delay=0.6))
    chat, waits = backend(chat_server.url, timeout=0.15, retries=1)
    with pytest.raises(EndpointTimeout, match=r"did not answer within 0.15s \(after 2 tries\)") as caught:
        chat.answer("p", [{"role": "user", "content": "p"}])
    assert "--timeout" in caught.value.hint
    assert len(waits) == 1 and chat.requests_made == 2


def test_server_errors_are_retried_with_growing_waits_then_succeed(chat_server):
    error = Reply(500, {"error": {"message": "model is loading"}})
    chat_server.script(error, error, Reply(body=completion(VALID)))
    chat, waits = backend(chat_server.url, retries=3)
    assert json.loads(chat.answer("p", [{"role": "user", "content": "p"}]))["entities"][0]["name"] == "ball"
    assert len(chat_server.requests) == 3
    assert len(waits) == 2 and waits[1] > waits[0] > 0


def test_server_errors_forever_stop_after_the_retries(chat_server):
    chat_server.script(Reply(500, {"error": {"message": "overloaded, try later"}}))
    chat, waits = backend(chat_server.url, retries=2)
    with pytest.raises(EndpointStatus, match=r"500.*overloaded, try later \(after 3 tries\)") as caught:
        chat.answer("p", [{"role": "user", "content": "p"}])
    assert caught.value.status == 500 and len(chat_server.requests) == 3 and len(waits) == 2


def test_jitter_is_seeded():
    runs = []
    for _ in range(2):
        chat = ChatBackend("http://127.0.0.1:1", "m", seed=7, backoff=1.0)
        runs.append([chat._wait(attempt, None) for attempt in (1, 2, 3)])
    assert runs[0] == runs[1] and runs[0][0] < runs[0][1] < runs[0][2]


def test_unauthorized_is_not_retried_and_the_key_is_masked(chat_server):
    chat_server.script(Reply(401, {"error": {"message": f"Incorrect API key provided: {KEY}"}}))
    chat, _ = backend(chat_server.url)
    with pytest.raises(EndpointStatus) as caught:
        chat.answer("p", [{"role": "user", "content": "p"}])
    message = str(caught.value)
    assert "401" in message and "Incorrect API key" in message and "***" in message
    assert KEY not in message and KEY[-8:] not in message
    assert len(chat_server.requests) == 1 and "API key" in caught.value.hint


def test_a_refused_response_format_falls_back_to_json_object(chat_server):
    chat_server.script(Reply(400, {"error": "response_format json_schema is not supported"}),
                       Reply(body=completion(VALID)))
    chat, _ = backend(chat_server.url)
    chat.answer("p", first_messages("p"))
    formats = [r["body"].get("response_format", {}).get("type") for r in chat_server.requests]
    assert formats == ["json_schema", "json_object"] and chat.mode == "json_object"
    systems = [r["body"]["messages"][0]["content"] for r in chat_server.requests]
    assert SCHEMA_HEADING not in systems[0] and SCHEMA_HEADING in systems[1]   # the schema, written out


def test_nothing_listening_is_endpoint_down():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    chat, waits = backend(f"http://127.0.0.1:{port}/v1", retries=1)
    with pytest.raises(EndpointDown, match=r"cannot reach the endpoint .*after 2 tries") as caught:
        chat.answer("p", [{"role": "user", "content": "p"}])
    assert "server running" in caught.value.hint and len(waits) == 1


def test_completions_url_accepts_a_base_or_a_full_url():
    assert completions_url("http://h:1/v1/") == "http://h:1/v1/chat/completions"
    assert completions_url("http://h:1/v1/chat/completions") == "http://h:1/v1/chat/completions"
