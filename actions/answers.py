"""Compose the directory's answer to a need or a right, in the user's language."""
from __future__ import annotations

import datetime as dt

from bot.directory import Snapshot
from bot.directory.hours import local_now
from bot.directory.present import answer_text, rights_text


def need_answer(
    snapshot: Snapshot,
    language: str,
    country: str,
    need: str,
    municipality: str | None,
    role: str,
    minor: bool,
    now: dt.datetime | None = None,
    urgent: bool = False,
) -> str:
    answer = snapshot.finder.find(country, need, municipality, role=role, minor=minor, urgent=urgent, now=now)
    time_zone = snapshot.directory.countries[country].time_zone
    return answer_text(answer, snapshot.directory, language, local_now(time_zone, now))


def rights_answer(snapshot: Snapshot, language: str, country: str, intent: str) -> str | None:
    right = snapshot.directory.rights.get((country, intent))
    return rights_text(right, language) if right else None


def guidance_answer(snapshot: Snapshot, language: str, country: str, key: str) -> str | None:
    text = snapshot.directory.guidance.get((country, key))
    return rights_text(text, language) if text else None
