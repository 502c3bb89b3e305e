"""The `preview` backend: the procedural renderer, block by block. Exact, fast, and the reference for eval."""
from __future__ import annotations

import hvg
from hvg.backends.base import BlockJob, BlockResult


class PreviewBackend:
    name = "preview"

    def fingerprint(self) -> str:
        # The drawing code is the only thing that changes its output, and it changes with hvg's version.
        return f"preview-{hvg.__version__}"

    def render_block(self, job: BlockJob) -> BlockResult:
        from hvg.world.preview import render_preview
        span = job.timeline.blocks[job.block_index]
        result = render_preview(job.timeline, span.start_frame, span.end_frame, ground_truth=False)
        if job.on_step is not None:
            job.on_step(1, 1)
        return BlockResult(frames=result.frames)
