"""Backups and restores of a whole installation: the database, the media and the private attachments.

A backup is a folder:

    manifest.json          versions, migration state, counts, and the sha256 and size of every part
    database.pgdump[.enc]  `pg_dump -Fc` (PostgreSQL) or database.sqlite3[.enc] (SQLite's online backup API)
    media.tar[.enc]        every file of the default storage (images, renditions, documents)
    private.tar[.enc]      every citizen's attachment (QUESTIONS_ATTACHMENT_ROOT or its bucket)

The database is dumped first, in one snapshot, then the files are read: a file uploaded meanwhile is an
extra, harmless; only a file erased in between (retention) can be missing, and its row is blanked by the
next erasure run anyway.

With BACKUP_KEY set every part is encrypted ("fernet-chunks-v1": the stream cut into 1 MiB chunks, each
a Fernet token — AES-128-CBC and HMAC-SHA256 — that also seals its index and whether it is the last,
so chunks cannot be dropped, reordered or cut off unnoticed). The manifest holds no personal data and
stays readable, so a backup can be checked without its key.
"""

import hashlib
import io
import json
import os
import platform
import shutil
import sqlite3
import struct
import subprocess
import tarfile
import tempfile
from datetime import datetime, timezone
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.files.base import File
from django.core.files.storage import storages
from django.core.management.base import CommandError
from django.db import connection, transaction
from django.db.migrations.loader import MigrationLoader

FORMAT = "cms-backup"
FORMAT_VERSION = 1
SCHEME = "fernet-chunks-v1"
MAGIC = b"CMSBACKUP-FERNET-1\n"
CHUNK = 1024 * 1024
CACHE_TABLE = "cms_cache"  # the database cache's rows are not worth keeping (and may hold rate-limit keys)


# ---------------------------------------------------------------------------------------------- keys


def generate_key() -> str:
    from cryptography.fernet import Fernet

    return Fernet.generate_key().decode()


def key_id(key: str) -> str:
    """A short name for a key that tells which one encrypted a backup and reveals nothing of it."""
    return hashlib.sha256(b"cms-backup-key-id:" + key.encode()).hexdigest()[:16]


def _fernet(keys):
    from cryptography.fernet import Fernet, MultiFernet

    try:
        return MultiFernet([Fernet(k.encode()) for k in keys])
    except ValueError as error:
        raise CommandError(f"BACKUP_KEY is not a valid Fernet key: {error}") from None


# ------------------------------------------------------------------------------------ encrypted streams


class EncryptingWriter(io.RawIOBase):
    """A binary file-like sink that writes fernet-chunks-v1 to `out`."""

    def __init__(self, out, keys):
        self.out = out
        self.fernet = _fernet(keys)
        self.buffer = bytearray()
        self.index = 0
        self.out.write(MAGIC)

    def writable(self):
        return True

    def write(self, data):
        self.buffer += data
        while len(self.buffer) > CHUNK:
            self._emit(bytes(self.buffer[:CHUNK]), last=False)
            del self.buffer[:CHUNK]
        return len(data)

    def _emit(self, data, *, last):
        token = self.fernet.encrypt(struct.pack(">QB", self.index, 1 if last else 0) + data)
        self.out.write(struct.pack(">I", len(token)) + token)
        self.index += 1

    def close(self):
        if not self.closed:
            self._emit(bytes(self.buffer), last=True)
            self.buffer.clear()
        super().close()


def decrypted_chunks(source, keys):
    """Yield the plaintext of a fernet-chunks-v1 stream, refusing any tampering or truncation."""
    from cryptography.fernet import InvalidToken

    if source.read(len(MAGIC)) != MAGIC:
        raise CommandError("This part is not an encrypted backup part (wrong header).")
    fernet = _fernet(keys)
    expected = 0
    while True:
        header = source.read(4)
        if len(header) < 4:
            raise CommandError("The encrypted part ends early: the backup is truncated.")
        (length,) = struct.unpack(">I", header)
        token = source.read(length)
        try:
            plain = fernet.decrypt(token)
        except InvalidToken:
            raise CommandError("Cannot decrypt the backup: wrong BACKUP_KEY or damaged file.") from None
        index, last = struct.unpack(">QB", plain[:9])
        if index != expected:
            raise CommandError("The encrypted part's chunks are out of order: the backup was altered.")
        expected += 1
        yield plain[9:]
        if last:
            if source.read(1):
                raise CommandError("Data follows the last encrypted chunk: the backup was altered.")
            return


class ChunkReader(io.RawIOBase):
    """A readable, non-seekable file over an iterator of byte chunks (what tarfile's stream mode needs)."""

    def __init__(self, chunks):
        self.chunks = iter(chunks)
        self.pending = b""

    def readable(self):
        return True

    def readinto(self, target):
        while not self.pending:
            try:
                self.pending = next(self.chunks)
            except StopIteration:
                return 0
        size = min(len(target), len(self.pending))
        target[:size] = self.pending[:size]
        self.pending = self.pending[size:]
        return size


def open_part(path: Path, *, encrypted: bool, keys):
    handle = open(path, "rb")  # noqa: SIM115 - closed by the caller through the returned reader
    if not encrypted:
        return handle
    return io.BufferedReader(ChunkReader(decrypted_chunks(handle, keys)), buffer_size=CHUNK)


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(CHUNK), b""):
            digest.update(block)
    return digest.hexdigest()


# --------------------------------------------------------------------------------------------- storages


def media_storage():
    return storages["default"]


def private_storage():
    """The storage the question attachments really use (whatever questions.models chooses)."""
    return apps.get_model("questions", "Question")._meta.get_field("attachment").storage


def storage_files(storage, path=""):
    """Every file name in a storage, recursively, sorted; an absent local folder is an empty storage."""
    try:
        directories, files = storage.listdir(path)
    except FileNotFoundError:
        return []
    names = [f"{path}{name}" for name in files]
    for directory in directories:
        names += storage_files(storage, f"{path}{directory}/")
    return sorted(names)


def write_storage_tar(storage, sink) -> int:
    count = 0
    with tarfile.open(fileobj=sink, mode="w|", format=tarfile.PAX_FORMAT) as archive:
        for name in storage_files(storage):
            info = tarfile.TarInfo(name)
            info.size = storage.size(name)
            info.mode = 0o600
            try:
                info.mtime = storage.get_modified_time(name).timestamp()
            except (NotImplementedError, OSError):
                info.mtime = 0
            with storage.open(name, "rb") as handle:
                archive.addfile(info, handle)
            count += 1
    return count


def safe_member_name(name: str) -> str:
    parts = Path(name).parts
    if not parts or name.startswith("/") or ".." in parts:
        raise CommandError(f"Refusing a file name that leaves its folder: {name!r}")
    return name


def restore_storage_tar(storage, reader, *, replace: bool) -> int:
    count = 0
    with tarfile.open(fileobj=reader, mode="r|") as archive:
        for member in archive:
            if not member.isfile():
                continue
            name = safe_member_name(member.name)
            if replace and storage.exists(name):
                storage.delete(name)
            saved = storage.save(name, File(archive.extractfile(member), name=name))
            if saved != name:
                raise CommandError(f"{name} was stored as {saved}: the storage already held a file of that name.")
            count += 1
    return count


# --------------------------------------------------------------------------------------------- database


def database_vendor() -> str:
    return connection.vendor


def _postgres_environment():
    """libpq environment for pg_dump/pg_restore: the password never appears on a command line."""
    db = connection.settings_dict
    env = dict(os.environ)
    for variable, key in (("PGHOST", "HOST"), ("PGPORT", "PORT"), ("PGUSER", "USER"), ("PGPASSWORD", "PASSWORD")):
        if db.get(key):
            env[variable] = str(db[key])
    env["PGDATABASE"] = db["NAME"]
    return env


def dump_postgres(sink, *, snapshot: str) -> None:
    """pg_dump reads the snapshot exported by the transaction that also counted the rows."""
    command = ["pg_dump", "--format=custom", "--no-owner", "--no-privileges", f"--snapshot={snapshot}",
               f"--exclude-table-data={CACHE_TABLE}"]
    with tempfile.TemporaryFile() as errors:
        process = subprocess.Popen(  # noqa: S603 - fixed arguments, the snapshot name from PostgreSQL
            command, env=_postgres_environment(), stdout=subprocess.PIPE, stderr=errors)
        for block in iter(lambda: process.stdout.read(CHUNK), b""):
            sink.write(block)
        if process.wait() != 0:
            errors.seek(0)
            raise CommandError(f"pg_dump failed: {errors.read().decode(errors='replace').strip()}")


def restore_postgres(reader, *, clean: bool) -> None:
    command = ["pg_restore", "--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction",
               "--dbname", connection.settings_dict["NAME"]]
    if clean:
        command[1:1] = ["--clean", "--if-exists"]
    connection.close()  # pg_restore works on its own connection; ours must not hold locks meanwhile
    with tempfile.TemporaryFile() as errors:
        process = subprocess.Popen(  # noqa: S603 - fixed arguments, the database name from settings
            command, env=_postgres_environment(), stdin=subprocess.PIPE, stderr=errors)
        try:
            for block in iter(lambda: reader.read(CHUNK), b""):
                process.stdin.write(block)
            process.stdin.close()
        except BrokenPipeError:
            pass
        code = process.wait()
        errors.seek(0)
        if code != 0:
            raise CommandError(f"pg_restore failed: {errors.read().decode(errors='replace').strip()}")


def dump_sqlite(sink, workdir: Path) -> tuple[dict, dict]:
    """Copy the database with SQLite's online backup API (one consistent snapshot), count and read the
    migration state from the copy, then stream the copy out."""
    copy = workdir / "database.sqlite3"
    connection.ensure_connection()
    target = sqlite3.connect(copy)
    try:
        connection.connection.backup(target)
        cursor = target.cursor()
        tables = {row[0] for row in cursor.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if CACHE_TABLE in tables:
            cursor.execute(f'DELETE FROM "{CACHE_TABLE}"')  # noqa: S608 - a constant name
            target.commit()
        target.execute("PRAGMA journal_mode=DELETE")
        row_counts, migrations = row_counts_and_migrations(cursor, tables)
    finally:
        target.close()
    with open(copy, "rb") as handle:
        shutil.copyfileobj(handle, sink, CHUNK)
    copy.unlink()
    return row_counts, migrations


def restore_sqlite(reader, workdir: Path) -> None:
    copy = workdir / "restore.sqlite3"
    with open(copy, "wb") as handle:
        shutil.copyfileobj(reader, handle, CHUNK)
    source = sqlite3.connect(copy)
    try:
        connection.ensure_connection()
        source.backup(connection.connection)
    finally:
        source.close()
        copy.unlink()
    connection.close()


def table_names() -> list[str]:
    with connection.cursor() as cursor:
        return connection.introspection.table_names(cursor)


def row_counts_and_migrations(cursor, tables) -> tuple[dict, dict]:
    """Row counts of the counted models and the applied migrations, read through `cursor` (a DB-API
    cursor of the snapshot being saved, or of the restored database)."""
    row_counts = {}
    for name, label in COUNTED_MODELS.items():
        table = apps.get_model(*label)._meta.db_table
        if table in tables:
            cursor.execute(f'SELECT COUNT(*) FROM "{table}"')  # noqa: S608 - a model's table name
            row_counts[name] = cursor.fetchone()[0]
    migrations: dict[str, list[str]] = {}
    if "django_migrations" in tables:
        cursor.execute("SELECT app, name FROM django_migrations ORDER BY app, name")
        for app, name in cursor.fetchall():
            migrations.setdefault(app, []).append(name)
    return row_counts, migrations


def database_server_version() -> str:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            return cursor.fetchone()[0]
    return sqlite3.sqlite_version


def tool_version(program: str) -> str | None:
    try:
        result = subprocess.run(  # noqa: S603 - a program name from this module
            [program, "--version"], capture_output=True, text=True, timeout=10)
        return result.stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return None


# ----------------------------------------------------------------------------------------------- counts


COUNTED_MODELS = {
    "pages": ("wagtailcore", "Page"),
    "questions": ("questions", "Question"),
    "images": ("wagtailimages", "Image"),
    "documents": ("wagtaildocs", "Document"),
    "users": ("auth", "User"),
    "commune_sites": ("sites", "CommuneSite"),
}


def counts() -> dict[str, int]:
    """What this installation holds now (compared with the manifest after a restore)."""
    tables = set(table_names())
    with connection.cursor() as cursor:
        row_counts, _ = row_counts_and_migrations(cursor, tables)
    row_counts["media_files"] = len(storage_files(media_storage()))
    row_counts["private_files"] = len(storage_files(private_storage()))
    return row_counts


def versions() -> dict[str, str | None]:
    import django
    import wagtail

    return {
        "python": platform.python_version(),
        "django": django.get_version(),
        "wagtail": wagtail.__version__,
        "database": f"{connection.vendor} {database_server_version()}",
        "pg_dump": tool_version("pg_dump") if connection.vendor == "postgresql" else None,
        "application": git_commit(),
    }


def git_commit() -> str | None:
    try:
        # Informational; an image without git records none.
        command = ["git", "rev-parse", "HEAD"]  # noqa: S607
        result = subprocess.run(command, cwd=settings.BASE_DIR, capture_output=True, text=True, timeout=10)  # noqa: S603
    except (OSError, subprocess.SubprocessError):
        return None
    return result.stdout.strip() or None


# ------------------------------------------------------------------------------------------------ backup


def backup(*, directory: Path, keys: list[str], encrypt: bool, log=lambda line: None) -> dict:
    """Write a complete backup into `directory` (which must not exist or be empty); return the manifest."""
    directory = Path(directory)
    if directory.exists() and any(directory.iterdir()):
        raise CommandError(f"{directory} is not empty; give a new folder for each backup.")
    if encrypt and not keys:
        raise CommandError("BACKUP_KEY is not set. Make one with `manage.py backup --generate-key`, keep it "
                           "apart from the backups, or pass --no-encrypt if the target is encrypted otherwise.")
    directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    suffix = ".enc" if encrypt else ""
    vendor = database_vendor()
    if vendor not in ("postgresql", "sqlite"):
        raise CommandError(f"Backups support PostgreSQL and SQLite, not {vendor}.")
    database_part = ("database.pgdump" if vendor == "postgresql" else "database.sqlite3") + suffix
    started = datetime.now(timezone.utc)

    def part_writer(name):
        handle = open(directory / name, "wb")  # noqa: SIM115 - closed below
        os.chmod(directory / name, 0o600)
        return handle, (EncryptingWriter(handle, keys) if encrypt else handle)

    # The database first, as one snapshot; the files after it (see the module docstring).
    log(f"database ({vendor}) → {database_part}")
    handle, sink = part_writer(database_part)
    if vendor == "postgresql":
        if connection.in_atomic_block:
            raise CommandError("A backup cannot run inside a transaction.")
        with transaction.atomic(), connection.cursor() as cursor:
            # One snapshot for the counts, the migration state and pg_dump.
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
            row_counts, migrations = row_counts_and_migrations(cursor, set(table_names()))
            dump_postgres(sink, snapshot=snapshot)
    else:
        with tempfile.TemporaryDirectory() as workdir:
            row_counts, migrations = dump_sqlite(sink, Path(workdir))
    sink.close()
    handle.close()

    files = {}
    for part, storage in (("media.tar", media_storage()), ("private.tar", private_storage())):
        log(f"files → {part}{suffix}")
        handle, sink = part_writer(part + suffix)
        files[part] = write_storage_tar(storage, sink)
        sink.close()
        handle.close()

    parts = {}
    for name, content in ((database_part, "database"), (f"media.tar{suffix}", "media"),
                          (f"private.tar{suffix}", "private")):
        path = directory / name
        parts[name] = {"content": content, "bytes": path.stat().st_size, "sha256": sha256_of(path)}
    manifest = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "created_at": started.isoformat(),
        "finished_at": datetime.now(timezone.utc).isoformat(),
        "database_vendor": vendor,
        "versions": versions(),
        "migrations": migrations,
        "counts": {**row_counts, "media_files": files["media.tar"], "private_files": files["private.tar"]},
        "encryption": {"scheme": SCHEME, "key_id": key_id(keys[0])} if encrypt else None,
        "parts": parts,
    }
    (directory / "manifest.json").write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n")
    return manifest


# ----------------------------------------------------------------------------------------------- restore


def read_manifest(directory: Path) -> dict:
    path = Path(directory) / "manifest.json"
    if not path.exists():
        raise CommandError(f"No manifest.json in {directory}: not a backup made by `manage.py backup`.")
    manifest = json.loads(path.read_text())
    if manifest.get("format") != FORMAT or manifest.get("format_version") != FORMAT_VERSION:
        raise CommandError("The manifest is not of a backup format this version understands.")
    return manifest


def verify(directory: Path, manifest: dict) -> None:
    for name, part in manifest["parts"].items():
        path = Path(directory) / name
        if not path.exists():
            raise CommandError(f"The backup lacks {name}.")
        if path.stat().st_size != part["bytes"] or sha256_of(path) != part["sha256"]:
            raise CommandError(f"{name} does not match its sha256 in the manifest: damaged or altered.")


def unknown_migrations(migrations: dict[str, list[str]]) -> list[str]:
    known = set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)
    return [f"{app}.{name}" for app, names in migrations.items() for name in names if (app, name) not in known]


def database_is_empty() -> bool:
    return not table_names()


def restore(*, directory: Path, keys: list[str], force: bool, log=lambda line: None) -> dict:
    """Restore a backup into this installation's database and storages; return {"expected", "found"} counts."""
    directory = Path(directory)
    manifest = read_manifest(directory)
    verify(directory, manifest)
    encryption = manifest.get("encryption")
    if encryption:
        if not keys:
            raise CommandError("The backup is encrypted and BACKUP_KEY is not set.")
        if encryption["key_id"] not in {key_id(k) for k in keys}:
            raise CommandError(f"The backup was encrypted with key {encryption['key_id']}, which is not in BACKUP_KEY.")
    vendor = database_vendor()
    if manifest["database_vendor"] != vendor:
        raise CommandError(f"The backup holds a {manifest['database_vendor']} database; this installation uses {vendor}.")
    newer = unknown_migrations(manifest["migrations"])
    if newer:
        raise CommandError("The backup comes from a newer version (migrations this code does not have: "
                           f"{', '.join(newer[:5])}). Install that version first.")
    if not force:
        if not database_is_empty():
            raise CommandError("The database is not empty. Restore into a new, empty database, or pass --force "
                               "to replace what it holds.")
        for label, storage in (("media", media_storage()), ("private attachments", private_storage())):
            if storage_files(storage):
                raise CommandError(f"The {label} storage is not empty; pass --force to replace its files.")

    def part(content):
        return next(name for name, p in manifest["parts"].items() if p["content"] == content)

    encrypted = bool(encryption)
    log(f"database ({vendor}) ← {part('database')}")
    with open_part(directory / part("database"), encrypted=encrypted, keys=keys) as reader:
        if vendor == "postgresql":
            restore_postgres(reader, clean=force)
        else:
            with tempfile.TemporaryDirectory() as workdir:
                restore_sqlite(reader, Path(workdir))
    for content, storage in (("media", media_storage()), ("private", private_storage())):
        log(f"files ← {part(content)}")
        with open_part(directory / part(content), encrypted=encrypted, keys=keys) as reader:
            restore_storage_tar(storage, reader, replace=force)
    return {"expected": manifest["counts"], "found": counts()}
