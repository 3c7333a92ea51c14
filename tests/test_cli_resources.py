"""`veiviser resources validate` and `show`, as a coordinator uses them."""
import shutil

import pytest

from bot import paths
from bot.cli import main
from bot.i18n import phrase

RESOURCES = paths.ROOT / "resources"


def test_validate_passes_on_the_shipped_data(capsys):
    assert main(["resources", "validate", "--quiet"]) == 0
    assert "0 errors" in capsys.readouterr().out


def test_validate_fails_with_file_and_line_on_a_broken_copy(tmp_path, capsys):
    copy = tmp_path / "resources"
    shutil.copytree(RESOURCES, copy)
    national = copy / "services" / "NO" / "national.yml"
    lines = national.read_text(encoding="utf-8").splitlines()
    number = next(i for i, line in enumerate(lines) if "22 33 11 60" in line)
    lines[number] = lines[number].replace("22 33 11 60", "22 33 11")
    national.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert main(["resources", "validate", str(copy)]) == 1
    out = capsys.readouterr().out
    assert f"services/NO/national.yml:{number + 1}:" in out and "'22 33 11' is not a valid phone number" in out


@pytest.mark.parametrize("place, language", [("Bergen", "nb"), ("Copenhagen", "da"), ("Gothenburg", "sv"), ("Tronnem", "en")])
def test_show_prints_the_answer(place, language, capsys):
    assert main(["resources", "show", place, "--need", "shelter", "--lang", language]) == 0
    out = capsys.readouterr().out
    assert phrase(language, "intro_first") in out and "•" in out
    assert f"[{phrase(language, 'button_what_if_call')}]" in out  # the buttons, as the chat shows them


def test_show_for_staff_and_a_county(capsys):
    assert main(["resources", "show", "Vestland", "--need", "help", "--staff"]) == 0
    assert "•" in capsys.readouterr().out


def test_show_names_the_choices_for_an_ambiguous_place():
    with pytest.raises(SystemExit, match="more than one place"):
        main(["resources", "show", "Herøy"])
