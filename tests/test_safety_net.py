"""The keyword safety net catches acute danger in every language, also where the classifier fails."""
import re

import pytest

from bot.nlu.safety_net import load_patterns, match_emergency
from bot.text.folding import fold
from bot.text.names import country_names, find_names, language_names

MUST_MATCH = [
    "HELP", "Hjelp!!", "HJÆLP HJÆLP", "hjälp", "sos", "помогите", "ajutor", "pomocy!",
    "he is going to kill me", "I'm bleeding", "they locked me in the basement", "i cant get out of the flat",
    "I want to kill myself", "my boss is hitting me", "they are following me", "help me now",
    "sjefen truer med å drepe meg", "jeg er låst inne", "eg kjem meg ikkje ut", "dei kjem tilbake snart",
    "han slår meg", "jeg vil ikke leve lenger", "vil ta livet av meg", "hjelp meg nå",
    "han vil dræbe mig", "de har låst mig inde", "jeg er lukket inde", "kan ikke komme væk", "hjælp mig nu",
    "han ska döda mig", "jag är inlåst", "jag vill inte leva längre", "de kommer tillbaka ikväll", "hjälp mig nu",
    "AYUDAAA", "HELPPPP!!", "помогитеее", "hjeeeelp",  # a held key
    "they are coming now im so scared", "dei kjem no, eg er redd", "de står uden for døren", "han står utanför dörren",
]
MUST_NOT_MATCH = [
    "my passport is locked up at my boss's office", "mit pas er låst inde hos chefen", "mitt pass är inlåst hos chefen",
    "please help me with my rights", "can you help me find a lawyer", "how do I call the police",
    "hva er menneskehandel", "hvor kan jeg få hjælp", "var kan jag få hjälp", "I am 16",
    "får ikke gå ut alene etter jobb", "jeg trenger hjelp med lønn",
    "they are coming now to fix the sink", "de kommer nu med maden",
]


@pytest.mark.parametrize("text", MUST_MATCH)
def test_acute_danger_matches(text):
    assert match_emergency(text) is not None


@pytest.mark.parametrize("text", MUST_NOT_MATCH)
def test_ordinary_questions_do_not_match(text):
    assert match_emergency(text) is None


def test_every_pattern_compiles_and_is_written_folded():
    for language, pattern in load_patterns():
        letters = re.sub(r"\\[A-Za-z]", "", pattern.pattern)
        assert letters == letters.lower(), (language, pattern.pattern)
        assert not re.search(r"[æøåäöé]", pattern.pattern), (language, pattern.pattern)


def test_a_broken_pattern_names_its_place(tmp_path):
    (tmp_path / "en.yml").write_text("danger:\n  - ok\n  - '(unclosed'\n", encoding="utf-8")
    load_patterns.cache_clear()
    try:
        with pytest.raises(ValueError, match=r"en\.yml: danger\[1\]"):
            load_patterns(tmp_path)
    finally:
        load_patterns.cache_clear()


def test_an_unknown_section_is_named(tmp_path):
    (tmp_path / "ru.yml").write_text("dangers:\n  - ok\n", encoding="utf-8")
    load_patterns.cache_clear()
    try:
        with pytest.raises(ValueError, match=r"ru\.yml: unknown section\(s\) \['dangers'\]"):
            load_patterns(tmp_path)
    finally:
        load_patterns.cache_clear()


def test_folding():
    assert fold("Hjælp mig NU!") == "hjaelp mig nu!"
    assert fold("jag är INLÅST") == "jag ar inlast"
    assert fold("I can’t   get out") == "i can t get out"
    assert fold("Помогите") == "помогите"


@pytest.mark.parametrize(
    "text, code",
    [("kan vi snakke svensk?", "sv"), ("på svenska tack", "sv"), ("in Polish please", "pl"),
     ("can we speak German", "de"), ("English please", "en"), ("по-украински", "uk"), ("nothing here", None)],
)
def test_language_names_from_babel(text, code):
    found = [c for _, _, c in find_names(text, language_names())]
    assert (found[0] if found else None) == code


@pytest.mark.parametrize(
    "text, code",
    [("jeg bor i Norge", "NO"), ("we are in Sweden", "SE"), ("jestem w Norwegii", "NO"), ("în Norvegia", "NO"),
     ("я в Норвегии", "NO"), ("i Danmarks hovedstad", "DK"), ("swedish please", None), ("Bergen", None)],
)
def test_country_names_from_babel(text, code):
    found = [c for _, _, c in find_names(text, country_names(), stems=True)]
    assert (found[0] if found else None) == code


CLASSIFIER_HARD = ["HELP", "hjelp!!", "HJÄLP!!!", "помогите", "ajutor", "jeg vil begå selvmord", "I'm bleeding"]


@pytest.mark.model
def test_net_catches_what_the_classifier_alone_gets_wrong(parse):
    results = {text: parse(text) for text in CLASSIFIER_HARD}
    assert all(r["intent"]["name"] == "emergency" for r in results.values())
    missed_by_classifier = [t for t, r in results.items() if r["safety_net"]["classifier_intent"] != "emergency"]
    assert missed_by_classifier, "these messages are here because the classifier alone misses some of them"


@pytest.mark.model
def test_net_leaves_ordinary_messages_to_the_classifier(parse):
    result = parse("where can I get help with my rights")
    assert result["intent"]["name"] != "emergency" and not (result.get("safety_net") or {}).get("fired")


def test_names_index_is_current_with_babel():
    """Built with the Babel that requirements.lock pins; another Babel may name languages otherwise."""
    import babel

    from bot.text.names import _stored, build_index, stored_babel_version

    assert stored_babel_version() == babel.__version__, (
        f"bot/text/names.json was built with Babel {stored_babel_version()}, this is Babel {babel.__version__}: "
        "install from requirements.lock (`make setup`), or after `make lock` run `veiviser names`")
    stored = {key: value for key, value in _stored().items() if key != "babel"}
    assert stored == build_index(), "bot/text/names.json is stale: run `veiviser names`"


def test_no_pattern_scans_the_whole_message_at_every_position():
    """A look-around with an unbounded ``.*`` makes a pattern quadratic: a 4,000-character message
    then takes seconds in the net that runs on every message (it did, once, in ro.yml)."""
    unbounded = re.compile(r"\(\?<?[=!][^)]*?\.[*+]")
    slow = [(language, pattern.pattern[:60]) for language, pattern in load_patterns() if unbounded.search(pattern.pattern)]
    assert not slow


def test_patterns_of_another_script_are_skipped_but_mixed_ones_are_tried():
    from bot.text.folding import pattern_scripts

    needs = {language: set() for language, _ in load_patterns()}
    for language, pattern in load_patterns():
        needs[language] |= pattern_scripts(pattern)
    assert needs["ru"] >= {"CYRILLIC"} and "THAI" in needs["th"] and "ETHIOPIC" in needs["ti"]
    assert match_emergency("помогите") and match_emergency("ช่วยด้วย") and match_emergency("help me now")


def test_the_servers_verdict_is_reused_and_no_client_can_send_one():
    """Admission asks the keyword net before the pipeline when the queue is full; the net reuses the answer."""
    from rasa.core.channels.channel import UserMessage
    from rasa.shared.nlu.training_data.message import Message

    from bot.channels.admission import urgent
    from bot.channels.rest import clean_metadata
    from bot.contract import KEYWORD_VERDICT
    from bot.nlu.safety_net import EmergencySafetyNet

    user = UserMessage("they locked me in and beat me", metadata={"language_code": "en"})
    assert urgent(user) and user.metadata[KEYWORD_VERDICT] == "en"
    calm_user = UserMessage("what are my rights?")
    assert not urgent(calm_user) and calm_user.metadata == {KEYWORD_VERDICT: ""}

    net = EmergencySafetyNet()
    told = Message(data={"text": "an ordinary text", "metadata": {KEYWORD_VERDICT: "en"}})
    assert net.process([told])[0].get("intent")["name"] == "emergency", "the verdict is used as given"
    asked = Message(data={"text": "they locked me in and beat me", "metadata": {}})
    assert net.process([asked])[0].get("intent")["name"] == "emergency", "no verdict: the net asks itself"
    assert KEYWORD_VERDICT not in clean_metadata({KEYWORD_VERDICT: "", "language_code": "en"}), \
        "a client cannot switch the net off for its message"


@pytest.mark.parametrize(("text", "language"), [
    ("спасите меня", "ru"), ("меня заперли и я не могу выйти", "ru"), ("пожалуйста помогите", "ru"),
    ("мене замкнули, не можу вийти", "uk"),
])
def test_the_matching_file_names_the_language_a_cyrillic_writer_reads(text, language):
    """The first file that matches is the answer language's hint (bot/language/detect.py): Cyrillic without a
    Ukrainian letter is tried as Russian first, so a Russian cry is not answered in Ukrainian."""
    assert match_emergency(text) == language


@pytest.mark.parametrize(("text", "language"), [
    # Persian (پ چ ژ گ ک ی): Arabic's now mark "حالا" is Persian's ordinary "now" and does not count
    ("در ترکیه مرا بندی کرده بودند تا فامیلم پول بفرستد، حالا در سویدن استم", None),
    ("وقتی در یونان بودم قاچاقبر با تفنگ تهدیدم کرد، حالا در ناروی کار عادی دارم", None),
    # Arabic: the same word is a now mark, and it outweighs the past
    ("قبل سنتين كان يضربني وهلق رجع يضربني حالا", "ar"),
])
def test_only_the_marks_of_languages_the_script_allows_count(text, language):
    assert match_emergency(text) == language
