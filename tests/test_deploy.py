"""The deploy files say what the code does: units systemd accepts, a compose file and proxies that fit together."""
from __future__ import annotations

import re
import shutil
import subprocess

import pytest
import yaml

from bot import paths

DEPLOY = paths.ROOT / "deploy"
UNITS = sorted((DEPLOY / "systemd").glob("*.service"))


def installed_units(tmp_path) -> list[str]:
    """The units as installed into this checkout (its .venv for /opt/veiviser, the example environment)."""
    names = []
    for unit in UNITS:
        text = unit.read_text(encoding="utf-8").replace("/opt/veiviser", str(paths.ROOT))
        text = text.replace("/etc/veiviser/veiviser.env", str(DEPLOY / "veiviser.env.example"))
        name = unit.name.replace("@.service", "@5005.service")
        (tmp_path / name).write_text(text, encoding="utf-8")
        names.append(name)
    return names


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd-analyze is not installed")
def test_systemd_accepts_the_units(tmp_path):
    names = installed_units(tmp_path)
    result = subprocess.run(["systemd-analyze", "verify", *names], cwd=tmp_path, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_every_unit_runs_a_veiviser_command_that_exists():
    from bot.cli import build_parser

    commands = set(build_parser()._subparsers._group_actions[0].choices)
    for unit in UNITS:
        start = re.search(r"^ExecStart=\S+/veiviser (\w+)", unit.read_text(encoding="utf-8"), re.M)
        assert start and start.group(1) in commands, unit.name


def test_compose_runs_redis_without_persistence_and_two_replicas_behind_the_proxy():
    compose = yaml.safe_load((DEPLOY / "compose.yml").read_text(encoding="utf-8"))
    services = compose["services"]
    assert {"redis", "actions", "rasa-a", "rasa-b", "telegram", "web", "proxy"} <= set(services)
    redis = " ".join(services["redis"]["command"])
    assert '--save  --appendonly no' in redis.replace('""', "")
    for name in ("actions", "rasa-a", "rasa-b", "telegram", "web"):
        assert services[name]["environment"]["REDIS_URL"] == "redis://redis:6379/0", name
    assert services["rasa-a"]["command"][:2] == ["veiviser", "rasa"] == services["rasa-b"]["command"][:2]
    proxy = (DEPLOY / "compose-nginx.conf").read_text(encoding="utf-8")
    assert "server rasa-a:5005" in proxy and "server rasa-b:5005" in proxy
    for conf in (proxy, (DEPLOY / "nginx.conf").read_text(encoding="utf-8")):  # as the benchmark balances
        assert re.search(r"upstream veiviser_rasa \{\s*least_conn;", conf)
    assert services["telegram"]["environment"]["RASA_URL"] == "http://proxy:8080" and "listen 8080" in proxy
    assert services["web"]["environment"]["RASA_URL"] == "http://proxy:8080"
    assert f"proxy_pass http://web:{services['web']['environment']['VEIVISER_WEB_PORT']};" in proxy


def test_the_example_environment_names_only_settings_the_code_reads():
    read = set()
    for source in (paths.ROOT / "bot").rglob("*.py"):
        read |= set(re.findall(r'"((?:TELEGRAM|VEIVISER|RASA|REDIS)_[A-Z_]+)"', source.read_text(encoding="utf-8")))
    example = (DEPLOY / "veiviser.env.example").read_text(encoding="utf-8")
    named = set(re.findall(r"^([A-Z_]+)=", example, re.M))
    assert named and named <= read, named - read
