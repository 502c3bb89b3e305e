"""Any prompt, however odd, gives a program that checks without errors (and, nearly always, no warnings)."""
from __future__ import annotations

from hypothesis import given, settings, strategies as st

from hvg import vocab
from hvg.lang.api import check
from hvg.lang.unparse import unparse
from hvg.plan import lexicon
from hvg.plan.offline import plan_offline

WORDS = sorted({*vocab.KINDS, *list(vocab.KIND_SYNONYMS)[:40], *vocab.BACKGROUNDS, *lexicon.COLOR_WORDS,
                *list(lexicon.MOTION_VERBS)[::3], *lexicon.SEQUENCE_WORDS, *lexicon.CONCURRENT_WORDS,
                *lexicon.PREPOSITIONS, *lexicon.DETERMINERS, *lexicon.TIME_WORDS, "left", "right", "up", "down",
                "away", "it", "they", "two", "three", "another", "and", ",", ".", "camera", "pans", "zooms",
                "in", "out", "twice", "slowly", "dragon", "quietly"})


@settings(max_examples=80, deadline=None, derandomize=True)
@given(st.lists(st.sampled_from(WORDS), min_size=1, max_size=30))
def test_random_word_salad_plans_without_errors(words):
    prompt = " ".join(words)
    result = check(unparse(plan_offline(prompt)), file="fuzz.scene")
    assert result.scene is not None and result.errors == [], (prompt, result.diagnostics)
