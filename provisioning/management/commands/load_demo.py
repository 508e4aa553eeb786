"""`manage.py load_demo`: the Đắk Hà district portal with its 11 communes, content and demo users.

`make run` calls it on every start, so it is idempotent: a second run completes what is missing and
changes nothing else (not even a demo password someone has changed).
"""

from django.conf import settings
from django.core.management.base import BaseCommand
from wagtail.models import Site

from provisioning.demo.builder import load_demo
from provisioning.demo.data import DEMO_PASSWORD
from provisioning.management.commands.provision import quiet_logs


class Command(BaseCommand):
    help = "Nạp dữ liệu trình diễn: cổng thông tin huyện Đắk Hà, 11 xã, thị trấn và tài khoản thử."

    def handle(self, *args, **options):
        port = settings.PORT
        with quiet_logs(options["verbosity"] < 2):
            demo = load_demo()
        follow_development_port()
        self.stdout.write(self.style.SUCCESS(
            f"Dữ liệu trình diễn: {demo.portal.title}, {len(demo.communes)} trang xã; "
            f"{demo.pages_created} trang nội dung mới tạo trong lần chạy này."
        ))
        dak_la = next(home for home in demo.communes if home.unit.code == "23524")
        site = dak_la.get_site()
        self.stdout.write(
            f"\n  Cổng thông tin huyện:  http://localhost:{port}/\n"
            f"  Trang xã Đắk La:       http://{site.hostname}:{port}/"
            f"  (hoặc http://localhost:{port}/{dak_la.slug}/)\n"
            f"  Trang quản trị:        http://localhost:{port}/quan-tri/\n"
        )
        self.stdout.write(f"  Tài khoản trình diễn (mật khẩu ban đầu: {DEMO_PASSWORD}):")
        for username, role, created in demo.users:
            note = "" if created else " (đã có, giữ nguyên mật khẩu)"
            self.stdout.write(f"    {username:<15} {role}{note}")


def follow_development_port():
    """In development the server's port changes with `make run PORT=…`: the demo's site records follow it,
    so links between the portal and the communes keep the port the server listens on. Saved one by one
    (a handful of sites) so the site caches hear of it."""
    if not settings.DEBUG:
        return 0
    moved = 0
    for site in Site.objects.exclude(port=settings.SITE_PORT):
        site.port = settings.SITE_PORT
        site.save(update_fields=["port"])
        moved += 1
    return moved
