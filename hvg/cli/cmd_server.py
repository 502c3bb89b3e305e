"""`hvg server`: the render servers that make a re-render skip the imports (hvg/server/__init__.py)."""
from __future__ import annotations

from enum import Enum
from typing import Annotated

import typer

from hvg.cli.app import EXIT_FINDINGS, app, exit_with, stderr, stdout


Action = Enum("Action", {name: name for name in ("status", "start", "stop")}, type=str)


@app.command()
def server(
    action: Annotated[Action, typer.Argument(help="status: list the servers; start: start this installation's "
                                             "server now and wait until it is ready; stop: stop them all.")]
    = Action.status,
) -> None:
    """List, start or stop the render servers that let a re-render skip ~1.7 s of imports.

    `hvg render` starts one after a render that loaded the model; it leaves after 10 idle minutes. Linux only;
    HVG_NO_SERVER=1 turns them off (docs/render-server.md)."""
    from hvg.server.address import server_allowed, server_dir
    from hvg.server.control import servers, start, stop_all

    if not server_allowed():
        stderr.print("render servers are off here (HVG_NO_SERVER is set, or this is not Linux)", markup=False)
        exit_with(EXIT_FINDINGS if action is Action.start else 0)
    if action is Action.stop:
        stdout.print(f"stopped {stop_all()} server(s)", markup=False)
        return
    if action is Action.start:
        started = start()
        if started is None:
            folder = server_dir()
            where = f"; its log is in {folder}" if folder else "; no private folder for its socket"
            stderr.print(f"error: the render server did not start{where}", markup=False)
            exit_with(EXIT_FINDINGS)
        stdout.print(f"ready: pid {started.status['pid']} at {started.socket}", markup=False)
        return
    found = servers()
    if not found:
        stdout.print("no render servers running", markup=False)
    for each in found:
        if each.status is None:
            state = "starting (not answering yet)" if each.accepting else \
                "not answering (left by a server that ended; `hvg server stop` removes it)"
            stdout.print(f"{each.socket}: {state}", markup=False)
            continue
        info = each.status
        which = "this installation" if each.current else "another installation or an older hvg"
        stdout.print(f"{each.socket}: pid {info['pid']}, {which}, {info['served']} render(s), up "
                     f"{info['up_s']:.0f}s, idle {info['idle_s']:.0f}s; log {each.socket.with_suffix('.log')}",
                     markup=False)
