"""Reading a prompt: English words -> an `Outline` (things, what each does in which beat, where and when).

A small rule-based reader, not a parser of English: it finds vocabulary nouns (with their colours and counts),
motion verbs (with the directions and landmarks that follow them) and sequence words. `then` (and a new
sentence) starts a new beat; `while`, `as`, `meanwhile` keep things in the same beat. A verb's subjects are the
nouns named since the previous verb; a verb with none (`..., then rolls away`) or a pronoun continues the
previous subjects. Deterministic: the same prompt always reads the same way.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from hvg import vocab
from hvg.plan import lexicon as lx

# Synonyms that are also common non-nouns ("the sun rose", "a present"): a noun only after a determiner,
# a number or a colour.
_AMBIGUOUS_NOUNS = frozenset("rose present figure block home duck crow swallow puff mist smoke building".split())
# "flies over the sea" says where a path goes, not that the scene moves to the sea.
_PATH_PREPOSITIONS = frozenset("over above across along past toward towards under beneath by".split())
_CONTINUES = frozenset(", | and or but".split()) | lx.CONCURRENT_WORDS
_SAME_PLURAL = frozenset("fish goldfish salmon trout".split())
# Verbs whose object moves, not their subject.
_PUSH_VERBS = frozenset("kick kicks kicked kicking throw throws threw throwing push pushes pushed pushing toss tosses "
                        "tossed tossing pull pulls pulled pulling".split())
_CHASE_VERBS = frozenset("chase chases chasing chased approach approaches approaching approached follow follows "
                         "following followed".split())
_SIZE_WORDS = {"big": 1.4, "large": 1.4, "huge": 1.8, "giant": 1.8, "small": 0.7, "little": 0.7, "tiny": 0.5}
_CAMERA_VERBS = {"pan": "pan", "pans": "pan", "panning": "pan", "zoom": "zoom", "zooms": "zoom",
                 "zooming": "zoom", "shake": "shake", "shakes": "shake", "shaking": "shake", "tilt": "rotate",
                 "tilts": "rotate", "rotates": "rotate", "rotate": "rotate"}


@dataclass
class Thing:
    """One entity the prompt names. `noun` is the word used, kept as the entity's `look` when it is a synonym."""
    index: int
    kind: str
    noun: str
    color: str | None = None
    scale: float = 1.0


@dataclass
class Action:
    """One verb applied to some things in one beat, with what the words after it say about direction."""
    subjects: list[int]
    motion: str                       # a value of lexicon.MOTION_VERBS (or "camera")
    word: str
    at: int = 0                       # index of the verb in its beat's words
    from_side: str | None = None
    to_side: str | None = None
    vertical: str | None = None       # "up" or "down"
    across: bool = False
    away: bool = False
    circles: bool = False
    landmark: int | None = None
    relation: str | None = None       # lexicon.LANDMARK_RELATIONS value
    times: int | None = None
    manner: str | None = None         # "slow" or "fast"
    camera: tuple[str, str | None] | None = None  # (op, word after it) for camera actions
    agent: int | None = None          # who kicks or throws it: where it starts from


@dataclass
class Beat:
    """What happens at once: becomes one block."""
    words: list[str]
    actions: list[Action] = field(default_factory=list)
    present: list[int] = field(default_factory=list)   # things named in this beat (placed even without a verb)
    backgrounds: list[str] = field(default_factory=list)
    settings_places: list[str] = field(default_factory=list)  # places the beat happens in ("in the city")
    time: str | None = None
    weather: str | None = None
    style: str | None = None

    @property
    def text(self) -> str:
        return _detokenize(self.words)


@dataclass
class Outline:
    prompt: str
    things: list[Thing]
    beats: list[Beat]


# ---------------------------------------------------------------------------------------------------------------
# Tokens
# ---------------------------------------------------------------------------------------------------------------

# Words are runs of letters and digits in any script ("café", "über"), so descriptions keep them.
_TOKEN = re.compile(r"#[0-9a-f]{6}\b|[^\W_]+(?:[-'_][^\W_]+)*|[.,;:!?]")


def tokenize(prompt: str) -> list[str]:
    text = " " + prompt.lower().replace("\u2019", "'") + " "
    for phrase, token in lx.MULTIWORD.items():
        text = re.sub(rf"(?<![a-z]){re.escape(phrase)}(?![a-z])", token, text)
    return _TOKEN.findall(text)


def _detokenize(words: list[str]) -> str:
    text = " ".join(";" if w == "|" else w.replace("_", " ") for w in words)
    text = re.sub(r" ([.,;:!?])", r"\1", text).replace('"', "").strip(" ,;:")
    return text[:1].upper() + text[1:] if text else text


def noun_kind(token: str) -> tuple[str, bool] | None:
    """(kind, plural) when the token names a vocabulary kind, directly or through a synonym."""
    if token in lx.IRREGULAR_PLURALS:
        found = noun_kind(lx.IRREGULAR_PLURALS[token])
        return (found[0], True) if found else None
    for word, plural in ((token, False), (token[:-1], True), (token[:-2], True)):
        if plural and not token.endswith("s"):
            continue
        if word in vocab.KINDS:
            return word, plural
        if word in vocab.KIND_SYNONYMS and word != "mist":
            return vocab.KIND_SYNONYMS[word], plural or word == "people"
    return None


def singular(token: str) -> str:
    """The singular of a noun `noun_kind` knows ("kids" -> "kid", "geese" -> "duck"); other words as they are."""
    if token in lx.IRREGULAR_PLURALS:
        return lx.IRREGULAR_PLURALS[token]
    return next((w for w in (token, token[:-1], token[:-2]) if w in vocab.KINDS or w in vocab.KIND_SYNONYMS), token)


def _background(token: str) -> str | None:
    if token in vocab.BACKGROUNDS:
        return token
    return vocab.BACKGROUND_SYNONYMS.get(token)


# ---------------------------------------------------------------------------------------------------------------
# Splitting into beats
# ---------------------------------------------------------------------------------------------------------------

def _split_beats(tokens: list[str]) -> list[list[str]]:
    beats: list[list[str]] = [[]]
    sentence_start = True
    for at, token in enumerate(tokens):
        if token in ".!?;":
            sentence_start = True
            continue
        if sentence_start and beats[-1]:
            # A sentence that opens with `meanwhile` or `while` happens during the previous one.
            if token in lx.CONCURRENT_WORDS:
                beats[-1].append("|")
            else:
                beats.append([])
        sentence_start = False
        following = tokens[at + 1] if at + 1 < len(tokens) else ""
        if token in lx.SEQUENCE_WORDS and not (token == "next" and following == "to"):
            while beats[-1] and beats[-1][-1] in (",", "and", "|"):
                beats[-1].pop()
            if beats[-1]:
                beats.append([])
            continue
        beats[-1].append(token)
    return [beat for beat in beats if any(w not in ("|", ",", "and") for w in beat)]


# ---------------------------------------------------------------------------------------------------------------
# Reading one beat
# ---------------------------------------------------------------------------------------------------------------

def _unknown_subject(words: list[str], verb: int) -> bool:
    """True when the word before a verb (adverbs aside) is a noun the world does not draw ("a cat sleeps");
    false after a clause break ("..., and then rolls") where the verb continues the previous subjects."""
    skipped = lx.SLOW_WORDS | lx.FAST_WORDS | {"also", "then", "both", "all"}
    before = next((w for w in reversed(words[:verb]) if not w.endswith("ly") and w not in skipped), "")
    return bool(before) and before not in _CONTINUES and before not in lx.MOTION_VERBS


def _same_thing_word(said: str, known: str, kind: str) -> bool:
    """Whether a noun may name a thing already named: the kind's own word names any of it ("the bird" is the
    seagull), "the gull" is the seagull and "the palm" the palm tree, but "a kite" is not the balloon, nor "a woman"
    the man."""
    if said == kind or said == known:
        return True
    said_words, known_words = set(said.split()), set(known.split())
    return bool(said_words & known_words) or {said, known} == {"gull", "seagull"}


class _Reader:
    def __init__(self, prompt: str):
        self.prompt = prompt
        self.things: list[Thing] = []
        self.last_subjects: list[int] = []
        self.recent: list[int] = []            # things in order of last mention, most recent last

    # -- things -----------------------------------------------------------------------------------------------

    def _new_thing(self, kind: str, noun: str, color: str | None, scale: float) -> int:
        thing = Thing(len(self.things), kind, noun, color, scale)
        self.things.append(thing)
        return thing.index

    def _resolve(self, kind: str, noun: str, color: str | None, count: int, plural: bool, new: bool,
                 scale: float) -> list[int]:
        known = [i for i in reversed(self.recent) if self.things[i].kind == kind
                 and (color is None or self.things[i].color in (None, color))
                 and _same_thing_word(noun, self.things[i].noun, kind)]
        if new:
            known = []
        wanted = count if count else (2 if plural else 1)
        if plural and not count and len(known) >= 2:
            wanted = len(known)
        chosen = known[:wanted]
        for index in chosen:
            if color and self.things[index].color is None:
                self.things[index].color = color
        chosen += [self._new_thing(kind, noun, color, scale) for _ in range(wanted - len(chosen))]
        return sorted(chosen)

    def _mention(self, words: list[str], at: int) -> tuple[list[int], str | None, int] | None:
        """Things named by the noun at `at`: (indices, preposition before the phrase or None, phrase start)."""
        token = words[at]
        found = noun_kind(token)
        if found is None:
            return None
        if at + 1 < len(words) and noun_kind(words[at + 1]) and words[at + 1] not in lx.PLACE_PLURALS:
            return None  # "palm tree", "toy car": the first noun only says what kind of the second
        kind, plural = found
        before = words[at - 1] if at else ""
        if token in _AMBIGUOUS_NOUNS and before not in lx.DETERMINERS | set(lx.COLOR_WORDS) | set(lx.NUMBERS):
            return None
        if token in lx.PLACE_PLURALS and any(w in lx.PREPOSITIONS for w in words[max(0, at - 2):at]):
            return None
        following = words[at + 1] if at + 1 < len(words) else ""
        if not plural and token in _SAME_PLURAL and (at == 0 or words[at - 1] not in ("a", "an", "one")) \
                and following in lx.MOTION_VERBS and not following.endswith("s"):
            plural = True  # "goldfish swim": the verb says there are several
        color, count, new, scale, start = None, 0, False, 1.0, at
        noun = singular(token)
        j = at - 1
        while j >= 0 and at - j <= 5:
            word = words[j]
            if j == at - 1 and noun_kind(word):
                noun = f"{singular(word)} {noun}"  # kept as the entity's look
            elif word in lx.COLOR_WORDS or vocab.HEX_COLOR.match(word):
                color = color or lx.COLOR_WORDS.get(word, word)
            elif word in lx.NUMBERS or word.isdigit():
                count = count or min(4, lx.NUMBERS.get(word) or int(word))
            elif word in lx.NEW_THING_WORDS:
                new = True
            elif word in _SIZE_WORDS:
                scale = _SIZE_WORDS[word]
            elif word == "of" and j > 0 and words[j - 1] in lx.NUMBERS:
                pass  # "a flock of birds": a count, not a place
            elif word in lx.DETERMINERS:
                start = j
                j -= 1
                break
            elif (word in lx.PREPOSITIONS or word in lx.MOTION_VERBS or word in "|,"
                  or noun_kind(word) or word in lx.CONCURRENT_WORDS or word == "and"):
                break
            start = j
            j -= 1
        preposition = words[j] if j >= 0 and words[j] in lx.PREPOSITIONS else None
        if plural and count == 0 and any(words[k] in ("flock", "school", "several", "many", "crowd")
                                         for k in range(max(0, at - 4), at)):
            count = 3
        things = self._resolve(kind, noun, color, count, plural, new, scale)
        for index in things:
            if index in self.recent:
                self.recent.remove(index)
            self.recent.append(index)
        return things, preposition, start

    # -- one beat ---------------------------------------------------------------------------------------------

    def read_beat(self, words: list[str]) -> Beat:
        beat = Beat(words)
        pending: list[int] = []
        pronoun = False
        action: Action | None = None
        camera_here = "camera" in words
        strong_places: list[str] = []
        weak_places: list[str] = []
        i = 0
        while i < len(words):
            word = words[i]
            nxt = words[i + 1] if i + 1 < len(words) else ""
            mention = self._mention(words, i)
            if mention is not None:
                things, preposition, _ = mention
                beat.present += [t for t in things if t not in beat.present]
                if preposition is None and action is not None and action.word in _PUSH_VERBS and not action.subjects:
                    action.subjects = list(things)  # "a boy kicks a ball": the ball is what moves
                    self.last_subjects = list(things)
                elif preposition is not None and action is not None and action.landmark is None \
                        and preposition in lx.LANDMARK_RELATIONS:
                    action.landmark, action.relation = things[0], lx.LANDMARK_RELATIONS[preposition]
                elif preposition is None and action is not None and action.landmark is None and action.subjects \
                        and not pending and (action.motion == "orbits" or action.word in _CHASE_VERBS):
                    # "two birds circle the tree", "a dog chases the ball": the object is where they go
                    action.landmark = things[0]
                    action.relation = "around" if action.motion == "orbits" else "toward"
                elif preposition is None or action is None:
                    pending += [t for t in things if t not in pending]
                i += 1
                continue
            if word in lx.PRONOUNS:
                pronoun = True
            elif camera_here and word in _CAMERA_VERBS:
                action = Action([], "camera", word, i, camera=(_CAMERA_VERBS[word], nxt))
                beat.actions.append(action)
            elif word in _PUSH_VERBS:
                action = Action([], "moves", word, i, agent=pending[0] if pending else None)
                beat.actions.append(action)
                pending, pronoun = [], False
            elif word in lx.MOTION_VERBS or word == "rose":
                motion = lx.MOTION_VERBS.get(word, "rises")
                if motion == "fades":
                    motion = "fades_in" if nxt == "in" else "fades_out"
                if not pending and not pronoun and _unknown_subject(words, i):
                    i += 1  # "a cat sleeps", "rain falls": its subject is nothing the world draws
                    continue
                subjects = pending or self.last_subjects
                action = Action(list(subjects), motion, word, i)
                beat.actions.append(action)
                if subjects:
                    self.last_subjects = list(subjects)
                if any(self.things[t].kind == "sun" for t in subjects) and motion in ("rises", "falls"):
                    beat.time = beat.time or ("dawn" if motion == "rises" else "sunset")  # sunrise, sunset
                pending, pronoun = [], False
            elif action is not None:
                self._direction(action, words, i)
            if word in lx.TIME_WORDS:
                beat.time = beat.time or lx.TIME_WORDS[word]
            if word in lx.WEATHER_WORDS and not (word == "clear" and nxt not in ("sky", "day", "night")):
                beat.weather = beat.weather or lx.WEATHER_WORDS[word]
            if word in lx.STYLE_WORDS and not (word in lx.COLOR_WORDS and noun_kind(nxt)):
                beat.style = beat.style or lx.STYLE_WORDS[word]
            place = lx.PLACE_PLURALS.get(word) or (_background(word) if word not in lx.MOTION_VERBS else None)
            if place:
                (weak_places if place in lx.WEAK_BACKGROUNDS else strong_places).append(place)
                preposition = next((w for w in reversed(words[max(0, i - 3):i]) if w in lx.PREPOSITIONS), None)
                if place not in lx.WEAK_BACKGROUNDS and preposition not in _PATH_PREPOSITIONS:
                    beat.settings_places.append(place)
            i += 1
        for act in beat.actions:  # a verb before any noun ("Bouncing along, a ball ...") takes the next noun
            if not act.subjects and act.motion != "camera":
                act.subjects = [t for t in beat.present if t not in (act.landmark,)][:1]
        if strong_places and "snow" in weak_places:
            beat.weather = beat.weather or "snow"
        beat.backgrounds = strong_places + weak_places
        return beat

    def _direction(self, action: Action, words: list[str], i: int) -> None:
        word = words[i]
        prev = words[i - 1] if i else ""
        after = [w for w in words[i + 1:i + 3] if w != "the"]
        nxt = after[0] if after else ""
        raw_next = words[i + 1] if i + 1 < len(words) else ""
        if word in lx.SIDES and word not in ("above", "below"):
            side = lx.SIDES[word]
            if prev == "from" or (prev == "the" and i >= 2 and words[i - 2] == "from"):
                action.from_side = side
            elif nxt == "to" and action.from_side is None:
                action.from_side = side
            else:
                action.to_side = side
        elif word in ("above", "below") and prev == "from":
            action.from_side = lx.SIDES[word]
        elif word in lx.RIGHTWARD:
            action.to_side = "right"
        elif word in lx.LEFTWARD:
            action.to_side = "left"
        elif (word in lx.UPWARD or word in lx.DOWNWARD) and raw_next in lx.DETERMINERS:
            action.across = True  # "down the street", "up the road": along it
        elif word in lx.UPWARD or (word in ("sky", "air") and prev in ("into", "the") and "into" in words[i - 2:i]):
            action.vertical = "up"
        elif word in lx.DOWNWARD:
            action.vertical = "down"
        elif word in ("across", "past"):
            action.across = True
        elif word in lx.AWAY:
            action.away = True
        elif word == "in_circles":
            action.circles = True
        elif word in lx.REPEATS:
            action.times = lx.REPEATS[word]
        elif word == "times" and (prev in lx.NUMBERS or prev.isdigit()):
            action.times = min(5, lx.NUMBERS.get(prev) or int(prev))
        elif word in lx.SLOW_WORDS:
            action.manner = "slow"
        elif word in lx.FAST_WORDS:
            action.manner = "fast"


def read_prompt(prompt: str) -> Outline:
    """The prompt's things and beats. Never raises; a prompt with no known words gives an empty outline."""
    reader = _Reader(prompt)
    beats = [reader.read_beat(words) for words in _split_beats(tokenize(prompt))]
    return Outline(prompt, reader.things, [b for b in beats if b.actions or b.present or b.backgrounds
                                           or b.time or b.weather or b.style] or beats[:1])
