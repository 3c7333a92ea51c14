"""What Veiviser's untrained pipeline components share."""
from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData


class StatelessComponent(GraphComponent):
    """A component with nothing to train: it loads its data once, then reads messages."""

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> StatelessComponent:
        cls.prepare()
        return cls()

    @classmethod
    def prepare(cls) -> None:
        """Load data at start-up rather than on the first message."""

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data


def user_texts(messages: list[Message]) -> Iterator[tuple[Message, str]]:
    """(message, text) for messages a person typed (not button payloads such as "/greet")."""
    for message in messages:
        text = message.get(TEXT)
        if text and not text.startswith("/"):
            yield message, text
