"""How the intent classifier and the acute-danger model are combined (bot/nlu/acute_danger.py)."""
import pytest

from bot.nlu.acute_danger import AcuteDangerModel, decide

CONFIG = AcuteDangerModel.get_default_config()


def intent(name, confidence):
    return {"name": name, "confidence": confidence}


@pytest.mark.parametrize(
    ("top", "probability", "acute", "fired"),
    [
        (intent("emergency", 0.95), 0.1, True, ["classifier"]),  # the classifier is sure: alone
        (intent("emergency", 0.4), 0.6, True, ["classifier"]),  # unsure, confirmed by the model
        (intent("emergency", 0.4), 0.2, False, []),  # unsure and not confirmed: overruled
        (intent("self_check", 0.7), 0.95, True, ["model"]),  # the model is sure: alone
        (intent("self_check", 0.7), 0.6, False, []),  # the model alone, unsure: no
        (intent("emergency", 0.9), 0.9, True, ["classifier", "model"]),
    ],
)
def test_either_raises_when_sure_both_when_unsure(top, probability, acute, fired):
    assert decide(top, probability, CONFIG) == (acute, fired)


@pytest.mark.model
def test_the_parse_data_says_which_fired(parse):
    result = parse("there is a man with a rifle outside our container, he says nobody leaves tonight")
    assert result["intent"]["name"] == "emergency"
    record = result["safety_net"]
    assert record["fired"] and 0.0 <= record["acute_probability"] <= 1.0
    assert "classifier_intent" in record


@pytest.mark.model
def test_a_weak_emergency_that_the_model_does_not_confirm_goes_to_the_next_intent(parse):
    result = parse("two years ago my boss hit me, can i still report it to the police")
    assert result["intent"]["name"] != "emergency"
    assert all(r["name"] != "emergency" for r in result.get("intent_ranking", [])) or \
        result["safety_net"]["classifier_intent"] != "emergency"
