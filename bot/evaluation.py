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
SAFETY_NET = "safety_net"


@dataclass
class LanguageReport:
    messages: int
    accuracy: float
    macro_f1: float
    emergency_recall: float
    emergency_false_alarm: float
    emergencies: int = 0
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
        emergencies=len(emergencies),
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


@dataclass
class AcuteReport:
    """How a language's held-out acute-danger set (tests/eval/acute/<lang>.yml) is answered."""

    acute: int
    not_acute: int
    recall: float  # share of acute messages answered as emergencies
    false_alarm: float  # share of near misses answered as emergencies
    recall_by_kind: dict[str, float] = field(default_factory=dict)
    false_alarm_by_kind: dict[str, float] = field(default_factory=dict)
    missed: list[tuple[str, str]] = field(default_factory=list)  # (kind, predicted intent); no texts
    raised: list[tuple[str, str]] = field(default_factory=list)  # (kind, by which net)


def load_acute_set(path: Path) -> list[tuple[str, str, bool]]:
    """(text, kind, acute) triples of one language's acute-danger file."""
    with open(path, encoding="utf-8") as handle:
        raw = yaml.safe_load(handle) or {}
    return [(str(text), kind, section == "acute")
            for section in ("acute", "not_acute") for kind, texts in (raw.get(section) or {}).items()
            for text in texts or []]


def _share(flags: Sequence[bool]) -> float:
    return round(sum(flags) / len(flags), 4) if flags else 0.0


def score_acute(cases: Sequence[tuple[str, bool]], parsed: Sequence[Mapping]) -> AcuteReport:
    """``cases``: (kind, acute) per message; ``parsed``: Rasa's parse data for each."""
    fired = [((p.get("intent") or {}).get("name") == EMERGENCY) for p in parsed]
    by_kind: dict[tuple[str, bool], list[bool]] = {}
    for (kind, acute), hit in zip(cases, fired, strict=True):
        by_kind.setdefault((kind, acute), []).append(hit)
    acute_hits = [hit for (_, acute), hit in zip(cases, fired, strict=True) if acute]
    other_hits = [hit for (_, acute), hit in zip(cases, fired, strict=True) if not acute]
    return AcuteReport(
        acute=len(acute_hits), not_acute=len(other_hits),
        recall=_share(acute_hits), false_alarm=_share(other_hits),
        recall_by_kind={kind: _share(hits) for (kind, acute), hits in by_kind.items() if acute},
        false_alarm_by_kind={kind: _share(hits) for (kind, acute), hits in by_kind.items() if not acute},
        missed=[(kind, (p.get("intent") or {}).get("name") or FALLBACK)
                for (kind, acute), p, hit in zip(cases, parsed, fired, strict=True) if acute and not hit],
        raised=[(kind, ",".join((p.get(SAFETY_NET) or {}).get("fired") or ["classifier"]))
                for (kind, acute), p, hit in zip(cases, parsed, fired, strict=True) if not acute and hit],
    )


async def _parse(model_path: Path, texts: Iterable[str]) -> list[dict]:
    from rasa.core.agent import Agent

    agent = Agent.load(str(model_path))
    return [await agent.parse_message(text) for text in texts]


def evaluate_acute(model_path: Path, languages: Sequence[str], eval_dir: Path = EVAL_DIR,
                   folder: str = "acute") -> dict[str, AcuteReport]:
    sets = {lang: load_acute_set(eval_dir / folder / f"{lang}.yml") for lang in languages
            if (eval_dir / folder / f"{lang}.yml").exists()}
    parsed = iter(asyncio.run(_parse(model_path, [text for cases in sets.values() for text, _, _ in cases])))
    return {lang: score_acute([(kind, acute) for _, kind, acute in cases], [next(parsed) for _ in cases])
            for lang, cases in sets.items()}


def recall_by_kind(reports: Mapping[str, AcuteReport]) -> dict[str, float]:
    """Recall per kind over all languages (each kind has the same weight in every language)."""
    kinds: dict[str, list[float]] = {}
    for report in reports.values():
        for kind, recall in report.recall_by_kind.items():
            kinds.setdefault(kind, []).append(recall)
    return {kind: round(sum(values) / len(values), 4) for kind, values in kinds.items()}


def format_acute(reports: Mapping[str, AcuteReport]) -> str:
    kinds = list(recall_by_kind(reports))
    lines = [f"{'lang':<6}{'acute':>6}{'near':>6}{'recall':>8}{'false alarm':>13}  " + " ".join(f"{k[:9]:>9}" for k in kinds)]
    for lang, r in reports.items():
        lines.append(f"{lang:<6}{r.acute:>6}{r.not_acute:>6}{r.recall:>8.3f}{r.false_alarm:>13.3f}  "
                     + " ".join(f"{r.recall_by_kind.get(k, 0.0):>9.3f}" for k in kinds))
    overall = recall_by_kind(reports)
    lines.append(f"{'all':<6}{'':>6}{'':>6}{'':>8}{'':>13}  " + " ".join(f"{overall[k]:>9.3f}" for k in kinds))
    for lang, r in reports.items():
        if r.missed or r.raised:
            missed = ", ".join(f"{k}->{p}" for k, p in r.missed) or "none"
            raised = ", ".join(f"{k} ({by})" for k, by in r.raised) or "none"
            lines.append(f"  {lang}: missed {missed}; false alarms {raised}")
    return "\n".join(lines)


def combined(intents: LanguageReport, *acute: AcuteReport) -> dict[str, float]:
    """Emergency recall and false alarms over the intent set and the acute sets together ("the larger sets")."""
    n_em = intents.emergencies
    n_other = intents.messages - n_em
    hits = intents.emergency_recall * n_em + sum(a.recall * a.acute for a in acute)
    alarms = intents.emergency_false_alarm * n_other + sum(a.false_alarm * a.not_acute for a in acute)
    total_em = n_em + sum(a.acute for a in acute)
    total_other = n_other + sum(a.not_acute for a in acute)
    return {"emergencies": total_em, "others": total_other,
            "recall": round(hits / total_em, 4) if total_em else 1.0,
            "false_alarm": round(alarms / total_other, 4) if total_other else 0.0}


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


def training_examples(nlu_dir: Path) -> dict[str, tuple[list[str], list[str]]]:
    """language -> (texts, intents) of ``intents/<lang>/*.yml``."""
    found: dict[str, tuple[list[str], list[str]]] = {}
    for path in sorted(nlu_dir.glob("*/*.yml")):
        texts, intents = found.setdefault(path.parent.name, ([], []))
        for block in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("nlu", []):
            for line in block["examples"].splitlines():
                if line.strip().startswith("- "):
                    texts.append(line.strip()[2:])
                    intents.append(block["intent"])
    return found


def shared_or_per_language(config: Mapping[str, object], languages: Sequence[str], nlu_dir: Path,
                           eval_dir: Path = EVAL_DIR) -> dict[str, dict[str, float]]:
    """Held-out macro-F1 of the classifier trained on every language at once and on each language alone.

    The question of issue 11 (one shared model, or one per language selected by
    the language slot); classifier only, without the fallback and safety nets.
    """
    from bot.nlu.classifier import LinearIntentClassifier, build_pipeline

    settings = {**LinearIntentClassifier.get_default_config(), **config}
    data = training_examples(nlu_dir)
    shared = build_pipeline(settings).fit([t for texts, _ in data.values() for t in texts],
                                          [i for _, intents in data.values() for i in intents])
    result = {}
    for lang in languages:
        pairs = load_eval_set(eval_dir / f"{lang}.yml")
        texts, truth = [t for t, _ in pairs], [i for _, i in pairs]
        alone = build_pipeline(settings).fit(*data[lang])
        result[lang] = {"shared": score(truth, list(shared.predict(texts))).macro_f1,
                        "per_language": score(truth, list(alone.predict(texts))).macro_f1}
    return result
