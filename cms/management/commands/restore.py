"""`manage.py restore <folder>`: a backup into an empty database and empty storages."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from cms import backup


class Command(BaseCommand):
    help = ("Restore a backup made by `manage.py backup` into an EMPTY database and empty media and "
            "attachment storages (checked first: sha256 of every part, key, migration state). "
            "--force replaces what they hold.")

    def add_arguments(self, parser):
        parser.add_argument("directory", help="the backup's folder (with manifest.json)")
        parser.add_argument("--force", action="store_true",
                            help="restore even though the database or the storages are not empty")

    def handle(self, *args, directory, force=False, **options):
        result = backup.restore(directory=directory, keys=settings.BACKUP_KEY, force=force,
                                log=lambda line: self.stdout.write(f"  {line}"))
        differences = [f"{name}: {expected} in the backup, {result['found'].get(name)} restored"
                       for name, expected in result["expected"].items() if result["found"].get(name) != expected]
        if differences and not force:
            raise CommandError("The restored installation differs from the backup: " + "; ".join(differences))
        for line in differences:
            self.stderr.write(f"Differs (--force kept what was already there): {line}")
        counted = ", ".join(f"{name} {number}" for name, number in result["found"].items())
        self.stdout.write(self.style.SUCCESS(f"Restored from {directory}: {counted}."))
        self.stdout.write("Next: `manage.py migrate` (if this code is newer than the backup), "
                          "`manage.py createcachetable`, `manage.py update_index`, then start the services.")
