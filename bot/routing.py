"""Routing evaluation: do scripted conversations reach the right contact, in the first screen, briefly?

``tests/eval/routing/<lang>.yml`` holds conversations written by another
writer than the training data, each with the services whose contact must
appear in the reply to its last turn. They run through the real assistant (a
``bot.stack.Stack``: Rasa and the action server over the REST channel), and
``make eval`` prints, per language: the share that shows an expected contact
(its phone number, or its web address when it has none), the share where it
ends within the reply's first ``FIRST_SCREEN`` characters, and the median and
90th percentile length of a turn's reply (every text one turn sends; button
titles not counted).
"""
from __future__ import annotations

import statistics
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import yaml

from bot.directory.present import contact_marks
from bot.directory.schema import Directory

FIRST_SCREEN = 500  # characters: about one phone screen
WHO = ("victim", "staff", "helper")


@dataclass(frozen=True)
class Conversation:
    id: str
    who: str
    turns: tuple[str, ...]
    expect: tuple[str, ...]


@dataclass
class RoutingReport:
    conversations: int = 0
    reached: float = 0.0  # share showing an expected contact
    first_screen: float = 0.0  # share showing it within FIRST_SCREEN characters
    reply_median: float = 0.0  # characters of a turn's reply
    reply_p90: float = 0.0
    missed: list[str] = field(default_factory=list)  # ids of conversations that did not reach the contact


def load_routing_set(path: Path, directory: Directory) -> list[Conversation]:
    """The conversations of one file; an unknown service id or a malformed entry fails with the file and id."""
    raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    ids = {service.id for service in directory.services}
    conversations = []
    for index, entry in enumerate(raw.get("conversations") or []):
        name = f"{path}: conversation {entry.get('id', index) if isinstance(entry, dict) else index}"
        if not isinstance(entry, dict) or entry.get("who") not in WHO:
            raise ValueError(f"{name}: needs 'who' ({', '.join(WHO)}), 'turns' and 'expect'")
        turns = tuple(str(turn) for turn in entry.get("turns") or [])
        expect = tuple(str(service) for service in entry.get("expect") or [])
        unknown = [service for service in expect if service not in ids]
        if not turns or not expect or unknown:
            raise ValueError(f"{name}: needs turns and expected services; unknown: {unknown}")
        conversations.append(Conversation(str(entry.get("id", index)), entry["who"], turns, expect))
    return conversations


def marks_of(directory: Directory, service_id: str) -> tuple[str, ...]:
    """What shows that a reply gives a service's contact (``bot.directory.present.contact_marks``)."""
    return contact_marks(next(s for s in directory.services if s.id == service_id))


def first_position(reply: str, marks: Sequence[str]) -> int | None:
    """Where the first mark ends in the reply (None: not shown)."""
    ends = [reply.find(mark) + len(mark) for mark in marks if mark and mark in reply]
    return min(ends) if ends else None


def percentile(values: Sequence[float], share: float) -> float:
    ordered = sorted(values)
    return float(ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]) if ordered else 0.0


def run_conversation(client: httpx.Client, webhook: str, language: str, conversation: Conversation) -> list[str]:
    """Each turn's reply (its texts joined as the gateway shows them), on a new, random sender id."""
    from bot.stack import send

    sender = f"routing-{uuid.uuid4().hex}"
    replies = []
    for turn in conversation.turns:
        messages = send(client, webhook, sender, turn, language_code=language)
        replies.append("\n\n".join(m["text"] for m in messages if m.get("text")))
    return replies


def score(directory: Directory, conversations: Sequence[Conversation], replies: Sequence[Sequence[str]]) -> RoutingReport:
    report = RoutingReport(conversations=len(conversations))
    reached = within = 0
    lengths = []
    for conversation, turn_replies in zip(conversations, replies, strict=True):
        lengths += [len(reply) for reply in turn_replies]
        marks = [mark for service in conversation.expect for mark in marks_of(directory, service)]
        position = first_position(turn_replies[-1] if turn_replies else "", marks)
        if position is None:
            report.missed.append(conversation.id)
            continue
        reached += 1
        within += position <= FIRST_SCREEN
    if conversations:
        report.reached = round(reached / len(conversations), 4)
        report.first_screen = round(within / len(conversations), 4)
    report.reply_median = float(statistics.median(lengths)) if lengths else 0.0
    report.reply_p90 = percentile(lengths, 0.9)
    return report


def evaluate_routing(webhook: str, sets: Mapping[str, Path], directory: Directory) -> dict[str, RoutingReport]:
    reports = {}
    with httpx.Client() as client:
        for language, path in sets.items():
            conversations = load_routing_set(path, directory)
            replies = [run_conversation(client, webhook, language, c) for c in conversations]
            reports[language] = score(directory, conversations, replies)
    return reports


def format_routing(reports: Mapping[str, RoutingReport]) -> str:
    lines = [f"  {'lang':5} {'convs':>5} {'reached':>8} {'in 500':>7} {'median':>7} {'p90':>6}"]
    for language, r in reports.items():
        lines.append(f"  {language:5} {r.conversations:5d} {r.reached:8.3f} {r.first_screen:7.3f} "
                     f"{r.reply_median:7.0f} {r.reply_p90:6.0f}")
    return "\n".join(lines)
