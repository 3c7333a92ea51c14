"""A message that is only a place's name answers "where are you?", whatever small talk was guessed."""
import pytest

from bot.nlu.place_name import only_a_place


@pytest.mark.parametrize("text", ["Narvik", "narvik", "i Narvik", "Tromsø", "Tromso", "tromsø.", "Göteborg",
                                  "Goteborg", "Осло", "in Aalborg", "Vestland fylke"])
def test_a_place_alone_is_a_place(text):
    assert only_a_place(text)


@pytest.mark.parametrize("text", ["vâng", "Hei", "Ja", "takk", "Hjelp", "jeg er i Narvik og trenger hjelp", "",
                                  "i", "112"])
def test_anything_more_or_other_letters_is_not(text):
    assert not only_a_place(text)


@pytest.mark.model
def test_the_pipeline_takes_a_bare_place_as_one(parse):
    narvik = parse("Narvik")
    assert narvik["intent"]["name"] == "inform_location"
    assert parse("takk")["intent"]["name"] == "thank", "a confident intent is kept"
    assert parse("they locked me in, help")["intent"]["name"] == "emergency"
