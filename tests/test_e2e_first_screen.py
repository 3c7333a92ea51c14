"""Issue 12's examples, end to end (Rasa, the action server, the REST channel): the right help in the first screen."""
import pytest
from answers import joined

from bot.i18n import phrase

pytestmark = [pytest.mark.model, pytest.mark.e2e]
ROSA, CMM = "22 33 11 60", "+45 70 20 25 50"
FIRST_SCREEN = 500


def first_screen(reply: list) -> str:
    return joined(reply)[:FIRST_SCREEN]


def buttons(reply: list) -> list[str]:
    return [button["payload"] for message in reply for button in message.get("buttons") or []]


def test_passport_and_wages_near_hamar_bring_rosa_into_the_first_screen(talk):
    reply = talk("My boss took my passport and hasn't paid me for three months. I work on a farm near Hamar.",
                 language_code="en")
    assert ROSA in first_screen(reply)
    assert "/self_check_start" in buttons(reply), "two signs of trafficking: the self-check is offered"
    assert len(joined(reply)) <= 800


def test_two_signs_in_norwegian_in_a_small_municipality(talk):
    reply = talk("jeg jobber på en gård i Hattfjelldal, sjefen har tatt passet mitt og jeg får ikke lønn", language_code="nb")
    assert ROSA in first_screen(reply) and "Hattfjelldal" in joined(reply)
    assert "/self_check_start" in buttons(reply)


def test_a_nurse_who_asks_whom_to_call_gets_the_line_at_once_and_the_steps_as_an_offer(talk):
    reply = talk("Jeg er sygeplejerske og har en patient, som måske er offer for menneskehandel. Hvem skal jeg ringe til?",
                 language_code="da")
    assert CMM in first_screen(reply)
    assert phrase("da", "offer_staff_steps") in joined(reply) and "/staff_steps" in buttons(reply)
    steps = talk("/staff_steps")
    assert steps[0]["text"] == phrase("da", "ask_sr_danger")


def test_somewhere_in_norway_gets_norways_help_at_once(talk):
    reply = talk("I have no idea which town this is, somewhere in Norway I think. Please I need help", language_code="en")
    assert ROSA in first_screen(reply)
    assert phrase("en", "ask_place") not in joined(reply)


def test_dont_know_where_but_norway_is_not_asked_which_town(talk):
    reply = talk("I don't know where I am, I think it's somewhere in Norway", language_code="en")
    assert ROSA in joined(reply) and phrase("en", "ask_place") not in joined(reply)


def test_dont_know_where_at_all_asks_only_for_the_country(talk):
    reply = talk("I don't know where I am", language_code="en")
    assert reply[-1]["text"] == phrase("en", "ask_country") and len(reply[-1]["buttons"]) == 3
    assert ROSA in joined(talk("/inform_location{\"country\":\"NO\"}"))


def test_money_taken_and_threats_are_understood_and_answered_with_cmm(talk):
    reply = talk("Jeg arbejder på et slagteri i Aalborg, de tager alle mine penge og truer min familie", language_code="da")
    assert CMM in first_screen(reply)
    assert phrase("da", "place_not_recognised") not in joined(reply)


def test_habo_is_habo(talk):
    reply = talk("Jag är i Habo och behöver någonstans att sova", language_code="sv")
    assert "Habo" in joined(reply) and "Håbo" not in joined(reply)


def test_a_town_after_a_national_answer_answers_again_nearer(talk):
    first = talk("jeg trenger et trygt sted å sove i natt", language_code="nb")  # reads as Danish: the app says nb
    assert phrase("nb", "place_unknown_hint") in joined(first)
    nearer = joined(talk("Oslo"))
    assert "Oslo" in nearer and phrase("nb", "place_unknown_hint") not in nearer


def test_the_details_are_one_tap_away_with_their_sources(talk):
    reply = talk("I'm in Bergen and need somewhere safe to sleep", language_code="en")
    assert "/show_more{\"detail\":\"call\"}" in buttons(reply)
    details = joined(talk("/show_more{\"detail\":\"call\"}"))
    assert ROSA in details and "https://rosa-help.no" in details


def test_a_child_gets_the_childrens_line_first(talk):
    reply = talk("jeg er 15 og må jobbe for onkelen min hver dag og får ikke beholde pengene", language_code="nb")
    text = joined(reply)
    assert "116 111" in text[:FIRST_SCREEN] and (ROSA not in text or text.index("116 111") < text.index(ROSA))
