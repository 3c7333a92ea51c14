"""Data safety of the running help directory (issue 10, part 5).

A deleted, renamed, emptied or truncated file validates on its own, so only a
comparison with the last good data shows that a shelter would vanish from the
answers: a reload refuses it like a file with a mistake, names the file in the
log, keeps the last good data, and accepts the next good save. Every kind of
broken services file is refused with file:line. The store is driven by hand
(``reload_if_changed``) so each step is deterministic.
"""
import itertools
import logging
import os
import re
import shutil
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from bot import paths
from bot.cli import main
from bot.directory import DirectoryStore

RESOURCES = paths.ROOT / "resources"
LOGGER = "bot.directory.store"

# Two services of our own, so corruptions have exact, stable line numbers.
SAMPLE = """# Two services for the tests; they are part of the last good data.
services:
  - id: no-test-shelter
    name: {en: Test shelter, nb: Testkrisesenter, da: Testkrisecenter, sv: Testskyddsboende}
    description: {en: A shelter., nb: Et krisesenter., da: Et krisecenter., sv: Ett skyddat boende.}
    topics: [shelter]
    contact:
      phone: ["22 33 11 60"]
      web: https://example.org
    opening_hours: "Mo-Fr 09:00-15:00"
    area:
      municipalities: ["0301"]
    source: https://example.org
    last_verified: 2026-11-26
  - id: no-test-helpline
    name: {en: Test helpline, nb: Testtelefon, da: Testtelefon, sv: Testtelefon}
    description: {en: A helpline., nb: En hjelpetelefon., da: En hjælpelinje., sv: En stödlinje.}
    topics: [helpline]
    contact: {web: https://example.org}
    area: {country: NO}
    source: https://example.org
    last_verified: 2026-11-26
"""
SAMPLE_FILE = "services/NO/sample.yml"
OSLO = "services/NO/oslo.yml"
NATIONAL = "services/NO/national.yml"
_stamps = itertools.count(1)


# helpers ------------------------------------------------------------------------------------------

def save(path: Path, data: bytes) -> None:
    """Write, with a modification time no earlier save had: the store notices every save."""
    path.write_bytes(data)
    stamp = time.time_ns() + next(_stamps)
    os.utime(path, ns=(stamp, stamp))


def entry_starts(text: str) -> list[int]:
    """Indexes of the lines that begin a service (``  - id: …``)."""
    return [i for i, line in enumerate(text.splitlines()) if line.startswith("  - id:")]


def ids(store: DirectoryStore) -> set[str]:
    return {service.id for service in store.snapshot.directory.services}


def errors(caplog) -> str:
    return "\n".join(r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR)


def refusal(caplog) -> str:
    """The summary line of a refusal, or ''."""
    return next((r.getMessage() for r in caplog.records
                 if r.levelno >= logging.ERROR and "change refused" in r.getMessage()), "")


@pytest.fixture(scope="module")
def tree(tmp_path_factory):
    copy = tmp_path_factory.mktemp("safety") / "resources"
    shutil.copytree(RESOURCES, copy)
    (copy / SAMPLE_FILE).write_text(SAMPLE, encoding="utf-8")
    return copy


@pytest.fixture(scope="module")
def pristine(tree):
    return {p.relative_to(tree): p.read_bytes() for p in tree.rglob("*") if p.is_file()}


@pytest.fixture(scope="module")
def running(tree, pristine):
    """One store for the module (a load takes most of a second); never started, driven by hand."""
    return DirectoryStore(tree, poll_seconds=3600)


def in_service(store: DirectoryStore) -> set:
    return {(s.id, s.origin) for s in store.snapshot.directory.services}


@pytest.fixture(scope="module")
def baseline(running):
    return in_service(running)


@pytest.fixture
def store(running, tree, pristine, baseline):
    """The running store; afterwards every file is put back as it was.

    No reload is needed when the good data is still in service: the next test's
    change is compared with it, restored files included (this saves a load per test).
    """
    yield running
    for path in [p for p in tree.rglob("*") if p.is_file() and p.relative_to(tree) not in pristine]:
        path.unlink()
    for relative, data in pristine.items():
        path = tree / relative
        if not path.is_file() or path.read_bytes() != data:
            save(path, data)
    if in_service(running) != baseline:
        running.reload_if_changed()


@pytest.fixture
def good(store, baseline):
    """What is in service before a test breaks anything."""
    assert in_service(store) == baseline
    return store.snapshot.version, ids(store)


def assert_kept(store, good) -> None:
    version, before = good
    assert store.snapshot.version == version, "the change was refused"
    assert ids(store) == before, "the last good data stays in service"


# deleted, emptied, renamed, truncated --------------------------------------------------------------

def _truncated(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    second = entry_starts(text)[1]
    save(path, ("\n".join(text.splitlines()[:second]) + "\n").encode())


def _renamed_losing_one(path: Path) -> None:
    _truncated(path)
    path.rename(path.with_name("oslo-sentrum.yml"))


LOSSES: dict[str, tuple[Callable[[Path], None], str]] = {
    "deleted": (lambda p: p.unlink(), "deleted or renamed"),
    "emptied (0 bytes)": (lambda p: save(p, b""), "is empty (0 bytes)"),
    "comments only": (lambda p: save(p, b"# Oslo\n\n# entries come later\n"), "only blank lines and comments"),
    "services: []": (lambda p: save(p, b"# Oslo\nservices: []\n"), "has no services"),
    "no services key left": (lambda p: save(p, b"services:\n"), "no 'services:' list"),
    "renamed to .bak": (lambda p: p.rename(p.with_name(p.name + ".bak")), "deleted or renamed"),
    "truncated between two entries": (_truncated, "missing from the file"),
    "renamed to another .yml, losing an entry": (_renamed_losing_one, "deleted or renamed"),
}


@pytest.mark.parametrize("case", list(LOSSES))
def test_losing_a_services_file_is_refused_until_it_is_back(case, store, good, tree, pristine, caplog):
    oslo = tree / OSLO
    original = pristine[Path(OSLO)]
    oslo_ids = {s.id for s in store.snapshot.directory.services if s.origin.path.endswith(OSLO)}
    assert len(oslo_ids) >= 2 and store.snapshot.finder.find("NO", "shelter", "0301").matches[0].level == "municipality"
    change, why = LOSSES[case]
    with caplog.at_level(logging.INFO, logger=LOGGER):
        change(oslo)
        assert store.reload_if_changed() is False
    assert_kept(store, good)
    assert store.snapshot.finder.find("NO", "shelter", "0301").matches[0].level == "municipality", \
        "Oslo's local shelter is still in the answers"
    assert "oslo.yml" in refusal(caplog), "the summary line names the file"
    logged = errors(caplog)
    assert re.search(r"resources/services/NO/oslo\.yml:\d+:\d+: error: .*" + re.escape(why), logged), logged
    if "no 'services:' list" not in why:  # that one is a plain validation error
        assert all(service_id in logged for service_id in oslo_ids - ids_after(tree, case))
    assert "reloaded" not in caplog.text

    caplog.clear()
    for leftover in (tree / "services" / "NO").glob("oslo*"):
        leftover.unlink()
    save(oslo, original)
    with caplog.at_level(logging.INFO, logger=LOGGER):
        assert store.reload_if_changed() is True, "the fixed file is accepted"
    assert store.snapshot.version == good[0] + 1 and ids(store) == good[1]
    assert not errors(caplog) and "Help directory reloaded" in caplog.text


def ids_after(tree: Path, case: str) -> set[str]:
    """The Oslo ids still in the broken tree (only the truncations keep one)."""
    if "truncated" not in case and "losing" not in case:
        return set()
    kept = next(tree.glob("services/NO/oslo*.yml"))
    return {line.split(":", 1)[1].strip() for line in kept.read_text(encoding="utf-8").splitlines()
            if line.startswith("  - id:")}


def test_a_service_removed_from_a_file_with_others_is_refused(store, good, tree, pristine, caplog):
    national = tree / NATIONAL
    lines = national.read_text(encoding="utf-8").splitlines()
    starts = entry_starts("\n".join(lines))
    gone = lines[starts[1]].split(":", 1)[1].strip()
    save(national, ("\n".join(lines[:starts[1]] + lines[starts[2]:]) + "\n").encode())
    with caplog.at_level(logging.INFO, logger=LOGGER):
        assert store.reload_if_changed() is False
    assert_kept(store, good)
    logged = errors(caplog)
    assert "national.yml" in refusal(caplog)
    assert re.search(rf"resources/services/NO/national\.yml:1:1: error: services are missing from the file.*"
                     rf"1 service in service would disappear: {re.escape(gone)} \(was line {starts[1] + 1}\)", logged), logged

    caplog.clear()
    save(national, pristine[Path(NATIONAL)])
    with caplog.at_level(logging.INFO, logger=LOGGER):
        assert store.reload_if_changed() is True
    assert ids(store) == good[1] and not errors(caplog)


def test_renaming_to_another_yml_that_keeps_every_id_is_accepted(store, good, tree, caplog):
    oslo = tree / OSLO
    renamed = oslo.with_name("oslo-sentrum.yml")
    with caplog.at_level(logging.INFO, logger=LOGGER):
        oslo.rename(renamed)
        assert store.reload_if_changed() is True
    assert store.snapshot.version == good[0] + 1 and ids(store) == good[1]
    assert any(s.origin.path.endswith("oslo-sentrum.yml") for s in store.snapshot.directory.services)
    assert not errors(caplog)

    renamed.rename(oslo)
    assert store.reload_if_changed() is True and ids(store) == good[1]


def test_moving_a_service_to_another_file_is_accepted(store, good, tree):
    sample = (tree / SAMPLE_FILE).read_text(encoding="utf-8")
    second = entry_starts(sample)[1]
    lines = sample.splitlines()
    save(tree / SAMPLE_FILE, ("\n".join(lines[:second]) + "\n").encode())
    save(tree / "services/NO/moved.yml", ("services:\n" + "\n".join(lines[second:]) + "\n").encode())
    assert store.reload_if_changed() is True and ids(store) == good[1]


def _cut_places(path: Path) -> None:
    lines = path.read_text(encoding="utf-8").splitlines()
    last = max(i for i, line in enumerate(lines) if line.startswith("  - code:"))
    save(path, ("\n".join(lines[:last]) + "\n").encode())


TEXT_LOSSES = {
    "rights deleted": ("rights/NO.yml", lambda p: p.unlink(), "deleted or renamed"),
    "rights emptied": ("rights/SE.yml", lambda p: save(p, b""), "no 'rights:' mapping"),
    "guidance emptied (comments only)": ("guidance/DK.yml", lambda p: save(p, b"# later\n"), "no 'guidance:' mapping"),
    "guidance renamed to .bak": ("guidance/NO.yml", lambda p: p.rename(p.with_suffix(".bak")), "deleted or renamed"),
    "places deleted": ("places/DK.yml", lambda p: p.unlink(), "no places for DK"),
    "places emptied": ("places/NO.yml", lambda p: save(p, b""), "no places for NO"),
    "places cut short": ("places/SE.yml", _cut_places, "places are missing from the file"),
}


@pytest.mark.parametrize("case", list(TEXT_LOSSES))
def test_losing_places_rights_or_guidance_is_refused(case, store, good, tree, pristine, caplog):
    relative, change, why = TEXT_LOSSES[case]
    rights, guidance = dict(store.snapshot.directory.rights), dict(store.snapshot.directory.guidance)
    with caplog.at_level(logging.INFO, logger=LOGGER):
        change(tree / relative)
        assert store.reload_if_changed() is False
    assert_kept(store, good)
    assert store.snapshot.directory.rights == rights and store.snapshot.directory.guidance == guidance
    assert relative in refusal(caplog)
    assert re.search(rf"resources/{re.escape(relative)}:\d+:\d+: error: .*{re.escape(why)}", errors(caplog)), errors(caplog)

    for leftover in (tree / relative).parent.glob(Path(relative).stem + ".bak"):
        leftover.unlink()
    save(tree / relative, pristine[Path(relative)])
    assert store.reload_if_changed() is True and ids(store) == good[1]


def test_removing_on_purpose_takes_a_restart(tree, pristine):
    """The first load compares with nothing: what the files say goes into service."""
    (tree / OSLO).unlink()
    try:
        restarted = DirectoryStore(tree, poll_seconds=3600)
        assert not any(s.origin.path.endswith(OSLO) for s in restarted.snapshot.directory.services)
        assert restarted.snapshot.version == 1
    finally:
        save(tree / OSLO, pristine[Path(OSLO)])


def test_validate_checks_one_tree_and_only_warns_about_an_empty_file(tree, pristine, capsys):
    save(tree / OSLO, b"")
    try:
        assert main(["resources", "validate", str(tree)]) == 0
        out = capsys.readouterr().out
        assert "services/NO/oslo.yml:1:1: warning: the file is empty" in out and " 0 errors" in out
    finally:
        save(tree / OSLO, pristine[Path(OSLO)])


# corruptions of a services file: refused with file:line ---------------------------------------------

def replace(number: int, new: str | bytes) -> Callable[[list[bytes]], list[bytes]]:
    """Line ``number`` (1-based) becomes ``new`` (which may hold several lines, or be b'' to delete it)."""
    data = new if isinstance(new, bytes) else new.encode()
    return lambda lines: lines[:number - 1] + ([data] if data else []) + lines[number:]


def cut_after(number: int) -> Callable[[list[bytes]], list[bytes]]:
    return lambda lines: lines[:number]


CORRUPTIONS = {
    # name: (edit of SAMPLE, line the error names, what the error says)
    "bad indentation": (replace(5, "   description: {en: A shelter., nb: Et krisesenter.}"), 5, "YAML syntax"),
    "tab before a key": (replace(6, "\ttopics: [shelter]"), 6, "YAML syntax"),
    "unclosed quote": (replace(10, '    opening_hours: "Mo-Fr 09:00-15:00'), 12, "YAML syntax"),  # it closes on line 12
    "unclosed quote at the end": (replace(22, '    last_verified: "2026-11-26'), 23,
                                  "found unexpected end of stream (while scanning a quoted scalar on line 22)"),
    "unclosed bracket": (replace(6, "    topics: [shelter"), 7, "YAML syntax"),
    "duplicate key": (replace(6, "    topics: [shelter]\n    topics: [health]"), 7, "'topics' is written twice (first on line 6)"),
    "unknown field": (replace(10, '    opening_hour: "Mo-Fr 09:00-15:00"'), 10, "unknown field 'opening_hour' — did you mean 'opening_hours'?"),
    "unknown field in contact": (replace(9, "      webb: https://example.org"), 9, "unknown field 'webb'"),
    "bad phone number": (replace(8, '      phone: ["22 33 11"]'), 8, "'22 33 11' is not a valid phone number in NO"),
    "bad opening hours": (replace(10, '    opening_hours: "Mo-Fx 09:00-15:00"'), 10, "opening hours 'Mo-Fx 09:00-15:00' are not valid"),
    "wrong type (list)": (replace(6, "    topics: 42"), 6, "'topics' must be a list"),
    "wrong type (mapping)": (replace(19, '    contact: "https://example.org"'), 19, "'contact' must be a mapping"),
    "wrong type (boolean)": (replace(19, "    contact: {web: https://example.org}\n    free: maybe"), 20, "'free' must be true or false"),
    "missing source": (replace(13, b""), 3, "'source' is missing"),
    "missing last_verified": (replace(22, b""), 15, "'last_verified' must be a date"),
    "future last_verified": (replace(22, "    last_verified: 2999-01-01"), 22, "is in the future"),
    "unknown country": (replace(20, "    area: {country: XX}"), 20, "area country 'XX' but the file is in services/NO/"),
    "unknown municipality": (replace(12, '      municipalities: ["9999"]'), 3, "unknown municipality code(s) 9999"),
    "unknown topic": (replace(18, "    topics: [helpline, sleeping]"), 18, "unknown topic 'sleeping'"),
    "bad e-mail": (replace(19, "    contact: {email: [not-an-address]}"), 19, "'not-an-address' is not an e-mail address"),
    "id not allowed": (replace(15, "  - id: No_Helpline"), 15, "id 'No_Helpline' is not allowed"),
    "duplicate id": (replace(15, "  - id: no-test-shelter"), 15, "duplicate id 'no-test-shelter'"),
    "misspelt services key": (replace(2, "service:"), 2, "no 'services:' list"),
    "truncated inside an entry": (cut_after(18), 15, "no way to reach this service"),
    "non-UTF-8 bytes": (replace(16, "    name: {en: Test helpline, nb: Testtelefon p\u00e5 natt}".encode("latin-1")),
                        16, "byte 0xe5 is not UTF-8 text"),
    "control character": (replace(16, "    name: {en: Test\x07 helpline, nb: Testtelefon}"), 16, "character #x0007: special characters are not allowed"),
    "python object tag": (replace(16, "    name: !!python/object/apply:os.system [echo hi]"), 16,
                          "could not determine a constructor for the tag 'tag:yaml.org,2002:python/object"),
}


@pytest.mark.parametrize("case", list(CORRUPTIONS))
def test_a_corrupted_services_file_is_refused_with_file_and_line(case, store, good, tree, caplog):
    edit, line, why = CORRUPTIONS[case]
    lines = SAMPLE.encode().split(b"\n")
    with caplog.at_level(logging.INFO, logger=LOGGER):
        save(tree / SAMPLE_FILE, b"\n".join(edit(lines)))
        assert store.reload_if_changed() is False
    assert_kept(store, good)
    assert "sample.yml" in refusal(caplog)
    logged = errors(caplog)
    assert re.search(rf"resources/services/NO/sample\.yml:{line}:\d+: error: .*{re.escape(why)}", logged), logged
    # the store teardown puts the file back; the next reload compares with the same last good data
