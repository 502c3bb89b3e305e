"""The built-in world's vocabulary: kinds, backgrounds, attributes, colors, styles, and synonyms for free words.

Pure Python on purpose: `hvg check` uses it and must start fast (no torch, no numpy).
The sentence-embedding match for words that no synonym covers lives in `hvg.lower.embed` (it needs torch).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

KINDS = ("ball", "box", "star", "tree", "house", "car", "bird", "fish", "boat", "person", "rocket", "cloud", "sun",
         "moon", "flower", "balloon")
BACKGROUNDS = ("plain", "sky", "beach", "ocean", "grass", "desert", "snow", "city", "forest", "space", "room")
TIMES_OF_DAY = ("dawn", "day", "sunset", "night")
WEATHERS = ("clear", "cloudy", "rain", "snow", "fog")
BACKGROUND_MOTIONS = ("still", "waves", "drift", "flicker", "rain")
BACKGROUND_ATTRIBUTES = ("time", "weather", "color", "motion")
STYLES = ("flat", "pastel", "neon", "noir", "sketch", "watercolor", "pixel", "retro")
EASES = ("linear", "in", "out", "in_out")
SIDES = ("left", "right", "top", "bottom")
CAMERA_OPS = ("still", "pan", "zoom", "shake", "rotate")

# Width / height of each kind as drawn, so that sizes (heights) give boxes. Unknown kinds count as 1.
KIND_ASPECT: dict[str, float] = {
    "ball": 1.0, "box": 1.0, "star": 1.0, "tree": 0.7, "house": 1.1, "car": 2.0, "bird": 1.6, "fish": 1.8,
    "boat": 1.8, "person": 0.4, "rocket": 0.4, "cloud": 1.8, "sun": 1.0, "moon": 1.0, "flower": 0.6, "balloon": 0.75,
}

COLORS: dict[str, tuple[int, int, int]] = {
    "red": (220, 50, 47), "orange": (245, 140, 30), "yellow": (245, 210, 40), "green": (60, 170, 70),
    "teal": (0, 128, 128), "cyan": (40, 200, 220), "blue": (40, 90, 220), "purple": (140, 70, 190),
    "pink": (240, 120, 180), "white": (245, 245, 245), "black": (25, 25, 25), "gray": (128, 128, 128),
    "brown": (130, 85, 45),
}
HEX_COLOR = re.compile(r"^#[0-9a-fA-F]{6}$")

# Free words that mean a vocabulary item. Checked word by word, so "a weathered fishing boat" finds "boat".
KIND_SYNONYMS: dict[str, str] = {
    "sphere": "ball", "orb": "ball", "marble": "ball", "planet": "ball", "pebble": "ball", "football": "ball",
    "soccer": "ball", "basketball": "ball", "cube": "box", "crate": "box", "block": "box", "package": "box",
    "parcel": "box", "chest": "box", "present": "box", "gift": "box", "starfish": "star", "sparkle": "star",
    "comet": "star", "palm": "tree", "pine": "tree", "oak": "tree", "bush": "tree", "shrub": "tree", "cabin": "house",
    "cottage": "house", "hut": "house", "home": "house", "building": "house", "barn": "house", "tower": "house",
    "truck": "car", "taxi": "car", "van": "car", "bus": "car", "jeep": "car", "automobile": "car",
    "gull": "bird", "seagull": "bird", "crow": "bird", "pigeon": "bird", "sparrow": "bird", "eagle": "bird",
    "hawk": "bird", "owl": "bird", "parrot": "bird", "duck": "bird", "swallow": "bird", "dove": "bird",
    "goldfish": "fish", "shark": "fish", "whale": "fish", "dolphin": "fish", "salmon": "fish", "trout": "fish",
    "ship": "boat", "sailboat": "boat", "yacht": "boat", "canoe": "boat", "kayak": "boat", "ferry": "boat",
    "raft": "boat", "man": "person", "woman": "person", "child": "person", "kid": "person", "boy": "person",
    "girl": "person", "walker": "person", "runner": "person", "dancer": "person", "people": "person",
    "figure": "person", "rocketship": "rocket", "spaceship": "rocket", "missile": "rocket", "shuttle": "rocket",
    "spacecraft": "rocket", "mist": "cloud", "puff": "cloud", "smoke": "cloud", "sunshine": "sun",
    "crescent": "moon", "rose": "flower", "tulip": "flower", "daisy": "flower", "sunflower": "flower",
    "blossom": "flower", "lily": "flower", "blimp": "balloon", "bubble": "balloon", "kite": "balloon",
}
BACKGROUND_SYNONYMS: dict[str, str] = {
    "harbor": "ocean", "harbour": "ocean", "sea": "ocean", "seaside": "beach", "lake": "ocean", "bay": "ocean",
    "port": "ocean", "water": "ocean", "river": "ocean", "shore": "beach", "coast": "beach", "sand": "beach",
    "meadow": "grass", "field": "grass", "lawn": "grass", "park": "grass", "garden": "grass", "prairie": "grass",
    "dune": "desert", "dunes": "desert", "canyon": "desert", "tundra": "snow", "arctic": "snow", "winter": "snow",
    "glacier": "snow", "street": "city", "town": "city", "downtown": "city", "skyline": "city", "village": "city",
    "woods": "forest", "jungle": "forest", "woodland": "forest", "galaxy": "space", "cosmos": "space",
    "stars": "space", "universe": "space", "orbit": "space", "bedroom": "room", "kitchen": "room", "office": "room",
    "indoors": "room", "hall": "room", "studio": "room", "heaven": "sky", "clouds": "sky", "air": "sky",
    "blank": "plain", "empty": "plain",
}
STYLE_SYNONYMS: dict[str, str] = {
    "cartoon": "flat", "minimal": "flat", "soft": "pastel", "glowing": "neon", "cyberpunk": "neon",
    "black-and-white": "noir", "monochrome": "noir", "pencil": "sketch", "drawing": "sketch", "ink": "sketch",
    "painted": "watercolor", "painting": "watercolor", "8-bit": "pixel", "pixelated": "pixel", "vintage": "retro",
    "old": "retro", "film": "retro",
}

# Words that carry no identity of their own: skipped when naming the unmatched word in a warning.
STOP_WORDS = frozenset("a an the of with and in on at to its his her their some one two big small little tiny "
                       "large huge old young weathered bright dark shiny misty red orange yellow green teal cyan "
                       "blue purple pink white black gray grey brown".split())


@dataclass(frozen=True)
class WordMatch:
    """What free words will be drawn as. `item` is None when nothing in the vocabulary matched."""
    words: str
    item: str | None
    via: str          # "exact", "synonym", "embedding" or "none"
    head: str         # the word that decided (or, with no match, the word a warning names)


def _tokens(words: str) -> list[str]:
    return re.findall(r"[a-z0-9][a-z0-9\-]*", words.lower())


def _match(words: str, vocabulary: tuple[str, ...], synonyms: dict[str, str]) -> WordMatch:
    tokens = _tokens(words)
    # The last word usually carries the noun ("a weathered fishing boat"), so scan from the end.
    for token in reversed(tokens):
        singular = token[:-1] if token.endswith("s") and token[:-1] in vocabulary else token
        if singular in vocabulary:
            return WordMatch(words, singular, "exact", token)
        if token in synonyms:
            return WordMatch(words, synonyms[token], "synonym", token)
    content = [t for t in tokens if t not in STOP_WORDS]
    return WordMatch(words, None, "none", (content or tokens or [words])[-1])


def match_kind(words: str) -> WordMatch:
    return _match(words, KINDS, KIND_SYNONYMS)


def match_background(words: str) -> WordMatch:
    return _match(words, BACKGROUNDS, BACKGROUND_SYNONYMS)


def match_style(words: str) -> WordMatch:
    return _match(words, STYLES, STYLE_SYNONYMS)


def color_rgb(color: str) -> tuple[int, int, int]:
    """RGB of a color name or #rrggbb. Raises KeyError for anything else (the checker reports it first)."""
    if HEX_COLOR.match(color):
        return tuple(int(color[i:i + 2], 16) for i in (1, 3, 5))  # type: ignore[return-value]
    return COLORS[color]


def is_color(color: str) -> bool:
    return color in COLORS or bool(HEX_COLOR.match(color))
