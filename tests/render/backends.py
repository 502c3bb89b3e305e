"""A backend for render tests: the preview renderer, recording what it was asked to draw."""
from __future__ import annotations

from hvg.backends.base import BlockJob, BlockResult
from hvg.backends.preview import PreviewBackend


class CountingBackend(PreviewBackend):
    """The preview renderer, counting which blocks it was asked to draw; can fail on a chosen block."""
    name = "counting"

    def __init__(self, fail_on: int | None = None):
        self.rendered: list[int] = []
        self.handed_on: list[bool] = []  # per rendered block: did it get the previous block's frames and state?
        self.fail_on = fail_on

    def render_block(self, job: BlockJob) -> BlockResult:
        if job.block_index == self.fail_on:
            raise KeyboardInterrupt
        self.rendered.append(job.block_index)
        self.handed_on.append(job.previous_state is not None and job.previous_frames is not None)
        result = super().render_block(job)
        return BlockResult(frames=result.frames, state={"last": result.frames[-1]})
