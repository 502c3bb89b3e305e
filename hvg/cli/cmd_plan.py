"""`hvg plan "prompt"`: draft a scene program with a language model (or the offline rules), repaired by `check`.

Exit 0 with a clean program (warnings allowed), 1 when it still has errors after the repair rounds (the last
draft is kept as `<output>.draft`), 2 for usage errors and for an endpoint or model that cannot be used.
"""
from __future__ import annotations

import os
import re
import sys
from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer

from hvg.cli.app import EXIT_FINDINGS, EXIT_OK, app, exit_with, fail, stderr

KEY_VARIABLES = ("HVG_API_KEY", "OPENAI_API_KEY")


class RenderBackendName(str, Enum):
    auto = "auto"
    builtin = "builtin"
    preview = "preview"


class PlanBackendName(str, Enum):
    auto = "auto"
    offline = "offline"
    chat = "chat"
    transformers = "transformers"


@app.command()
def plan(
    prompt: Annotated[str, typer.Argument(help="The story in words (`-` reads standard input).",
                                          show_default=False)],
    output: Annotated[Optional[Path], typer.Option("--output", "-o", help="Write the program here (atomically); "
                                                   "standard output if omitted.")] = None,
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing output file.")] = False,
    backend: Annotated[PlanBackendName, typer.Option(help="offline: rules, no model; chat: an OpenAI-compatible "
                                                     "endpoint; transformers: a local model folder; auto: chat "
                                                     "with --endpoint, transformers with a --model folder, "
                                                     "else offline.")] = PlanBackendName.auto,
    endpoint: Annotated[Optional[str], typer.Option(help="Chat endpoint base URL, e.g. "
                                                    "http://localhost:11434/v1 (ollama).")] = None,
    model: Annotated[Optional[str], typer.Option(help="Model name (chat) or local model folder "
                                                 "(transformers).")] = None,
    api_key_env: Annotated[Optional[str], typer.Option(help="Environment variable holding the API key "
                                                       "(otherwise HVG_API_KEY, then OPENAI_API_KEY).")] = None,
    rounds: Annotated[int, typer.Option(min=0, help="Repair rounds after the first draft.")] = 3,
    repair_warnings: Annotated[bool, typer.Option("--repair-warnings", help="Send warnings back for repair too "
                                                  "(errors always are).")] = False,
    timeout: Annotated[float, typer.Option(min=0.001, help="Seconds to wait for each chat request.")] = 120.0,
    retries: Annotated[int, typer.Option(min=0, help="Retries on connection errors, timeouts, 429 and 5xx.")] = 4,
    temperature: Annotated[float, typer.Option(min=0.0, help="0 decodes greedily.")] = 0.0,
    seed: Annotated[int, typer.Option(help="Seed for sampling and for retry jitter.")] = 0,
    max_tokens: Annotated[int, typer.Option(min=1, help="Longest answer, in tokens.")] = 4096,
    no_cache: Annotated[bool, typer.Option("--no-cache", help="Ask the model again even if this plan is "
                                           "cached.")] = False,
    render: Annotated[bool, typer.Option("--render", help="Render the finished program next to it "
                                         "(`story.mp4`).")] = False,
    render_backend: Annotated[RenderBackendName, typer.Option(
        help="Backend for --render (see `hvg render`).")] = RenderBackendName.auto,
) -> None:
    """Draft a program from a prompt; every draft is checked and repaired until clean."""
    from hvg.plan.errors import PlanError

    if prompt == "-":
        prompt = sys.stdin.read()
    if not prompt.strip():
        fail("the prompt is empty", 'describe the story, e.g. hvg plan "a red ball bounces along a beach"')
    if output is not None and output.suffix.lower() in (".mp4", ".webm", ".gif", ".png"):
        fail(f"-o {output} names a video, but hvg plan writes a program",
             f"write it to {output.with_suffix('.scene')} (add --render for the video beside it)")
    if output is not None and output.is_dir():
        fail(f"{output} is a folder", f"name a file for the program, like {output / 'story.scene'}")
    if output is not None and output.exists() and not force:
        fail(f"{output} already exists", "pass --force to overwrite it, or choose another -o")
    if output is not None and not output.absolute().parent.is_dir():
        fail(f"the folder {output.parent} does not exist", f"create it first: mkdir -p {output.parent}")
    if render and output is None:
        fail("--render needs an output file", "add -o story.scene")
    if render and output.with_suffix(".mp4").exists() and not force:
        fail(f"{output.with_suffix('.mp4')} already exists", "pass --force to overwrite it")
    name = _backend_name(backend, endpoint, model)
    plan_backend = _make_backend(name, endpoint, model, api_key_env, timeout=timeout, retries=retries,
                                 temperature=temperature, seed=seed, max_tokens=max_tokens)
    settings = {"prompt": prompt, "backend": name, "model": model, "endpoint": endpoint, "rounds": rounds,
                "temperature": temperature, "seed": seed, "max_tokens": max_tokens,
                "repair_warnings": repair_warnings}
    try:
        result = _plan(prompt, plan_backend, settings, rounds, use_cache=not no_cache and name != "offline",
                       file=str(output) if output else "<plan>")
    except PlanError as error:
        fail(str(error), error.hint)
    _report(result, output)
    if result.ok and name == "offline" and not re.search(r"^entity ", result.source or "", re.MULTILINE):
        from hvg.vocab import KINDS
        stderr.print("note: nothing in the prompt is a thing the offline planner can draw, so the program is only "
                     f"a background; name things it knows ({', '.join(KINDS)}), or plan with a language model "
                     "(--endpoint URL --model NAME)", markup=False)
    if not result.ok:
        exit_with(EXIT_FINDINGS)
    if output is None:
        sys.stdout.write(result.source)
    else:
        from hvg.plan.cache import write_atomic
        write_atomic(output, result.source)
        cached = " (from the cache)" if result.from_cache else ""
        stderr.print(f"wrote {output}{cached}", markup=False)
    if render:
        _render(output, force, render_backend.value)
    exit_with(EXIT_OK)


def _backend_name(backend: PlanBackendName, endpoint: str | None, model: str | None) -> str:
    if backend is not PlanBackendName.auto:
        return backend.value
    if endpoint:
        return "chat"
    if model and Path(model).expanduser().is_dir():
        return "transformers"
    if model:
        fail(f"--model {model} needs --endpoint (a chat model) or must be a local model folder",
             "e.g. --endpoint http://localhost:11434/v1 --model llama3.1")
    return "offline"


def _api_key(variable: str | None) -> str | None:
    if variable:
        if not os.environ.get(variable):
            fail(f"the environment variable {variable} is not set", f"export {variable}=... with your API key")
        return os.environ[variable]
    return next((os.environ[v] for v in KEY_VARIABLES if os.environ.get(v)), None)


def _make_backend(name: str, endpoint: str | None, model: str | None, api_key_env: str | None, **options):
    if name == "chat":
        if not endpoint or not model:
            fail("the chat backend needs --endpoint and --model",
                 "e.g. --endpoint http://localhost:11434/v1 --model llama3.1")
        from hvg.plan.chat import ChatBackend
        return ChatBackend(endpoint, model, api_key=_api_key(api_key_env), timeout=options["timeout"],
                           retries=options["retries"], seed=options["seed"], temperature=options["temperature"],
                           max_tokens=options["max_tokens"])
    if name == "transformers":
        if not model:
            fail("the transformers backend needs --model PATH", "a local folder saved with save_pretrained")
        from hvg.plan.local_model import TransformersBackend
        return TransformersBackend(model, seed=options["seed"], temperature=options["temperature"],
                                   max_new_tokens=options["max_tokens"])
    from hvg.plan.backends import OfflineBackend
    return OfflineBackend()


def _plan(prompt: str, backend, settings: dict, rounds: int, *, use_cache: bool, file: str):
    from hvg.lang.api import check
    from hvg.plan.cache import PlanCache, plan_key
    from hvg.plan.refine import PlanResult, refine

    cache, key = PlanCache(), plan_key(**settings)
    if use_cache:
        cached = cache.get(key)
        if cached is not None:
            found = check(cached, file=file)
            if found.ok:  # a plan cached by an older hvg that no longer checks is planned again
                return PlanResult(cached, True, found.diagnostics, 0, from_cache=True)

    def progress(round_index: int, diagnostics) -> None:
        errors = sum(d.severity == "error" for d in diagnostics)
        warnings = sum(d.severity == "warning" for d in diagnostics)
        if errors or warnings:
            found = f"{errors} error{'s' if errors != 1 else ''}, {warnings} warning{'s' if warnings != 1 else ''}"
            stderr.print(f"round {round_index + 1}: {found}"
                         f"{', repairing' if round_index < rounds and getattr(backend, 'can_repair', True) else ''}",
                         markup=False)

    result = refine(prompt, backend, rounds=rounds, checker=check, file=file, on_round=progress,
                    repair_warnings=settings["repair_warnings"])
    if result.ok and use_cache:
        cache.put(key, result.source)
    return result


def _report(result, output: Path | None) -> None:
    """Diagnostics to stderr, with the program's own lines under them; a failed draft kept beside the output."""
    from hvg.lang.report import render

    lines = (result.source or "").splitlines()
    shown = result.diagnostics if not result.ok else [d for d in result.diagnostics if d.severity != "info"]
    for diagnostic in shown:
        stderr.print(render(diagnostic, lambda _file, n: lines[n - 1] if 0 < n <= len(lines) else None), end="")
    if result.ok:
        return
    errors = sum(d.severity == "error" for d in result.diagnostics)
    stderr.print(f"error: the plan still has {errors} error{'s' if errors != 1 else ''} after "
                 f"{result.requests} draft{'s' if result.requests != 1 else ''}", markup=False)
    kept = result.source or result.last_answer  # with no program read, the model's answer itself
    if not kept:
        return
    if output is not None:
        from hvg.plan.cache import write_atomic
        draft = output.with_name(output.name + ".draft")
        write_atomic(draft, kept)
        stderr.print(f"  help: the last draft is in {draft}; fix it by hand and run `hvg check {draft}`",
                     markup=False)
    else:
        stderr.print("  help: the last draft follows; save it, fix it and run `hvg check` on it", markup=False)
        stderr.out(kept, highlight=False)


def _render(output: Path, force: bool, backend: str) -> None:
    try:
        from hvg.rendering import RenderSettings, render_scene
    except ImportError as error:
        fail(f"cannot render: the render pipeline is not available ({error})",
             f"render later with `hvg render {output}`")
    from hvg.backends import BackendUnavailable
    from hvg.video.io import OutputError

    video = output.with_suffix(".mp4")
    try:
        report = render_scene(output, video, settings=RenderSettings(backend=backend), force=force)
    except (OutputError, BackendUnavailable) as error:
        fail(f"the plan is in {output}, but it was not rendered: {error}", error.hint)
    stderr.print(f"rendered {report.output} ({report.frames} frames, {report.backend})", markup=False)
