"""`veiviser resources coverage` on the shipped data: every municipality counted once per need, files written."""
import json

from bot.cli import main
from bot.directory.coverage import LEVELS, NEEDS


def test_coverage_counts_every_municipality_once_per_need(tmp_path, capsys):
    assert main(["resources", "coverage", "--out", str(tmp_path), "--counties"]) == 0
    printed = capsys.readouterr().out
    report = json.loads((tmp_path / "coverage.json").read_text(encoding="utf-8"))
    assert (tmp_path / "coverage.png").stat().st_size > 10_000
    expected = {"NO": 357, "DK": 98, "SE": 290}
    for country, municipalities in expected.items():
        totals = report["countries"][country]["totals"]
        for need in NEEDS:
            assert sum(totals[need].get(level, 0) for level in LEVELS) == municipalities, (country, need)
        counties = report["countries"][country]["counties"].values()
        assert sum(county["municipalities"] for county in counties) == municipalities
    assert "Vestland" in printed and "6 months ago" in printed


def test_a_local_service_with_a_phone_makes_its_municipality_local(tmp_path):
    import datetime as dt
    import shutil

    from bot import paths
    from bot.directory import load_directory
    from bot.directory.coverage import measure

    copy = tmp_path / "resources"
    shutil.copytree(paths.ROOT / "resources", copy)
    (copy / "services" / "NO" / "test-hasvik.yml").write_text("""services:
  - id: no-test-hasvik-shelter
    name: {en: Test shelter, nb: Testkrisesenter}
    description: {en: A test record., nb: En testoppføring.}
    topics: [shelter]
    contact: {phone: ["22 33 11 60"]}
    area: {municipalities: ["5616"]}
    source: https://example.org/
    last_verified: 2020-01-01
""", encoding="utf-8")
    directory, problems = load_directory(copy)
    assert not [p for p in problems if p.level == "error"]
    coverage = measure(directory, dt.date(2026, 12, 7))
    finnmark = next(c for c in coverage.counties if c.country == "NO" and c.code == "56")
    assert finnmark.needs["shelter"]["local"] == 1
    assert coverage.stale["NO"] >= 1, "a record checked in 2020 is stale"


def test_every_municipality_gets_a_phone_number_for_shelter_health_children_and_help():
    """Issue 13: no answer for these needs without a number to call, in any of the 745 municipalities."""
    from actions.answers import find, need_answer
    from bot import paths
    from bot.directory import DirectoryStore

    snapshot = DirectoryStore(paths.ROOT / "resources").snapshot
    without = []
    for country in snapshot.directory.countries.values():
        for code in country.municipalities:
            for need in ("shelter", "health", "child_protection", "helpline"):
                found = find(snapshot, country.code, need, code, "victims", minor=need == "child_protection")
                text = need_answer(snapshot, "en", found)
                shown = ([found.first] if found.first else []) + found.matches[:1] + found.emergency[:1]
                if not any(phone in text for match in shown for phone in match.service.phones):
                    without.append((country.code, code, need))
    assert not without, without[:10]
