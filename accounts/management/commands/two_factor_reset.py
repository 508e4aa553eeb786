from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from accounts.two_factor import two_factor_reset


class Command(BaseCommand):
    help = (
        "Remove a user's authenticator app and recovery codes (a lost phone). "
        "They set up two-factor login again at their next sign-in."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *, username, **options):
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"Không có người dùng {username!r}.")
        deleted = two_factor_reset(user=user)
        self.stdout.write(f"Đã xoá {deleted} thiết bị xác thực của {username}.")
