"""A fast, language-independent intent classifier.

TF-IDF over character n-grams (2–5, within word boundaries) and words, on
folded text (so "hjælp", "hjaelp" and "hjalp" look alike), and a linear model
trained by SGD on the log loss, which gives probabilities for the fallback
threshold. It trains in seconds on every language at once. docs/evaluation.md "Design
measurements" compares it with Rasa's LogisticRegressionClassifier and DIET.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import joblib
import numpy as np
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.shared.nlu.constants import (
    INTENT,
    INTENT_NAME_KEY,
    INTENT_RANKING_KEY,
    PREDICTED_CONFIDENCE_KEY,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import SGDClassifier
from sklearn.pipeline import Pipeline, make_union

from bot.nlu.scorer import CompiledPipeline
from bot.text.folding import features_text, thai_words, use_thai_words

logger = logging.getLogger(__name__)
MODEL_FILE = "linear_intent_classifier.joblib"


def build_pipeline(config: dict[str, Any]) -> Pipeline:
    """TF-IDF over folded character and word n-grams, then SGD on the log loss (also bot.nlu.acute_danger's)."""
    low, high = config["char_ngrams"]
    features = make_union(
        TfidfVectorizer(analyzer="char_wb", ngram_range=(low, high), preprocessor=features_text, sublinear_tf=True),
        TfidfVectorizer(analyzer="word", ngram_range=tuple(config.get("word_ngrams", (1, 1))), preprocessor=features_text,
                        sublinear_tf=True),
    )
    model = SGDClassifier(
        loss="log_loss",
        alpha=config["alpha"],
        max_iter=config["max_iter"],
        class_weight="balanced",
        random_state=config["random_state"],
    )
    return Pipeline([("features", features), ("model", model)])


@dataclass
class Trained:
    """A fitted pipeline and the Thai words its texts were segmented with (bot/text/folding.py)."""

    pipeline: Pipeline
    thai_words: list[str]


def fit_pipeline(config: dict[str, Any], texts: list[str], labels: list[Any]) -> Trained:
    """``build_pipeline`` fitted, Thai segmented with the training data's own words, and the weights
    in float16, column-major: predicting gathers weight columns (the sum is taken in float64), and
    float16 quarters the model in memory (47 intents × 230,000 n-grams: 87 → 22 MB). On the
    held-out sets probabilities move by at most 0.0003, so only a message right at the fallback
    threshold, or whose two best intents are that close, can change sides (docs/evaluation.md
    "Design measurements")."""
    words = thai_words(texts)
    use_thai_words(words)
    pipeline = build_pipeline(config).fit(texts, labels)
    model = pipeline.named_steps["model"]
    model.coef_ = np.asfortranarray(model.coef_, dtype=np.float16)
    return Trained(pipeline, words)


def save_pipeline(trained: Trained, path: Path) -> None:
    """Write the model. Each vectoriser's vocabulary is stored as a list of its terms in column
    order (about a third of a dict's memory when loaded); the pipeline's dicts are emptied."""
    vectorisers = [v for _, v in trained.pipeline.named_steps["features"].transformer_list]
    terms = []
    for vectoriser in vectorisers:
        ordered = [""] * len(vectoriser.vocabulary_)
        for term, column in vectoriser.vocabulary_.items():
            ordered[column] = term
        terms.append(ordered)
        vectoriser.vocabulary_ = {}
    joblib.dump({"pipeline": trained.pipeline, "terms": terms, "thai_words": trained.thai_words}, path)


def load_pipeline(path: Path) -> CompiledPipeline:
    """The stored model, compiled for scoring, with the Thai words it was trained with put back in use."""
    stored = joblib.load(path)
    if not isinstance(stored, dict) or "terms" not in stored:
        raise ValueError(f"{path.name}: a model from an older Veiviser; run `make train`")
    use_thai_words(stored["thai_words"])
    return CompiledPipeline(stored["pipeline"], terms=stored["terms"])


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class LinearIntentClassifier(GraphComponent, IntentClassifier):
    @staticmethod
    def get_default_config() -> dict[str, Any]:
        # features_version: the fitted pipeline pickles its preprocessor by module path
        # (bot.text.folding.features_text); bump it when that moves or changes, so that Rasa's
        # cache trains the component again instead of restoring one that cannot load.
        return {"char_ngrams": [2, 5], "alpha": 1e-5, "max_iter": 50, "random_state": 0, "ranking_length": 10,
                "features_version": 2}

    def __init__(
        self,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        scorer: CompiledPipeline | None = None,
    ) -> None:
        self._config = {**self.get_default_config(), **config}
        self._model_storage = model_storage
        self._resource = resource
        self._scorer = scorer  # only the compiled form: the fitted pipeline's vocabulary dicts are freed

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> LinearIntentClassifier:
        return cls(config, model_storage, resource)

    def train(self, training_data: TrainingData) -> Resource:
        examples = [m for m in training_data.intent_examples if m.get(TEXT) and m.get(INTENT)]
        if len({m.get(INTENT) for m in examples}) < 2:
            logger.warning("LinearIntentClassifier needs at least two intents to train; skipped.")
            return self._resource
        trained = fit_pipeline(self._config, [m.get(TEXT) for m in examples], [m.get(INTENT) for m in examples])
        self._scorer = CompiledPipeline(trained.pipeline)
        with self._model_storage.write_to(self._resource) as directory:
            save_pipeline(trained, directory / MODEL_FILE)
        return self._resource

    @classmethod
    def load(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> LinearIntentClassifier:
        try:
            with model_storage.read_from(resource) as directory:
                scorer = load_pipeline(directory / MODEL_FILE)
        except (ValueError, FileNotFoundError):
            logger.warning("LinearIntentClassifier was not trained; it will predict nothing.")
            scorer = None
        return cls(config, model_storage, resource, scorer)

    def process(self, messages: list[Message]) -> list[Message]:
        """Rank the intents of each message; an empty message gets no intent, so the fallback answers it."""
        for message in messages:
            if self._scorer is None or not (message.get(TEXT) or "").strip():
                message.set(INTENT, {INTENT_NAME_KEY: None, PREDICTED_CONFIDENCE_KEY: 0.0}, add_to_output=True)
                message.set(INTENT_RANKING_KEY, [], add_to_output=True)
                continue
            row = self._scorer.predict_proba([message.get(TEXT)])[0]
            order = np.argsort(row)[::-1][: self._config["ranking_length"]]
            labels = self._scorer.classes_
            ranking = [{INTENT_NAME_KEY: str(labels[i]), PREDICTED_CONFIDENCE_KEY: float(row[i])} for i in order]
            message.set(INTENT, ranking[0], add_to_output=True)
            message.set(INTENT_RANKING_KEY, ranking, add_to_output=True)
        return messages
