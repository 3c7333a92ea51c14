"""Where the help data is thin: per country and county, how near the help for each need is.

For every municipality and need (``NEEDS``), the answer's services are looked
up as the assistant does (``Finder.find``) and classed by the nearest level
that has a service with a phone number: ``local`` (the municipality),
``county`` (its county or region), ``national`` only, or ``none`` (no phone in
the answer at all). With the number of services whose ``last_verified`` is
older than ``STALE_DAYS`` and the facts coordinators are looking for
(``resources/wanted.yml``), it tells coordinators where to work next.
"""
from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from bot.directory.lookup import Finder
from bot.directory.schema import Directory

NEEDS = ("shelter", "health", "child_protection", "helpline")
LEVELS = ("local", "county", "national", "none")
STALE_DAYS = 183  # six months


@dataclass
class CountyCoverage:
    country: str
    code: str
    name: str
    municipalities: int
    needs: dict[str, Counter] = field(default_factory=dict)  # need -> level -> municipalities


@dataclass
class Coverage:
    counties: list[CountyCoverage]
    stale: dict[str, int]  # country -> services checked more than six months ago
    wanted: dict[str, int]  # country -> facts listed in resources/wanted.yml

    def totals(self, country: str) -> dict[str, Counter]:
        totals: dict[str, Counter] = {need: Counter() for need in NEEDS}
        for county in self.counties:
            if county.country == country:
                for need, levels in county.needs.items():
                    totals[need].update(levels)
        return totals

    def as_json(self) -> dict:
        return {
            "needs": list(NEEDS), "levels": list(LEVELS),
            "countries": {country: {
                "totals": {need: dict(levels) for need, levels in self.totals(country).items()},
                "stale_services": self.stale.get(country, 0),
                "wanted_facts": self.wanted.get(country, 0),
                "counties": {c.code: {"name": c.name, "municipalities": c.municipalities,
                                      "needs": {need: dict(levels) for need, levels in c.needs.items()}}
                             for c in self.counties if c.country == country},
            } for country in sorted({c.country for c in self.counties})},
        }


def _level(answer) -> str:
    """The nearest level with a phone among what the answer shows (the first contact and the services)."""
    shown = ([answer.first] if answer.first else []) + answer.matches
    with_phone = [m for m in shown if m.service.phones]
    if not with_phone:
        return "none"
    levels = {m.level for m in with_phone}
    if "municipality" in levels:
        return "local"
    if "county" in levels:
        return "county"
    return "national"


def measure(directory: Directory, today: dt.date, wanted_path: Path | None = None) -> Coverage:
    finder = Finder(directory)
    now = dt.datetime.combine(today, dt.time(12, 0), tzinfo=dt.timezone.utc)
    counties = []
    for country in directory.countries.values():
        for county in country.counties.values():
            members = [m for m in country.municipalities.values() if m.county == county.code]
            entry = CountyCoverage(country.code, county.code, county.name, len(members))
            for need in NEEDS:
                entry.needs[need] = Counter(
                    _level(finder.find(country.code, need, m.code, minor=need == "child_protection", now=now))
                    for m in members)
            counties.append(entry)
    stale = Counter(s.country for s in directory.services if (today - s.last_verified).days > STALE_DAYS)
    return Coverage(counties, dict(stale), _wanted(wanted_path))


def _wanted(path: Path | None) -> dict[str, int]:
    if path is None or not path.exists():
        return {}
    entries = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    return dict(Counter(str(entry.get("country")) for entry in entries if isinstance(entry, dict)))


def format_summary(coverage: Coverage) -> str:
    lines = []
    for country in sorted({c.country for c in coverage.counties}):
        lines.append(f"{country}: services checked > 6 months ago: {coverage.stale.get(country, 0)}; "
                     f"facts wanted: {coverage.wanted.get(country, 0)}")
        lines.append(f"  {'need':18}" + "".join(f"{level:>10}" for level in LEVELS))
        for need, levels in coverage.totals(country).items():
            lines.append(f"  {need:18}" + "".join(f"{levels.get(level, 0):10d}" for level in LEVELS))
    return "\n".join(lines)


def format_counties(coverage: Coverage) -> str:
    lines = [f"  {'county':28} {'munis':>5}  " + "  ".join(f"{need[:12]:>24}" for need in NEEDS),
             f"  {'':28} {'':>5}  " + "  ".join(f"{'local/county/nat/none':>24}" for _ in NEEDS)]
    for c in coverage.counties:
        cells = ["/".join(str(c.needs[need].get(level, 0)) for level in LEVELS) for need in NEEDS]
        lines.append(f"  {c.country} {c.name[:25]:25} {c.municipalities:5d}  " + "  ".join(f"{cell:>24}" for cell in cells))
    return "\n".join(lines)


def heat_map(coverage: Coverage, path: Path) -> None:
    """A county × need table as PNG: the share of municipalities with a local or county number."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    rows = [f"{c.country} {c.name}" for c in coverage.counties]
    values = [[(c.needs[need].get("local", 0) + c.needs[need].get("county", 0)) / max(c.municipalities, 1)
               for need in NEEDS] for c in coverage.counties]
    figure, axes = plt.subplots(figsize=(7, 0.22 * len(rows) + 1.5))
    image = axes.imshow(values, cmap="RdYlGn", vmin=0, vmax=1, aspect="auto")
    axes.set_xticks(range(len(NEEDS)), NEEDS)
    axes.set_yticks(range(len(rows)), rows, fontsize=6)
    axes.set_title("Share of municipalities with a local or county number", fontsize=9)
    figure.colorbar(image, ax=axes, fraction=0.04)
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    plt.close(figure)
