"""Word tables of the offline planner: which English words name motions, directions, times, weather and styles.

Kinds, backgrounds and colors come from `hvg.vocab`; this file adds only what a prompt says about them
(verb forms, colour shades, sequence words). Every table maps a lower-case token to a canonical meaning.
"""
from __future__ import annotations

from hvg import vocab


def _forms(meaning: str, *stems: str) -> dict[str, str]:
    """Each space-separated group lists the forms of one verb (`fly flies flying flew`)."""
    return {form: meaning for group in stems for form in group.split()}


# Motion families: the base motions of the language, plus modifiers (spins, grows, shrinks, fades_in/out)
# and `at` for verbs that keep a thing in place.
MOTION_VERBS: dict[str, str] = {
    **_forms("moves", "move moves moving moved", "fly flies flying flew", "drift drifts drifting drifted",
             "cross crosses crossing crossed", "glide glides gliding glided", "roll rolls rolling rolled",
             "walk walks walking walked", "run runs running ran", "swim swims swimming swam",
             "sail sails sailing sailed", "drive drives driving drove", "float floats floating floated",
             "race races racing raced", "travel travels travelling traveling travelled traveled",
             "wander wanders wandering wandered", "slide slides sliding slid", "soar soars soaring soared",
             "dart darts darting darted", "stroll strolls strolling strolled", "rush rushes rushing rushed",
             "dash dashes dashing dashed", "cruise cruises cruising cruised", "paddle paddles paddling paddled",
             "go goes going went", "head heads heading headed", "pass passes passing passed",
             "approach approaches approaching approached", "hurry hurries hurrying hurried",
             "skate skates skating skated", "chase chases chasing chased", "zip zips zipping zipped",
             "speed speeds speeding sped", "flutter flutters fluttering fluttered", "waddle waddles",
             "parks parked parking"),  # not "park": "the park" is a place
    **_forms("rises", "rise rises rising", "climb climbs climbing climbed", "ascend ascends ascending ascended",
             "launch launches launching launched", "lift lifts lifting lifted"),
    **_forms("falls", "fall falls falling fell", "drop drops dropping dropped", "sink sinks sinking sank",
             "descend descends descending descended", "land lands landing landed", "dive dives diving dove",
             "set sets setting"),
    **_forms("bounces", "bounce bounces bouncing bounced", "hop hops hopping hopped", "jump jumps jumping jumped",
             "leap leaps leaping leapt leaped", "skip skips skipping skipped"),
    **_forms("orbits", "orbit orbits orbiting orbited", "circle circles circling circled",
             "revolve revolves revolving revolved", "spiral spirals spiraling spiralling spiraled", "loop loops"),
    **_forms("enters", "enter enters entering entered", "arrive arrives arriving arrived"),
    **_forms("exits", "exit exits exiting exited", "leave leaves leaving", "depart departs departing departed"),
    **_forms("spins", "spin spins spinning spun", "rotate rotates rotating rotated", "twirl twirls twirling",
             "whirl whirls whirling", "tumble tumbles tumbling tumbled"),
    **_forms("grows", "grow grows growing grew", "expand expands expanding expanded", "swell swells swelling"),
    **_forms("shrinks", "shrink shrinks shrinking shrank shrunk"),
    **_forms("fades", "fade fades fading faded"),
    **_forms("fades_in", "appear appears appearing appeared", "emerge emerges emerging emerged"),
    **_forms("fades_out", "disappear disappears disappearing disappeared", "vanish vanishes vanishing vanished"),
    **_forms("at", "rest rests resting rested", "sit sits sitting sat", "stand stands standing stood",
             "wait waits waiting waited", "hover hovers hovering hovered", "stay stays staying stayed",
             "lie lies lying lay", "sleep sleeps sleeping slept", "shine shines shining shone",
             "glow glows glowing glowed", "twinkle twinkles twinkling twinkled", "sway sways swaying swayed",
             "watch watches watching watched", "bloom blooms blooming bloomed",
             "idle idles idling", "stop stops stopping stopped", "halt halts halting halted",
             "pause pauses pausing paused"),
}
# Base motions: an instance has one at a time. The rest are modifiers that ride on a base motion.
BASE_MOTIONS = ("at", "moves", "rises", "falls", "bounces", "orbits", "enters", "exits")

# Directions and sides named in a clause.
RIGHTWARD = frozenset("rightward rightwards eastward".split())
LEFTWARD = frozenset("leftward leftwards westward".split())
UPWARD = frozenset("up upward upwards skyward skywards".split())
DOWNWARD = frozenset("down downward downwards".split())
AWAY = frozenset("away off out".split())
SIDES = {"left": "left", "right": "right", "top": "top", "bottom": "bottom", "above": "top", "below": "bottom"}

# Prepositions that make the following noun a landmark rather than a subject.
PREPOSITIONS = frozenset("over around toward towards to into past behind near beside under above from across along "
                         "through on onto at in by between of beneath below round about against inside "
                         "with".split())
LANDMARK_RELATIONS = {"over": "over", "above": "over", "around": "around", "round": "around", "about": "around",
                      "toward": "toward", "towards": "toward", "to": "toward", "into": "toward", "onto": "toward",
                      "past": "past", "by": "past", "behind": "behind", "near": "toward", "beside": "toward"}

DETERMINERS = frozenset("a an the this that its his her their my our your some".split())
NEW_THING_WORDS = frozenset("another second other third".split())
PRONOUNS = frozenset("it they he she them both".split())
NUMBERS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "pair": 2, "couple": 2, "several": 3,
           "few": 3, "many": 4, "flock": 3, "school": 3, "group": 3, "crowd": 4}
REPEATS = {"once": 1, "twice": 2, "thrice": 3}

# Sequence words: `then` starts a new block; `while` keeps things in the same block.
SEQUENCE_WORDS = frozenset("then afterwards afterward next finally later eventually after_that and_then "
                           "before".split())
CONCURRENT_WORDS = frozenset("while meanwhile as simultaneously at_the_same_time whilst".split())
MULTIWORD = {"after that": "after_that", "and then": "and_then", "at the same time": "at_the_same_time",
             "black and white": "black-and-white", "pixel art": "pixel", "round and round": "in_circles",
             "in a circle": "in_circles", "in circles": "in_circles", "takes off": "launches", "take off": "launch",
             "took off": "launched", "gets bigger": "grows", "grows bigger": "grows", "gets smaller": "shrinks",
             "comes in": "enters", "come in": "enter", "came in": "entered", "the sun rose": "the sun rises"}

COLOR_WORDS: dict[str, str] = {
    **{name: name for name in vocab.COLORS},
    "grey": "gray", "silver": "gray", "golden": "yellow", "gold": "yellow", "crimson": "red", "scarlet": "red",
    "violet": "purple", "lavender": "purple", "navy": "blue", "azure": "blue", "turquoise": "teal",
    "aqua": "cyan", "magenta": "pink", "rosy": "pink", "tan": "brown", "beige": "brown", "snowy-white": "white",
}

TIME_WORDS: dict[str, str] = {
    **_forms("sunset", "sunset dusk evening twilight sundown"),
    **_forms("dawn", "dawn sunrise morning daybreak"),
    **_forms("night", "night midnight nighttime night-time moonlit starlit"),
    **_forms("day", "day daytime noon midday afternoon daylight"),
}
WEATHER_WORDS: dict[str, str] = {
    **_forms("rain", "rain rains rained raining rainy rainstorm drizzle drizzles storm stormy downpour"),
    **_forms("snow", "snows snowed snowing snowy snowfall snowflakes blizzard"),
    **_forms("fog", "fog foggy misty mist haze hazy"),
    **_forms("cloudy", "cloudy overcast"),
    **_forms("clear", "clear sunny cloudless"),
}
STYLE_WORDS: dict[str, str] = {
    **{name: name for name in vocab.STYLES},
    "watercolour": "watercolor", "cartoon": "flat", "minimalist": "flat", "cyberpunk": "neon",
    "black-and-white": "noir", "monochrome": "noir", "pencil": "sketch", "sketched": "sketch",
    "pixelated": "pixel", "8-bit": "pixel", "vintage": "retro", "painted": "watercolor",
}

# Nouns the vocabulary module leaves out: irregular plurals.
IRREGULAR_PLURALS = {"children": "child", "men": "man", "women": "woman", "geese": "duck", "fishes": "fish",
                     "boxes": "box", "bushes": "bush", "buses": "bus", "taxis": "taxi", "kids": "kid",
                     "puppies": "puppy", "butterflies": "butterfly", "ferries": "ferry", "lilies": "lily",
                     "daisies": "daisy"}

# Plural words that name a place, not things: "under the stars" is space, "above the clouds" is the sky.
PLACE_PLURALS = {"stars": "space", "clouds": "sky"}
# Weak backgrounds: used only when the prompt names no other place ("across the sky over the beach": beach).
WEAK_BACKGROUNDS = ("sky", "snow", "plain")

CAMERA_WORDS = frozenset("camera".split())
SLOW_WORDS = frozenset("slowly gently lazily calmly gradually".split())
FAST_WORDS = frozenset("quickly fast rapidly swiftly".split())
