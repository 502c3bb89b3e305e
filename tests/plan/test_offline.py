"""The offline planner: every prompt of the suite drafts a clean program that keeps what the prompt names."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from hvg import ir
from hvg.lang.api import check
from hvg.lang.unparse import unparse
from hvg.plan import layout
from hvg.plan.offline import plan_offline
from hvg.plan.score import coverage

# prompts.json: the suite written alongside the planner; heldout.json: written afterwards, and measured
# once before any rule was changed for it (docs/plan.md gives both numbers).
SUITES = {name: json.loads((Path(__file__).parent / f"{name}.json").read_text()) for name in ("prompts", "heldout")}
PROMPTS = SUITES["prompts"]
REQUIRED_SHARE = 0.90


def compiled(prompt: str) -> tuple[str, ir.Scene, list]:
    source = unparse(plan_offline(prompt))
    result = check(source, file="plan.scene")
    return source, result.scene, result.diagnostics


@pytest.fixture(scope="module", params=list(SUITES))
def named_suite(request) -> tuple[list[dict], list[tuple[str, ir.Scene, list]]]:
    cases = SUITES[request.param]
    return cases, [compiled(case["prompt"]) for case in cases]


@pytest.fixture(scope="module")
def suite() -> list[tuple[str, ir.Scene, list]]:
    return [compiled(case["prompt"]) for case in PROMPTS]


def test_the_suite_is_varied_and_hand_labelled():
    assert len(PROMPTS) >= 40 and len(SUITES["heldout"]) >= 15
    assert len({case["prompt"] for case in PROMPTS}) == len(PROMPTS)
    motions = {motion for case in PROMPTS for _, motion in case["motions"]}
    assert {"moves", "bounces", "orbits", "enters", "exits", "spins", "grows", "shrinks", "fades"} <= motions


def test_every_draft_checks_with_no_errors_and_no_warnings(named_suite):
    cases, drafts = named_suite
    for case, (source, scene, diagnostics) in zip(cases, drafts):
        assert scene is not None, (case["prompt"], source)
        assert diagnostics == [], (case["prompt"], source, diagnostics)


def test_coverage_of_named_objects_colours_and_motions(named_suite):
    cases, drafts = named_suite
    result = coverage(cases, [scene for _, scene, _ in drafts])
    print("\n" + result.report())  # the number docs/plan.md quotes (pytest -s shows it)
    for category in ("objects", "colors", "motions"):
        assert result.share(category) >= REQUIRED_SHARE, result.report()
    assert result.share() >= REQUIRED_SHARE


def test_scorer_notices_what_is_missing():
    case = {"prompt": "p", "objects": ["ball", "bird"], "colors": [["ball", "red"]], "motions": [["ball", "bounces"]]}
    _, scene, _ = compiled("A blue ball rolls on the grass")
    scored = coverage([case], [scene])
    assert scored.share("objects") == 0.5 and scored.share("colors") == 0 and scored.share("motions") == 0


def test_continuity_needs_no_transition():
    """Each statement starts where the thing's last one ended: no teleport warning even without transitions."""
    for case in PROMPTS:
        scene = plan_offline(case["prompt"])
        scene.transitions = []
        teleports = [d for d in check(unparse(scene), file="p").diagnostics if d.code == "W001"]
        assert teleports == [], case["prompt"]


def test_same_prompt_same_program():
    prompt = PROMPTS[9]["prompt"]
    assert unparse(plan_offline(prompt)) == unparse(plan_offline(prompt))


def test_then_starts_a_block_and_while_shares_one():
    _, then_scene, _ = compiled("A ball bounces, then a bird flies")
    _, while_scene, _ = compiled("A ball bounces while a bird flies")
    assert len(then_scene.blocks) == 2 and len(while_scene.blocks) == 1
    assert {p.entity for p in while_scene.blocks[0].placements} == {"ball", "bird"}
    assert then_scene.transition_at(then_scene.blocks[1].start).kind == "smooth"


def test_blocks_last_two_to_four_seconds(suite):
    for _, scene, _ in suite:
        for block in scene.blocks:
            assert 2.0 <= block.end - block.start <= 4.0


def test_synonyms_places_times_and_styles():
    _, scene, _ = compiled("A seagull glides over a misty harbor at sunset in watercolor style")
    assert scene.entities[0].kind == "bird" and scene.entities[0].look == "seagull"
    background = scene.blocks[0].background
    assert (background.kind, background.time, background.weather) == ("ocean", "sunset", "fog")
    assert scene.video.style == "watercolor"


def test_ground_things_low_sky_things_high_and_apart():
    _, scene, _ = compiled("A tree, a house and a flower stand in a field under a white cloud and the sun")
    where = {p.entity: p.motion.pos for p in scene.blocks[0].placements}
    sizes = {e.name: e.size for e in scene.entities}
    kinds = {e.name: e.kind for e in scene.entities}
    for name in ("tree", "house", "flower"):
        assert where[name][1] > 0.55
    for name in ("cloud", "sun"):
        assert where[name][1] < 0.3
    boxes = [((x, y), layout.width(kinds[n], sizes[n]), sizes[n]) for n, (x, y) in where.items()]
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            assert layout.overlap(a, b) == 0


def test_directions_steer_the_motion():
    _, right, _ = compiled("A car drives from left to right")
    _, left, _ = compiled("A car drives from right to left")
    (a, b) = right.blocks[0].placements[0].motion.path
    (c, d) = left.blocks[0].placements[0].motion.path
    assert a[0] < b[0] and c[0] > d[0]
    _, enters, _ = compiled("A bird enters from the right")
    assert enters.blocks[0].placements[0].motion.side == "right"


def test_an_unknown_prompt_still_gives_a_clean_program():
    source, scene, diagnostics = compiled("Quantum entanglement, explained")
    assert scene is not None and not [d for d in diagnostics if d.severity == "error"]


def test_reader_details():
    _, kick, _ = compiled("A boy kicks a ball toward a tree")
    motions = {p.entity: p.motion.type for p in kick.blocks[0].placements}
    assert motions == {"boy": "at", "ball": "moves", "tree": "at"}          # the ball moves, not the boy
    _, cat, _ = compiled("Three birds circle the tree while a cat sleeps")
    assert len(cat.blocks) == 1 and all(p.motion.type in ("orbits", "at") for p in cat.blocks[0].placements)
    _, palm, _ = compiled("A ball rolls toward a palm tree")
    assert [e.kind for e in palm.entities] == ["ball", "tree"] and palm.entities[1].look == "palm tree"
    _, sunset, _ = compiled("Two kids run across the beach as the sun sets")
    assert sunset.blocks[0].background.time == "sunset" and sunset.entities[0].look == "kid"
    _, street, _ = compiled("A taxi drives down the street")
    path = street.blocks[0].placements[0].motion.path
    assert path[0][1] == path[-1][1]                                        # along the street, not downwards


def test_the_title_is_the_first_clause_never_cut_off_mid_sentence():
    _, scene, _ = compiled("a red ball bounces along a beach at sunset, then a gull flies over the sea")
    assert scene.video.title == "A red ball bounces along a beach at sunset"
    _, scene, _ = compiled("a palm tree sways as a taxi drives down the street near the old harbor")
    assert not scene.video.title.endswith(("down", "the", ",")) and len(scene.video.title) <= 48
    _, scene, _ = compiled("a " + "x" * 70 + " ball rises")
    assert len(scene.video.title) == 48


def test_entities_are_named_by_the_writers_word():
    _, scene, _ = compiled("a red ball bounces along a beach at sunset, then a gull flies over the sea")
    assert {(e.name, e.kind) for e in scene.entities} == {("ball", "ball"), ("gull", "bird")}
    _, scene, _ = compiled("two gulls circle a palm tree while a taxi drives by")
    names = {e.name: e.kind for e in scene.entities}
    assert names == {"gull1": "bird", "gull2": "bird", "palm_tree": "tree", "taxi": "car"}


def test_a_different_word_of_the_same_kind_is_a_different_thing():
    _, scene, _ = compiled("A balloon slowly rises into the cloudy sky while a kite drifts to the left")
    assert sorted((e.name, e.kind) for e in scene.entities) == [("balloon", "balloon"), ("kite", "balloon")]
    assert len(scene.blocks) == 1  # "while": the kite's drift shares the balloon's block
    _, scene, _ = compiled("A seagull flies over the beach, then the gull lands")
    assert [e.name for e in scene.entities] == ["seagull"]


def test_a_block_cut_from_a_sentence_says_who_acts():
    _, scene, _ = compiled("A rocket takes off from the desert at night and flies into space, where it circles the moon.")
    assert [b.description for b in scene.blocks[1:]] == ["The rocket flies into space", "The rocket circles the moon"]
    _, scene, _ = compiled("A green car races past a house, then stops beside the house.")
    assert scene.blocks[1].description == "The car stops beside the house"
    assert scene.blocks[1].placements[0].entity == "car"


def test_a_title_skips_an_opening_setting_clause_when_it_must_shorten():
    _, scene, _ = compiled("In pixel art style, a green car races past a house and a tree, then stops beside the house.")
    assert scene.video.title == "A green car races past a house and a tree"
    _, scene, _ = compiled("At sunset, a ball bounces")
    assert scene.video.title == "At sunset, a ball bounces"


def test_descriptions_keep_letters_outside_ascii():
    _, scene, _ = compiled("A red ball rests by the café in Zürich")
    assert scene.blocks[0].description == "A red ball rests by the café in Zürich"
    _, scene, _ = compiled("A rocket leaves Earth, then flies past the moon. The moon shines")
    assert [b.description for b in scene.blocks][:2] == ["A rocket leaves Earth", "The rocket flies past the moon"]


@pytest.mark.parametrize("prompt", ["Two cars race from left to right", "three kids run from right to left",
                                    "four cars drive across the city"])
def test_several_crossing_together_go_as_far_and_never_through_each_other(prompt):
    _, scene, _ = compiled(prompt)
    paths = [p.motion.path for p in scene.blocks[0].placements]
    distances = [round(b[0] - a[0], 3) for a, b in paths]
    assert len(set(distances)) == 1 and abs(distances[0]) >= 0.3
    starts, ends = [a[0] for a, _ in paths], [b[0] for _, b in paths]
    assert sorted(range(len(starts)), key=starts.__getitem__) == sorted(range(len(ends)), key=ends.__getitem__)


def test_it_rains_and_a_taxi_is_yellow():
    _, scene, _ = compiled("It rains on the city. A taxi stops. A crow lands on the roof")
    assert all(b.background.weather == "rain" for b in scene.blocks)
    colors = {e.name: e.color for e in scene.entities}
    assert colors["taxi"] == "yellow" and colors["crow"] == "black"
    _, scene, _ = compiled("A red taxi drives by")
    assert scene.entities[0].color == "red"  # a colour the writer names wins


def test_things_rising_together_rise_side_by_side_not_on_top_of_each_other():
    _, scene, _ = compiled("Three balloons rise slowly into the sky at sunset")
    starts = [p.motion.path[0] for p in scene.blocks[0].placements]
    assert len(starts) == 3 and min(abs(a[0] - b[0]) for i, a in enumerate(starts) for b in starts[i + 1:]) >= 0.15


def test_a_man_and_a_woman_are_two_people():
    _, scene, _ = compiled("A man and a woman walk down the street together")
    assert sorted(e.name for e in scene.entities) == ["man", "woman"]


def test_a_story_longer_than_one_video_stops_at_the_block_limit(monkeypatch):
    from hvg.plan import offline
    monkeypatch.setattr(offline, "MAX_BLOCKS", 3)
    scene = plan_offline("a ball bounces, then " * 5)
    assert len(scene.blocks) == 3
    assert len(scene.transitions) == 2


def test_a_bird_hops_on_the_ground_and_flies_up_to_a_tree():
    _, scene, _ = compiled("A tiny yellow bird hops across the grass, then flies up to a tree.")
    hop, flight = scene.blocks[0].placements[0].motion, scene.blocks[1].placements[0].motion
    assert hop.type == "bounces" and hop.start[1] > 0.8 and hop.height <= 0.12
    assert flight.path[-1][1] < 0.4  # up, not along the ground
