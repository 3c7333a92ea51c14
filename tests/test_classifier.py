"""The intent classifier's own scoring gives scikit-learn's probabilities, faster."""
from __future__ import annotations

import numpy as np
import pytest
import yaml

from bot import paths
from bot.nlu.classifier import LinearIntentClassifier, build_pipeline
from bot.nlu.scorer import CompiledPipeline

ODD_TEXTS = ["", "   ", "🙂🙂", "ÆØÅ æøå", "x" * 3000, "hjelp!!! hjælp hjälp", "помогите", "ช่วยด้วย", "مساعدة"]


def _examples(languages=("en", "sv")) -> tuple[list[str], list[str]]:
    texts, labels = [], []
    for language in languages:
        for path in sorted((paths.ROOT / "intents" / language).glob("*.yml")):
            for block in yaml.safe_load(path.read_text(encoding="utf-8")).get("nlu", []):
                if "intent" in block:
                    for line in block["examples"].splitlines():
                        if line.strip().startswith("- "):
                            texts.append(line.strip()[2:])
                            labels.append(block["intent"])
    return texts, labels


@pytest.fixture(scope="module")
def fitted():
    texts, labels = _examples()
    pipeline = build_pipeline(LinearIntentClassifier.get_default_config())
    return pipeline.fit(texts, labels)


def held_out() -> list[str]:
    texts = []
    for path in sorted((paths.ROOT / "tests" / "eval").glob("*.yml")):
        texts += [t for examples in yaml.safe_load(path.read_text(encoding="utf-8")).values() for t in examples]
    return texts


def test_compiled_scores_equal_scikit_learn(fitted):
    texts = held_out() + ODD_TEXTS
    ours = CompiledPipeline(fitted).predict_proba(texts)
    theirs = fitted.predict_proba(texts)
    assert ours.shape == theirs.shape == (len(texts), len(fitted.classes_))
    np.testing.assert_allclose(ours, theirs, rtol=1e-9, atol=1e-12)
    assert (ours.argmax(axis=1) == theirs.argmax(axis=1)).all()


def test_two_intents_score_like_scikit_learn():
    texts, labels = _examples(("en",))
    pair = [(t, lab) for t, lab in zip(texts, labels, strict=True) if lab in {"greet", "goodbye"}]
    pipeline = build_pipeline(LinearIntentClassifier.get_default_config())
    pipeline.fit([t for t, _ in pair], [lab for _, lab in pair])
    probe = ["hello there", "bye for now", ""]
    np.testing.assert_allclose(CompiledPipeline(pipeline).predict_proba(probe), pipeline.predict_proba(probe))


def test_other_vectoriser_settings_are_refused(fitted):
    import copy

    changed = copy.deepcopy(fitted)
    changed.named_steps["features"].transformer_list[0][1].norm = "l1"
    with pytest.raises(ValueError, match="l2"):
        CompiledPipeline(changed)


def test_an_empty_message_gets_no_intent_so_the_fallback_answers(fitted):
    from rasa.shared.nlu.training_data.message import Message

    classifier = LinearIntentClassifier({}, model_storage=None, resource=None, scorer=CompiledPipeline(fitted))
    empty, blank, greeting = (Message(data={"text": t}) for t in ("", "  ", "hello there"))
    classifier.process([empty, blank, greeting])
    assert empty.get("intent") == blank.get("intent") == {"name": None, "confidence": 0.0}
    assert greeting.get("intent")["name"] == "greet"
    assert len(greeting.get("intent_ranking")) == 10


def test_a_saved_model_scores_as_it_did_when_trained(tmp_path):
    """The model file keeps each vocabulary as a list of terms, not a dict; loading gives the same scores."""
    from bot.nlu.classifier import fit_pipeline, load_pipeline, save_pipeline

    texts, labels = _examples(("en", "th"))
    trained = fit_pipeline(LinearIntentClassifier.get_default_config(), texts, labels)
    before = CompiledPipeline(trained.pipeline).predict_proba(held_out()[:200] + ODD_TEXTS)
    save_pipeline(trained, tmp_path / "model.joblib")
    after = load_pipeline(tmp_path / "model.joblib").predict_proba(held_out()[:200] + ODD_TEXTS)
    np.testing.assert_allclose(after, before, rtol=1e-9, atol=1e-12)


def test_a_model_of_an_older_format_is_refused_clearly(tmp_path, fitted):
    import joblib

    from bot.nlu.classifier import load_pipeline

    joblib.dump(fitted, tmp_path / "old.joblib")
    with pytest.raises(ValueError, match="older Veiviser; run `make train`"):
        load_pipeline(tmp_path / "old.joblib")


def test_half_precision_weights_change_no_answer(fitted):
    """fit_pipeline keeps the weights in float16 (a quarter of the memory): probabilities move by less than
    0.001, so only a message whose two best intents are within that of each other, or one right at the
    fallback threshold, can change sides (at most one in a thousand of each)."""
    import copy

    texts = held_out() + ODD_TEXTS
    full = CompiledPipeline(fitted).predict_proba(texts)
    half_model = copy.deepcopy(fitted)
    half_model.named_steps["model"].coef_ = np.asfortranarray(fitted.named_steps["model"].coef_, dtype=np.float16)
    half = CompiledPipeline(half_model).predict_proba(texts)
    pipeline = yaml.safe_load((paths.ROOT / "config.yml").read_text(encoding="utf-8"))["pipeline"]
    threshold = next(step["threshold"] for step in pipeline if step["name"] == "FallbackClassifier")
    assert (half.argmax(axis=1) != full.argmax(axis=1)).mean() <= 0.001
    assert ((half.max(axis=1) >= threshold) != (full.max(axis=1) >= threshold)).mean() <= 0.001
    assert np.abs(half - full).max() < 1e-3
