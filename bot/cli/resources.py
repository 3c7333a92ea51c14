"""``veiviser resources``: check the help directory and see what the assistant answers.

``validate [PATH]`` prints every problem as file:line:column and exits 1 on
errors. ``coverage`` shows, per country and county, how near the help for
shelter, health, children and a helpline is, and writes reports/coverage.json
and a heat map. ``show PLACE [--need NEED] [--lang L] [--staff]`` prints the answer the
assistant gives to that need in that place: the conversation's own rule steps,
run with the real actions on a built tracker.
"""
from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

import yaml

from bot import paths

# The plain words coordinators use, and the question (intent) they stand for.
NEEDS = {
    "help": "find_help",
    "shelter": "find_shelter",
    "health": "find_health",
    "legal": "find_legal_aid",
    "interpreter": "find_interpreter",
    "basic-needs": "find_basic_needs",
    "return-home": "find_return_home",
    "police": "report_police",
    "anonymous-tip": "report_anonymous",
    "labour": "report_labour_inspection",
    "child": "rights_children",
    "emergency": "emergency",
}
STAFF_INTENTS = {"help": "staff_referral", "child": "staff_minor_case"}

def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser("resources", help="validate the help directory or show an answer")
    sub = parser.add_subparsers(dest="resources_command", required=True)
    resources = str(paths.resources())  # $VEIVISER_RESOURCES, as the action server reads it
    validate = sub.add_parser("validate", help="check every file; exit 1 on errors")
    validate.add_argument("path", nargs="?", default=resources)
    validate.add_argument("--quiet", action="store_true", help="errors only")
    validate.set_defaults(run=run_validate)
    show = sub.add_parser("show", help="print what the assistant answers for a place and need")
    show.add_argument("place", help="a municipality, county, alias or country, or a code such as 4601")
    show.add_argument("--need", default="help", choices=sorted(NEEDS))
    show.add_argument("--lang", default="en")
    show.add_argument("--staff", action="store_true", help="answer as to a professional")
    show.add_argument("--path", default=resources)
    show.set_defaults(run=run_show)
    coverage = sub.add_parser("coverage", help="how near the help is, per county and need; where data is thin")
    coverage.add_argument("--path", default=resources)
    coverage.add_argument("--out", default=str(paths.REPORTS), help="folder for coverage.json and coverage.png")
    coverage.add_argument("--counties", action="store_true", help="also print the table per county")
    coverage.set_defaults(run=run_coverage)


def run_validate(args: argparse.Namespace) -> int:
    from bot.directory import load_directory

    directory, problems = load_directory(Path(args.path))
    errors = [p for p in problems if p.level == "error"]
    for problem in problems:
        if problem.level == "error" or not args.quiet:
            print(problem)
    warnings = len(problems) - len(errors)
    print(
        f"{len(directory.services)} services, {sum(len(c.municipalities) for c in directory.countries.values())} "
        f"municipalities, {len(directory.rights)} rights texts, {len(directory.guidance)} guidance texts: "
        f"{len(errors)} errors, {warnings} warnings"
    )
    return 1 if errors else 0


def run_coverage(args: argparse.Namespace) -> int:
    """Print the coverage per country (and county), write reports/coverage.json and the heat map."""
    import datetime as dt
    import json

    from bot.directory import load_directory
    from bot.directory.coverage import format_counties, format_summary, heat_map, measure

    root = Path(args.path)
    directory, problems = load_directory(root)
    if any(p.level == "error" for p in problems):
        sys.exit("the directory has errors: run `veiviser resources validate` first")
    coverage = measure(directory, dt.date.today(), root / "wanted.yml")
    print("Municipalities by the nearest help with a phone (local / county / national only / none)")
    print(format_summary(coverage))
    if args.counties:
        print(format_counties(coverage))
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    (out / "coverage.json").write_text(json.dumps(coverage.as_json(), indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    heat_map(coverage, out / "coverage.png")
    print(f"written to {out / 'coverage.json'} and {out / 'coverage.png'}")
    return 0


def _place(snapshot, text: str):
    """(country, code or None) for ``text``; exits with a message when it is unknown or ambiguous."""
    for country in snapshot.directory.countries.values():
        if text in country.municipalities or text in country.counties:
            return country.code, text
    recognition = snapshot.places.recognise(text)
    if recognition.ambiguous:
        options = ", ".join(f"{p.name} [{p.code}, {p.country}]" for p in recognition.places)
        sys.exit(f"'{text}' is more than one place: {options}. Give the code instead.")
    if recognition.place:
        return recognition.place.country, recognition.place.code
    if recognition.country:
        return recognition.country, None
    sys.exit(f"'{text}' is no municipality, county or country I know. Try `veiviser resources show Oslo`.")


def _rule_steps(intent: str) -> list[str]:
    rules = yaml.safe_load((paths.DIALOGUE / "rules.yml").read_text(encoding="utf-8"))["rules"]
    for rule in rules:
        steps = rule.get("steps", [])
        if steps and steps[0].get("intent") == intent:
            return [step["action"] for step in steps[1:] if "action" in step]
    return []


def run_show(args: argparse.Namespace) -> int:
    """Run the conversation's own rule steps on a built tracker: the real actions and responses, not a copy."""
    from bot.directory import DirectoryStore
    from bot.language import negotiate

    language = negotiate(args.lang)
    if language is None:
        sys.exit(f"'{args.lang}' is not a shipped language.")
    store = DirectoryStore(Path(args.path))
    country, code = _place(store.snapshot, args.place)
    intent = STAFF_INTENTS.get(args.need, NEEDS[args.need]) if args.staff else NEEDS[args.need]
    slots = {"language": language, "country": country, "municipality": code, "role": "staff" if args.staff else None,
             "location_skipped": code is None}
    for message in _conversation_turn(intent, slots, store):
        print(message)
        print()
    return 0


def _conversation_turn(intent: str, slots: dict, store) -> list[str]:
    """What one turn with ``intent`` sends, each message with its buttons, as the chat shows it."""
    from rasa_sdk import Tracker
    from rasa_sdk.executor import CollectingDispatcher

    from bot.directory.store import use_default_store

    use_default_store(store)  # before the actions load: they read the directory from the default store
    import actions

    domain_slots = {slot.name: slot.initial_value for slot in nlg_domain_slots()}
    filled = {**domain_slots, **slots}
    tracker = Tracker("cli", filled, {"intent": {"name": intent, "confidence": 1.0}, "entities": [], "text": ""},
                      [], False, None, None, "")
    registry = {action().name(): action for action in _actions(actions)}
    shown = []
    for step in _rule_steps(intent):
        if step.startswith("utter_"):
            shown.append(_render_response(step, filled))
        elif step in registry:
            dispatcher = CollectingDispatcher()
            asyncio.run(registry[step]().run(dispatcher, tracker, {}))
            for message in dispatcher.messages:
                text = _render_response(message["response"], filled) if message.get("response") else message.get("text") or ""
                buttons = " ".join(f"[{button['title']}]" for button in message.get("buttons") or [])
                shown.append("\n".join(part for part in (text, buttons) if part))
    return shown


def _actions(package) -> list[type]:
    from rasa_sdk import Action

    return [cls for name in package.__all__ for cls in (getattr(package, name),)
            if isinstance(cls, type) and issubclass(cls, Action)]


def _render_response(name: str, slots: dict) -> str:
    from rasa.shared.core.domain import Domain

    from bot.nlg import TranslatingNLG

    nlg = TranslatingNLG(domain=Domain.load(str(paths.DOMAIN)))
    filled = {slot.name: slot.initial_value for slot in nlg_domain_slots()}
    filled.update(slots)
    response = asyncio.run(_generate(nlg, name, filled))
    return response.get("text") or ""


async def _generate(nlg, name: str, filled: dict) -> dict:
    return nlg.generate_from_slots(name, filled, "cli") or {}


def nlg_domain_slots():
    from rasa.shared.core.domain import Domain

    return Domain.load(str(paths.DOMAIN)).slots
