"""`manage.py backup` and `manage.py restore`: a populated installation restored into an empty one.

The round trips restore in a separate process (`manage.py restore` with its own DATABASE_URL, MEDIA_ROOT and
QUESTIONS_ATTACHMENT_ROOT), as an operator would on a new machine, then compare what the original and the
restored installations hold, read the same way (backup_snapshot.py)."""

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test import TestCase

from cms import backup

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
KEY = "gVG_c7-BvjjvYbRTvuWkWG5AvsoB3Iqpswv88y6g650="
OTHER_KEY = "-VtWJD2_cBTU69pnhSJmPAOHtTHOd7fW9KrayfCTn6o="
CITIZEN_EMAIL = "nguyen.van.an@example.vn"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def installation(settings, tmp_path, committed_district):
    """The district with files: an image and a document in the media, two questions with attachments."""
    from wagtail.documents.models import Document
    from wagtail.images.models import Image

    from questions.models import QuestionField, QuestionKind
    from questions.services import question_submit

    settings.MEDIA_ROOT = tmp_path / "media"
    settings.QUESTIONS_ATTACHMENT_ROOT = str(tmp_path / "private")
    settings.BACKUP_KEY = [KEY]
    Image.objects.create(title="Trụ sở UBND xã Đắk La", file=ContentFile(png(), name="tru-so.png"))
    Document.objects.create(title="Quyết định 1381/QĐ-BTTTT", file=ContentFile(PDF, name="quyet-dinh.pdf"))
    district = committed_district
    for number, attachment in enumerate([png(), PDF, None]):
        with TestCase.captureOnCommitCallbacks(execute=True):
            question_submit(
                commune=(district.a if number != 1 else district.b).home, name="Nguyễn Văn An",
                title=f"Hỏi về thủ tục cấp giấy chứng nhận số {number}",
                text="Gia đình tôi muốn làm thủ tục cấp giấy chứng nhận quyền sử dụng đất.",
                kind=QuestionKind.QUESTION, field=QuestionField.LAND, email=CITIZEN_EMAIL, phone="0912345678",
                attachment=ContentFile(attachment, name="giay-to.bin") if attachment else None,
                attachment_extension="png" if number == 0 else "pdf", ip="203.0.113.10",
            )
    return district


def png():
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 30, 30)).save(buffer, format="PNG")
    return buffer.getvalue()


def local_snapshot():
    from backup_snapshot import snapshot

    return json.loads(json.dumps(snapshot(), ensure_ascii=False))


def manage_elsewhere(*args, database_url, tmp_path, key=KEY):
    """manage.py with the production settings, on another database and other folders."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL"))}
    environment.update(
        DJANGO_SETTINGS_MODULE="cms.settings", DEBUG="0", SECRET_KEY="x7#kP2m9vQ4rT8wZ1nB6cF3hJ5lS0dG7aY2eU9iO4pK8mN1bV6",
        ALLOWED_HOSTS="localhost", DATABASE_URL=database_url, BACKUP_KEY=key,
        MEDIA_ROOT=str(tmp_path / "restored-media"), QUESTIONS_ATTACHMENT_ROOT=str(tmp_path / "restored-private"),
        PYTHONPATH=os.pathsep.join([str(ROOT), str(HERE)]),
    )
    return subprocess.run([sys.executable, *args], cwd=ROOT, env=environment, capture_output=True, text=True,
                          timeout=300)


def restore_and_snapshot(backup_dir, *, database_url, tmp_path):
    restored = manage_elsewhere("manage.py", "restore", str(backup_dir), database_url=database_url, tmp_path=tmp_path)
    assert restored.returncode == 0, restored.stdout + restored.stderr
    dumped = manage_elsewhere(str(HERE / "backup_snapshot.py"), database_url=database_url, tmp_path=tmp_path)
    assert dumped.returncode == 0, dumped.stderr
    return restored.stdout, json.loads(dumped.stdout)


def assert_same_installation(original, restored):
    assert len(restored["pages"]) == len(original["pages"]) >= 10
    assert len(restored["questions"]) == len(original["questions"]) == 3
    assert len(restored["private"]) == len(original["private"]) == 2
    assert len(restored["media"]) == len(original["media"]) >= 2
    assert restored == original  # titles, paths, contact data, and every file byte for byte


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_postgresql_backup_restores_into_an_empty_database_with_the_same_pages_questions_and_files(
    installation, tmp_path
):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (DATABASE_URL=postgres://…); the SQLite round trip is tested beside it")
    import psycopg

    original = local_snapshot()
    call_command("backup", str(tmp_path / "backup"), stdout=io.StringIO())
    manifest = json.loads((tmp_path / "backup" / "manifest.json").read_text())
    assert set(manifest["parts"]) == {"database.pgdump.enc", "media.tar.enc", "private.tar.enc"}
    assert manifest["counts"]["questions"] == 3 and manifest["counts"]["private_files"] == 2

    db = connection.settings_dict
    target = f"{db['NAME']}_restored"
    admin = {"host": db["HOST"] or None, "port": db["PORT"] or None, "user": db["USER"] or None,
             "password": db["PASSWORD"] or None, "dbname": "postgres", "autocommit": True}
    with psycopg.connect(**admin) as server:
        server.execute(f'DROP DATABASE IF EXISTS "{target}"')
        server.execute(f'CREATE DATABASE "{target}" TEMPLATE template0 ENCODING \'UTF8\'')
    try:
        auth = f"{db['USER']}:{db['PASSWORD']}@" if db["PASSWORD"] else f"{db['USER']}@"
        url = f"postgres://{auth}{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{target}"
        output, restored = restore_and_snapshot(tmp_path / "backup", database_url=url, tmp_path=tmp_path)
        assert "Restored from" in output
        assert_same_installation(original, restored)
        # A second restore into the now populated database is refused.
        again = manage_elsewhere("manage.py", "restore", str(tmp_path / "backup"), database_url=url, tmp_path=tmp_path)
        assert again.returncode != 0 and "The database is not empty" in again.stderr
    finally:
        with psycopg.connect(**admin) as server:
            server.execute(f'DROP DATABASE IF EXISTS "{target}" WITH (FORCE)')


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_sqlite_backup_restores_into_a_new_database_file_with_the_same_pages_questions_and_files(
    installation, tmp_path
):
    if connection.vendor != "sqlite":
        pytest.skip("the SQLite round trip runs when the suite runs on SQLite")
    original = local_snapshot()
    call_command("backup", str(tmp_path / "backup"), stdout=io.StringIO())
    assert (tmp_path / "backup" / "database.sqlite3.enc").exists()
    _, restored = restore_and_snapshot(
        tmp_path / "backup", database_url=f"sqlite:///{tmp_path / 'restored.sqlite3'}", tmp_path=tmp_path
    )
    assert_same_installation(original, restored)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_encrypted_parts_hold_no_readable_personal_data_and_the_manifest_records_versions_and_migrations(
    installation, tmp_path
):
    call_command("backup", str(tmp_path / "backup"), stdout=io.StringIO())
    manifest = json.loads((tmp_path / "backup" / "manifest.json").read_text())
    assert manifest["versions"]["django"].startswith("5.2")
    assert "0001_initial" in manifest["migrations"]["questions"]
    assert manifest["encryption"] == {"scheme": "fernet-chunks-v1", "key_id": backup.key_id(KEY)}
    for name, part in manifest["parts"].items():
        data = (tmp_path / "backup" / name).read_bytes()
        assert part["sha256"] == backup.sha256_of(tmp_path / "backup" / name)
        for plain in (CITIZEN_EMAIL.encode(), "Nguyễn Văn An".encode(), b"%PDF-1.4", b"\x89PNG"):
            assert plain not in data, (name, plain)
    assert CITIZEN_EMAIL not in (tmp_path / "backup" / "manifest.json").read_text()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_restore_refuses_a_non_empty_database_an_altered_part_and_a_wrong_key(installation, tmp_path, settings):
    call_command("backup", str(tmp_path / "backup"), stdout=io.StringIO())
    with pytest.raises(CommandError, match="The database is not empty"):
        call_command("restore", str(tmp_path / "backup"), stdout=io.StringIO())

    settings.BACKUP_KEY = [OTHER_KEY]
    with pytest.raises(CommandError, match="not in BACKUP_KEY"):
        call_command("restore", str(tmp_path / "backup"), stdout=io.StringIO())

    part = next((tmp_path / "backup").glob("private.tar*"))
    data = bytearray(part.read_bytes())
    data[len(data) // 2] ^= 0xFF
    part.write_bytes(bytes(data))
    with pytest.raises(CommandError, match="does not match its sha256"):
        call_command("restore", str(tmp_path / "backup"), "--force", stdout=io.StringIO())


def test_a_chunk_dropped_from_an_encrypted_part_is_detected_even_with_a_matching_manifest():
    out = io.BytesIO()
    writer = backup.EncryptingWriter(out, [KEY])
    writer.write(os.urandom(backup.CHUNK * 2 + 10))
    writer.close()
    stream = io.BytesIO(out.getvalue())
    stream.read(len(backup.MAGIC))
    first = int.from_bytes(stream.read(4), "big")
    stream.read(first)
    rest = stream.read()
    without_first_chunk = backup.MAGIC + rest
    with pytest.raises(CommandError, match="out of order"):
        b"".join(backup.decrypted_chunks(io.BytesIO(without_first_chunk), [KEY]))
    truncated = out.getvalue()[: -(len(out.getvalue()) // 4)]
    with pytest.raises(CommandError):
        b"".join(backup.decrypted_chunks(io.BytesIO(truncated), [KEY]))
    assert len(b"".join(backup.decrypted_chunks(io.BytesIO(out.getvalue()), [OTHER_KEY, KEY]))) == backup.CHUNK * 2 + 10


def test_a_backup_without_a_key_is_refused_unless_asked_for_unencrypted(tmp_path, settings):
    settings.BACKUP_KEY = []
    with pytest.raises(CommandError, match="BACKUP_KEY is not set"):
        call_command("backup", str(tmp_path / "backup"), stdout=io.StringIO())


def test_generate_key_prints_a_key_the_settings_accept():
    out = io.StringIO()
    call_command("backup", "--generate-key", stdout=out)
    key = out.getvalue().strip()
    assert len(key) == 44 and key.endswith("=")
    assert backup.key_id(key) != backup.key_id(KEY)
