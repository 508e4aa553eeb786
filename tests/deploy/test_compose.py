"""deploy/docker-compose.yml cannot run here (no container engine): it is validated instead, against the
Compose Specification's JSON schema (compose-spec.json: schema/compose-spec.json of the compose-spec/compose-spec
repository, Apache-2.0, commit 170098b of 2026-06-23) and against the code and README it must agree with."""

import json
import re
from pathlib import Path

import jsonschema
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
COMPOSE_TEXT = (DEPLOY / "docker-compose.yml").read_text()
COMPOSE = yaml.safe_load(COMPOSE_TEXT)
SCHEMA = json.loads((Path(__file__).parent / "compose-spec.json").read_text())
APP_SERVICES = {"migrate", "web", "worker", "scheduler"}
# Read by the application's processes, though not in cms/settings.py: gunicorn's own configuration.
READ_BY_GUNICORN = (ROOT / "cms" / "gunicorn.conf.py").read_text()


def readme_variables():
    """The first column of the README's configuration table (a row may name several variables)."""
    names = set()
    for line in (ROOT / "README.md").read_text().splitlines():
        if line.startswith("| `"):
            first_cell = line.split("|")[1]
            names.update(re.findall(r"`([A-Z][A-Z0-9_]+)`", first_cell))
    return names


def test_the_compose_file_is_valid_against_the_compose_specification_schema():
    validator = jsonschema.Draft7Validator(SCHEMA)
    errors = [f"{'/'.join(map(str, e.path))}: {e.message}" for e in validator.iter_errors(COMPOSE)]
    assert errors == []
    # The schema is strict enough to catch a typo (so the check above means something).
    broken = {**COMPOSE, "services": {**COMPOSE["services"], "web": {**COMPOSE["services"]["web"], "comand": "x"}}}
    assert not validator.is_valid(broken)


def test_the_kit_has_every_service_the_readme_names_and_migrations_run_once_before_the_application():
    services = COMPOSE["services"]
    assert set(services) == {"db", "redis", "migrate", "web", "worker", "scheduler", "nginx", "elasticsearch"}
    assert "migrate" in " ".join(services["migrate"]["command"])
    assert services["migrate"]["restart"] == "no"
    for name in ("web", "worker", "scheduler"):
        assert services[name]["depends_on"]["migrate"] == {"condition": "service_completed_successfully"}
        assert "migrate" not in " ".join(services[name]["command"])
    assert services["worker"]["command"][-3:] == ["db_worker", "--queue-name", "*"]
    assert services["scheduler"]["command"][-1] == "run_scheduler"
    assert services["elasticsearch"]["profiles"] == ["search"]
    assert services["elasticsearch"]["environment"]["discovery.type"] == "single-node"


def test_every_named_volume_is_declared_and_the_database_media_and_attachments_persist():
    declared = set(COMPOSE["volumes"])
    used = set()
    for service in COMPOSE["services"].values():
        for volume in service.get("volumes", []):
            source = volume.split(":")[0]
            if not source.startswith("."):
                used.add(source)
    assert used == declared
    web = COMPOSE["services"]["web"]
    mounts = dict(volume.split(":")[:2] for volume in web["volumes"])
    assert mounts["media"] == web["environment"]["MEDIA_ROOT"]
    assert mounts["private"] == web["environment"]["QUESTIONS_ATTACHMENT_ROOT"]
    assert any(v.startswith("db-data:") for v in COMPOSE["services"]["db"]["volumes"])
    # nginx serves the media volume itself, read-only, and never sees the private attachments.
    nginx_volumes = COMPOSE["services"]["nginx"]["volumes"]
    assert "media:/srv/media:ro" in nginx_volumes
    assert not any(v.startswith("private:") for v in nginx_volumes)


def test_every_image_is_pinned_to_a_version():
    for name, service in COMPOSE["services"].items():
        image = service["image"]
        if name in APP_SERVICES:
            assert image == "cms:${CMS_VERSION:-latest}"  # the image the kit builds from this checkout
            continue
        if name == "nginx":  # built by the kit from deploy/nginx/Dockerfile, on a pinned Debian image
            assert image == "cms-nginx:${CMS_VERSION:-latest}" and service["build"] == "./nginx"
            base = re.search(r"^FROM (\S+)$", (DEPLOY / "nginx" / "Dockerfile").read_text(), re.M)[1]
            assert re.fullmatch(r"debian:bookworm-\d{8}-slim", base), base
            continue
        tag = image.rsplit(":", 1)[1] if ":" in image.rsplit("/", 1)[-1] else ""
        assert re.fullmatch(r"\d+\.\d+(\.\d+)?(-[a-z]+)?", tag), f"{name}: {image} is not pinned"


def test_every_application_variable_is_documented_in_the_readme_and_read_by_the_code():
    settings_code = (ROOT / "cms" / "settings.py").read_text()
    documented = readme_variables()
    for name in APP_SERVICES:
        for variable in COMPOSE["services"][name]["environment"]:
            read = f'"{variable}"' in settings_code or f'"{variable}"' in READ_BY_GUNICORN
            assert read, f"{variable} is set by the compose file but read by nothing"
            assert variable in documented, f"{variable} is not in the README's configuration table"


def test_every_variable_the_compose_file_interpolates_is_in_env_example():
    example = {line.split("=", 1)[0] for line in (DEPLOY / "env.example").read_text().splitlines()
               if line and not line.startswith("#")}
    interpolated = set(re.findall(r"\$\{([A-Z_][A-Z0-9_]*)", COMPOSE_TEXT))
    assert interpolated - example == set()


def test_the_nginx_template_gets_every_variable_from_the_compose_file_and_a_body_limit_above_the_attachments(
    settings,
):
    template = (DEPLOY / "nginx" / "templates" / "cms.conf.template").read_text()
    needed = set(re.findall(r"\$\{([A-Z_]+)\}", template))
    environment = COMPOSE["services"]["nginx"]["environment"]
    assert needed <= set(environment)
    # deploy/nginx/entrypoint.sh substitutes SITE_DOMAIN and NGINX_* only (nginx's $variables stay).
    assert all(re.match(r"^(SITE_DOMAIN|NGINX_)", name) for name in needed)
    assert "SITE_DOMAIN\\|NGINX_" in (DEPLOY / "nginx" / "entrypoint.sh").read_text()
    # The application purges through the port the template listens on for purges.
    purge_url = COMPOSE["services"]["web"]["environment"]["FRONTEND_CACHE_PURGE_URL"]
    assert purge_url == f"http://nginx:{environment['NGINX_PURGE_LISTEN']}"
    body = environment["NGINX_MAX_BODY_SIZE"]
    assert body.endswith("m")
    limit = int(COMPOSE["services"]["web"]["environment"]["QUESTIONS_ATTACHMENT_MAX_SIZE"])
    assert limit == settings.QUESTIONS_ATTACHMENT_MAX_SIZE  # the compose file keeps the default
    # Room for the form around the file (multipart boundaries, the text of the question), not much more.
    assert limit + 256 * 1024 <= int(body[:-1]) * 1024 * 1024 <= 2 * limit


@pytest.mark.parametrize("variable", ["SECRET_KEY", "SITE_DOMAIN", "POSTGRES_PASSWORD"])
def test_required_values_stop_compose_with_a_message_instead_of_starting_half_configured(variable):
    assert re.search(r"\$\{" + variable + r":\?[^}]+\}", COMPOSE_TEXT)
