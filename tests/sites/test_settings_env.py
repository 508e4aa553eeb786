"""The environment helpers behind cms/settings.py: good values read right, bad ones named loudly."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from cms.env import env_bool, env_int, env_list, env_str

ROOT = Path(__file__).resolve().parents[2]
VAR = "CMS_TEST_VARIABLE"


@pytest.fixture
def env(monkeypatch):
    monkeypatch.delenv(VAR, raising=False)

    def set_value(value):
        monkeypatch.setenv(VAR, value)

    return set_value


def test_a_missing_string_falls_back_to_its_default(env):
    assert env_str(VAR, "mặc định") == "mặc định"
    env("")
    assert env_str(VAR, "mặc định") == "mặc định"
    env("Cổng thông tin điện tử")
    assert env_str(VAR, "mặc định") == "Cổng thông tin điện tử"


def test_a_required_string_that_is_missing_or_empty_is_named_in_the_error(env):
    with pytest.raises(ImproperlyConfigured, match=f"{VAR} is required"):
        env_str(VAR, required=True)
    env("")
    with pytest.raises(ImproperlyConfigured, match=f"{VAR} is required"):
        env_str(VAR, required=True)


@pytest.mark.parametrize("word", ["1", "true", "TRUE", "yes", "on", " On "])
def test_every_true_word_reads_as_true(env, word):
    env(word)
    assert env_bool(VAR) is True


@pytest.mark.parametrize("word", ["0", "false", "no", "off", "", "  "])
def test_every_false_word_reads_as_false(env, word):
    env(word)
    assert env_bool(VAR, default=True) is False


def test_a_missing_boolean_takes_its_default(env):
    assert env_bool(VAR, default=True) is True
    assert env_bool(VAR) is False


@pytest.mark.parametrize("word", ["maybe", "2", "có", "tru"])
def test_a_malformed_boolean_names_the_variable_the_value_and_the_choices(env, word):
    env(word)
    with pytest.raises(ImproperlyConfigured) as error:
        env_bool(VAR)
    assert f"{VAR}={word!r} is not a boolean" in str(error.value)
    assert "1/0, true/false, yes/no or on/off" in str(error.value)


def test_whole_numbers_read_within_their_range(env):
    assert env_int(VAR, 80) == 80
    env("")
    assert env_int(VAR, 80) == 80
    env("8000")
    assert env_int(VAR, 80, minimum=1, maximum=65535) == 8000
    env(" 443 ")
    assert env_int(VAR, 80, minimum=1, maximum=65535) == 443


@pytest.mark.parametrize("value", ["tám mươi", "80.5", "1e3", "0x50"])
def test_a_malformed_number_is_named_in_the_error(env, value):
    env(value)
    with pytest.raises(ImproperlyConfigured, match=f"{VAR}='{value}' is not a whole number"):
        env_int(VAR, 80)


@pytest.mark.parametrize(
    "value, message", [("0", "below the minimum 1"), ("-1", "below the minimum 1"), ("70000", "above the maximum 65535")]
)
def test_a_number_out_of_range_names_the_variable_and_the_bound(env, value, message):
    env(value)
    with pytest.raises(ImproperlyConfigured) as error:
        env_int(VAR, 80, minimum=1, maximum=65535)
    assert f"{VAR}={value} is {message}" in str(error.value)


def test_a_number_below_an_open_ended_minimum_is_refused(env):
    env("-5")
    with pytest.raises(ImproperlyConfigured, match=f"{VAR}=-5 is below the minimum"):
        env_int(VAR, 60, minimum=0)


def test_lists_are_split_on_commas_and_trimmed(env):
    assert env_list(VAR, ["localhost"]) == ["localhost"]
    env(" .dakha.gov.vn , dakha.gov.vn,, ")
    assert env_list(VAR) == [".dakha.gov.vn", "dakha.gov.vn"]
    env("")
    assert env_list(VAR, ["localhost"]) == []  # set but empty means "none", not the default


def run_check(**variables):
    environment = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "DATABASE_URL"}}
    environment.update({"DJANGO_SETTINGS_MODULE": "cms.settings", "SECRET_KEY": "k" * 60, **variables})
    return subprocess.run([sys.executable, "manage.py", "check"], cwd=ROOT, env=environment,
                          capture_output=True, text=True, timeout=120)


def test_settings_refuse_to_start_on_bad_values_and_say_which():
    result = run_check(SITE_PORT="tám mươi")
    assert result.returncode != 0 and "SITE_PORT='tám mươi' is not a whole number" in result.stderr
    result = run_check(DATABASE_URL="mysqlx://db/portal")
    assert result.returncode != 0 and "mysqlx" in result.stderr
