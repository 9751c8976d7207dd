import os
import shutil
import subprocess
from pathlib import Path

import yaml

from tests.conftest import require

BASE_DIR = Path(__file__).resolve().parents[2]


def test_docker_compose_config_is_accepted():
    compose = shutil.which("docker-compose")
    require(compose is not None, "docker-compose is not installed (apt-get install docker-compose)")
    env = {**os.environ, "SECRET_KEY": "k" * 50, "POSTGRES_PASSWORD": "p"}
    result = subprocess.run(  # noqa: S603
        [compose, "-f", str(BASE_DIR / "docker-compose.yml"), "config"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    config = yaml.safe_load(result.stdout)
    assert set(config["services"]) == {"postgres", "redis", "web", "worker", "beat"}
    for name, service in config["services"].items():
        assert "healthcheck" in service, name
    assert {"postgres-data", "redis-data", "media"} <= set(config["volumes"])
    assert config["services"]["web"]["environment"]["DEBUG"] == "false"


def test_compose_refuses_to_start_without_secrets():
    compose = shutil.which("docker-compose")
    require(compose is not None, "docker-compose is not installed (apt-get install docker-compose)")
    env = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "POSTGRES_PASSWORD"}}
    result = subprocess.run(  # noqa: S603
        [compose, "-f", str(BASE_DIR / "docker-compose.yml"), "config", "-q"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert "must be set" in result.stderr
