"""`manage.py backup <folder>`: the database, the media and the private attachments, with a manifest."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from cms import backup


class Command(BaseCommand):
    help = ("Back up the database (pg_dump -Fc, or SQLite's online backup), the media and the private "
            "attachments into a new folder, encrypted with BACKUP_KEY, with a manifest (versions, "
            "migrations, counts, sha256 of each part).")

    def add_arguments(self, parser):
        parser.add_argument("directory", nargs="?", help="a new (or empty) folder for this backup")
        parser.add_argument("--no-encrypt", action="store_true",
                            help="write the parts unencrypted (only onto storage that is itself encrypted)")
        parser.add_argument("--generate-key", action="store_true", help="print a new BACKUP_KEY and exit")

    def handle(self, *args, directory=None, no_encrypt=False, generate_key=False, **options):
        if generate_key:
            self.stdout.write(backup.generate_key())
            return
        if not directory:
            raise CommandError("Give the folder to write the backup into.")
        if no_encrypt:
            self.stderr.write("Warning: the backup holds citizens' personal data and is NOT encrypted.")
        manifest = backup.backup(directory=directory, keys=settings.BACKUP_KEY, encrypt=not no_encrypt,
                                 log=lambda line: self.stdout.write(f"  {line}"))
        counted = ", ".join(f"{name} {number}" for name, number in manifest["counts"].items())
        self.stdout.write(self.style.SUCCESS(f"Backup written to {directory}: {counted}."))
