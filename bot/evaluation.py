"""Intent evaluation on the held-out sets in ``tests/eval/<lang>.yml``.

Per language: accuracy, macro-F1, the most confused intent pairs, and for the
intent that matters most, emergency recall and the false-alarm rate (the share
of non-emergency messages answered as emergencies). A message that falls back
(``nlu_fallback``) counts as ``out_of_scope``: both get the same answer.
"""
from __future__ import annotations

import asyncio
import json
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

import yaml

EVAL_DIR = Path("tests/eval")
EMERGENCY = "emergency"
FALLBACK = "nlu_fallback"
OUT_OF_SCOPE = "out_of_scope"


@dataclass
class LanguageReport:
    messages: int
    accuracy: float
    macro_f1: float
    emergency_recall: float
    emergency_false_alarm: float
    confused: list[tuple[str, str, int]] = field(default_factory=list)


def load_eval_set(path: Path) -> list[tuple[str, str]]:
    """(text, intent) pairs of one language's held-out file."""
    with open(path, encoding="utf-8") as handle:
        raw = yaml.safe_load(handle) or {}
    return [(str(text), intent) for intent, texts in raw.items() for text in texts or []]


def score(truth: Sequence[str], predicted: Sequence[str]) -> LanguageReport:
    from sklearn.metrics import accuracy_score, f1_score

    predicted = [OUT_OF_SCOPE if p == FALLBACK else p for p in predicted]
    labels = sorted(set(truth))
    emergencies = [p for t, p in zip(truth, predicted, strict=False) if t == EMERGENCY]
    others = [p for t, p in zip(truth, predicted, strict=False) if t != EMERGENCY]
    confused = Counter((t, p) for t, p in zip(truth, predicted, strict=False) if t != p)
    return LanguageReport(
        messages=len(truth),
        accuracy=round(float(accuracy_score(truth, predicted)), 4),
        macro_f1=round(float(f1_score(truth, predicted, labels=labels, average="macro", zero_division=0)), 4),
        emergency_recall=round(sum(p == EMERGENCY for p in emergencies) / len(emergencies), 4) if emergencies else 1.0,
        emergency_false_alarm=round(sum(p == EMERGENCY for p in others) / len(others), 4) if others else 0.0,
        confused=[(t, p, n) for (t, p), n in confused.most_common(5)],
    )


async def _predict(model_path: Path, texts: Iterable[str]) -> list[str]:
    from rasa.core.agent import Agent

    agent = Agent.load(str(model_path))
    return [((await agent.parse_message(text)).get("intent") or {}).get("name") or FALLBACK for text in texts]


def evaluate(model_path: Path, languages: Sequence[str], eval_dir: Path = EVAL_DIR) -> dict[str, LanguageReport]:
    sets = {lang: load_eval_set(eval_dir / f"{lang}.yml") for lang in languages}
    texts = [text for pairs in sets.values() for text, _ in pairs]
    predicted = iter(asyncio.run(_predict(model_path, texts)))
    return {
        lang: score([intent for _, intent in pairs], [next(predicted) for _ in pairs])
        for lang, pairs in sets.items()
    }


def format_table(reports: Mapping[str, LanguageReport]) -> str:
    lines = [f"{'lang':<6}{'n':>5}{'accuracy':>10}{'macro-F1':>10}{'emerg. recall':>15}{'false alarm':>13}"]
    for lang, r in reports.items():
        lines.append(
            f"{lang:<6}{r.messages:>5}{r.accuracy:>10.3f}{r.macro_f1:>10.3f}"
            f"{r.emergency_recall:>15.3f}{r.emergency_false_alarm:>13.3f}"
        )
    lines.append("")
    lines.append("Most confused (truth -> predicted, count):")
    for lang, r in reports.items():
        pairs = ", ".join(f"{t}->{p} ({n})" for t, p, n in r.confused) or "none"
        lines.append(f"  {lang}: {pairs}")
    return "\n".join(lines)


def write_json(reports: Mapping[str, LanguageReport], path: Path, extra: Mapping[str, object] = ()) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    payload = {lang: asdict(r) for lang, r in reports.items()}
    payload.update(dict(extra))
    path.write_text(json.dumps(payload, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
