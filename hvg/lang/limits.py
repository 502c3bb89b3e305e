"""Limits on what one program may ask for. Each is an error with a line, never a crash or a hang.

The numbers, and why:

- ``MAX_FILE_BYTES = 1 MiB``: a hand-written story is a few KiB; a 2,000-block generated program is ~300 KiB.
  Larger input is almost surely not a scene program, and the parser's time grows with it (E027).
- ``MAX_NESTING = 64``: braces and parentheses nested deeper than this are reported before parsing (E026),
  so that no recursive walk over the tree can overflow Python's stack.
- ``MAX_CALL_DEPTH = 32``: group calls inside group calls (E026); recursion is reported separately (E007).
- ``MAX_INSTANCES = 10,000``: placements made by expanding groups and loops, over the whole program (E008).
  A loop whose iteration count alone passes it is reported before expanding anything.
- ``MAX_EXPANSIONS = 100,000``: group calls plus loop iterations over the whole program (E008). Calls that place
  nothing still cost time; without this, twenty groups that each call the next twice would run for hours.
- ``MAX_BLOCKS = 5,000``: blocks in one video (E027); ten hours of 7-second blocks.
- ``MIN_FRAME_SIDE = 8``, ``MAX_FRAME_SIDE = 2048`` pixels, multiples of ``FRAME_MULTIPLE = 8`` (E012):
  the model works on 8x-downsampled latents.
- ``MAX_FPS = 120`` frames a second (E011).
- ``MAX_PIXEL_FRAMES = 2**32`` pixels x frames over the whole video (E027): 512x512 at 24 fps for 11 minutes,
  128x128 at 12 fps for 60 hours. Past that a render would not fit in memory or patience.
- ``MAX_USE_FILES = 64`` files pulled in through ``use``, transitively (E027).
"""
from __future__ import annotations

MAX_FILE_BYTES = 1 << 20
MAX_NESTING = 64
MAX_CALL_DEPTH = 32
MAX_INSTANCES = 10_000
MAX_EXPANSIONS = 100_000
MAX_BLOCKS = 5_000
MIN_FRAME_SIDE = 8
MAX_FRAME_SIDE = 2048
FRAME_MULTIPLE = 8
MAX_FPS = 120
MAX_PIXEL_FRAMES = 1 << 32
MAX_USE_FILES = 64
