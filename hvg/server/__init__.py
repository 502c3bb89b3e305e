"""The render server: a process that has already imported torch, diffusers and hvg's renderer, so that `hvg render`
after an edit spends its time on the edited block, not on ~1.7 s of imports.

How it works (Linux only; anywhere else, and with HVG_NO_SERVER=1, `hvg render` runs in its own process as before):

- `hvg render` looks for a server socket first (hvg/server/client.py). None there: it renders in-process and, when
  it has loaded the model, starts a server in the background on its way out.
- The server (hvg/server/zygote.py) imports what a render needs, then waits. For each `hvg render` it forks a child
  that takes over the caller's terminal (its stdin, stdout and stderr travel over the socket), working directory,
  environment and umask, and runs the command exactly as the caller would have: same code, same output.
- Ctrl-C in the caller's terminal is passed on to the child, which stops as an in-process render does (no
  half-written file). The caller exits with the child's exit code.
- A server serves one installation: its socket's name carries a fingerprint of the interpreter, hvg's source files,
  torch's and diffusers' installs and the environment variables read at import time. Edit any of them and the next
  render starts a new server; the old one notices within 30 s and leaves. An idle server leaves after 10 minutes
  (HVG_SERVER_IDLE, seconds).
- Sockets live in a folder only the user can open ($XDG_RUNTIME_DIR/hvg, else /tmp/hvg-UID; HVG_SERVER_DIR
  overrides), and the server answers only its own user (SO_PEERCRED).

`hvg server status` lists the running servers, `hvg server stop` stops them.
"""
