"""The supported languages, read once from ``bot/languages.yml``."""
from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

import yaml

CONFIG_PATH = Path(__file__).resolve().parent.parent / "languages.yml"


@dataclass(frozen=True)
class LanguageConfig:
    default: str
    shipped: tuple[str, ...]
    tier1: tuple[str, ...]
    tier2: tuple[str, ...]
    aliases: dict[str, str]

    @property
    def all(self) -> tuple[str, ...]:
        """Every language Veiviser is built for, shipped or not."""
        return self.tier1 + self.tier2


@functools.cache
def load_config(path: Path = CONFIG_PATH) -> LanguageConfig:
    with open(path, encoding="utf-8") as handle:
        raw = yaml.safe_load(handle)
    config = LanguageConfig(
        default=raw["default"],
        shipped=tuple(raw["shipped"]),
        tier1=tuple(raw["tier1"]),
        tier2=tuple(raw["tier2"]),
        aliases={str(k): str(v) for k, v in (raw.get("aliases") or {}).items()},
    )
    unknown = set(config.shipped) - set(config.all)
    if unknown or config.default not in config.shipped:
        raise ValueError(f"{path}: shipped languages {sorted(unknown)} or default not in the tiers")
    return config
