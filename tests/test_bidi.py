"""Phone numbers stay left to right inside Arabic-script answers (bot/i18n/bidi.py)."""
from bot.i18n.bidi import LRI, PDI, isolate_numbers


def test_numbers_in_right_to_left_text_are_isolated():
    text = "اتصل بالرقم 116 111 أو +47 22 33 11 60 الآن"
    assert isolate_numbers(text) == f"اتصل بالرقم {LRI}116 111{PDI} أو {LRI}+47 22 33 11 60{PDI} الآن"


def test_left_to_right_text_is_unchanged():
    assert isolate_numbers("Call 116 111 or +47 22 33 11 60 now") == "Call 116 111 or +47 22 33 11 60 now"
    assert isolate_numbers("") == ""


def test_isolating_twice_changes_nothing():
    once = isolate_numbers("با ۱۱۲ تماس بگیرید: 112")
    assert isolate_numbers(once) == once
