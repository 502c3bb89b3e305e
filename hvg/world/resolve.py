"""`resolve`: a checked Scene -> the per-frame Timeline of every instance and of the camera.

Positions come from `hvg.motion` (the same functions the checker uses), so what `hvg check` warns about and
what the renderers draw agree. Free words are mapped onto the built-in vocabulary here: synonyms first
(`hvg.vocab.match_*`); for kinds no synonym covers, the caller's `word_mapper` (the sentence-embedding match,
`hvg.lower.embed`, which needs torch) or, without one, `nearest_kind_by_spelling` (a cheap, deterministic
fallback: the kind whose name or synonym is spelled most like one of the words).
"""
from __future__ import annotations

import difflib
from collections.abc import Callable

import numpy as np

from hvg import motion, vocab
from hvg.ir import Block, Entity, Placement, Scene
from hvg.world.camera import camera_track, frame_range, to_screen
from hvg.world.timeline import BlockSpan, CameraTrack, Timeline, Track

WordMapper = Callable[[str], str]

# What a kind looks like when the program gives no color: the colour you would draw it with a crayon.
DEFAULT_KIND_COLOR: dict[str, str] = {
    "ball": "red", "box": "brown", "star": "yellow", "tree": "green", "house": "orange", "car": "blue",
    "bird": "black", "fish": "orange", "boat": "white", "person": "purple", "rocket": "gray", "cloud": "white",
    "sun": "yellow", "moon": "white", "flower": "pink", "balloon": "red",
}
SMOOTH_MATCH_DISTANCE = 1e-9   # a `smooth` seam only eases instances whose position actually jumps


# ---------------------------------------------------------------------------------------------------------------
# Words -> vocabulary
# ---------------------------------------------------------------------------------------------------------------

def nearest_kind_by_spelling(words: str) -> str:
    """The kind (or a kind's synonym) spelled most like any one of the words; ties go to the earlier kind.
    Always answers, so an unknown thing is still drawn as something."""
    names = {**{kind: kind for kind in vocab.KINDS}, **vocab.KIND_SYNONYMS}
    tokens = [t for t in vocab._tokens(words) if t not in vocab.STOP_WORDS] or vocab._tokens(words) or [words]
    best, best_score = vocab.KINDS[0], -1.0
    for name, kind in names.items():
        score = max(difflib.SequenceMatcher(None, token, name).ratio() for token in tokens)
        if score > best_score:
            best, best_score = kind, score
    return best


def embedding_word_mapper() -> WordMapper:
    """The sentence-embedding match onto the kinds (imports torch, so only when asked for)."""
    from hvg.lower.embed import nearest_vocabulary

    return lambda words: nearest_vocabulary(words, vocab.KINDS)[0]


def kind_of(entity: Entity, word_mapper: WordMapper | None = None) -> str:
    if entity.kind in vocab.KINDS:
        return entity.kind
    match = vocab.match_kind(entity.kind)
    if match.item is not None:
        return match.item
    mapped = word_mapper(entity.kind) if word_mapper is not None else None
    return mapped if mapped in vocab.KINDS else nearest_kind_by_spelling(entity.kind)


def color_of(entity: Entity, kind: str) -> tuple[int, int, int]:
    if entity.color is not None and vocab.is_color(entity.color):
        return vocab.color_rgb(entity.color)
    return vocab.color_rgb(DEFAULT_KIND_COLOR.get(kind, "gray"))


def style_of(*candidates: str | None) -> str:
    """The first style given, mapped to a built-in style word; free words nothing covers draw as `flat`."""
    for words in candidates:
        if words:
            return words if words in vocab.STYLES else (vocab.match_style(words).item or "flat")
    return "flat"


def background_of(words: str) -> str:
    return words if words in vocab.BACKGROUNDS else (vocab.match_background(words).item or "plain")


# ---------------------------------------------------------------------------------------------------------------
# Instances
# ---------------------------------------------------------------------------------------------------------------

def _instances(scene: Scene) -> dict[str, list[Placement]]:
    """Every instance's placements, instances in order of first appearance in the program, placements by time."""
    found: dict[str, list[Placement]] = {}
    for block in sorted(scene.blocks, key=lambda b: b.start):
        for placement in block.all_placements():
            found.setdefault(placement.instance, []).append(placement)
    return {name: sorted(ps, key=lambda p: p.start) for name, ps in found.items()}


def _smooth_seams(scene: Scene) -> dict[float, float]:
    return {t.time: t.duration for t in scene.transitions if t.kind == "smooth" and t.duration > 0}


def _track(instance: str, placements: list[Placement], entity: Entity, kind: str, fps: int, n_frames: int,
           frame_aspect: float, seams: dict[float, float]) -> Track:
    visible = np.zeros(n_frames, bool)
    x, y, size, rotation, opacity = (np.zeros(n_frames) for _ in range(5))
    previous_end = None
    previous_placement = None
    shape = dict(kind=kind, frame_aspect=frame_aspect)
    for placement in placements:
        first, last = frame_range(placement.start, placement.end, fps)
        first, last = max(first, 0), min(last, n_frames)
        for n in range(first, last):
            state = motion.state_at(placement, entity.size, n / fps, previous_end, **shape)
            visible[n] = True
            x[n], y[n], size[n], rotation[n], opacity[n] = (state.x, state.y, state.size, state.rotation,
                                                            state.opacity)
        _ease_across_seam(placement, previous_placement, previous_end, entity.size, shape, seams, fps,
                          (first, last), x, y)
        previous_end = motion.end_position(placement, previous_end, entity_size=entity.size, **shape)
        previous_placement = placement
    return Track(instance=instance, entity=entity.name, kind=kind, color=color_of(entity, kind), layer=entity.layer,
                 visible=visible, x=x, y=y, size=size, rotation=rotation, opacity=opacity,
                 screen_x=np.zeros(n_frames), screen_y=np.zeros(n_frames), screen_size=np.zeros(n_frames),
                 screen_rotation=np.zeros(n_frames), look=entity.look)


def _ease_across_seam(placement, previous, previous_end, entity_size, shape, seams, fps, frames, x, y) -> None:
    """`smooth D` at a seam the instance crosses: start from where it was and ease (in_out) onto its new path
    over D seconds, instead of jumping."""
    if previous is None or previous_end is None or abs(previous.end - placement.start) > 1e-9:
        return
    duration = next((d for t, d in seams.items() if abs(t - placement.start) <= 1e-9), None)
    if duration is None:
        return
    start = motion.start_position(placement, previous_end, entity_size=entity_size, **shape)
    gap = (previous_end[0] - start[0], previous_end[1] - start[1])
    if max(abs(gap[0]), abs(gap[1])) <= SMOOTH_MATCH_DISTANCE:
        return
    n = np.arange(*frames)
    u = np.clip((n / fps - placement.start) / duration, 0.0, 1.0)
    remaining = 1.0 - u * u * (3.0 - 2.0 * u)
    x[frames[0]:frames[1]] += gap[0] * remaining
    y[frames[0]:frames[1]] += gap[1] * remaining


def _apply_camera(track: Track, camera: CameraTrack, frame_aspect: float) -> None:
    track.screen_x, track.screen_y = to_screen(track.x, track.y, camera, frame_aspect)
    track.screen_size = track.size * camera.zoom
    # the picture turns by -roll (counter-clockwise for a clockwise camera roll), and so does every object in it
    track.screen_rotation = track.rotation - camera.roll


# ---------------------------------------------------------------------------------------------------------------
# Blocks
# ---------------------------------------------------------------------------------------------------------------

def _block_span(index: int, block: Block, scene: Scene, fps: int) -> BlockSpan:
    first, last = frame_range(block.start, block.end, fps)
    background = block.background
    transition = scene.transition_at(block.start) if index > 0 else None
    color = vocab.color_rgb(background.color) if background.color and vocab.is_color(background.color) else None
    return BlockSpan(
        index=index, start_frame=first, end_frame=last, description=block.description,
        background=background_of(background.kind), time_of_day=background.time or "day",
        weather=background.weather or "clear", background_color=color,
        background_motion=background.motion or "still", motion_strength=float(background.strength),
        style=style_of(block.style, scene.video.style),
        transition_in=transition.kind if transition else "cut",
        transition_duration=float(transition.duration) if transition else 0.0)


# ---------------------------------------------------------------------------------------------------------------
# resolve
# ---------------------------------------------------------------------------------------------------------------

def n_frames_of(scene: Scene) -> int:
    return frame_range(0.0, scene.duration, scene.video.fps)[1]


def resolve(scene: Scene, *, word_mapper: WordMapper | None = None) -> Timeline:
    """Every instance's world and screen state and the camera at every frame, plus each block's settings.

    `word_mapper(words) -> kind` maps free-word kinds that no synonym covers (e.g. the sentence-embedding
    match); without one, `nearest_kind_by_spelling` decides."""
    video = scene.video
    fps, n_frames = video.fps, n_frames_of(scene)
    frame_aspect = video.width / video.height
    blocks = sorted(scene.blocks, key=lambda b: b.start)
    camera = camera_track(blocks, n_frames, fps, video.seed)
    entities = {e.name: e for e in scene.entities}
    kinds: dict[str, str] = {}
    seams = _smooth_seams(scene)
    tracks = []
    for instance, placements in _instances(scene).items():
        entity = entities[placements[0].entity]
        if entity.name not in kinds:
            kinds[entity.name] = kind_of(entity, word_mapper)
        track = _track(instance, placements, entity, kinds[entity.name], fps, n_frames, frame_aspect, seams)
        _apply_camera(track, camera, frame_aspect)
        tracks.append(track)
    spans = [_block_span(i, block, scene, fps) for i, block in enumerate(blocks)]
    chunk_spans = [(*frame_range(c.start, c.end, fps), c.description) for b in blocks for c in b.chunks]
    return Timeline(fps=fps, width=video.width, height=video.height, n_frames=n_frames, seed=video.seed,
                    tracks=tracks, camera=camera, blocks=spans, chunk_spans=chunk_spans)
