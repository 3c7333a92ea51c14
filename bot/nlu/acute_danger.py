"""A second opinion on acute danger: one binary model over every language, beside the intent classifier.

The intent classifier learns 46 intents from about as many examples each;
acute danger is one of them, and the phrasing of real emergencies ("my
cousin drank what they gave her and is not responding") is far more varied
than a keyword list. This component learns only *acute or not* (the
``emergency`` examples against every other example, near misses included:
past danger, fear of the police, figures of speech), over character n-grams
of folded text, so it generalises across spellings and languages.

How the two are combined (intents/README.md defines acute danger):

- either raises the emergency alone when it is sure: the classifier's top
  intent is ``emergency`` with at least ``classifier_alone`` confidence, or
  this model's probability is at least ``raise_alone``;
- when the classifier's ``emergency`` is less sure, this model must agree
  (probability at least ``confirm``); otherwise the classifier's next intent
  answers (a past beating is answered as a question about one's situation).

The keyword net (``EmergencySafetyNet``) runs after this and can still raise
the emergency. The parse data keeps what each said under ``safety_net``:
the classifier's intent and confidence, this model's probability, and which
of them fired (``fired``), so ``make eval`` can tell them apart.
"""
from __future__ import annotations

import logging
from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import (
    INTENT,
    INTENT_NAME_KEY,
    INTENT_RANKING_KEY,
    PREDICTED_CONFIDENCE_KEY,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlu.classifier import fit_pipeline, load_pipeline, save_pipeline
from bot.nlu.scorer import CompiledPipeline

logger = logging.getLogger(__name__)
MODEL_FILE = "acute_danger.joblib"
EMERGENCY = "emergency"
SAFETY_NET_KEY = "safety_net"


def decide(intent: dict[str, Any], probability: float, config: dict[str, Any]) -> tuple[bool, list[str]]:
    """(acute?, which fired) from the classifier's top intent and this model's probability."""
    classifier_says = intent.get(INTENT_NAME_KEY) == EMERGENCY
    confidence = float(intent.get(PREDICTED_CONFIDENCE_KEY) or 0.0)
    fired = []
    if classifier_says and (confidence >= config["classifier_alone"] or probability >= config["confirm"]):
        fired.append("classifier")
    if probability >= config["raise_alone"]:
        fired.append("model")
    return bool(fired), fired


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class AcuteDangerModel(GraphComponent):
    @staticmethod
    def get_default_config() -> dict[str, Any]:
        # features_version: as LinearIntentClassifier's (the pickled preprocessor's module path)
        return {"char_ngrams": [2, 5], "word_ngrams": [1, 2], "alpha": 1e-4, "max_iter": 50, "random_state": 0,
                "raise_alone": 0.8, "confirm": 0.5, "classifier_alone": 0.8, "features_version": 2}

    def __init__(self, config: dict[str, Any], model_storage: ModelStorage, resource: Resource,
                 scorer: CompiledPipeline | None = None) -> None:
        self._config = {**self.get_default_config(), **config}
        self._model_storage = model_storage
        self._resource = resource
        self._scorer = scorer

    @classmethod
    def create(cls, config: dict[str, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> AcuteDangerModel:
        return cls(config, model_storage, resource)

    def train(self, training_data: TrainingData) -> Resource:
        examples = [m for m in training_data.intent_examples if m.get(TEXT) and m.get(INTENT)]
        labels = [m.get(INTENT) == EMERGENCY for m in examples]
        if len(set(labels)) < 2:
            logger.warning("AcuteDangerModel needs emergency and other examples to train; skipped.")
            return self._resource
        trained = fit_pipeline(self._config, [m.get(TEXT) for m in examples], labels)
        self._scorer = CompiledPipeline(trained.pipeline)
        with self._model_storage.write_to(self._resource) as directory:
            save_pipeline(trained, directory / MODEL_FILE)
        return self._resource

    @classmethod
    def load(cls, config: dict[str, Any], model_storage: ModelStorage, resource: Resource,
             execution_context: ExecutionContext, **kwargs: Any) -> AcuteDangerModel:
        try:
            with model_storage.read_from(resource) as directory:
                scorer = load_pipeline(directory / MODEL_FILE)
        except (ValueError, FileNotFoundError):
            logger.warning("AcuteDangerModel was not trained; only the classifier and the keywords decide.")
            scorer = None
        return cls(config, model_storage, resource, scorer)

    def probability(self, text: str) -> float:
        """P(acute danger) for one message."""
        row = self._scorer.predict_proba([text])[0]
        return float(row[list(self._scorer.classes_).index(True)])

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            text = message.get(TEXT) or ""
            if self._scorer is None or not text.strip() or text.startswith("/"):
                continue
            intent = message.get(INTENT) or {}
            probability = self.probability(text)
            acute, fired = decide(intent, probability, self._config)
            message.set(SAFETY_NET_KEY, {
                "classifier_intent": intent.get(INTENT_NAME_KEY),
                "classifier_confidence": round(float(intent.get(PREDICTED_CONFIDENCE_KEY) or 0.0), 4),
                "acute_probability": round(probability, 4),
                "fired": fired,
            }, add_to_output=True)
            if acute:
                confidence = max(probability, float(intent.get(PREDICTED_CONFIDENCE_KEY) or 0.0))
                message.set(INTENT, {INTENT_NAME_KEY: EMERGENCY, PREDICTED_CONFIDENCE_KEY: confidence},
                            add_to_output=True)
            elif intent.get(INTENT_NAME_KEY) == EMERGENCY:
                self._overrule(message)
        return messages

    @staticmethod
    def _overrule(message: Message) -> None:
        """The classifier's weak ``emergency`` was not confirmed: its next intent answers."""
        ranking = [r for r in message.get(INTENT_RANKING_KEY) or [] if r.get(INTENT_NAME_KEY) != EMERGENCY]
        message.set(INTENT_RANKING_KEY, ranking, add_to_output=True)
        message.set(INTENT, ranking[0] if ranking else {INTENT_NAME_KEY: None, PREDICTED_CONFIDENCE_KEY: 0.0},
                    add_to_output=True)
