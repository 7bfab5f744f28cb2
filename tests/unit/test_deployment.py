"""Deployment files stay valid: docker-compose.yml names the PostgreSQL, worker and web
services with health checks, volumes and env files; the Dockerfile installs the project."""

from __future__ import annotations

from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]


def test_compose_file_parses_and_names_postgres_worker_and_web() -> None:
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))
    services = compose["services"]
    assert {"postgres", "worker", "web"} <= set(services)
    assert {"pgdata", "exports"} <= set(compose["volumes"])
    for name in ("postgres", "worker", "web"):
        assert "healthcheck" in services[name], name
    for name in ("worker", "web"):
        service = services[name]
        assert service["env_file"] == ".env"
        url = service["environment"]["MODERATOR_DATABASE_URL"]
        assert url.startswith("postgresql+psycopg://") and "@postgres:5432/" in url
        assert service["depends_on"]["postgres"]["condition"] == "service_healthy"
    assert services["worker"]["command"][0] == "worker"
    assert services["web"]["command"][:1] == ["serve"]
    assert services["worker"]["stop_signal"] == "SIGTERM"


def test_dockerfile_installs_the_project() -> None:
    dockerfile = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    assert "pip install ." in dockerfile and 'ENTRYPOINT ["moderator"]' in dockerfile


def test_the_env_example_holds_no_real_secret() -> None:
    example = (ROOT / ".env.example").read_text(encoding="utf-8")
    assert "POSTGRES_PASSWORD=change-me" in example
