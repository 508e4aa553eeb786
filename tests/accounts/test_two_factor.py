"""Two-factor sign-in: who must enrol, enrolment itself, the code after the password, recovery codes.

Portal staff and superusers must enrol when TWO_FACTOR_REQUIRED is on (the production default);
a commune's staff when their commune's switch is on. Anyone with an authenticator is asked for a code.
"""

import os
import re
import subprocess
import sys
from base64 import b32decode
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from wagtail.models import Page, PageViewRestriction

from accounts.models import CommuneTwoFactor
from accounts.two_factor import recovery_codes_create
from tests.conftest import client_for

PASSWORD = "matkhau-thu-nghiem"
ADMIN = "/quan-tri/"
ENROL = "/quan-tri/tai-khoan/xac-thuc-hai-lop/thiet-lap/"
VERIFY = "/quan-tri/xac-thuc/"
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def required(settings):
    settings.TWO_FACTOR_REQUIRED = True


@pytest.fixture
def no_throttle(settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    settings.OTP_STATIC_THROTTLE_FACTOR = 0


def authenticator(user):
    return TOTPDevice.objects.create(user=user, name="Ứng dụng xác thực", confirmed=True)


def code_for(device, steps_ahead=0):
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift + steps_ahead):06d}"


def password_login(user):
    client = Client(HTTP_HOST="localhost")
    response = client.post("/quan-tri/login/", {"username": user.username, "password": PASSWORD, "next": ADMIN})
    assert response.status_code == 302, "the password step failed"
    return client


def redirects_to(response, path):
    return response.status_code == 302 and response["Location"].split("?")[0] == path


# Who must enrol


def test_it_sends_portal_staff_to_enrolment_before_any_admin_page_when_required(district, required):
    client = client_for(district.district_admin)
    for url in [ADMIN, "/quan-tri/pages/", "/quan-tri/images/", "/quan-tri/account/"]:
        response = client.get(url)
        assert redirects_to(response, ENROL), url
    assert client.get(ENROL).status_code == 200


def test_it_sends_superusers_to_enrolment_when_required(district, required):
    admin = User.objects.create_superuser("admin", "admin@example.vn", PASSWORD)
    assert redirects_to(client_for(admin).get(ADMIN), ENROL)


def test_it_does_not_ask_portal_staff_to_enrol_when_the_setting_is_off(district, settings):
    settings.TWO_FACTOR_REQUIRED = False
    assert client_for(district.district_admin).get(ADMIN).status_code == 200


def test_commune_staff_need_not_enrol_while_their_communes_switch_is_off(district, required):
    CommuneTwoFactor.objects.create(commune=district.a, required=False)
    assert client_for(district.editor_a).get(ADMIN).status_code == 200
    assert client_for(district.approver_b).get(ADMIN).status_code == 200


def test_a_communes_switch_makes_its_own_staff_enrol_and_no_one_elses(district, settings):
    settings.TWO_FACTOR_REQUIRED = False
    CommuneTwoFactor.objects.create(commune=district.a, required=True)
    assert redirects_to(client_for(district.editor_a).get(ADMIN), ENROL)
    assert redirects_to(client_for(district.approver_a).get(ADMIN), ENROL)
    assert client_for(district.editor_b).get(ADMIN).status_code == 200
    assert client_for(district.district_admin).get(ADMIN).status_code == 200


def test_the_development_demo_does_not_ask_and_production_does():
    def required_with(**env):
        environment = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "TWO_FACTOR_REQUIRED"}}
        environment.update(DJANGO_SETTINGS_MODULE="cms.settings", SECRET_KEY="x" * 50, **env)
        result = subprocess.run(
            [sys.executable, "manage.py", "shell", "--no-imports", "-c",
             "from django.conf import settings; print(settings.TWO_FACTOR_REQUIRED)"],
            cwd=ROOT, env=environment, capture_output=True, text=True, timeout=120,
        )
        return result.stdout.strip()

    assert required_with(DEBUG="1") == "False"
    assert required_with(DEBUG="0") == "True"
    assert required_with(DEBUG="0", TWO_FACTOR_REQUIRED="0") == "False"


def test_the_deploy_check_warns_when_production_turns_two_factor_off():
    environment = {k: v for k, v in os.environ.items() if k not in {"DEBUG"}}
    environment.update(
        DJANGO_SETTINGS_MODULE="cms.settings", SECRET_KEY="x7#kP2m9vQ4rT8wZ1nB6cF3hJ5lS0dG7aY2eU9iO4pK8mN1bV6cX3zQ",
        ALLOWED_HOSTS=".dakha.gov.vn", TWO_FACTOR_REQUIRED="0", SECURE_SSL_REDIRECT="1",
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy"], cwd=ROOT, env=environment,
        capture_output=True, text=True, timeout=120,
    )
    assert "accounts.W001" in result.stdout + result.stderr


# Enrolment


def test_enrolment_shows_a_qr_code_and_the_secret_then_ten_recovery_codes_once(district, required):
    client = client_for(district.district_admin)
    page = client.get(ENROL).content.decode()
    device = TOTPDevice.objects.get(user=district.district_admin, confirmed=False)
    assert "<svg" in page and 'aria-label="Mã QR' in page
    assert "http" not in page.split("<svg", 1)[1].split("</svg>", 1)[0].replace("http://www.w3.org/2000/svg", "")
    shown = re.search(r"<code[^>]*>([A-Z2-7 ]+)</code>", page).group(1)
    secret = shown.replace(" ", "")
    assert b32decode(secret + "=" * (-len(secret) % 8)) == device.bin_key
    assert shown in client.get(ENROL).content.decode()  # the same device on reload

    response = client.post(ENROL, {"code": code_for(device), "next": ADMIN})
    assert response.status_code == 200
    codes = re.findall(r"<li>([a-z2-7]{4}-[a-z2-7]{4})</li>", response.content.decode())
    assert len(codes) == 10 and len(set(codes)) == 10
    assert "Đây là lần duy nhất các mã này được hiển thị" in response.content.decode()
    device.refresh_from_db()
    assert device.confirmed
    assert StaticToken.objects.filter(device__user=district.district_admin).count() == 10
    assert client.get(ADMIN).status_code == 200  # verified by the first code
    overview = client.get("/quan-tri/tai-khoan/xac-thuc-hai-lop/").content.decode()
    assert "đang bật" in overview and "Còn 10 mã dự phòng" in overview
    assert not any(code in overview for code in codes)


def test_a_wrong_first_code_does_not_turn_it_on(district, required):
    client = client_for(district.district_admin)
    client.get(ENROL)
    device = TOTPDevice.objects.get(user=district.district_admin)
    wrong = f"{(int(code_for(device)) + 1) % 1000000:06d}"
    response = client.post(ENROL, {"code": wrong})
    assert "Mã không đúng" in response.content.decode()
    device.refresh_from_db()
    assert not device.confirmed
    assert redirects_to(client.get(ADMIN), ENROL)


def test_enrolling_again_on_a_new_phone_replaces_the_old_authenticator(district, no_throttle):
    old = authenticator(district.editor_a)
    client = password_login(district.editor_a)
    client.post(VERIFY, {"code": code_for(old)})
    client.get(ENROL)
    new = TOTPDevice.objects.get(user=district.editor_a, confirmed=False)
    assert client.post(ENROL, {"code": code_for(new)}).status_code == 200
    assert list(TOTPDevice.objects.filter(user=district.editor_a)) == [new]


# The code after the password


def test_after_the_password_it_asks_for_the_code_and_the_code_opens_the_admin(district, no_throttle):
    device = authenticator(district.approver_a)
    client = password_login(district.approver_a)
    response = client.get("/quan-tri/images/")
    assert redirects_to(response, VERIFY)
    assert response["Location"].endswith("?next=/quan-tri/images/")
    page = client.get(response["Location"]).content.decode()
    assert "Xác thực hai lớp" in page and "duyet_dakla" in page

    wrong = f"{(int(code_for(device)) + 1) % 1000000:06d}"
    assert "Mã không đúng hoặc đã hết hạn." in client.post(VERIFY, {"code": wrong}).content.decode()
    response = client.post(VERIFY, {"code": code_for(device), "next": "/quan-tri/images/"})
    assert redirects_to(response, "/quan-tri/images/")
    assert client.get("/quan-tri/images/").status_code == 200


def test_a_code_cannot_be_used_twice(district, no_throttle):
    device = authenticator(district.approver_a)
    code = code_for(device)
    first = password_login(district.approver_a)
    assert redirects_to(first.post(VERIFY, {"code": code}), ADMIN)
    second = password_login(district.approver_a)
    assert "Mã không đúng" in second.post(VERIFY, {"code": code}).content.decode()
    assert redirects_to(second.get(ADMIN), VERIFY)


def test_guessing_codes_quickly_is_slowed_down(district):
    device = authenticator(district.approver_a)
    client = password_login(district.approver_a)
    wrong = f"{(int(code_for(device)) + 1) % 1000000:06d}"
    client.post(VERIFY, {"code": wrong})
    response = client.post(VERIFY, {"code": code_for(device)})  # right, but too soon after a wrong one
    assert "Bạn đã nhập sai nhiều lần" in response.content.decode()
    assert redirects_to(client.get(ADMIN), VERIFY)


def test_it_asks_anyone_with_an_authenticator_even_when_not_required(district, settings):
    settings.TWO_FACTOR_REQUIRED = False
    authenticator(district.editor_b)
    client = password_login(district.editor_b)
    assert redirects_to(client.get(ADMIN), VERIFY)


def test_a_password_alone_cannot_replace_the_authenticator(district):
    authenticator(district.approver_a)
    client = password_login(district.approver_a)
    assert redirects_to(client.get(ENROL), VERIFY)
    assert redirects_to(client.post("/quan-tri/tai-khoan/xac-thuc-hai-lop/ma-du-phong/"), VERIFY)
    assert not TOTPDevice.objects.filter(user=district.approver_a, confirmed=False).exists()


def test_a_password_alone_does_not_open_pages_restricted_to_signed_in_users(district, no_throttle):
    profile = Page.objects.child_of(district.a.home).get(slug="gioi-thieu")
    PageViewRestriction.objects.create(page=profile, restriction_type=PageViewRestriction.LOGIN)
    url = "/xa-dak-la/gioi-thieu/"
    device = authenticator(district.editor_a)
    client = password_login(district.editor_a)
    response = client.get(url)
    assert response.status_code == 302 and "login" in response["Location"]
    client.post(VERIFY, {"code": code_for(device)})
    assert client.get(url).status_code == 200


# Recovery codes


def test_a_recovery_code_signs_in_once(district, no_throttle):
    authenticator(district.district_admin)
    codes = recovery_codes_create(user=district.district_admin)
    client = password_login(district.district_admin)
    response = client.post(VERIFY, {"code": codes[0].upper(), "next": ADMIN}, follow=True)
    assert response.status_code == 200
    assert "còn 9 mã" in response.content.decode()

    again = password_login(district.district_admin)
    assert "Mã không đúng" in again.post(VERIFY, {"code": codes[0]}).content.decode()
    assert redirects_to(again.get(ADMIN), VERIFY)
    assert redirects_to(again.post(VERIFY, {"code": codes[1].replace("-", " ")}), ADMIN)


def test_new_recovery_codes_replace_the_old_ones(district, no_throttle):
    device = authenticator(district.approver_a)
    old = recovery_codes_create(user=district.approver_a)
    client = password_login(district.approver_a)
    client.post(VERIFY, {"code": code_for(device)})
    response = client.post("/quan-tri/tai-khoan/xac-thuc-hai-lop/ma-du-phong/")
    new = re.findall(r"<li>([a-z2-7]{4}-[a-z2-7]{4})</li>", response.content.decode())
    assert len(new) == 10 and not set(new) & set(old)
    other = password_login(district.approver_a)
    assert "Mã không đúng" in other.post(VERIFY, {"code": old[0]}).content.decode()
    assert redirects_to(other.post(VERIFY, {"code": new[0]}), ADMIN)


def test_an_operator_can_reset_a_lost_phone(district, required):
    authenticator(district.district_admin)
    recovery_codes_create(user=district.district_admin)
    call_command("two_factor_reset", "quantri")
    client = password_login(district.district_admin)
    assert redirects_to(client.get(ADMIN), ENROL)


# The per-commune switch in the admin


def test_portal_staff_switch_a_commune_on_in_the_admin_and_commune_staff_cannot(district, settings):
    settings.TWO_FACTOR_REQUIRED = False
    url = "/quan-tri/xac-thuc-hai-lop-theo-xa/"
    portal = client_for(district.district_admin)
    assert portal.get(url).status_code == 200
    response = portal.post(url + "new/", {"commune": district.a.pk, "required": "on"})
    assert response.status_code == 302
    switch = CommuneTwoFactor.objects.get()
    assert switch.required and switch.commune == district.a
    assert switch.updated_by == district.district_admin
    assert url in portal.get("/quan-tri/").content.decode()  # in the settings menu

    approver = client_for(district.approver_b)
    assert approver.get(url).status_code in (302, 403)
    assert approver.post(url + "new/", {"commune": district.b.pk, "required": "on"}).status_code in (302, 403)
    assert not CommuneTwoFactor.objects.filter(commune=district.b).exists()
    assert url not in approver.get("/quan-tri/").content.decode()
