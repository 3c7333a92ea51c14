"""The supported languages and their tiers, read once from ``bot/languages.yml``."""
from __future__ import annotations

import dataclasses
import functools
from dataclasses import dataclass
from pathlib import Path

import yaml

from bot import paths

TIERS = ("tier1", "tier2", "safety")


@dataclass(frozen=True)
class LanguageConfig:
    default: str
    shipped: tuple[str, ...]
    tier1: tuple[str, ...]
    tier2: tuple[str, ...]
    safety: tuple[str, ...]
    aliases: dict[str, str]
    must_have: dict[str, tuple[str, ...]]
    safety_responses: tuple[str, ...]
    safety_intents: tuple[str, ...]
    close: tuple[frozenset[str], ...] = ()  # languages detection confuses in short texts (nb, da, sv)
    home_country: dict[str, str] = dataclasses.field(default_factory=dict)  # nb → NO: where a shared place name is taken to be

    def are_close(self, first: str, second: str) -> bool:
        return any(first in group and second in group for group in self.close)

    @property
    def all(self) -> tuple[str, ...]:
        """Every language Veiviser is built for, shipped or not."""
        return self.tier1 + self.tier2 + self.safety

    @property
    def understood(self) -> tuple[str, ...]:
        """Shipped languages with NLU data for the intents (tiers 1 and 2)."""
        return tuple(code for code in self.shipped if code not in self.safety)

    def tier(self, code: str) -> str | None:
        return next((name for name in TIERS if code in getattr(self, name)), None)


@functools.cache
def load_config(path: Path = paths.LANGUAGES) -> LanguageConfig:
    with open(path, encoding="utf-8") as handle:
        raw = yaml.safe_load(handle)
    config = LanguageConfig(
        default=raw["default"],
        shipped=tuple(raw["shipped"]),
        tier1=tuple(raw["tier1"]),
        tier2=tuple(raw["tier2"]),
        safety=tuple(raw.get("safety") or ()),
        aliases={str(k): str(v) for k, v in (raw.get("aliases") or {}).items()},
        must_have={tier: tuple(items) for tier, items in (raw.get("must_have") or {}).items()},
        safety_responses=tuple(raw.get("safety_responses") or ()),
        safety_intents=tuple(raw.get("safety_intents") or ()),
        close=tuple(frozenset(group) for group in raw.get("close") or ()),
        home_country={str(k): str(v) for k, v in (raw.get("home_country") or {}).items()},
    )
    unknown = set(config.shipped) - set(config.all)
    if unknown or config.default not in config.shipped:
        raise ValueError(f"{path}: shipped languages {sorted(unknown)} or default not in the tiers")
    return config
