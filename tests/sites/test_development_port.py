"""`make run PORT=…`: every link the development server generates carries the port it listens on (the
Wagtail site records, the admin's e-mails), not port 80 or 8000; production keeps port 80 behind its proxy."""

import json
import os
import subprocess
import sys
from pathlib import Path

from wagtail.models import Site

from provisioning.management.commands.load_demo import follow_development_port

ROOT = Path(__file__).resolve().parents[2]
PROBE = ("import django, json; django.setup(); from django.conf import settings; "
         "print(json.dumps([settings.SITE_PORT, settings.WAGTAILADMIN_BASE_URL]))")


def settings_with(**env):
    environment = {key: value for key, value in os.environ.items()
                   if key not in {"DEBUG", "PORT", "SITE_PORT", "WAGTAILADMIN_BASE_URL", "SITE_DOMAIN"}}
    environment.update({"DJANGO_SETTINGS_MODULE": "cms.settings", "SECRET_KEY": "x" * 60, **env})
    result = subprocess.run([sys.executable, "-c", PROBE], cwd=ROOT, env=environment, capture_output=True,
                            text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_the_development_server_port_goes_into_the_site_port_and_the_admin_base_url():
    assert settings_with(DEBUG="1", PORT="8010") == [8010, "http://localhost:8010"]
    assert settings_with(DEBUG="1") == [8000, "http://localhost:8000"]


def test_production_records_port_80_and_an_admin_url_without_a_port():
    assert settings_with(DEBUG="0", PORT="8010") == [80, "http://localhost"]
    assert settings_with(DEBUG="0", SITE_PORT="443", SITE_DOMAIN="dakha.gov.vn") == [443, "https://dakha.gov.vn"]


def test_an_explicit_site_port_or_admin_url_still_wins():
    assert settings_with(DEBUG="1", PORT="8010", SITE_PORT="80",
                         WAGTAILADMIN_BASE_URL="https://quantri.dakha.gov.vn") == [80, "https://quantri.dakha.gov.vn"]


def test_the_demo_moves_its_sites_to_the_development_port_so_links_between_sites_carry_it(district, settings):
    settings.DEBUG = True
    settings.SITE_PORT = 8010
    assert follow_development_port() == Site.objects.count() >= 3
    assert set(Site.objects.values_list("port", flat=True)) == {8010}
    commune_home = district.a.home.specific
    assert commune_home.get_full_url().startswith(f"http://{district.a.home.get_site().hostname}:8010/")
    assert follow_development_port() == 0


def test_outside_development_the_site_records_are_left_alone(district, settings):
    settings.DEBUG = False
    settings.SITE_PORT = 8010
    assert follow_development_port() == 0
    assert 8010 not in set(Site.objects.values_list("port", flat=True))


def test_make_run_passes_the_port_to_every_command_it_starts():
    result = subprocess.run(["make", "-n", "run", "PORT=8010"], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    commands = [line for line in result.stdout.splitlines() if "manage.py" in line]
    assert any("runserver 127.0.0.1:8010" in line for line in commands)
    for name in ("migrate", "load_demo", "db_worker", "run_scheduler", "runserver"):
        line = next(line for line in commands if f"manage.py {name}" in line)
        assert "PORT=8010" in line.split(f"manage.py {name}")[0].split("&")[-1].split(";")[-1], line
