"""The `builtin` backend: the HST-UNet flow-matching model shipped in hvg/checkpoints/, block by block.

One block:
1. lower the block to its conditioning (hvg.lower.conditioning.lower) at the latent grid
2. motion-guided noise along the block's motion field, its first frame continuing the previous block's last
3. the previous block's last latent frames as temporal context (from `previous_state`; else the previous
   block's frames, encoded), with their layout maps
4. pyramidal flow-matching sampling with classifier-free guidance (steps, stages and guidance from the
   quality preset), progress through `job.on_step`; by default it starts part-way from the block's preview
   animatic (SDEdit, `init="preview"`, `strength`), else from noise alone (`init="noise"`)
5. cross-frame refinement; across a `smooth` transition, the jump from the previous block's last latent frame
   eased out over the transition (`ease_into`) (`sample_latents` stops here); decode, uint8 frames; the state for the next block (history at
   reduced resolution, last noise frame)
"""
from __future__ import annotations

from pathlib import Path

import numpy as np

from hvg.backends.base import BlockJob, BlockResult

NOISE_CORRELATION = 0.9
DEFAULT_STRENGTH = 0.1  # measured on unseen synthetic programs: control falls fast above it (docs/model.md)
DEFAULT_REFINE = False  # the refiner lowers flicker but blurs small objects; unrefined flicker is already at the
                        # preview's (docs/model.md), so control decides
# What block i hands to block i + 1 as `BlockResult.state`: a dict of float32 numpy arrays (the render cache
# stores it as npz), batch of one.
STATE_KEYS = ("history_coarse",   # (1, c, k - full, h/2, w/2) the older context frames at half resolution
              "history_fine",     # (1, c, full, h, w) the newest context frames
              "maps",             # (1, m, k, h, w) their layout maps
              "last_noise")       # (c, h, w) the last frame of this block's initial noise


def _state_of(previous) -> dict | None:
    if not isinstance(previous, dict) or any(key not in previous for key in STATE_KEYS):
        return None
    import torch
    return {key: torch.as_tensor(np.asarray(previous[key]), dtype=torch.float32) for key in STATE_KEYS}


def ease_into(latents, previous_last, count: int):
    """Spread the jump between the previous block's last latent frame and this block's first over the smooth
    transition's `count` frames (docs/semantics.md: `smooth D` eases across the seam). latents (b, c, f, h, w),
    previous_last (b, c, 1, h, w). Frame k moves by (previous_last - first) * (1 - (k + 1) / (count + 1)): the
    seam pair then changes by 1 / (count + 1) of the jump, like every pair after it, and frame `count` onwards
    is untouched. What the model drew is kept; only the offset between the blocks is faded out."""
    count = min(count, latents.shape[2])
    if count <= 0:
        return latents
    jump = previous_last - latents[:, :, :1]
    weights = 1.0 - latents.new_tensor(range(1, count + 1)) / (count + 1)            # (count,)
    eased = latents.clone()
    eased[:, :, :count] += jump * weights.view(1, 1, -1, 1, 1)
    return eased


class BuiltinBackend:
    name = "builtin"

    def __init__(self, checkpoint: str | Path | None = None, device: str = "cpu", noise: str = "warped",
                 init: str = "preview", strength: float = DEFAULT_STRENGTH, context: bool = True,
                 refine: bool = DEFAULT_REFINE, pyramid: bool = True, ease: bool = True):
        """`init="preview"`: start the flow part-way, at t = 1 - strength, from the procedural preview of the
        block (SDEdit): the model redraws the animatic instead of drawing from noise alone, which the CPU-trained
        shipped checkpoint cannot yet do well (docs/model.md). `init="noise"` (or strength 1) = pure generation.

        The ablation switches (docs/benchmarks.md): `noise="iid"` instead of motion-guided noise, `context=False`
        (no previous-block frames in temporal attention), `refine=True` (cross-frame refinement, off by default),
        `pyramid=False` (every step at full resolution), `ease=False` (no easing across smooth seams).

        Only the file's metadata and hash are read here; the weights (and torch) load when a block needs them,
        so a render served from the block cache never pays for them."""
        from hvg.backends import BACKEND_OPTIONS, BackendUnavailable, shipped_checkpoint
        from hvg.model.checkpoint_file import CheckpointError, file_sha256, read_metadata
        from hvg.model.config import ModelConfig

        path = Path(checkpoint) if checkpoint is not None else shipped_checkpoint()
        if path is None:
            raise BackendUnavailable("no checkpoint ships with this copy of hvg",
                                     "train one with `hvg train --preset small` and pass --checkpoint PATH, "
                                     "or render with --backend preview")
        try:
            metadata = read_metadata(path)
        except CheckpointError as error:
            raise BackendUnavailable(str(error), error.hint) from None
        accepts = BACKEND_OPTIONS["builtin"]
        if init not in accepts["init"].split("|") or not 0.0 < strength <= 1.0:
            raise BackendUnavailable(f"init {init!r} with strength {strength} is not a builtin setting",
                                     f"init takes {accepts['init']}; strength takes {accepts['strength']}")
        if noise not in accepts["noise"].split("|"):
            raise BackendUnavailable(f"noise {noise!r} is not a builtin setting", f"noise takes {accepts['noise']}")
        self.path, self.noise = path, noise    # the device is each job's (`BlockJob.device`)
        self.init, self.strength = init, strength
        self.use_context, self.use_refiner, self.use_pyramid = bool(context), bool(refine), bool(pyramid)
        self.use_easing = bool(ease)
        self.config = ModelConfig.from_dict(metadata["model_config"])
        self.sha256 = file_sha256(path)
        self._loaded = None

    @property
    def loaded(self):
        """The model and latent space, loaded (with torch) on first use."""
        if self._loaded is None:
            from hvg.backends import BackendUnavailable
            from hvg.model.checkpoint import CheckpointError, load_checkpoint
            try:
                loaded = load_checkpoint(self.path, device="cpu")
            except CheckpointError as error:
                raise BackendUnavailable(str(error), error.hint) from None
            if loaded.sha256 != self.sha256:   # the cache keys name the file as it was when the render began
                raise BackendUnavailable(f"{self.path} changed while rendering",
                                         "render again once the file is no longer being written (e.g. by training)")
            self._loaded = loaded
        return self._loaded

    def fingerprint(self) -> str:
        init = f"preview@{self.strength:g}" if self.init == "preview" and self.strength < 1 else "noise"
        # every switch set away from its default, so a default render's key stays short
        switches = "".join(f"-{name}:{'on' if on else 'off'}" for name, on, default in (
            ("context", self.use_context, True), ("refine", self.use_refiner, DEFAULT_REFINE),
            ("pyramid", self.use_pyramid, True), ("ease", self.use_easing, True)) if on != default)
        return f"builtin-{self.sha256[:16]}-noise:{self.noise}-rho:{NOISE_CORRELATION}-init:{init}{switches}"

    # --- one block -------------------------------------------------------------------------------------------

    def render_block(self, job: BlockJob) -> BlockResult:
        import torch

        from hvg.model.autoencoder import tensor_to_frames

        latents, next_state = self.sample_latents(job)
        with torch.no_grad():
            frames = tensor_to_frames(self.loaded.autoencoder.to(job.device or "cpu").decode(latents))
        return BlockResult(frames=np.ascontiguousarray(frames), state=next_state)

    def sample_latents(self, job: BlockJob):
        """Steps 1-5 short of decoding: (the block's final latents (1, c, f, h, w) on the job's device, the state
        for the next block). The decoder's training (`hvg.model.decoder_train.sampled_pairs`) reads these."""
        import torch

        from hvg.lower.conditioning import lower
        from hvg.lower.motion_field import noise_flow
        from hvg.lower.noise import make_noise
        from hvg.model.autoencoder import frames_to_tensor
        from hvg.model.condition import condition_from_lowered
        from hvg.model.pyramid import compress_history, expand_history
        from hvg.model.sampler import sample_pyramid

        device = job.device or "cpu"
        model = self.loaded.model.to(device)
        autoencoder = self.loaded.autoencoder.to(device)
        config = self.config
        timeline = job.timeline
        span = timeline.blocks[job.block_index]
        grid = (timeline.height // config.patch, timeline.width // config.patch)
        self._check_size(timeline, grid)

        # 1. conditioning
        lowered = lower(job.scene, job.block_index, timeline=timeline, grid=grid)
        cond = condition_from_lowered(lowered, config, model.layout_projection.cpu())

        # 2. noise: a deterministic function of (seed, block), continuing the previous block's last frame
        state = _state_of(job.previous_state)
        generator = torch.Generator().manual_seed(int(job.seed) * 1009 + job.block_index)
        shape = (config.latent_channels, lowered.frames, *grid)
        noise = make_noise(self.noise, shape, generator=generator, flow=noise_flow(lowered.motion),
                           correlation=NOISE_CORRELATION, previous_last=None if state is None else state["last_noise"])

        # 3. temporal context: the previous block's last latent frames (the noise continues either way)
        context, context_maps = None, None
        if self.use_context and state is not None:
            context = expand_history({"coarse": state["history_coarse"], "fine": state["history_fine"]})
            context_maps = state["maps"]
        elif self.use_context and job.previous_frames is not None and config.context_frames:
            frames = job.previous_frames[-config.context_frames:]
            with torch.no_grad():
                context = autoencoder.encode(frames_to_tensor(frames).to(device)).cpu()

        # 4. pyramidal sampling with guidance (from the preview animatic part-way, by default)
        init, t_start = None, 0.0
        if self.init == "preview" and self.strength < 1.0:
            from hvg.world.preview import render_preview
            animatic = render_preview(timeline, span.start_frame, span.end_frame, ground_truth=False).frames
            with torch.no_grad():
                init = autoencoder.encode(frames_to_tensor(animatic).to(device))
            t_start = 1.0 - self.strength
        stages = self._stages(job.quality.pyramid_stages, grid) if self.use_pyramid else 1
        callback = (lambda done, total, x: job.on_step(done, total)) if job.on_step else None
        with torch.no_grad():
            latents = sample_pyramid(
                model, noise[None].to(device), cond.to(device), steps=job.quality.steps, stages=stages,
                guidance=job.quality.guidance, callback=callback, init=init, t_start=t_start,
                context=None if context is None else context.to(device),
                context_maps=None if context_maps is None else context_maps.to(device))
            # 5. refinement, decode
            if self.use_refiner:
                latents = model.refiner(latents)
            if self.use_easing and state is not None and span.transition_in == "smooth" \
                    and state["history_fine"].shape[2]:
                latents = ease_into(latents, state["history_fine"][:, :, -1:].to(device),
                                    round(span.transition_duration * timeline.fps))
        keep = config.context_frames
        history = compress_history(latents.cpu(), keep, config.history_full_frames)
        next_state = {"history_coarse": history["coarse"], "history_fine": history["fine"],
                      "maps": cond.maps[:, :, -keep:] if keep else cond.maps[:, :, :0], "last_noise": noise[:, -1]}
        next_state = {key: value.detach().float().numpy().copy() for key, value in next_state.items()}
        return latents, next_state

    # --- sizes -----------------------------------------------------------------------------------------------

    def _check_size(self, timeline, grid) -> None:
        from hvg.backends import BackendUnavailable
        if timeline.height % self.config.patch or timeline.width % self.config.patch or grid[0] % 4 or grid[1] % 4:
            raise BackendUnavailable(
                f"the builtin model renders frames whose sides are multiples of {4 * self.config.patch} pixels, "
                f"not {timeline.width}x{timeline.height}",
                f"set `size` in the video settings to e.g. 128x128, or render with --backend preview")

    @staticmethod
    def _stages(wanted: int, grid: tuple[int, int]) -> int:
        """As many pyramid stages as the grid allows: the coarsest stage's grid must still divide by 4."""
        stages = max(1, wanted)
        while stages > 1 and any(side % (4 * 2 ** (stages - 1)) for side in grid):
            stages -= 1
        return stages
