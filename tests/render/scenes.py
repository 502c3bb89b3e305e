"""Small programs built directly as IR, so render tests do not depend on the parser."""
from __future__ import annotations

from hvg.ir import At, Background, Block, Entity, Moves, Placement, Scene, Transition, VideoSettings


def three_block_scene(*, fps=8, size=32, transition: str | None = None, ball_end=0.8) -> Scene:
    def block(i: int, start: float, end: float, a: float, b: float) -> Block:
        return Block(start=start, end=end, description=f"block {i}", background=Background(kind="grass"),
                     placements=[Placement(entity="ball", instance="ball", start=start, end=end,
                                           motion=Moves(path=[(a, 0.5), (b, 0.5)]))])

    blocks = [block(0, 0, 1, 0.2, 0.5), block(1, 1, 2, 0.5, ball_end), block(2, 2, 3, ball_end, ball_end)]
    transitions = [Transition(time=1.0, kind=transition, duration=0.5)] if transition else []
    return Scene(video=VideoSettings(title="t", width=size, height=size, fps=fps, seed=1),
                 entities=[Entity(name="ball", kind="ball", color="red", size=0.2)],
                 blocks=blocks, transitions=transitions)


def still_scene(seconds: int = 2) -> Scene:
    return Scene(video=VideoSettings(width=32, height=32, fps=8),
                 entities=[Entity(name="box", kind="box", color="blue", size=0.3)],
                 blocks=[Block(start=i, end=i + 1, description="a box",
                               placements=[Placement(entity="box", instance="box", start=i, end=i + 1,
                                                     motion=At(pos=(0.5, 0.5)))]) for i in range(seconds)])
