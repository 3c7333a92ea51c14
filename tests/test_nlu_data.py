"""The NLU data keeps the intent catalogue's contract and stays apart from the evaluation sets."""
import re
from collections import defaultdict

import pytest
import yaml

from bot import paths
from bot.language import load_config

SPEC = paths.ROOT.parent / "shared" / "spec" / "intents.yml"
CONFIG = load_config()
SHIPPED = CONFIG.shipped
UNDERSTOOD = CONFIG.understood  # tiers 1 and 2: a held-out set over every trained intent
MIN_EXAMPLES = 20
MIN_EVAL = 6


def normalise(text):
    return re.sub(r"[^\w ]", "", text.lower()).strip()


def catalogue_intents():
    if SPEC.exists():
        spec = yaml.safe_load(SPEC.read_text(encoding="utf-8"))
        return {intent for group in spec.values() for intent in group}
    # Outside the development checkout: the domain carries the same list.
    return None


@pytest.fixture(scope="module")
def training():
    """language -> intent -> [examples]."""
    data = defaultdict(lambda: defaultdict(list))
    for path in sorted(paths.NLU_DATA.glob("*/*.yml")):
        for block in yaml.safe_load(path.read_text(encoding="utf-8")).get("nlu", []):
            examples = [line[2:].strip() for line in block["examples"].splitlines() if line.strip()]
            data[path.parent.name][block["intent"]].extend(examples)
    return data


@pytest.fixture(scope="module")
def evaluation():
    return {lang: yaml.safe_load((paths.EVAL_SETS / f"{lang}.yml").read_text(encoding="utf-8")) for lang in UNDERSTOOD}


def test_domain_has_every_catalogue_intent(domain):
    expected = catalogue_intents()
    if expected is None:
        pytest.skip("../shared/spec/intents.yml is not beside this checkout")
    assert expected <= set(domain.intents)


@pytest.mark.parametrize("language", SHIPPED)
def test_every_intent_trained_in_every_language(language, training, domain):
    from rasa.shared.core.constants import DEFAULT_INTENTS

    from bot.contract import UNTRAINED_INTENTS

    # the catalogue's and our own (skip_location, unsure, …), but not those only buttons or components send
    ours = set(domain.intents) - set(DEFAULT_INTENTS) - set(UNTRAINED_INTENTS)
    wanted = (catalogue_intents() or set()) | ours
    tier = CONFIG.tier(language)
    if tier == "tier2":  # everything but the answers for professionals
        wanted = {intent for intent in wanted if not intent.startswith("staff_")}
    elif tier == "safety":
        wanted = set(CONFIG.safety_intents)
    counts = {intent: len(training[language][intent]) for intent in wanted}
    too_few = {intent: n for intent, n in counts.items() if n < MIN_EXAMPLES}
    assert not too_few, f"{language}: fewer than {MIN_EXAMPLES} examples: {too_few}"


def test_no_example_under_two_intents(training):
    seen = defaultdict(set)
    for intents in training.values():
        for intent, examples in intents.items():
            for example in examples:
                seen[normalise(example)].add(intent)
    clashes = {text: labels for text, labels in seen.items() if len(labels) > 1}
    assert not clashes


def acute_sets():
    """Every held-out acute-danger file: (path, {"acute": {kind: [...]}, "not_acute": {...}})."""
    return [(path, yaml.safe_load(path.read_text(encoding="utf-8")))
            for folder in ("acute", "acute_fresh") for path in sorted((paths.EVAL_SETS / folder).glob("*.yml"))]


def test_no_acute_evaluation_sentence_is_trained(training):
    import numpy as np
    from rapidfuzz import fuzz, process

    from bot.text.folding import fold

    trained = [fold(e) for intents in training.values() for examples in intents.values() for e in examples]
    exact = set(trained)
    normalised = {normalise(e) for e in exact}
    for path, sets in acute_sets():
        texts = [t for section in sets.values() for kind in section.values() for t in kind]
        assert not [t for t in texts if normalise(t) in normalised], path
        scores = process.cdist([fold(t) for t in texts], trained, scorer=fuzz.ratio, score_cutoff=90,
                               dtype=np.uint8, workers=-1)
        close = [t for t, row in zip(texts, scores, strict=True) if row.any()]
        assert not close, f"{path}: near copies in the training data: {close[:3]}"


@pytest.mark.parametrize("language", SHIPPED)
def test_acute_sets_cover_every_kind(language):
    kinds = ("violence", "someone_else", "confinement", "child", "weapon", "medical", "moved_or_sold", "self_harm")
    sets = yaml.safe_load((paths.EVAL_SETS / "acute" / f"{language}.yml").read_text(encoding="utf-8"))
    assert set(kinds) == set(sets["acute"]) and all(len(sets["acute"][k]) >= 5 for k in kinds)
    assert sum(len(v) for v in sets["acute"].values()) >= 40
    assert sum(len(v) for v in sets["not_acute"].values()) >= 40


def test_no_evaluation_sentence_is_trained(training, evaluation):
    trained = {normalise(e) for intents in training.values() for examples in intents.values() for e in examples}
    leaked = [text for sets in evaluation.values() for texts in sets.values() for text in texts
              if normalise(text) in trained]
    assert not leaked, leaked[:5]


@pytest.mark.parametrize("language", UNDERSTOOD)
def test_evaluation_set_covers_every_intent(language, evaluation, training):
    wanted = set(training[language])
    assert wanted <= set(evaluation[language])
    thin = {i: len(t) for i, t in evaluation[language].items() if len(t) < MIN_EVAL}
    assert not thin
