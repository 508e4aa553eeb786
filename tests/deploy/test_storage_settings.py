"""MEDIA_STORAGE switches media and private attachments to S3-compatible object storage (no network here:
the settings module is run in a subprocess and only the STORAGES it builds are read)."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def storages_for(**variables):
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "S3_", "MEDIA_STORAGE"))}
    environment.update(SECRET_KEY="x7#kP2m9vQ4rT8wZ1nB6cF3hJ5lS0dG7aY2eU9iO4pK8mN1bV6", DEBUG="0", **variables)
    code = "import json, cms.settings as s; print(json.dumps(s.STORAGES))"
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=environment, capture_output=True, text=True,
                            timeout=60)
    return result.returncode, (json.loads(result.stdout) if result.returncode == 0 else result.stderr)


def test_local_disk_is_the_default_for_media_and_private_attachments():
    code, storages = storages_for()
    assert code == 0
    assert storages["default"]["BACKEND"] == "django.core.files.storage.FileSystemStorage"
    assert storages["private"]["BACKEND"] == "questions.models.PrivateAttachmentStorage"


def test_media_storage_s3_puts_public_media_and_private_files_in_separate_signed_locations():
    code, storages = storages_for(
        MEDIA_STORAGE="s3", S3_BUCKET="cms-media", S3_PRIVATE_BUCKET="cms-private",
        S3_ENDPOINT_URL="https://s3.example.vn", S3_ACCESS_KEY_ID="AKIA", S3_SECRET_ACCESS_KEY="bi-mat",
        S3_ADDRESSING_STYLE="path", S3_MEDIA_DOMAIN="media.dakha.gov.vn",
    )
    assert code == 0, storages
    media, private = storages["default"], storages["private"]
    assert media["BACKEND"] == private["BACKEND"] == "storages.backends.s3.S3Storage"
    assert media["OPTIONS"]["bucket_name"] == "cms-media" and media["OPTIONS"]["querystring_auth"] is False
    assert media["OPTIONS"]["custom_domain"] == "media.dakha.gov.vn"
    assert private["OPTIONS"]["bucket_name"] == "cms-private"
    assert private["OPTIONS"]["querystring_auth"] is True and private["OPTIONS"]["querystring_expire"] <= 600
    assert private["OPTIONS"]["custom_domain"] is None
    assert private["OPTIONS"]["endpoint_url"] == "https://s3.example.vn"
    assert private["OPTIONS"]["addressing_style"] == "path"


def test_without_a_private_bucket_private_files_get_their_own_prefix_of_the_media_bucket():
    code, storages = storages_for(MEDIA_STORAGE="s3", S3_BUCKET="cms")
    assert code == 0, storages
    assert storages["private"]["OPTIONS"]["bucket_name"] == "cms"
    assert {storages["default"]["OPTIONS"]["location"], storages["private"]["OPTIONS"]["location"]} == {"media", "private"}


def test_the_s3_storages_build_without_touching_the_network():
    from django.core.files.storage import storages as handler
    from django.test import override_settings

    code, storages = storages_for(MEDIA_STORAGE="s3", S3_BUCKET="cms", S3_ENDPOINT_URL="http://127.0.0.1:9",
                                  S3_ACCESS_KEY_ID="AKIA", S3_SECRET_ACCESS_KEY="bi-mat")
    with override_settings(STORAGES=storages):
        handler._storages = {}
        try:
            private = handler["private"]
            url = private.url("questions/2026/01/tep.pdf")
        finally:
            handler._storages = {}
    assert "X-Amz-Signature=" in url and "/private/questions/2026/01/tep.pdf" in url


def test_a_mistyped_storage_or_a_missing_bucket_stops_the_process_naming_it():
    code, error = storages_for(MEDIA_STORAGE="s4")
    assert code != 0 and "MEDIA_STORAGE must be 'local' or 's3'" in error
    code, error = storages_for(MEDIA_STORAGE="s3")
    assert code != 0 and "S3_BUCKET is required" in error
